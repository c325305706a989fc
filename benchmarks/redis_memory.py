"""What Redis holds per URL, measured with MEMORY USAGE: the article store and a crawl's frontier.

Run: python benchmarks/redis_memory.py [--articles 10000]

Fills a fresh redis-server (temp folder, loopback port) the way crawls do: ``--articles``
articles exported through :class:`~newsbot.state.redis_store.RedisStateStore` (begin_batch
+ finish_batch, each with its final URL and a requested-URL alias, realistic news URLs,
MinHash fingerprints of the near-duplicate index), and a crawl frontier holding one queued
request and one dupefilter fingerprint per article, encoded as the scheduler does. Prints
``MEMORY USAGE <key> SAMPLES 0`` (exact) per key and per article, then the estimate for
100 sites x 10,000 articles a day. Needs redis-server on PATH.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

import redis
from scrapy import Request, Spider
from scrapy.utils.request import RequestFingerprinter

from newsbot.urls import url_id
from newsbot.fingerprint import NearDuplicateIndex
from newsbot.state.frontier import encode_request
from newsbot.state.redis_store import RedisStateStore
from newsbot.state.store import Seen

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the tests' redis-server helper: a free port, a temp folder
from redis_server import RedisServer  # noqa: E402

WORDS = "election budget river school energy court storm market health border transport culture".split()


def article_url(rng: random.Random, n: int) -> str:
    slug = "-".join(rng.sample(WORDS, 5))
    return f"https://www.news-site-{n % 100}.example/{rng.choice(['world', 'politics', 'economy'])}/2026/11/{slug}-{n}.html"


class _Spider(Spider):
    name = "news"

    def parse(self, response):  # the callback name a queued request carries
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install -y redis-server)")
    n, rng = args.articles, random.Random(1)
    with tempfile.TemporaryDirectory() as tmp, RedisServer(binary, Path(tmp) / "redis", "everysec") as server:
        client = redis.Redis.from_url(server.url)
        store = RedisStateStore(client)
        spider, fingerprinter = _Spider(), RequestFingerprinter()
        batch: list[Seen] = []
        for i in range(n):
            url = article_url(rng, i)
            body = " ".join(rng.choice(WORDS) for _ in range(300))
            seen = Seen(id=url_id(url), url=url, site=url.split("/")[2], aliases=(url, url + "?utm_source=rss"),
                        content_hash=f"{rng.getrandbits(256):064x}", extractor_version="0.1.0", version=1,
                        lastmod="2026-11-26T16:30:00+00:00", seen_at="2026-11-26T16:31:02+00:00")  # fmt: skip
            batch.append(seen)
            store.save_fingerprint(seen.id, NearDuplicateIndex.signature(body), None, keep=10_000)
            request = Request(url, callback=spider.parse, meta={"newsbot_listed_modified": seen.lastmod})
            client.sadd("newsbot:crawl:bench:seen", fingerprinter.fingerprint(request))
            client.rpush("newsbot:crawl:bench:queue", encode_request(request, spider))
            if len(batch) == 50:
                path = Path(tmp) / f"batch-{i}.jsonl"
                store.begin_batch(path, path, "bench", "run", batch)
                store.finish_batch(path)
                batch = []
        keys = {
            "newsbot:articles": "store: one JSON per article",
            "newsbot:aliases": "store: URL -> id (2 URLs per article here)",
            "newsbot:fingerprints": "store: near-duplicate MinHash (newest 10,000 only)",
            "newsbot:fingerprints:order": "store: their order",
            "newsbot:crawl:bench:seen": "frontier: dupefilter fingerprint",
            "newsbot:crawl:bench:queue": "frontier: queued request (JSON)",
        }
        sizes = {key: client.memory_usage(key, samples=0) or 0 for key in keys}
        for key, what in keys.items():
            print(f"{key:<30} {sizes[key] / 2**20:8.2f} MiB  {sizes[key] / n:7.0f} B/article  {what}")
        store_per = sum(v for k, v in sizes.items() if not k.startswith("newsbot:crawl") and "fingerprints" not in k) / n
        frontier_per = sum(v for k, v in sizes.items() if k.startswith("newsbot:crawl")) / n
        fingerprints = sum(v for k, v in sizes.items() if "fingerprints" in k)
        print(f"per article: store {store_per:.0f} B (kept), frontier {frontier_per:.0f} B (until the crawl ends)")
        print(f"fingerprints: {fingerprints / 2**20:.1f} MiB, flat (capped at the newest 10,000)")
        day = 100 * 10_000
        print(
            f"100 sites x 10,000 articles a day: store +{store_per * day / 2**30:.2f} GiB a day"
            f" ({store_per * day * 365 / 2**30:.0f} GiB a year, no expiry);"
            f" frontier at most {frontier_per * day / 2**20:.0f} MiB if one crawl queued the whole day at once"
        )


if __name__ == "__main__":
    main()
