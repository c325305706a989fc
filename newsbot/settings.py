# Scrapy settings for newsbot: only the settings in use, each with why.
#
#     https://docs.scrapy.org/en/latest/topics/settings.html

import os

from newsbot import __version__
from newsbot.sites import download_slots, shipped_sites, sites_dir
from newsbot.workers import default_workers

# The project's name in Scrapy's logs and stats
BOT_NAME = "newsbot"

# Where `scrapy crawl news` finds the spider
SPIDER_MODULES = ["newsbot.spiders"]
# Where `scrapy genspider` puts a new spider
NEWSPIDER_MODULE = "newsbot.spiders"
# `scrapy crawl news` checks its arguments and folders before crawling: a mistake is one line and exit 2
COMMANDS_MODULE = "newsbot.commands"


# Crawl responsibly: who runs this crawl (a URL or e-mail address), so a site's operator can write before blocking
# it; the spider puts it in the User-Agent, "newsbot/<version> (+contact)", and warns when a crawl of anything but
# this machine runs without one. Read from the environment too, for cron
NEWSBOT_CONTACT = os.environ.get("NEWSBOT_CONTACT", "")
# A User-Agent naming the project and its version (the spider adds NEWSBOT_CONTACT; -s USER_AGENT=... replaces it)
USER_AGENT = f"newsbot/{__version__}"
# Honour robots.txt: a disallowed page is never requested
ROBOTSTXT_OBEY = True
# robots.txt groups name the product token, not the whole User-Agent line
ROBOTSTXT_USER_AGENT = "newsbot"
# Pages whose robots meta / X-Robots-Tag say noindex, noarchive or noai, or that reserve text and data
# mining (TDM-Reservation: 1), are fetched but not exported; False exports them anyway (newsbot.policy)
NEWSBOT_RESPECT_ROBOTS_META = True

# Politeness per server (Scrapy keys download slots by host): few parallel requests to one site
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# The folder of site files `--site` and `-a site=` choose from (another one tries site files without editing
# the package): the environment's NEWSBOT_SITES_DIR, else the shipped ones; `newsbot sites` lists them
NEWSBOT_SITES_DIR = sites_dir()
# Per-site overrides from newsbot/sites/*.toml [politeness] (fixed delay, concurrency), keyed by host
DOWNLOAD_SLOTS = download_slots(shipped_sites().values())
# The floor AutoThrottle never goes below (at most ~4 requests/s to a site); loopback tests pass -s DOWNLOAD_DELAY=0
DOWNLOAD_DELAY = 0.25
# Adapt each site's delay to its latency: a server that slows down gets fewer requests
AUTOTHROTTLE_ENABLED = True
# Small, so a short crawl (a feed of 20 items) is not dominated by the warm-up delay
AUTOTHROTTLE_START_DELAY = 0.5
# A slow server is a loaded server: back off up to this many seconds
AUTOTHROTTLE_MAX_DELAY = 30.0
# About one request in flight per site on average, however many CONCURRENT_REQUESTS_PER_DOMAIN allows
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# A hung server must not stall a cron run
DOWNLOAD_TIMEOUT = 30
# Larger than any article page, yet an uncompressed sitemap may be 50 MB (sitemaps.org limit)
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
# A response this big is logged: usually a sitemap that should be split, or not a page at all
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024

# Consent and session cookies change nothing we extract; stateless requests are reproducible
COOKIES_ENABLED = False

# Listings are followed this many levels below a start point (home -> section -> its page 2); articles are
# leaves. A site's [start] max_depth overrides it
NEWSBOT_SECTION_DEPTH = 2
# Backstop for chains the section depth does not see (sitemap indexes naming sitemap indexes)
DEPTH_LIMIT = 8

# Order matters: extract -> validate -> deduplicate (this run) -> state (earlier runs, version) -> export
ITEM_PIPELINES = {
    "newsbot.warc.WarcCapturePipeline": 50,  # raw page kept before anything can drop it
    "newsbot.pipelines.ExtractPipeline": 100,
    "newsbot.pipelines.ValidatePipeline": 200,
    "newsbot.pipelines.DedupPipeline": 300,
    "newsbot.pipelines.StatePipeline": 350,
    "newsbot.fingerprint.NearDuplicatePipeline": 375,  # only what is about to be exported is fingerprinted
    "newsbot.pipelines.ExportPipeline": 400,
}
# State store (newsbot.state): known articles are not requested again, after depth checks (900) drop theirs
SPIDER_MIDDLEWARES = {
    "newsbot.state.middlewares.KnownArticleMiddleware": 600,
    # Learn each page into its site's template; hold a new site's first pages until it is ready
    "newsbot.state.template_hold.TemplateHoldMiddleware": 650,
}
# Conditional GET for feeds and sitemaps; below RetryMiddleware (550), so it sees final answers, not attempts
DOWNLOADER_MIDDLEWARES = {"newsbot.state.middlewares.ConditionalGetMiddleware": 540}
# Non-articles and duplicates are the normal case: counted in stats, not warned about
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
# A page that raised is logged by its URL and error, not by the whole item (its body bytes)
LOG_FORMATTER = "newsbot.pipelines.PageLogFormatter"

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
# Learn each site's template (recurring blocks are boilerplate) in the state folder and apply it
NEWSBOT_TEMPLATES = True
# Processes that extract pages while the reactor keeps fetching, so a crawl uses every core (newsbot.workers);
# 0 = extract in the reactor thread
NEWSBOT_EXTRACT_WORKERS = default_workers()

# A block is a site's boilerplate on half of (about) its last this many pages: a big site's occasional
# block stays story, and a redesign's blocks take over within this many pages
NEWSBOT_TEMPLATE_WINDOW = 1000
# The same story under several URLs or sites: "mark" sets duplicate_of (no article lost silently),
# "drop" exports only the first seen, "off" turns the check off
NEWSBOT_NEAR_DUPLICATES = "mark"
# Seconds slept inside each batch commit (before the rename, before marking exported): a crash-test hook
# (tests/test_kill9.py kills crawls inside those windows); 0 outside tests
NEWSBOT_COMMIT_DELAY = 0.0

# Scale-out (newsbot.state.redis_crawl): workers started with the same REDIS_URL (environment or -s) share one
# request frontier, dupefilter and article store; empty: one machine, Scrapy's scheduler and the SQLite state
REDIS_URL = os.environ.get("REDIS_URL", "")
# The add-on that switches the scheduler and the duplicate check to Redis when REDIS_URL is set, and does nothing else
ADDONS = {"newsbot.scale_out.ScaleOut": 0}
# Every newsbot key in Redis starts with this, so one Redis can serve several newsbot installations
NEWSBOT_REDIS_PREFIX = "newsbot"
# This worker's name in file names and in Redis (<run-id>-<worker>-<n>.jsonl); empty: 6 random hex digits
NEWSBOT_WORKER = ""

# Ordinary Scrapy feeds (-o x.jsonl) in readable UTF-8, like the newsbot output
FEED_EXPORT_ENCODING = "utf-8"

# INFO carries the periodic stats line and Scrapy's final stats; DEBUG logs every request
LOG_LEVEL = "INFO"
# Progress while a long crawl runs: one "Crawled N pages (at N pages/min), scraped N items" line a minute
LOGSTATS_INTERVAL = 60.0
# A cron job has no one at the console: no telnet console (an open port)
TELNETCONSOLE_ENABLED = False
# ... nor the remote-control HTTP server, another open port, one that runs code
REMOTE_CONTROL_ENABLED = False
