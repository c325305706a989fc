"""Pattern tables kept as data: JSON files whose keys starting with ``_`` document the others."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def load_table(path: Path) -> dict[str, Any]:
    """Read one table; keys starting with ``_`` are documentation and are left out."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("_")}
