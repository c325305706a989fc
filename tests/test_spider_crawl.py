"""``newsbot crawl --site/--since``: usage errors; --since and publisher reservations end to end: a real crawl of the loopback fixture site's sitemap (subprocess: Twisted's
reactor cannot restart), checked against the sitemap's own lastmod dates."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonlines
import pytest

from newsbot.cli import main
from newsbot.fixture_site import FIXTURE_SITE, FixtureServer, serve
from newsbot.warc import read_pages

NEWSBOT = Path(sys.executable).parent / "newsbot"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0"]
SINCE = "2024-04-10"


@pytest.fixture(scope="module")
def server():
    with serve() as srv:
        yield srv


def test_since_requests_only_entries_changed_since(server: FixtureServer, tmp_path: Path) -> None:
    sitemap = (FIXTURE_SITE / "sitemap.xml").read_text(encoding="utf-8")
    listed = dict(re.findall(r"<loc>__BASE__/(.*?)</loc><lastmod>(.*?)</lastmod>", sitemap))
    cut = datetime.fromisoformat(f"{SINCE}T00:00:00+00:00")
    recent = {path for path, lastmod in listed.items() if datetime.fromisoformat(lastmod) >= cut}
    assert recent and len(recent) < len(listed)  # the fixture has entries on both sides of the cut

    before = len(server.requests)
    command = [str(NEWSBOT), "crawl", f"{server.base_url}/sitemap.xml", "--since", SINCE,
               "--output", str(tmp_path / "out"), "--state", str(tmp_path / "state"), *FAST]  # fmt: skip
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-3000:]

    fetched = {target.lstrip("/") for target in server.requests[before:]} - {"robots.txt", "sitemap.xml"}
    assert fetched == recent
    stats = json.loads(next((tmp_path / "out" / "runs").glob("*.json")).read_text(encoding="utf-8"))["stats"]
    assert stats["newsbot/links/older_than_since"] == len(listed) - len(recent)
    exported = {record["url"].split("/", 3)[3] for path in (tmp_path / "out").rglob("*.jsonl") for record in jsonlines.open(path)}
    assert exported <= recent and exported


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["crawl"], "give a start URL, --site NAME or --site all"),
        (["crawl", "--site", "tengrinews"], "unknown site 'tengrinews'; known sites: "),
        (["crawl", "--site", "bbc,nope"], "unknown site 'nope'"),
    ],
)
def test_crawl_usage_errors_before_any_request(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_bad_since_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["crawl", "--site", "bbc", "--since", "last week"])
    assert caught.value.code == 2
    assert "--since takes an ISO date" in capsys.readouterr().err


ARTICLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{meta}</head>
<body><article><h1>{title}</h1>
<p>The harbour reopened on Tuesday after a week of repairs to the sea wall, the port authority said in a statement.</p>
<p>Fishing boats returned to their moorings in the morning, and the ferry resumed its timetable at noon.</p>
<p>Repairs cost about two million euros and were paid from the regional emergency fund, officials added.</p>
</article></body></html>"""
# path -> (extra headers, extra <head> markup, exported by default?)
RESERVED_SITE = {
    "/news/harbour-reopens-after-the-storm": ({}, "", True),
    "/news/googlebot-only-noindex-harbour-story": ({}, '<meta name="googlebot" content="noindex">', True),
    "/news/noindex-meta-harbour-story-today": ({}, '<meta name="robots" content="noindex, follow">', False),
    "/news/noai-meta-harbour-story-today": ({}, '<meta name="robots" content="noai">', False),
    "/news/noarchive-header-harbour-story": ({"X-Robots-Tag": "noarchive"}, "", False),
    "/news/tdm-reserved-harbour-story-today": ({"TDM-Reservation": "1"}, "", False),
}


class ReservedSite(BaseHTTPRequestHandler):
    """A home page linking to one free article and to articles their publisher reserved in each way."""

    def do_GET(self) -> None:
        if self.path == "/":
            links = "".join(f'<a href="{path}">{path}</a> ' for path in RESERVED_SITE)
            self.reply({}, f"<!DOCTYPE html><html><head><title>Home</title></head><body>{links}</body></html>")
        elif self.path in RESERVED_SITE:
            headers, meta, _ = RESERVED_SITE[self.path]
            self.reply(headers, ARTICLE.format(title=self.path.rsplit("/", 1)[1].replace("-", " "), meta=meta))
        else:
            self.send_error(404)

    def reply(self, headers: dict[str, str], html: str) -> None:
        body = html.encode()
        self.send_response(200)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # quiet test output
        pass


@pytest.fixture(scope="module")
def reserved_site() -> str:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ReservedSite)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("respect", [True, False])
def test_reserved_pages_are_not_exported_unless_switched_off(reserved_site: str, tmp_path: Path, respect: bool) -> None:
    command = [str(NEWSBOT), "crawl", f"{reserved_site}/", "--output", str(tmp_path / "out"),
               "--state", str(tmp_path / "state"), "-s", f"NEWSBOT_RESPECT_ROBOTS_META={respect}", *FAST]  # fmt: skip
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-3000:]
    exported = {record["url"].split("/", 3)[3] for path in (tmp_path / "out").rglob("*.jsonl") for record in jsonlines.open(path)}
    wanted = {path.lstrip("/") for path, (_, _, free) in RESERVED_SITE.items() if free or not respect}
    assert exported == wanted
    stats = json.loads(next((tmp_path / "out" / "runs").glob("*.json")).read_text(encoding="utf-8"))["stats"]
    reasons = {key.rpartition("/")[2]: n for key, n in stats.items() if key.startswith("newsbot/dropped/robots_") or key.endswith("/tdm_reservation")}
    expected = {"robots_noindex": 1, "robots_noai": 1, "robots_noarchive": 1, "tdm_reservation": 1}
    assert reasons == (expected if respect else {})
    archived = {page.url.split("/", 3)[3] for path in (tmp_path / "out" / "warc").rglob("*.warc.gz") for page in read_pages(path)}
    reserved = {path.lstrip("/") for path, (_, _, free) in RESERVED_SITE.items() if not free}
    assert archived & reserved == (set() if respect else reserved)  # a reserved page is not archived either
