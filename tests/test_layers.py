"""What importing a layer loads, checked in a fresh interpreter.

The import-linter contracts (pyproject.toml, run by tests/test_lint.py) see newsbot's own imports;
this sees everything a module drags in at run time, third-party imports included: the extraction
core must load neither Scrapy nor SQLite, and the modules the spiders and the state share must not
load trafilatura (normalizing a URL should not cost the whole extractor).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CASES = {
    "newsbot.extraction": ("scrapy", "twisted", "sqlite3"),
    "newsbot.urls": ("trafilatura", "lxml", "scrapy"),
    "newsbot.discovery": ("trafilatura", "scrapy"),
    "newsbot.sites": ("trafilatura", "scrapy"),
    "newsbot.spiders.news": ("trafilatura", "newsbot.extraction", "newsbot.state", "newsbot.pipelines", "newsbot.exporters"),
    "newsbot.state.store": ("trafilatura", "scrapy", "newsbot.spiders"),
    "newsbot.state.lock": ("newsbot.exporters", "jsonlines"),
}


def loaded_after_import(module: str, watched: tuple[str, ...]) -> list[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(set({list(watched)!r}) & set(sys.modules))))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(run.stdout)


@pytest.mark.parametrize(("module", "forbidden"), CASES.items(), ids=list(CASES))
def test_importing_a_layer_loads_nothing_above_it(module: str, forbidden: tuple[str, ...]) -> None:
    assert loaded_after_import(module, forbidden) == []
