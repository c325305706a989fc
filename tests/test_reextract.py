"""``newsbot reextract``: records rebuilt from WARC captures equal ``extract`` on the same bytes, outside the crawl output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from captured_pages import fixture_pages

from newsbot.cli import main
from newsbot.urls import site_of
from newsbot.items import Page
from newsbot.records import read_page
from newsbot.sites import shipped_sites
from newsbot.warc import WarcCapture, warc_path

RUN = "20240422T060000Z-abc123"


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return fixture_pages()


@pytest.fixture
def crawl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pages: list[Page]) -> Path:
    """A crawl output root holding the pages' WARC files, in a working folder of its own."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "crawl-output"
    with WarcCapture(root, RUN) as warc:
        for page in pages:
            warc.write_page(page)
    return root


def warcs(root: Path, pages: list[Page]) -> list[Path]:
    return sorted({warc_path(root, site_of(page.url), RUN) for page in pages})


def read_records(folder: Path) -> list[dict]:
    files = sorted(folder.rglob("*.jsonl"))
    return [json.loads(line) for file in files for line in file.read_text(encoding="utf-8").splitlines()]


def expected_record(page: Page) -> dict:
    """What the crawl gives for the same page: its record with the shipped site's hints, which reextract uses too."""
    return read_page(page, config=shipped_sites().get(page.source or ""))[0].to_dict()


def test_records_equal_extract_on_the_same_bytes(tmp_path: Path, crawl: Path, pages: list[Page], capsys) -> None:
    out = tmp_path / "rebuilt"
    assert main(["reextract", *map(str, warcs(crawl, pages)), "--output", str(out)]) == 0
    records = read_records(out)
    assert sorted(records, key=lambda r: r["url"]) == sorted(map(expected_record, pages), key=lambda r: r["url"])
    assert f"{len(pages)} records" in capsys.readouterr().out
    # The same layout as the crawl output, and nothing written into the crawl output or a state folder.
    assert all(path.parent.parent.parent == out for path in out.rglob("*.jsonl"))
    assert {path.relative_to(crawl).parts[0] for path in crawl.rglob("*")} == {"warc"}
    assert not (tmp_path / "state").exists()


@pytest.mark.parametrize("inside", [".", "rebuilt", "warc/rebuilt"])
def test_refuses_to_write_into_the_crawl_output(crawl: Path, pages: list[Page], inside: str, capsys) -> None:
    out = crawl / inside
    before = sorted(crawl.rglob("*"))
    assert main(["reextract", *map(str, warcs(crawl, pages)), "--output", str(out)]) == 2
    assert "refusing" in capsys.readouterr().err
    assert sorted(crawl.rglob("*")) == before


def test_refuses_the_configured_crawl_output(tmp_path: Path, crawl: Path, pages: list[Page], capsys) -> None:
    """``./output`` (NEWSBOT_OUTPUT_DIR) is refused even when the WARC files were copied elsewhere."""
    copied = tmp_path / "elsewhere.warc.gz"
    copied.write_bytes(warcs(crawl, pages)[0].read_bytes())
    assert main(["reextract", str(copied), "--output", str(tmp_path / "output" / "rebuilt")]) == 2
    assert not (tmp_path / "output").exists()


def test_a_corrupt_warc_is_named_and_the_others_still_run(
    tmp_path: Path, crawl: Path, pages: list[Page], capsys
) -> None:
    files = warcs(crawl, pages)
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"\x1f\x8b this was never a gzip file")
    out = tmp_path / "rebuilt"
    assert main(["reextract", str(files[0]), str(broken), *map(str, files[1:]), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(broken) in err and "unreadable WARC" in err
    assert len(read_records(out)) == len(pages)


def test_pages_the_extractor_cannot_read_are_reported_not_fatal(tmp_path: Path, capsys) -> None:
    root = tmp_path / "crawl-output"
    with WarcCapture(root, RUN) as warc:
        path, _ = warc.write("https://news.example/empty", 200, {}, b"", "2024-04-22T06:00:00+00:00")
    assert main(["reextract", str(path), "--output", str(tmp_path / "rebuilt")]) == 0
    assert "https://news.example/empty" in capsys.readouterr().err
    assert read_records(tmp_path / "rebuilt") == []


def test_refuses_another_crawls_output_root(tmp_path: Path, crawl: Path, pages: list[Page], capsys) -> None:
    """Not this crawl's, not the configured one: any folder with run summaries is a crawl's output."""
    other = tmp_path / "other-crawl"
    (other / "runs").mkdir(parents=True)
    (other / "runs" / f"{RUN}.json").write_text("{}", encoding="utf-8")
    before = sorted(other.rglob("*"))
    assert main(["reextract", *map(str, warcs(crawl, pages)), "--output", str(other)]) == 2
    assert "refusing to write into the crawl output" in capsys.readouterr().err
    assert sorted(other.rglob("*")) == before


def test_refuses_a_folder_that_holds_anything_else(tmp_path: Path, crawl: Path, pages: list[Page], capsys) -> None:
    """A crawl output whose summaries were deleted still has date folders of batches: only a fresh root is used."""
    other = tmp_path / "not-fresh"
    (other / "127.0.0.1" / "2024-04-22").mkdir(parents=True)
    (other / "127.0.0.1" / "2024-04-22" / f"{RUN}-1.jsonl").write_text("{}\n", encoding="utf-8")
    assert main(["reextract", *map(str, warcs(crawl, pages)), "--output", str(other)]) == 2
    assert "neither empty nor a reextract output" in capsys.readouterr().err
    assert [p.name for p in other.rglob("*.jsonl")] == [f"{RUN}-1.jsonl"]


def test_a_reextract_output_takes_a_second_run(tmp_path: Path, crawl: Path, pages: list[Page], capsys) -> None:
    out = tmp_path / "rebuilt"
    for _ in range(2):
        assert main(["reextract", *map(str, warcs(crawl, pages)), "--output", str(out)]) == 0
    assert len(read_records(out)) == 2 * len(pages)


def test_an_exception_in_one_page_is_named_and_the_others_still_run(
    tmp_path: Path, crawl: Path, pages: list[Page], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A bug the extractor does not expect (not an ExtractionError) costs that page only, and the exit code says so."""
    import newsbot.reextract

    broken = pages[0].url

    def read_page_with_a_bug(page: Page, *args):  # fault injection: no real page is known to do this
        if page.url == broken:
            raise KeyError("no such thing")
        return read_page(page, *args)

    monkeypatch.setattr(newsbot.reextract, "read_page", read_page_with_a_bug)
    out = tmp_path / "rebuilt"
    assert main(["reextract", *map(str, warcs(crawl, pages)), "--output", str(out)]) == 1
    captured = capsys.readouterr()
    (line,) = [line for line in captured.err.splitlines() if broken in line]
    assert line.endswith(f"{broken}: failed: KeyError: 'no such thing'")
    assert "1 pages failed" in captured.out
    assert sorted(r["url"] for r in read_records(out)) == sorted(p.url for p in pages if p.url != broken)
