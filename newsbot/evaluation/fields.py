"""Metadata scores: whether a system's authors, publishing date, tags and title hit a corpus page's gold record.

Each field is a hit or a miss per page, counted only on pages that have gold
for it, so the hit rate says how often a reader can trust the field, and a
page without gold never counts for or against a system.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from ..extraction.record import normal_paragraph
from .corpora import CorpusPage
from .metric import title_matches

FIELDS = ("title", "authors", "published", "published_instant", "topics")
"""The scored fields, in report order. ``published_instant`` counts only pages whose gold carries a time zone and
asks for the same instant, zone included; ``topics`` is the gold's name for what the record calls ``tags``."""


@dataclass(frozen=True)
class PredictedFields:
    """What a system says about a page beyond its body, in the record's vocabulary."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    """ISO 8601: a day, or a date and time with or without a time zone."""
    tags: tuple[str, ...] = ()


def folded(values: Iterable[str]) -> frozenset[str]:
    """Each string after NFC, white-space collapse and case folding; empty ones dropped.

    >>> sorted(folded(["Anna  Fink", "anna fink", " ", "ANDRÉ Schmidt"]))
    ['andré schmidt', 'anna fink']
    """
    return frozenset(text for text in (normal_paragraph(value).casefold() for value in values) if text)


def same_set(predicted: Sequence[str], gold: Sequence[str]) -> bool:
    """Equal as sets of folded strings: order, case and spacing are presentation, a missing or extra name is an error."""
    return folded(predicted) == folded(gold)


def parse_when(value: str | None) -> datetime | date | None:
    """A date (``2024-04-28``) or a date-time (``2024-04-28 10:00:00+02:00``, ``…T08:00:00Z``); None when unreadable.

    ``Z`` is spelled out because Python 3.10's ``fromisoformat`` does not read it.
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None


def zoned(value: str | None) -> datetime | None:
    """The date-time when it carries a time zone, so it names one instant; else None."""
    when = parse_when(value)
    return when if isinstance(when, datetime) and when.tzinfo is not None else None


def _minute(value: datetime) -> datetime:
    """The UTC minute: pages and gold differ in seconds one of them does not show (07:39:00 against 07:39:18.75)."""
    return value.astimezone(timezone.utc).replace(second=0, microsecond=0)


def same_instant(predicted: str | None, gold: str | None) -> bool:
    """Both carry a time zone and name the same minute: a date without its zone is hours off for someone."""
    got, want = zoned(predicted), zoned(gold)
    return got is not None and want is not None and _minute(got) == _minute(want)


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def same_date(predicted: str | None, gold: str | None) -> bool:
    """Same instant (to the minute) when both carry a time zone, else the same calendar day as written.

    With two time zones the instant is known on both sides, so the written day
    may differ (23:30-05:00 is 04:30Z the next day) and still be right, and the
    same written day at a different instant is wrong. Without one, the day as
    written is all that can be compared: converting it would invent a zone.
    """
    if zoned(predicted) is not None and zoned(gold) is not None:
        return same_instant(predicted, gold)
    got, want = parse_when(predicted), parse_when(gold)
    return got is not None and want is not None and _day(got) == _day(want)


MACROLANGUAGES = {"nb": "no", "nn": "no"}
"""ISO 639-1 codes folded into their macrolanguage: detectors name Norwegian ``no`` or its written standards."""


def same_language(predicted: str | None, gold: str) -> bool:
    """Same ISO 639-1 language, Norwegian Bokmål and Nynorsk counting as Norwegian.

    >>> same_language("no", "nb"), same_language("da", "nb"), same_language(None, "en")
    (True, False, False)
    """
    return predicted is not None and MACROLANGUAGES.get(predicted, predicted) == MACROLANGUAGES.get(gold, gold)


def author_contained(predicted: Sequence[str], gold: str) -> bool:
    """WCXB's author hit: the gold author is contained in the joined predicted authors, or contains them.

    >>> author_contained(["Anna Fink", "Bo Li"], "anna fink"), author_contained(["Anna"], "Anna Fink"), author_contained([], "A")
    (True, True, False)
    """
    got, want = "; ".join(folded(predicted)), next(iter(folded([gold])), "")
    return bool(got and want) and (want in got or got in want)


def same_day_prefix(predicted: str | None, gold: str | None) -> bool:
    """WCXB's date hit: the first ten characters (the ISO day) match."""
    if not predicted or not gold:
        return False
    return predicted.strip()[:10] == gold.strip()[:10]


def score_fields(predicted: PredictedFields, page: CorpusPage) -> dict[str, bool | None]:
    """Field name -> hit, or None when the page has no gold for it (WCXB pages by WCXB's own rules)."""
    if page.layout == "wcxb":
        return {
            "title": title_matches(predicted.title, page.title) if page.title else None,
            "authors": None if page.authors is None else author_contained(predicted.authors, page.authors[0]),
            "published": None if page.published is None else same_day_prefix(predicted.published, page.published),
            "published_instant": None,
            "topics": None,
        }
    return {
        "title": title_matches(predicted.title, page.title),
        "authors": None if page.authors is None else same_set(predicted.authors, page.authors),
        "published": None if page.published is None else same_date(predicted.published, page.published),
        "published_instant": None if zoned(page.published) is None else same_instant(predicted.published, page.published),
        "topics": None if page.topics is None else same_set(predicted.tags, page.topics),
    }


@dataclass(frozen=True)
class FieldSummary:
    pages: int
    """Pages with gold for the field."""
    hits: int
    rate: float | None
    """hits / pages; None without any page to score."""


def summarize_fields(scores: Sequence[dict[str, bool | None]]) -> dict[str, FieldSummary]:
    """Hit counts per field over the pages with gold for it."""
    summaries = {}
    for name in FIELDS:
        known = [score[name] for score in scores if score.get(name) is not None]
        hits = sum(bool(hit) for hit in known)
        summaries[name] = FieldSummary(len(known), hits, hits / len(known) if known else None)
    return summaries
