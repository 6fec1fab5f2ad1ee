"""The quiz widgets as a learner uses them: check, hints, Show answer, double clicks, and saved answers."""
import pytest

from twopowers.progress import ProgressStore
from twopowers.quizzes import Quiz, QuestionView, quiz
from twopowers.questions import QuizFile

from .conftest import make_question


def view_of(question, store):
    return QuestionView(question, "00_test", store)


def classes(widget):
    return set(widget._dom_classes)


def test_controls_carry_stable_css_classes_and_labels(store, questions):
    for q in questions.values():
        view = view_of(q, store)
        assert "quiz-question" in classes(view.box) and f"quiz-type-{q.type}" in classes(view.box)
        assert "quiz-check" in classes(view.check_button) and "quiz-reveal" in classes(view.reveal_button)
        assert "quiz-feedback" in classes(view.feedback)
        labelled = [c for c in view.controls if "quiz-choice" in getattr(c, "_dom_classes", ())]
        for control in labelled:
            assert control.description, f"{q.type}: every control needs a label"


def test_wrong_then_right(store, questions):
    view = view_of(questions["single"], store)
    view.radio.value = "B"
    view.check_button.click()
    assert "Not quite" in view.feedback.value and "Hint: Think of A." in view.feedback.value
    assert "quiz-wrong" in classes(view.feedback)
    view.radio.value = "A"
    view.check_button.click()
    assert "Correct!" in view.feedback.value and "quiz-correct" in classes(view.feedback)
    saved = store.answer("00_test", "t-single")
    assert saved["status"] == "correct" and saved["tries"] == 2
    assert [a["response"] for a in saved["attempts"]] == ["B", "A"]


def test_empty_answer_is_not_counted_as_a_try(store, questions):
    view = view_of(questions["single"], store)
    view.check_button.click()
    assert "Choose one of the options first" in view.feedback.value
    assert view.tries == 0 and store.answer("00_test", "t-single") is None


def test_a_double_click_counts_once(store, questions):
    view = view_of(questions["numeric"], store)
    view.text.value = "100"
    view.check_button.click()
    view.check_button.click()
    assert view.tries == 1
    assert "already checked this answer" in view.feedback.value
    assert not view.check_button.disabled


def test_show_answer_opens_after_three_tries(store, questions):
    view = view_of(questions["numeric"], store)
    assert view.reveal_button.disabled
    view.reveal_button.click()  # ignored while disabled in the browser; refused here too
    assert not view.revealed
    for typed in ("100", "101", "102"):
        view.text.value = typed
        view.check_button.click()
    assert not view.reveal_button.disabled and "press Show answer" in view.feedback.value
    view.reveal_button.click()
    assert "The answer: 170 votes" in view.feedback.value and view.revealed
    assert view.reveal_button.disabled
    assert store.answer("00_test", "t-numeric")["revealed"] is True
    assert len(store.answer("00_test", "t-numeric")["attempts"]) == 3


@pytest.mark.parametrize("typed", ["abc", "1,000", "½", "", "9" * 500])
def test_bad_numbers_get_a_friendly_message(store, questions, typed):
    view = view_of(questions["numeric"], store)
    view.text.value = typed
    view.check_button.click()
    assert "quiz-invalid" in classes(view.feedback) and view.tries == 0
    assert "Traceback" not in view.feedback.value


def test_ordering_with_duplicates_is_explained(store, questions):
    view = view_of(questions["ordering"], store)
    view.slots[0].value = view.slots[1].value = "first"
    view.slots[2].value = "third"
    view.check_button.click()
    assert "used more than once" in view.feedback.value


def test_a_failure_inside_the_engine_shows_a_message_not_a_traceback(store, questions, monkeypatch):
    view = view_of(questions["single"], store)
    monkeypatch.setattr(view.store, "record_answer", lambda *a, **k: 1 / 0)
    view.radio.value = "A"
    view.check_button.click()
    assert "Something went wrong on our side" in view.feedback.value
    assert not view.check_button.disabled and not view._busy


def test_saved_answers_come_back_when_the_notebook_is_run_again(tmp_path, questions):
    first = view_of(questions["matching"], ProgressStore(tmp_path))
    for left, right in {"q1": "Trump", "q2": "Sabri", "q3": "Trump"}.items():
        first.matches[left].value = right
    first.check_button.click()
    again = view_of(questions["matching"], ProgressStore(tmp_path))  # a new kernel: a new store object
    assert {k: d.value for k, d in again.matches.items()} == {"q1": "Trump", "q2": "Sabri", "q3": "Trump"}
    assert "Your saved answer is shown (partly right, after 1 try)" in again.feedback.value
    assert again.tries == 1


@pytest.mark.parametrize("kind, answer", [
    ("single", "A"), ("multiple", ["A", "B"]), ("truefalse", False), ("numeric", "170"),
    ("ordering", ["first", "second", "third"]), ("matching", {"q1": "Trump", "q2": "Esper", "q3": "Trump"}),
])
def test_every_type_restores_its_saved_answer(tmp_path, questions, kind, answer):
    view = view_of(questions[kind], ProgressStore(tmp_path))
    view._show_response(answer)
    view.check_button.click()
    assert view.status == "correct"
    again = view_of(questions[kind], ProgressStore(tmp_path))
    assert again.response() == answer and again.status == "correct"
    assert "Your saved answer is shown (correct" in again.feedback.value


def test_the_score_line_follows_the_answers(store):
    questions = [make_question("truefalse", id=f"tf{n}", answer=True) for n in range(3)]
    shown = Quiz(QuizFile(None, "00_test", "T", {}, questions), questions, store, "Quiz")
    assert "Score: 0 of 3 correct" in shown.score.value and "3 not tried yet" in shown.score.value
    shown.views[0].radio.value = "True"
    shown.views[0].check_button.click()
    shown.views[1].radio.value = "False"
    shown.views[1].check_button.click()
    assert "Score: 1 of 3 correct</b> · 1 tried, not yet right · 1 not tried yet" in shown.score.value
    assert "quiz-score" in classes(shown.score) and "quiz" in classes(shown.box)


def test_the_order_of_choices_is_stable_for_a_learner(tmp_path):
    first = quiz("00_start_here", store=ProgressStore(tmp_path))
    again = quiz("00_start_here", store=ProgressStore(tmp_path))
    assert [v.radio.options for v in first.views if v.question.type == "single"] == \
        [v.radio.options for v in again.views if v.question.type == "single"]


def test_a_quiz_displays_as_a_widget_with_a_plain_text_stand_in(store):
    bundle = quiz("00_start_here", store=store)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Quiz: 6 question(s) from 00_start_here")
