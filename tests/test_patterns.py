"""The pattern tables in newsbot/extraction/patterns/ and newsbot/urls/: each loads, documents itself, and does its job.

Every table gets a behavioural test through the function that uses it. The
tracking_params table is exercised by tests/test_urls.py (every listed
parameter dropped from URLs), so it is only listed here, not tested twice.
"""

from __future__ import annotations

import json
import re

import lxml.html
import pytest
from lxml.html import HtmlElement

from newsbot.extraction.blocks import (
    is_breadcrumb,
    is_byline,
    is_caption,
    is_consent,
    is_credit_line,
    is_promo,
    is_social_embed,
    line_kind,
    site_names,
)
from newsbot.extraction.clean import clean_tree, is_share_text, text_of
from newsbot.extraction.patterns import PATTERN_DIR, load_patterns
from newsbot.extraction.structure import split_double_breaks
from newsbot.tables import load_table
from newsbot.urls import URL_TABLE_DIR

# Tables whose entries are regular expressions (the rest are literal words and phrases).
REGEX_TABLES = {"promos", "credits", "social_embeds", "copyright", "editors", "photo_credits", "ad_labels"}
# Every table and where its behaviour is tested; a new table without a test fails the suite.
TESTED_TABLES = {
    "share_labels", "read_also", "promos", "widgets", "sources", "summaries", "credits", "consent", "bylines", "social_embeds", "captions",
    "copyright", "editors", "photo_credits", "polls", "breadcrumbs", "ad_labels",
    "tracking_params",  # tests/test_urls.py
    "page_kinds", "url_shapes",  # tests/test_verdict.py (url_shapes also tests/test_discovery.py)
}
TABLE_FILES = {p.stem: p for folder in (PATTERN_DIR, URL_TABLE_DIR) for p in folder.glob("*.json")}
TABLES = sorted(TABLE_FILES)

STORY = (
    "The regional council approved the new budget on Tuesday after a debate that lasted well into the night, "
    "with most members backing the plan to repair bridges."
)
STORY_2 = (
    "Opposition members said the repairs should have started years ago and asked the council to publish "
    "a full list of the bridges that need work before the winter."
)


def _page(body: str) -> HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def _body_text(tree: HtmlElement) -> str:
    return text_of(tree.find("body"))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def test_every_table_has_a_behaviour_test() -> None:
    assert set(TABLES) == TESTED_TABLES


@pytest.mark.parametrize("name", TABLES)
def test_table_loads_and_says_why(name: str) -> None:
    raw = json.loads(TABLE_FILES[name].read_text(encoding="utf-8"))
    assert isinstance(raw.get("_why"), str) and len(raw["_why"]) > 20
    loaded = load_table(TABLE_FILES[name])
    assert loaded and not any(key.startswith("_") for key in loaded)
    entries = _strings(loaded)
    assert entries and all(entries)
    if name not in REGEX_TABLES:  # literal phrases; a regex may end in a meaningful space
        assert all(s.strip() == s for s in entries)


@pytest.mark.parametrize("name", sorted(REGEX_TABLES))
def test_regex_tables_compile(name: str) -> None:
    patterns = _strings(load_patterns(name)["patterns"])
    assert patterns
    for pattern in patterns:
        re.compile(pattern)


# --- share_labels: clean_tree --------------------------------------------------

SHARE_LABELS = {
    "en": "Share", "ru": "Поделиться", "kk": "Бөлісу", "uk": "Поділитися", "de": "Teilen", "fr": "Partager",
    "es": "Compartir", "it": "Condividi", "pt": "Compartilhar", "tr": "Paylaş", "ar": "شارك", "zh": "分享",
    "ja": "シェア", "ko": "공유하기", "pl": "Udostępnij", "cs": "Sdílet", "sk": "Zdieľať", "nl": "Deel dit artikel",
    "sv": "Dela artikeln", "da": "Del artiklen", "no": "Del artikkelen", "fi": "Jaa artikkeli", "hu": "Megosztás", "ro": "Distribuie",
    "el": "Κοινοποίηση", "he": "שתפו", "fa": "اشتراک‌گذاری", "hi": "शेयर करें", "vi": "Chia sẻ", "id": "Bagikan",
    "ms": "Kongsi artikel", "th": "แชร์", "uz": "Ulashish", "az": "Paylaş", "bg": "Сподели", "sr": "Podeli", "hr": "Podijeli",
}


def test_share_labels_cover_the_tested_languages() -> None:
    assert set(load_patterns("share_labels")["labels"]) == set(SHARE_LABELS)


@pytest.mark.parametrize(
    "toast",
    ["URL copied", "Link kopiert", "Lien copié !", "Enlace copiado", "Ссылка скопирована", "链接已复制",
     "リンクをコピーしました", "기사 URL이 복사되었습니다."],
)
def test_a_copy_link_confirmation_is_share_text(toast: str) -> None:
    """The share bar's "link copied" toast, left in the markup, is share text in every language."""
    assert is_share_text(toast)


@pytest.mark.parametrize(("language", "label"), sorted(SHARE_LABELS.items()))
def test_share_bar_is_removed_in_every_language(language: str, label: str) -> None:
    sentence = "Officials urged residents to share the warning and posted it on <a href='/fb'>Facebook</a> too."
    tree = _page(
        f"<article><h1>Budget approved</h1>"
        f"<div class='tools'><span>{label}</span> <a href='/f'>Facebook</a> <a href='/t'>Twitter</a> <a href='/w'>WhatsApp</a></div>"
        f"<p>{STORY}</p><p>{sentence}</p></article>"
    )
    removed = clean_tree(tree)
    text = _body_text(tree)
    assert [r.rule for r in removed] == ["share_bar"]
    assert label not in text and "Twitter" not in text and "WhatsApp" not in text
    assert STORY in text
    assert "to share the warning and posted it on Facebook too." in text


def test_a_word_that_is_a_share_verb_in_one_language_stays_alone_in_a_cell_or_code() -> None:
    """Single-word labels are kept to words that mean "share" in no other use: Dutch "deel" is a
    payroll company in a comparison table, Danish "del" a Python statement in a tutorial."""
    tree = _page(
        f"<article><p>{STORY}</p><table><tr><td>Deel</td><td>$29/employee/month</td></tr></table>"
        "<p>Remove an item with the <code>del</code> statement, or slices of a list.</p></article>"
    )
    assert clean_tree(tree) == []
    text = _body_text(tree)
    assert "Deel" in text and "the del statement" in text


def test_share_label_alone_in_a_sentence_stays() -> None:
    tree = _page(f"<p>{STORY}</p><p>Readers can <b>share</b> their own photos of the bridges with the council.</p>")
    assert clean_tree(tree) == []
    assert "Readers can share their own photos" in _body_text(tree)


# --- read_also: clean_tree -------------------------------------------------------


@pytest.mark.parametrize("marker", ["Read also:", "Читайте также:", "Lesen Sie auch:", "Lire aussi :", "Lee también:", "Ayrıca okuyun:", "Funda futhi:", "Soma pia:", "Czytaj więcej", "Noticia relacionada"])
def test_read_also_box_between_two_text_runs_goes_and_the_runs_stay_apart(marker: str) -> None:
    tree = _page(
        f"<div id='story'>{STORY}"
        f"<div><strong>{marker}</strong> <a href='/other'>Storm closes the northern mountain pass for a week</a></div>"
        f"{STORY_2}</div>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["read_also"]
    assert "northern mountain pass" not in _body_text(tree)
    story = tree.get_element_by_id("story")
    split_double_breaks(story)
    assert [p.text_content() for p in story.iter("p")] == [STORY, STORY_2]


def test_marker_heading_and_its_headline_list_go() -> None:
    tree = _page(
        f"<article><p>{STORY}</p><h3>Читайте также</h3>"
        "<ul><li><a href='/1'>Storm closes the northern mountain pass</a></li>"
        "<li><a href='/2'>New school opens in the old town hall</a></li></ul>"
        f"<p>{STORY_2}</p></article>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["read_also", "read_also"]
    text = _body_text(tree)
    assert "Читайте также" not in text and "mountain pass" not in text and "school opens" not in text
    assert STORY in text and STORY_2 in text


BLURB = (
    "The regional road agency closed the pass on Monday after heavy snow, and drivers were told "
    "to take the valley road until the weekend."
)


def _card(href: str, headline: str) -> str:
    """A teaser card: picture link, section label (a link too), headline link, blurb in its own paragraph."""
    return (
        f"<div class='card'><a href='{href}'><img src='p.jpg'></a><div><a href='/section'>Regional politics</a></div>"
        f"<a href='{href}'>{headline}</a><div><p>{BLURB}</p></div></div>"
    )


def test_marker_box_of_teaser_cards_with_blurbs_goes() -> None:
    # the blurbs are no links (no link list) and long (story-length): only the card shape tells
    tree = _page(
        f"<article><p>{STORY}</p><div class='more'><div><p>Czytaj więcej</p></div>"
        f"{_card('/1', 'Storm closes the northern mountain pass')}</div><p>{STORY_2}</p>"
        f"<h3>Read also</h3>{_card('/2', 'New school opens in the old town hall')}</article>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["read_also", "read_also", "read_also"]
    text = _body_text(tree)
    assert "mountain pass" not in text and "school opens" not in text and "valley road" not in text
    assert STORY in text and STORY_2 in text


def test_a_marker_heading_a_listing_pages_whole_list_is_the_page_not_a_box() -> None:
    # "Latest news" over a section page's cards: removing them would leave the page empty
    headlines = ["Storm closes the northern mountain pass", "New school opens in the old town hall",
                 "Council approves the bridge budget", "Harbour reopens after the winter storms",
                 "Ferry timetable changes on Monday", "Library extends its opening hours",
                 "Farmers market moves to the quay", "Tram line closed for summer works"]  # fmt: skip
    cards = "".join(_card(f"/{i}", h) for i, h in enumerate(headlines))
    tree = _page(f"<nav><a href='/'>Home</a></nav><main><h2>Latest news</h2>{cards}</main>")
    assert clean_tree(tree) == []
    assert all(h in _body_text(tree) for h in headlines)


def test_a_titled_marker_heading_goes_with_its_row_of_cards() -> None:
    # "More from <site>" names the box; each card's headline has a screen-reader copy beside it
    cards = "".join(
        f"<div class='c'><h2><span class='sr'>{h}</span><a href='/{i}'>{h}</a></h2><p>{BLURB}</p><p><a href='/a'>Jane Doe</a></p></div>"
        for i, h in enumerate(["Storm closes the northern mountain pass", "New school opens in the old town hall"])
    )
    tree = _page(f"<article><p>{STORY}</p><p>{STORY_2}</p></article><section><h2>More from <span>The Herald</span></h2><div class='row'>{cards}</div></section>")
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["read_also"]
    text = _body_text(tree)
    assert "More from" not in text and "mountain pass" not in text and "valley road" not in text
    assert STORY in text and STORY_2 in text


def test_a_heading_starting_like_a_marker_over_story_text_stays() -> None:
    tree = _page(f"<article><h2>Related to the budget</h2><p>{STORY}</p><p>{STORY_2}</p></article>")
    before = _body_text(tree)
    assert clean_tree(tree) == []
    assert _body_text(tree) == before


def test_story_paragraphs_with_one_link_after_a_marker_stay() -> None:
    # a link inside a sentence (bare text or an inline span beside it) is no card's headline
    linked = f"The council, <a href='/budget'>whose budget passed on Tuesday</a>, will vote again. {BLURB}"
    spanned = f"<span>The mayor thanked </span><a href='/mayor'>the members of the opposition</a><span> for the debate.</span>"
    tree = _page(f"<article><div><h3>Read also</h3><p>{linked}</p><p>{spanned}</p></div><p>{STORY}</p></article>")
    before = _body_text(tree)
    removed = clean_tree(tree)
    assert [r.text for r in removed] == ["Read also"]
    assert _body_text(tree) == before.replace("Read also", "")


def test_a_sentence_starting_like_a_marker_stays() -> None:
    sentence = "Related to the budget, the council also voted to rename the main square after a local poet."
    tree = _page(f"<p>{STORY}</p><p>{sentence}</p>")
    assert clean_tree(tree) == []
    assert sentence in _body_text(tree)


# --- widgets: clean_tree ------------------------------------------------------------


def test_exchange_rate_and_weather_widgets_go() -> None:
    tree = _page(
        "<header><div class='w'><h4>Курсы валют</h4><ul><li>USD 450.12</li><li>EUR 490.30</li></ul></div></header>"
        f"<article><p>{STORY}</p></article>"
        "<footer><div class='w'><div>Weather</div><span>Almaty +12°C, cloudy</span></div></footer>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["widget", "widget"]
    text = _body_text(tree)
    assert "USD" not in text and "Almaty" not in text
    assert STORY in text


# --- headed boxes in every language a table covers -----------------------------------------

# An example title per language of each table of box headings
WIDGET_TITLES = {
    "en": "Exchange rates", "ru": "Курсы валют", "kk": "Ауа райы", "uk": "Курси валют", "de": "Wetter",
    "fr": "Météo", "es": "Tipos de cambio", "it": "Meteo", "pt": "Cotações", "tr": "Hava durumu", "ar": "الطقس",
    "zh": "汇率", "pl": "Kursy walut", "cs": "Počasí", "sk": "Kurzový lístok", "nl": "Wisselkoersen", "sv": "Vädret",
    "da": "Valutakurser", "no": "Været", "fi": "Sää", "hu": "Árfolyamok", "ro": "Curs valutar", "el": "Καιρός",
    "he": "מזג האוויר", "fa": "نرخ ارز", "hi": "मौसम", "vi": "Tỷ giá", "id": "Cuaca", "ms": "Kadar pertukaran",
    "th": "อัตราแลกเปลี่ยน", "uz": "Valyuta kurslari", "az": "Hava proqnozu", "bg": "Времето", "sr": "Kursna lista",
    "hr": "Tečajna lista", "ja": "天気", "ko": "날씨",
}
SOURCES_HEADINGS = {
    "en": "Sources", "ru": "Источники", "kk": "Дереккөздер", "uk": "Джерела", "de": "Quellen", "fr": "Nos sources",
    "es": "Fuentes", "it": "Fonti", "pt": "Fontes", "tr": "Kaynaklar", "ar": "المصادر", "zh": "参考资料",
    "pl": "Źródła", "nl": "Bronnen", "cs": "Zdroje", "sk": "Zdroje informácií", "sv": "Källor", "da": "Kilder",
    "no": "Kilder", "fi": "Lähteet", "hu": "Források", "ro": "Surse", "el": "Πηγές", "he": "מקורות", "fa": "منابع",
    "hi": "स्रोत", "vi": "Nguồn tham khảo", "id": "Sumber", "ms": "Rujukan", "bg": "Източници", "sr": "Izvori",
    "hr": "Izvori", "ja": "参考文献", "ko": "참고 자료",
}
# table -> (its example titles, the box around a title, the rule that takes the box, text inside the box)
HEADED_BOXES = {
    "widgets": (WIDGET_TITLES, "<div class='w'><h4>{}</h4><ul><li>USD 1.0832</li><li>EUR 0.9231</li><li>+12°C</li></ul></div>",
                "widget", "USD 1.0832"),
    "sources": (SOURCES_HEADINGS, "<div class='box'><div>{}</div><ul><li>Council minutes, 12 May</li>"
                "<li>Interview with the mayor</li></ul></div>", "sources", "Council minutes"),
}  # fmt: skip


@pytest.mark.parametrize("table", sorted(HEADED_BOXES))
def test_box_heading_tables_cover_the_tested_languages(table: str) -> None:
    assert set(load_patterns(table)["headings"]) == set(HEADED_BOXES[table][0])


@pytest.mark.parametrize(("table", "language"), [(t, lang) for t, (titles, *_) in sorted(HEADED_BOXES.items()) for lang in sorted(titles)])
def test_a_headed_box_goes_between_story_paragraphs_in_every_language(table: str, language: str) -> None:
    titles, box, rule, inside = HEADED_BOXES[table]
    tree = _page(f"<article><p>{STORY}</p>{box.format(titles[language])}<p>{STORY_2}</p></article>")
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == [rule]
    text = _body_text(tree)
    assert inside not in text and titles[language] not in text
    assert STORY in text and STORY_2 in text


def test_weather_subheading_inside_a_story_stays() -> None:
    tree = _page(f"<article><p>{STORY}</p><h2>Weather</h2><p>{STORY_2}</p></article>")
    assert clean_tree(tree) == []
    assert tree.find(".//h2").text == "Weather"


# --- sources: clean_tree ------------------------------------------------------------


def test_sources_box_goes_whole_with_items_that_are_not_links() -> None:
    tree = _page(
        f"<article><p>{STORY}</p><p>{STORY_2}</p>"
        "<div class='box'><div>Verwendete Quellen</div><ul><li>Eigene Recherchen</li>"
        "<li>nytimes.com: Behind the seized tanker (Englisch)</li><li>dpa</li></ul></div></article>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["sources"]
    text = _body_text(tree)
    assert "Recherchen" not in text and "nytimes" not in text
    assert STORY in text and STORY_2 in text


def test_bare_sources_heading_goes_with_the_list_after_it() -> None:
    tree = _page(
        f"<article><p>{STORY}</p><h3>Sources:</h3><ul><li>Council minutes, 12 May</li><li>Interview with the mayor</li></ul>"
        f"<p>{STORY_2}</p></article>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["sources", "sources"]
    text = _body_text(tree)
    assert "Council minutes" not in text and "Sources" not in text
    assert STORY in text and STORY_2 in text


def test_a_box_climb_stops_at_story_text_written_straight_into_a_div() -> None:
    # no <p>: the story is the div's own text around its children, and it is story text all the same
    tree = _page(f"<div id='s'>{STORY}<div><div>Źródła</div><ul><li>Urząd Miejski</li></ul></div>{STORY_2}</div>")
    removed = clean_tree(tree)
    assert [(r.rule, r.text) for r in removed] == [("sources", "ŹródłaUrząd Miejski")]
    assert STORY in _body_text(tree) and STORY_2 in _body_text(tree)


@pytest.mark.parametrize(
    "html",
    [
        f"<article><p>{STORY}</p><h2>Fuentes</h2><p>{STORY_2}</p></article>",  # a sub-heading over story text
        f"<article><p>Sources said the vote would be close.</p><p>{STORY}</p></article>",  # the word in a sentence
    ],
)
def test_sources_word_in_story_text_stays(html: str) -> None:
    tree = _page(html)
    before = _body_text(tree)
    assert clean_tree(tree) == []
    assert _body_text(tree) == before


# --- summaries: clean_tree ------------------------------------------------------------


KEY_POINTS = [
    "The council approved the budget after a night-long debate and a close final vote of nine to eight.",
    "Repairs to the three oldest bridges start in spring, when the river is at its lowest for the crews.",
]


@pytest.mark.parametrize("title", ["Kort fortalt", "Das Wichtigste in Kürze", "Key points", "En bref"])
def test_key_points_box_goes_though_its_items_are_story_length(title: str) -> None:
    items = "".join(f"<li><p>{t}</p></li>" for t in KEY_POINTS)
    tree = _page(
        f"<article><div class='box'><button>i</button><div><h2>{title}</h2><div><ul>{items}</ul></div></div></div>"
        f"<p>{STORY}</p><p>{STORY_2}</p></article>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["summary"]
    text = _body_text(tree)
    assert KEY_POINTS[0] not in text and title not in text
    assert STORY in text and STORY_2 in text


def test_a_summary_heading_over_story_paragraphs_stays() -> None:
    tree = _page(f"<article><p>{STORY}</p><h3>In short</h3><p>{STORY_2}</p></article>")
    before = _body_text(tree)
    assert clean_tree(tree) == []
    assert _body_text(tree) == before


# --- promos: is_promo ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Join us on Telegram for breaking news",
        "Subscribe to our newsletter and get the day's news every morning",
        "Check out more of our latest travel stories by signing up to our free weekly newsletter",
        "Подписывайтесь на наш Telegram-канал",
        "Telegram-ға жазылыңыз!",
        "Folgen Sie uns auf Instagram",
        "Suivez-nous sur Facebook et Twitter",
        "Síguenos en X",
        "Bizi takip edin",
        "تابعونا على تويتر",
        "This is a breaking news story - more to follow Join our commenting forum",
        "2 Wochen kostenlos testen",
        "Get the latest news from example.com in your inbox.",
        "We independently select everything we recommend. Buying through us may earn us a commission.",
        "Hat Ihnen dieser Artikel gefallen? Dann unterstützen Sie uns bitte mit einer Spende.",
        "Unabhängiger Journalismus braucht deine Unterstützung.",
        "Fehler gefunden? Jetzt melden.",
        "Spotted an error? Let us know.",
        "Soutenez notre journalisme indépendant",
        "Do you have a story to tell? Email: news@example.com",
        "End of Article",
        "Article content",
        "Join thought-provoking conversations, follow other readers and see their replies",
        "Abonniere den Whatsapp-Kanal von 20 Minuten und du bekommst regelmässig News",
        "3 Minuten Lesezeit",
        "5 min read",
        "This is a breaking news story - more to follow",
        "カテゴリーをフォローする",
        "Esta funcionalidad es sólo para suscriptores",
        "Advertisement 1Story continues belowThis advertisement has not loaded yet, but your article continues below.",
        "Seen flooding on your street? Get in touch at newsdesk@example.com",
        "Sign up for our daily briefing. You can unsubscribe at any time.",
        "Our members get offers from us and our partners. You can check out at any time. Read our Privacy Policy",
        "Sie haben Hinweise zu dem Fall? Melden Sie sich vertraulich über Signal.",
        "Vous avez été témoin ? Écrivez-nous à redaction@example.fr",
        "Create an account or sign in to comment",
        "You must be logged in to post a comment.",
        "Thanks for subscribing! Look out for your first newsletter in your inbox soon!",
        "Awesome, you're subscribed!",
        "Enter email address",
        "No thanks",
        "Danke für Ihre Anmeldung!",
        "Votre adresse e-mail",
        "¡Gracias por suscribirte!",
    ],
)
def test_promo_lines_are_promos(text: str) -> None:
    assert is_promo(text)


def test_a_long_appeal_ending_in_a_call_to_action_is_a_promo() -> None:
    appeal = (
        "Gerade jetzt braucht es Zusammenhalt und Solidarität. Eine offene Gesellschaft braucht guten, frei "
        "zugänglichen Journalismus – und zivilgesellschaftliches Engagement. Finden Sie auch? Dann machen Sie mit "
        "und unterstützen Sie unsere Aktion. Noch bis zum 31. Oktober gehen 50 Prozent aller Einnahmen an das "
        "Netzwerk. Sind Sie dabei? Jetzt unterstützen"
    )
    assert len(appeal) > load_patterns("promos")["max_chars"]
    assert is_promo(appeal)
    for pattern in load_patterns("promos")["closing_calls"]["patterns"]:
        re.compile(pattern)
    story = "The charity asked residents to support us, the mayor said, and many of them did so by the end of the week."
    assert not is_promo(story + " " + story)
    assert not is_promo(story + " " + story + " The platform now has two million readers who pay to subscribe now.")


def test_story_text_mentioning_telegram_is_no_promo() -> None:
    assert not is_promo("The minister announced his resignation in a Telegram post on Sunday evening.")
    assert not is_promo("The scam emails sat in your inbox looking like notices from the bank.")
    assert not is_promo("The witness kept sharing his account of the night with reporters.")
    assert not is_promo("The hotel manager said guests can check out at any time, but breakfast ends at ten.")
    assert not is_promo("Yes, you can unsubscribe at any time! The cancellation takes effect at the end of the billing period.")
    assert not is_promo("Community tools allow viewers to comment on, react to, and share live streams.")  # no sign-in asked
    assert not is_promo("The mayor said residents should get in touch with the council before the works start.")
    long = (
        "Several hours before the announcement, the ministry told journalists to subscribe to our newsletter page "
        "on Telegram, a spokesman said, but the channel was later deleted and no one at the ministry would explain "
        "who had set it up or why it had been used to announce the resignation."
    )
    assert len(long) > load_patterns("promos")["max_chars"]
    assert not is_promo(long)


# --- credits: is_credit_line ---------------------------------------------------------------


def test_credit_lines() -> None:
    names = site_names("Tengrinews.kz", "en.tengrinews.kz")
    assert is_credit_line("Source: Reuters", names)
    assert is_credit_line("Источник : ТАСС", names)
    assert is_credit_line("Tengrinews", names)  # the site's brand label alone
    assert is_credit_line("Tengrinews.kz", names)
    assert is_credit_line("Com informações da Agência Brasil", names)
    assert is_credit_line("With reporting by Reuters", names)
    assert is_credit_line("По материалам РИА Новости", names)
    assert is_credit_line("Redaktion: Marcus Bensmann, Elena Müller", names)
    assert is_credit_line("Reporting by Maya Gebeily in Beirut; Editing by David Clarke", names)
    assert is_credit_line("Mit Informationen der Nachrichtenagenturen AFP und dpa", names)
    assert is_credit_line("Reporting by Jane Doe", names)
    assert is_credit_line("Additional reporting from PA", names)
    assert is_credit_line("First published in The Conversation", names)
    assert is_credit_line("Übersetzung und Adaptierung: AFP Deutschland", names)
    assert is_credit_line("(dmk)", names)  # the editor's initials signing off a story
    assert is_credit_line("(dpa/lnw)", names)
    assert not is_credit_line("(2024)", names)
    assert not is_credit_line("Reporting on the war has become more dangerous, the union said.", names)
    assert not is_credit_line("Reporting by the Guardian showed that the ministry knew of the leak.", names)
    assert not is_credit_line("Die Redaktion hat den Bericht am Montag geprüft.", names)
    assert not is_credit_line("The source of the leak remains unknown, officials said.", names)
    assert not is_credit_line("Photographers gathered outside the court on Monday.", names)


# --- consent: is_consent ----------------------------------------------------------------------


def test_consent_prompts() -> None:
    assert is_consent("We use cookies to improve your experience. Accept all")
    assert is_consent("Wir verwenden Cookies. Akzeptieren")
    assert is_consent("Externer Inhalt: Hier klicken, um den Inhalt zu laden")
    assert is_consent("Usamos cookies para melhorar sua experiência. Ao continuar navegando, você concorda com a nossa Política de Privacidade.")
    assert is_consent("Utilizamos cookies propias y de terceros para analizar el tráfico.")
    assert not is_consent("The bakery sold cookies at the village fair.")
    assert not is_consent("A feira vendeu cookies caseiros e bolos no domingo.")
    assert not is_consent("The council will accept the offer on Monday.")
    # the consent word alone is no prompt: it needs an action word of its own
    assert not is_consent("The defendant entered the property without the owner's consent to install a camera.")
    assert is_consent("Manage consent: accept all or choose your settings")
    # prose: "consent" said twice is no action word of its own, nor is "agree" inside "agreements"
    assert not is_consent("37% did not sign the informed consent; 109 participants consented to the study.")
    assert not is_consent("She thought those agreements sufficed. “That is not the same as getting consent,” he said.")
    assert is_consent("By continuing you agreed to our use of cookies")


# --- bylines: is_byline ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By Jane Doe", True),
        ("By Jane Doe and John Smith", True),
        ("Автор: Иван Петров", True),
        ("Von Max Mustermann und Erika Musterfrau", True),
        ("Par Jean Dupont", True),
        ("By the way", False),
        ("By the way, the council never voted on the plan.", False),
        ("By Tuesday the river had risen by two metres", False),
        ("Jane Doe", False),
        ("홍길동 기자", True),
        ("박준석 기자 외 1명", True),
        ("山田太郎記者", True),
        ("ワシントン＝山田太郎", False),
        ("기자들이 현장을 취재했다.", False),
        ("政府は記者会見で説明した。", False),
        # more languages: a credit word, then names
        ("Tekst: Jan Kowalski", True),
        ("Door Jan de Vries", True),
        ("Av Anna Svensson", True),
        ("Skrevet af Lars Hansen", True),
        ("Kirjoittaja: Matti Virtanen", True),
        ("Szerző: Kovács János", True),
        ("Συντάκτης: Γιώργος Παπαδόπουλος", True),
        ("מאת דנה כהן", True),
        ("Tác giả: Nguyễn Văn An", True),
        ("Oleh Budi Santoso", True),
        ("Piše: Marko Marković", True),
        ("Av alla förslag valdes det billigaste.", False),
        ("Oleh karena itu, rapat ditunda.", False),
        ("Door de regen viel de wedstrijd uit.", False),
    ],
)
def test_bylines(text: str, expected: bool) -> None:
    assert is_byline(text) is expected


# --- social_embeds: is_social_embed ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What a day at the summit! pic.twitter.com/Ab12Cd", True),
        ("Great news for the city. — Jane Doe (@janedoe) May 3, 2024", True),
        ("View this post on Instagram", True),
        ("A post shared by NASA (@nasa)", True),
        ("The mayor wrote on Twitter that the bridge would reopen in May.", False),
    ],
)
def test_social_embeds(text: str, expected: bool) -> None:
    assert is_social_embed(text) is expected


# --- captions: is_caption -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pictured: the damaged bridge after the flood", True),
        ("На фото: президент на встрече с журналистами", True),
        ("Im Bild: Der neue Bahnhof", True),
        ("Pictures from the scene show a damaged bridge.", False),
        ("In the photograph he holds, the bridge is still intact.", False),
        # more languages
        ("Na zdjęciu: burmistrz podczas otwarcia mostu", True),
        ("Na snímku: nový most přes Vltavu", True),
        ("Op de foto: de burgemeester bij de opening", True),
        ("På bilden: borgmästaren vid invigningen", True),
        ("Kuvassa pormestari avajaisissa", True),
        ("A képen: a polgármester az átadáson", True),
        ("În imagine: primarul la inaugurare", True),
        ("Στη φωτογραφία: ο δήμαρχος στα εγκαίνια", True),
        ("בתמונה: ראש העיר בטקס", True),
        ("Trong ảnh: thị trưởng tại lễ khánh thành", True),
        ("Dalam foto: wali kota saat peresmian jembatan", True),
        ("ในภาพ: นายกเทศมนตรีในพิธีเปิด", True),
        ("Na fotografiji: gradonačelnik na otvaranju", True),
        ("Op de fotograaf werd geschoten.", False),
        ("Dalam fotosintesis, tumbuhan membuat makanan.", False),
    ],
)
def test_captions(text: str, expected: bool) -> None:
    assert is_caption(text) is expected


# --- boxes must not take story text (regressions found in review) ------------------------------


LONG_SENTENCE = (
    "The ministry said on Monday that the works on the northern bridge would start in spring and "
    "take about two years, with one lane open to traffic during the whole time."
)


@pytest.mark.parametrize(
    ("html", "sentence"),
    [
        # story text after the marker's element inside one box candidate
        (
            f"<div><h3>More from The Herald</h3><img src='a.jpg'>{LONG_SENTENCE}"
            "<ul><li><a href='/1'>Storm closes the northern pass</a></li></ul></div>",
            LONG_SENTENCE,
        ),
        # a story paragraph beside a read-also line in one container
        (
            "<div><p>Read also: <a href='/1'>Storm closes the northern mountain pass for a week</a></p>"
            "<p>The mayor said the council would meet again on Friday to vote.</p></div>",
            "The mayor said the council would meet again on Friday to vote.",
        ),
        # a link in bold inside a sentence is no teaser card's headline
        (
            "<article><p><strong>Read also:</strong></p><p>The council said <strong><a href='/r'>the full report "
            f"of the bridge commission</a></strong> will be out next week.</p><p>{STORY}</p></article>",
            "The council said the full report of the bridge commission will be out next week.",
        ),
    ],
)
def test_story_text_beside_a_read_also_marker_stays(html: str, sentence: str) -> None:
    tree = _page(html)
    clean_tree(tree)
    assert sentence in _body_text(tree)


def test_a_live_blog_in_list_items_is_not_a_sources_box() -> None:
    post = f"<li class='post'><h2>10:42</h2><p>{STORY}</p><p>{STORY_2}</p><h3>Sources</h3><p>dpa</p></li>"
    tree = _page(f"<ul class='blog'>{post}{post}</ul>")
    clean_tree(tree)
    assert _body_text(tree).count(STORY) == 2


def test_a_summary_heading_over_short_paragraphs_is_no_list_box() -> None:
    short = ["The mayor opened the bridge.", "It cost 12 million.", "Traffic starts on Monday."]
    tree = _page("<article><h1>Short news</h1><p>Bridge opens</p><h2>Summary</h2>" + "".join(f"<p>{t}</p>" for t in short) + "<ul><li>Photos</li></ul></article>")
    clean_tree(tree)
    assert all(t in _body_text(tree) for t in short)


def test_consent_word_and_a_cookie_word_make_a_prompt() -> None:
    assert is_consent("I consent to cookies")


# --- the noise classes kept as data in at least fifteen languages each --------------------------------

# A table's languages are its keys; "any" holds language-free patterns ("© 2024").
MIN_LANGUAGES = 15


@pytest.mark.parametrize(("table", "key"), [
    ("copyright", "patterns"), ("editors", "patterns"), ("photo_credits", "patterns"), ("polls", "headings"),
    ("breadcrumbs", "headings"), ("ad_labels", "patterns"), ("read_also", "markers"), ("promos", "patterns"),
    ("share_labels", "labels"), ("widgets", "headings"), ("sources", "headings"), ("captions", "starters"),
    ("bylines", "prefixes"), ("summaries", "headings"),
])
def test_each_noise_class_covers_fifteen_languages(table: str, key: str) -> None:
    assert len(set(load_patterns(table)[key]) - {"any"}) >= MIN_LANGUAGES


# (text, the rule that takes it) in many languages and scripts
NOTICE_LINES = [
    ("© 2024 Reuters", "copyright"),
    ("Copyright 2024 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.", "copyright"),
    # a site footer's legal line with its links (206 characters)
    ("© Valve Corporation. All rights reserved. All trademarks are property of their respective owners in the US and "
     "other countries. Privacy Policy | Legal | Accessibility | Steam Subscriber Agreement | Refunds | Cookies", "copyright"),
    ("VAT included in all prices where applicable. Privacy Policy | Legal | Accessibility | Refunds | Cookies", "copyright"),
    ("Все права защищены. Перепечатка без разрешения запрещена.", "copyright"),
    ("Барлық құқықтар қорғалған", "copyright"),
    ("Barcha huquqlar himoyalangan", "copyright"),
    ("Nachdruck nur mit Genehmigung des Verlags", "copyright"),
    ("Reproduction interdite", "copyright"),
    ("Riproduzione riservata", "copyright"),
    ("Tüm hakları saklıdır. İzinsiz kullanılamaz.", "copyright"),
    ("جميع الحقوق محفوظة", "copyright"),
    ("सर्वाधिकार सुरक्षित", "copyright"),
    ("未经授权，不得转载", "copyright"),
    ("記事・写真の無断転載を禁じます", "copyright"),
    ("<저작권자 ⓒ 한국일보, 무단 전재 및 재배포 금지>", "copyright"),
    ("Wszelkie prawa zastrzeżone", "copyright"),
    ("责任编辑：王伟", "editor_line"),
    ("（責任編輯：李明）", "editor_line"),
    ("Ответственный редактор: Иван Петров", "editor_line"),
    ("Жауапты редактор: Асқар Нұрланов", "editor_line"),
    ("V.i.S.d.P.: Erika Musterfrau", "editor_line"),
    ("Editor responsable: Ana García", "editor_line"),
    ("Sorumlu Yazı İşleri Müdürü: Ali Yılmaz", "editor_line"),
    ("Redaktor prowadzący: Jan Kowalski", "editor_line"),
    ("संपादन: राहुल शर्मा", "editor_line"),
    ("Editing: Jane Doe", "editor_line"),
    ("Фото: ТАСС", "photo_credit"),
    ("FILE PHOTO: The logo of the company is seen at its headquarters", "photo_credit"),
    ("AP Photo/Evan Vucci", "photo_credit"),
    ("Andrea Verdelli/Getty Images", "photo_credit"),  # any language: names, a slash, an agency
    ("Long Wei/Costfoto/Barcroft Media via Getty Images", "photo_credit"),
    ("Jean Dupont/AFP", "photo_credit"),
    ("Archivbild: dpa", "photo_credit"),
    ("Symbolbild", "photo_credit"),
    ("Photo d'archives AFP", "photo_credit"),
    ("Foto de archivo", "photo_credit"),
    ("Arşiv fotoğrafı", "photo_credit"),
    ("صورة أرشيفية", "photo_credit"),
    ("फाइल फोटो", "photo_credit"),
    ("资料图", "photo_credit"),
    ("写真：共同", "photo_credit"),
    ("사진=연합뉴스", "photo_credit"),
    ("Fot. PAP/Radek Pietruszka", "photo_credit"),
    ("Surat: Kun.uz", "photo_credit"),
    ("Advertisement", "ad_label"),
    ("- ADVERTISEMENT -", "ad_label"),
    ("Story continues below advertisement", "ad_label"),
    ("Anzeige", "ad_label"),
    ("Publicité", "ad_label"),
    ("Publicidad", "ad_label"),
    ("Реклама", "ad_label"),
    ("Жарнама", "ad_label"),
    ("Reklam", "ad_label"),
    ("إعلان", "ad_label"),
    ("विज्ञापन", "ad_label"),
    ("广告", "ad_label"),
    ("広告", "ad_label"),
    ("광고", "ad_label"),
]


@pytest.mark.parametrize(("text", "rule"), NOTICE_LINES)
def test_notice_lines_in_many_languages(text: str, rule: str) -> None:
    assert line_kind(text) == rule


@pytest.mark.parametrize(
    "text",
    [
        "The band's copyright dispute with the label went to court on Monday, lawyers said.",
        "Reproduction of the painting was sold for a record price at the auction.",
        "The editor said the paper would publish a correction on Tuesday.",
        "Der verantwortliche Redakteur wurde am Montag entlassen, teilte der Verlag mit.",
        "Photographers gathered outside the court on Monday.",
        "File photos released by the police show the suspect entering the bank.",
        "Archivbilder zeigen die Brücke vor dem Einsturz.",
        "Фотографии с места событий опубликовал губернатор.",
        "Редактор газеты заявил, что опровержение выйдет во вторник.",
        "编辑部表示将在周二发布更正。",
        "写真家の展覧会が東京で始まった。",
        "The council reserved all rights to appeal the ruling in a higher court.",
        "Eight garages and their hardware (New Britain, Conn. : Stanley Works, ©1919.)",  # a citation, not a notice
        "Video: 4K/30p, Full HD 120p for slow motion",  # a camera's specification
        "He said the photo came via Getty Images.",  # a sentence about an agency
        "Advertising",  # a section of a story about advertising, not an ad slot's label
        "Advertising revenue rose 5% in the quarter, the company said.",
        "Werbung für Tabak ist in Deutschland weitgehend verboten.",
        "Реклама на телевидении дорожает третий год подряд.",
        "Sales rose 5%/AFP data show",
        "The company changed its privacy policy and its terms of service on Monday.",
    ],
)
def test_story_sentences_with_the_words_are_no_notice(text: str) -> None:
    assert line_kind(text) is None


# --- polls: clean_tree --------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["Umfrage", "Poll", "Опрос", "Sondage", "Encuesta", "Anket", "استطلاع", "アンケート", "投票", "So'rovnoma"])
def test_a_reader_poll_goes_whole(title: str) -> None:
    tree = _page(
        f"<article><p>{STORY}</p><div class='poll'><h3>{title}</h3><p>Should the council repair the bridges first?</p>"
        "<ul><li><label><input type='radio'>Yes</label></li><li><label><input type='radio'>No</label></li></ul>"
        f"<button>Vote</button></div><p>{STORY_2}</p></article>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["poll"]
    text = _body_text(tree)
    assert "repair the bridges first" not in text and title not in text
    assert STORY in text and STORY_2 in text


@pytest.mark.parametrize(
    "html",
    [
        f"<article><p>{STORY}</p><h2>Umfrage</h2><p>{STORY_2}</p></article>",  # a sub-heading over story text
        "<section><h3>poll</h3><pre>fn poll(self: Pin&lt;&amp;mut Self&gt;) -&gt; Poll</pre><p>Polls the future.</p></section>",  # an API's method
    ],
)
def test_a_poll_heading_without_a_poll_stays(html: str) -> None:
    tree = _page(html)
    before = _body_text(tree)
    assert clean_tree(tree) == []
    assert _body_text(tree) == before


# --- breadcrumbs: clean_tree and is_breadcrumb ---------------------------------------------------------------


@pytest.mark.parametrize("home", ["Home", "Главная", "Startseite", "Accueil", "Inicio", "Ana Sayfa", "الرئيسية", "首页", "ホーム", "홈", "होम", "Bosh sahifa"])
def test_a_breadcrumb_trail_above_the_headline_goes(home: str) -> None:
    tree = _page(
        f"<article><nav><ol><li><a href='/'>{home}</a></li><li><a href='/news'>News</a></li><li><a href='/news/world'>World</a></li></ol></nav>"
        f"<h1>Budget approved</h1><p>{STORY}</p><p>{STORY_2}</p></article>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["breadcrumb"]
    text = _body_text(tree)
    assert home not in text and "World" not in text
    assert text.startswith("Budget approved") and STORY in text


def test_a_home_link_inside_a_sentence_stays() -> None:
    sentence = "The mayor posted the plan on the council's <a href='/'>home</a> page and <a href='/news'>news</a> site."
    tree = _page(f"<article><p>{STORY}</p><p>{sentence}</p></article>")
    assert clean_tree(tree) == []
    assert "posted the plan on the council's home page and news site." in _body_text(tree)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Home › News › World", True),
        ("Главная / Новости / Политика", True),
        ("Startseite | Politik | Ausland", True),
        ("Politik › Ausland", True),
        ("首页 > 国际", True),
        ("Before / After", False),
        ("Home is where the heart is / she said, and the crowd cheered.", False),
        ("The score was 3 > 2 in the end.", False),
        ("setAge(a => a + 1);", False),
        ("</div>", False),
        ("Scrambled eggs → tofu scramble", False),
        ("«Le Monde» annonce", False),
    ],
)
def test_breadcrumb_lines(text: str, expected: bool) -> None:
    assert is_breadcrumb(text) is expected


# --- read_also in more languages and scripts --------------------------------------------------------------


@pytest.mark.parametrize(
    "marker",
    ["Sondai-aq oqyñyz:", "Shuningdek o'qing:", "Шунингдек ўқинг:", "Bunlar da ilginizi çekebilir", "相关报道", "あわせて読みたい", "यह भी पढ़ें:", "اقرأ المزيد", "Baca juga:", "Xem thêm:"],
)
def test_read_also_markers_in_more_scripts(marker: str) -> None:
    tree = _page(
        f"<div id='story'><p>{STORY}</p><div><strong>{marker}</strong> <a href='/other'>Storm closes the northern mountain pass for a week</a></div>"
        f"<p>{STORY_2}</p></div>"
    )
    removed = clean_tree(tree)
    assert [r.rule for r in removed] == ["read_also"]
    assert "northern mountain pass" not in _body_text(tree) and STORY_2 in _body_text(tree)


# --- subscription and app promos in more languages ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Скачайте наше приложение для iOS и Android",
        "Оформите подписку, чтобы читать дальше",
        "Завантажуйте наш застосунок",
        "Ilovamizni yuklab oling",
        "Kanalimizga obuna bo'ling",
        "Téléchargez notre application",
        "Descarga nuestra app",
        "Scarica la nostra app",
        "Baixe o nosso app",
        "Uygulamamızı indirin",
        "حمّل تطبيق الجزيرة",
        "下载客户端，阅读更多",
        "アプリをダウンロード",
        "この記事は有料会員限定です",
        "有料会員になると続きをお読みいただけます",
        "地方新聞電子版が利用できる",
        "電子版のお申し込みはこちら",
        "앱 다운로드",
        "ऐप डाउनलोड करें",
        "Download de app van de krant",
        "Pobierz naszą aplikację",
        "Unduh aplikasi kami",
        "Tải ứng dụng ngay",
    ],
)
def test_app_and_subscription_promos_in_more_languages(text: str) -> None:
    assert is_promo(text)


@pytest.mark.parametrize(
    "text",
    [
        "The bank said its customers could check their balance in the new app from Monday.",
        "Клиенты банка жаловались на сбои в мобильном приложении во вторник.",
        "Gli abbonati a Netflix sono cresciuti del cinque per cento nel trimestre.",
        "इन नियमों को फॉलो करें, डॉक्टरों ने कहा।",
        "新聞を購読する人が減っている。",
        "東京新聞電子版の読者は前年より増えた。",
        "日経電子版の有料会員数は100万人を超えた。",
        "The hackers stole every customer's email address and password.",
        "No, thanks to the rain the match was called off at half time.",
    ],
)
def test_story_sentences_about_apps_and_subscribers_are_no_promo(text: str) -> None:
    assert not is_promo(text)


# --- general or site data ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Join our commenting forum",  # The Independent only: newsbot/sites/theindependent.toml
        "If you continue reading on this device, you will be signed out on the other one.",  # El País's dialog, translated
        "기사 URL이 복사되었습니다",  # Hankook Ilbo's toast: hankookilbo.toml drops it by selector
    ],
)
def test_one_publishers_wording_is_no_general_pattern(text: str) -> None:
    assert not is_promo(text)


def test_one_publishers_syndication_note_is_no_consent_prompt() -> None:
    # Stern's note on a partner brand's story held "partnermarke" and "können diesen inhalt" in the consent table
    assert not is_consent("Capital ist eine Partnermarke des Stern. Sie können diesen Inhalt sehen, weil wir ausgewählte Stücke zur Verfügung stellen.")
