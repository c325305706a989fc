"""``scrapy crawl news``: Scrapy's own command, with the arguments and folders checked before the crawl starts.

Scrapy builds the spider inside the running crawl, so a bad ``-a`` there can only close the
crawl (``finish_reason`` ``bad_arguments``) and exit 0; a mistake is caught here instead,
in one line and exit 2, as in ``newsbot crawl``.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from ..checks import UsageError
from ..runner import EXIT_USAGE, check_crawl
from ..spiders.news import NewsSpider


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args == [NewsSpider.name]:
            spider_args = opts.spargs
            try:
                assert self.settings is not None
                check_crawl(self.settings, spider_args.get("start"), spider_args.get("site"), spider_args.get("since"))
            except UsageError as err:
                print(f"scrapy crawl {NewsSpider.name}: {err}", file=sys.stderr)
                self.exitcode = EXIT_USAGE
                return
        super().run(args, opts)
