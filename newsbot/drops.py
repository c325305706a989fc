"""Dropping an item, counted by reason: what every pipeline stage that drops records shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector


def drop_item(stats: StatsCollector, reason: str) -> DropItem:
    """Count a drop by reason; the log line stays at DEBUG because drops are the normal case."""
    stats.inc_value(f"newsbot/dropped/{reason}")
    return DropItem(reason, log_level="DEBUG")
