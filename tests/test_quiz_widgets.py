"""The kernel's side of a quiz: what it sends the page, and how it saves what the page reports.

The page itself (marking, feedback, keyboard, looks) is tested in the browser: test_marking.py calls quiz.js's
marking, and test_browser.py and test_site_browser.py answer quizzes in JupyterLab and on the static site."""
import json

import pytest

from twopowers.progress import ProgressStore
from twopowers.questions import QuizFile
from twopowers.quizzes import MAX_RESPONSE_CHARS, Quiz, quiz

from .conftest import make_question


def shown(questions, store, lesson="00_test"):
    return Quiz(QuizFile(None, lesson, "T", {}, list(questions)), list(questions), store, "Quiz: T")


def answer(q, **fields):
    return {"event": "answer", "lesson": "00_test", "id": q.id, "response": "A", "status": "wrong", "score": 0,
            "tries": 1, "revealed": False, "attempt": True, **fields}


def test_the_page_gets_every_question_with_what_it_needs_to_mark_it(store, questions):
    widget = shown(questions.values(), store).widget
    data = widget.quiz
    assert data["lesson"] == "00_test" and data["heading"] == "Quiz: T"
    sent = {q["id"]: q for q in data["questions"]}
    assert set(sent) == {q.id for q in questions.values()}
    assert sent["t-numeric"]["answer"] == 170 and sent["t-numeric"]["tolerance"] == 2
    assert sent["t-truefalse"]["if_wrong"] == "Whose words are these?"
    assert sorted(sent["t-single"]["order"]["options"]) == ["A", "B", "C"]
    assert json.loads(json.dumps(data)) == data, "what goes to the page is plain JSON"
    assert "quiz-question" in widget._esm and ".quiz-feedback" in widget._css


def test_each_answer_the_page_reports_is_saved_with_its_tries(store, questions):
    quiz_ = shown([questions["single"]], store)
    q = questions["single"]
    quiz_._on_message(quiz_.widget, answer(q, response="B", status="wrong", tries=1))
    quiz_._on_message(quiz_.widget, answer(q, response="A", status="correct", score=1, tries=2))
    saved = store.answer("00_test", q.id)
    assert saved["status"] == "correct" and saved["tries"] == 2 and saved["score"] == 1
    assert [a["response"] for a in saved["attempts"]] == ["B", "A"]


def test_show_answer_is_saved_without_counting_as_a_try(store, questions):
    quiz_ = shown([questions["numeric"]], store)
    q = questions["numeric"]
    for n, typed in enumerate(["100", "101", "102"], start=1):
        quiz_._on_message(quiz_.widget, answer(q, response=typed, tries=n))
    quiz_._on_message(quiz_.widget, answer(q, response="102", tries=3, revealed=True, attempt=False))
    saved = store.answer("00_test", q.id)
    assert saved["revealed"] is True and len(saved["attempts"]) == 3


@pytest.mark.parametrize("message", [
    None, "answer", {"event": "other"},
    {"event": "answer", "id": "not-a-question", "status": "wrong", "score": 0, "tries": 1},
    {"event": "answer", "id": "t-single", "status": "brilliant", "score": 0, "tries": 1},
    {"event": "answer", "id": "t-single", "status": "correct", "score": 7, "tries": 1},
    {"event": "answer", "id": "t-single", "status": "correct", "score": 1, "tries": -1},
    {"event": "answer", "id": "t-single", "status": "correct", "score": 1, "tries": True},
    {"event": "answer", "id": "t-single", "status": "wrong", "score": 0, "tries": 1,
     "response": "x" * (MAX_RESPONSE_CHARS + 1)},
])
def test_a_message_that_is_not_an_answer_of_this_quiz_saves_nothing(store, questions, message):
    quiz_ = shown([questions["single"]], store)
    quiz_._on_message(quiz_.widget, message)
    assert store.load()["answers"] == {}


def test_a_failed_save_is_told_to_the_page_and_nothing_raises(store, questions, monkeypatch):
    quiz_ = shown([questions["single"]], store)
    sent = []
    monkeypatch.setattr(quiz_.widget, "send", sent.append)
    monkeypatch.setattr(store, "record_answer", lambda *a, **k: 1 / 0)
    quiz_._on_message(quiz_.widget, answer(questions["single"]))
    assert sent and sent[0]["event"] == "problem" and sent[0]["id"] == "t-single"
    assert "could not be saved" in sent[0]["message"] and "Traceback" not in sent[0]["message"]


def test_saved_answers_go_back_to_the_page_when_the_notebook_is_run_again(tmp_path, questions):
    first = shown([questions["matching"]], ProgressStore(tmp_path))
    response = {"q1": "Trump", "q2": "Sabri", "q3": "Trump"}
    first._on_message(first.widget, answer(questions["matching"], response=response, status="partial", score=2 / 3))
    again = shown([questions["matching"]], ProgressStore(tmp_path))  # a new kernel: a new store object
    assert again.widget.saved == {"t-matching": {"response": response, "status": "partial", "tries": 1,
                                                 "revealed": False}}


def test_an_answer_saved_under_a_questions_earlier_id_comes_back(store):
    store.record_answer("02_old_lesson", "q7-old", "A", "correct", 1.0, 1)
    moved = make_question("single", id="q3-new", aliases=["02_old_lesson:q7-old"],
                          options=[{"text": "A", "correct": True}, {"text": "B"}])
    assert shown([moved], store).widget.saved["q3-new"]["status"] == "correct"


def test_progress_saved_by_the_old_widgets_still_loads(tmp_path):
    """A progress file written before the quiz moved into the page (2026-12-04): same entries, same responses."""
    old = {"format": "between-two-powers-progress", "version": 1, "learner": {"id": "abc123def456", "created":
           "2026-12-01T09:00:00+00:00"}, "texts": {}, "choices": {}, "predictions": {},
           "answers": {"00_start_here": {"q1-ink-on-paper": {
               "response": "Abdullah Al-Kharbeet, a Sunni lawmaker", "status": "correct", "score": 1.0, "tries": 1,
               "revealed": False, "time": "2026-12-01T09:01:00+00:00", "attempts": [
                   {"response": "Abdullah Al-Kharbeet, a Sunni lawmaker", "status": "correct",
                    "time": "2026-12-01T09:01:00+00:00"}]}}}}
    (tmp_path / "progress.json").write_text(json.dumps(old))
    shown_ = quiz("00_start_here", store=ProgressStore(tmp_path))
    assert shown_.widget.saved["q1-ink-on-paper"]["status"] == "correct"


def test_the_order_of_choices_is_stable_for_a_learner(tmp_path):
    first = quiz("00_start_here", store=ProgressStore(tmp_path))
    again = quiz("00_start_here", store=ProgressStore(tmp_path))
    assert [q["order"] for q in first.widget.quiz["questions"]] == [q["order"] for q in again.widget.quiz["questions"]]


def test_a_quiz_displays_as_one_widget_with_a_plain_text_stand_in(store):
    bundle, _ = quiz("00_start_here", section="Practice", store=store)._repr_mimebundle_()
    assert bundle["application/vnd.twopowers.quiz+json"] == {"lesson": "00_start_here", "section": "Practice"}
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Quiz: 6 question(s) from 00_start_here")
