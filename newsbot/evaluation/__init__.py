"""``newsbot eval``: score newsbot's general extractor and plain trafilatura on a corpus, in one run.

Modules: :mod:`.metric` (scores), :mod:`.corpora` (layouts on disk),
:mod:`.systems` (how each system is called), :mod:`.harness` (scoring a
corpus), :mod:`.report` (text and JSON).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .corpora import CorpusError, load_corpus
from .harness import evaluate
from .report import render_json, render_text

__all__ = ["run_eval"]


def run_eval(corpus: Path, json_path: Path | None = None) -> int:
    """Print the report, optionally write it in full (per-page scores too) as JSON.

    Each page a system raised on (or that could not be read) is named on stderr and the
    exit status is then 1; 2 when the corpus itself is unreadable.
    """
    try:
        report = evaluate(load_corpus(corpus))
    except (CorpusError, OSError, EOFError) as err:
        print(f"newsbot eval: {err}", file=sys.stderr)
        return 2
    print(render_text(report), flush=True)
    if json_path is not None:
        json_path.write_text(json.dumps(render_json(report), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    failed = [(p.page.key, name, s.error) for p in report.pages for name, s in p.systems.items() if s.error is not None]
    for key, name, error in failed:
        print(f"newsbot eval: {key}: {name}: {error}", file=sys.stderr)
    return 1 if failed else 0
