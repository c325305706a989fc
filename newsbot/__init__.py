"""newsbot: a Scrapy news crawler around a pure, Scrapy-free article extraction core."""

__version__ = "0.1.0"
