# Scrapy settings for newsbot: only the settings in use, each with why.
#
#     https://docs.scrapy.org/en/latest/topics/settings.html

from newsbot import __version__

BOT_NAME = "newsbot"

SPIDER_MODULES = ["newsbot.spiders"]
NEWSPIDER_MODULE = "newsbot.spiders"


# Crawl responsibly: say who we are and honour robots.txt
USER_AGENT = f"newsbot/{__version__} (+https://github.com/newsbot)"
ROBOTSTXT_OBEY = True

# Politeness: few parallel requests per site, AutoThrottle adapts the delay to the server's latency
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# The floor AutoThrottle never goes below (at most ~4 requests/s to a site); loopback tests pass -s DOWNLOAD_DELAY=0
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
# Small, so a short crawl (a feed of 20 items) is not dominated by the warm-up delay
AUTOTHROTTLE_START_DELAY = 0.5
# A slow server is a loaded server: back off up to this many seconds
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# A hung server must not stall a cron run
DOWNLOAD_TIMEOUT = 30
# Larger than any article page, yet an uncompressed sitemap may be 50 MB (sitemaps.org limit)
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024

# Consent and session cookies change nothing we extract; stateless requests are reproducible
COOKIES_ENABLED = False

# Section page -> (paginated) section -> article -> related article; deeper is the whole site
DEPTH_LIMIT = 3

# Order matters: extract -> validate -> deduplicate (this run) -> state (earlier runs, version) -> export
ITEM_PIPELINES = {
    "newsbot.pipelines.ExtractPipeline": 100,
    "newsbot.pipelines.ValidatePipeline": 200,
    "newsbot.pipelines.DedupPipeline": 300,
    "newsbot.pipelines.StatePipeline": 350,
    "newsbot.pipelines.ExportPipeline": 400,
}
# State store (newsbot.state): known articles are not requested again, after depth checks (900) drop theirs
SPIDER_MIDDLEWARES = {"newsbot.state.middlewares.KnownArticleMiddleware": 600}
# Conditional GET for feeds and sitemaps; below RetryMiddleware (550), so it sees final answers, not attempts
DOWNLOADER_MIDDLEWARES = {"newsbot.state.middlewares.ConditionalGetMiddleware": 540}
# Non-articles and duplicates are the normal case: counted in stats, not warned about
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"

# newsbot output: <NEWSBOT_OUTPUT_DIR>/<site>/<YYYY-MM-DD>/<run-id>-<n>.jsonl, relative to the working folder
NEWSBOT_OUTPUT_DIR = "output"
# Records per atomic batch file: few files for a big crawl, little lost work if it is killed
NEWSBOT_BATCH_SIZE = 50
# Set per run by `newsbot crawl` so it can find its run summary; empty: the export pipeline makes one
NEWSBOT_RUN_ID = None
# The state folder (exported articles and their URLs, feed validators, one lock per site) that
# `newsbot crawl --state` names, relative to the working folder; a run exports only what it does not know
NEWSBOT_STATE_DIR = "state"
# Known articles first seen less than this many hours ago are fetched again every run (fresh stories
# get corrected); 0 = only when a feed or sitemap dates them newer
NEWSBOT_REVISIT_HOURS = 0.0
# Seconds slept inside each batch commit (before the rename, before marking exported): crash tests only
NEWSBOT_COMMIT_DELAY = 0.0

# Ordinary Scrapy feeds (-o x.jsonl) in readable UTF-8, like the newsbot output
FEED_EXPORT_ENCODING = "utf-8"

LOG_LEVEL = "INFO"
# A cron job has no one at the console: no telnet, no code-execution HTTP server (each an open port)
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
