"""Pattern tables kept as data: one JSON file per kind of boilerplate, multilingual."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

PATTERN_DIR = Path(__file__).parent


@lru_cache(maxsize=None)
def load_patterns(name: str) -> dict[str, Any]:
    """Read ``NAME.json`` beside this module; keys starting with ``_`` are documentation."""
    with open(PATTERN_DIR / f"{name}.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("_")}
