"""Near-duplicates: the same story under another URL or site, found by a MinHash fingerprint of its body.

Exact duplicates (one article under several URLs) are :class:`newsbot.pipelines.DedupPipeline`'s job;
this catches the copies whose text differs a little: an agency story on a partner site, an edited
title, an added or dropped paragraph, a reworded sentence, another site's boilerplate, a teaser.

How: the body's word 3-shingles go into a 128-permutation MinHash (datasketch); datasketch's
MinHashLSH finds the earlier articles that share enough of them; each candidate is then verified by
the *containment* of the shorter text's shingles in the longer one's, because a copy is often a cut
(teaser, agency brief) or an extension (extra paragraph) of the original, and Jaccard similarity
punishes both for the length difference alone. The threshold and the banding below were chosen on
``fixtures/neardup/`` (see its README and ``tests/test_fingerprint.py`` for the margins).
"""

from __future__ import annotations

import logging
import re
import struct
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from datasketch.hashfunc import sha1_hash32
from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from .drops import drop_item
from .state.crawl_state import CrawlState

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

SHINGLE_WORDS = 3
"""Words per shingle: 3 survives a swapped word with little loss; longer shingles punish each edit more."""
MIN_PARAGRAPH_WORDS = 10
"""Shorter paragraphs are left out of the fingerprint: boilerplate that survives extraction ("Share this
story", "Read also: ...", credit and copyright lines) is short lines, and it differs between the sites
that carry the same story while it repeats between different stories of one site."""
MIN_SHINGLES = 20
"""A body with fewer distinct shingles (about 20 words) is never called a duplicate nor indexed:
two captions or one-line briefs sharing a phrase say nothing about being the same story."""
NUM_PERM = 128
"""MinHash permutations, of which the LSH bands use 80; datasketch's default."""
SEED = 1
"""Fixed, so signatures stored by one run compare with those of the next."""
LSH_BANDS, LSH_ROWS = 40, 2
"""Candidate probability 1-(1-J^2)^40: 0.92 at Jaccard 0.25 (a teaser of half the original's length
with 60% containment), 0.99 at 0.33, 0.9999 at 0.5. Lower than datasketch's optimizer would pick,
because containment, not Jaccard, decides; each band costs memory (see benchmarks/neardup_index.py)."""
CONTAINMENT_THRESHOLD = 0.6
"""A duplicate has at least this share of the shorter text's shingles in the longer one. On the
fixture set near-duplicates have 0.675 or more, distinct stories on one topic and site 0.449 or less."""
MAX_ENTRIES = 10_000
"""Articles kept for comparison, oldest dropped first: copies appear within hours or days, and an
entry costs about 14 KB (12 KB of it datasketch's in-memory LSH, the rest the shingle hashes of a
350-word body), about 140 MB in all (measured by benchmarks/neardup_index.py)."""

_NO_SPACES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Kana and CJK ideographs: scripts written without spaces between words."""
_WORD = re.compile(rf"[{_NO_SPACES}]|[^\W{_NO_SPACES}]+")
"""A run of word characters, or one character of a script without spaces (so Chinese gets character n-grams)."""
_SIZE = struct.Struct("<I")
_MINHASH_BYTES = LeanMinHash(MinHash(num_perm=NUM_PERM, seed=SEED)).bytesize(byteorder="<")


def shingles(body: str) -> set[str]:
    """The casefolded word 3-grams of the body's content paragraphs (paragraphs split by a blank line).

    Paragraphs under :data:`MIN_PARAGRAPH_WORDS` words count only when the long ones hold less than
    half the words, so a body of short paragraphs is still fingerprinted. Shingles never span two
    paragraphs, so a paragraph added or dropped changes only its own shingles.

    >>> sorted(shingles("The harbour reopened on Tuesday after a week of repairs.\\n\\nShare this story."))[:2]
    ['a week of', 'after a week']
    >>> sorted(shingles("港口周二重新开放"))[:2]
    ['二 重 新', '口 周 二']
    """
    paragraphs = [_WORD.findall(part.casefold()) for part in body.split("\n\n")]
    long = [words for words in paragraphs if len(words) >= MIN_PARAGRAPH_WORDS]
    if 2 * sum(map(len, long)) < sum(map(len, paragraphs)):
        long = paragraphs
    return {
        " ".join(words[i : i + SHINGLE_WORDS])
        for words in long
        for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
        if words
    }


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """A body's shingles as sorted 32-bit hashes, and their MinHash.

    The MinHash finds candidates through the LSH index; the hashes make the containment check exact
    (a containment derived from the MinHash's Jaccard estimate is off by 0.1 or more when one text is
    three times the other, the teaser case). They cost 4 bytes a shingle, a tenth of an LSH entry.
    """

    hashes: np.ndarray
    minhash: LeanMinHash

    @classmethod
    def of(cls, body: str) -> Fingerprint:
        found = [sha1_hash32(shingle.encode("utf-8")) for shingle in shingles(body)]
        hashes = np.unique(np.array(found, dtype=np.uint32))
        minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)  # values are hashed already
        minhash.update_batch(hashes.tolist())
        return cls(hashes, LeanMinHash(minhash))

    @property
    def size(self) -> int:
        """Distinct shingles."""
        return len(self.hashes)

    def to_bytes(self) -> bytes:
        """Portable bytes for the state store: shingle count (uint32), datasketch's LeanMinHash
        serialization, the shingle hashes (uint32), all little-endian. :meth:`from_bytes` reads them."""
        buf = bytearray(_SIZE.size + _MINHASH_BYTES)
        _SIZE.pack_into(buf, 0, self.size)
        self.minhash.serialize(memoryview(buf)[_SIZE.size :], byteorder="<")
        return bytes(buf) + self.hashes.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Raises ValueError for bytes that are not a signature made with this module's parameters."""
        try:
            (size,) = _SIZE.unpack_from(data)
            minhash = LeanMinHash.deserialize(memoryview(data)[_SIZE.size :], byteorder="<")
        except struct.error as err:
            raise ValueError(f"not a near-duplicate signature: {err}") from err
        if len(minhash) != NUM_PERM or minhash.seed != SEED:
            raise ValueError(f"signature of {len(minhash)} permutations, seed {minhash.seed}: other parameters")
        if len(data) != _SIZE.size + _MINHASH_BYTES + 4 * size:
            raise ValueError(f"signature of {len(data)} bytes does not hold {size} shingle hashes")
        hashes = np.frombuffer(data, dtype="<u4", offset=_SIZE.size + _MINHASH_BYTES).astype(np.uint32)
        return cls(hashes, minhash)

    def containment(self, other: Fingerprint) -> float:
        """The share of the smaller shingle set found in the larger one (0 for an empty set)."""
        smaller = min(self.size, other.size)
        if not smaller:
            return 0.0
        return len(np.intersect1d(self.hashes, other.hashes, assume_unique=True)) / smaller


@dataclass(frozen=True)
class _Entry:
    fingerprint: Fingerprint
    original: str
    """The id of the first-seen article of this story (the entry's own id when it is not a copy)."""
    seq: int
    """Insertion number: equal scores go to the earlier article."""


class NearDuplicateIndex:
    """Bodies seen so far, to tell whether a new one repeats one of them. Pure: no Scrapy, no storage.

    Persistence is the caller's: store :meth:`signature_of` (bytes) per article, and :meth:`load`
    them into the next run's index, oldest first.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES, threshold: float = CONTAINMENT_THRESHOLD) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries = max_entries
        self.threshold = threshold
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=(LSH_BANDS, LSH_ROWS))
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        """Insertion order is age: the first item is evicted first."""
        self._inserted = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    @staticmethod
    def signature(body: str) -> bytes:
        """The fingerprint of ``body`` as bytes, for the state store."""
        return Fingerprint.of(body).to_bytes()

    def signature_of(self, article_id: str) -> bytes | None:
        """The stored fingerprint of an indexed article, so a caller persists it without recomputing."""
        entry = self._entries.get(article_id)
        return entry.fingerprint.to_bytes() if entry else None

    def check_and_add(self, article_id: str, body: str) -> str | None:
        """The id of the first-seen article that ``body`` repeats, or None; either way ``body`` is indexed.

        A copy is indexed under its own id but answers with its original's id, so a copy of the
        copy still names the first-seen article. Checking an id again (the article was edited)
        replaces its entry and never matches itself nor its own copies.
        """
        self._remove(article_id)
        fingerprint = Fingerprint.of(body)
        if fingerprint.size < MIN_SHINGLES:
            return None
        original = self._best_match(article_id, fingerprint)
        self._add(article_id, fingerprint, original or article_id)
        return original

    def load(self, entries: Iterable[tuple[str, bytes, str | None]]) -> None:
        """Index stored ``(id, signature, duplicate_of)`` rows without checking them, oldest first."""
        for article_id, signature, duplicate_of in entries:
            fingerprint = Fingerprint.from_bytes(signature)
            if fingerprint.size >= MIN_SHINGLES:
                self._add(article_id, fingerprint, duplicate_of or article_id)

    def _best_match(self, article_id: str, fingerprint: Fingerprint) -> str | None:
        """The original of the most contained candidate at or above the threshold."""
        best: tuple[float, int] | None = None
        original = None
        for key in self._lsh.query(fingerprint.minhash):
            entry = self._entries[key]
            if entry.original == article_id:
                continue
            score = (fingerprint.containment(entry.fingerprint), -entry.seq)
            if score[0] >= self.threshold and (best is None or score > best):
                best, original = score, entry.original
        return original

    def _add(self, article_id: str, fingerprint: Fingerprint, original: str) -> None:
        self._remove(article_id)
        self._inserted += 1
        self._lsh.insert(article_id, fingerprint.minhash, check_duplication=False)
        self._entries[article_id] = _Entry(fingerprint, original, self._inserted)
        while len(self._entries) > self.max_entries:
            oldest, _ = self._entries.popitem(last=False)
            self._lsh.remove(oldest)

    def _remove(self, article_id: str) -> None:
        if self._entries.pop(article_id, None) is not None:
            self._lsh.remove(article_id)


NEAR_DUPLICATE_MODES = ("drop", "mark", "off")


class NearDuplicatePipeline:
    """Marks each article that repeats an earlier one with ``duplicate_of``, or drops it (setting
    ``NEWSBOT_NEAR_DUPLICATES``: ``mark``, the default, keeps every story's copies in the output
    so no article is lost silently; ``drop`` exports only the first-seen; ``off`` disables this).

    With a crawl's state store, the index starts from the fingerprints earlier runs kept and
    keeps each new one, so a copy is recognised across runs too.
    """

    def __init__(
        self, stats: StatsCollector, mode: str, index: NearDuplicateIndex | None = None, state: CrawlState | None = None
    ) -> None:
        if mode not in NEAR_DUPLICATE_MODES:
            raise ValueError(f"NEWSBOT_NEAR_DUPLICATES must be one of {', '.join(NEAR_DUPLICATE_MODES)}; got {mode!r}")
        self.stats = stats
        self.mode = mode
        self.index = index or NearDuplicateIndex()
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NearDuplicatePipeline:
        mode = crawler.settings.get("NEWSBOT_NEAR_DUPLICATES", "mark")
        if mode == "off":
            raise NotConfigured("NEWSBOT_NEAR_DUPLICATES is off")
        # a bare Scrapy project without newsbot's state settings keeps the index for one run only
        state = CrawlState.of(crawler) if crawler.settings.get("NEWSBOT_STATE_DIR") else None
        return cls(crawler.stats, mode, state=state)

    def open_spider(self) -> None:
        if self.state is not None:
            self.state.open()
            if self.state.store is not None:
                self.index.load(self.state.store.fingerprints())

    def process_item(self, item: Any) -> Any:
        record = ItemAdapter(item)
        article_id = record.get("id") or record["url"]
        original = self.index.check_and_add(article_id, record.get("body") or "")
        if self.state is not None and self.state.store is not None:
            signature = self.index.signature_of(article_id)
            if signature is not None:
                self.state.store.save_fingerprint(article_id, signature, original, keep=self.index.max_entries)
        if original is not None:
            self.stats.inc_value("newsbot/near_duplicates")
            logger.debug("%s repeats %s", record["url"], original)
            if self.mode == "drop":
                raise drop_item(self.stats, "near_duplicate")
        record["duplicate_of"] = original
        return item
