"""``newsbot crawl`` and ``newsbot demo``: run the news spider from any folder (cron) and summarize the run."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from .exporters import new_run_id, run_summary_path
from .spiders.news import NewsSpider, check_start

SETTINGS_MODULE = "newsbot.settings"
# The demo crawls our own server on 127.0.0.1: no politeness delay needed.
LOOPBACK_SETTINGS: dict[str, Any] = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0}


def run_crawl(
    start: str, output: str | None = None, state: str | None = None, settings: Mapping[str, Any] | None = None
) -> int:
    """Crawl ``start`` with the project settings (plus ``settings``); 0 when it finished cleanly."""
    try:
        check_start(start)
    except ValueError as err:
        print(f"newsbot crawl: {err}", file=sys.stderr)
        return 2
    # Set, not setdefault: from cron the working folder is anywhere, and another project's
    # SCRAPY_SETTINGS_MODULE must not leak in.
    os.environ["SCRAPY_SETTINGS_MODULE"] = SETTINGS_MODULE
    project = get_project_settings()
    overrides: dict[str, Any] = {"NEWSBOT_RUN_ID": new_run_id()}
    if output is not None:
        overrides["NEWSBOT_OUTPUT_DIR"] = output
    if state is not None:
        overrides["NEWSBOT_STATE_DIR"] = state
    overrides.update(settings or {})
    project.setdict(overrides, priority="cmdline")

    process = CrawlerProcess(project)
    process.crawl(NewsSpider, start=start)
    process.start()

    path = run_summary_path(Path(project["NEWSBOT_OUTPUT_DIR"]), project["NEWSBOT_RUN_ID"])
    if not path.exists():
        print(f"newsbot crawl: the crawl of {start} ended without a run summary", file=sys.stderr)
        return 1
    summary = json.loads(path.read_text(encoding="utf-8"))
    print(format_summary(summary, path))
    return 0 if succeeded(summary["stats"]) else 1


def succeeded(stats: Mapping[str, Any]) -> bool:
    """Finished, nothing logged as an error, and the start URL was actually read (not a 404)."""
    return (
        stats.get("finish_reason") == "finished"
        and not stats.get("log_count/ERROR")
        and any(key.startswith("newsbot/responses/") for key in stats)
    )


def format_summary(summary: Mapping[str, Any], path: Path) -> str:
    """The run in a few lines: what was exported, what was dropped and why, where it went."""
    stats = summary["stats"]
    drops = {key.rpartition("/")[2]: n for key, n in stats.items() if key.startswith("newsbot/dropped/")}
    lines = [
        f"run {summary['run_id']}: {stats.get('finish_reason', 'unknown')}",
        f"  pages fetched: {stats.get('newsbot/responses/html', 0)}"
        f" (feeds {stats.get('newsbot/responses/feed', 0)}, sitemaps {stats.get('newsbot/responses/sitemap', 0)})",
        f"  articles exported: {stats.get('newsbot/exported', 0)}",
        "  dropped: " + (", ".join(f"{reason} {n}" for reason, n in sorted(drops.items())) or "none"),
        f"  extraction errors: {stats.get('newsbot/errors/extraction', 0)}",
        f"  links refused: offsite {stats.get('newsbot/links/offsite', 0)},"
        f" not http {stats.get('newsbot/links/not_http', 0)}",
        *(f"  output: {file}" for file in summary["files"]),
        f"  run summary: {path}",
    ]
    return "\n".join(lines)


def run_demo(output: str | None = None) -> int:
    """Serve the bundled fixture site on 127.0.0.1 and crawl it from its home page.

    The state folder is fresh each time, so every run exports the whole site.
    """
    from .fixture_site import serve

    with serve() as server, tempfile.TemporaryDirectory(prefix="newsbot-demo-state-") as state:
        start = f"{server.base_url.rstrip('/')}/index.html"
        print(f"newsbot demo: fixture site at {server.base_url}, crawling {start}", flush=True)
        return run_crawl(start, output=output, state=state, settings=LOOPBACK_SETTINGS)
