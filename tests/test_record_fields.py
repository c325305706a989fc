"""The record fields of schema 2: publisher, description, section, images, word_count, published_utc.

Expected values were read off the pages by eye: ``fixtures/record/figures.html`` (made for these fields:
JSON-LD publisher and image, a breadcrumb, a placeholder <img>, a lazy <img>, figures outside the story),
the fixture pages, and, when the corpus is there, three fundus pages whose figures mark credits differently.
(``warc_file`` and ``warc_record_id``: tests/test_warc.py and tests/test_record_agreement.py.)
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsbot.extraction import Article, extract
from newsbot.extraction.images import picture_key
from newsbot.extraction.metadata import utc_time
from newsbot.extraction.record import word_count

REPO = Path(__file__).resolve().parent.parent
PAGES = REPO / "fixtures" / "pages"
FIGURES = REPO / "fixtures" / "record" / "figures.html"
FIGURES_URL = "https://herald.example/nature/2024/04/caspian-seals-return"
FUNDUS = REPO.parent / "shared" / "corpora" / "fundus"


@pytest.fixture(scope="module")
def figures() -> Article:
    return extract(FIGURES.read_bytes(), FIGURES_URL)


def fixture_page(name: str) -> Article:
    url = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))["url"]
    return extract((PAGES / f"{name}.html").read_bytes(), url)


def fundus_page(key: str) -> Article:
    if not FUNDUS.is_dir():
        pytest.skip(f"fundus corpus not at {FUNDUS}")
    index = json.loads((FUNDUS / "index.json").read_text(encoding="utf-8"))
    return extract(gzip.decompress((FUNDUS / key).read_bytes()), index[key]["url"])


def test_publisher_from_og_site_name_else_json_ld(figures: Article) -> None:
    assert fixture_page("seed_en").publisher == "Tengrinews.kz"  # og:site_name
    assert figures.publisher == "Steppe Herald"  # no og:site_name: the JSON-LD publisher's name


def test_description_is_the_meta_description_first(figures: Article) -> None:
    # (og:description says "More seals than in any spring since 2010.")
    assert figures.description == (
        "Researchers counted more Caspian seals on the islands off Atyrau than in any spring since 2010."
    )


def test_section(figures: Article) -> None:
    assert fixture_page("seed_en").section == "World"  # article:section
    assert fixture_page("seed_en_semantic").section == "World"  # JSON-LD articleSection
    # The breadcrumb's last entry above the page: not "Home", not the page's own entry.
    assert figures.section == "Nature"
    assert fixture_page("seed_ru").section is None  # the page names none


def test_images_with_caption_and_credit(figures: Article) -> None:
    assert figures.images == [
        # og:image, JSON-LD's image (another size) and the hero figure's srcset are one picture; the
        # placeholder <img> before the real one is not it. Caption and credit: JSON-LD's, which come first.
        {"url": "https://herald.example/media/2024/04/seals-hero_1200x630.jpg",
         "caption": "Seals on the Durnev islands", "credit": "Kazakh Fisheries Institute"},
        # a lazy <img> (data-src) whose caption ends with its credit
        {"url": "https://cdn.herald.example/2024/04/survey-drone.jpg",
         "caption": "A survey drone takes off near Atyrau.", "credit": "Photo: Marat Seitkali"},
        # not the related story's picture in the <aside>, nor the footer logo
    ]  # fmt: skip


def test_a_credit_element_is_split_from_the_caption() -> None:
    hero = FIGURES.read_text(encoding="utf-8").replace('"caption": "Seals on the Durnev islands", ', "")
    hero = hero.replace('"creditText": "Kazakh Fisheries Institute"', '"name": "seals"')
    [first, _] = extract(hero.encode(), FIGURES_URL).images
    assert (first["caption"], first["credit"]) == ("Seals on the Durnev islands, April 2024.", "Photo: Kazakh Fisheries Institute")


@pytest.mark.parametrize(
    ("key", "caption", "credit"),
    [
        # credit in its own element (class "credit")
        ("de/SpiegelOnline_2023_04_28.html.gz",
         "Fed-Vizechef Michael Barr: »Der Zusammenbruch der SVB zeigt, dass es Mängel in der Regulierung und in der"
         " Aufsicht gibt«", "Foto: Andrew Harnik / AP"),
        # credit at the end of the caption's text
        ("uk/TheGuardian_2024_02_24.html.gz",
         "The gutted remains of the two buildings, which had about 140 apartments.", "Photograph: Eva Manez/Reuters"),
        ("fr/LeMonde_2023_09_01.html.gz",
         "La secrétaire générale de la CGT, Sophie Binet, à Matignon, à Paris, le 12 juillet 2023.", "BERTRAND GUAY / AFP"),
    ],
)  # fmt: skip
def test_lead_image_caption_and_credit_on_real_pages(key: str, caption: str, credit: str) -> None:
    lead = fundus_page(key).images[0]
    assert (lead["caption"], lead["credit"]) == (caption, credit)
    assert lead["url"].startswith("https://")


def test_renditions_of_one_picture_share_a_key() -> None:
    spiegel = "https://cdn.prod.www.spiegel.de/images/4c113d3e-b078-4dd9-8c4b-24b103c17e6a_w{}_r1.77_fpx45_fpy48.jpg"
    assert picture_key(spiegel.format(1280)) == picture_key(spiegel.format(948))
    bbc = "https://ichef.bbci.co.uk/news/{}/production/_127036380_gettyimages-841304270-3.jpg"
    assert picture_key(bbc.format("1024/branded_news/20AB")) == picture_key(bbc.format("1536/cpsprodpb/20AB") + ".webp")
    # different pictures with generic or numbered names stay apart
    assert picture_key("https://a.example/1/image.jpg") != picture_key("https://a.example/2/image.jpg")
    assert picture_key("https://a.example/photo_172903.jpg") != picture_key("https://a.example/photo_172904.jpg")


def test_word_count(figures: Article) -> None:
    assert figures.word_count == 114  # counted by hand: 25 + 30 + 32 + 27 ("4,100" is two \w+ runs)
    assert word_count("Hello, world — it's 2024") == 5
    assert word_count("東京で会議が開かれた") == 10  # Japanese: a word per character
    assert word_count("习近平主席致贺信") == 8  # Chinese too
    assert word_count("서울에서 회의가 열렸다") == 3  # Korean spaces its words
    assert fixture_page("news_pl_loose_text").word_count == word_count(fixture_page("news_pl_loose_text").body) > 0


def test_published_utc(figures: Article) -> None:
    assert (figures.published, figures.published_utc) == ("2024-04-19T15:30:00+05:00", "2024-04-19T10:30:00Z")
    seed = fixture_page("seed_ru")
    assert (seed.published, seed.published_utc) == ("2015-10-13T18:12:00+06:00", "2015-10-13T12:12:00Z")
    assert fixture_page("seed_ru_cp1251").published == "2015-10-13"
    assert fixture_page("seed_ru_cp1251").published_utc is None  # a day names no instant
    assert utc_time("2024-04-19T15:30:00") is None  # nor a time without a zone
    assert utc_time("2024-04-19T23:30:00.5-03:00") == "2024-04-20T02:30:00Z"
    assert utc_time(None) is None
