"""Steps that were quadratic in the page's size, each fed a page part big enough that a quadratic
step takes tens of seconds, under a bound a linear one meets many times over.

Found with cProfile on generated pages of 0.5-4 MB (link lists, ``<br><br>`` text, paragraphs):
the lead search read a whole container's text once per element, the near-copy check compared
each block with every earlier one, the structure restore searched every later block for each
unshown unit, and rebuilding a container counted its children once per piece of text.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import lxml.html

from newsbot.extraction import extract
from newsbot.extraction.clean import count_shown
from newsbot.extraction.record import Block
from newsbot.extraction.restore import restore_structure

WORDS = "harbour council budget quay pier storm winter steel trawler catch mooring fees report engineers summer wall".split()
UNITS = 6000
# Each step below takes well under a second on 6,000 units; the quadratic versions took 10-60 s.
BOUND_S = 3.0


def sentence(i: int) -> str:
    """A distinct sentence per ``i`` (all starting alike, as a story's paragraphs may)."""
    return "The council " + " ".join(f"{WORDS[(i * 7 + k * k) % len(WORDS)]}{i % (k + 3)}" for k in range(12)) + "."


def seconds(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def test_lead_search_reads_each_container_once() -> None:
    tree = lxml.html.document_fromstring(f"<html><body><article>{''.join(f'<p>{sentence(i)}</p>' for i in range(UNITS))}</article></body></html>")
    assert seconds(lambda: count_shown(tree, sentence(-1))) < BOUND_S


def test_restore_does_not_search_every_block_for_each_unit() -> None:
    links = "".join(f"<li><a href='/n/{i}'>{sentence(-i)} more</a></li>" for i in range(UNITS))
    paragraphs = "".join(f"<p>{sentence(i)}</p>" for i in range(UNITS))
    # the links come first: each is looked for before any story block has matched
    tree = lxml.html.document_fromstring(f"<html><body><ul>{links}</ul><article>{paragraphs}</article></body></html>")
    blocks = [Block("paragraph", sentence(i)) for i in range(UNITS)]
    assert seconds(lambda: restore_structure(tree, blocks)) < BOUND_S


def test_whole_page_time_grows_with_its_size() -> None:
    def page(units: int) -> bytes:
        parts = (f"<p>{sentence(i)}</p><div>{sentence(-i)}<br><br>{sentence(i + 1)}</div><li><a href='/{i}'>{sentence(i)}</a></li>" for i in range(units))
        return f"<html><head><title>Council budget</title></head><body><article>{''.join(parts)}</article></body></html>".encode()

    extract(page(10), "https://example.com/news/2024/05/council-budget")  # models loaded
    small, large = (seconds(lambda n=n: extract(page(n), "https://example.com/news/2024/05/council-budget")) for n in (250, 1000))
    assert large < 8 * small + 1.0  # 4 times the page: linear is ~4 times the time, quadratic 16
