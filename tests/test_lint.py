"""The package's static checks run with the suite: ruff, mypy and the import-linter layer contracts.

Each runs the pinned tool from this environment on the whole package, configured in pyproject.toml,
so the README's one test command covers them. mypy keeps its cache in .mypy_cache (a rerun takes a second).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "ruff"), "check", "newsbot"],
        [sys.executable, "-m", "mypy", "newsbot"],
        [str(BIN / "lint-imports")],
    ],
    ids=["ruff", "mypy", "import-linter"],
)
def test_static_check_passes(command: list[str]) -> None:
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"{' '.join(command[-2:])} failed:\n{run.stdout[-6000:]}{run.stderr[-3000:]}"
