"""The extraction core: bytes + URL in, an :class:`Article` out. No Scrapy imports here."""

from ..hints import Hints
from .core import Trace, extract, extract_and_learn, learn
from .page import ExtractionError
from .record import Article, Block
from .templates import Lesson, TemplateSnapshot, TemplateStore

__all__ = [
    "Article",
    "Block",
    "ExtractionError",
    "Hints",
    "Lesson",
    "TemplateSnapshot",
    "TemplateStore",
    "Trace",
    "extract",
    "extract_and_learn",
    "learn",
]
