"""How counts read in sentences: "1 pledge", "2 pledges"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun in the number it takes.

    >>> counted(1, "score"), counted(3, "passage"), counted(0, "pledge")
    ('1 score', '3 passages', '0 pledges')
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
