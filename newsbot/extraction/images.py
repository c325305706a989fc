"""The article's pictures with their captions and credits, for the record's ``images``.

Read from the intact page (cleaning drops figures and captions from the body): the lead image the
page declares (``og:image``, ``twitter:image``, JSON-LD ``image`` with its ``caption`` and
``creditText``/``copyrightHolder``/``author``), then the ``<figure>``s of the story's container
(``itemprop=articleBody``, else the ``<article>`` holding the headline, else the first
``<article>``, else ``<main>``), never those in an ``<aside>``, ``<nav>`` or ``<footer>``
(related stories' thumbnails). A figure's credit is its element marked as one (a class or
itemprop naming credit, copyright, source or photographer; a ``<cite>`` or ``<small>``), and its
caption is the rest of its ``<figcaption>``. URLs are made absolute; each image is listed once,
a figure's caption and credit completing the declared image of the same URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from .page import Page

_SPACE = re.compile(r"\s+")
_CREDIT = re.compile(r"credit|copyright|source|photographer|byline|author|rights", re.IGNORECASE)
# Attributes lazy-loading scripts put the real address in, before ``src`` (often a placeholder).
_SOURCE_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "src")
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
    return _SPACE.sub(" ", value).strip() or None


def _absolute(page: Page, url: str | None) -> str | None:
    url = _text(url)
    if not url or url.startswith("data:"):
        return None
    return urljoin(page.url, url) if page.url.startswith("http") else url


def _declared(page: Page) -> list[Image]:
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


def _img_source(img: HtmlElement) -> str | None:
    for name in _SOURCE_ATTRIBUTES:
        if (value := img.get(name)) and not value.startswith("data:"):
            return value
    srcset = img.get("data-srcset") or img.get("srcset")
    return srcset.split(",")[0].split()[0] if srcset and srcset.strip() else None


def _is_credit(element: HtmlElement) -> bool:
    marks = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
    return element.tag in ("cite", "small") or bool(_CREDIT.search(marks))


def _figure(page: Page, figure: HtmlElement) -> Image | None:
    img = next(figure.iter("img"), None)
    url = _absolute(page, _img_source(img)) if img is not None else None
    if url is None:
        return None
    credits = (_text(el.text_content()) for el in figure.iter() if el is not figure and isinstance(el.tag, str) and _is_credit(el))
    credit = next((text for text in credits if text), None)
    caption_el = next(figure.iter("figcaption"), None)
    caption = None
    if caption_el is not None:
        caption = _text(caption_el.text_content())
        if caption and credit:
            caption = _text(caption.replace(credit, "")) if caption != credit else None
    return Image(url, caption, credit)


def _story_figures(page: Page) -> list[Image]:
    container = next((found[0] for xpath in _CONTAINERS if (found := xpath(page.tree))), None)
    if container is None:
        return []
    figures = (
        _figure(page, fig)
        for fig in container.iter("figure")
        if not any(ancestor.tag in _OUTSIDE_STORY for ancestor in fig.iterancestors())
    )
    return [image for image in figures if image is not None]


def read_images(page: Page) -> list[dict[str, str | None]]:
    """``[{url, caption, credit}]``: declared images first, then the story's figures; each URL once."""
    found: dict[str, Image] = {}
    for image in [*_declared(page), *_story_figures(page)]:
        known = found.setdefault(image.url, image)
        known.caption = known.caption or image.caption
        known.credit = known.credit or image.credit
    return [{"url": i.url, "caption": i.caption, "credit": i.credit} for i in found.values()]
