"""The Scrapy settings module: every setting says why, and the site files' politeness reaches Scrapy."""

from __future__ import annotations

import ast
from pathlib import Path

import newsbot.settings as settings
from newsbot.sites import shipped_sites

SOURCE = Path(settings.__file__).read_text(encoding="utf-8")


def test_every_setting_has_a_comment_saying_why() -> None:
    lines = SOURCE.splitlines()
    names = [
        (node.targets[0].id, node.lineno)
        for node in ast.parse(SOURCE).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()
    ]
    assert len(names) > 20
    assert [name for name, lineno in names if not lines[lineno - 2].lstrip().startswith("#")] == []


def test_politeness_and_discovery_settings() -> None:
    assert settings.ROBOTSTXT_OBEY and settings.AUTOTHROTTLE_ENABLED
    assert settings.USER_AGENT.startswith("newsbot/") and settings.ROBOTSTXT_USER_AGENT == "newsbot"
    assert settings.NEWSBOT_RESPECT_ROBOTS_META is True
    assert settings.NEWSBOT_SECTION_DEPTH >= 1 and settings.DEPTH_LIMIT > settings.NEWSBOT_SECTION_DEPTH + 2
    tengrinews = shipped_sites()["tengrinews-ru"]
    slot = {"delay": tengrinews.download_delay, "concurrency": tengrinews.concurrency}
    assert settings.DOWNLOAD_SLOTS["tengrinews.kz"] == settings.DOWNLOAD_SLOTS["www.tengrinews.kz"] == slot
