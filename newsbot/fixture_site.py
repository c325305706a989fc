"""The bundled fixture news site served on a loopback port, for tests, ``newsbot demo`` and one's own crawls.

``python -m newsbot.fixture_site [--port N]`` serves it on ``127.0.0.1`` until Ctrl-C, to point
``newsbot crawl`` or ``scrapy crawl news -a start=...`` at.

The site lives in ``fixtures/site/`` of the source checkout: static pages of a
fictional news outlet with realistic boilerplate, plus ``manifest.json``, the
hand-checked ground truth end-to-end tests compare against:

``articles``
    ``{path: {title, lead, body, language, must_not_contain}}``; ``body`` lists
    the body paragraphs and sub-headings in order, the lead first;
    ``must_not_contain`` is boilerplate text present on that page that must not
    reach the extracted title or body.
``non_articles``
    Paths of pages that are not articles (home, sections, tag, gallery, about...).
``offsite_links``
    Every URL on another host that the pages link to; none may be fetched.

Paths are relative to the site root: the URL of ``world/2024/x.html`` is
``{base_url}/world/2024/x.html``, and a URL ending in ``/`` serves that
folder's ``index.html``. Pages write their own absolute URLs (canonical links,
og:url, feed and sitemap entries) as ``__BASE__``, replaced by the server's
base URL when served, so the same files work on any port.

The site can change between crawls without copying it: ``FixtureServer.overlay``
maps paths to new content or to a canned response (the incremental tests build
theirs from ``fixtures/site-changes/`` with ``tests/site_changes.py``). Every page carries an
ETag (and files a Last-Modified), and conditional GETs get 304s, like a real
news server's feeds.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

FIXTURE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
# The Last-Modified of every file of the site: the day the fictional outlet last published.
SITE_LAST_MODIFIED = "Mon, 22 Apr 2024 06:00:00 GMT"

PLACEHOLDER = b"__BASE__"

# Served files by suffix, with the Content-Type they get; anything else is a 404,
# which keeps manifest.json (ground truth, not part of the site) out of crawls.
# No charset parameter: the pages' own <meta> declares it, as on many real sites,
# so the windows-1251 page tests charset detection from the document.
CONTENT_TYPES = {".html": "text/html", ".xml": "application/xml", ".txt": "text/plain"}
# Exact file names whose type differs from their suffix's.
CONTENT_TYPES_BY_NAME = {"rss.xml": "application/rss+xml"}


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Flaky:
    """An overlay entry that answers ``status`` to the first ``failures`` requests, then serves the page as usual."""

    failures: int = 1
    status: int = HTTPStatus.SERVICE_UNAVAILABLE
    served: int = 0

    def take(self) -> Response | None:
        """The failure for this request, or None once the page has recovered (handler threads: one at a time)."""
        with _FLAKY_LOCK:
            self.served += 1
            if self.served > self.failures:
                return None
        return Response(self.status, b"try again later\n", {"Content-Type": "text/plain", "Retry-After": "0"})


_FLAKY_LOCK = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def do_GET(self) -> None:
        self._send(head_only=False)

    def do_HEAD(self) -> None:
        self._send(head_only=True)

    def _send(self, head_only: bool) -> None:
        fixture = self.server.fixture
        fixture.requests.append(self.path)
        response = fixture.respond(self.path, dict(self.headers.items()))
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: a crawl of the site would otherwise print one stderr line per request."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fixture: FixtureServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Silent: clients that hang up early (crawler shutdown) are normal here, not errors."""


class FixtureServer:
    """The fixture site on ``127.0.0.1`` at ``port`` (0: a free one); ``respond`` decides every answer.

    ``requests`` lists the request targets (path and query, as sent) in arrival
    order; handler threads only append to it, which is atomic, so reading it
    from a test is safe and clearing it between crawls works.

    ``overlay`` changes the site while it runs, by site path (``rss.xml``,
    ``world/2024/x.html``, ``go/x``): ``bytes`` replace or add a page, served like
    a file (``__BASE__`` filled in, Content-Type by suffix, an ETag); a
    :class:`Response` is answered as it is (a 500, a redirect); a :class:`Flaky`
    fails a few times, then serves the page. Set it between crawls; handler
    threads only read it.
    """

    def __init__(self, root: Path = FIXTURE_SITE, port: int = 0) -> None:
        root = Path(root).resolve()
        if not (root / "index.html").is_file():
            raise FileNotFoundError(
                f"fixture site not found at {root}: it ships with the newsbot source checkout "
                "(fixtures/site), not with an installed package; run from a checkout installed with pip -e"
            )
        self.root = root
        self.requests: list[str] = []
        self.overlay: dict[str, bytes | Response | Flaky] = {}
        self._httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.fixture = self
        self.base_url = f"http://127.0.0.1:{self._httpd.server_port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def respond(self, target: str, request_headers: Mapping[str, str] | None = None) -> Response:
        """The response to a GET of ``target`` (path plus optional query, which is ignored).

        ``request_headers`` may make it conditional: If-None-Match, else If-Modified-Since.
        """
        path = site_path(target)
        changed = self.overlay.get(path)
        if isinstance(changed, Flaky):
            changed = changed.take()
        if isinstance(changed, Response):
            response = changed
        elif changed is not None:
            response = self._page(Path(path), changed, {})
        elif (file := self.file_for(target)) is not None:
            response = self._page(file, file.read_bytes(), {"Last-Modified": SITE_LAST_MODIFIED})
        else:
            response = Response(HTTPStatus.NOT_FOUND, b"not found\n", {"Content-Type": "text/plain"})
        return not_modified(response, request_headers or {})

    def _page(self, path: Path, raw: bytes, headers: dict[str, str]) -> Response:
        body = raw.replace(PLACEHOLDER, self.base_url.encode("ascii"))
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        return Response(HTTPStatus.OK, body, {"Content-Type": self.content_type(path), "ETag": etag, **headers})

    def file_for(self, target: str) -> Path | None:
        """The served file for a request target, or None (missing, not servable, outside the root)."""
        path = site_path(target)
        file = (self.root / path).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        return file if file.suffix in CONTENT_TYPES else None

    @staticmethod
    def content_type(file: Path) -> str:
        return CONTENT_TYPES_BY_NAME.get(file.name) or CONTENT_TYPES.get(file.suffix, "application/octet-stream")

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def __enter__(self) -> FixtureServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def site_path(target: str) -> str:
    """The site-relative path a request target names (``/world/`` -> ``world/index.html``)."""
    path = unquote(urlsplit(target).path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def not_modified(response: Response, request_headers: Mapping[str, str]) -> Response:
    """A 304 when the request's validators match the response's, as RFC 9110 orders them.

    If-None-Match wins over If-Modified-Since, which counts only without it.
    """
    if response.status != HTTPStatus.OK:
        return response
    headers = {name.lower(): value for name, value in request_headers.items()}
    etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    if "if-none-match" in headers:
        tags = {tag.strip() for tag in headers["if-none-match"].split(",")}
        fresh = etag is not None and bool(tags & {etag, "*"})
    elif "if-modified-since" in headers and modified is not None:
        try:
            fresh = parsedate_to_datetime(modified) <= parsedate_to_datetime(headers["if-modified-since"])
        except (TypeError, ValueError):
            fresh = False
    else:
        fresh = False
    if not fresh:
        return response
    kept = {name: value for name, value in response.headers.items() if name in ("ETag", "Last-Modified")}
    return Response(HTTPStatus.NOT_MODIFIED, b"", kept)


@contextmanager
def serve(root: Path = FIXTURE_SITE) -> Iterator[FixtureServer]:
    """Serve ``root`` on a free loopback port for the duration of the ``with`` block."""
    with FixtureServer(root) as server:
        yield server


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m newsbot.fixture_site``: serve the site until interrupted; exit 2 when it cannot."""
    parser = argparse.ArgumentParser(
        prog="python -m newsbot.fixture_site", description="Serve the bundled fixture news site on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (0: any free one; default 8000)")
    args = parser.parse_args(argv)
    try:
        server = FixtureServer(port=args.port)
    except (FileNotFoundError, OSError, OverflowError) as err:  # no checkout, port taken or out of range
        print(f"python -m newsbot.fixture_site: {err}", file=sys.stderr)
        return 2
    # Ctrl-C may come as soon as the line is out, before the wait begins: suppress it around both
    with server, suppress(KeyboardInterrupt):
        print(f"serving {server.root} at {server.base_url}/ (start page {server.base_url}/index.html); Ctrl-C stops", flush=True)
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
