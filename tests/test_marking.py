"""How each type of question marks an answer, including every kind of bad input a learner may give.

Marking happens in the page, in static/quiz.js; these tests call it there (see quiz_js.py)."""
import pytest

from .conftest import make_question


def test_single_choice(questions, mark):
    q = questions["single"]
    assert mark(q, "A")["status"] == "correct"
    wrong = mark(q, "B")
    assert wrong["status"] == "wrong" and "B is a trap." in wrong["message"]
    assert mark(q, None)["status"] == "invalid"
    assert mark(q, "Z")["status"] == "invalid"


def test_true_false_accepts_words_and_booleans(questions, mark):
    q = questions["truefalse"]
    assert mark(q, False)["status"] == "correct"
    assert mark(q, "false")["status"] == "correct"
    assert mark(q, True)["status"] == "wrong"
    assert mark(q, None)["status"] == "invalid"
    assert mark(q, "maybe")["status"] == "invalid"


def test_multiple_select_gives_partial_credit(questions, mark):
    q = questions["multiple"]
    assert mark(q, ["A", "B"])["status"] == "correct"
    half = mark(q, ["A"])
    assert (half["status"], half["score"]) == ("partial", 0.5)
    mixed = mark(q, ["A", "C"])
    assert mixed["status"] == "wrong" and mixed["score"] == 0 and "C is wrong because." in mixed["message"]
    assert mark(q, ["A", "B", "C"])["status"] == "partial"
    assert mark(q, [])["status"] == "invalid"
    assert mark(q, ["A", "nonsense"])["status"] == "invalid"


@pytest.mark.parametrize("typed, status", [
    ("170", "correct"), ("172", "correct"), ("168", "correct"),  # the tolerance edges count
    ("172.0001", "wrong"), ("167.9", "wrong"), (" 170 ", "correct"), ("170 votes", "correct"),
    ("170 VOTES", "correct"), ("1.7e2", "correct"), ("\u2212170", "wrong"), ("١٧٠", "correct"), ("۱۷۰", "correct"),
])
def test_numeric_tolerance_units_and_digits(questions, mark, typed, status):
    assert mark(questions["numeric"], typed)["status"] == status


def test_numeric_says_which_way_it_is_off(questions, mark):
    assert "200 is too high" in mark(questions["numeric"], "200")["message"]
    assert "100 is too low" in mark(questions["numeric"], "100")["message"]


@pytest.mark.parametrize("typed", ["", "   ", "abc", "1,000", "½", "x" * 5000, "nan", "inf", "1e999", "12-3",
                                   None, [], "12 apples", {"a": 1}])
def test_numeric_bad_input_gets_a_message_not_an_error(questions, mark, typed):
    result = mark(questions["numeric"], typed)
    assert result["status"] == "invalid" and result["score"] == 0
    assert result["message"] and "Error" not in result["message"]


def test_commas_are_explained(quiz_js):
    assert "without commas" in quiz_js("parseNumber", "1,000")["problem"]
    assert quiz_js("parseNumber", "2.5") == {"value": 2.5}


def test_ordering(questions, mark):
    q = questions["ordering"]
    assert mark(q, ["first", "second", "third"])["status"] == "correct"
    one = mark(q, ["first", "third", "second"])
    assert one["status"] == "partial" and one["score"] == pytest.approx(1 / 3)
    assert mark(q, ["third", "first", "second"])["status"] == "wrong"


@pytest.mark.parametrize("placed, words", [
    (["first", "first", "third"], "'first' is used more than once"),
    (["first", None, "third"], "1 still empty"),
    ([None, None, None], "3 still empty"),
    (["first", "second"], "each of the 3 positions"),
    (["first", "second", "fourth"], "not one of the items"),
])
def test_ordering_bad_input(questions, mark, placed, words):
    result = mark(questions["ordering"], placed)
    assert result["status"] == "invalid" and words in result["message"]


def test_matching_allows_one_speaker_for_several_quotes(questions, mark):
    q = questions["matching"]
    assert mark(q, {"q1": "Trump", "q2": "Esper", "q3": "Trump"})["status"] == "correct"
    two = mark(q, {"q1": "Trump", "q2": "Sabri", "q3": "Trump"})
    assert two["status"] == "partial" and two["score"] == pytest.approx(2 / 3)
    assert mark(q, {"q1": "Trump", "q2": None, "q3": "Trump"})["status"] == "invalid"
    assert mark(q, {"q1": "Trump", "q2": "Nobody", "q3": "Trump"})["status"] == "invalid"


def test_shuffle_is_stable_per_learner_and_differs_between_learners(questions):
    q = questions["multiple"]
    texts = q.option_texts
    assert q.shuffled(texts, "learner-1") == q.shuffled(texts, "learner-1")
    orders = {tuple(q.shuffled(texts, f"learner-{n}")) for n in range(30)}
    assert len(orders) > 1
    assert all(sorted(o) == sorted(texts) for o in orders)
    assert sorted(q.page_data("learner-1")["order"]["options"]) == sorted(texts)


def test_show_answer_names_the_answer(questions, quiz_js):
    def said(kind):
        return quiz_js("answerText", questions[kind].page_data("x"))

    assert said("numeric") == "170 votes (answers within ±2 count)"
    assert said("ordering") == "first → second → third"
    assert "q2 → Esper" in said("matching")
    assert said("truefalse") == "False" and said("single") == "A" and said("multiple") == "A; B"


def test_every_wrong_answer_says_where_to_look(questions, mark):
    """A wrong or partly right answer names the paragraphs the question cites; true/false and numeric questions
    add their own wrong-answer text, since they have no per-option explanations."""
    wrong = {"single": "B", "multiple": ["A", "C"], "truefalse": True, "numeric": "180",
             "ordering": ["second", "first", "third"], "matching": {"q1": "Esper", "q2": "Esper", "q3": "Trump"}}
    for kind, answer in wrong.items():
        result = mark(questions[kind], answer)
        assert result["status"] in ("wrong", "partial"), kind
        assert result["message"].endswith("Look again at ¶1."), f"{kind}: {result['message']}"
        assert "Because." not in result["message"], f"{kind}: a wrong answer does not get the explanation"
    assert mark(questions["truefalse"], True)["message"] == "Whose words are these? Look again at ¶1."
    assert mark(questions["numeric"], "180")["message"] == \
        "180 is too high. Count those present, not all members. Look again at ¶1."


def test_a_question_that_cites_no_paragraph_sends_a_wrong_answer_to_its_table_or_section(mark):
    q = make_question("truefalse", answer=True, paragraphs=[], if_wrong="Caps are limits.",
                      look_at="the table us_troops in section 1")
    assert mark(q, False)["message"] == "Caps are limits. Look again at the table us_troops in section 1."
    both = make_question("single", paragraphs=[9, 14, 21], look_at="the table vote_2020",
                         options=[{"text": "A", "correct": True}, {"text": "B"}])
    assert mark(both, "B")["message"] == "Look again at ¶9, ¶14 and ¶21 and at the table vote_2020."


def test_a_right_answer_gets_the_explanation(questions, mark):
    assert mark(questions["single"], "A") == {"status": "correct", "score": 1, "message": "Because."}
