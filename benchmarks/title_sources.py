"""How far choosing among the page's title sources can go: newsbot's title vote against two ceilings.

Run: python benchmarks/title_sources.py [--corpus DIR ...] [--workers 2]

For each corpus part (WCXB page type and half, Fundus half) it prints, over the pages
with a gold title: the share newsbot's vote among the sources matches exactly
(``read_metadata``'s title, scored with ``title_matches`` as ``newsbot eval`` scores it; the
record's title is that vote except on pages the verdict calls service pages, which take their
meta titles, so ``newsbot eval`` can differ on those parts); each source's own hit rate (og, JSON-LD, twitter, <title>,
<h1>, as ``title_candidates`` reads them, site names stripped); the **configuration
ceiling**, the best any rule can do that picks a source from which sources a page has
and which of them agree (for each such configuration, the source right most often,
fitted on the very pages it is scored on, so an upper bound); and the **any-source
ceiling**, pages where at least one source is the gold title. A gap between the vote and
the configuration ceiling is room for a better vote; a gap between the two ceilings
needs evidence beyond the sources' agreement; pages past the any-source ceiling have
a gold title that no source gives.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from newsbot.evaluation.corpora import CorpusPage, load_corpus
from newsbot.evaluation.metric import title_matches
from newsbot.extraction.decode import decode_html
from newsbot.extraction.metadata import page_title_candidates, read_metadata
from newsbot.extraction.page import ExtractionError, ParsedPage, parse_html

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = [REPO.parent / "shared" / "corpora" / name for name in ("wcxb-dev", "fundus")]
"""``../shared/corpora/{wcxb-dev,fundus}`` relative to the repo root."""
SOURCES = ("og", "jsonld", "twitter", "title", "h1")

Reading = tuple[str, bool, tuple[int | None, ...], tuple[bool, ...]]
"""(part, newsbot's vote right, configuration, each source right): one page's title reading."""


def configuration(candidates: dict[str, str]) -> tuple[int | None, ...]:
    """Which sources the page has and which agree: per source, the index of the first source with the
    same text (None when absent).

    >>> configuration({"og": "A", "title": "A", "h1": "B"})
    (0, None, None, 0, 4)
    """
    values = [candidates.get(name) for name in SOURCES]
    return tuple(None if v is None else values.index(v) for v in values)


def reading(page: CorpusPage) -> Reading | None:
    part = f"{page.page_type or 'news'}/{page.half or 'all'}"
    try:
        parsed = ParsedPage.from_tree(parse_html(decode_html(page.read_html()).text), page.url or page.path.as_uri())
    except ExtractionError:
        return None
    meta = read_metadata(parsed)
    candidates = page_title_candidates(parsed, meta.sitename)
    hits = tuple(name in candidates and title_matches(candidates[name], page.title) for name in SOURCES)
    return part, title_matches(meta.title, page.title), configuration(candidates), hits


def ceilings(readings: list[Reading]) -> tuple[float, float, float, list[float]]:
    """The vote's rate, the configuration ceiling, the any-source ceiling and each source's rate."""
    by_config: defaultdict[tuple[int | None, ...], Counter[int]] = defaultdict(Counter)
    for _, _, config, hits in readings:
        by_config[config].update(i for i, hit in enumerate(hits) if hit)
    n = len(readings)
    best = sum(max(counts.values(), default=0) for counts in by_config.values())
    return (
        sum(r[1] for r in readings) / n,
        best / n,
        sum(any(r[3]) for r in readings) / n,
        [sum(r[3][i] for r in readings) / n for i in range(len(SOURCES))],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", help="corpus folder (default: WCXB-dev and Fundus)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    pages = [p for folder in args.corpus or DEFAULT_CORPORA for p in load_corpus(folder).pages if p.title]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        readings = [r for r in pool.map(reading, pages, chunksize=8) if r is not None]
    parts: defaultdict[str, list[Reading]] = defaultdict(list)
    for r in readings:
        parts[r[0]].append(r)
        parts[r[0].split("/")[0] + "/both"].append(r)
    print(f"{'part':22s} {'pages':>5s} {'vote':>7s} {'config':>7s} {'any':>7s}  " + " ".join(f"{s:>6s}" for s in SOURCES))
    for part in sorted(parts):
        own, config, anyone, rates = ceilings(parts[part])
        print(f"{part:22s} {len(parts[part]):5d} {own:7.3f} {config:7.3f} {anyone:7.3f}  " + " ".join(f"{r:6.3f}" for r in rates))


if __name__ == "__main__":
    main()
