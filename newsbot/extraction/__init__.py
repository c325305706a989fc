"""The extraction core: bytes + URL in, an :class:`Article` out. No Scrapy imports here."""

from .core import Trace, extract, learn
from .hints import Hints
from .page import ExtractionError
from .record import Article, Block
from .templates import TemplateStore

__all__ = ["Article", "Block", "ExtractionError", "Hints", "TemplateStore", "Trace", "extract", "learn"]
