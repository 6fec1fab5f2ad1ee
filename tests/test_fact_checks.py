"""Errors a fact check found (issue 17), each pinned so it cannot come back: the data, the quizzes and the
lessons say the corrected thing everywhere."""
import json
import re
from pathlib import Path

import pytest

from twopowers.data import table

from .test_data import ARTICLE, article_paragraphs, needs_article

ROOT = Path(__file__).resolve().parents[1]


def everything_a_learner_reads() -> dict[str, str]:
    """Every data table, quiz file, lesson, Going further notebook and exercise, as text (outputs included)."""
    paths = [*ROOT.glob("data/*.csv"), *ROOT.glob("data/quizzes/*.yml"), *ROOT.glob("notebooks/**/*.ipynb"),
             *ROOT.glob("solutions/*/*.ipynb"), *ROOT.glob("exercises/*/*.ipynb")]
    texts = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":  # the JSON escapes line breaks and quotes: read the cells as a reader does
            cells = json.loads(text)["cells"]
            text = "\n".join("".join(c["source"]) + "\n" + json.dumps(c.get("outputs", []), ensure_ascii=False)
                             .replace("\\n", " ") for c in cells)
        texts[str(path.relative_to(ROOT))] = text
    return texts


def test_kadhimi_is_called_prime_minister_never_president():
    wrong = re.compile(r"Presidents? (Biden and )?(Mustafa )?(al-)?Kadhimi|Kadhimi,? (Iraq's |the )?president", re.I)
    found = {name: m.group(0) for name, text in everything_a_learner_reads().items() if (m := wrong.search(text))}
    assert not found, found
    e068 = table("timeline").set_index("event_id").loc["e068", "event"]
    assert "Prime Minister Kadhimi" in e068


def paragraphs_of(actor_id: str) -> set[int]:
    actors = table("actors").set_index("actor_id")
    return {int(p) for p in actors.loc[actor_id, "paragraphs"]}


def test_iran_and_the_us_are_listed_in_every_paragraph_that_names_them():
    """What counts as "named" (the datapackage says it: the name, another name, or a word made from it) gives
    Iran ¶10 ("pro-Iran militias") and ¶13, and the U.S. ¶14, ¶15, ¶17 and ¶19; lesson 07's Going further and
    its quiz give Iran's count from the table."""
    assert {10, 13} <= paragraphs_of("iran") and {14, 15, 17, 19} <= paragraphs_of("united-states")
    count = len(paragraphs_of("iran"))
    quiz = (ROOT / "data" / "quizzes" / "07g_log_headlines_voices.yml").read_text(encoding="utf-8")
    assert f"Iran is named in {count} of the article's paragraphs" in quiz
    notebook = everything_a_learner_reads()["notebooks/going-further/07g_log_headlines_voices.ipynb"]
    assert f"**Iran** is named in {count} paragraphs" in notebook
    assert "a word made from it" in notebook, "the lesson says what counts as named"


@needs_article
def test_the_paragraphs_listed_for_iran_and_the_us_are_exactly_those_that_name_them():
    names = {"iran": r"\b(pro-)?Iran(ian)?s?\b", "united-states": r"\bU\.S\.|\bAmerica(n|ns)?\b|\bWashington\b|\bUnited States\b"}
    for actor_id, pattern in names.items():
        named = {n for n, text in article_paragraphs().items() if re.search(pattern, text)}
        assert paragraphs_of(actor_id) == named, (actor_id, sorted(named ^ paragraphs_of(actor_id)))


def test_fatahs_2021_seats_are_given_with_each_counting_stage_and_its_source():
    e069 = table("timeline").set_index("event_id").loc["e069"]
    for stage in ("14 in the preliminary count", "17 in", "final results"):
        assert stage in e069["event"], e069["event"]
    assert {"shafaq-2021-10-12-fatah-rejects", "ina-2021-11-30-results"} <= set(e069["source_ids"])
    sources = table("sources").set_index("source_id")
    assert "won 14 seats" in sources.loc["shafaq-2021-10-12-fatah-rejects", "note"]
    assert "won 17 seats" in sources.loc["ina-2021-11-30-results", "note"]


def test_ahmed_al_asadi_is_described_with_what_is_known_and_how_sure_it_is():
    row = table("actors").set_index("actor_id").loc["ahmed-al-asadi"]
    assert "PMF's official spokesman" in row["role_jan2020"] and "Very probably" in row["role_jan2020"]
    assert {"alwaght-2017-asadi-resigns", "kji-2018-asadi-binaa"} <= set(row["source_ids"])


def test_the_caretakers_power_is_not_said_to_be_unclear_where_the_article_says_the_wording_is():
    quiz = (ROOT / "data" / "quizzes" / "02_how_we_got_here.yml").read_text(encoding="utf-8")
    block = quiz[quiz.index("id: q11-timing-factors"):quiz.index("id: q13-why-caretaker")]
    assert "power to act on it" not in block and "vague wording" in block


@pytest.mark.parametrize("lesson", ["08_the_decision_room", "08g_numbers_and_debrief"])
def test_embassy_staff_who_stayed_after_2011_are_not_counted_as_troops_who_came_back(lesson):
    quiz = (ROOT / "data" / "quizzes" / f"{lesson}.yml").read_text(encoding="utf-8")
    assert "q8-they-came-back" not in quiz
    if "q13-not-quite-zero" in quiz:
        block = quiz[quiz.index("id: q13-not-quite-zero"):]
        assert "stayed at the embassy" in block and "are not the 5,200 troops" in block


def test_the_vote_count_keeps_members_present_apart_from_votes_for():
    """Claim c01: two reports from outside Bloomberg give 170-0, so the verdict is "supported"; the higher numbers
    count members present or come later from a backer of the vote, and the lessons say so, not "170 to 180 votes"."""
    c01 = table("article_claims").set_index("claim_id").loc["c01"]
    assert c01["verdict"] == "supported"
    assert "members present" in c01["note"] and "votes for" in c01["note"]
    texts = everything_a_learner_reads()
    for name in ("notebooks/07_reading_critically.ipynb", "notebooks/going-further/07g_log_headlines_voices.ipynb",
                 "notebooks/going-further/01g_fact_attribution_speculation.ipynb", "data/quizzes/07_reading_critically.yml"):
        assert not re.search(r"170 to about 180 votes|votes \(170 or up to about 180\)", texts[name]), name
    supported = (table("article_claims")["verdict"] == "supported").sum()
    assert f"Of the article's 37 checked claims, {supported} are supported" in texts["data/quizzes/07_reading_critically.yml"]


def test_no_claim_is_checked_against_bloomberg_itself():
    """A Bloomberg explainer or another Bloomberg story is not an independent check of a Bloomberg article."""
    sources = table("sources").set_index("source_id")
    for _, claim in table("article_claims").iterrows():
        checks = [s for s in claim["source_ids"] if s != "article"]
        from_bloomberg = [s for s in checks if "bloomberg" in f"{sources.loc[s, 'publisher']} {sources.loc[s, 'url']}".lower()]
        assert not from_bloomberg, (claim["claim_id"], from_bloomberg)


def test_the_reply_to_the_protesters_answers_their_reason_not_their_motives():
    """Lesson 05 teaches that a motive attack ("foreign agents are behind it") is not a fair reply, so the table's
    strongest reply to the protesters (a12) must answer their reason in its makers' own words, with its source."""
    a12 = table("arguments").set_index("argument_id").loc["a12"]
    motive = re.compile(r"intelligence services|stirring|backed by (the )?money|agents|paid", re.I)
    assert not motive.search(a12["counter_argument"]), a12["counter_argument"]
    assert a12["counter_source"] in a12["source_ids"] and a12["counter_evidence"]
    for name in ("notebooks/05_the_arguments.ipynb", "data/quizzes/05_the_arguments.yml"):
        assert not re.search(r"stirring the (unrest|turmoil)", everything_a_learner_reads()[name]), name
