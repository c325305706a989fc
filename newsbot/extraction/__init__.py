"""The extraction core: bytes + URL in, an :class:`Article` out. No Scrapy imports here."""

from .core import Trace, extract, learn
from .page import ExtractionError
from .record import Article, Block
from .templates import TemplateStore

__all__ = ["Article", "Block", "ExtractionError", "TemplateStore", "Trace", "extract", "learn"]
