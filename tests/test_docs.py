"""The README and docs/ stay true to the repository: CI runs the README's test command, every link lands,
and no documented command writes into the repository root."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")
# Options and redirections whose argument is a file or folder a command writes.
WRITES = {">", ">>", "--output", "-o", "-O", "--json", "--state", "--dir"}


def blocks(path: Path, *languages: str) -> list[str]:
    return [body for language, body in FENCE.findall(path.read_text(encoding="utf-8")) if language in languages]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def test_ci_runs_the_readme_test_command() -> None:
    last = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert last in [line for block in blocks(REPO / "README.md", "sh") for line in block.splitlines()]
    assert last.endswith("-m pytest -q")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_relative_link_lands(path: Path) -> None:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        assert linked.exists(), f"{path.name}: {target}"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked), f"{path.name}: {target}"


def written_paths(command: str) -> list[str]:
    """What a shell line names as a file or folder to write (placeholders such as DIR left out)."""
    words = [word.lstrip("[") for word in shlex.split(command.split(" #", 1)[0], comments=False)]
    found = [words[i + 1] for i, word in enumerate(words[:-1]) if word in WRITES]
    found += [word[1:] for word in words if word.startswith(">") and len(word) > 1 and word[1] not in ">&"]
    return [p.rstrip("]") for p in found if not re.fullmatch(r"[A-Z_.\]]+|<[^>]*>", p.rstrip("]"))]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_no_documented_command_writes_into_the_repository_root(path: Path) -> None:
    """Outputs go to output/, a temporary folder, an absolute path or newsbot/sites/; never loose in the checkout."""
    for block in blocks(path, "sh", "cron"):
        for line in block.splitlines():
            for written in written_paths(line):
                inside = written.startswith(("output/", "/", "$(", "~", "newsbot/sites")) or written == "output"
                assert inside, f"{path.name}: {line!r} writes {written!r}"


def test_the_checker_sees_a_loose_output() -> None:
    assert written_paths("newsbot extract a.html > records.jsonl") == ["records.jsonl"]
    assert written_paths("newsbot eval DIR [--json report.json]") == ["report.json"]
    assert written_paths("newsbot crawl URL [--output DIR]") == []
