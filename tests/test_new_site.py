"""``newsbot sites new URL`` against a small fake site on 127.0.0.1: it proposes a valid site file from the site's
robots.txt, feed links and sitemaps, and never requests anything on another host (a second server counts)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest

from newsbot.cli import main
from newsbot.fixture_site import FixtureServer, Response
from newsbot.sites import load_sites

NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
URLSET = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" {ns}>{urls}</urlset>'


def files(other: str) -> dict[str, str]:
    """The fake site: ``__BASE__`` is its own address, ``other`` a server on another port (another site)."""
    return {
        "index.html": f"""<!DOCTYPE html><html lang="de-DE"><head><title>Nachrichten</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" href="{other}/atom.xml">
<link rel="alternate" type="application/rss+xml" href="/moved.xml">
<link rel="alternate" hreflang="en" href="/en/index.html">
</head><body><a href="/welt/2026/12/04/hafen-wieder-offen.html">Hafen</a></body></html>""",
        "robots.txt": f"User-agent: *\nDisallow: /private/\n\nSitemap: {other}/sitemap.xml\nSitemap: /sitemap_index.xml\n",
        "feed.xml": """<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>
<item><link>__BASE__/welt/2026/12/04/hafen-wieder-offen.html</link></item></channel></rss>""",
        "sitemap_index.xml": """<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>__BASE__/sitemap-pages.xml</loc></sitemap><sitemap><loc>__BASE__/sitemap-news.xml</loc></sitemap>
<sitemap><loc>__BASE__/private/news-sitemap-archive.xml</loc></sitemap></sitemapindex>""",
        "sitemap-pages.xml": URLSET.format(ns="", urls="<url><loc>__BASE__/impressum.html</loc></url>"),
        "sitemap-news.xml": URLSET.format(
            ns=NEWS_NS,
            urls="<url><loc>__BASE__/welt/2026/12/04/hafen-wieder-offen.html</loc><news:news>"
            "<news:publication_date>2026-12-04</news:publication_date></news:news></url>",
        ),
    }


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[FixtureServer, FixtureServer]]:
    """The site, and another one whose every request is a failure of the test."""
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "index.html").write_text("<html></html>", encoding="utf-8")
    with FixtureServer(tmp_path / "other") as other:
        (tmp_path / "site").mkdir()
        for name, text in files(other.base_url).items():
            (tmp_path / "site" / name).write_text(text, encoding="utf-8")
        (tmp_path / "site" / "private").mkdir()
        (tmp_path / "site" / "private" / "news-sitemap-archive.xml").write_text(
            URLSET.format(ns=NEWS_NS, urls=""), encoding="utf-8"
        )
        with FixtureServer(tmp_path / "site") as site:
            # A feed link that redirects off the site: not followed.
            site.overlay["moved.xml"] = Response(HTTPStatus.MOVED_PERMANENTLY, b"", {"Location": f"{other.base_url}/rss.xml"})
            yield site, other


def test_proposes_the_announced_feed_and_the_news_sitemap_and_fetches_only_the_site(
    sites: tuple[FixtureServer, FixtureServer], capsys: pytest.CaptureFixture[str]
) -> None:
    site, other = sites
    assert main(["sites", "new", f"{site.base_url}/"]) == 0
    text = capsys.readouterr().out
    data = tomllib.loads(text)
    assert data["name"] == "127-0-0-1" and data["domains"] == ["127.0.0.1"] and data["language"] == "de"
    assert data["start"] == {
        "feeds": [f"{site.base_url}/feed.xml"],
        "sitemaps": [f"{site.base_url}/sitemap-news.xml"],  # the news sitemap, not the index or the pages
        "sections": [f"{site.base_url}/"],
    }
    # What lives elsewhere is named for the reader to decide, never fetched.
    assert f"# not fetched, on another host (a robots.txt Sitemap: line): {other.base_url}/sitemap.xml" in text
    assert f"{other.base_url}/atom.xml" in text
    assert other.requests == []
    assert "/private/news-sitemap-archive.xml" not in site.requests  # robots.txt disallows it
    assert site.requests[0] == "/robots.txt" and "/moved.xml" in site.requests
    assert len(site.requests) == len(set(site.requests)) <= 10


def test_write_adds_a_loadable_site_file_once(
    sites: tuple[FixtureServer, FixtureServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, _ = sites
    folder = tmp_path / "my-sites"
    folder.mkdir()
    assert main(["sites", "new", f"{site.base_url}/", "--name", "nachrichten", "--write", "--dir", str(folder)]) == 0
    written = load_sites(folder)["nachrichten"]
    assert written.sitemaps == (f"{site.base_url}/sitemap-news.xml",) and written.language == "de"
    assert f"wrote {folder / 'nachrichten.toml'}" in capsys.readouterr().err
    # Again: the file exists, and its domain belongs to a site already.
    assert main(["sites", "new", f"{site.base_url}/", "--name", "nachrichten", "--write", "--dir", str(folder)]) == 1
    assert "exists" in capsys.readouterr().err
    assert main(["sites", "new", f"{site.base_url}/", "--name", "other-name", "--write", "--dir", str(folder)]) == 1
    assert "already belongs to site 'nachrichten'" in capsys.readouterr().err


def test_common_paths_when_nothing_is_announced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "index.html").write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    (root / "sitemap.xml").write_text(URLSET.format(ns="", urls="<url><loc>__BASE__/a.html</loc></url>"), encoding="utf-8")
    with FixtureServer(root) as site:
        site.overlay["rss"] = b'<?xml version="1.0"?><rss><channel><item><link>/a.html</link></item></channel></rss>'
        assert main(["sites", "new", f"{site.base_url}/some/section/"]) == 0
        data = tomllib.loads(capsys.readouterr().out)
    assert data["start"]["feeds"] == [f"{site.base_url}/rss"]
    assert data["start"]["sitemaps"] == [f"{site.base_url}/sitemap.xml"]
    assert data["language"] == "en"  # none declared: a default the file's comment asks to check


def test_a_site_that_does_not_answer_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites", "new", "http://127.0.0.1:9/"]) == 1  # port 9: nothing listens
    err = capsys.readouterr().err
    assert err.startswith("newsbot sites new: http://127.0.0.1:9/: no HTML home page") and err.count("\n") == 1
    assert main(["sites", "new", "not-a-url"]) == 2


def test_a_gzipped_news_sitemap_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import gzip

    root = tmp_path / "gz"
    root.mkdir()
    (root / "index.html").write_text('<html lang="kk"><body><p>Сәлем</p></body></html>', encoding="utf-8")
    (root / "robots.txt").write_text("Sitemap: /news.xml.gz\n", encoding="utf-8")
    with FixtureServer(root) as site:
        urlset = URLSET.format(ns=NEWS_NS, urls=f"<url><loc>{site.base_url}/a.html</loc></url>")
        site.overlay["news.xml.gz"] = gzip.compress(urlset.encode())
        assert main(["sites", "new", site.base_url]) == 0
        data = tomllib.loads(capsys.readouterr().out)
    assert data["start"]["sitemaps"] == [f"{site.base_url}/news.xml.gz"] and data["language"] == "kk"
