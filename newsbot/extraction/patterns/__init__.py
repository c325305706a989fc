"""Pattern tables kept as data: one JSON file per kind of boilerplate, multilingual."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...tables import load_table

PATTERN_DIR = Path(__file__).parent


def load_patterns(name: str) -> dict[str, Any]:
    """Read ``NAME.json`` beside this module; keys starting with ``_`` are documentation."""
    return load_table(PATTERN_DIR / f"{name}.json")
