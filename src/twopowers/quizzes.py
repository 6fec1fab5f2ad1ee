"""Quizzes: ``quiz("01_reading_the_article", section="...")`` shows a lesson's questions.

The quiz itself is one front end, static/quiz.js with static/quiz.css, written once and used twice: here, in
JupyterLab, as one anywidget model per quiz, and on the static site (site.py) with no kernel. The page marks
each answer and gives the feedback; the kernel only sends the questions (with the learner's saved answers)
and saves each answer the page reports, as soon as it arrives (see progress.py).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import CourseError, message_html
from .progress import ProgressStore, default_store
from .questions import Question, QuizFile, load_quiz_file

STATIC = Path(__file__).resolve().parent / "static"
STATUSES = ("correct", "partial", "wrong")
SITE_MIME = "application/vnd.twopowers.quiz+json"  # JupyterLab shows the widget; the site reads this
MAX_RESPONSE_CHARS = 10_000  # a response from the page larger than this is not an answer to any question here


def front_end() -> tuple[str, str]:
    """The quiz's JavaScript module and its CSS, as text."""
    return (STATIC / "quiz.js").read_text(encoding="utf-8"), (STATIC / "quiz.css").read_text(encoding="utf-8")


def quiz_data(quiz_file: QuizFile, questions: list[Question], heading: str, learner: str) -> dict:
    """What the page needs to show and mark a quiz: the questions, each with its choices in this learner's order."""
    return {"lesson": quiz_file.lesson, "heading": heading, "questions": [q.page_data(learner) for q in questions]}


def saved_answers(store: ProgressStore, lesson: str, questions: list[Question]) -> dict:
    """The answers saved before, by question id (also those saved under a question's earlier id)."""
    found = {}
    for q in questions:
        saved = store.answer(lesson, q.id, q.aliases)
        if saved:
            found[q.id] = {k: saved.get(k) for k in ("response", "status", "tries", "revealed")}
    return found


def answer_problem(message: Any, known: set[str]) -> str | None:
    """Why a message from the page is not an answer this quiz can save (None when it is one)."""
    if not isinstance(message, dict) or message.get("event") != "answer":
        return "not an answer"
    if message.get("id") not in known:
        return "not a question of this quiz"
    if message.get("status") not in STATUSES:
        return "no mark"
    score, tries = message.get("score"), message.get("tries")
    if not isinstance(score, (int, float)) or isinstance(score, bool) or not 0 <= score <= 1:
        return "a score outside 0 to 1"
    if not isinstance(tries, int) or isinstance(tries, bool) or tries < 0:
        return "a count of tries that is not a whole number"
    if len(json.dumps(message.get("response"), ensure_ascii=False)) > MAX_RESPONSE_CHARS:
        return "a response too long to be an answer"
    return None


def _widget_class():
    """The anywidget class, made on first use so that importing the package stays cheap."""
    global _Widget
    if _Widget is None:
        import anywidget
        import traitlets

        esm, css = front_end()

        class QuizWidget(anywidget.AnyWidget):
            _esm = esm
            _css = css
            quiz = traitlets.Dict().tag(sync=True)
            saved = traitlets.Dict().tag(sync=True)

        _Widget = QuizWidget
    return _Widget


_Widget = None


class Quiz:
    """A set of questions shown together: one widget model; every answer the page reports is saved at once."""

    def __init__(self, quiz_file: QuizFile, questions: list[Question], store: ProgressStore, heading: str,
                 section: str | None = None):
        self.lesson, self.questions, self.store, self.section = quiz_file.lesson, questions, store, section
        self.data = quiz_data(quiz_file, questions, heading, store.learner_id())
        self.widget = _widget_class()(quiz=self.data, saved=saved_answers(store, self.lesson, questions))
        self.widget.on_msg(self._on_message)
        self._known = {q.id for q in questions}

    def _on_message(self, _widget, message, _buffers=None) -> None:
        """Save one answer from the page; tell the page, never the learner's screen a traceback, if saving fails."""
        problem = answer_problem(message, self._known)
        if problem:
            return  # not from our page's quiz: nothing to save, nothing to show
        before = len(self.store.warnings)
        try:
            self.store.record_answer(self.lesson, message["id"], message.get("response"), message["status"],
                                     float(message["score"]), message["tries"], bool(message.get("revealed")),
                                     attempt=bool(message.get("attempt", True)))
            warnings = self.store.warnings[before:]
        except Exception as err:  # noqa: BLE001 - the learner sees a sentence, never a traceback
            warnings = [f"Your answer could not be saved ({type(err).__name__}). Your earlier answers are safe; "
                        "run this cell again, and tell your teacher if it keeps happening."]
        for warning in warnings:
            self.widget.send({"event": "problem", "id": message["id"], "message": warning})

    def _repr_mimebundle_(self, **kwargs):
        shown = self.widget._repr_mimebundle_(**kwargs)
        data, metadata = shown if isinstance(shown, tuple) else (shown, {})
        data = {**data, "text/plain": f"Quiz: {len(self.questions)} question(s) from {self.lesson}. "
                                      "Run this notebook in JupyterLab to answer.",
                SITE_MIME: {"lesson": self.lesson, "section": self.section}}  # where site.py puts this quiz
        return data, metadata


class QuizProblem:
    """What a lesson shows instead of a quiz when its file has a problem: a message, never a traceback."""

    def __init__(self, message: str):
        self.message = message

    def _repr_html_(self):
        return message_html(self.message, "error", css_class="quiz-problem")

    def __repr__(self):
        return self.message


def select(lesson: str, section: str | None = None) -> tuple[QuizFile, list[Question], str]:
    """A lesson's quiz file, the questions of one section (or all) and the quiz's heading."""
    from .data import quiz_path

    quiz_file = load_quiz_file(quiz_path(lesson))
    questions = quiz_file.section(section)
    if not questions:
        known = sorted({q.section for q in quiz_file.questions if q.section})
        raise CourseError(f"The quiz file {quiz_file.path.name} has no questions for section {section!r}. "
                          f"Sections it has: {', '.join(known) or 'none'}.")
    return quiz_file, questions, f"Quiz: {quiz_file.title}" if section is None else f"Quiz: {section}"


def quiz(lesson: str, section: str | None = None, store: ProgressStore | None = None):
    """Show the quiz questions of ``lesson`` (all of them, or those of one ``section``)."""
    from .errors import friendly_errors

    friendly_errors()
    try:
        quiz_file, questions, heading = select(lesson, section)
        return Quiz(quiz_file, questions, store or default_store(), heading, section)
    except CourseError as err:
        return QuizProblem(f"This quiz cannot be shown. {err} (A maintainer can check every quiz file "
                           "with: python3 course.py validate)")
