"""Raw capture: each fetched page's bytes and headers in per-run WARC files, and reading them back.

``<output root>/warc/<site>/<run-id>.warc.gz`` holds one WARC ``response`` record per page
the spider handed to the pipelines, written before extraction, so ``newsbot reextract`` can
rebuild the records with a later extractor without fetching anything again. WARC (ISO 28500)
because every web-archive tool reads it; warcio writes it.

Unlike the JSONL batches these files grow while the crawl runs: each record is its own gzip
member, flushed to the OS once written, so a killed crawl leaves every finished record
readable and at most the last one cut short (the reader reports it and keeps the rest).
"""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from . import __version__
from .items import Page
from .paths import make_dirs, new_run_id, site_folder
from .policy import reservation_reason
from .urls import site_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

WARC_FOLDER = "warc"
"""``<output root>/warc/``: beside the site folders of the JSONL output."""
REQUESTED_URI = "NewsBot-Requested-URI"
"""WARC extension field: the URL the spider asked for when a redirect led to ``WARC-Target-URI``."""
SOURCE = "NewsBot-Source"
"""WARC extension field: the site config the page was crawled for (the record's ``source``)."""
ORIGINAL_PREFIX = "X-Archive-Orig-"
"""Prefix of HTTP headers renamed in the capture (the name pywb and other archive tools use for it)."""
REWRITTEN_HEADERS = ("transfer-encoding", "content-length")
"""Headers about the wire, not the stored body: Scrapy hands the body over de-chunked and
decompressed (its compression middleware deletes the Content-Encoding it undid, so one that is
left is true of the body). A WARC reader that saw these two unchanged would de-chunk again or
trust a wrong length, so they are kept under :data:`ORIGINAL_PREFIX` and a true
``Content-Length`` is added."""
GZIP_MAGIC = b"\x1f\x8b"
"""A ``.warc.gz`` starts with it; a plain ``.warc`` is read as well."""


class WarcError(Exception):
    """A WARC file that cannot be read to its end; the message names the file."""


def warc_path(root: Path, site: str | None, run_id: str) -> Path:
    """``<root>/warc/<site>/<run-id>.warc.gz``, with the same site folder names as the JSONL output."""
    return root / WARC_FOLDER / site_folder(site) / f"{run_id}.warc.gz"


def _warc_date(fetched_at: str) -> str:
    """``fetched_at`` (ISO 8601, any offset) as a WARC-Date: UTC, second precision, as WARC/1.0 wants."""
    when = datetime.fromisoformat(fetched_at) if fetched_at else datetime.now(timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return datetime_to_iso_date(when.astimezone(timezone.utc).replace(tzinfo=None))


def _http_headers(status: int, headers: Mapping[str, str], length: int) -> StatusAndHeaders:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    pairs = [
        (f"{ORIGINAL_PREFIX}{name}" if name.lower() in REWRITTEN_HEADERS else name, value)
        for name, value in headers.items()
    ]
    pairs.append(("Content-Length", str(length)))
    return StatusAndHeaders(f"{status} {reason}".strip(), pairs, protocol="HTTP/1.1")


def _original_headers(http_headers: StatusAndHeaders) -> dict[str, str]:
    """The header mapping the crawl handed to the extractor: renamed headers restored, ours dropped."""
    headers: dict[str, str] = {}
    for name, value in http_headers.headers:
        lowered = name.lower()
        if lowered.startswith(ORIGINAL_PREFIX.lower()):
            headers[lowered[len(ORIGINAL_PREFIX) :]] = value
        elif lowered not in REWRITTEN_HEADERS:
            headers[lowered] = value
    return headers


# zlib's level 3, its slowest "fast" level: warcio compresses at 9 and gzip's default is 6; a crawl
# compresses every page in its reactor thread, where CPU is what limits throughput. On 300 corpus
# pages (benchmarks/warc_gzip.py): 0.44x the CPU of level 6 (0.27x of 9) for a file 1.13x the size.
GZIP_LEVEL = 3


def gzip_member(data: bytes | memoryview, level: int = GZIP_LEVEL) -> bytes:
    """``data`` as one whole gzip member: a WARC record as ``warc.gz`` readers expect it."""
    member = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return member.compress(data) + member.flush()


class _MemberWriter:
    """warcio's writer (``records`` makes the records), each record written as one gzip member, as
    ``gzip=True`` writes them, but at ``GZIP_LEVEL``."""

    def __init__(self, out: IO[bytes]) -> None:
        self._buffer = io.BytesIO()
        self.records = WARCWriter(self._buffer, gzip=False)
        self._out = out

    def write(self, record: ArcWarcRecord) -> None:
        self._buffer.seek(0)
        self._buffer.truncate()
        self.records.write_record(record)
        self._out.write(gzip_member(self._buffer.getbuffer()))


class WarcCapture:
    """Writes one run's pages into ``<root>/warc/<site>/<run-id>.warc.gz``, a file per site, opened on first use."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.root = root
        self.run_id = run_id
        self._files: dict[Path, tuple[IO[bytes], _MemberWriter]] = {}

    def write(
        self,
        url: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        fetched_at: str,
        *,
        requested_url: str | None = None,
        source: str | None = None,
    ) -> tuple[Path, str]:
        """Append one ``response`` record; returns the file it went to and its ``WARC-Record-ID``."""
        path = warc_path(self.root, site_of(url), self.run_id)
        fh, writer = self._files.get(path) or self._open(path)
        warc_headers = {"WARC-Date": _warc_date(fetched_at)}
        if requested_url and requested_url != url:
            warc_headers[REQUESTED_URI] = requested_url
        if source:
            warc_headers[SOURCE] = source
        record = writer.records.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            warc_headers_dict=warc_headers,
            http_headers=_http_headers(status, headers, len(body)),
        )
        writer.write(record)
        fh.flush()  # to the OS: a killed process loses nothing already written
        return path, record.rec_headers.get_header("WARC-Record-ID")

    def write_page(self, page: Page) -> Path:
        """Append a page as the spider handed it over (the one place that maps its fields to :meth:`write`),
        and note on it where it went (``warc_file``, ``warc_record_id``), for its record."""
        path, page.warc_record_id = self.write(
            page.url,
            page.status,
            page.headers,
            page.body,
            page.fetched_at,
            requested_url=page.requested_url,
            source=page.source,
        )
        page.warc_file = path.name
        return path

    def _open(self, path: Path) -> tuple[IO[bytes], _MemberWriter]:
        make_dirs(path.parent)
        fh = open(path, "xb")  # noqa: SIM115 - open for the run, closed in close(); run ids are unique: an existing file is another run's
        writer = _MemberWriter(fh)
        info = {"software": f"newsbot/{__version__}", "format": "WARC File Format 1.0", "isPartOf": self.run_id}
        writer.write(writer.records.create_warcinfo_record(path.name, info))
        self._files[path] = (fh, writer)
        return fh, writer

    def close(self) -> None:
        while self._files:
            _, (fh, _) = self._files.popitem()
            fh.close()

    def __enter__(self) -> WarcCapture:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _describe(err: BaseException) -> str:
    """One printable line of at most 160 characters: warcio quotes raw bytes of a bad record."""
    text = " ".join(str(err).split()) or type(err).__name__
    return "".join(char if char.isprintable() else "?" for char in text)[:160]


class _CutShort(Exception):
    """A gzip member ended early (a crawl killed mid-write): not an EOFError, which warcio takes for the end."""


class _NoQuietEnd:
    """The gzip stream as warcio reads it, with "ended before the end-of-stream marker" made an error."""

    def __init__(self, fh: gzip.GzipFile) -> None:
        self.fh = fh

    def read(self, size: int = -1) -> bytes:
        try:
            return self.fh.read(size)
        except EOFError as err:
            raise _CutShort(f"cut short ({err})") from err


def read_pages(path: Path) -> Iterator[Page]:
    """The ``response`` records of a WARC file (ours or another tool's, gzipped or not) as raw pages.

    Raises :class:`WarcError` naming the file at the first thing that cannot be read (a cut or
    damaged gzip member, a payload whose digest does not match, something that is not a WARC);
    the pages before it have been yielded, except those in the same read-ahead block (16 KB).
    """
    try:
        with ExitStack() as stack:
            raw = stack.enter_context(open(path, "rb"))
            fh: IO[bytes] | _NoQuietEnd = raw
            if raw.peek(2)[:2] == GZIP_MAGIC:
                # Python's gzip, not warcio's own decompression: it checks each member's CRC and
                # length and raises on a member cut short, where warcio would stop without a word.
                fh = _NoQuietEnd(stack.enter_context(gzip.GzipFile(fileobj=raw)))
            records = 0
            for record in ArchiveIterator(fh, check_digests="raise"):
                if record.format != "warc":
                    raise WarcError(f"{path}: not a WARC file")
                records += 1
                if record.rec_type == "response" and record.http_headers is not None:
                    yield _page(record, path.name)
            if not records:
                raise WarcError(f"{path}: not a WARC file (no records)")
    except (_CutShort, OSError, ValueError, zlib.error, ArchiveLoadFailed) as err:
        # A damaged gzip member is BadGzipFile (an OSError) or zlib.error, a bad digest or record
        # header ArchiveLoadFailed, a bad date or status ValueError.
        raise WarcError(f"{path}: unreadable WARC: {_describe(err)}") from err


def _page(record: ArcWarcRecord, name: str) -> Page:
    url = record.rec_headers.get_header("WARC-Target-URI")
    body = record.content_stream().read()
    date = iso_date_to_datetime(record.rec_headers.get_header("WARC-Date"), tz_aware=True)
    return Page(
        url=url,
        requested_url=record.rec_headers.get_header(REQUESTED_URI) or url,
        status=int(record.http_headers.get_statuscode()),
        headers=_original_headers(record.http_headers),
        body=body,
        fetched_at=date.isoformat(timespec="seconds"),
        source=record.rec_headers.get_header(SOURCE),
        warc_file=name,
        warc_record_id=record.rec_headers.get_header("WARC-Record-ID"),
    )


class WarcCapturePipeline:
    """Keeps every raw page, before extraction, in this run's WARC files (see :class:`WarcCapture`).

    Put it before ``ExtractPipeline``. A write error is logged and counted, and the page goes on:
    losing the raw copy must not lose the article. A page its publisher reserved (noarchive,
    noai, TDM-Reservation …; :mod:`newsbot.policy`) is not archived while reservations are respected.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.root = Path(crawler.settings["NEWSBOT_OUTPUT_DIR"])
        self.respect_reservations = crawler.settings.getbool("NEWSBOT_RESPECT_ROBOTS_META", True)
        self.capture: WarcCapture | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCapturePipeline:
        return cls(crawler)

    def _run_id(self) -> str:
        """The export's run id, so WARC and JSONL names match: read at the first page, once every
        pipeline's ``open_spider`` (where the export pipeline publishes it) has run."""
        return (
            self.crawler.settings.get("NEWSBOT_RUN_ID") or self.stats.get_value("newsbot/run_id") or new_run_id()
        )

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        if self.respect_reservations and reservation_reason(item.headers, item.body):
            return item  # the extract pipeline drops it with its reason
        if self.capture is None:
            self.capture = WarcCapture(self.root, self._run_id())
        try:
            self.capture.write_page(item)
        except OSError as err:
            self.stats.inc_value("newsbot/errors/warc")
            logger.error("WARC capture of %s failed: %s", item.url, err)
        else:
            self.stats.inc_value("newsbot/warc/records")
        return item

    def close_spider(self) -> None:
        if self.capture is not None:
            self.capture.close()
