"""Scrapy commands of the project (setting ``COMMANDS_MODULE``): ``scrapy crawl`` with newsbot's checks first."""
