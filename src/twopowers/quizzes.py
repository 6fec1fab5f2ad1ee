"""Quiz widgets: ``quiz("01_reading_the_article", section="...")`` shows a lesson's questions.

Each question gets standard, keyboard-operable ipywidgets controls with labels, a Check button,
feedback that teaches, a hint after a wrong try and a Show answer button after three tries.
Every answer is saved at once (see progress.py) and shown again when the notebook is re-run.

Stable CSS classes, for styling and for the browser tests:
    quiz, quiz-question, quiz-type-<type>, quiz-prompt, quiz-choice,
    quiz-check, quiz-reveal, quiz-feedback, quiz-score, quiz-problem
"""
from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from .errors import CourseError, friendly_errors, message_html
from .progress import ProgressStore, default_store
from .questions import CORRECT, INVALID, Question, QuizFile, load_quiz_file

TRIES_BEFORE_REVEAL = 3
EMPTY = "— choose —"
ORDINALS = ["1st", "2nd", "3rd"] + [f"{n}th" for n in range(4, 21)]


class Kit:
    """Makes widgets that share their Layout and Style objects.

    Every Layout and Style is a model of its own that the browser must sync; sharing them cuts the
    number of models in a quiz by about half and makes a lesson's quizzes appear sooner.
    """

    def __init__(self):
        self._shared: dict = {}

    def _one(self, key, make):
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]

    def __call__(self, cls, *args, auto_width: bool = False, classes: tuple = (), **kwargs):
        if classes:  # set at creation: add_class() afterwards would send the browser one more message
            kwargs["_dom_classes"] = tuple(classes)
        kwargs.setdefault("layout", self._one(("layout", auto_width),
                                              lambda: widgets.Layout(width="auto") if auto_width else widgets.Layout()))
        trait = cls.class_traits().get("style")
        if trait is not None:
            style = trait.klass
            wide = {"description_width": "initial"} if "description_width" in style.class_trait_names() else {}
            kwargs.setdefault("style", self._one(("style", style), lambda: style(**wide)))
        return cls(*args, **kwargs)


class QuestionView:
    """The widgets of one question and what happens when they are used."""

    def __init__(self, question: Question, lesson: str, store: ProgressStore, on_change=None, kit: Kit | None = None):
        self.question, self.lesson, self.store, self.on_change = question, lesson, store, on_change
        self.kit = make = kit or Kit()
        self.tries, self.status, self.revealed = 0, None, False
        self.last_checked: Any = object()
        self._busy = False
        learner = store.learner_id()
        self.controls = self._build_controls(learner, make)
        self.check_button = make(widgets.Button, description="Check", button_style="primary",
                                 tooltip="Check your answer", icon="check", classes=("quiz-check",))
        self.reveal_button = make(widgets.Button, description="Show answer", disabled=True,
                                  tooltip=f"Available after {TRIES_BEFORE_REVEAL} tries", classes=("quiz-reveal",))
        self.feedback = make(widgets.HTML, value="", classes=("quiz-feedback",))
        self.check_button.on_click(self._guarded(self.on_check))
        self.reveal_button.on_click(self._guarded(self.on_reveal))
        refs = ", ".join(f"¶{p}" for p in question.paragraphs)
        how = {"multiple": "Tick every answer that is right.", "ordering": "Choose what comes 1st, 2nd, 3rd, …"}
        prompt = make(widgets.HTML, f"<b>{html.escape(question.prompt)}</b>"
                      + (f' <span class="quiz-refs">({refs})</span>' if refs else "")
                      + (f"<br><i>{how[question.type]}</i>" if question.type in how else ""),
                      classes=("quiz-prompt",))
        buttons = make(widgets.HBox, [self.check_button, self.reveal_button])
        self.box = make(widgets.VBox, [prompt, *self.controls, buttons, self.feedback],
                        classes=("quiz-question", f"quiz-type-{question.type}"))
        self._restore()

    # ----- controls, per question type ----------------------------------------------------------
    def _build_controls(self, learner: str, make: Kit) -> list:
        q = self.question
        if q.type in ("single", "truefalse"):
            options = ["True", "False"] if q.type == "truefalse" else q.shuffled(q.option_texts, learner)
            self.radio = make(widgets.RadioButtons, options=options, value=None, description="Your answer:",
                              auto_width=True, classes=("quiz-choice",))
            return [self.radio]
        if q.type == "multiple":
            self.boxes = {t: make(widgets.Checkbox, value=False, description=t, indent=False, auto_width=True,
                                  classes=("quiz-choice",))
                          for t in q.shuffled(q.option_texts, learner)}
            return list(self.boxes.values())
        if q.type == "numeric":
            self.text = make(widgets.Text, value="", placeholder="type a number", description="Your answer:",
                             continuous_update=False, classes=("quiz-choice",))
            unit = make(widgets.HTML, html.escape(q.unit or ""))
            return [make(widgets.HBox, [self.text, unit])]
        if q.type == "ordering":
            items = q.shuffled(q.items, learner)
            self.slots = [make(widgets.Dropdown, options=[(EMPTY, None)] + [(t, t) for t in items], value=None,
                               description=f"{ORDINALS[i]}:", auto_width=True, classes=("quiz-choice",))
                          for i in range(len(q.items))]
            return self.slots
        rights = q.shuffled(q.right_choices, learner)
        self.matches = {}
        rows = []
        for n, pair in enumerate(q.shuffled(q.pairs, learner), start=1):
            dropdown = make(widgets.Dropdown, options=[(EMPTY, None)] + [(t, t) for t in rights], value=None,
                            description=f"Match for {n}:", auto_width=True, classes=("quiz-choice",))
            self.matches[pair["left"]] = dropdown
            rows += [make(widgets.HTML, f"{n}. {html.escape(pair['left'])}"), dropdown]
        return rows

    def response(self) -> Any:
        q = self.question
        if q.type == "single":
            return self.radio.value
        if q.type == "truefalse":
            return None if self.radio.value is None else self.radio.value == "True"
        if q.type == "multiple":
            return sorted(t for t, box in self.boxes.items() if box.value)
        if q.type == "numeric":
            return self.text.value
        if q.type == "ordering":
            return [slot.value for slot in self.slots]
        return {left: dropdown.value for left, dropdown in self.matches.items()}

    def _show_response(self, response: Any) -> None:
        """Put a saved response back into the controls (ignoring anything no longer offered)."""
        q = self.question
        if q.type in ("single", "truefalse"):
            value = {True: "True", False: "False"}.get(response, response) if q.type == "truefalse" else response
            self.radio.value = value if value in self.radio.options else None
        elif q.type == "multiple":
            for text, box in self.boxes.items():
                box.value = text in (response or [])
        elif q.type == "numeric":
            self.text.value = str(response or "")
        elif q.type == "ordering":
            for slot, value in zip(self.slots, response or []):
                slot.value = value if value in q.items else None
        else:
            for left, dropdown in self.matches.items():
                value = (response or {}).get(left)
                dropdown.value = value if value in q.right_choices else None

    # ----- behaviour ----------------------------------------------------------------------------
    def _guarded(self, handler):
        """No traceback reaches the learner, and a second click while busy is ignored."""
        def run(_button):
            if self._busy:
                return
            self._busy = True
            self.check_button.disabled = True
            try:
                handler()
            except CourseError as err:
                self._say(str(err), "invalid")
            except Exception as err:  # noqa: BLE001 - a learner must never see a traceback
                self._say(f"Something went wrong on our side ({type(err).__name__}). Your earlier answers are "
                          f"safe; run this cell again, and tell your teacher if it keeps happening.", "invalid")
            finally:
                self._busy = False
                self.check_button.disabled = False
        return run

    def on_check(self) -> None:
        response = self.response()
        if self.status is not None and response == self.last_checked:
            self._say("You already checked this answer. Change it, then press Check again.", self.status)
            return
        result = self.question.check(response)
        if result.status == INVALID:
            self._say(result.message, INVALID)
            return
        self.last_checked = response
        self.tries += 1
        self.status = result.status
        self.store.record_answer(self.lesson, self.question.id, response, result.status, result.score,
                                 self.tries, self.revealed)
        message = result.message
        if result.status != CORRECT:
            hint = self._hint()
            message += (f" Hint: {hint}" if hint else "") + " Try again."
            if self.tries >= TRIES_BEFORE_REVEAL and not self.revealed:
                message += " You can also press Show answer."
        self._update_reveal()
        self._say(message, result.status)
        if self.on_change:
            self.on_change()

    def on_reveal(self) -> None:
        if self.tries < TRIES_BEFORE_REVEAL:
            self._say(f"Show answer opens after {TRIES_BEFORE_REVEAL} tries.", INVALID)
            return
        self.revealed = True
        self.store.record_answer(self.lesson, self.question.id, self.last_checked, self.status or "wrong",
                                 0.0 if self.status != CORRECT else 1.0, self.tries, True, attempt=False)
        self._say(f"The answer: {self.question.correct_answer_text()}. {self.question.explanation}", "revealed")
        self._update_reveal()
        if self.on_change:
            self.on_change()

    def _hint(self) -> str | None:
        hints = self.question.hints
        return hints[min(self.tries, len(hints)) - 1] if hints else None

    def _update_reveal(self) -> None:
        self.reveal_button.disabled = self.tries < TRIES_BEFORE_REVEAL or self.revealed or self.status == CORRECT

    def _say(self, message: str, status: str) -> None:
        icon = {"correct": "✓", "partial": "◐", "wrong": "✗", "revealed": "→"}.get(status, "!")
        self.feedback.value = (f'<div class="quiz-feedback-text quiz-{status}" role="status" aria-live="polite">'
                               f"{icon} {html.escape(message)}</div>")
        for name in ("correct", "partial", "wrong", "invalid", "revealed"):
            self.feedback.remove_class(f"quiz-{name}")
        self.feedback.add_class(f"quiz-{status}")

    def _restore(self) -> None:
        saved = self.store.answer(self.lesson, self.question.id, self.question.aliases)
        if not saved:
            return
        self.tries, self.status = int(saved.get("tries", 0)), saved.get("status")
        self.revealed = bool(saved.get("revealed"))
        self.last_checked = saved.get("response")
        self._show_response(self.last_checked)
        self._update_reveal()
        verdict = {"correct": "correct", "partial": "partly right", "wrong": "not right yet"}.get(self.status,
                                                                                               self.status)
        message = f"Your saved answer is shown ({verdict}, after {self.tries} tr{'y' if self.tries == 1 else 'ies'})."
        if self.status == CORRECT:
            message += f" {self.question.explanation}"
        elif self.revealed:
            message += f" The answer: {self.question.correct_answer_text()}."
        self._say(message, self.status if not self.revealed or self.status == CORRECT else "revealed")


class Quiz:
    """A set of questions shown together, with a score line that updates after every check."""

    def __init__(self, quiz_file: QuizFile, questions: list[Question], store: ProgressStore, heading: str):
        self.lesson = quiz_file.lesson
        make = Kit()
        self.views = [QuestionView(q, quiz_file.lesson, store, on_change=self.update_score, kit=make)
                      for q in questions]
        self.score = make(widgets.HTML, self._score_text(), classes=("quiz-score",))
        title = make(widgets.HTML, f"<h4>{html.escape(heading)}</h4>")
        self.box = make(widgets.VBox, [title, *[v.box for v in self.views], self.score], classes=("quiz",))

    def _score_text(self) -> str:
        total = len(self.views)
        right = sum(1 for v in self.views if v.status == CORRECT)
        tried = sum(1 for v in self.views if v.status not in (None, CORRECT))
        return (f"<b>Score: {right} of {total} correct</b> · {tried} tried, not yet right · "
                f"{total - right - tried} not tried yet")

    def update_score(self) -> None:
        self.score.value = self._score_text()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (f"Quiz: {len(self.views)} question(s) from {self.lesson}. "
                                "Run this notebook in JupyterLab to answer.")
        return bundle


class QuizProblem:
    """What a lesson shows instead of a quiz when its file has a problem: a message, never a traceback."""

    def __init__(self, message: str):
        self.message = message

    def _repr_html_(self):
        return message_html(self.message, "error", css_class="quiz-problem")

    def __repr__(self):
        return self.message


def quiz(lesson: str, section: str | None = None, store: ProgressStore | None = None):
    """Show the quiz questions of ``lesson`` (all of them, or those of one ``section``)."""
    from .data import quiz_path

    friendly_errors()
    try:
        quiz_file = load_quiz_file(quiz_path(lesson))
        questions = quiz_file.section(section)
        if not questions:
            known = sorted({q.section for q in quiz_file.questions if q.section})
            raise CourseError(f"The quiz file {quiz_file.path.name} has no questions for section {section!r}. "
                              f"Sections it has: {', '.join(known) or 'none'}.")
        heading = f"Quiz: {quiz_file.title}" if section is None else f"Quiz: {section}"
        return Quiz(quiz_file, questions, store or default_store(), heading)
    except CourseError as err:
        return QuizProblem(f"This quiz cannot be shown. {err} (A maintainer can check every quiz file "
                           "with: python3 course.py validate)")
