"""The scores: body P/R/F1 by each corpus's own metric (fundus: token 4-gram shingles; WCXB: bags of
lower-cased words), titles, leads, noise, WCXB's snippets."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from ..extraction.record import normal_paragraph

TOKEN = re.compile(r"\w+")
SHINGLE = 4
"""Tokens per shingle: long enough that common words alone do not match, short enough to forgive small edits."""
LOW_F1 = 0.8
"""A page under this F1 is counted as a failure: the body is visibly wrong, not just trimmed differently."""

Shingles = Counter[tuple[str, ...]]


def tokens(text: str) -> list[str]:
    """Unicode word-character runs, case kept, so punctuation and white space never count.

    >>> tokens("Straße, 2024: café!")
    ['Straße', '2024', 'café']
    """
    return TOKEN.findall(text)


def shingles(toks: Sequence[str]) -> Shingles:
    """The multiset of token 4-grams; a text of 1–3 tokens is one shingle so that short texts still count.

    >>> sorted(shingles(["a", "b", "c", "d", "e"]).items())
    [(('a', 'b', 'c', 'd'), 1), (('b', 'c', 'd', 'e'), 1)]
    """
    if len(toks) < SHINGLE:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1))


@dataclass(frozen=True)
class BodyScore:
    """One page's body scores; ``predicted``/``gold`` are shingle counts and decide which corpus means a page joins."""

    precision: float
    recall: float
    exact: bool
    predicted: int
    gold: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_body(predicted: str, gold: str) -> BodyScore:
    """P = TP / predicted shingles, R = TP / gold shingles, TP = Σ min counts; both 1 when the token lists are equal."""
    pred_tokens, gold_tokens = tokens(predicted), tokens(gold)
    pred, want = shingles(pred_tokens), shingles(gold_tokens)
    n_pred, n_gold = sum(pred.values()), sum(want.values())
    if pred_tokens == gold_tokens:
        return BodyScore(1.0, 1.0, True, n_pred, n_gold)
    tp = sum((pred & want).values())
    return BodyScore(tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0, False, n_pred, n_gold)


def score_words(predicted: str, gold: str) -> BodyScore:
    """WCXB's metric: P, R over the multisets of lower-cased ``\\w+`` tokens; both empty = 1, one empty = 0.

    >>> s = score_words("The cat sat", "the cat sat down")
    >>> (s.precision, s.recall)
    (1.0, 0.75)
    """
    pred, want = Counter(TOKEN.findall(predicted.lower())), Counter(TOKEN.findall(gold.lower()))
    n_pred, n_gold = sum(pred.values()), sum(want.values())
    if not n_pred and not n_gold:
        return BodyScore(1.0, 1.0, True, 0, 0)
    tp = sum((pred & want).values())
    exact = TOKEN.findall(predicted.lower()) == TOKEN.findall(gold.lower())
    return BodyScore(tp / n_pred if n_pred else 0.0, tp / n_gold if n_gold else 0.0, exact, n_pred, n_gold)


SCORERS = {"shingles": score_body, "words": score_words}
"""A corpus's body metric by name (``CorpusPage.metric``)."""


def snippet_share(text: str, snippets: Sequence[str]) -> float | None:
    """WCXB's snippet rate: the share of ``snippets`` found in ``text``, case-insensitive; None without snippets."""
    if not snippets:
        return None
    folded = " ".join(text.lower().split())
    return sum(" ".join(snippet.lower().split()) in folded for snippet in snippets) / len(snippets)


@dataclass(frozen=True)
class BodySummary:
    """Corpus body scores: F1 is taken of the mean P and mean R, not the mean of page F1s (the benchmarks' convention)."""

    pages: int
    precision: float
    """Mean page P over pages with a non-empty prediction: what the system says is mostly right."""
    recall: float
    """Mean page R over pages with a non-empty gold."""
    f1: float
    exact: float
    strict_precision: float
    """Mean page P over all pages, an empty prediction counting 0: precision that cannot be bought by abstaining."""
    low_f1: int
    """Pages with page F1 under :data:`LOW_F1`."""
    page_f1: float
    """Mean of the page F1s, a page with an empty gold or prediction counting as it scores (WCXB's convention)."""


def _mean(values: Sequence[float]) -> float:
    return fmean(values) if values else 0.0


def summarize_bodies(scores: Sequence[BodyScore]) -> BodySummary:
    precision = _mean([s.precision for s in scores if s.predicted])
    recall = _mean([s.recall for s in scores if s.gold])
    return BodySummary(
        pages=len(scores),
        precision=precision,
        recall=recall,
        f1=2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        exact=_mean([float(s.exact) for s in scores]),
        strict_precision=_mean([s.precision if s.predicted else 0.0 for s in scores]),
        low_f1=sum(s.f1 < LOW_F1 for s in scores),
        page_f1=_mean([s.f1 for s in scores]),
    )


def unmatched_text(text: str, other: str, limit: int = 3, width: int = 100) -> list[str]:
    """Stretches of ``text`` that no shingle shared with ``other`` covers, longest first, cut to ``width``.

    Renders the shingle-level diff for people: gold against prediction gives
    the missing text, prediction against gold the extra text.

    >>> unmatched_text("one two three four five six", "one two three four")
    ['five six']
    """
    found = list(TOKEN.finditer(text))
    if not found:
        return []
    toks = [m.group() for m in found]
    available = shingles(tokens(other))
    size = min(SHINGLE, len(toks))
    covered = [False] * len(toks)
    for i in range(len(toks) - size + 1):
        shingle = tuple(toks[i : i + size])
        if available[shingle] > 0:
            available[shingle] -= 1
            covered[i : i + size] = [True] * size
    spans: list[tuple[int, int]] = []
    for i, hit in enumerate(covered):
        if hit:
            continue
        if spans and spans[-1][1] == i - 1:
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
    spans.sort(key=lambda span: span[0] - span[1])
    snippets = []
    for first, last in spans[:limit]:
        snippet = normal_paragraph(text[found[first].start() : found[last].end()])
        snippets.append(snippet if len(snippet) <= width else snippet[: width - 1] + "…")
    return snippets


# Typographic marks as a keyboard types them: an annotator's "Here's" is the page's "Here’s".
_TYPED = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "…": "..."})


def title_matches(predicted: str | None, gold: str) -> bool:
    """Exact match after NFC, white-space collapse and typographic quotes and ellipsis read as typed:
    a title is either right or wrong, partial credit misleads."""
    return normal_paragraph(predicted or "").translate(_TYPED) == normal_paragraph(gold).translate(_TYPED)


def lead_once(lead: str | None, body: str, gold_lead: str | None) -> bool:
    """The record's lead is the gold lead and the body holds it exactly once (the ``body`` contract: no duplicate).

    A page without a gold lead passes when the record has no lead either.
    """
    want, got = normal_paragraph(gold_lead or ""), normal_paragraph(lead or "")
    if not want:
        return not got
    return got == want and normal_paragraph(body).count(want) == 1


def leaked(title: str | None, body: str, must_not_contain: Sequence[str]) -> list[str]:
    """The known boilerplate strings (a fixture's ``must_not_contain``) found in title or body; none means noise-free."""
    return [noise for noise in must_not_contain if noise in (title or "") or noise in body]
