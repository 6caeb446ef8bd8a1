"""User text made inert for where it goes: one function per kind of output, so that nothing a user
wrote (a note, a quote, a title, a URL, a name) becomes a formula, markup, a link or a terminal
command on the way.

- spreadsheets: `for_spreadsheet` (what any cell may hold), `for_csv` (a field that never starts a
  formula: OWASP's quote first) and `text_cell` (a workbook cell stored as text, with Excel's
  quote prefix);
- Markdown: `for_markdown` (raw HTML and Markdown syntax escaped, one line) and `markdown_link`
  (only http, https and file URLs become links, with nothing in them that could end the link);
- terminals: `for_terminal` (no escape sequence, no control character, one line where one is
  expected);
- names: `user_name` refuses a name with a line break or a control character.

HTML and PDF need nothing here: Jinja2 escapes the HTML, and the PDF is laid out from that HTML.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from .errors import InputError
from .parsing import URL_SCHEMES

# --- spreadsheets -------------------------------------------------------------------------------

#: the most characters a cell holds (Excel counts UTF-16 code units); a longer text is cut
CELL_LIMIT = 32_767
#: what a spreadsheet reads as the start of a formula (OWASP: =, +, -, @, tab, carriage return)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: what a workbook (XML 1.0) cannot hold: C0 controls but tab and line ends, lone surrogates,
#: U+FFFE and U+FFFF; each is replaced by U+FFFD, so the reader sees that something was there
_NOT_IN_A_CELL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def for_spreadsheet(value: object, *, room: int = CELL_LIMIT) -> str:
    """The text a cell can hold: characters a workbook refuses replaced by U+FFFD, and a text
    longer than `room` cut, ending with "… (cut: N characters)" so the cut is seen."""
    text = _NOT_IN_A_CELL.sub("\ufffd", str(value))
    if _units(text) <= room:
        return text
    kept = len(text)
    while True:  # the marker's own length depends on how much is cut
        marker = f"… (cut: {len(text) - kept:,} characters)"
        budget = room - _units(marker)
        fits = _prefix_within(text, budget)
        if fits == kept:
            return text[:kept] + marker
        kept = fits


def _units(text: str) -> int:
    """Length in UTF-16 code units, as Excel counts a cell's characters."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _prefix_within(text: str, budget: int) -> int:
    """How many characters of `text` fit in `budget` UTF-16 code units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            return index
    return len(text)


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula (leading blanks do not hide it)."""
    return text.lstrip(" \n").startswith(FORMULA_STARTS)


def for_csv(value: object) -> object:
    """A CSV field: text as `for_spreadsheet` makes it, with a quote (') first when it would start a
    formula (OWASP's advice: the spreadsheet then shows it as text), and carriage returns made line
    feeds (a writer ending its rows with "\n" leaves a lone "\r" unquoted, and a reader takes it for
    the end of a row); numbers, dates and None as they are."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    text = for_spreadsheet(value)
    return "'" + for_spreadsheet(value, room=CELL_LIMIT - 1) if starts_formula(text) else text


def text_cell(cell) -> None:
    """Keep a workbook cell (openpyxl's) that holds text as text: stored as a string, never as a
    formula or an error value (openpyxl reads "=..." as a formula and "#N/A" as an error), and,
    when it starts as a formula would, with the quote prefix Excel itself sets on a cell typed
    with a leading ', so that editing it keeps it text. The text itself is what the user typed.
    The cell's value must already be `for_spreadsheet`'s (openpyxl refuses the rest on assignment)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if starts_formula(cell.value):
            cell.quotePrefix = True


# --- Markdown -----------------------------------------------------------------------------------

_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]|])")
#: line ends (a Markdown line end, and those a renderer or an editor may take for one) and tabs
_LINE_BREAKS = re.compile("\r\n|[\n\r\t\v\f\x1c-\x1e\x85\u2028\u2029]")
#: control characters that are neither a line end nor a tab: dropped
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def for_markdown(text: object) -> str:
    """Text as Markdown shows it as typed, on one line: raw HTML escaped (&, <, >), Markdown's
    syntax backslash-escaped (so `**x**` or `[x](javascript:…)` is text), line ends and tabs made
    spaces and other control characters dropped."""
    value = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value))
    return _MARKDOWN_SYNTAX.sub(r"\\\1", value)


def followable(url: str) -> bool:
    """Whether a reader may follow `url`: it starts with an http, https or file scheme."""
    scheme, colon, _rest = url.partition(":")
    return bool(colon) and scheme.lower() in URL_SCHEMES


#: characters that end or break a URL in Markdown's link syntax (or are no URL's): percent-encoded
_URL_BREAKS = re.compile("[\x00-\x20\x7f-\x9f<>\"'()\\\\`]")


def markdown_url(url: str) -> str:
    """`url` with every character that could end a Markdown link, or let it out of an HTML
    attribute, percent-encoded as a browser would send it (a space as %20, `"` as %22, `(` as %28)."""
    return _URL_BREAKS.sub(lambda match: quote(match.group(), safe=""), url)


def markdown_link(title: str, url: str) -> str:
    """`title` linked to `url` when a reader may follow it (http, https, file): `[title](<url>)`, or
    the autolink `<url>` when the title is the URL itself. Any other URL is not linked: it is shown
    as text after the title."""
    if not url or not followable(url):
        shown = for_markdown(title)
        return shown if not url or url == title else f"{shown} ({for_markdown(url)})"
    target = markdown_url(url)
    if title == url:
        return f"<{target}>"  # an autolink takes its text literally (no entity, no backslash escape)
    target = re.sub(r"&(?=#?\w+;)", r"\\&", target)  # in a destination, "&amp;" would be read as "&"
    return f"[{for_markdown(title)}](<{target}>)"


# --- terminals ----------------------------------------------------------------------------------

#: escape sequences: CSI (colours, cursor, clearing; ESC [ or 8-bit CSI), strings (OSC window
#: titles and hyperlinks, DCS, SOS, PM, APC; ended by BEL or ST), and two-character escapes
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)
#: what a terminal obeys besides escape sequences: C0 and C1 controls, DEL, and the bidirectional
#: embeddings, overrides and isolates that turn the rest of a line around
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: object, *, one_line: bool = True) -> str:
    """Text a terminal prints and does not obey: escape sequences removed, control characters
    dropped; where one line is expected (`one_line`) every line end and tab becomes a space, so no
    text can start a line of its own; otherwise line ends become newlines (a carriage return would
    let the text write over its own line)."""
    value = _ESCAPES.sub("", str(text))
    value = _LINE_BREAKS.sub(" ", value) if one_line else re.sub("\r\n?|[\v\f\x85\u2028\u2029]", "\n", value)
    return _TERMINAL_CONTROLS.sub("", value)


# --- names --------------------------------------------------------------------------------------


def user_name(name: str) -> str:
    """`name` as given, when it can be recorded as who made a change: refused (InputError) when it
    holds a line break or a control character, which would forge or garble a line of a history."""
    if name and (any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in name) or _TERMINAL_CONTROLS.search(name)):
        raise InputError("A user name cannot contain line breaks or control characters.")
    if name and not any(not c.isspace() and unicodedata.category(c) != "Cf" for c in name):
        raise InputError("A user name cannot be blank or made only of invisible characters.")
    if len(name) > MAX_NAME:
        raise InputError(f"A user name is at most {MAX_NAME} characters.")
    return name


#: the longest name recorded with a change (a person's name, not a paragraph)
MAX_NAME = 100


__all__ = [
    "CELL_LIMIT",
    "FORMULA_STARTS",
    "followable",
    "for_csv",
    "for_markdown",
    "for_spreadsheet",
    "for_terminal",
    "markdown_link",
    "markdown_url",
    "starts_formula",
    "text_cell",
    "user_name",
]
