"""Capture from the web: fetch a page (timeouts, a size cap, redirects followed), keep its bytes, its
final URL and when it was retrieved, and read its main text and metadata with trafilatura (the
publication date apart from the last update, by htmldate from the page's markup; no date invented)."""

from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import BadFile, InputError
from ..models import utcnow
from .documents import LoadedDocument, decode, html_to_document

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


def is_url(text: str) -> bool:
    return urlsplit(str(text).strip()).scheme.lower() in ("http", "https")


def looks_like_address(text: str) -> bool:
    """Meant as a web address (any scheme, or a www. host), not a file's path."""
    text = str(text).strip()
    return "://" in text or text.lower().startswith("www.") or is_url(text)


def as_address(text: str) -> str:
    """A www. host without a scheme is an https address; anything else is left as typed."""
    text = str(text).strip()
    return f"https://{text}" if text.lower().startswith("www.") else text


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_PAGE_BYTES) -> Fetched:
    """The bytes of a web page, or one sentence saying why not."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not a web address; give one that starts with http:// or https://.")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            media_type = response.headers.get_content_type()
            if media_type not in HTML_TYPES:
                raise BadFile(f"{url} is not a web page (it is {media_type}); save it and import the file instead.")
            data = response.read(max_bytes + 1)
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
    except (OSError, ValueError) as exc:
        raise BadFile(f"{url} could not be fetched: {exc}.") from None
    if len(data) > max_bytes:
        raise BadFile(f"{url} is larger than {max_bytes // (1024 * 1024)} MB; it was not imported.")
    return Fetched(final, media_type, data)


def load_url(url: str, **limits) -> LoadedDocument:
    """A web page as a document: its main text and metadata, its bytes, its URL and retrieval time."""
    fetched = fetch(url, **limits)
    html = decode(fetched.data, fetched.url)
    loaded = html_to_document(html, url=fetched.url)
    loaded.original, loaded.media_type, loaded.retrieved_at = fetched.data, fetched.media_type, utcnow()
    loaded.url = fetched.url  # where it was retrieved (after redirects), not what the page calls itself
    return loaded


__all__ = ["MAX_PAGE_BYTES", "Fetched", "as_address", "fetch", "is_url", "load_url", "looks_like_address"]
