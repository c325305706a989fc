"""The shingle metric against values computed by hand (in the comments), not read off the code's output."""

from __future__ import annotations

import pytest

from newsbot.evaluation.metric import (
    BodyScore,
    lead_once,
    leaked,
    score_body,
    shingles,
    summarize_bodies,
    title_matches,
    tokens,
    unmatched_text,
)


def test_tokens_are_unicode_word_runs_with_case_kept():
    assert tokens("Straße, 2024: café! snake_case") == ["Straße", "2024", "café", "snake_case"]
    assert tokens(" — … ") == []


def test_shingles_of_long_short_and_empty_texts():
    # 6 tokens -> 3 four-grams; the repeated 4-gram is counted twice.
    assert shingles(tokens("a b c d a b c d")) == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }
    assert shingles(["Hello", "world"]) == {("Hello", "world"): 1}
    assert shingles([]) == {}


def test_page_scores_by_hand():
    # gold shingles: abcd, bcde (2); prediction: abcd (1); TP 1 -> P 1/1, R 1/2, F1 2*1*0.5/1.5 = 2/3.
    s = score_body("a b c d", "a b c d e")
    assert (s.precision, s.recall, s.exact, s.predicted, s.gold) == (1.0, 0.5, False, 1, 2)
    assert s.f1 == pytest.approx(2 / 3)
    # Multiset: gold "x y z w x y z w" has xyzw twice among 5 shingles; prediction "x y z w" matches one: R 1/5.
    s = score_body("x y z w", "x y z w x y z w")
    assert (s.precision, s.recall) == (1.0, 0.2)
    # Prediction repeats a gold shingle: only min(2, 1) = 1 counts -> P 1/5, R 1.
    s = score_body("x y z w x y z w", "x y z w")
    assert (s.precision, s.recall) == (0.2, 1.0)


def test_identical_token_lists_are_exact_whatever_the_punctuation():
    s = score_body("Hello, world!", "Hello world")
    assert (s.precision, s.recall, s.exact, s.f1) == (1.0, 1.0, True, 1.0)
    # Disjoint one-token texts share nothing.
    s = score_body("b", "a")
    assert (s.precision, s.recall, s.exact) == (0.0, 0.0, False)


def test_empty_prediction():
    s = score_body("", "one two three four five")
    assert (s.precision, s.recall, s.f1, s.predicted, s.gold) == (0.0, 0.0, 0.0, 0, 2)


def test_corpus_means_and_f1_of_means():
    pages = [
        score_body("a b c d", "a b c d e"),  # P 1, R 1/2
        score_body("", "a b c d e"),  # empty prediction: out of P, R 0, strict P 0
        score_body("a b c d q r s t", "a b c d e"),  # pred shingles abcd bcdq cdqr dqrs qrst: TP 1 -> P 1/5, R 1/2
        score_body("a b", "a b"),  # exact: P 1, R 1
    ]
    summary = summarize_bodies(pages)
    p = (1 + 0.2 + 1) / 3  # 0.7333
    r = (0.5 + 0 + 0.5 + 1) / 4  # 0.5
    assert summary.pages == 4
    assert summary.precision == pytest.approx(p)
    assert summary.recall == pytest.approx(r)
    assert summary.f1 == pytest.approx(2 * p * r / (p + r))  # 0.5946, not the mean of page F1s
    assert summary.exact == 0.25
    assert summary.strict_precision == pytest.approx((1 + 0 + 0.2 + 1) / 4)
    # page F1s: 2/3, 0, 2*0.2*0.5/0.7 = 0.286, 1 -> three under 0.8
    assert summary.low_f1 == 3


def test_empty_corpus_summary_is_zero_not_an_error():
    summary = summarize_bodies([])
    assert (summary.precision, summary.recall, summary.f1, summary.exact) == (0.0, 0.0, 0.0, 0.0)


def test_page_f1_is_zero_when_nothing_matches():
    assert BodyScore(0.0, 0.0, False, 3, 3).f1 == 0.0


def test_unmatched_text_shows_missing_and_extra_stretches():
    gold = "Intro words here now. The middle part. Final closing words appear last."
    predicted = "Intro words here now. Final closing words appear last. Share this article!"
    # Matched gold shingles: "Intro words here now", "Final closing words appear", "closing words appear last";
    # the tokens they leave uncovered are "The middle part".
    assert unmatched_text(gold, predicted) == ["The middle part"]
    # Prediction's tail: "last Share this article" shingles are unmatched; "last" is covered by "closing words appear last".
    assert unmatched_text(predicted, gold) == ["Share this article"]
    assert unmatched_text(gold, gold) == []
    assert unmatched_text("", gold) == []


def test_unmatched_text_longest_first_and_cut():
    text = "x1 x2 m1 m2 m3 m4 m5 y1 y2 y3 y4 n1 z1 z2 z3 z4"
    other = "x1 x2 x3 x4 y1 y2 y3 y4 z1 z2 z3 z4"
    # Matched shingles: y1-y4, z1-z4; x1 x2 m1 ... is unmatched as a whole.
    assert unmatched_text(text, other) == ["x1 x2 m1 m2 m3 m4 m5", "n1"]
    assert unmatched_text(text, other, limit=1, width=8) == ["x1 x2 m…"]


def test_title_match_after_nfc_and_white_space():
    assert title_matches("Cafe\u0301  au\n lait ", "Café au lait")
    assert not title_matches("Café au lait | Daily", "Café au lait")
    assert not title_matches(None, "Café au lait")


def test_title_match_reads_typographic_quotes_and_ellipsis_as_typed():
    # WCXB's gold is typed: "Here's" and "guide to..." where the page shows "Here’s" and "guide to…"
    assert title_matches("Here’s how to keep “smart” habits", "Here's how to keep \"smart\" habits")
    assert title_matches("A guide to… low light plants", "A guide to... low light plants")
    assert not title_matches("Here’s how", "Here is how")
    assert not title_matches("A guide to… plants", "A guide to plants")


def test_lead_once():
    body = "The lead.\n\nSecond paragraph."
    assert lead_once("The lead.", body, "The  lead.")
    assert not lead_once("The lead.", "The lead.\n\nThe lead.\n\nSecond paragraph.", "The lead.")
    assert not lead_once(None, body, "The lead.")
    assert not lead_once("Second paragraph.", body, "The lead.")
    assert lead_once(None, body, None)
    assert not lead_once("The lead.", body, None)


def test_leaked_boilerplate():
    assert leaked("Title | Site", "Body text. Subscribe now.", ["Site", "Subscribe", "Cookies"]) == ["Site", "Subscribe"]
    assert leaked(None, "Body text.", ["Cookies"]) == []
