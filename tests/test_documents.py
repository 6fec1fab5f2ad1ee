"""The primary-document set (data/documents.csv) and its sourcing organiser, as a learner and a teacher use them."""
import pandas as pd
import pytest

from twopowers.activities import ORGANISER, Document, document
from twopowers.data import table

LESSON = "05g_in_their_own_words"


@pytest.fixture(scope="module")
def documents():
    return table("documents")


def test_the_set_has_at_least_ten_documents_from_every_side_with_full_headnotes(documents):
    assert len(documents) >= 10
    assert set(documents["side"]) >= {"U.S. administration", "Iran", "Iraqi government", "Iraqi parliament",
                                       "Kurdish and Sunni leaders", "Protesters", "Sistani", "Shia blocs and militias"}
    for column in ("author", "place", "audience", "purpose", "published_in", "context", "excerpt_note"):
        assert documents[column].str.strip().astype(bool).all(), f"a headnote lacks {column}"
    translated = documents[~documents["published_in"].str.contains("Pentagon|Fox|Palm Beach|USA Today|New York")]
    assert translated["translation_note"].str.len().gt(0).mean() > 0.8, "translated texts say whose translation"
    assert documents["date"].is_monotonic_increasing, "in date order"


def test_each_excerpt_is_short_enough_to_quote_fairly(documents):
    for row in documents.itertuples():
        words = len(row.excerpt.split())
        limit = 150 if "public domain" in row.excerpt_note else 80
        assert words <= limit, f"{row.doc_id}: {words} words, more than {limit}"


def test_each_document_asks_sourcing_questions_and_rests_on_a_source_a_historian_accepts(documents):
    sources = table("sources").set_index("source_id")
    for row in documents.itertuples():
        assert len(row.questions) >= 2 and all(q.endswith("?") for q in row.questions), row.doc_id
        assert sources.loc[row.source_ids[0], "kind"] in {"primary", "official", "news", "research"}, row.doc_id


def test_the_strike_is_told_in_the_us_governments_words_and_in_irans_and_iraqs(documents):
    strike = documents[documents["date"] <= pd.Timestamp("2020-01-03")]
    assert {"U.S. administration", "Iran", "Sistani"} <= set(strike["side"])


def test_the_organiser_saves_partial_notes_keeps_them_and_refuses_an_empty_save(store, documents):
    sheet = Document(LESSON, "d01", store, documents)
    assert "Pentagon" in sheet.box.children[0].value and "headnote" in sheet.box.children[0].value
    sheet.save_button.click()
    assert "Write in at least one box" in sheet.status.value
    assert store.get("texts", LESSON, "sourcing-d01") is None
    sheet.fields["author"].value = "The Pentagon, for the press and for Iran."
    sheet.save_button.click()
    assert "Saved (1 of 4 boxes)" in sheet.status.value and "what you wrote is kept" in sheet.status.value
    again = Document(LESSON, "d01", store, documents)
    assert again.fields["author"].value == "The Pentagon, for the press and for Iran."
    assert set(store.get("texts", LESSON, "sourcing-d01")["value"]) == {key for key, _ in ORGANISER}


def test_an_unknown_document_is_a_message_not_a_traceback(store):
    shown = document(LESSON, "d99", store=store)
    html = shown._repr_html_() if hasattr(shown, "_repr_html_") else str(shown.data)
    assert "There is no document" in html and "d01" in html
