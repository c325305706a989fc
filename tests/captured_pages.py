"""Raw pages as the spider hands them over, from the fixture site and fixtures/pages: input for the WARC tests."""

from __future__ import annotations

import json
from pathlib import Path

from newsbot.fixture_site import FIXTURE_SITE, serve
from newsbot.items import Page

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
FETCHED_AT = "2024-04-22T06:00:00+00:00"


def fixture_pages() -> list[Page]:
    """Every HTML page of the fixture site as served on 127.0.0.1, then every fixtures/pages page at its URL."""
    pages = []
    with serve() as server:
        for file in sorted(FIXTURE_SITE.rglob("*.html")):
            url = f"{server.base_url}/{file.relative_to(FIXTURE_SITE).as_posix()}"
            response = server.respond(url)
            headers = {name.lower(): value for name, value in response.headers.items()}
            pages.append(Page(url, url, response.status, headers, response.body, FETCHED_AT, source="fixture-site"))
    for file in sorted(PAGES.glob("*.html")):
        url = json.loads(file.with_suffix(".json").read_text(encoding="utf-8"))["url"]
        body = file.read_bytes()
        pages.append(Page(url, f"{url}?utm_source=feed", 200, {"content-type": "text/html"}, body, FETCHED_AT))
    return pages
