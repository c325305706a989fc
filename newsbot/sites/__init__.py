"""Sites as data: one TOML file per site in this folder, validated on load.

A site file, every field shown (only ``name``, ``domains``, ``language`` and one start point are required)::

    name = "news-example"             # = the file's stem; becomes the record's ``source``
    domains = ["news.example", "news.example.org"]  # hosts without "www."; a subdomain is another site
    language = "en"                   # the edition's language, for people and reports

    [start]                           # at least one start point; feed and sitemap URLs carry a
    feeds = ["https://feeds.news-cdn.example/latest.rss"]  # comment naming who confirms them; may be elsewhere
    sitemaps = ["https://news.example/news-sitemap.xml"]   # sitemaps, sitemap indexes, news sitemaps alike
    sections = ["https://news.example/world/"]             # listing pages, on the site's own domains
    max_depth = 1                     # follow a section's next pages this many levels (default setting
                                      # NEWSBOT_SECTION_DEPTH)

    [articles]                        # Python regexes searched in the normalized URL's path (+ "?query")
    allow = ['^/[a-z]+/\\d{4}/\\d{2}/\\d{2}/[^/]+$']  # article URLs; none: generic heuristics guess
    deny = ['/live/']                 # never articles, even when allow matches

    [extraction]                      # CSS selectors (cssselect; ``:contains('text')`` works), carried
    content_root = ["article"]        # for the core: the first that matches is the article's container
    drop = ["aside.related"]          # boilerplate the generic rules miss
    drop_text = ['^join our reader panel$']  # regexes (case-insensitive) of the site's own boilerplate
                                      # wording: a short block whose text one finds goes

    [politeness]                      # per host, as Scrapy DOWNLOAD_SLOTS (settings.py reads them)
    download_delay = 1.0              # fixed seconds between requests (AutoThrottle leaves it alone)
    concurrency = 1                   # parallel requests to this site

A broken file fails loudly: :class:`SiteConfigError` names the file and the field.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import SelectorError

from ..hints import Hints, css_to_xpath
from ..urls import pattern_target, site_of

SITES_DIR = Path(__file__).parent
SITES_DIR_VARIABLE = "NEWSBOT_SITES_DIR"
"""The environment variable (and Scrapy setting) naming another folder of site files."""
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A host as site_of returns it: lowercase labels, no scheme, port or leading "www.".
HOST = re.compile(r"^(?!www\.)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
# ISO 639 primary subtag plus optional BCP 47 subtags ("kk", "pt-BR", "zh-Hant").
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# What ``newsbot crawl --site`` and ``scrapy crawl news -a site=`` take to mean every site.
ALL = "all"


class SiteConfigError(ValueError):
    """A site file that cannot be used; the message starts with the file and the field."""


@dataclass(frozen=True)
class SiteConfig:
    """One site: where to start, which URLs are articles, how gently to crawl it."""

    name: str
    domains: tuple[str, ...]
    language: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    allow: tuple[re.Pattern[str], ...] = ()
    deny: tuple[re.Pattern[str], ...] = ()
    hints: Hints = field(default_factory=Hints)
    download_delay: float | None = None
    concurrency: int | None = None
    max_depth: int | None = None
    path: Path | None = None

    @property
    def start_points(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.sections

    def owns(self, url: str) -> bool:
        """Is ``url`` on one of the site's domains (``www.`` or not, any scheme)?"""
        return site_of(url) in self.domains

    def is_article_url(self, url: str) -> bool | None:
        """False when a deny pattern matches, else whether an allow pattern does; None when there are no allow patterns.

        None leaves the call to the generic heuristics (``newsbot.discovery``).
        """
        target = pattern_target(url)
        if any(pattern.search(target) for pattern in self.deny):
            return False
        if not self.allow:
            return None
        return any(pattern.search(target) for pattern in self.allow)


# ---- validation: each reader returns the clean value or raises with the field's dotted name


def _fail(where: str, problem: str) -> SiteConfigError:
    return SiteConfigError(f"{where}: {problem}")


def _str(value: Any, where: str, pattern: re.Pattern[str] | None = None, what: str = "") -> str:
    if not isinstance(value, str) or not value:
        raise _fail(where, f"expected a non-empty string, got {value!r}")
    if pattern is not None and not pattern.match(value):
        raise _fail(where, f"{value!r} is not {what}")
    return value


def _list(value: Any, where: str, item: Callable[[Any, str], Any]) -> tuple[Any, ...]:
    if not isinstance(value, list):
        raise _fail(where, f"expected a list, got {value!r}")
    return tuple(item(v, f"{where}[{i}]") for i, v in enumerate(value))


def _url(value: Any, where: str) -> str:
    url = _str(value, where)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _fail(where, f"{url!r} is not an http(s) URL")
    return url


def _regex(value: Any, where: str) -> re.Pattern[str]:
    text = _str(value, where)
    try:
        return re.compile(text)
    except re.error as err:
        raise _fail(where, f"bad regex {text!r}: {err}") from None


@lru_cache(maxsize=256)
def _css(value: Any, where: str) -> str:
    text = _str(value, where)
    try:
        css_to_xpath(text)
    except SelectorError as err:
        raise _fail(where, f"bad CSS selector {text!r}: {err}") from None
    return text


def _number(value: Any, where: str, kind: type, minimum: float) -> Any:
    # bool is an int in Python; "download_delay = true" is still a mistake.
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        raise _fail(where, f"expected {'a number' if kind is float else 'an integer'}, got {value!r}")
    if value < minimum:
        raise _fail(where, f"must be at least {minimum}, got {value!r}")
    return kind(value)


def _table(data: Mapping[str, Any], key: str, where: str, allowed: Iterable[str]) -> dict[str, Any]:
    """A sub-table (empty when absent) whose keys are all known: a typo is an error, not a silent default."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _fail(f"{where}{key}", f"expected a table, got {value!r}")
    _known(value, f"{where}{key}.", allowed)
    return value


def _known(data: Mapping[str, Any], prefix: str, allowed: Iterable[str]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise _fail(f"{prefix}{unknown[0]}", f"unknown field (known: {', '.join(sorted(allowed))})")


TOP_FIELDS = ("name", "domains", "language", "start", "articles", "extraction", "politeness")


def parse_site(data: Mapping[str, Any], path: Path) -> SiteConfig:
    """A validated :class:`SiteConfig` from a parsed TOML table; ``path`` names the file in errors."""
    where = f"{path}: "
    _known(data, where, TOP_FIELDS)
    for required in ("name", "domains", "language"):
        if required not in data:
            raise _fail(f"{where}{required}", "missing")
    name = _str(data["name"], f"{where}name", NAME, "a lowercase name of letters, digits and dashes")
    if name != path.stem:
        raise _fail(f"{where}name", f"{name!r} must equal the file name {path.stem!r}")
    domains = _list(data["domains"], f"{where}domains",
                    lambda v, w: _str(v, w, HOST, "a lowercase host name without scheme or 'www.'"))  # fmt: skip
    if not domains:
        raise _fail(f"{where}domains", "needs at least one domain")
    language = _str(data["language"], f"{where}language", LANGUAGE, "a language code such as 'en' or 'kk'")

    start = _table(data, "start", where, ("feeds", "sitemaps", "sections", "max_depth"))
    feeds = _list(start.get("feeds", []), f"{where}start.feeds", _url)
    sitemaps = _list(start.get("sitemaps", []), f"{where}start.sitemaps", _url)
    sections = _list(start.get("sections", []), f"{where}start.sections", _url)
    for i, url in enumerate(sections):
        if site_of(url) not in domains:
            raise _fail(f"{where}start.sections[{i}]", f"{url!r} is not on the site's domains {list(domains)}")
    if not feeds + sitemaps + sections:
        raise _fail(f"{where}start", "needs at least one feed, sitemap or section URL")

    articles = _table(data, "articles", where, ("allow", "deny"))
    extraction = _table(data, "extraction", where, ("content_root", "drop", "drop_text"))
    politeness = _table(data, "politeness", where, ("download_delay", "concurrency"))
    delay, concurrency, depth = politeness.get("download_delay"), politeness.get("concurrency"), start.get("max_depth")
    return SiteConfig(
        name=name,
        domains=domains,
        language=language,
        feeds=feeds,
        sitemaps=sitemaps,
        sections=sections,
        allow=_list(articles.get("allow", []), f"{where}articles.allow", _regex),
        deny=_list(articles.get("deny", []), f"{where}articles.deny", _regex),
        hints=Hints(
            content_root=_list(extraction.get("content_root", []), f"{where}extraction.content_root", _css),
            drop=_list(extraction.get("drop", []), f"{where}extraction.drop", _css),
            drop_text=_list(extraction.get("drop_text", []), f"{where}extraction.drop_text", lambda v, w: _regex(v, w).pattern),
        ),
        download_delay=None if delay is None else _number(delay, f"{where}politeness.download_delay", float, 0),
        concurrency=None if concurrency is None else _number(concurrency, f"{where}politeness.concurrency", int, 1),
        max_depth=None if depth is None else _number(depth, f"{where}start.max_depth", int, 0),
        path=path,
    )


def load_site(path: Path) -> SiteConfig:
    """Read and validate one site file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise SiteConfigError(f"{path}: cannot read: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise SiteConfigError(f"{path}: not valid TOML: {err}") from None
    return parse_site(data, path)


def load_sites(directory: Path = SITES_DIR) -> dict[str, SiteConfig]:
    """Every ``*.toml`` site in ``directory`` by name; a domain claimed by two sites is an error."""
    if not directory.is_dir():  # a typo in the folder's name is not "no sites"
        raise SiteConfigError(f"{directory}: not a folder of site files")
    sites: dict[str, SiteConfig] = {}
    owner: dict[str, str] = {}
    for path in sorted(directory.glob("*.toml")):
        site = load_site(path)
        for domain in site.domains:
            if domain in owner:
                raise SiteConfigError(f"{path}: domains: {domain!r} already belongs to site {owner[domain]!r}")
            owner[domain] = site.name
        sites[site.name] = site
    return sites


@lru_cache(maxsize=1)
def shipped_sites() -> dict[str, SiteConfig]:
    """The sites in this package, read once per process."""
    return load_sites(SITES_DIR)


def sites_dir() -> str:
    """The folder of site files when none is named: ``$NEWSBOT_SITES_DIR``, else the package's own."""
    return os.environ.get(SITES_DIR_VARIABLE) or str(SITES_DIR)


def sites_in(directory: str | Path | None = None) -> dict[str, SiteConfig]:
    """The sites a crawl chooses from: ``directory`` (setting ``NEWSBOT_SITES_DIR``), else the shipped ones.

    Another folder lets tests and new site files be tried without touching the package.
    """
    if directory is None or Path(directory).resolve() == SITES_DIR.resolve():
        return shipped_sites()
    return load_sites(Path(directory))


def select_sites(names: str | None, known: Mapping[str, SiteConfig]) -> list[SiteConfig]:
    """``all``, one name or a comma-separated list; KeyError names the unknown site and the known ones."""
    if not names:
        return []
    if names == ALL:
        return list(known.values())
    chosen = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        if name not in known:
            raise KeyError(f"unknown site {name!r}; known sites: {', '.join(sorted(known)) or 'none'}")
        chosen.append(known[name])
    return chosen


def site_for_url(url: str, sites: Iterable[SiteConfig]) -> SiteConfig | None:
    """The site whose domains hold ``url``'s host, if any."""
    return next((site for site in sites if site.owns(url)), None)


def download_slots(sites: Iterable[SiteConfig]) -> dict[str, dict[str, Any]]:
    """Scrapy ``DOWNLOAD_SLOTS`` for the sites' politeness overrides, keyed by host as Scrapy keys slots.

    Both the bare and the ``www.`` host get the entry: a site is served under either.
    """
    slots: dict[str, dict[str, Any]] = {}
    for site in sites:
        slot: dict[str, Any] = {}
        if site.download_delay is not None:
            slot["delay"] = site.download_delay
        if site.concurrency is not None:
            slot["concurrency"] = site.concurrency
        if slot:
            for domain in site.domains:
                slots[domain] = slots[f"www.{domain}"] = slot
    return slots
