"""An export file read as it streams, never whole: its bytes checked as text as they pass (empty,
binary, encoding, control characters), its JSON parsed incrementally (ijson), its header checked, and
its rows handed out table by table, each problem one sentence naming the file.

`ExportFile.check()` reads the whole file once and checks every row (`export_rules.Checker`), keeping
only compact state; `ExportFile.rows()` reads it again and yields the rows to insert. A file whose
tables are in an order of its own (or named twice) is read once per table instead."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from . import trackerfile
from .errors import BadFile
from .export_rules import EXPORTED, SHAPE, Checker
from .importer.documents import bom_codec, open_regular

FORMAT = "casr-tracker"
FORMAT_VERSION = 1
#: bytes read from the file at a time
CHUNK = 1 << 16
#: an export is four containers deep (file, tables, table, row); values inside rows may nest a little
MAX_DEPTH = 256
#: how much of a file that is not UTF-8 its encoding is detected from
SAMPLE = 4 << 20
#: `\uD800`-`\uDFFF` escapes: the fast parser would read a lone one as "?", so such files take the exact one
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_OPENS = ("start_map", "start_array")
_CLOSES = ("end_map", "end_array")
#: the fast parser (yajl, in C) and the exact one (pure Python: numbers of any size, lone surrogates)
FAST, EXACT = ijson, ijson.get_backend("python")

#: (what is being done, how far, out of how much, "rows" or "bytes")
Progress = Callable[[str, int, int, str], None]


class _TooDeep(Exception):
    pass


class _NotUtf8(Exception):
    pass


class _Restart(Exception):
    """The fast parser cannot read this file exactly: read it again with the exact one."""


class _Feed:
    """The file's bytes as UTF-8 for the parser, checked as text on the way as `documents.decode`
    checks a whole file: decoded (UTF-16/32 by their byte-order mark, another encoding re-encoded),
    refused when empty, binary or full of control characters. Counts lines (for a JSON error's
    line) and notes surrogate escapes. From `slow_after` on it hands out one byte at a time, so the
    parser stops exactly where the JSON goes wrong."""

    def __init__(self, handle: BinaryIO, name: str, codec: str, *, slow_after: int | None = None, on_read=None):
        self._raw, self._name, self._codec = handle, name, codec
        self._wide = codec in ("utf-16", "utf-32")
        self._passthrough = codec in ("utf-8", "utf-8-sig")
        self._decoder = codecs.getincrementaldecoder(codec)()
        self._pending = b""
        self._eof = False
        self._nonblank = False
        self._window: list[str] = []
        self._window_size = 0
        self._window_checked = False
        self._first = True
        self._tail = b""
        self._slow_after = slow_after
        self._on_read = on_read
        self.given = 0  # bytes handed to the parser
        self.ended = False  # the parser was told the file ended
        self._last = b""
        self.raw = 0  # bytes read from the file
        self.lines = 0
        self.surrogates = False

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        while (not self._pending or not self._window_checked) and not self._eof:
            self._fill()
        if size < 0:
            size = len(self._pending)
        if self._slow_after is not None:
            size = 1 if self.given >= self._slow_after else min(size, self._slow_after - self.given)
        out, self._pending = self._pending[:size], self._pending[size:]
        self.given += len(out)
        if out:
            # lines as text reads them: \r\n, \r and \n each end one (a \r\n may come in two reads)
            self.lines += out.count(b"\n") + out.count(b"\r") - out.count(b"\r\n")
            self.lines -= self._last == b"\r" and out[:1] == b"\n"
            self._last = out[-1:]
        else:
            self.ended = True
        return out

    def line(self) -> int:
        """The line the last byte handed out is on (the parser stopped at it), or the last line."""
        ends_line = self._last == b"\n" or self._last == b"\r"
        return self.lines + 1 - (ends_line and not self.ended)

    def drain(self) -> None:
        """Read (and check) the rest of the file."""
        while not self._eof:
            self._fill()
            self._pending = b""

    def _fill(self) -> None:
        try:
            raw = self._raw.read(CHUNK)
        except OSError as exc:
            raise BadFile(f"{self._name} cannot be read: {exc.strerror or exc}.") from None
        self.raw += len(raw)
        if self._on_read is not None:
            self._on_read(self.raw)
        final = not raw
        if not self._wide and b"\x00" in raw:
            raise BadFile(f"{self._name} is a binary file, not text.")
        try:
            text = self._decoder.decode(raw, final)
        except UnicodeDecodeError as exc:
            if self._wide:
                if final or exc.reason == "truncated data":
                    raise BadFile(f"{self._name} is truncated: it ends in the middle of a character.") from None
                what = self._codec.upper()
                raise BadFile(f"{self._name} starts as {what} text but is not valid {what}.") from None
            if final and self._passthrough:
                raise BadFile(f"{self._name} is truncated: it ends in the middle of a character.") from None
            if self._passthrough:
                raise _NotUtf8 from None
            raise BadFile(f"{self._name} is not text in any encoding that could be detected.") from None
        if self._wide and "\x00" in text:
            raise BadFile(f"{self._name} is a binary file, not text.")
        if not self._nonblank and text.replace("\ufeff", "").strip():
            self._nonblank = True
        if not self._window_checked:
            self._window.append(text[: 20000 - self._window_size])
            self._window_size += len(self._window[-1])
            if self._window_size >= 20000 or final:
                self._check_window()
        if final:
            self._eof = True
            if not self._nonblank:
                raise BadFile(f"{self._name} is empty.")
        if self._passthrough:
            out = raw[3:] if self._first and raw.startswith(codecs.BOM_UTF8) else raw
        else:
            out = text.encode("utf-8")
        self._first = False
        if b"\\u" in self._tail + out and _SURROGATE.search(self._tail + out):
            self.surrogates = True
        self._tail = out[-5:]
        self._pending += out

    def _check_window(self) -> None:
        self._window_checked = True
        text = "".join(self._window).replace("\r\n", "\n").replace("\r", "\n")
        self._window = []
        printable = sum(ch.isprintable() or ch in "\n\t" for ch in text)
        if printable < 0.95 * len(text):
            raise BadFile(f"{self._name} does not look like text (too many control characters).")


def _skip(events: Iterator, event: str, depth: int) -> None:
    """Pass over one value whose first event was `event`, `depth` containers in."""
    if event not in _OPENS:
        return
    level = 1
    if depth + level > MAX_DEPTH:
        raise _TooDeep
    for event, _value in events:
        if event in _OPENS:
            level += 1
            if depth + level > MAX_DEPTH:
                raise _TooDeep
        elif event in _CLOSES:
            level -= 1
            if not level:
                return


def _value(events: Iterator, event: str, value: Any, depth: int) -> Any:
    """Build one value whose first event was (`event`, `value`), `depth` containers in."""
    if event == "start_map":
        if depth + 1 > MAX_DEPTH:
            raise _TooDeep
        out: dict = {}
        for event, value in events:
            if event == "end_map":
                return out
            event2, value2 = next(events)
            out[value] = _value(events, event2, value2, depth + 1) if event2 in _OPENS else value2
    if event == "start_array":
        if depth + 1 > MAX_DEPTH:
            raise _TooDeep
        items: list = []
        for event, value in events:
            if event == "end_array":
                return items
            items.append(_value(events, event, value, depth + 1) if event in _OPENS else value)
    return value


def _walk(events: Iterator, wanted: Callable[[str], bool]) -> Iterator[tuple]:
    """What an export's JSON says, in its order: ("top", is_object), ("header", key, value),
    ("tables", is_object), ("table", name, is_list), ("row", name, index, row) for the tables
    `wanted` says yes to (asked just after their "table" item). Everything else is passed over, its
    nesting checked."""
    event, value = next(events)
    yield ("top", event == "start_map")
    if event != "start_map":
        _skip(events, event, 0)
        return
    for _key_event, key in events:
        if _key_event == "end_map":
            break
        event, value = next(events)
        if key == "tables":
            yield ("tables", event == "start_map")
            if event != "start_map":
                _skip(events, event, 1)
                continue
            for _table_event, name in events:
                if _table_event == "end_map":
                    break
                event, value = next(events)
                yield ("table", name, event == "start_array")
                if event != "start_array" or not wanted(name):
                    _skip(events, event, 2)
                    continue
                for index, (event, value) in enumerate(events):
                    if event == "end_array":
                        break
                    if event == "start_map":  # a row: its values are most often plain
                        row = {}
                        for event, value in events:
                            if event == "end_map":
                                break
                            event2, value2 = next(events)
                            row[value] = _value(events, event2, value2, 4) if event2 in _OPENS else value2
                    else:
                        row = _value(events, event, value, 3)
                    yield ("row", name, index, row)
        elif key in ("format", "version", "schema"):
            yield ("header", key, _value(events, event, value, 1))
        else:
            _skip(events, event, 1)


class ExportFile:
    """An export on disk. `check()` first (it raises BadFile with the first problem, in the words a
    check of the whole file at once used), then `rows()`; `counts` holds the rows of each table."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = str(path)
        self.counts: dict[str, int] = {}
        self._codec: str | None = None
        self._parser = FAST
        #: the tables of the last "tables" object as a dict holds them: first appearance, last value
        self._tables: dict[str, bool] = {}
        #: one "tables" object naming each table once, in the order they are inserted in
        self._orderly = True
        self._times: dict[str, int] = {}  # how often each table is named in the last "tables"
        self._tables_seen = 0
        self._stamp: tuple = ()

    @property
    def _invalid(self) -> str:
        return f"{self.name} is not a valid CASR Tracker export"

    def _stat(self) -> tuple:
        try:
            info = os.stat(self.path)
        except OSError:
            return ()
        return (info.st_size, info.st_mtime_ns, info.st_ino)

    # --- reading ------------------------------------------------------------------------------------

    def _open(self, *, slow_after: int | None = None, on_read=None) -> tuple[BinaryIO, _Feed]:
        handle = open_regular(self.path)
        try:
            if self._codec is None:
                self._codec = bom_codec(handle.read(4)) or "utf-8"
                handle.seek(0)
            feed = _Feed(handle, self.name, self._codec, slow_after=slow_after, on_read=on_read)
        except BaseException:
            handle.close()
            raise
        return handle, feed

    def _events(self, feed: _Feed) -> Iterator:
        return self._parser.basic_parse(feed, use_float=True, buf_size=CHUNK)

    def _items(self, wanted: Callable[[str], bool], on_read=None) -> Iterator[tuple]:
        """The file read once through `_walk`, whatever goes wrong said in one sentence."""
        handle, feed = self._open(on_read=on_read)
        with handle:
            events = self._events(feed)
            try:
                yield from _walk(events, wanted)
                for _ in events:  # (what follows the export: only spaces may)
                    pass
            except _TooDeep:
                feed.drain()
                raise BadFile(f"{self._invalid}: its JSON nests deeper than an export does.") from None
            except ijson.JSONError as exc:
                feed.drain()
                raise self._json_error(exc, feed) from None
        if self._parser is FAST and feed.surrogates:
            raise _Restart

    def _json_error(self, exc: Exception, feed: _Feed) -> Exception:
        message = str(exc)
        if self._parser is FAST and "overflow" in message:  # a number past 64 bits: the exact parser reads it
            return _Restart()
        symbol = re.search(r"Unexpected symbol '([-+0-9.eE]+)'", message)
        if symbol and re.search(r"\d", symbol.group(1)):
            number = symbol.group(1)
            too_long = len(number) > 4300 if re.fullmatch(r"-?\d+", number) else abs(float(number)) == float("inf")
            if too_long:
                return BadFile(f"{self._invalid}: it holds a number too long to read.")
        return BadFile(f"{self.name} is not valid JSON (line {self._line_of(feed)}).")

    def _line_of(self, failed: _Feed) -> int:
        """The line the JSON goes wrong on: read again, byte by byte over the stretch it went wrong in."""
        handle, feed = self._open(slow_after=max(0, failed.given - CHUNK))
        with handle:
            try:
                for _ in self._events(feed):
                    pass
            except (ijson.JSONError, BadFile):
                pass
        return feed.line()

    # --- pass 1 -------------------------------------------------------------------------------------

    def check(self, progress: Progress | None = None) -> dict[str, int]:
        """Read the whole file and check it: as text, as JSON, its header, every row. Raises BadFile
        with the first problem; returns the rows of each table."""
        self._stamp = self._stat()
        while True:
            try:
                return self._check(progress)
            except _NotUtf8:
                self._codec = self._detected()
            except _Restart:
                if self._parser is EXACT:
                    raise
                self._parser = EXACT

    def _detected(self) -> str:
        from charset_normalizer import from_bytes  # loaded only for a file that is not UTF-8

        with open_regular(self.path) as handle:
            sample = handle.read(SAMPLE)
        best = from_bytes(sample).best()
        if best is None or best.encoding in ("utf_8", "ascii"):
            raise BadFile(f"{self.name} is not text in any encoding that could be detected.")
        return best.encoding

    def _check(self, progress: Progress | None) -> dict[str, int]:
        checker = Checker()
        try:
            header = self._first_pass(checker, progress)
            self._check_header(header)
            if not self._orderly:  # read as a dict reads it, one table at a time
                checker.close()
                checker = Checker()
                self._table_by_table(checker)
            for table in checker.unsorted:
                checker.rescan(table, lambda table=table: (row for _, row in self._rows_of(table)))
            if problem := checker.problem():
                raise BadFile(f"{self._invalid}: {problem}.")
        finally:
            checker.close()
        return dict(self.counts)

    def _first_pass(self, checker: Checker, progress: Progress | None) -> dict:
        header: dict[str, Any] = {"top": False, "tables": False}
        order = {table: number for number, table in enumerate(EXPORTED)}
        self._tables, self._orderly, self._times, self._tables_seen, self.counts = {}, True, {}, 0, {}
        last = -1
        total = self._stamp[0] if self._stamp else 0
        on_read = (lambda done: progress("Checking", done, total, "bytes")) if progress else None

        def wanted(name: str) -> bool:
            return self._orderly and name in EXPORTED and checker.stage > SHAPE

        for item in self._items(wanted, on_read):
            kind = item[0]
            if kind == "row":
                self.counts[item[1]] = item[2] + 1
                checker.row(item[1], item[2], item[3])
            elif kind == "table":
                _, name, is_list = item
                self._times[name] = self._times.get(name, 0) + 1
                if name in self._tables or order.get(name, last) < last:
                    self._orderly = False
                last = order.get(name, last)
                if name not in self._tables:
                    checker.table(len(self._tables), name, is_list)
                self._tables[name] = is_list
                if name in EXPORTED and is_list:
                    self.counts[name] = 0
            elif kind == "tables":
                self._tables_seen += 1
                self._orderly = self._tables_seen == 1
                header["tables"] = item[1]
                self._tables, self._times, last = {}, {}, -1
            elif kind == "header":
                header[item[1]] = item[2]
            else:
                header["top"] = item[1]
        return header

    def _check_header(self, header: dict) -> None:
        if not header["top"] or not header["tables"] or header.get("format") != FORMAT:
            raise BadFile(f"{self.name} is not a CASR Tracker export.")
        version, schema = header.get("version", 0), header.get("schema")
        if type(version) is not int:
            raise BadFile(f"{self._invalid}: its version {version!r:.40} is not a whole number.")
        if version > FORMAT_VERSION:
            raise BadFile(f"{self.name} was exported by a newer version of CASR Tracker.")
        if schema is not None and (not isinstance(schema, str) or not trackerfile.known(schema)):
            raise BadFile(
                f"{self.name} was exported by a newer version of CASR Tracker (schema {schema!s:.40}); "
                "update the app to import it."
            )

    def _table_by_table(self, checker: Checker) -> None:
        self.counts = {}
        for position, (name, is_list) in enumerate(self._tables.items()):
            checker.table(position, name, is_list)
        for table in EXPORTED:
            if self._tables.get(table):
                self.counts[table] = 0
                for index, row in self._rows_of(table):
                    self.counts[table] = index + 1
                    checker.row(table, index, row)

    def _rows_of(self, table: str) -> Iterator[tuple[int, Any]]:
        """One table's rows, from its last appearance in the last "tables" (as a dict keeps it)."""
        seen = {"tables": 0, "table": 0}

        def chosen() -> bool:
            return seen["tables"] == self._tables_seen and seen["table"] == self._times.get(table)

        for item in self._items(lambda name: name == table and chosen()):
            if item[0] == "tables":
                seen["tables"] += 1
                seen["table"] = 0
            elif item[0] == "table" and item[1] == table:
                seen["table"] += 1
            elif item[0] == "row" and chosen():
                yield item[2], item[3]

    # --- pass 2 -------------------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[str, dict]]:
        """Every row of a checked export as (table, row), tables in the order they are inserted in."""
        if self._orderly:
            for item in self._items(lambda name: name in EXPORTED):
                if item[0] == "row":
                    yield item[1], item[3]
        else:
            for table in EXPORTED:
                if self._tables.get(table):
                    for _, row in self._rows_of(table):
                        yield table, row
        if self._stat() != self._stamp:
            raise BadFile(f"{self.name} changed while it was being imported; import it again.")


__all__ = ["FORMAT", "FORMAT_VERSION", "ExportFile", "Progress"]
