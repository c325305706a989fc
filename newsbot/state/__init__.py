"""The state directory (setting ``NEWSBOT_STATE_DIR``, ``newsbot crawl --state``): what crawls remember.

Layout::

    <state>/newsbot.sqlite3     exported articles, their URLs, feed validators, pending batches
    <state>/templates.sqlite3   learned site templates (:mod:`newsbot.state.template_store`)
    <state>/locks/<site>.lock   one flock per site: a second crawl of a site refuses to start

Delete the folder and the next crawl exports every article again; never share it
between machines (flock is local). The stores (:mod:`~newsbot.state.store`,
:mod:`~newsbot.state.template_store`, :mod:`~newsbot.state.redis_store`) and the lock are
Scrapy-free; the crawl's adapters are :mod:`~newsbot.state.crawl_state` (one crawl's side of the
state), :mod:`~newsbot.state.middlewares`, :mod:`~newsbot.state.template_hold`, and with
``REDIS_URL`` :mod:`~newsbot.state.redis_crawl` and :mod:`~newsbot.state.frontier`.
"""

from .lock import SiteLock, SiteLocked
from .store import Known, Reconciled, Seen, StateStore, Validators

__all__ = ["Known", "Reconciled", "Seen", "SiteLock", "SiteLocked", "StateStore", "Validators"]
