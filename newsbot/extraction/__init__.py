"""The extraction core: bytes + URL in, an :class:`Article` out. No Scrapy imports here."""

from .core import extract
from .page import ExtractionError
from .record import Article, Block

__all__ = ["Article", "Block", "ExtractionError", "extract"]
