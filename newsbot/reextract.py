"""``newsbot reextract``: records rebuilt from WARC captures with the current extractor, fetching nothing.

For after an extractor upgrade: the raw pages a crawl kept (:mod:`newsbot.warc`) go through
today's ``extract`` and land as JSONL in a folder of their own, laid out like the crawl output.
It never writes into the crawl output (its files are the exactly-once record of what was
exported) and never opens the state store (what was exported has not changed).
Every page becomes a record, articles or not (``is_article`` tells), as in ``newsbot extract``:
a page the old extractor rejected may be an article to the new one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from . import settings
from .exporters import BatchWriter, new_run_id
from .extraction import ExtractionError
from .pipelines import page_record
from .sites import shipped_sites
from .warc import WARC_FOLDER, WarcError, read_pages


def crawl_output_roots(warcs: Iterable[Path]) -> set[Path]:
    """The configured crawl output root, and the root of each WARC found at ``<root>/warc/<site>/<file>``."""
    roots = {Path(settings.NEWSBOT_OUTPUT_DIR).resolve()}
    for warc in warcs:
        resolved = warc.resolve()
        if resolved.parent.parent.name == WARC_FOLDER:
            roots.add(resolved.parent.parent.parent)
    return roots


def run_reextract(warcs: Sequence[Path], output: Path) -> int:
    """Rebuild the records of ``warcs`` into ``output``: 0 if every file was read to its end,
    1 if one was not (the others still are), 2 if ``output`` is inside a crawl output."""
    target = output.resolve()
    for root in sorted(crawl_output_roots(warcs)):
        if target == root or root in target.parents:
            print(f"newsbot reextract: refusing to write into the crawl output {root}; choose another --output",
                  file=sys.stderr)
            return 2
    writer = BatchWriter(output, new_run_id(), settings.NEWSBOT_BATCH_SIZE)
    records = skipped = 0
    unreadable = []
    for warc in warcs:
        try:
            for page in read_pages(warc):
                try:
                    record = page_record(page, sites=shipped_sites())
                except ExtractionError as err:
                    # The crawl skipped these too (newsbot/errors/extraction): reported, not a failure.
                    print(f"newsbot reextract: {warc}: {page.url}: {err}", file=sys.stderr)
                    skipped += 1
                    continue
                writer.add(record.to_dict())
                records += 1
        except WarcError as err:
            print(f"newsbot reextract: {err}", file=sys.stderr)
            unreadable.append(warc)
    writer.flush()
    print(
        f"reextract: {records} records from {len(warcs)} WARC files"
        f" ({len(unreadable)} unreadable, {skipped} pages not extractable)"
    )
    for path in writer.files:
        print(f"  output: {path}")
    return 1 if unreadable else 0
