"""How each type of question marks an answer, including every kind of bad input a learner may give."""
import pytest

from twopowers.questions import CORRECT, INVALID, PARTIAL, WRONG, parse_number


def test_single_choice(questions):
    q = questions["single"]
    assert q.check("A").status == CORRECT
    wrong = q.check("B")
    assert wrong.status == WRONG and "B is a trap." in wrong.message
    assert q.check(None).status == INVALID
    assert q.check("Z").status == INVALID


def test_true_false_accepts_words_and_booleans(questions):
    q = questions["truefalse"]
    assert q.check(False).status == CORRECT
    assert q.check("false").status == CORRECT
    assert q.check(True).status == WRONG
    assert q.check(None).status == INVALID
    assert q.check("maybe").status == INVALID


def test_multiple_select_gives_partial_credit(questions):
    q = questions["multiple"]
    assert q.check(["A", "B"]).status == CORRECT
    half = q.check(["A"])
    assert (half.status, half.score) == (PARTIAL, 0.5)
    mixed = q.check(["A", "C"])
    assert mixed.status == WRONG and mixed.score == 0 and "C is wrong because." in mixed.message
    assert q.check(["A", "B", "C"]).status == PARTIAL
    assert q.check([]).status == INVALID
    assert q.check(["A", "nonsense"]).status == INVALID


@pytest.mark.parametrize("typed, status", [
    ("170", CORRECT), ("172", CORRECT), ("168", CORRECT),  # the tolerance edges count
    ("172.0001", WRONG), ("167.9", WRONG), (" 170 ", CORRECT), ("170 votes", CORRECT), ("170 VOTES", CORRECT),
    ("1.7e2", CORRECT), ("\u2212170", WRONG),
])
def test_numeric_tolerance(questions, typed, status):
    assert questions["numeric"].check(typed).status == status


def test_numeric_says_which_way_it_is_off(questions):
    assert "too high" in questions["numeric"].check("200").message
    assert "too low" in questions["numeric"].check("100").message


@pytest.mark.parametrize("typed", ["", "   ", "abc", "1,000", "½", "x" * 5000, "nan", "inf", "1e999", "12-3",
                                   None, [], "12 apples"])
def test_numeric_bad_input_gets_a_message_not_an_error(questions, typed):
    result = questions["numeric"].check(typed)
    assert result.status == INVALID
    assert result.message and "Traceback" not in result.message
    assert not result.counts_as_try


def test_numeric_reads_arabic_indic_digits(questions):
    assert questions["numeric"].check("١٧٠").status == CORRECT


def test_parse_number_explains_commas():
    value, problem = parse_number("1,000")
    assert value is None and "without commas" in problem


def test_ordering(questions):
    q = questions["ordering"]
    assert q.check(["first", "second", "third"]).status == CORRECT
    one = q.check(["first", "third", "second"])
    assert one.status == PARTIAL and one.score == pytest.approx(1 / 3)
    assert q.check(["third", "first", "second"]).status == WRONG


@pytest.mark.parametrize("placed, words", [
    (["first", "first", "third"], "more than once"),
    (["first", None, "third"], "1 still empty"),
    ([None, None, None], "3 still empty"),
    (["first", "second"], "each of the 3 positions"),
    (["first", "second", "fourth"], "not one of the items"),
])
def test_ordering_bad_input(questions, placed, words):
    result = questions["ordering"].check(placed)
    assert result.status == INVALID and words in result.message


def test_matching_allows_one_speaker_for_several_quotes(questions):
    q = questions["matching"]
    assert q.check({"q1": "Trump", "q2": "Esper", "q3": "Trump"}).status == CORRECT
    two = q.check({"q1": "Trump", "q2": "Sabri", "q3": "Trump"})
    assert two.status == PARTIAL and two.score == pytest.approx(2 / 3)
    assert q.check({"q1": "Trump", "q2": None, "q3": "Trump"}).status == INVALID
    assert q.check({"q1": "Trump", "q2": "Nobody", "q3": "Trump"}).status == INVALID


def test_shuffle_is_stable_per_learner_and_differs_between_learners(questions):
    q = questions["multiple"]
    texts = q.option_texts
    assert q.shuffled(texts, "learner-1") == q.shuffled(texts, "learner-1")
    orders = {tuple(q.shuffled(texts, f"learner-{n}")) for n in range(30)}
    assert len(orders) > 1
    assert all(sorted(o) == sorted(texts) for o in orders)


def test_correct_answer_text_names_the_answer(questions):
    assert questions["numeric"].correct_answer_text().startswith("170 votes")
    assert questions["ordering"].correct_answer_text() == "first → second → third"
    assert "q2 → Esper" in questions["matching"].correct_answer_text()


def test_every_wrong_answer_says_where_to_look(questions):
    """A wrong or partly right answer names the paragraphs the question cites; true/false and numeric questions
    add their own wrong-answer text, since they have no per-option explanations."""
    wrong = {"single": "B", "multiple": ["A", "C"], "truefalse": True, "numeric": "180",
             "ordering": ["second", "first", "third"], "matching": {"q1": "Esper", "q2": "Esper", "q3": "Trump"}}
    for kind, answer in wrong.items():
        result = questions[kind].check(answer)
        assert result.status in (WRONG, PARTIAL), kind
        assert result.message.endswith("Look again at ¶1."), f"{kind}: {result.message}"
        assert "Because." not in result.message, f"{kind}: a wrong answer does not get the explanation"
    assert questions["truefalse"].check(True).message == "Not quite. Whose words are these? Look again at ¶1."
    assert questions["numeric"].check("180").message == \
        "Not quite: 180 is too high. Count those present, not all members. Look again at ¶1."


def test_a_question_that_cites_no_paragraph_sends_a_wrong_answer_to_its_table_or_section():
    from tests.conftest import make_question

    q = make_question("truefalse", answer=True, paragraphs=[], if_wrong="Caps are limits.",
                      look_at="the table us_troops in section 1")
    assert q.check(False).message == "Not quite. Caps are limits. Look again at the table us_troops in section 1."
    both = make_question("single", paragraphs=[9, 14, 21], look_at="the table vote_2020",
                         options=[{"text": "A", "correct": True}, {"text": "B"}])
    assert both.check("B").message == "Not quite. Look again at ¶9, ¶14 and ¶21 and at the table vote_2020."
