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
from scrapy.settings import BaseSettings, Settings
from scrapy.utils.project import get_project_settings

from .checks import UsageError, crawl_folders
from .discovery import parse_since
from .paths import new_run_id, run_summary_path
from .sites import SiteConfigError, select_sites, sites_in
from .spiders.news import NewsSpider, check_start
from .state.crawl_state import LOCKED

SETTINGS_MODULE = "newsbot.settings"
# The demo crawls our own server on 127.0.0.1: no politeness delay needed.
LOOPBACK_SETTINGS: dict[str, Any] = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0}

# Exit codes, for cron and scripts: 0 the run finished cleanly; 1 it failed or some pages failed
# (the run summary lists them); 2 usage error; 75 (EX_TEMPFAIL) another crawl of the site is running.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75


def crawl_settings(
    output: str | None = None, state: str | None = None, settings: Mapping[str, Any] | None = None
) -> Settings:
    """The project settings with ``--output``, ``--state`` and ``-s`` on top, and a run id to find the summary by."""
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
    return project


def check_crawl(settings: BaseSettings, start: str | None = None, site: str | None = None, since: str | None = None) -> None:
    """Everything a crawl's user named, checked before the first request; UsageError says what is wrong in one line.

    The spider checks its arguments again (for Python callers); here they fail before Scrapy starts, so a
    mistake costs no request, no run summary and no traceback.
    """
    if start is None and site is None:
        raise UsageError("give a start URL (-a start=URL), a site (-a site=NAME) or all sites (-a site=all)")
    if start is not None or site is None:
        check_start(start)
    try:
        select_sites(site, sites_in(settings.get("NEWSBOT_SITES_DIR")))
    except (KeyError, SiteConfigError) as err:
        raise UsageError(err.args[0]) from None
    if since is not None:
        try:
            parse_since(since)
        except ValueError as err:
            raise UsageError(str(err)) from None
    crawl_folders(settings["NEWSBOT_OUTPUT_DIR"], settings["NEWSBOT_STATE_DIR"])


def run_crawl(
    start: str | None,
    output: str | None = None,
    state: str | None = None,
    settings: Mapping[str, Any] | None = None,
    **spider_args: str,
) -> int:
    """Crawl ``start`` (and whatever ``spider_args`` select) with the project settings plus ``settings``."""
    project = crawl_settings(output, state, settings)
    try:
        check_crawl(project, start, spider_args.get("site"), spider_args.get("since"))
    except UsageError as err:
        print(f"newsbot crawl: {err}", file=sys.stderr)
        return EXIT_USAGE

    process = CrawlerProcess(project)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, start=start, **spider_args)
    process.start()

    # The run id the crawl used: a worker of a shared crawl (REDIS_URL) takes the crawl's, plus its own name.
    run_id = crawler.stats.get_value("newsbot/run_id") if crawler.stats else None
    path = run_summary_path(Path(project["NEWSBOT_OUTPUT_DIR"]), run_id or project["NEWSBOT_RUN_ID"])
    if not path.exists():
        print(f"newsbot crawl: the crawl of {start} ended without a run summary", file=sys.stderr)
        return EXIT_FAILED
    summary = json.loads(path.read_text(encoding="utf-8"))
    if summary["finish_reason"] == LOCKED:
        refused = summary["refused"]
        print(
            f"newsbot crawl: refused: site {refused['site']} is being crawled by another run"
            f" ({refused['holder'] or 'holder unknown'}); lock {refused['lock']} is released when that process ends",
            file=sys.stderr,
        )
        return EXIT_LOCKED
    print(format_summary(summary, path))
    return EXIT_OK if succeeded(summary["stats"]) else EXIT_FAILED


# A start point answered 304, or another worker of a shared crawl (REDIS_URL) had already taken it.
STARTED = frozenset({"newsbot/not_modified", "newsbot/frontier/start_taken"})


def succeeded(stats: Mapping[str, Any]) -> bool:
    """Finished, nothing logged as an error, no page failed, and a start point was actually read (not a 404)."""
    return (
        stats.get("finish_reason") == "finished"
        and not stats.get("log_count/ERROR")
        and not stats.get("newsbot/failed_pages")
        and any(key.startswith("newsbot/responses/") or key in STARTED for key in stats)
    )


def _breakdown(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items() if n)


def format_summary(summary: Mapping[str, Any], path: Path) -> str:
    """The final table of a run: what was fetched, skipped, exported, dropped and why, where it went."""
    counts = summary["counts"]
    duration = counts.get("duration_s")
    rows = [
        ("pages fetched", counts["pages_fetched"], ""),
        ("not modified (304)", counts["not_modified"], ""),
        ("known, not fetched", counts["known_skipped"], ""),
        ("older than --since", counts.get("older_than_since", 0), ""),
        ("fetched again", sum(counts["refetched"].values()), _breakdown(counts["refetched"])),
        ("articles exported", counts["exported"], _breakdown({"new": counts["new"], "updated": counts["updated"]})),
        ("duplicates", counts["duplicates"], _breakdown({"near-duplicates": counts.get("near_duplicates", 0)})),
        ("dropped", sum(counts["dropped"].values()), _breakdown(counts["dropped"])),
        ("errors", sum(counts["errors"].values()), _breakdown(counts["errors"])),
        ("pages failed", counts.get("failed_pages", 0), ""),
    ]
    width = max(len(label) for label, _, _ in rows)
    lines = [
        f"run {summary['run_id']}: {summary['finish_reason']}"
        + (f" in {duration:.1f} s" if duration is not None else "")
        + (f" ({', '.join(summary['sites'])})" if summary.get("sites") else ""),
        *(f"  {label:<{width}}  {value:>6}  {detail}".rstrip() for label, value, detail in rows),
        *(f"  failed: {page['url']}: {page['error']}" for page in summary.get("failed_pages", ())),
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
