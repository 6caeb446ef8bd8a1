"""Hostile text (issue 16): strings a note, a quote, a title, a URL or a name can carry that would
become code where they go: a formula in a spreadsheet, markup or a link in Markdown, an escape
sequence or a forged line on a terminal. Defined once; the injection tests run over all of them."""

from __future__ import annotations

#: cells a spreadsheet would evaluate (OWASP CSV injection: =, +, -, @, tab, carriage return)
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "#N/A",  # an error value, not text, in a workbook cell
]

#: text that is markup or a link in Markdown (and HTML)
MARKUP = [
    '"><script>alert(1)</script>',
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "![pixel](http://evil.example/pixel.png)",
    "&lt;script&gt; is an entity, not a tag",
    "<http://evil.example>",
    "*bold* _it_ `code` | cell |",
]

#: what a terminal obeys: colours, a window title, the bell, a cleared screen, 8-bit CSI
TERMINAL = [
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "bell\x07",
    "\x1b[2J\x1b[Hcleared",
    "\x9b31mC1 CSI\x9b0m",
    "\x1b]8;;http://evil.example\x1b\\hidden link\x1b]8;;\x1b\\",
]

#: every C0 control character but NUL (which no argv and no SQLite text column carries)
CONTROL = "".join(chr(code) for code in range(1, 32)) + "\x7f"

#: twice the 65,536 characters a note was tried with; a spreadsheet cell holds at most 32,767
HUGE = "x" * 131_072

#: a right-to-left override turns what follows it around
RTL = "abc\u202edef"

#: a line of `history` output, forged by a newline (or a carriage return) in text or a name
FORGED = "bob\n  #1     2020-01-01  status                Not assessed → Fulfilled"
FORGED_CR = "ok\r  #1     2020-01-01  status                Not assessed → Fulfilled"

HOSTILE = [*FORMULAS, *MARKUP, *TERMINAL, CONTROL, HUGE, RTL, FORGED, FORGED_CR]

#: URLs (http, so a link is accepted) that would break out of Markdown's link syntax
URLS = [
    'https://evil.example/"><script>alert(1)</script>',
    "https://evil.example/a b(c)'d\"",
    "https://evil.example/x)[y](javascript:alert(1)",
    "https://evil.example/<b>",
]

#: names that forge a history line or carry control characters
BAD_NAMES = [FORGED, FORGED_CR, "bob\x1b[31m", "bob\x07", "bob\u2028forged", "bob\u202e"]


def shown(text: str) -> str:
    """Short enough for a test id."""
    return repr(text[:30])
