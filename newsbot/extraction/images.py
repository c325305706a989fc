"""The article's pictures with their captions and credits, for the record's ``images``.

Read from the intact page (cleaning drops figures and captions from the body): the lead image the
page declares (``og:image``, ``twitter:image``, JSON-LD ``image`` with its ``caption`` and
``creditText``/``copyrightHolder``/``author``), then the ``<figure>``s of the story's container
(``itemprop=articleBody``, else the ``<article>`` holding the headline, else the first
``<article>``, else ``<main>``), never those in an ``<aside>``, ``<nav>`` or ``<footer>``
(related stories' thumbnails). A figure's credit is its element marked as one (a class or
itemprop naming credit, copyright, source or photographer; a ``<cite>`` or ``<small>``), else a photo
credit ending its caption ("… apartments. Photograph: Eva Manez/Reuters"; the ``photo_credits`` table),
and its caption is the rest of its ``<figcaption>``. URLs are made absolute. Each picture is listed once:
renditions of one picture (sizes, crops: og:image, JSON-LD's list and the figure's ``src`` often name
three) are one when their URLs share an ID (a UUID or a long hex string) or a distinctive file name
(sizes such as ``1200x630`` aside); the first URL stays, and a figure's caption and credit complete it.
Renditions named otherwise (``wide__1300x731`` beside ``square__960x960``) stay apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from .blocks import line_kind
from .page import ParsedPage

_SPACE = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_ID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9a-f]{16,}", re.IGNORECASE)
_SIZE = re.compile(r"\d{2,5}x\d{2,5}|[_-][wh]\d{2,5}(?![a-z\d])", re.IGNORECASE)
# A file name (without extensions) shorter than this with no digit ("image.jpg", "default.png") names no one picture.
MIN_DISTINCT_NAME = 8
_CREDIT = re.compile(r"credit|copyright|source|photographer|byline|author|rights", re.IGNORECASE)
# Attributes lazy-loading scripts put the real address in, then srcset (its largest), then ``src``: often
# a placeholder ("grey-placeholder.png") where the others are set.
_SOURCE_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-srcset", "srcset", "src")
# Where a caption's sentence ends and a credit may begin.
_CREDIT_START = re.compile(r"(?<=[.!?»\"”])\s+|\s+[–—|/]\s+|\s+(?=[(\[])")
_OUTSIDE_STORY = ("aside", "nav", "footer")
# In this order: the first that matches is the story's container.
_CONTAINERS = tuple(map(etree.XPath, ("//*[@itemprop='articleBody']", "//article[.//h1]", "//article", "//main")))


@dataclass
class Image:
    url: str
    caption: str | None = None
    credit: str | None = None


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, (str, dict))), None)
        return _text(value)
    if not isinstance(value, str):
        return None
    return _SPACE.sub(" ", _ZERO_WIDTH.sub("", value)).strip() or None


def picture_key(url: str) -> str:
    """What renditions of one picture share: an ID in the path, else a distinctive file name, else the path."""
    path = urlsplit(url).path
    if found := _ID.search(path):
        return found.group().lower()
    name = _SIZE.sub("", path.rsplit("/", 1)[-1].split(".")[0]).strip("_-").lower()  # (x.jpg, x.jpg.webp alike)
    distinct = len(name) >= MIN_DISTINCT_NAME or any(char.isdigit() for char in name)
    return name if distinct else path


def _absolute(page: ParsedPage, url: str | None) -> str | None:
    url = _text(url)
    if not url or url.startswith("data:"):
        return None
    return urljoin(page.url, url) if page.url.startswith("http") else url


def _declared(page: ParsedPage) -> list[Image]:
    """The images the page's meta tags and JSON-LD article name, lead image first."""
    images = []
    meta = _absolute(page, page.first_meta("og:image", "twitter:image", "og:image:url"))
    if meta:
        images.append(Image(meta))
    ld = (page.jsonld_article or {}).get("image")
    for item in ld if isinstance(ld, list) else [ld]:
        if isinstance(item, dict):
            url = _absolute(page, _text(item.get("url") or item.get("contentUrl")))
            credit = _text(item.get("creditText")) or _text(item.get("copyrightHolder")) or _text(item.get("author"))
            if url:
                images.append(Image(url, _text(item.get("caption")), credit))
        elif (url := _absolute(page, _text(item))) is not None:
            images.append(Image(url))
    return images


def _img_source(figure: HtmlElement) -> str | None:
    """The picture's address, from whichever of the figure's ``<img>``s has the best attribute for it (a
    placeholder ``<img src>`` often comes before the real one)."""
    imgs = list(figure.iter("img"))
    for name, img in ((name, img) for name in _SOURCE_ATTRIBUTES for img in imgs):
        value = (img.get(name) or "").strip()
        if name.endswith("srcset") and value:
            value = value.split(",")[-1].split()[0] if value.split(",")[-1].strip() else ""
        if value and not value.startswith("data:"):
            return value
    return None


def _split_credit(caption: str) -> tuple[str | None, str | None]:
    """A caption and the photo credit that ends it, if one does."""
    for end in _CREDIT_START.finditer(caption):
        rest = caption[end.end() :]
        if line_kind(rest) == "photo_credit":
            return _text(caption[: end.start()]), rest.strip("()[] ")
    return caption, None


def _is_credit(element: HtmlElement) -> bool:
    marks = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
    return element.tag in ("cite", "small") or bool(_CREDIT.search(marks))


def _figure(page: ParsedPage, figure: HtmlElement) -> Image | None:
    url = _absolute(page, _img_source(figure))
    if url is None:
        return None
    credits = (_text(el.text_content()) for el in figure.iter() if el is not figure and isinstance(el.tag, str) and _is_credit(el))
    credit = next((text for text in credits if text), None)
    caption_el = next(figure.iter("figcaption"), None)
    caption = _text(caption_el.text_content()) if caption_el is not None else None
    if caption and credit:
        caption = _text(caption.replace(credit, "")) if caption != credit else None
    elif caption:
        caption, credit = _split_credit(caption)
    return Image(url, caption, credit)


def _story_figures(page: ParsedPage) -> list[Image]:
    container = next((found[0] for xpath in _CONTAINERS if (found := xpath(page.tree))), None)
    if container is None:
        return []
    figures = (
        _figure(page, fig)
        for fig in container.iter("figure")
        if not any(ancestor.tag in _OUTSIDE_STORY for ancestor in fig.iterancestors())
    )
    return [image for image in figures if image is not None]


def read_images(page: ParsedPage) -> list[dict[str, str | None]]:
    """``[{url, caption, credit}]``: declared images first, then the story's figures; each picture once."""
    found: dict[str, Image] = {}
    for image in [*_declared(page), *_story_figures(page)]:
        known = found.setdefault(picture_key(image.url), image)
        known.caption = known.caption or image.caption
        known.credit = known.credit or image.credit
    return [{"url": i.url, "caption": i.caption, "credit": i.credit} for i in found.values()]
