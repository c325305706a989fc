"""The bundled fixture news site served on a loopback port, for tests and ``newsbot demo``.

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
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

FIXTURE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"

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


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def do_GET(self) -> None:
        self._send(head_only=False)

    def do_HEAD(self) -> None:
        self._send(head_only=True)

    def _send(self, head_only: bool) -> None:
        fixture = self.server.fixture
        fixture.requests.append(self.path)
        response = fixture.respond(self.path)
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
    """The fixture site on ``127.0.0.1`` at a free port; ``respond`` decides every answer.

    ``requests`` lists the request targets (path and query, as sent) in arrival
    order; handler threads only append to it, which is atomic, so reading it
    from a test is safe and clearing it between crawls works.
    """

    def __init__(self, root: Path = FIXTURE_SITE) -> None:
        root = Path(root).resolve()
        if not (root / "index.html").is_file():
            raise FileNotFoundError(
                f"fixture site not found at {root}: it ships with the newsbot source checkout "
                "(fixtures/site), not with an installed package; run from a checkout installed with pip -e"
            )
        self.root = root
        self.requests: list[str] = []
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.fixture = self
        host, port = self._httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def respond(self, target: str) -> Response:
        """The response to a GET of ``target`` (path plus optional query, which is ignored)."""
        file = self.file_for(target)
        if file is None:
            return Response(HTTPStatus.NOT_FOUND, b"not found\n", {"Content-Type": "text/plain"})
        body = file.read_bytes().replace(PLACEHOLDER, self.base_url.encode("ascii"))
        return Response(HTTPStatus.OK, body, {"Content-Type": self.content_type(file)})

    def file_for(self, target: str) -> Path | None:
        """The served file for a request target, or None (missing, not servable, outside the root)."""
        path = unquote(urlsplit(target).path)
        if path.endswith("/"):
            path += "index.html"
        file = (self.root / path.lstrip("/")).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        return file if file.suffix in CONTENT_TYPES else None

    @staticmethod
    def content_type(file: Path) -> str:
        return CONTENT_TYPES_BY_NAME.get(file.name, CONTENT_TYPES[file.suffix])

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


@contextmanager
def serve(root: Path = FIXTURE_SITE) -> Iterator[FixtureServer]:
    """Serve ``root`` on a free loopback port for the duration of the ``with`` block."""
    with FixtureServer(root) as server:
        yield server
