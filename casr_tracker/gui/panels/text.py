"""Python string offsets ↔ Qt text positions (Qt counts UTF-16 code units)."""

from __future__ import annotations


def utf16_pos(text: str, index: int) -> int:
    """The Qt position of Python index `index` in `text`."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def utf16_span(text: str, start: int, end: int) -> tuple[int, int]:
    return utf16_pos(text, start), utf16_pos(text, end)


def python_index(text: str, position: int) -> int:
    """The Python index of Qt position `position` in `text`."""
    units = 0
    for i, ch in enumerate(text):
        if units >= position:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)
