"""The one way a page becomes its record, for the crawl, its worker processes, ``reextract`` and ``extract``.

Same bytes, URL, headers, site config and template state give the same record, whichever
command made it: the core's article with the site's hints and learned boilerplate, the site
config's name (and its language when the page gave none away), and, for a fetched page, the
fetch fields and where its raw capture is. Scrapy-free, so the CLI loads no crawler.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from .extraction import Article, Lesson, Trace, extract, extract_and_learn
from .extraction.templates import Templates
from .items import Page
from .sites import SiteConfig


def page_record(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    config: SiteConfig | None = None,
    templates: Templates | None = None,
    fetched: Page | None = None,
    learn: bool = False,
    trace: Trace | None = None,
) -> tuple[Article, Lesson | None]:
    """The record of the page ``body`` at ``url``, and with ``learn`` its template lesson from the same parse.

    ``config`` is the page's site config (its hints apply, its name is ``source``); ``templates``
    the learned state, read only; ``fetched`` the crawled page the bytes came from, whose fetch
    fields and WARC capture the record carries (None for a page that was not fetched: a file).
    """
    hints = config.hints if config else None
    lesson = None
    if learn:
        article, lesson = extract_and_learn(body, url, headers, templates=templates, hints=hints)
    else:
        article = extract(body, url, headers, templates=templates, hints=hints, trace=trace)
    record = dataclasses.replace(
        article,
        source=config.name if config else None,
        language=article.language or (config.language if config else None),
    )
    if fetched is not None:
        record = dataclasses.replace(
            record,
            requested_url=fetched.requested_url,
            fetched_at=fetched.fetched_at,
            http_status=fetched.status,
            source=fetched.source,  # the spider's site name, also when no config of that name is at hand
            warc_file=fetched.warc_file,
            warc_record_id=fetched.warc_record_id,
        )
    return record, lesson


def read_page(
    page: Page, templates: Templates | None = None, config: SiteConfig | None = None, learn: bool = False
) -> tuple[Article, Lesson | None]:
    """:func:`page_record` of a crawled page (a picklable call for the crawl's worker processes)."""
    return page_record(page.body, page.url, page.headers, config=config, templates=templates, fetched=page, learn=learn)
