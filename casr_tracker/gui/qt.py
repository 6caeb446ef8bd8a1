"""Every Qt name the window uses comes through here (one place to see what we depend on)."""

from PySide6.QtCharts import *  # noqa: F403
from PySide6.QtCore import *  # noqa: F403
from PySide6.QtGui import *  # noqa: F403
from PySide6.QtPrintSupport import *  # noqa: F403
from PySide6.QtSvg import *  # noqa: F403
from PySide6.QtWidgets import *  # noqa: F403
