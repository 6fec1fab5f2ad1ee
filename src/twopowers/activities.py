"""Activities that are saved but not marked: written answers, the decision room, predictions and the reveal.

    write(lesson, key, prompt)     a text box with a Save button (saved under 'texts')
    decision_room(lesson)          your group and role (data/roles.csv), the briefing, your role's position
                                   (data/role_options.csv) with reasons, and the group's decision
                                   (data/room_decisions.csv); saved under 'choices', format version 2
    predict(lesson)                the questions of data/predictions.csv (saved under 'predictions')
    reveal(lesson)                 lesson 09's gate: what happened, next to the learner's predictions, shown
                                   only once a prediction is saved (a nudge, not a lock: the data ships
                                   with the course)
    document(lesson, doc_id)       a primary document (data/documents.csv): its headnote, the excerpt, its
                                   sourcing questions and a sourcing organiser (saved under 'texts', key
                                   'sourcing-<doc_id>')

Everything is saved at once in the learner's progress file (see progress.py) and shown again when the
notebook is re-run. A problem is shown as a message in the widget, never as a traceback.

Stable CSS classes, for styling and the browser tests:
    activity, activity-status, written, decision-room, prediction, reveal, reveal-prompt, reveal-result,
    document, headnote, excerpt, organiser
"""
from __future__ import annotations

import html
from typing import Callable

import ipywidgets as widgets

from .citations import html_reference, numbers
from .errors import CourseError, friendly_errors, message_html
from .progress import ProgressStore, default_store

MIN_JUSTIFICATION_WORDS = 8
NOT_CHOSEN = "— choose —"
NOT_DECIDED = "Not decided yet"


def _status(message: str, level: str = "info") -> str:
    return message_html(message, level, css_class="activity-status")


def _guard(status: widgets.HTML, action: Callable[[], None]) -> Callable:
    """A button handler that turns any problem into a message in ``status``: no traceback for a learner."""
    def run(_button):
        try:
            action()
        except CourseError as err:
            status.value = _status(str(err), "warning")
        except Exception as err:  # noqa: BLE001 - a learner must never see a traceback
            status.value = _status(f"Something went wrong on our side ({type(err).__name__}). Your earlier work is "
                                   "safe; run this cell again, and tell your teacher if it keeps happening.", "error")
    return run


class _Activity:
    """Shows as its widget box in JupyterLab and as a plain sentence elsewhere."""

    box: widgets.Box
    summary = "An activity"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"{self.summary}. Run this notebook in JupyterLab to take part."
        return bundle


def _shown(what: str, build: Callable[[], _Activity]):
    """Build an activity from the course's data; if the data cannot be read, a message instead of a traceback."""
    from IPython.display import HTML

    friendly_errors()
    try:
        return build()
    except (CourseError, OSError, ValueError, KeyError) as err:
        return HTML(message_html(f"{what} cannot be shown ({err}). Tell your teacher: the course's data folder "
                                 "may be damaged (python3 course.py test names the problem).", "error",
                                 css_class="activity-problem"))


# ----- written answers -----------------------------------------------------------------------------
class Written(_Activity):
    summary = "A written answer"

    def __init__(self, lesson: str, key: str, prompt: str, rows: int, store: ProgressStore):
        self.lesson, self.key, self.store = lesson, key, store
        saved = store.get("texts", lesson, key)
        self.text = widgets.Textarea(value=(saved or {}).get("value", ""), rows=rows,
                                     placeholder="Write your answer here, then press Save.",
                                     layout=widgets.Layout(width="95%"))
        self.save_button = widgets.Button(description="Save", button_style="primary", icon="save",
                                          tooltip="Save your answer in your progress file")
        self.status = widgets.HTML(_status(f"Saved on {saved['time'][:10]}. You can change it and save again.")
                                   if saved else "")
        self.save_button.on_click(_guard(self.status, self.save))
        self.box = widgets.VBox([widgets.HTML(f"<b>{html.escape(prompt)}</b>"), self.text, self.save_button,
                                 self.status])
        self.box.add_class("activity")
        self.box.add_class("written")

    def save(self) -> None:
        words = self.text.value.split()
        if not words:
            raise CourseError("Write something first, then press Save.")
        self.store.save("texts", self.lesson, self.key, self.text.value.strip())
        self.status.value = _status(f"Saved ({len(words)} words). You can change it and save again.")


def write(lesson: str, key: str, prompt: str, rows: int = 4, store: ProgressStore | None = None):
    """A text box for a written answer, saved in the learner's progress under ``key``."""
    friendly_errors()
    return Written(lesson, key, prompt, rows, store or default_store())


# ----- predictions -----------------------------------------------------------------------------------
def saved_predictions(store: ProgressStore) -> dict[str, dict]:
    """The learner's latest saved prediction for each question, whichever lesson it was made in."""
    latest: dict[str, dict] = {}
    for lesson_predictions in store.load()["predictions"].values():
        for prediction_id, entry in lesson_predictions.items():
            if prediction_id not in latest or entry.get("time", "") >= latest[prediction_id].get("time", ""):
                latest[prediction_id] = entry
    return latest


class Prediction(_Activity):
    summary = "Prediction questions"

    def __init__(self, lesson: str, store: ProgressStore, questions, on_saved: Callable[[], None] | None = None):
        self.lesson, self.store, self.questions, self.on_saved = lesson, store, questions, on_saved
        saved = saved_predictions(store)
        self.choices: dict[str, widgets.RadioButtons] = {}
        self.sureness: dict[str, widgets.IntSlider] = {}
        parts = []
        for row in questions.itertuples():
            before = (saved.get(row.prediction_id) or {}).get("value") or {}
            choice = widgets.RadioButtons(options=list(row.choices), value=before.get("choice")
                                          if before.get("choice") in row.choices else None,
                                          layout=widgets.Layout(width="max-content"))
            sure = widgets.IntSlider(value=int(before.get("confidence", 60)), min=50, max=100, step=10,
                                     description="How sure are you (%)?", style={"description_width": "initial"},
                                     layout=widgets.Layout(width="min(100%, 28em)"))  # a slider a learner can aim
            self.choices[row.prediction_id], self.sureness[row.prediction_id] = choice, sure
            parts += [widgets.HTML(f"<b>{html.escape(row.prompt)}</b>"), choice, sure]
        self.save_button = widgets.Button(description="Save my predictions", button_style="primary", icon="save",
                                          layout=widgets.Layout(width="max-content"))
        self.status = widgets.HTML(_status("Your saved predictions are shown. You can change them and save again.")
                                   if any(p in saved for p in self.choices) else "")
        self.save_button.on_click(_guard(self.status, self.save))
        self.box = widgets.VBox([*parts, self.save_button, self.status])
        self.box.add_class("activity")
        self.box.add_class("prediction")

    def save(self) -> None:
        missing = [i for i, choice in self.choices.items() if choice.value is None]
        if missing:
            raise CourseError(f"Choose an answer for every question first ({len(missing)} still open).")
        for prediction_id, choice in self.choices.items():
            self.store.save("predictions", self.lesson, prediction_id,
                            {"choice": choice.value, "confidence": self.sureness[prediction_id].value})
        self.status.value = _status("Predictions saved. You can change them and save again." if self.on_saved else
                                    "Predictions saved. You can change them and save again until you open "
                                    "lesson 09, which shows what happened.")
        if self.on_saved:
            self.on_saved()


def predict(lesson: str, store: ProgressStore | None = None):
    """The prediction questions of data/predictions.csv, saved in the learner's progress."""
    from .data import table

    return _shown("The prediction questions", lambda: Prediction(lesson, store or default_store(),
                                                                   table("predictions")))


# ----- the reveal in lesson 09 -----------------------------------------------------------------------
def comparison(store: ProgressStore, questions):
    """One row per prediction question: the learner's choice and confidence next to what happened."""
    import pandas as pd

    saved = saved_predictions(store)
    rows = []
    for row in questions.itertuples():
        value = (saved.get(row.prediction_id) or {}).get("value") or {}
        rows.append({"question": row.prompt, "your prediction": value.get("choice"),
                     "how sure (%)": value.get("confidence"), "what happened": row.outcome,
                     "right?": None if value.get("choice") is None else value.get("choice") == row.outcome,
                     "details": row.outcome_detail, "sources": "; ".join(row.source_ids)})
    return pd.DataFrame(rows)


class Reveal(_Activity):
    summary = "The reveal: what happened, next to your predictions"

    def __init__(self, lesson: str, store: ProgressStore, questions):
        self.lesson, self.store, self.questions = lesson, store, questions
        self.result = widgets.HTML()
        self.result.add_class("reveal-result")
        self.box = widgets.VBox([])
        self.box.add_class("activity")
        self.box.add_class("reveal")
        if self.predicted():
            self.box.children = [self.result]
            self.show()
        else:
            prompt = widgets.HTML(_status(
                "First, make your prediction: what do you think happened to the U.S. troops in Iraq? "
                "Answer below and press Save. What happened then appears here. (You may have made these "
                "predictions in lesson 08 already: if so, this box shows them.)"))
            prompt.add_class("reveal-prompt")
            self.form = Prediction(lesson, store, questions, on_saved=self.open)
            self.box.children = [prompt, self.form.box, self.result]

    def predicted(self) -> bool:
        saved = saved_predictions(self.store)
        return all(p in saved for p in self.questions["prediction_id"])

    def open(self) -> None:
        if self.predicted():
            self.show()

    def show(self) -> None:
        table = comparison(self.store, self.questions)
        numbered = numbers()
        items = "".join(
            f"<li><b>{html.escape(r['question'])}</b><br>You said: {html.escape(str(r['your prediction']))} "
            f"({r['how sure (%)']} % sure). What happened: <b>{html.escape(r['what happened'])}</b>. "
            f"{html.escape(r['details'])} {html_reference(r['sources'].split('; '), numbered)}</li>"
            for r in table.to_dict(orient="records"))
        right = int(table["right?"].sum())
        description = (f"One bar per prediction, as long as how sure you were; green where it came true, orange "
                       f"where it did not. {right} of {len(table)} came true.")
        self.result.value = (f"<h4>What happened</h4><ul>{items}</ul>{_chart_image(table, description)}"
                             f"<p>Text description: {html.escape(description)}</p>")


def _chart_image(table, description: str) -> str:
    """The comparison chart as an <img> with alternative text (drawn off-screen, not by pyplot)."""
    from matplotlib.figure import Figure

    from .charts import image_html

    fig = Figure(figsize=(7, 0.8 + 0.7 * len(table)))
    ax = fig.subplots()
    colours = ["#009E73" if right else "#D55E00" for right in table["right?"]]
    ax.barh([q.split(":")[0] for q in table["question"]], table["how sure (%)"].astype(float), color=colours)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_title("Your predictions: how sure you were, and whether they came true")
    ax.set_xlabel("How sure you were (%)")
    ax.set_ylabel("Prediction")
    return image_html(fig, description)


def reveal(lesson: str, store: ProgressStore | None = None):
    """What happened, shown next to the learner's predictions, once they have saved one."""
    from .data import table

    return _shown("The reveal", lambda: Reveal(lesson, store or default_store(), table("predictions")))


# ----- the decision room (lesson 08) ---------------------------------------------------------------
DECISION_VERSION = 2  # 1: role, option, justification; 2: adds group and group_decision
GROUPS = tuple(f"Group {letter}" for letter in "ABCDEF")


class DecisionRoom(_Activity):
    summary = "The decision room: your group, your role's position, and your group's decision"

    def __init__(self, lesson: str, store: ProgressStore, roles, options, decisions):
        self.lesson, self.store, self.roles, self.options = lesson, store, roles.set_index("role_id"), options
        self.decisions = decisions.set_index("decision_id")
        saved = (store.get("choices", lesson, "decision") or {}).get("value") or {}
        wide = {"description_width": "initial"}
        self.group = widgets.Dropdown(options=[(NOT_CHOSEN, None), *[(g, g[-1]) for g in GROUPS]],
                                      description="Your group:", style=wide)
        titles = [(title, role_id) for role_id, title in self.roles["title"].items()]
        self.role = widgets.Dropdown(options=[(NOT_CHOSEN, None), *titles], description="Your role:", style=wide)
        self.briefing = widgets.HTML()
        self.option = widgets.RadioButtons(options=[], value=None, layout=widgets.Layout(width="auto"))
        self.justification = widgets.Textarea(rows=4, layout=widgets.Layout(width="95%"),
                                              placeholder="Why this position? Use your role's interests and "
                                                          "constraints (at least two sentences).")
        self.group_decision = widgets.RadioButtons(
            options=[(NOT_DECIDED, None), *[(text, d) for d, text in self.decisions["decision"].items()]],
            value=None, layout=widgets.Layout(width="auto"))
        self.save_button = widgets.Button(description="Save", button_style="primary", icon="save",
                                          layout=widgets.Layout(width="max-content"))
        self.status = widgets.HTML()
        self.role.observe(lambda change: self.show_role(change["new"]), names="value")
        self.save_button.on_click(_guard(self.status, self.save))
        self.box = widgets.VBox([
            self.group, self.role, self.briefing,
            widgets.HTML("<b>Rounds 1 and 2. Your role's position:</b>"), self.option,
            widgets.HTML("<b>Your reasons:</b>"), self.justification,
            widgets.HTML("<b>Round 4. Your group's decision</b> (what the caretaker prime minister announced "
                         "after your group's vote):"), self.group_decision,
            self.save_button, self.status])
        self.box.add_class("activity")
        self.box.add_class("decision-room")
        if saved.get("role") in self.roles.index:
            self.group.value = saved.get("group") if saved.get("group") in [g[-1] for g in GROUPS] else None
            self.role.value = saved["role"]
            by_label = self._option_ids()
            self.option.value = next((label for label, oid in by_label.items() if oid == saved.get("option")), None)
            self.justification.value = saved.get("justification", "")
            if saved.get("group_decision") in self.decisions.index:
                self.group_decision.value = saved["group_decision"]
            self.status.value = _status("What you saved is shown. You can change it and save again.")

    def _option_ids(self) -> dict[str, str]:
        mine = self.options[self.options["role_id"] == self.role.value]
        return dict(zip(mine["option"], mine["option_id"]))

    def show_role(self, role_id: str | None) -> None:
        if role_id is None:
            self.briefing.value, self.option.options = "", []
            return
        role = self.roles.loc[role_id]
        listed = lambda items: "".join(f"<li>{html.escape(i)}</li>" for i in items)  # noqa: E731
        mine = self.options[self.options["role_id"] == role_id]
        meanings = "".join(f"<li><b>{html.escape(o)}</b>: {html.escape(m)}</li>"
                           for o, m in zip(mine["option"], mine.get("what_it_means", [""] * len(mine))))
        self.briefing.value = (
            f"<h4>{html.escape(role['title'])}</h4><p>{html.escape(role['briefing'])}</p>"
            f"<b>What you want:</b><ul>{listed(role['interests'])}</ul>"
            f"<b>What holds you back:</b><ul>{listed(role['constraints'])}</ul>"
            f"<b>What each option means:</b><ul>{meanings}</ul>"
            f"<i>Sources:</i> {html_reference(list(role['source_ids']), numbers())}")
        self.option.options = list(self._option_ids())
        self.option.value = None
        self.status.value = ""

    def save(self) -> None:
        if self.group.value is None:
            raise CourseError("Choose your group first: your teacher tells you its letter.")
        if self.role.value is None:
            raise CourseError("Choose your role first.")
        if self.option.value is None:
            raise CourseError("Choose your role's position: one of its options.")
        words = len(self.justification.value.split())
        if words < MIN_JUSTIFICATION_WORDS:
            raise CourseError(f"Give your reasons in at least {MIN_JUSTIFICATION_WORDS} words "
                              f"(you have {words}): which interest does this position serve, and what does it risk?")
        self.store.save("choices", self.lesson, "decision",
                        {"version": DECISION_VERSION, "group": self.group.value, "role": self.role.value,
                         "option": self._option_ids()[self.option.value],
                         "justification": self.justification.value.strip(),
                         "group_decision": self.group_decision.value})
        decided = (f" Your group's decision: {self.decisions.loc[self.group_decision.value, 'decision']}."
                   if self.group_decision.value else " Your group's decision comes in round 4: save again then.")
        self.status.value = _status(f"Saved for group {self.group.value}. Your position: {self.option.value}."
                                    f"{decided} You can change it and save again.")


def decision_room(lesson: str, store: ProgressStore | None = None):
    """The role-play of lesson 08: your group and role, your role's position with reasons (rounds 1-2), and
    the decision your group reached (round 4)."""
    from .data import table

    return _shown("The decision room", lambda: DecisionRoom(lesson, store or default_store(), table("roles"),
                                                              table("role_options"), table("room_decisions")))


# ----- a primary document and its sourcing organiser ------------------------------------------------
ORGANISER = (  # (key, the question a historian asks of a document), after Reading Like a Historian
    ("author", "Who wrote or said it, and for whom?"),
    ("purpose", "When, and why? What did the author want this text to do?"),
    ("claims", "What does it claim, and what does it leave out?"),
    ("trust", "How far can you trust it, and for what? What would you check, and where?"),
)


def headnote_rows(row) -> list[tuple[str, str]]:
    """The headnote of a document as (label, text) pairs, in the order a reader needs them."""
    pairs = [("Who", row["author"]), ("When and where", f"{row['date'].day} {row['date']:%B %Y}, {row['place']}"),
             ("For whom", row["audience"]), ("What it was for", row["purpose"]),
             ("Published in", row["published_in"]), ("Language", row["translation_note"]),
             ("What had just happened", row["context"])]
    return [(label, str(text)) for label, text in pairs if str(text).strip()]


class Document(_Activity):
    summary = "A primary document with its headnote and a sourcing organiser"

    def __init__(self, lesson: str, doc_id: str, store: ProgressStore, documents):
        rows = documents[documents["doc_id"] == doc_id]
        if rows.empty:
            raise CourseError(f"There is no document {doc_id!r}; the documents are "
                              f"{', '.join(documents['doc_id'])}.")
        row = rows.iloc[0]
        self.lesson, self.doc_id, self.store, self.key = lesson, doc_id, store, f"sourcing-{doc_id}"
        saved = (store.get("texts", lesson, self.key) or {}).get("value")
        saved = saved if isinstance(saved, dict) else {}
        numbered = numbers()
        head = "".join(f"<dt>{html.escape(label)}</dt><dd>{html.escape(text)}</dd>"
                       for label, text in headnote_rows(row))
        asks = "".join(f"<li>{html.escape(q)}</li>" for q in row["questions"])
        card = widgets.HTML(
            f"<h4>{html.escape(row['doc_id'].upper())}. {html.escape(row['title'])}</h4>"
            f"<dl class='headnote'>{head}</dl>"
            f"<blockquote class='excerpt'>{html.escape(row['excerpt'])}</blockquote>"
            f"<p><i>{html.escape(row['excerpt_note'])}</i> {html_reference(row['source_ids'], numbered)}</p>"
            f"<b>Questions to ask of this document:</b><ol>{asks}</ol>")
        card.add_class("document-card")
        self.fields: dict[str, widgets.Textarea] = {}
        parts = []
        for key, question in ORGANISER:
            box = widgets.Textarea(value=str(saved.get(key, "")), rows=2, layout=widgets.Layout(width="95%"),
                                   placeholder="Your notes")
            self.fields[key] = box
            parts += [widgets.HTML(f"<b>{html.escape(question)}</b>"), box]
        self.save_button = widgets.Button(description="Save my sourcing notes", button_style="primary", icon="save",
                                          layout=widgets.Layout(width="max-content"))
        filled = sum(1 for key, _ in ORGANISER if str(saved.get(key, "")).strip())
        self.status = widgets.HTML(_status(f"Your saved notes are shown ({filled} of {len(ORGANISER)} boxes). "
                                           "You can change them and save again.") if saved else "")
        self.save_button.on_click(_guard(self.status, self.save))
        organiser = widgets.VBox([widgets.HTML("<b>Your sourcing organiser</b>"), *parts, self.save_button,
                                  self.status])
        organiser.add_class("organiser")
        self.box = widgets.VBox([card, organiser])
        self.box.add_class("activity")
        self.box.add_class("document")

    def save(self) -> None:
        notes = {key: box.value.strip() for key, box in self.fields.items()}
        filled = sum(1 for text in notes.values() if text)
        if not filled:
            raise CourseError("Write in at least one box first, then press Save.")
        self.store.save("texts", self.lesson, self.key, notes)
        more = "" if filled == len(notes) else " Come back to fill in the others: what you wrote is kept."
        self.status.value = _status(f"Saved ({filled} of {len(notes)} boxes).{more}")


def document(lesson: str, doc_id: str, store: ProgressStore | None = None):
    """A primary document of data/documents.csv with its headnote, and an organiser for your sourcing notes."""
    from .data import table

    return _shown("The document", lambda: Document(lesson, doc_id, store or default_store(), table("documents")))
