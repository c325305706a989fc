"""The systems the harness compares, each called exactly one way so eval and the speed benchmark measure the same thing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import trafilatura
from trafilatura.settings import Document

from ..extraction import Trace, extract
from .corpora import CorpusPage
from .fields import PredictedFields


@dataclass(frozen=True)
class Extracted:
    body: str
    lead: str | None = None
    metadata: PredictedFields = field(default_factory=PredictedFields)
    """Title, authors, date and tags, when the same call gives them."""
    removals: tuple[tuple[str, str], ...] = ()
    """(rule, text) of each block the system says it removed (newsbot's ``--explain``), for the removal audit."""


@dataclass(frozen=True)
class System:
    name: str
    prepare: Callable[[CorpusPage, bytes], str | bytes]
    """The input the system is handed, made from the page's bytes before any timing starts."""
    extract: Callable[[str | bytes, str], Extracted]
    """The timed call: input and URL to body (and whatever else the system gives in the same call)."""
    metadata: Callable[[str | bytes, str], PredictedFields] | None = None
    """An extra, untimed call for title and metadata when ``extract`` does not give them."""
    leads: bool = False
    """Whether ``extract`` gives a lead at all (else lead scores do not apply)."""


def _raw(page: CorpusPage, html: bytes) -> bytes:
    return html


def _newsbot_general(html: str | bytes, url: str) -> Extracted:
    """newsbot's general extractor and nothing else.

    This is the one place where site configs and learned templates are to be
    switched off once ``extract`` accepts them: eval scores the general
    extractor, which must stand on its own on sites it has never seen.
    ``is_article`` is not consulted: a page flagged as no article is scored
    on whatever body it carries.
    """
    assert isinstance(html, bytes)
    trace = Trace(outside=False)  # (the rules' removals only: they come with every extraction at no cost)
    article = extract(html, url, trace=trace)
    metadata = PredictedFields(article.title, tuple(article.authors), article.published, tuple(article.tags))
    return Extracted(article.body, article.lead, metadata, tuple((r.rule, r.text) for r in trace.removed))


def _declared_text(page: CorpusPage, html: bytes) -> str | bytes:
    """The corpus's declared decoding (fundus: UTF-8), else the raw bytes for trafilatura to sniff."""
    return html.decode(page.encoding) if page.encoding else html


def _trafilatura_body(html: str | bytes, url: str) -> Extracted:
    return Extracted(trafilatura.extract(html, url=url, include_comments=False) or "")


def _trafilatura_metadata(html: str | bytes, url: str) -> PredictedFields:
    """trafilatura's own metadata, read the way its output gives it: authors in one string joined by "; "."""
    document = cast("Document | None", trafilatura.bare_extraction(html, url=url, with_metadata=True))
    if document is None:
        return PredictedFields()
    authors = tuple(name.strip() for name in (document.author or "").split(";") if name.strip())
    return PredictedFields(document.title, authors, document.date, tuple(document.tags or ()))


NEWSBOT = System("newsbot", _raw, _newsbot_general, leads=True)
BASELINE = System("trafilatura", _declared_text, _trafilatura_body, _trafilatura_metadata)
"""Plain trafilatura as the fundus README measured it (comments excluded): the same-run baseline."""
SYSTEMS = (NEWSBOT, BASELINE)
