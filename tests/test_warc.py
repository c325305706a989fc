"""WARC capture: real fixture pages written with warcio, read back by newsbot and by warcio itself."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import pytest
from captured_pages import fixture_pages
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from newsbot.urls import site_of
from newsbot.items import Page
from newsbot.spiders.news import NewsSpider
from newsbot.warc import WarcCapture, WarcCapturePipeline, WarcError, read_pages, warc_path

RUN = "20240422T060000Z-abc123"


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return fixture_pages()


def capture(root: Path, pages: list[Page], run_id: str = RUN) -> None:
    with WarcCapture(root, run_id) as warc:
        for page in pages:
            warc.write_page(page)


def test_every_page_reads_back_as_it_was_written(tmp_path: Path, pages: list[Page]) -> None:
    capture(tmp_path, pages)
    sites = sorted({site_of(page.url) for page in pages})
    files = sorted((tmp_path / "warc").rglob("*.warc.gz"))
    assert files == sorted(warc_path(tmp_path, site, RUN) for site in sites)
    read = [page for file in files for page in read_pages(file)]
    assert sorted(read, key=lambda p: p.url) == sorted(pages, key=lambda p: p.url)


def test_records_follow_the_warc_standard_for_other_tools(tmp_path: Path) -> None:
    """The body was de-chunked by Scrapy: a reader must not try to de-chunk it again."""
    body = b"<html><body><p>Hello</p></body></html>"
    wire = {"content-type": "text/html", "transfer-encoding": "chunked", "content-length": "999"}
    with WarcCapture(tmp_path, RUN) as warc:
        path, record_id = warc.write("https://news.example/a/1", 200, wire, body, "2024-04-22T11:00:00+05:00")
    with open(path, "rb") as fh:
        records = list(_records(fh))
    (info_type, _, _), (kind, headers, payload) = records
    assert info_type == "warcinfo" and kind == "response"
    assert headers["WARC-Target-URI"] == "https://news.example/a/1"
    assert headers["WARC-Date"] == "2024-04-22T06:00:00Z"
    assert headers["status"] == "200 OK"
    assert headers["Content-Length"] == str(len(body)) and headers["X-Archive-Orig-content-length"] == "999"
    assert "transfer-encoding" not in headers and headers["X-Archive-Orig-transfer-encoding"] == "chunked"
    assert payload == body
    [page] = read_pages(path)
    assert page.headers == wire and page.fetched_at == "2024-04-22T06:00:00+00:00"
    # where the record's warc_file and warc_record_id point
    assert (page.warc_file, page.warc_record_id) == (path.name, record_id) == (f"{RUN}.warc.gz", headers["WARC-Record-ID"])
    assert record_id.startswith("<urn:uuid:")


def _records(fh):
    for record in ArchiveIterator(fh):
        headers = dict(record.rec_headers.headers)
        if record.http_headers is not None:
            headers |= dict(record.http_headers.headers) | {"status": record.http_headers.statusline}
        yield record.rec_type, headers, record.content_stream().read()


def test_a_plain_warc_reads_too(tmp_path: Path, pages: list[Page]) -> None:
    capture(tmp_path, pages[:3])
    [gzipped] = {warc_path(tmp_path, site_of(page.url), RUN) for page in pages[:3]}
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(gzipped.read_bytes()))
    assert list(read_pages(plain)) == [dataclasses.replace(page, warc_file=plain.name) for page in pages[:3]]


def test_a_file_cut_short_is_an_error_after_the_records_before_it(tmp_path: Path, pages: list[Page]) -> None:
    """What kill -9 inside a write leaves: every whole record readable, then an error naming the file."""
    site_pages = [page for page in pages if page.source]
    capture(tmp_path, site_pages)
    path = warc_path(tmp_path, site_of(site_pages[0].url), RUN)
    path.write_bytes(path.read_bytes()[:-200])
    read = []
    with pytest.raises(WarcError, match=f"{path}.*cut short"):
        read.extend(read_pages(path))
    assert 0 < len(read) < len(site_pages)
    assert read == site_pages[: len(read)]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:200] + bytes([data[200] ^ 0xFF]) + data[201:],
        lambda data: b"<html><body>not an archive</body></html>",
        lambda data: gzip.compress(b"hello world, not a warc\n" * 4),
        lambda data: b"",
        lambda data: gzip.compress(gzip.decompress(data).replace(b"<body", b"<BODY", 1)),
    ],
    ids=["flipped-byte", "html", "gzipped-text", "empty", "payload-digest"],
)
def test_damaged_files_name_themselves(tmp_path: Path, pages: list[Page], damage) -> None:
    capture(tmp_path, pages[-2:])
    path = warc_path(tmp_path, site_of(pages[-1].url), RUN)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(WarcError, match=str(path)):
        list(read_pages(path))


def test_a_missing_file_names_itself(tmp_path: Path) -> None:
    with pytest.raises(WarcError, match="nowhere.warc.gz"):
        list(read_pages(tmp_path / "nowhere.warc.gz"))


def pipeline_for(tmp_path: Path, **settings: object) -> WarcCapturePipeline:
    return WarcCapturePipeline.from_crawler(get_crawler(NewsSpider, {"NEWSBOT_OUTPUT_DIR": str(tmp_path), **settings}))


def test_pipeline_keeps_pages_unchanged_and_writes_them(tmp_path: Path, pages: list[Page]) -> None:
    pipeline = pipeline_for(tmp_path, NEWSBOT_RUN_ID=RUN)
    for page in pages[:5]:
        assert pipeline.process_item(page) is page
    record = {"url": "https://news.example/a/1", "title": "not a page"}
    assert pipeline.process_item(record) is record
    pipeline.close_spider()
    assert list(read_pages(warc_path(tmp_path, site_of(pages[0].url), RUN))) == pages[:5]
    assert pipeline.stats.get_value("newsbot/warc/records") == 5


def test_pipeline_takes_the_run_id_the_export_published(tmp_path: Path, pages: list[Page]) -> None:
    pipeline = pipeline_for(tmp_path)
    pipeline.stats.set_value("newsbot/run_id", "published-run")
    pipeline.process_item(pages[0])
    pipeline.close_spider()
    assert warc_path(tmp_path, site_of(pages[0].url), "published-run").is_file()


def test_a_write_error_keeps_the_page_going(tmp_path: Path, pages: list[Page]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the output folder should be")
    pipeline = pipeline_for(blocker, NEWSBOT_RUN_ID=RUN)
    assert pipeline.process_item(pages[0]) is pages[0]
    pipeline.close_spider()
    assert pipeline.stats.get_value("newsbot/errors/warc") == 1


def test_a_redirect_keeps_both_urls(tmp_path: Path, pages: list[Page]) -> None:
    moved = dataclasses.replace(pages[0], requested_url=pages[0].url + "?old=1")
    capture(tmp_path, [moved])
    [page] = read_pages(warc_path(tmp_path, site_of(moved.url), RUN))
    assert (page.url, page.requested_url) == (moved.url, moved.requested_url)
