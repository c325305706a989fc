"""``newsbot reextract``: records rebuilt from WARC captures with the current extractor, fetching nothing.

For after an extractor upgrade: the raw pages a crawl kept (:mod:`newsbot.warc`) go through
today's ``extract`` and land as JSONL in a folder of their own, laid out like the crawl output.
It writes only to a fresh output root, never into a crawl's output (its files are the exactly-once
record of what was exported), and never opens the article store (what was exported has not changed).
It reads the crawl's learned templates (``<state>/templates.sqlite3``) and teaches them nothing, so a
page gets the record ``newsbot extract --state`` gives its bytes (:func:`newsbot.records.page_record`).
Every page becomes a record, articles or not (``is_article`` tells), as in ``newsbot extract``:
a page the old extractor rejected may be an article to the new one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from . import settings
from .checks import UsageError, describe, writable_folder
from .exporters import BatchWriter
from .extraction import ExtractionError, TemplateStore
from .paths import RUNS_FOLDER, new_run_id
from .progress import Progress
from .records import read_page
from .sites import shipped_sites
from .state.template_store import FILE_NAME, SqliteTemplateStore
from .warc import WARC_FOLDER, WarcError, read_pages

MARKER = ".newsbot-reextract"
"""Left in an output root ``reextract`` made, so a later ``reextract`` may add to it; no other non-empty folder is used."""


def crawl_output_roots(warcs: Iterable[Path]) -> set[Path]:
    """The configured crawl output root, and the root of each WARC found at ``<root>/warc/<site>/<file>``."""
    roots = {Path(settings.NEWSBOT_OUTPUT_DIR).resolve()}
    for warc in warcs:
        resolved = warc.resolve()
        if resolved.parent.parent.name == WARC_FOLDER:
            roots.add(resolved.parent.parent.parent)
    return roots


def is_crawl_output(folder: Path) -> bool:
    """Does ``folder`` look like any crawl's output root: run summaries or WARC captures beside the batches?"""
    return (folder / RUNS_FOLDER).is_dir() or (folder / WARC_FOLDER).is_dir()


def output_problem(output: Path, warcs: Iterable[Path]) -> str | None:
    """Why ``output`` must not take reextracted records, or None when it may.

    Only a fresh root: not in or under a crawl output (this crawl's, the configured one or any other, whose
    date folders would mix old and rebuilt records), and either new, empty or made by ``reextract``.
    """
    target = output.resolve()
    known = crawl_output_roots(warcs)
    for folder in (target, *target.parents):
        if folder in known or is_crawl_output(folder):
            return f"refusing to write into the crawl output {folder}; choose another --output"
    if target.is_dir() and not (target / MARKER).exists() and any(target.iterdir()):
        return f"refusing to write into {output}: it is neither empty nor a reextract output; choose a new folder"
    return None


def crawl_templates(state: Path | None) -> SqliteTemplateStore | None:
    """The learned templates of the state folder ``state`` (a usage error when it has none), or of the
    configured one (NEWSBOT_STATE_DIR) when it has them; None when there are none to read."""
    folder = Path(settings.NEWSBOT_STATE_DIR) if state is None else state
    if not (folder / FILE_NAME).is_file():
        if state is not None:
            raise UsageError(f"--state {state}: no learned templates there ({FILE_NAME})")
        return None
    return SqliteTemplateStore(folder)


def run_reextract(warcs: Sequence[Path], output: Path, state: Path | None = None, quiet: bool = False) -> int:
    """Rebuild the records of ``warcs`` into ``output`` with the templates of ``state`` (see :func:`crawl_templates`):
    0 if every page of every file was read, 1 if a file or a page was not (the others still are), 2 if ``output``
    is not a fresh output root or ``state`` holds no templates. The pages read so far are counted on stderr
    (:mod:`newsbot.progress`) unless ``quiet``."""
    try:
        if (problem := output_problem(output, warcs)) is not None:
            raise UsageError(problem)
        writable_folder(output, "--output")
        templates = crawl_templates(state)
    except UsageError as err:
        print(f"newsbot reextract: {err}", file=sys.stderr)
        return 2
    try:
        return _reextract(warcs, output, templates, quiet)
    finally:
        if templates is not None:
            templates.close()


def _reextract(warcs: Sequence[Path], output: Path, templates: TemplateStore | None, quiet: bool) -> int:
    (output / MARKER).touch()
    sites = shipped_sites()
    writer = BatchWriter(output, new_run_id(), settings.NEWSBOT_BATCH_SIZE)
    records = skipped = failed = 0
    unreadable = []
    progress = Progress("newsbot reextract", quiet=quiet)  # the pages a WARC holds are known only once read
    for warc in warcs:
        try:
            for page in progress.iterate(read_pages(warc)):
                try:
                    record, _ = read_page(page, templates, sites.get(page.source or ""))
                except ExtractionError as err:
                    # The crawl skipped these too (newsbot/errors/extraction): reported, not a failure.
                    progress.echo(f"newsbot reextract: {warc}: {page.url}: {err}")
                    skipped += 1
                    continue
                except Exception as err:  # noqa: BLE001 - one page's bug must not cost the other pages their records
                    progress.echo(f"newsbot reextract: {warc}: {page.url}: failed: {describe(err)}")
                    failed += 1
                    continue
                writer.add(record.to_dict())
                records += 1
        except WarcError as err:
            progress.echo(f"newsbot reextract: {err}")
            unreadable.append(warc)
    writer.flush()
    progress.close()
    print(
        f"reextract: {records} records from {len(warcs)} WARC files"
        f" ({len(unreadable)} unreadable, {skipped} pages not extractable, {failed} pages failed)"
        + ("" if templates is not None else "; no learned templates")
    )
    for path in writer.files:
        print(f"  output: {path}")
    return 1 if unreadable or failed else 0
