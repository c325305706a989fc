"""The extraction cascade: decode, parse once, clean, main text, metadata, record.

The stages and their order are mapped in docs/architecture.md ("Extraction stages")."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document

from .. import __version__
from ..hints import Hints
from ..urls import is_home_page, site_of, url_id
from .blocks import LinkTexts, body_blocks, drop_author_bios, drop_kickers, drop_noise, drop_pull_quotes, place_lead, site_names
from .clean import Removal, clean_tree, count_shown, fold
from .decode import decode_html
from .hints import apply_hints
from .hydration import HiddenStory
from .metadata import Metadata, detect_language, read_metadata, utc_time
from .page import ExtractionError, ParsedPage, parse_fragment, parse_html
from .record import Article, Block, content_hash, word_count
from .restore import cut_sidebar_tail, restore_structure
from .structure import STORY_PARAGRAPH_CHARS, divs_to_paragraphs, split_double_breaks, unwrap_layout_tables, wrap_loose_text
from .templates import Lesson, TemplateBlock, Templates, TemplateStore, remove_template_blocks, template_blocks
from .verdict import article_verdict, page_signals


def _canonical(page: ParsedPage, site: str | None) -> str | None:
    """The canonical link, kept only when it is on the page's own site and not a home page."""
    href = page.canonical
    if not href or not href.startswith(("http://", "https://")):
        return None
    if site is not None and site_of(href) != site:
        return None
    return None if is_home_page(href) else href


# At most this many blocks from the first main-text pass means it dumped the whole page or found nothing …
FEW_BLOCKS = 2
# … and a short result holding less than this share of the page's paragraph text means it
# stopped early. (A long result may rightly skip a second story appended below the first.)
SHORT_RESULT_CHARS = 1500
MIN_PARAGRAPH_SHARE = 0.5


def _chars(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks)


def _stopped_early(blocks: list[Block], tree: HtmlElement) -> bool:
    chars = _chars(blocks)
    if chars >= SHORT_RESULT_CHARS:
        return False
    paragraphs = sum(n for p in tree.iter("p") if (n := len(p.text_content())) >= STORY_PARAGRAPH_CHARS)
    return chars < MIN_PARAGRAPH_SHARE * paragraphs


def _better_retry(blocks: list[Block], retry: list[Block]) -> bool:
    if len(blocks) <= FEW_BLOCKS:
        return len(retry) > len(blocks)
    return _chars(retry) > _chars(blocks)


def main_text(tree: HtmlElement, url: str, fast: bool) -> list[Block]:
    """trafilatura's main-content step on our cleaned tree (it works on its own copy)."""
    doc = cast("Document | None", trafilatura.bare_extraction(tree, url=url, fast=fast, include_comments=False, include_tables=True))
    return restore_structure(tree, body_blocks(doc.body if doc is not None else None))


@dataclass
class Trace:
    """Why each block went or stayed, for ``newsbot extract --explain``."""

    removed: list[Removal] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    """(reason, text) for each body block, in order."""
    outside: bool = True
    """Also list the page text the main-text step left out (``outside_main_text``): a pass over every
    block of the page, which ``newsbot eval``'s timed call does without (its audit scores the rules)."""


@dataclass
class _Parsed:
    page: ParsedPage
    site: str | None
    canonical: str | None
    id: str

    @functools.cached_property
    def signed(self) -> list[TemplateBlock]:
        """The page's blocks as templates sign them, read once from the intact tree: learning and
        template removal share them (signing is a fifth of a crawl's extraction time)."""
        return list(template_blocks(self.page.tree))


def _tree(body: bytes, headers: Mapping[str, str] | None) -> HtmlElement:
    """The page's bytes decoded (HTTP charset first) and parsed."""
    if not body or not body.strip():
        raise ExtractionError("empty document")
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    return parse_html(decode_html(body, lowered.get("content-type")).text)


def _parse(body: bytes, url: str, headers: Mapping[str, str] | None) -> _Parsed:
    """Decode and parse once, and fix the page's identity: site, canonical URL and record id."""
    page = ParsedPage.from_tree(_tree(body, headers), url)
    site = site_of(url)
    canonical = _canonical(page, site)
    if site is None and canonical is not None:
        site = site_of(canonical)  # a saved file knows its site only from its canonical link
    return _Parsed(page, site, canonical, url_id(canonical or url))


_Entry = TypeVar("_Entry", bound=Callable[..., Any])


def _core_boundary(entry: _Entry) -> _Entry:
    """Any input gives a result or an :class:`ExtractionError`: an unexpected exception inside
    the core becomes one that names its cause, so a caller handles one kind of failure per page."""

    @functools.wraps(entry)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return entry(*args, **kwargs)
        except ExtractionError:
            raise
        except Exception as err:  # the boundary: whatever broke, it broke on this page
            raise ExtractionError(f"extraction failed ({type(err).__name__}: {err})") from err

    return cast(_Entry, guarded)


def _lesson(parsed: _Parsed) -> Lesson:
    """What the page teaches its site's template; read before anything cleans the tree."""
    return Lesson(parsed.site, parsed.id, frozenset(s for b in parsed.signed for s in b.signatures))


@_core_boundary
def learn(body: bytes, url: str, templates: TemplateStore, headers: Mapping[str, str] | None = None) -> bool:
    """Count one page's blocks into its site's template; False when nothing was learned
    (a URL the store already counted, or a page with no site)."""
    return _lesson(_parse(body, url, headers)).into(templates)


# Kinds of page whose title names what the page shows (a product, a shop's category, a section, a service,
# a manual's page): their bodies start with it. A forum thread's title is its first post's subject line.
NAMED_KINDS = frozenset({"product_page", "category_page", "listing_page", "service_page", "documentation_page"})
# Kinds of page that show some of their text again on purpose: a manual gives the same step under each
# language's tab and the same parameter under each call. (An article's repeat is a second layout's copy.)
REPEATING_KINDS = frozenset({"documentation_page"})
# Verdicts that mean the page showed no story: a template removal is undone, and the story is
# looked for outside the visible markup (hydration data, JSON-LD articleBody, <noscript>).
TEMPLATE_EMPTIED = frozenset({"empty_body", "too_short"})


def _outside_main_text(tree: HtmlElement, blocks: list[Block]) -> list[Removal]:
    """Page text the main-text step left out (navigation, sidebars, footers), for --explain."""
    kept = fold(" ".join(b.text for b in blocks))
    return [Removal("outside_main_text", b.text) for b in template_blocks(tree) if fold(b.text) not in kept]


@dataclass
class _Story:
    blocks: list[Block]
    lead: str | None
    links: LinkTexts


def _story(
    cleaned: HtmlElement,
    url: str,
    meta: Metadata,
    names: set[str],
    trace: Trace,
    explain: bool,
    main: dict[bool, list[Block]],
    listing: bool = False,
    structure: bool = True,
    headed: bool = False,
    repeats: bool = False,
) -> _Story:
    """The body cascade on the page's tree: tree rules, structure (unless ``structure`` is off),
    main text, block rules, lead.

    ``listing`` reads a page that is not one article: headline links stay (they are what it
    lists). ``headed``: the title the page shows heads the body (an article's headline is the
    record's title, apart from its body; a product's or a category's is the first line of what
    the page shows). ``repeats``: text the page shows again stays (``REPEATING_KINDS``).

    ``main`` holds trafilatura's blocks of this tree by ``fast``: a second reading of the same
    tree (the listing pass) reuses them, as the tree rules give the same tree again.
    """
    if (body_el := cleaned.find("body")) is not None:
        unwrap_layout_tables(body_el)
    trace.removed += clean_tree(cleaned)
    if body_el is not None and structure:
        split_double_breaks(body_el)
        divs_to_paragraphs(body_el)  # (decides on the page's own paragraph markup, so before …)
        wrap_loose_text(body_el)  # (… the loose runs it turns into paragraphs)
    links = LinkTexts(cleaned, url)
    teasers = None if listing else links

    def engine(fast: bool) -> list[Block]:
        if fast not in main:
            main[fast] = main_text(cleaned, url, fast)
        return main[fast]

    blocks, dropped = drop_noise(engine(fast=False), meta.title, names, teasers, meta.headlines, repeats)
    if len(blocks) <= FEW_BLOCKS or _stopped_early(blocks, cleaned):
        # trafilatura's full cascade (its own extraction checked against readability and justext)
        # dumped the page, found nothing or stopped early: its own extraction alone may hold more
        retry, retry_dropped = drop_noise(engine(fast=True), meta.title, names, teasers, meta.headlines, repeats)
        if _better_retry(blocks, retry):
            blocks, dropped = retry, retry_dropped
    blocks, bios = drop_author_bios(blocks, meta.authors)
    blocks, kickers = drop_kickers(blocks, meta.descriptions)
    blocks, pull_quotes = drop_pull_quotes(blocks)
    blocks, sidebar = cut_sidebar_tail(cleaned, blocks)
    trace.removed += dropped + bios + kickers + pull_quotes + sidebar
    blocks, lead = place_lead(blocks, meta.descriptions, lambda text: count_shown(cleaned, text))
    kept = [("lead" if i == 0 and lead is not None else "main text", b.text) for i, b in enumerate(blocks)]
    if headed and meta.title and count_shown(cleaned, meta.title):
        blocks = [Block("heading", meta.title), *blocks]  # (trafilatura places or drops it as it likes: it goes first, once)
        kept.insert(0, ("page heading", meta.title))
    trace.kept = kept
    if explain and trace.outside:
        trace.removed += _outside_main_text(cleaned, blocks)
    return _Story(blocks, lead, links)


def _replace_body(tree: HtmlElement, html: str) -> None:
    """The page's <body> becomes one <article> holding ``html``."""
    body = tree.find("body")
    if body is None:
        body = tree.makeelement("body")
        tree.append(body)
    for child in list(body):
        body.remove(child)
    body.text = None
    body.append(parse_fragment(html, "article"))


@_core_boundary
def extract(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    templates: Templates | None = None,
    hints: Hints | None = None,
    trace: Trace | None = None,
) -> Article:
    """Turn one fetched page into an article record (fetch fields left empty).

    With ``templates`` (a :class:`TemplateStore`, or a :class:`TemplateSnapshot` of one
    site's), blocks the page's site template marks as boilerplate are removed too
    (learning is :func:`learn`'s job); with ``hints`` (a site config's), the site's
    content root and drop selectors apply first. Same bytes, URL, headers, hints and
    template state always give the same record.
    """
    return _extract(_parse(body, url, headers), body, url, headers, templates, hints, trace)


@_core_boundary
def extract_and_learn(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    templates: Templates | None = None,
    hints: Hints | None = None,
) -> tuple[Article, Lesson]:
    """:func:`extract`, plus the :class:`Lesson` :func:`learn` would teach, from one decode and parse.

    A crawl learns every page it extracts: parsing each page once for both halves the
    work. The caller teaches the lesson to its store (``lesson.into(store)``), so this
    runs where the store is not: a worker process needs only the site's boilerplate.
    The page is extracted with ``templates`` as given, before its own lesson counts.
    """
    parsed = _parse(body, url, headers)
    lesson = _lesson(parsed)
    return _extract(parsed, body, url, headers, templates, hints, None), lesson


def _extract(
    parsed: _Parsed,
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None,
    templates: Templates | None,
    hints: Hints | None,
    trace: Trace | None,
) -> Article:
    page, site, canonical = parsed.page, parsed.site, parsed.canonical
    meta = read_metadata(page)
    signals = page_signals(page)  # (the intact page, like metadata)
    explain = trace is not None
    trace = trace if trace is not None else Trace()

    # Metadata has read the intact tree; from here on it is cleaned in place.
    cleaned = page.tree
    hidden = HiddenStory.read(cleaned, page.jsonld_article)  # (cleaning strips scripts and noscript)
    boilerplate = templates.boilerplate(site) if templates is not None else frozenset()
    signed = parsed.signed if boilerplate else []  # as learn() signs it: before hints move the root
    if hints:
        apply_hints(cleaned, hints)
    from_template = remove_template_blocks(cleaned, signed, boilerplate)
    trace.removed += from_template
    names = site_names(meta.sitename, site)
    main: dict[bool, list[Block]] = {}
    story = _story(cleaned, url, meta, names, trace, explain, main)
    drop_reason = article_verdict(story.blocks, story.links, meta, signals, canonical or url)
    for html in hidden.candidates() if drop_reason in TEMPLATE_EMPTIED else ():
        # the page ships its story only outside its visible markup: extract it from that markup
        _replace_body(cleaned, html)
        trace.removed, trace.kept = [], []
        main = {}
        story = _story(cleaned, url, meta, names, trace, explain, main)
        drop_reason = article_verdict(story.blocks, story.links, meta, signals, canonical or url)
        if drop_reason not in TEMPLATE_EMPTIED:
            break
    if drop_reason is not None and drop_reason not in TEMPLATE_EMPTIED:
        # not one article: its content is what it lists, headline links included (on an article they
        # are other stories' teasers), under its title when that names what it shows. The verdict
        # stands; the body is read again so.
        trace.removed, trace.kept = [], []
        story = _story(
            cleaned, url, meta, names, trace, explain, main,
            listing=True, headed=drop_reason in NAMED_KINDS, repeats=drop_reason in REPEATING_KINDS,
        )  # fmt: skip
    elif drop_reason == "too_short" and not from_template:
        # too little for an article: a page of links in bare divs (a catalog's A-Z index) that the
        # structure steps turned into stray paragraphs. Read on its own markup as a listing instead,
        # when that shows more; a reading that now looks like an article is still too short for one.
        listed_trace = Trace(outside=trace.outside)
        fresh = _tree(body, headers)
        if hints:
            apply_hints(fresh, hints)
        listed = _story(fresh, url, meta, names, listed_trace, explain, {}, listing=True, structure=False)
        if _chars(listed.blocks) > _chars(story.blocks):
            story, trace.removed, trace.kept = listed, listed_trace.removed, listed_trace.kept
            drop_reason = article_verdict(story.blocks, story.links, meta, signals, canonical or url) or "too_short"
    blocks, lead = story.blocks, story.lead
    paragraphs = [b.text for b in blocks]
    body_text = "\n\n".join(paragraphs)
    if from_template and drop_reason in TEMPLATE_EMPTIED:
        # the "template" is the story itself (pages of one text under many URLs): never let it eat the article
        retry = Trace() if explain else None
        article = extract(body, url, headers, hints=hints, trace=retry)
        if trace is not None and retry is not None:
            trace.removed, trace.kept = retry.removed, retry.kept
        return article
    return Article(
        url=url,
        id=parsed.id,
        canonical_url=canonical,
        site=site,
        title=meta.page_name if drop_reason == "service_page" else meta.title,
        lead=lead,
        body=body_text,
        blocks=blocks,
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        language=detect_language(body_text, meta.language_declared),
        tags=meta.tags,
        image=meta.image,
        content_hash=content_hash(paragraphs),
        extractor_version=__version__,
        is_article=drop_reason is None,
        drop_reason=drop_reason,
        publisher=meta.publisher,
        description=meta.description,
        section=meta.section,
        images=meta.images,
        word_count=word_count(body_text),
        published_utc=utc_time(meta.published),
    )
