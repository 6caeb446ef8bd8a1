"""Every Qt name the window uses comes through here (one place to see what we depend on).

QtCore, QtGui and QtWidgets are loaded at once; QtCharts, QtPrintSupport and QtSvg only when a name
from them is first asked for (the dashboard, printing), which keeps the window's start quick.
"""

from importlib import import_module

from PySide6.QtCore import *  # noqa: F403
from PySide6.QtGui import *  # noqa: F403
from PySide6.QtWidgets import *  # noqa: F403

_LATER = ("PySide6.QtCharts", "PySide6.QtPrintSupport", "PySide6.QtSvg")


def __getattr__(name: str):
    for module_name in _LATER:
        module = import_module(module_name)
        if hasattr(module, name):
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"Qt has no name {name!r} in the modules this app uses")
