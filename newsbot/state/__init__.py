"""The state directory (setting ``NEWSBOT_STATE_DIR``, ``newsbot crawl --state``): what crawls remember.

Layout::

    <state>/newsbot.sqlite3     exported articles, their URLs, feed validators, pending batches
    <state>/templates.sqlite3   learned site templates (:mod:`newsbot.state.template_store`)
    <state>/locks/<site>.lock   one flock per site: a second crawl of a site refuses to start

Delete the folder and the next crawl exports every article again; never share it
between machines (flock is local). This package is Scrapy-free except for
:mod:`newsbot.state.crawl` and :mod:`newsbot.state.middlewares`, the adapters.
"""

from .lock import SiteLock, SiteLocked
from .store import Known, Reconciled, Seen, StateStore, Validators

__all__ = ["Known", "Reconciled", "Seen", "SiteLock", "SiteLocked", "StateStore", "Validators"]
