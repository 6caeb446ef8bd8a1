"""A real HTTP server on 127.0.0.1 serving the saved pages of tests/data/pages (and a redirect, a
404, a PDF, a slow page), for the tests of capture from the web."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator

from .conftest import DATA

PAGES = DATA / "pages"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _send(self, code: int, body: bytes, media_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(code)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/news/gas-uzbekistan":
            self._send(200, (PAGES / "gas-uzbekistan.html").read_bytes())
        elif self.path == "/old-address":
            self.send_response(301)
            self.send_header("Location", "/news/gas-uzbekistan")
            self.end_headers()
        elif self.path == "/statement":  # a joint statement as a ministry's web page
            self._send(200, (PAGES / "statement-india-us.html").read_bytes())
        elif self.path == "/empty":
            self._send(200, (PAGES / "empty.html").read_bytes())
        elif self.path == "/report.pdf":
            self._send(200, b"%PDF-1.4 not really", "application/pdf")
        elif self.path == "/to-ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1:9/page")
            self.end_headers()
        elif self.path == "/cut":  # announces more than it sends
            body = (PAGES / "gas-uzbekistan.html").read_bytes()[:600]
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
        elif self.path == "/latin1":  # the encoding said only in the header
            page = (PAGES / "gas-uzbekistan.html").read_text(encoding="utf-8").replace('<meta charset="utf-8">', "")
            page = page.replace("Russia today launched", "À Genève, on apprend que Russia today launched")
            self._send(200, page.replace("–", "-").encode("latin-1"), "text/html; charset=ISO-8859-1")
        elif self.path == "/drip":  # a byte at a time, for longer than any timeout
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
        elif self.path.startswith("/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/"):  # /новости/ (news)
            self._send(200, (PAGES / "gas-uzbekistan.html").read_bytes())
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, (PAGES / "gas-uzbekistan.html").read_bytes())
        else:
            self._send(404, b"<html><body>Not found</body></html>")


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a client that gave up waiting (the timeout test)
        pass


@contextlib.contextmanager
def serving() -> Iterator[str]:
    """The server's address while the block runs."""
    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
