"""Files that attack the reader (issue 16): special files, streams that never end, text in UTF-16,
text that is only a byte-order mark, PDFs that inflate without end. Each is refused with one sentence
before it costs memory or time, and nothing is stored; real files in tmp_path, real devices."""

from __future__ import annotations

import codecs
import contextlib
import functools
import gzip
import http.server
import io
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import zipfile
import zlib
from pathlib import Path

import pytest

from casr_tracker.errors import BadFile
from casr_tracker.importer import documents, web
from casr_tracker.importer.documents import load_document, read_text

from ..conftest import STATEMENT

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes, devices and sockets are POSIX")
TEXT = "Russia and Uzbekistan signed a roadmap on the organised recruitment of labour migrants.\n" * 3


def pdf(*contents: bytes, compressed: bool = True) -> bytes:
    """A PDF of one page per content stream (already flate-compressed unless `compressed` is False)."""
    n = len(contents)
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n)]
    font = 3 + 2 * n
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (3 + n + i, font)
        for i in range(n)
    ]
    flate = b" /Filter /FlateDecode" if compressed else b""
    objects += [b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(c), flate, c) for c in contents]
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /Unknown-Encoding >>")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@functools.cache
def inflating_to(megabytes: int) -> bytes:
    """A content stream showing one word, then `megabytes` MB of zeros, flate-compressed a MB at a time."""
    compressor, zeros = zlib.compressobj(9), bytes(1024 * 1024)
    parts = [compressor.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n")]
    parts += [compressor.compress(zeros) for _ in range(megabytes)]
    return b"".join(parts) + compressor.flush()


@contextlib.contextmanager
def released_after(fifo: Path, seconds: float = 10):
    """If a reader still blocks on `fifo` after `seconds`, a writer opens and closes it, so that a
    regression fails the test instead of hanging the run."""

    def release():
        with contextlib.suppress(OSError):  # ENXIO: nobody is reading, nothing to release
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(seconds, release)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "statement.txt"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket():
    folder = Path(tempfile.mkdtemp(prefix="casr-"))  # a socket's path must be short
    path = folder / "s.txt"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield path
    server.close()
    path.unlink()
    folder.rmdir()


# --- special files and streams --------------------------------------------------------------------


@POSIX
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(fifo):
    with released_after(fifo), pytest.raises(BadFile, match=r"statement\.txt is a named pipe, not a regular file"):
        load_document(fifo)


@POSIX
def test_a_device_and_a_socket_are_refused_before_they_are_read(unix_socket):
    with pytest.raises(BadFile, match=r"^/dev/null is a device, not a regular file; save its contents"):
        read_text("/dev/null")
    with pytest.raises(BadFile, match=r"s\.txt is a socket, not a regular file"):
        read_text(unix_socket)


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="needs Linux's /proc")
def test_a_file_is_read_with_a_hard_cap_whatever_its_size_says(monkeypatch):
    """/proc/self/maps is a regular file whose st_size is 0 although it holds kilobytes: the cap holds
    on what is read, not on what the file says (as for /dev/zero, a growing file, a network mount)."""
    assert os.stat("/proc/self/maps").st_size == 0
    monkeypatch.setattr(documents, "MAX_BYTES", 1000)
    with pytest.raises(BadFile, match=r"^/proc/self/maps is more than .*files over .* MB are not imported\.$"):
        documents.read_bytes("/proc/self/maps")


# --- text: UTF-16/32, a byte-order mark alone, NUL bytes --------------------------------------------


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"],
)
def test_utf16_and_utf32_with_their_byte_order_mark_are_read(tmp_path, bom, codec):
    text = "Совместное заявление: Russia will train 5 000 teachers — «for Central Asia».\n" * 3
    path = tmp_path / "ru.txt"
    path.write_bytes(bom + text.encode(codec))
    assert read_text(path) == text
    html = tmp_path / "page.html"
    html.write_bytes(bom + f"<html><head><title>Teachers</title></head><body><p>{text}</p></body></html>".encode(codec))
    assert "Russia will train 5 000 teachers" in load_document(html).text


def test_a_statement_in_utf16_imports(run, tmp_path):
    """The seeded statement saved as UTF-16 is read as the very same text."""
    path = tmp_path / "statement-utf16.txt"
    path.write_bytes(STATEMENT.read_text(encoding="utf-8").encode("utf-16"))
    result = run("import-statement", str(path), "--title", "UTF-16 copy", "--json")
    assert result.code == 0, result.err
    assert result.json()["identical"] is True and result.json()["statement_id"] == 1


@pytest.mark.parametrize(
    "content",
    [
        codecs.BOM_UTF8,
        codecs.BOM_UTF8 + b" \r\n\t\n",
        codecs.BOM_UTF8 * 2,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE + " \n".encode("utf-16-be"),
        codecs.BOM_UTF32_LE,
    ],
    ids=["utf8", "utf8-spaces", "utf8-twice", "utf16le", "utf16be-spaces", "utf32le"],
)
def test_a_byte_order_mark_alone_is_an_empty_file(tmp_path, content):
    for name in ("bom.txt", "bom.html", "bom.md"):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(BadFile, match=rf"^{tmp_path}/{name} is empty\.$"):
            load_document(path)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ((TEXT * 400).encode() + b"\x00 after the first 20,000 characters\n", "is a binary file, not text"),
        (b"Hello\x00 world\n" * 10, "is a binary file, not text"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le") + b"\x00", "is truncated: it ends in the middle"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le") + b"\x00\xdc", "starts as UTF-16 text but is not valid"),
        (codecs.BOM_UTF16_LE + "Hello\x00 world\n".encode("utf-16-le"), "is a binary file, not text"),
        (gzip.compress(TEXT.encode() * 100)[:100], "is a binary file, not text"),
    ],
    ids=["nul-late", "nul-early", "utf16-odd", "utf16-lone-surrogate", "utf16-nul", "truncated-gzip"],
)
def test_text_with_nul_bytes_or_broken_utf16_is_refused(tmp_path, content, says):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(BadFile, match=says):
        load_document(path)


def test_a_truncated_zip_posing_as_text_is_refused(tmp_path):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("statement.txt", TEXT * 100)
    path = tmp_path / "statement.txt"
    path.write_bytes(packed.getvalue()[:80])
    with pytest.raises(BadFile, match="is a binary file, not text"):
        load_document(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads every file")
def test_a_file_without_read_permission(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(TEXT, encoding="utf-8")
    path.chmod(0)
    with pytest.raises(BadFile, match=r"secret\.txt cannot be read \(permission denied\)\.$"):
        load_document(path)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(BadFile, match=r"is a folder, not a file\.$"):
        load_document(tmp_path)


def test_a_page_of_scripts_alone_is_refused_by_its_file_name(tmp_path):
    path = tmp_path / "scripts.html"
    path.write_text(
        "<!doctype html><html><head><title>Loading</title><script src='app.js'></script></head>"
        "<body><div id='root'></div><script>render({words: 'one two three four five six seven eight'})</script>"
        "</body></html>",
        encoding="utf-8",
    )
    with pytest.raises(BadFile, match=rf"^{path} has no text to import \(an empty page, or one built by scripts\)"):
        load_document(path)


# --- PDFs -------------------------------------------------------------------------------------------


def test_a_pdf_that_inflates_to_300_mb_is_refused(tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf(inflating_to(300)))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(BadFile, match=r"bomb\.pdf is not imported: its compressed content inflates to more than"):
        load_document(path)


def test_a_pdf_whose_pages_together_inflate_too_far_is_refused_before_any_is_read(tmp_path):
    """pypdf limits each stream (75 MB); two pages of 60 MB each pass it, but not the sum."""
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf(inflating_to(60), inflating_to(60)))
    with pytest.raises(BadFile, match=r"pages\.pdf is not imported: its compressed content inflates"):
        load_document(path)


def test_pypdfs_own_messages_do_not_reach_the_user(tmp_path, caplog):
    """A font in an encoding pypdf does not know makes it log an error ('Advanced encoding … not
    implemented yet'); the user sees only the one sentence."""
    path = tmp_path / "font.pdf"
    path.write_bytes(pdf(b"BT /F1 12 Tf 72 720 Td () Tj ET", compressed=False))
    with pytest.raises(BadFile, match="has no text layer"):
        load_document(path)
    assert [r.getMessage()[:60] for r in caplog.records if r.name.startswith("pypdf")] == []
    assert logging.getLogger("pypdf._cmap").getEffectiveLevel() > logging.CRITICAL


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"", "is empty"), (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "is not a readable PDF")],
    ids=["empty", "truncated"],
)
def test_an_empty_or_truncated_pdf(tmp_path, content, says):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    with pytest.raises(BadFile, match=rf"^{path} {says}"):
        load_document(path)


# --- web pages -------------------------------------------------------------------------------------

ARTICLE = (
    "<html><head><title>Teachers for Central Asia</title></head><body><article><h1>Teachers for Central Asia</h1>"
    f"<p>{TEXT}</p></article></body></html>"
)
SERVED = {
    "/utf16": codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"),  # the header says UTF-8: the mark wins
    "/utf8-bom": codecs.BOM_UTF8 + ARTICLE.encode("utf-8"),
    "/bom-only": codecs.BOM_UTF8,
    "/scripts": b"<html><head><script src='app.js'></script></head><body><div id='app'></div></body></html>",
}


class _Pages(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        body = SERVED[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_in_utf16_is_read_by_its_byte_order_mark_before_the_servers_charset(site):
    for path in ("/utf16", "/utf8-bom"):
        loaded = web.load_url(f"{site}{path}")
        assert loaded.text.startswith("Teachers for Central Asia\n\nRussia and Uzbekistan signed a roadmap"), path


@pytest.mark.parametrize(("path", "says"), [("/bom-only", "is empty."), ("/scripts", "has no text to import")])
def test_a_page_of_a_byte_order_mark_or_of_scripts_alone_is_refused(site, path, says):
    with pytest.raises(BadFile, match=rf"^{site}{path} {says}"):
        web.load_url(f"{site}{path}")


# --- the command line: exit 2, one line on stderr, the tracker unchanged -----------------------------


@pytest.fixture
def hostile(tmp_path, fifo, unix_socket) -> dict[str, tuple[Path, str]]:
    """One file of each kind the reader refuses, and what the refusal says of it."""
    (tmp_path / "folder").mkdir()
    files = {
        "named pipe": (fifo, "is a named pipe, not a regular file"),
        "socket": (unix_socket, "is a socket, not a regular file"),
        "folder": (tmp_path / "folder", "is a folder, not a file"),
    }
    for name, content, says in (
        ("bom.txt", codecs.BOM_UTF8, "is empty"),
        ("utf16-bom.txt", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "is empty"),
        ("nul.txt", (TEXT * 400).encode() + b"\x00", "is a binary file, not text"),
        ("empty.pdf", b"", "is empty"),
        ("bomb.pdf", pdf(inflating_to(300)), "inflates to more than any real document holds"),
        ("font.pdf", pdf(b"BT /F1 12 Tf 72 720 Td () Tj ET", compressed=False), "has no text layer"),
        (
            "scripts.html",
            b"<html><body><script>document.write('one two three four five six seven')</script>",
            "no text",
        ),
    ):
        (tmp_path / name).write_bytes(content)
        files[name] = (tmp_path / name, says)
    return files


@POSIX
@pytest.mark.parametrize("command", ["import-document", "import-statement", "import-json"])
def test_each_refusal_is_one_line_and_changes_nothing(run, snapshot, hostile, fifo, command):
    run("pledges")
    before = snapshot()
    for kind, (path, says) in hostile.items():
        if command == "import-json" and path.suffix in (".pdf", ".html"):
            continue  # an export is read as text
        with released_after(fifo):
            result = run(command, str(path))
        assert result.code == 2, (kind, result.out, result.err)
        assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1, (kind, result.err)
        assert result.err.startswith(f"casr-tracker: {path} ") and says in result.err, (kind, result.err)
    assert snapshot() == before


@POSIX
@pytest.mark.parametrize(
    ("kind", "says"), [("/dev/zero", "is a device"), ("named pipe", "is a named pipe"), ("noisy PDF", "no text layer")]
)
def test_the_program_refuses_dev_zero_a_pipe_and_a_noisy_pdf_in_one_line(
    db_url, run, snapshot, fifo, tmp_path, kind, says
):
    """The real program in its own process (its stderr is the user's, and a regression that reads
    /dev/zero to the end is stopped by a 1 GB address-space limit, not by this machine)."""
    noisy = tmp_path / "font.pdf"
    noisy.write_bytes(pdf(b"BT /F1 12 Tf 72 720 Td () Tj ET", compressed=False))
    path = {"/dev/zero": "/dev/zero", "named pipe": str(fifo), "noisy PDF": str(noisy)}[kind]
    run("pledges")
    before = snapshot()

    def limited() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    with released_after(fifo, 20):
        result = subprocess.run(
            [sys.executable, "-m", "casr_tracker", "--db", db_url, "import-document", path],
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=limited if sys.platform.startswith("linux") else None,
        )
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"casr-tracker: {path} "), result.stderr[-2000:]
    assert says in result.stderr
    assert snapshot() == before
