"""The fixture site's ground truth matches its pages, and the loopback server serves them faithfully."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import lxml.html
import pytest

from site_changes import SITE_CHANGES, site_changes

from newsbot import fixture_site
from newsbot.fixture_site import FIXTURE_SITE, FixtureServer, Response, serve

MANIFEST = json.loads((FIXTURE_SITE / "manifest.json").read_text(encoding="utf-8"))
ARTICLES: dict[str, dict] = MANIFEST["articles"]
PLACEHOLDER = "__BASE__"
DECLARED_CHARSET = re.compile(rb"""<meta[^>]*charset=["']?([\w-]+)""", re.I)
# Never through a proxy from the environment: the server is on this machine only.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def declared_charset(raw: bytes) -> str:
    found = DECLARED_CHARSET.search(raw[:4096])
    assert found, "every page declares its charset"
    return found.group(1).decode("ascii")


@cache
def tree(path: str) -> lxml.html.HtmlElement:
    raw = (FIXTURE_SITE / path).read_bytes()
    return lxml.html.document_fromstring(raw.decode(declared_charset(raw)))


def squash(text: str) -> str:
    return " ".join(text.split())


@cache
def page_text(path: str) -> str:
    """Visible text of a page (scripts and styles dropped), white space collapsed."""
    doc = tree(path)
    for el in doc.xpath("//script | //style"):
        el.drop_tree()
    return squash(doc.text_content())


def site_path(link: str) -> str | None:
    """Site-relative file path a link points to, None for other hosts and non-HTTP links."""
    url = urljoin("http://fixture.test/", link.replace(PLACEHOLDER, "http://fixture.test"))
    parts = urlsplit(url)
    if parts.netloc != "fixture.test":
        return None
    path = parts.path.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def page_links(path: str) -> list[str]:
    return [str(v) for v in tree(path).xpath("//a/@href | //link/@href | //img/@src | //form/@action")]


def xml_links(name: str) -> list[str]:
    root = ElementTree.fromstring((FIXTURE_SITE / name).read_bytes())
    return [el.text.strip() for el in root.iter() if el.tag.split("}")[-1] in {"link", "loc"} and el.text]


# ---------------------------------------------------------------- the manifest against the files


def test_site_has_the_promised_shape() -> None:
    assert len(ARTICLES) >= 22
    assert sum(a["language"] == "ru" for a in ARTICLES.values()) >= 6
    assert {a["language"] for a in ARTICLES.values()} == {"en", "ru"}
    charsets = {declared_charset((FIXTURE_SITE / p).read_bytes()).lower() for p in ARTICLES}
    assert "windows-1251" in charsets
    assert len(MANIFEST["non_articles"]) >= 4 + 3  # home and two sections, plus at least four others
    for path in MANIFEST["non_articles"]:
        assert (FIXTURE_SITE / path).is_file(), path


@pytest.mark.parametrize("path", sorted(ARTICLES))
def test_article_ground_truth_is_on_the_page(path: str) -> None:
    expected = ARTICLES[path]
    text = page_text(path)
    assert 4 <= len(expected["body"]) <= 9
    assert expected["body"][0] == expected["lead"]
    # The title and the lead are each shown twice, as on the seed page, so an extractor must de-duplicate.
    assert text.count(squash(expected["title"])) >= 2
    assert text.count(squash(expected["lead"])) >= 2
    for paragraph in expected["body"]:
        assert squash(paragraph) in text, paragraph
    kept = squash(" ".join([expected["title"], *expected["body"]]))
    assert expected["must_not_contain"]
    for noise in expected["must_not_contain"]:
        assert squash(noise) in text, f"noise {noise!r} is not on the page"
        assert noise not in kept, f"noise {noise!r} is also wanted text"
    assert tree(path).get("lang") == expected["language"]


def test_every_page_is_reachable_from_the_home_page() -> None:
    seen, queue = {"index.html"}, deque(["index.html"])
    while queue:
        path = queue.popleft()
        for link in page_links(path):
            target = site_path(link)
            if target and target.endswith(".html") and target not in seen:
                assert (FIXTURE_SITE / target).is_file(), f"{path} links to missing {link}"
                seen.add(target)
                queue.append(target)
    assert set(ARTICLES) <= seen
    assert set(MANIFEST["non_articles"]) <= seen
    assert seen == set(ARTICLES) | set(MANIFEST["non_articles"]), "every page is listed in the manifest"


@pytest.mark.parametrize("section", ["world", "kazakhstan"])
def test_section_pages_list_all_their_articles(section: str) -> None:
    listed = {site_path(link) for link in page_links(f"{section}/index.html")}
    assert {p for p in ARTICLES if p.startswith(section + "/")} <= listed


def test_feed_and_sitemap_list_only_existing_pages() -> None:
    feed = [site_path(link) for link in xml_links("rss.xml")]
    feed_articles = [p for p in feed if p in ARTICLES]
    assert len(feed_articles) >= 10
    assert all(p is None or (FIXTURE_SITE / p).is_file() for p in feed)
    sitemap = [site_path(link) for link in xml_links("sitemap.xml")]
    assert sorted(sitemap) == sorted(ARTICLES)  # type: ignore[type-var]


def test_offsite_links_are_exactly_those_on_the_pages() -> None:
    found = set()
    for path in [*ARTICLES, *MANIFEST["non_articles"]]:
        found.update(link for link in page_links(path) if link.startswith("http"))
    found.update(link for link in xml_links("rss.xml") if link.startswith("http"))
    assert found == set(MANIFEST["offsite_links"])
    hosts = {urlsplit(u).hostname for u in found}
    assert not hosts & {"127.0.0.1", "localhost"}
    assert any(site_path(link) is None for link in page_links("index.html")), "home page links off-site"


# ---------------------------------------------------------------- the server


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with OPENER.open(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture(scope="module")
def server() -> Iterator[FixtureServer]:
    with serve() as running:
        yield running


def test_serves_pages_with_the_base_url_filled_in(server: FixtureServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)
    status, headers, body = fetch(server.base_url + "/world/2024/grain-corridor-talks-geneva.html")
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    assert f'<link rel="canonical" href="{server.base_url}/world/2024/grain-corridor-talks-geneva.html">'.encode() in body
    assert PLACEHOLDER.encode() not in body


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/rss.xml", "application/rss+xml"), ("/sitemap.xml", "application/xml"), ("/robots.txt", "text/plain")],
)
def test_feed_sitemap_and_robots(server: FixtureServer, path: str, content_type: str) -> None:
    status, headers, body = fetch(server.base_url + path)
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert (server.base_url + "/").encode() in body
    assert PLACEHOLDER.encode() not in body


def test_windows_1251_page_is_served_byte_for_byte(server: FixtureServer) -> None:
    path = next(p for p in ARTICLES if declared_charset((FIXTURE_SITE / p).read_bytes()) == "windows-1251")
    status, headers, body = fetch(f"{server.base_url}/{path}")
    on_disk = (FIXTURE_SITE / path).read_bytes()
    assert status == 200
    assert "charset" not in headers["Content-Type"]  # the page's <meta> decides
    assert body == on_disk.replace(PLACEHOLDER.encode(), server.base_url.encode())
    assert ARTICLES[path]["title"].encode("cp1251") in body


def test_folders_queries_and_missing_paths(server: FixtureServer) -> None:
    assert fetch(server.base_url + "/world/")[2] == (FIXTURE_SITE / "world/index.html").read_bytes().replace(
        PLACEHOLDER.encode(), server.base_url.encode()
    )
    assert fetch(server.base_url + "/kazakhstan/2024/tenge-steady-base-rate.html?utm_source=x")[0] == 200
    assert fetch(server.base_url + "/no/such/page.html")[0] == 404
    assert fetch(server.base_url + "/manifest.json")[0] == 404  # ground truth is not part of the site


def test_does_not_serve_outside_its_root(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(b"<html></html>")
    (tmp_path / "secret.html").write_bytes(b"secret")
    with serve(tmp_path / "site") as running:
        assert fetch(running.base_url + "/")[0] == 200
        assert fetch(running.base_url + "/%2e%2e/secret.html")[0] == 404
        assert fetch(running.base_url + "/..%2fsecret.html")[0] == 404


def test_records_requests_in_order() -> None:
    with serve() as running:
        for path in ["/", "/rss.xml?x=1", "/missing.html"]:
            fetch(running.base_url + path)
        assert running.requests == ["/", "/rss.xml?x=1", "/missing.html"]
        base_url = running.base_url
    with pytest.raises(OSError):
        fetch(base_url + "/")  # shut down on exit


def test_missing_site_says_where_it_comes_from(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="source checkout"):
        with serve(tmp_path):
            pass


# ---------------------------------------------------------------- python -m newsbot.fixture_site


def test_the_module_serves_the_site_until_interrupted() -> None:
    """``python -m newsbot.fixture_site --port 0``: says where it listens, serves the site, stops on Ctrl-C."""
    command = [sys.executable, "-m", "newsbot.fixture_site", "--port", "0"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r" at (http://127\.0\.0\.1:\d+)/ ", line)
        assert found, line + proc.stderr.read() if proc.stderr else line
        with OPENER.open(f"{found.group(1)}/index.html", timeout=10) as response:
            body = response.read()
        assert response.status == 200 and found.group(1).encode() in body and b"__BASE__" not in body
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_the_module_refuses_a_port_in_use(server: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    taken = urlsplit(server.base_url).port
    assert fixture_site.main(["--port", str(taken)]) == 2
    assert capsys.readouterr().err.startswith("python -m newsbot.fixture_site: ")


# ---------------------------------------------------------------- changes between crawls


def fetch_with(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={name.replace("_", "-"): v for name, v in headers.items()})
    try:
        with OPENER.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_conditional_get_answers_304_while_unchanged(server: FixtureServer) -> None:
    url = server.base_url + "/rss.xml"
    status, headers, _ = fetch(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.startswith('"')
    assert fetch_with(url, If_None_Match=etag)[0] == 304
    assert fetch_with(url, If_None_Match=f'"other", {etag}')[0] == 304
    assert fetch_with(url, If_Modified_Since=modified)[0] == 304
    # If-None-Match wins: a stale tag gets the page even with a matching date (RFC 9110).
    assert fetch_with(url, If_None_Match='"stale"', If_Modified_Since=modified)[0] == 200
    assert fetch_with(url, If_Modified_Since="Sun, 21 Apr 2024 06:00:00 GMT")[0] == 200


def test_the_overlay_adds_replaces_and_fails_pages(server: FixtureServer) -> None:
    url = server.base_url + "/rss.xml"
    etag = fetch(url)[1]["ETag"]
    try:
        server.overlay["rss.xml"] = b"<rss>__BASE__/new</rss>"
        server.overlay["world/2024/new.html"] = b"<html>new page</html>"
        server.overlay["world/2024/aktau-baku-ferry-resumes.html"] = Response(500, b"oops")
        status, headers, body = fetch_with(url, If_None_Match=etag)
        assert (status, body) == (200, f"<rss>{server.base_url}/new</rss>".encode())  # changed: no 304
        assert headers["Content-Type"] == "application/rss+xml" and headers["ETag"] != etag
        assert fetch(server.base_url + "/world/2024/new.html")[:3:2] == (200, b"<html>new page</html>")
        assert fetch(server.base_url + "/world/2024/aktau-baku-ferry-resumes.html")[0] == 500
    finally:
        server.overlay.clear()
    assert fetch_with(url, If_None_Match=etag)[0] == 304  # the site is back as it was


CHANGES = json.loads((SITE_CHANGES / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def changed(server: FixtureServer) -> Iterator[FixtureServer]:
    server.overlay = site_changes()
    yield server
    server.overlay = {}


def test_changes_list_new_pages_first_in_feed_and_sitemap_with_their_dates(changed: FixtureServer) -> None:
    rss = fetch(changed.base_url + "/rss.xml")[2].decode()
    sitemap = fetch(changed.base_url + "/sitemap.xml")[2].decode()
    added = {**CHANGES["new"], **CHANGES["syndicated"]}
    first_items = re.findall(r"<item><title>[^<]*</title><link>([^<]*)</link>", rss)[: len(added)]
    assert sorted(first_items) == sorted(f"{changed.base_url}/{path}" for path in added)
    for path, page in added.items():
        assert f"<loc>{changed.base_url}/{path}</loc><lastmod>{page['lastmod']}</lastmod>" in sitemap
    ElementTree.fromstring(rss.encode())  # still well-formed XML
    ElementTree.fromstring(sitemap.encode())


def test_the_edited_page_changes_in_place_with_a_newer_date(changed: FixtureServer) -> None:
    (path, edit), = CHANGES["edited"].items()
    html = fetch(f"{changed.base_url}/{path}")[2].decode()
    text = squash(lxml.html.document_fromstring(html).text_content())
    for paragraph in edit["body"]:
        assert squash(paragraph) in text
    assert sorted(edit["body"]) != sorted(ARTICLES[path]["body"])
    rss = fetch(changed.base_url + "/rss.xml")[2].decode()
    item = next(i for i in rss.split("<item>") if f"/{path}</link>" in i)
    assert f"<atom:updated>{edit['lastmod']}</atom:updated>" in item
    assert f"/{path}</loc><lastmod>{edit['lastmod']}</lastmod>" in fetch(changed.base_url + "/sitemap.xml")[2].decode()


def test_the_feed_links_a_short_url_that_redirects(changed: FixtureServer) -> None:
    redirect = CHANGES["redirect"]
    rss = fetch(changed.base_url + "/rss.xml")[2].decode()
    assert f"<link>{changed.base_url}/{redirect['from']}</link>" in rss
    assert f"<link>{changed.base_url}/{redirect['to']}</link>" not in rss
    # urllib follows the redirect, as a crawler does
    assert fetch(f"{changed.base_url}/{redirect['from']}")[0] == 200
    assert changed.requests[-2:] == [f"/{redirect['from']}", f"/{redirect['to']}"]


def test_the_failing_page_answers_500_until_it_recovers(changed: FixtureServer) -> None:
    url = f"{changed.base_url}/{CHANGES['failing']}"
    assert fetch(url)[0] == 500
    recovered = site_changes(recovered=True)
    assert recovered.keys() == changed.overlay.keys()
    assert isinstance(recovered[CHANGES["failing"]], bytes)


@pytest.mark.parametrize("path", sorted(CHANGES["new"]))
def test_new_pages_show_their_ground_truth(changed: FixtureServer, path: str) -> None:
    expected = CHANGES["new"][path]
    html = (SITE_CHANGES / path).read_bytes().decode("utf-8")
    doc = lxml.html.document_fromstring(html)
    text = squash(doc.text_content())
    assert doc.get("lang") == expected["language"]
    assert expected["body"][0] == expected["lead"] and text.count(squash(expected["lead"])) >= 2
    for paragraph in expected["body"]:
        assert squash(paragraph) in text
    for noise in expected["must_not_contain"]:
        assert squash(noise) in text and noise not in " ".join([expected["title"], *expected["body"]])
    assert f'<link rel="canonical" href="__BASE__/{path}">' in html


def test_the_syndicated_copy_tells_the_same_story_under_another_title() -> None:
    (path, copy), = CHANGES["syndicated"].items()
    original = ARTICLES[copy["copy_of"]]
    text = squash(lxml.html.document_fromstring((SITE_CHANGES / path).read_bytes()).text_content())
    assert copy["title"] != original["title"] and squash(copy["title"]) in text
    shared = [p for p in original["body"] if squash(p) in text]
    assert len(shared) == len(original["body"])  # every paragraph of the original, plus one of its own
