"""The scripted next edition of the fixture site (``fixtures/site-changes/``), as a server overlay.

Test scaffolding for the incremental and fixture-site tests: :func:`site_changes` turns the
fixture site into its next edition on a running :class:`~newsbot.fixture_site.FixtureServer`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.utils import format_datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from newsbot.fixture_site import FIXTURE_SITE, Response

SITE_CHANGES = FIXTURE_SITE.parent / "site-changes"


def _changes(changes_dir: Path) -> dict[str, Any]:
    return json.loads((changes_dir / "manifest.json").read_text(encoding="utf-8"))


def site_changes(
    recovered: bool = False, changes_dir: Path = SITE_CHANGES, site: Path = FIXTURE_SITE
) -> dict[str, bytes | Response]:
    """The overlay that turns the fixture site into its next edition (``fixtures/site-changes/manifest.json``).

    New and syndicated pages appear, listed first in the feed and the sitemap with their
    dates; the edited page changes in place and gets a newer date in both (RSS
    ``atom:updated``, sitemap ``lastmod``); one feed link becomes a short URL that
    redirects to the page; the failing page answers 500 unless ``recovered``.
    """
    changes = _changes(changes_dir)
    overlay: dict[str, bytes | Response] = {}
    rss = (site / "rss.xml").read_text(encoding="utf-8")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for path, page in {**changes["new"], **changes["syndicated"]}.items():
        overlay[path] = (changes_dir / path).read_bytes()
        url, when = f"__BASE__/{path}", page["lastmod"]
        pub_date = format_datetime(datetime.fromisoformat(when))
        item = (
            f"<item><title>{escape(page['title'])}</title><link>{url}</link>"
            f'<guid isPermaLink="true">{url}</guid><pubDate>{pub_date}</pubDate></item>\n'
        )
        rss = rss.replace("<item>", item + "<item>", 1)
        sitemap = re.sub(r"(<urlset[^>]*>\n)", rf"\1<url><loc>{url}</loc><lastmod>{when}</lastmod></url>\n", sitemap)
    for path, edit in changes["edited"].items():
        text = (site / path).read_text(encoding="utf-8")
        for old, new in edit["replace"]:
            if old not in text:
                raise ValueError(f"{changes_dir / 'manifest.json'}: edit of {path} does not apply: {old[:60]!r}")
            text = text.replace(old, new)
        overlay[path] = text.encode("utf-8")
        updated = f"<atom:updated>{edit['lastmod']}</atom:updated>"
        rss = re.sub(rf"(<link>__BASE__/{re.escape(path)}</link>.*?)</item>", rf"\1{updated}</item>", rss)
        sitemap = re.sub(rf"(<loc>__BASE__/{re.escape(path)}</loc><lastmod>)[^<]*", rf"\g<1>{edit['lastmod']}", sitemap)
    redirect = changes["redirect"]
    rss = rss.replace(f"<link>__BASE__/{redirect['to']}</link>", f"<link>__BASE__/{redirect['from']}</link>")
    overlay[redirect["from"]] = Response(HTTPStatus.MOVED_PERMANENTLY, b"", {"Location": f"/{redirect['to']}"})
    if not recovered:
        failing = Response(HTTPStatus.INTERNAL_SERVER_ERROR, b"oops\n", {"Content-Type": "text/plain"})
        overlay[changes["failing"]] = failing
    overlay["rss.xml"] = rss.encode("utf-8")
    overlay["sitemap.xml"] = sitemap.encode("utf-8")
    return overlay
