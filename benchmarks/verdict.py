"""How often the article verdict is right: share kept as article, per WCXB page type and half, and on Fundus.

Run: python benchmarks/verdict.py [--corpus DIR ...] [--cache DIR] [--workers 2]

Every page of each corpus goes through ``extract`` (the general extractor: no
site configs, no templates). For each WCXB page type and half, and for each
Fundus half (all news articles), it prints how many pages there are, the share
kept as an article and the drop reasons of the others. Tune on the ``tune``
half; read ``check`` only to report. ``--cache DIR`` keeps each page's verdict
in ``DIR`` (delete it after changing the extractor) so a second run is instant.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from newsbot.evaluation.corpora import CorpusPage, load_corpus
from newsbot.extraction import ExtractionError, extract

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = [REPO.parent / "shared" / "corpora" / name for name in ("wcxb-dev", "fundus")]
"""``../shared/corpora/{wcxb-dev,fundus}`` relative to the repo root."""

Verdict = tuple[str, str | None]
"""(part the page is counted in, drop reason or None for an article)."""


def _verdict(page: CorpusPage) -> str | None:
    try:
        # a page saved without its URL is read as the file, as ``newsbot extract`` reads it
        return extract(page.read_html(), page.url or page.path.as_uri()).drop_reason
    except ExtractionError:
        return "extraction_error"


def _part(page: CorpusPage) -> str:
    return f"{page.page_type or 'news'}/{page.half or 'all'}"


def verdicts(pages: list[CorpusPage], cache: Path | None, workers: int) -> list[Verdict]:
    """Each page's part and drop reason, read from ``cache`` when it holds them."""
    cached: dict[str, str | None] = {}
    if cache is not None and cache.is_file():
        cached = json.loads(cache.read_text("utf-8"))
    todo = [page for page in pages if page.key not in cached]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        cached.update(zip((page.key for page in todo), pool.map(_verdict, todo, chunksize=8)))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(cached, sort_keys=True), "utf-8")
    return [(_part(page), cached[page.key]) for page in pages]


def table(results: list[Verdict]) -> list[str]:
    """One line per part (and per page type over both halves): pages, share kept as article, drop reasons."""
    parts: dict[str, list[str | None]] = {}
    for part, reason in results:
        kind = part.split("/")[0]
        for name in (part, f"{kind}/both"):
            parts.setdefault(name, []).append(reason)
    lines = [f"{'part':<22} {'pages':>5} {'article':>7}  drop reasons"]
    for name in sorted(parts):
        reasons = parts[name]
        kept = sum(r is None for r in reasons) / len(reasons)
        dropped = Counter(r for r in reasons if r is not None)
        lines.append(f"{name:<22} {len(reasons):>5} {kept:>7.3f}  " + ", ".join(f"{r} {n}" for r, n in dropped.most_common()))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help="corpus directory (default: wcxb-dev and fundus)")
    parser.add_argument("--cache", type=Path, help="folder keeping each corpus's verdicts between runs")
    parser.add_argument("--workers", type=int, default=2, help="extraction processes (default: %(default)s)")
    args = parser.parse_args()
    for root in args.corpus or DEFAULT_CORPORA:
        corpus = load_corpus(root)
        cache = args.cache / f"{root.name}.json" if args.cache else None
        print(f"{root.name}: {len(corpus.pages)} pages")
        print("\n".join(table(verdicts(corpus.pages, cache, args.workers))))
        print()


if __name__ == "__main__":
    main()
