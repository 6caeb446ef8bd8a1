"""Capture from the web: fetch a page (timeouts, a size cap, redirects followed), keep its bytes, its
final URL and when it was retrieved, and read its main text and metadata with trafilatura (the
publication date apart from the last update, by htmldate from the page's markup; no date invented)."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from ..errors import BadFile, InputError
from ..models import utcnow
from .documents import LoadedDocument, bom_codec, decode, html_to_document

#: the largest page fetched (a news page is well under this)
MAX_PAGE_BYTES = 10 * 1024 * 1024
TIMEOUT_SECONDS = 20
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "CASR-Tracker/1 (+https://github.com/; evidence capture for an analyst)"


@dataclass
class Fetched:
    url: str  # after redirects
    media_type: str
    data: bytes
    charset: str | None = None  # as the server declared it


def is_url(text: str) -> bool:
    return urlsplit(str(text).strip()).scheme.lower() in ("http", "https")


def looks_like_address(text: str) -> bool:
    """Meant as a web address (any scheme, or a www. host), not a file's path (an existing file wins)."""
    text = str(text).strip()
    if Path(text).exists():
        return False
    return "://" in text or text.lower().startswith("www.") or is_url(text)


def as_address(text: str) -> str:
    """A www. host without a scheme is an https address; anything else is left as typed."""
    text = str(text).strip()
    return f"https://{text}" if text.lower().startswith("www.") else text


def _quoted(url: str) -> str:
    """The address as HTTP carries it: spaces and non-ASCII letters percent-encoded, the host in IDNA."""
    parts = urlsplit(url)
    host = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    if parts.username:
        netloc = f"{quote(parts.username)}@{netloc}"
    safe = "/%:@!$&'()*+,;=-._~"
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=safe), quote(parts.query, safe=safe + "?"), ""))


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to web addresses only, without reading the redirect's own body."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise BadFile(f"{req.full_url} redirects to {newurl}, which is not a web page.")
        return super().redirect_request(req, fp, code, msg, headers, _quoted(newurl))

    def http_error_302(self, req, fp, code, msg, headers):
        return super().http_error_302(req, _Unread(fp), code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class _Unread:
    """A redirect's response whose body is not read (it could be endless)."""

    def __init__(self, fp):
        self.fp = fp

    def read(self, *_args) -> bytes:
        return b""

    def close(self) -> None:
        self.fp.close()

    def __getattr__(self, name):
        return getattr(self.fp, name)


_OPENER = urllib.request.build_opener(_Redirects)  # no FTP or file handlers are reached by a redirect


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_PAGE_BYTES) -> Fetched:
    """The bytes of a web page, or one sentence saying why not. The whole download must finish within
    `timeout` seconds and `max_bytes`; a page cut short of its announced length is refused."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not a web address; give one that starts with http:// or https://.")
    try:
        request = urllib.request.Request(
            _quoted(url), headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"}
        )
    except (ValueError, UnicodeError) as exc:
        raise InputError(f"{url!r} is not a web address that can be fetched ({exc}).") from None
    deadline = time.monotonic() + timeout
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            media_type = response.headers.get_content_type()
            if media_type not in HTML_TYPES:
                raise BadFile(f"{url} is not a web page (it is {media_type}); save it and import the file instead.")
            charset = response.headers.get_content_charset()
            announced = response.headers.get("Content-Length")
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise BadFile(f"{url} did not finish arriving within {timeout:g} seconds.")
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise BadFile(f"{url} is larger than {max_bytes // (1024 * 1024)} MB; it was not imported.")
            data = b"".join(chunks)
            final = response.geturl()
    except urllib.error.HTTPError as exc:
        raise BadFile(f"{url} could not be fetched: the server answered {exc.code} ({exc.reason}).") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise BadFile(f"{url} did not answer within {timeout:g} seconds.") from None
        if isinstance(reason, ssl.SSLError):
            raise BadFile(f"{url} could not be reached securely (its certificate or https setup failed).") from None
        raise BadFile(f"{url} could not be reached: {getattr(reason, 'strerror', None) or reason}.") from None
    except TimeoutError:
        raise BadFile(f"{url} did not answer within {timeout:g} seconds.") from None
    except http.client.IncompleteRead:
        raise BadFile(f"{url} arrived cut short; it was not imported.") from None
    except http.client.HTTPException as exc:
        raise BadFile(f"{url} could not be fetched: the server's answer was not HTTP ({type(exc).__name__}).") from None
    except (OSError, ValueError) as exc:
        raise BadFile(f"{url} could not be fetched: {exc}.") from None
    if announced and announced.isdigit() and len(data) < int(announced):
        raise BadFile(f"{url} arrived cut short ({len(data)} of {announced} bytes); it was not imported.")
    return Fetched(final, media_type, data, charset)


def load_url(url: str, **limits) -> LoadedDocument:
    """A web page as a document: its main text and metadata, its bytes, its URL and retrieval time."""
    fetched = fetch(url, **limits)
    html = None
    if fetched.charset and bom_codec(fetched.data) is None:  # a byte-order mark, then the server, then a guess
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            html = fetched.data.decode(fetched.charset).replace("\r\n", "\n").replace("\r", "\n")
    html = html if html is not None else decode(fetched.data, fetched.url)
    loaded = html_to_document(html, url=fetched.url)
    loaded.original, loaded.media_type, loaded.retrieved_at = fetched.data, fetched.media_type, utcnow()
    loaded.url = fetched.url  # where it was retrieved (after redirects), not what the page calls itself
    return loaded


__all__ = ["MAX_PAGE_BYTES", "Fetched", "as_address", "fetch", "is_url", "load_url", "looks_like_address"]
