"""Article metadata from structured data first (JSON-LD, meta tags), then visible text.

Reads the intact page, before hints and cleaning (stage 3); ``detect_language`` runs last, on the body.

Meta tags and JSON-LD, read once into the page bundle, give title, authors,
site name, tags and image; the slower visible-text searches (byline
XPaths, htmldate) run only when structured data has no answer. Structured
dates win because they keep the precision the page gives (a full timestamp
with its own time zone rather than a bare day).
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from typing import Any
from urllib.parse import urljoin

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json
from trafilatura.settings import Document

from ..urls import brand_label, site_of
from .clean import link_share
from .images import read_images
from .page import ParsedPage, jsonld_types
from .patterns import load_patterns

_SPACE = re.compile(r"\s+")
_AUTHOR_SPLIT = re.compile(
    r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b|\bve\b|\bog\b|\boch\b|\|)\s*", re.IGNORECASE
)
_HAS_DIGIT_RUN = re.compile(r"\d{2,}")
_SPACED_OFFSET = re.compile(r"(\d)\s+([+-]\d{2}:?\d{2})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")

PUBLISHED_META = ("article:published_time", "article:published:time", "og:article:published_time", "datepublished", "publishdate", "pubdate",
                  "dc.date.issued", "dcterms.created", "date", "sailthru.date", "parsely-pub-date", "publish-date")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")


@dataclass
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    dated: bool = False
    """The page states ``published`` itself (JSON-LD, meta tags, <time>); False for htmldate's guess
    from the visible text (a copyright year counts there), which is no sign of an article."""
    modified: str | None = None
    language_declared: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    sitename: str | None = None
    page_name: str | None = None
    """The title the meta tags agree on, the <h1> left out: a service page's name (its <h1> is a slogan)."""
    headlines: list[str] = field(default_factory=list)
    """Every source's headline (og, JSON-LD, h1 …): a copy of any of them in the body is the title again."""
    descriptions: list[str] = field(default_factory=list)
    """Teaser texts the page declares (og/meta/JSON-LD description): lead candidates."""
    types: set[str] = field(default_factory=set)
    """Declared page types (og:type, JSON-LD @type), lowercased."""
    publisher: str | None = None
    """The publisher's display name: og:site_name, else the JSON-LD publisher's name."""
    description: str | None = None
    """The page's own summary: meta description, else og, twitter or JSON-LD description."""
    section: str | None = None
    """article:section, else JSON-LD articleSection, else the last breadcrumb above the page."""
    images: list[dict[str, str | None]] = field(default_factory=list)
    """``{url, caption, credit}`` of every picture of the article (:func:`~.images.read_images`)."""


# A standfirst is a sentence or more, not a byline or a date line.
MIN_STANDFIRST_CHARS = 80
MAX_STANDFIRST_CHARS = 600
_LEAD_ENDS = (".", "!", "?", "…", "。", "\"", "”", "“", "»", "«")
_MEDIA_TAGS = ("img", "picture", "figure", "video", "iframe", "svg")


def _standfirst(page: ParsedPage, headline: str | None) -> str | None:
    """The text right below the headline's <h1> when it reads as a lead: a teaser the page
    shows, often other than the one its meta tags declare."""
    h1 = next((h for h in page.tree.iter("h1") if headline and _shown_text(h) == headline), None)
    for sibling in h1.itersiblings() if h1 is not None else ():
        if not isinstance(sibling.tag, str) or not (text := _clean(sibling.text_content())):
            continue
        lead_like = MIN_STANDFIRST_CHARS <= len(text) <= MAX_STANDFIRST_CHARS and text.endswith(_LEAD_ENDS)
        media = next(sibling.iter(*_MEDIA_TAGS), None) is not None  # a picture's caption, not a lead
        return text if lead_like and link_share(sibling) < 0.5 and not media else None
    return None


# A headline is at most this long; a longer "alternativeHeadline" is the standfirst.
MAX_HEADLINE_CHARS = 150


def _alternative_headline(ld: dict[str, Any]) -> list[str]:
    """JSON-LD's alternativeHeadline when it reads as a headline (some sites put the lead there)."""
    text = _clean(ld.get("alternativeHeadline"))
    return [text] if text and len(text) <= MAX_HEADLINE_CHARS and not text.endswith(".") else []


def _clean(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    text = _SPACE.sub(" ", text).strip()
    return text or None


def normalize_date(value: Any) -> str | None:
    """ISO 8601 as precise as given; a time zone only when the value carries one."""
    text = _clean(value)
    if not text:
        return None
    text = _SPACED_OFFSET.sub(r"\1\2", text)  # "2024-04-30 16:38:37 +02:00"
    text = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    if not _ISO_DATE.match(text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    if len(text) == 10:
        return parsed.date().isoformat()
    return parsed.isoformat()


def best_date(values: list[Any]) -> str | None:
    """The first date the sources give (in order of trust), but with its time zone when a later
    source gives the same day with one: a zoneless JSON-LD timestamp beside a zoned meta tag."""
    dates = [d for d in map(normalize_date, values) if d]
    if not dates:
        return None
    first = dates[0]
    if _has_zone(first):
        return first
    return next((d for d in dates[1:] if _has_zone(d) and d[:10] == first[:10]), first)


def _has_zone(value: str) -> bool:
    return len(value) > 10 and (value.endswith("Z") or value[-6] in "+-")


def utc_time(value: str | None) -> str | None:
    """An ISO 8601 time as UTC (``2024-04-19T10:00:00Z``); None for a bare day or a time with no zone,
    which name no instant."""
    if not value or not _has_zone(value):
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _names(value: Any) -> list[str]:
    """Person names from a JSON-LD author value (string, object or list); organizations skipped."""
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    if isinstance(value, dict):
        types = value.get("@type")
        if isinstance(types, str) and types.casefold() == "organization":
            return []
        return _names(value.get("name"))
    text = _clean(value)
    return [text] if text else []


def _byline_prefix() -> re.Pattern[str]:
    prefixes = {p for ps in load_patterns("bylines")["prefixes"].values() for p in ps}
    return re.compile(rf"^(?:{'|'.join(map(re.escape, sorted(prefixes, key=len, reverse=True)))})\s*[:：]?\s+", re.IGNORECASE)


_BYLINE_PREFIX = _byline_prefix()
# "Jane Doe (jd)" initials, "신현주 기자" (reporter), "山田太郎 記者"
_NAME_SUFFIX = re.compile(r"\s*(?:\([^()]{1,6}\)|기자|記者|特派員|특파원)$")
# "mdr.de", "ORF.at/Agenturen", "(www.dw.com)": a host, not a person
_DOMAIN = re.compile(r"[a-z0-9-]{2,}\.[a-z]{2,6}\b", re.IGNORECASE)
# "(Image: Getty Images)", "Photo: …": picture credits that sit in author slots
_PICTURE_CREDIT = re.compile(r"^\(?\s*(?:image|images|photo|photos|foto|bild|picture|getty)\b", re.IGNORECASE)
# A breadcrumb trail's separators ("Home » Services", "News › Politics"): a navigation line, never a person.
_TRAIL = re.compile(r"[»›→]|\s>\s")


_NOT_WORD = re.compile(r"[\W_]+")


def _name_key(name: str) -> str:
    """A name as compared, case, spaces and punctuation aside: "sophie-foster" and "Sophie Foster"
    are one person, "SoundStage! Xperience" and soundstagexperience.com one site."""
    return _NOT_WORD.sub("", name.casefold())


def clean_authors(raw: list[str], sitename: str | None, site: str | None = None) -> list[str]:
    """People only: no site name or host, no "By", no dates, URLs or picture credits, each person once."""
    outlet = {_name_key(n) for n in (sitename, site) if n}
    brand = _name_key(brand_label(site) or "")
    result: dict[str, str] = {}
    for entry in raw:
        entry = _BYLINE_PREFIX.sub("", entry.strip())
        if _PICTURE_CREDIT.match(entry) or _TRAIL.search(entry):
            continue
        for name in _AUTHOR_SPLIT.split(entry):
            name = _NAME_SUFFIX.sub("", name.strip(" .,:;-–—|")).strip()
            key = _name_key(name)
            if (
                len(name) < 3
                or len(name) > 60
                or _HAS_DIGIT_RUN.search(name)
                or "http" in name.casefold()
                or "@" in name
                or _DOMAIN.search(name)
                or key in outlet
                or (len(brand) >= 3 and (key.startswith(brand) or key.endswith(brand)))
            ):
                continue
            if key not in result or (result[key].islower() and not name.islower()):
                result[key] = name  # a proper "Sophie Foster" beats the URL slug "sophie-foster"
    return list(result.values())


def _language_code(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower())[0]
    return code if len(code) == 2 and code.isalpha() else None


AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author", "byl")
# Visible bylines: schema.org microdata and rel=author links, then the class names sites use.
_BYLINE_XPATH = etree.XPath(
    "(//*[@itemprop='author']//*[@itemprop='name'] | //a[@rel='author'] | //*[@itemprop='author'][not(.//*[@itemprop='name'])]"
    " | //*[contains(@class, 'byline') or contains(@class, 'author-name') or contains(@class, 'author__name')"
    " or contains(@class, 'article-author')])[position() <= 4]"
)
# Byline elements longer than this hold bios or whole teasers, not names.
MAX_BYLINE_CHARS = 120


def _visible_bylines(page: ParsedPage) -> list[str]:
    texts = (_clean(el.text_content()) for el in _BYLINE_XPATH(page.tree) if isinstance(el.tag, str))
    return [t for t in texts if t and len(t) <= MAX_BYLINE_CHARS]


# The attributes trafilatura's author XPaths test, and every word they look for in them (case aside).
_CREDIT_ATTRIBUTES = etree.XPath("//@class|//@id|//@rel|//@itemprop|//@data-testid|//@data-component")
_CREDIT_HINT = re.compile(
    "author|byl|bbl|username|screenname|writer|zuozhe|bianji|xiaobian|channel-name|submitted-by|posted-by|journalist-name"
)


def _may_credit(tree: HtmlElement) -> bool:
    """Whether any element could match trafilatura's author XPaths: most pages have no byline markup,
    and its search copies the whole tree, then tests class and id against regular expressions one
    element at a time. (This test is looser than those XPaths, never stricter.)"""
    if tree.find(".//author") is not None or tree.find(".//rel") is not None:
        return True
    values = _CREDIT_ATTRIBUTES(tree)
    return isinstance(values, list) and _CREDIT_HINT.search(" ".join(map(str, values)).lower()) is not None


def _credited(page: ParsedPage) -> list[str]:
    """Whoever trafilatura finds credited when newsbot finds no person: its meta-tag and JSON-LD authors
    (an organization too: a page that names no person is credited to its outlet) and its visible-byline
    XPaths, in trafilatura's order."""
    found = examine_meta(page.tree).author
    try:
        found = extract_meta_json(page.tree, Document(author=found if found and " " in found else None)).author
    except (RecursionError, AttributeError, TypeError, ValueError):
        # (a fallback, not our parser: trafilatura reads JSON-LD with no depth limit and expects objects where
        # pages put lists; page.py reads JSON-LD safely, so such a page just has no author from here)
        found = found if found and " " in found else None
    if not found and _may_credit(page.tree):
        found = extract_author(page.tree)
    return [name for name in (found or "").split(";") if name.strip()]


def _ld_text(value: Any) -> str | None:
    """A JSON-LD string, or the name of a JSON-LD object (publisher, section …)."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return _clean(html.unescape(value)) if isinstance(value, str) else None


def _ld_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in (_ld_text(v) for v in items) if t]


def _declared_headline(ld: dict[str, Any], og_title: str | None) -> Any:
    """The JSON-LD headline, unless a blog engine copied the SEO title into it.

    SEO plugins fill a BlogPosting's headline with the og:title: one more copy of the SEO
    field, which then outvoted the <h1> the post shows. A news CMS's NewsArticle headline
    is the newsroom's own, whatever it equals."""
    headline = ld.get("headline")
    if isinstance(headline, str) and og_title and "blogposting" in jsonld_types(ld):
        if _clean(html.unescape(headline)) == _clean(html.unescape(og_title)):
            return None
    return headline


def _text_date(page: ParsedPage) -> str | None:
    """htmldate's search of the page's markup and text, for a page that declares no date.

    Its last resorts, a copyright line's year or any bare year, come back as 1 January of that
    year: a year dates no article (on the tune halves every such date was wrong, 104 of 104)."""
    found = normalize_date(find_date(page.tree, url=page.url, extensive_search=True, original_date=True))
    return None if found is not None and found[4:10] == "-01-01" else found


def page_title_candidates(page: ParsedPage, sitename: str | None) -> dict[str, str]:
    """The page's title sources (og, JSON-LD, twitter, <title>, <h1>), each as ``title_candidates`` reads it."""
    ld = page.jsonld_article or {}
    title_el = page.tree.find(".//title")
    og_title = page.first_meta("og:title")
    sources = {
        "og": og_title,
        "jsonld": _declared_headline(ld, og_title),
        "twitter": page.first_meta("twitter:title"),
        "title": title_el.text_content() if title_el is not None else None,
    }
    return title_candidates(page, sources, sitename, _ld_text(ld.get("publisher")))


def read_metadata(page: ParsedPage) -> Metadata:
    """Everything but the body: structured data first, visible-text searches as fallback."""
    ld = page.jsonld_article or {}
    meta = Metadata()
    meta.sitename = _clean(page.first_meta("og:site_name", "application-name")) or _ld_text(ld.get("publisher"))
    candidates = page_title_candidates(page, meta.sitename)
    meta.title = vote_title(candidates)
    meta.page_name = vote_title({name: text for name, text in candidates.items() if name != "h1"}) or meta.title
    meta.headlines = list(dict.fromkeys([*candidates.values(), *_alternative_headline(ld)]))
    meta_authors = [a for key in AUTHOR_META for a in page.meta.get(key, []) if not a.startswith("http")]
    meta.authors = clean_authors(
        _names(ld.get("author")) or meta_authors or _visible_bylines(page), meta.sitename, site_of(page.url)
    ) or clean_authors(_credited(page), None)
    meta.published = best_date(
        [ld.get("datePublished"), *(page.first_meta(key) for key in PUBLISHED_META), _first_time(page)]
    )
    meta.dated = meta.published is not None
    meta.published = meta.published or _text_date(page)
    meta.modified = best_date([ld.get("dateModified"), *(page.first_meta(key) for key in MODIFIED_META)])
    meta.language_declared = _language_code(page.tree.get("lang")) or _language_code(
        page.first_meta("content-language", "og:locale", "language")
    )
    keywords = page.meta.get("keywords", []) + page.meta.get("news_keywords", []) + page.meta.get("article:tag", [])
    keywords += _ld_list(ld.get("keywords")) + page.meta.get("article:section", []) + _ld_list(ld.get("articleSection"))
    meta.tags = list(dict.fromkeys(t for raw in keywords for t in _split_tags(raw)))
    image = page.first_meta("og:image", "twitter:image", "og:image:url") or _ld_text(ld.get("image"))
    if image is None and isinstance(ld.get("image"), dict):
        image = _clean(ld["image"].get("url"))
    meta.image = urljoin(page.url, image) if image and page.url.startswith("http") else image
    meta.descriptions = [
        d
        for d in dict.fromkeys(
            _clean(x)
            for x in (
                page.first_meta("og:description"),
                page.first_meta("description"),
                page.first_meta("twitter:description"),
                _ld_text(ld.get("description")),
                _standfirst(page, candidates.get("h1")),  # last: what the page shows under the headline
            )
        )
        if d
    ]
    meta.publisher = _clean(page.first_meta("og:site_name")) or _ld_text(ld.get("publisher"))
    meta.description = next(
        (d for d in (_clean(page.first_meta(key)) for key in ("description", "og:description", "twitter:description")) if d),
        None,
    ) or _ld_text(ld.get("description"))
    meta.section = (
        _clean(page.first_meta("article:section")) or next(iter(_ld_list(ld.get("articleSection"))), None)
        or _breadcrumb_section(page, meta.title)
    )  # fmt: skip
    meta.images = read_images(page)
    og_type = page.first_meta("og:type")
    meta.types = {og_type.casefold()} if og_type else set()
    if page.jsonld_article is not None:
        meta.types.add("article")
    return meta


_TITLE_SEPARATORS = re.compile(r"\s+[|–—·•»:/-]\s+|\s*(?:::|\||｜|ㅣ|：|--)\s*|(?<=\S)-(?=\S*$)")
_TOKEN = re.compile(r"\w+")
# A colon, ASCII or full-width, follows a kicker or label ("Kicker: Headline" is one headline).
_COLONS = (":", "：")
_LETTER = re.compile(r"[^\W\d_]")
# A part this short between the headline and a trailing site name is a section name.
SECTION_NAME_CHARS = 15
# Below this share of shared words an <h1> is not the headline the meta titles name.
MIN_TITLE_OVERLAP = 0.3
# Votes per title source. og:title, twitter:title and <title> are mostly generated from one SEO
# field, so together they vote once, with the weight of the heaviest of them; the JSON-LD
# headline and the <h1> are the article's own headline, declared and shown.
TITLE_SOURCE_WEIGHT = {"og": 2.0, "jsonld": 2.0, "h1": 2.0, "twitter": 0.5, "title": 1.0}
# Tie-break between titles with equal votes: on a page that declares a JSON-LD headline (a news
# CMS, where the og:title is as often the headline datasets keep as the <h1>: Fundus), the
# declared sources first; on any other page the headline it shows.
TITLE_SOURCE_ORDER = ("og", "jsonld", "h1", "twitter", "title")
SHOWN_TITLE_ORDER = ("h1", "og", "jsonld", "twitter", "title")
_META_TITLES = ("og", "twitter", "title")
# One headline spelled with curly quotes in one source and straight ones in another is one vote.
_TYPOGRAPHIC_QUOTES = str.maketrans("‘’‚“”„", "'''\"\"\"")


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.casefold()))


def _overlap(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _name_keys(names: Iterable[str | None]) -> set[str]:
    return {key for n in names if n and (key := _name_key(n))}


def _names_site(part: str, names: set[str]) -> bool:
    key = _name_key(part)
    initials = "".join(w[0] for w in _TOKEN.findall(part.casefold()) if w[0].isalpha())
    return bool(key) and any(key == n or (len(n) >= 4 and (n in key or key in n)) or (len(initials) >= 3 and initials == n) for n in names)


def strip_site_name(title: str, sitename: str | None, host_label: str | None = None, *others: str | None) -> str:
    """"Headline - Site" / "Site | Headline" -> "Headline": drop the parts that name the site.

    The site's names are its declared name, the host's brand label and any
    other name the page gives it (the JSON-LD publisher). Trailing dates, and
    a short section name right before a trailing site name
    ("Headline-Politics | Site"), go too.

    >>> strip_site_name("Steigende US-Zinsen setzen Dax zu | Börsen-Zeitung", "Börsen-Zeitung")
    'Steigende US-Zinsen setzen Dax zu'
    """
    names = _name_keys((sitename, host_label, *others))
    bounds = [0, *(i for m in _TITLE_SEPARATORS.finditer(title) for i in m.span()), len(title)]
    parts = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    site_seen = False
    while len(parts) > 1:
        text = title[slice(*parts[-1])]
        if _names_site(text, names) or not _LETTER.search(text):
            site_seen = site_seen or bool(_LETTER.search(text))
        elif not (site_seen and len(text) <= SECTION_NAME_CHARS):
            break
        parts.pop()
    while len(parts) > 1 and _names_site(title[slice(*parts[0])], names):
        parts.pop(0)
    return title[parts[0][0] : parts[-1][1]].strip()


def _affix_rest(text: str, affix: str) -> str | None:
    """The rest of ``text`` when it is ``affix``, a title separator and more ("Headline | Site"), or more, a
    separator other than a colon and ``affix`` ("Section - Headline"; "Kicker: Headline" is a headline); else None.

    >>> _affix_rest("Storm closes the port | Harbour News", "Storm closes the port")
    'Harbour News'
    """
    rest = ""
    if text.startswith(affix):
        gap = text[len(affix) :]
        if (m := _TITLE_SEPARATORS.match(gap)) and m.end() < len(gap):
            rest = gap[m.end() :]
    elif text.endswith(affix):
        gap = text[: -len(affix)]
        m = next((m for m in _TITLE_SEPARATORS.finditer(gap) if m.end() == len(gap) and m.start() > 0), None)
        rest = gap[: m.start()] if m and not any(colon in m.group() for colon in _COLONS) else ""
    return rest.strip() or None


# A Markdown heading marker a CMS copied into the meta title ("## Headline").
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")
# A label before a colon ("Blog: ", "Opinion: ", "Exclusive: ") has at most this many words.
MAX_LABEL_WORDS = 2


def _label_colon(prefix: str) -> bool:
    """Whether ``prefix`` is a short label and a colon ("Blog: "): shown before the headline the meta titles give."""
    prefix = prefix.rstrip()
    return prefix.endswith(_COLONS) and 0 < len(_TOKEN.findall(prefix)) <= MAX_LABEL_WORDS


def _shown_text(element: HtmlElement) -> str | None:
    """An element's text as a reader sees it: a line break is a space, and soft hyphens, a permalink
    anchor ("¶", "#"), a post's date (a blog theme's <time> inside the <h1>), a control ("Copy item
    path") and styles and scripts are no headline text.
    Works on a copy: metadata reads the tree before cleaning, and leaves it whole."""
    element = copy.deepcopy(element)
    for node in list(element.iter("a", "br", "time", "button", "style", "script", "template")):
        if node.tag == "br":
            node.tail = " " + (node.tail or "")
        if node.tag != "a" or not _TOKEN.search(node.text_content()):
            node.drop_tree()  # keeps the tail
    return _clean(html.unescape(element.text_content()).replace("\xad", ""))  # soft hyphens are not shown


def title_candidates(page: ParsedPage, sources: dict[str, Any], sitename: str | None, publisher: str | None = None) -> dict[str, str]:
    """Each title source's headline, site names stripped: og, twitter, JSON-LD, <title> and the
    visible <h1> that best matches them.

    A meta title that is the <h1> plus a separator plus more is the <h1> with
    the site's name attached ("Headline | The Daily Example"), and an <h1> that
    is a section or kicker, a separator and a meta title is that title; an <h1> that
    ends a meta title after a separator, and that no source gives as the
    whole title, is the site's name.
    """
    host = brand_label(site_of(page.url))
    raw = {n: t for n, v in sources.items() if (t := _clean(_MARKDOWN_HEADING.sub("", html.unescape(v))) if isinstance(v, str) else None)}
    names = _name_keys((sitename, publisher, host))
    h1s = [
        t
        for t in (_shown_text(h) for h in page.tree.iter("h1"))
        if t and len(t) >= 5 and not _names_site(t, names)
    ]
    site_h1s = {
        h
        for h in h1s
        if h not in raw.values() and any(_affix_rest(raw.get(n, ""), h) and not raw[n].startswith(h) for n in _META_TITLES)
    }
    h1s = [h for h in h1s if h not in site_h1s]
    stripped = {
        name: strip_site_name(text, sitename, host, publisher, *site_h1s) if name in _META_TITLES else text
        for name, text in raw.items()
    }
    cleaned = {name: text for name, text in stripped.items() if text}  # ("| Site": no headline at all)
    metas = [t for n, t in cleaned.items() if n != "title"] or list(cleaned.values())
    if h1s:
        score, _, best = max((max((_overlap(h, m) for m in metas), default=0.0), -i, h) for i, h in enumerate(h1s))
        if score >= MIN_TITLE_OVERLAP or (len(h1s) == 1 and score > 0) or not metas:
            cleaned["h1"] = best
            for name in _META_TITLES:
                if name in raw and _affix_rest(raw[name], best):
                    cleaned[name] = best
            kicked = [t for n, t in cleaned.items() if n != "h1" and best.endswith(t) and (_affix_rest(best, t) or _label_colon(best[: -len(t)]))]
            if kicked:
                cleaned["h1"] = kicked[0]  # "Section - Headline" / "Kicker: Headline" shown over the declared headline
    return cleaned


def _uncapitalized(candidates: dict[str, str]) -> dict[str, str]:
    """An all-capitals title that another source spells in mixed case takes that spelling: the capitals
    are the <h1>'s styling ("WEEKEND CODING AGENT"), and one headline in two spellings is one vote."""
    written = {t.casefold(): t for t in candidates.values() if not t.isupper()}
    return {name: written.get(t.casefold(), t) if t.isupper() else t for name, t in candidates.items()}


def vote_title(candidates: dict[str, str]) -> str | None:
    """The headline the title sources agree on, each source weighted (TITLE_SOURCE_WEIGHT).

    Meta titles often carry the site name, and sites show an SEO variant in
    one place and the headline in another; the value with the most votes, site
    names stripped, is the one datasets call the title (curly and straight
    quotes voting as one, spelled as most of its votes spell it). The meta
    titles are one SEO field copied, so an SEO variant that all three repeat
    does not outvote the <h1> the page shows.
    """
    order = TITLE_SOURCE_ORDER if "jsonld" in candidates else SHOWN_TITLE_ORDER
    candidates = _uncapitalized(candidates)
    votes: dict[str, list[str]] = {}
    for name in sorted(candidates, key=order.index):
        votes.setdefault(candidates[name].translate(_TYPOGRAPHIC_QUOTES), []).append(name)
    if not votes:
        return None

    def weight(names: list[str]) -> float:
        seo = [TITLE_SOURCE_WEIGHT[n] for n in names if n in _META_TITLES]
        return sum(TITLE_SOURCE_WEIGHT[n] for n in names if n not in _META_TITLES) + max(seo, default=0.0)

    best = max(votes.values(), key=lambda names: (weight(names), -order.index(names[0])))
    spellings: dict[str, float] = {}
    for name in best:
        spellings[candidates[name]] = spellings.get(candidates[name], 0.0) + TITLE_SOURCE_WEIGHT[name]
    return max(spellings, key=spellings.__getitem__)  # ties: the most trusted source's spelling (first inserted)


def _breadcrumb_section(page: ParsedPage, title: str | None) -> str | None:
    """The last entry of the page's JSON-LD BreadcrumbList above the page itself (not its home entry)."""
    trail = next((obj for obj in page.jsonld if "breadcrumblist" in jsonld_types(obj)), None)
    items = trail.get("itemListElement") if trail else None
    if not isinstance(items, list):
        return None
    entries = sorted((item for item in items if isinstance(item, dict)), key=lambda item: str(item.get("position", "")).zfill(4))
    names = []
    for item in entries[1:]:
        target = item.get("item")
        url = target.get("@id") or target.get("url") if isinstance(target, dict) else target
        name = _ld_text(item) or _ld_text(target)
        if name and name != title and not (isinstance(url, str) and urljoin(page.url, url) == page.url):
            names.append(name)
    return names[-1] if names else None


def _split_tags(raw: str) -> list[str]:
    """Keyword meta tags pack several tags into one string."""
    return [t for t in (_clean(part) for part in re.split(r"[,;]", raw)) if t]


def _first_time(page: ParsedPage) -> str | None:
    for el in page.tree.iter("time"):
        value = el.get("datetime")
        if value:
            return value
    return None


# py3langid is as sure on a thousand characters as on the whole story, and cost grows with length.
LANGUAGE_SAMPLE_CHARS = 1000


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid limited to its two-letter labels: the record's field is ISO 639-1, and 26 of its
    140 labels (wuu, yue, zxx …) are not. Chosen over lingua on the checked Fundus labels
    (benchmarks/language_detectors.py): as accurate, several times faster, loads in under a second."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages([code for code in identifier.labels if len(code) == 2])
    return identifier


def detect_language(text: str, declared: str | None) -> str | None:
    """The body's language by py3langid; the page's declaration when there is too little text."""
    if len(text) < 200:
        return declared
    code, _ = _identifier().classify(text[:LANGUAGE_SAMPLE_CHARS])
    return code
