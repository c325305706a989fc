"""The raw page item: what the spider hands to the pipelines, before any extraction."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Page:
    """One fetched HTML page; the extraction pipeline turns it into an ``Article``."""

    url: str
    """Final URL after redirects."""
    requested_url: str
    """The URL the spider asked for, before redirects."""
    status: int
    """HTTP status of the final response."""
    headers: dict[str, str] = field(default_factory=dict)
    """Response headers, lowercased names; repeated headers joined with a comma."""
    body: bytes = b""
    """The response body as received (transfer compression already undone)."""
    fetched_at: str = ""
    """UTC ISO 8601 time the response was received."""
    source: str | None = None
    """Name of the site config (``newsbot/sites/NAME.toml``) the page belongs to; None for an unconfigured site."""
    warc_file: str | None = None
    """File name of the WARC the page was captured in (set by the capture pipeline, or when read back)."""
    warc_record_id: str | None = None
    """``WARC-Record-ID`` of the page's response record there."""
    listed_modified: str | None = None
    """When the feed or sitemap that named the page says it last changed (ISO 8601, UTC); None if not listed."""
