"""A site's extraction hints as data: what a site file's ``[extraction]`` table says.

The site files (:mod:`newsbot.sites`) build them and the extraction core applies them
(:mod:`newsbot.extraction.hints`), so the type sits below both and loads only cssselect.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cssselect import HTMLTranslator


@dataclass(frozen=True)
class Hints:
    """Extraction hints of one site."""

    content_root: tuple[str, ...] = ()
    """CSS selectors; the first that matches is the article's container, the rest of <body> is boilerplate."""
    drop: tuple[str, ...] = ()
    """CSS selectors of boilerplate the generic rules miss."""
    drop_text: tuple[str, ...] = ()
    """Regular expressions (case-insensitive) of the site's own boilerplate wording; a short block whose
    text one of them finds goes, as a general promo pattern's does, but on this site only."""

    def __bool__(self) -> bool:
        return bool(self.content_root or self.drop or self.drop_text)


@lru_cache(maxsize=1024)
def css_to_xpath(css: str) -> str:
    """The XPath 1.0 of an HTML CSS selector (cssselect, as parsel uses it); SelectorError when it is not one.

    >>> css_to_xpath("p:contains('Subscribe')")
    "descendant-or-self::p[contains(., 'Subscribe')]"
    """
    return HTMLTranslator().css_to_xpath(css)
