"""``newsbot eval``: score newsbot's general extractor and plain trafilatura on a corpus, in one run.

Modules: :mod:`.metric` (scores), :mod:`.corpora` (layouts on disk),
:mod:`.systems` (how each system is called), :mod:`.harness` (scoring a
corpus), :mod:`.report` (text and JSON).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..progress import Progress
from .corpora import CorpusError, load_corpus
from .harness import evaluate
from .report import render_comparison, render_json, render_text

__all__ = ["run_eval"]


def run_eval(corpora: Path | list[Path], json_path: Path | None = None, quiet: bool = False) -> int:
    """Print each corpus's report and, for several, one table of all; optionally write them in full (per-page
    scores too) as JSON.

    Each page a system raised on (or that could not be read) is named on stderr and the exit status is
    then 1; 2 when a corpus itself is unreadable (checked before any page is scored). The pages scored so
    far are counted on stderr (:mod:`newsbot.progress`) unless ``quiet``.
    """
    roots = [corpora] if isinstance(corpora, Path) else corpora
    try:
        loaded = [load_corpus(root) for root in roots]
    except (CorpusError, OSError, EOFError) as err:
        print(f"newsbot eval: {err}", file=sys.stderr)
        return 2
    reports = []
    for corpus in loaded:
        with Progress(f"newsbot eval: {corpus.root}", len(corpus.pages), quiet=quiet) as progress:
            reports.append(report := evaluate(corpus, progress=progress))
        print(render_text(report), end="\n\n", flush=True)
    print(render_comparison(reports), flush=True)
    if json_path is not None:
        document = render_json(reports[0]) if len(reports) == 1 else {"corpora": [render_json(r) for r in reports]}
        json_path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    failed = [(p.page.key, name, s.error) for r in reports for p in r.pages for name, s in p.systems.items() if s.error]
    for key, name, error in failed:
        print(f"newsbot eval: {key}: {name}: {error}", file=sys.stderr)
    return 1 if failed else 0
