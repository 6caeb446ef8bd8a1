"""Every Qt name the window uses comes through here (one place to see what we depend on).

Names are looked up when first asked for: QtCore, QtGui and QtWidgets are loaded at once, but their
types are only created for the names the app uses (a `from PySide6.QtWidgets import *` creates every
one of them and costs a tenth of a second); QtCharts, QtPrintSupport and QtSvg are loaded only when a
name from them is first asked for (the dashboard, printing).
"""

from importlib import import_module

from PySide6 import QtCore, QtGui, QtWidgets

_NOW = (QtWidgets, QtGui, QtCore)  # as the star imports did: a later module's name wins
_LATER = ("PySide6.QtCharts", "PySide6.QtPrintSupport", "PySide6.QtSvg")


def _modules():
    yield from _NOW
    for name in _LATER:
        yield import_module(name)


def __getattr__(name: str):
    if name.startswith("__"):  # the import system asks for __path__ and the like: not Qt names
        raise AttributeError(name)
    for module in _modules():
        value = getattr(module, name, None)
        if value is not None:
            globals()[name] = value
            return value
    raise AttributeError(f"Qt has no name {name!r} in the modules this app uses")
