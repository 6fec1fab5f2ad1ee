"""Saved activities as a learner and an instructor use them: written answers, the decision room,
predictions, the reveal gate of lesson 09, and the class tally over a folder of exported progress files."""
import json

import pandas as pd
import pytest

from twopowers.citations import numbers
from twopowers.activities import DecisionRoom, Prediction, Reveal, Written, reveal, saved_predictions
from twopowers.data import table
from twopowers.progress import ProgressStore
from twopowers.teach.tally import class_tally

LESSON = "08_the_decision_room"


@pytest.fixture
def questions():
    return table("predictions")


@pytest.fixture
def roles():
    return pd.DataFrame([
        {"role_id": "pm", "title": "Caretaker prime minister", "briefing": "You resigned in November.",
         "interests": ["Keep the state together", "Avoid sanctions"], "constraints": ["You are caretaker"],
         "source_ids": ["article"]},
        {"role_id": "protester", "title": "Protester", "briefing": "You want neither power.",
         "interests": ["A new government"], "constraints": ["No seats in parliament"], "source_ids": ["article"]}])


@pytest.fixture
def options():
    return pd.DataFrame([
        {"option_id": "pm-1", "role_id": "pm", "option": "Ask for a withdrawal team", "what_it_means": "Act now."},
        {"option_id": "pm-2", "role_id": "pm", "option": "Wait for a new government", "what_it_means": "Delay."},
        {"option_id": "pr-1", "role_id": "protester", "option": "March against both powers",
         "what_it_means": "Take to the streets."}])


@pytest.fixture
def decisions():
    return pd.DataFrame([
        {"decision_id": "rd-1", "decision": "Order the foreign troops out now"},
        {"decision_id": "rd-2", "decision": "Negotiate a timed exit"}])


def all_states(widget):
    """The synced state of a widget and of everything inside it: what the browser would receive."""
    states = [widget.get_state()]
    for child in getattr(widget, "children", ()):
        states += all_states(child)
    return states


def text_of(widget_html):
    return widget_html.value


# ----- written answers -------------------------------------------------------------------------------
def test_a_written_answer_is_saved_and_shown_again(store):
    box = Written("07_x", "judgement", "Your judgement?", 4, store)
    box.save_button.click()
    assert "Write something first" in text_of(box.status)
    assert store.get("texts", "07_x", "judgement") is None
    box.text.value = "The count of 170 is one of several reported counts."
    box.save_button.click()
    assert "Saved (10 words)" in text_of(box.status)
    again = Written("07_x", "judgement", "Your judgement?", 4, store)
    assert again.text.value == "The count of 170 is one of several reported counts."
    assert "Saved on" in text_of(again.status)


# ----- the decision room -------------------------------------------------------------------------------
def test_the_decision_room_saves_group_role_position_and_the_groups_decision(store, roles, options, decisions):
    room = DecisionRoom(LESSON, store, roles, options, decisions)
    room.save_button.click()
    assert "Choose your group first" in text_of(room.status)
    room.group.value = "B"
    room.save_button.click()
    assert "Choose your role first" in text_of(room.status)
    room.role.value = "pm"
    assert "You resigned in November." in room.briefing.value and "Avoid sanctions" in room.briefing.value
    assert list(room.option.options) == ["Ask for a withdrawal team", "Wait for a new government"]
    assert "Act now." in room.briefing.value and "Take to the streets." not in room.briefing.value
    assert f'href="sources.ipynb#cell-id=article" target="_blank"' in room.briefing.value, "sources as numbered links"
    room.save_button.click()
    assert "Choose your role&#x27;s position" in text_of(room.status)
    room.option.value = "Wait for a new government"
    room.justification.value = "Too short."
    room.save_button.click()
    assert "at least 8 words" in text_of(room.status)
    assert store.get("choices", LESSON, "decision") is None
    room.justification.value = "A caretaker should not bind the next government; sanctions would hurt everyone."
    room.save_button.click()
    assert "Saved for group B" in text_of(room.status) and "comes in round 4" in text_of(room.status)
    saved = store.get("choices", LESSON, "decision")["value"]
    assert saved == {"version": 2, "group": "B", "role": "pm", "option": "pm-2", "justification":
                     "A caretaker should not bind the next government; sanctions would hurt everyone.",
                     "group_decision": None}
    room.group_decision.value = "rd-2"
    room.save_button.click()
    assert "Negotiate a timed exit" in text_of(room.status)
    assert store.get("choices", LESSON, "decision")["value"]["group_decision"] == "rd-2"
    restored = DecisionRoom(LESSON, store, roles, options, decisions)
    assert (restored.group.value, restored.role.value, restored.option.value, restored.group_decision.value) == \
        ("B", "pm", "Wait for a new government", "rd-2")
    assert restored.justification.value.startswith("A caretaker")


def test_a_decision_saved_before_groups_existed_is_shown_again(store, roles, options, decisions):
    store.save("choices", LESSON, "decision", {"role": "pm", "option": "pm-1", "justification": "Because."})
    room = DecisionRoom(LESSON, store, roles, options, decisions)
    assert room.group.value is None and room.role.value == "pm" and room.option.value == "Ask for a withdrawal team"
    assert room.group_decision.value is None


# ----- predictions and the reveal gate -----------------------------------------------------------------
def answer_all(form, pick=0):
    for choice in form.choices.values():
        choice.value = choice.options[pick]
    form.save_button.click()


def test_every_prediction_must_be_answered_before_it_is_saved(store, questions):
    form = Prediction(LESSON, store, questions)
    first = next(iter(form.choices.values()))
    first.value = first.options[1]
    form.save_button.click()
    assert "Choose an answer for every question" in text_of(form.status)
    assert saved_predictions(store) == {}


def test_the_reveal_stays_hidden_until_a_prediction_is_saved_then_opens(store, questions):
    gate = Reveal("09_what_happened_next", store, questions)
    assert "reveal-prompt" in gate.box.children[0]._dom_classes
    assert gate.result.value == ""
    page = json.dumps(all_states(gate.box), default=str)
    for detail in questions["outcome_detail"]:  # nothing of what happened is on the page yet
        assert detail not in page
    answer_all(gate.form, pick=0)
    shown = gate.result.value
    assert shown, "saving the predictions opens the reveal"
    assert all(outcome in shown for outcome in questions["outcome"])
    assert "Text description" in shown and 'alt="One bar per prediction' in shown
    numbered = numbers()
    for ids in questions["source_ids"]:  # sources as numbered links to the sources page, not raw ids
        for source in ids:
            assert f'href="sources.ipynb#cell-id={source}" target="_blank"' in shown
            assert f">{numbered[source]}</a>" in shown
    assert "[source:" not in shown


def test_predictions_made_in_lesson_08_open_the_reveal_in_lesson_09(store, questions):
    answer_all(Prediction(LESSON, store, questions), pick=1)
    gate = Reveal("09_what_happened_next", store, questions)
    assert gate.box.children == (gate.result,)
    assert "You said: Yes, but fewer" in gate.result.value and "2 of 2 came true" in gate.result.value


def test_the_outcome_of_each_prediction_is_one_of_its_choices(questions):
    for row in questions.itertuples():
        assert row.outcome in row.choices, row.prediction_id


def test_a_broken_data_folder_gives_a_message_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("TWOPOWERS_DATA", str(tmp_path))
    shown = reveal("09_what_happened_next", ProgressStore(tmp_path / "p"))
    assert "cannot be shown" in shown.data and "Tell your teacher" in shown.data


# ----- the class tally ----------------------------------------------------------------------------------
def exported(tmp_path, name, role, option, choice, predicted_in=LESSON, group="A", decided="rd-1"):
    store = ProgressStore(tmp_path / f"home-{name}")
    store.save("choices", LESSON, "decision", {"version": 2, "group": group, "role": role, "option": option,
                                               "justification": "Because.", "group_decision": decided})
    for prediction_id in ("troops-2021", "troops-2025"):
        store.save("predictions", predicted_in, prediction_id, {"choice": choice, "confidence": 70})
    return store.export(tmp_path / "class", name)


def test_the_class_tally_reads_every_good_file_and_reports_a_corrupt_one(tmp_path):
    exported(tmp_path, "Ana", "pm", "pm-1", "No, all U.S. troops will have left")
    exported(tmp_path, "Björn", "protester", "pr-1", "Yes, but fewer than in January 2020")
    exported(tmp_path, "Chidi", "pm", "pm-1", "Yes, but fewer than in January 2020", predicted_in="09_x")
    folder = tmp_path / "class"
    (folder / "my-progress-broken.json").write_text('{"format": "between-two-pow', encoding="utf-8")
    (folder / "notes.json").write_text('{"shopping": ["milk"]}', encoding="utf-8")
    (folder / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    tally = class_tally(folder)

    assert tally.files_read == 3
    assert sorted(tally.decisions["learner"]) == ["Ana", "Björn", "Chidi"]
    assert tally.decisions.groupby("option").size().to_dict() == {"pm-1": 2, "pr-1": 1}
    assert len(tally.predictions) == 6
    assert (tally.predictions["choice"] == "Yes, but fewer than in January 2020").sum() == 4
    skipped = " ".join(tally.problems)
    for name in ("my-progress-broken.json", "notes.json", "binary.json"):
        assert name in skipped
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "the tally changes no file"


def test_the_tally_shows_each_groups_decision_how_roles_voted_and_flags_a_split_group(tmp_path):
    exported(tmp_path, "Ana", "pm", "pm-1", "x", group="A", decided="rd-2")
    exported(tmp_path, "Ben", "protester", "pr-1", "x", group="A", decided="rd-2")
    exported(tmp_path, "Cy", "pm", "pm-2", "x", group="B", decided="rd-1")
    exported(tmp_path, "Dee", "protester", "pr-1", "x", group="B", decided="rd-3")
    exported(tmp_path, "Eli", "pm", "pm-1", "x", group="C", decided=None)
    tally = class_tally(tmp_path / "class")
    groups = tally.groups.set_index("group")
    assert groups.loc["A", "decision"] == "rd-2" and groups.loc["A", "flag"] == ""
    assert groups.loc["B", "decision"] == "disagree" and "recorded different decisions" in groups.loc["B", "flag"]
    assert "no decision yet" in groups.loc["C", "flag"]
    assert tally.role_votes.loc["pm"].to_dict() == {"rd-1": 1, "rd-2": 1, "rd-3": 0}
    assert tally.role_votes.loc["protester"].to_dict() == {"rd-1": 0, "rd-2": 1, "rd-3": 1}


def test_an_export_from_before_groups_still_tallies(tmp_path):
    """A version-1 export (role, position and reasons, no group) counts beside version-2 exports."""
    exported(tmp_path, "Ana", "pm", "pm-1", "x", group="A", decided="rd-2")
    old = {"format": "between-two-powers-progress", "version": 1, "exported": "2026-01-01T10:00:00+00:00",
           "learner": {"id": "old1", "name": "Old"}, "answers": {}, "texts": {}, "predictions": {},
           "choices": {LESSON: {"decision": {"value": {"role": "protester", "option": "pr-1",
                                                       "justification": "Neither power."},
                                             "time": "2026-01-01T09:00:00+00:00"}}}}
    (tmp_path / "class" / "my-progress-old.json").write_text(json.dumps(old), encoding="utf-8")
    tally = class_tally(tmp_path / "class")
    assert not tally.problems and tally.files_read == 2
    row = tally.decisions.set_index("learner").loc["Old"]
    assert (row["group"], row["version"], row["option"]) == ("(no group)", 1, "pr-1")
    assert json.loads((tmp_path / "class" / "my-progress-ana.json").read_text())["version"] == 2


def test_a_learner_who_exported_twice_counts_once(tmp_path):
    store = ProgressStore(tmp_path / "home")
    store.save("predictions", LESSON, "troops-2021", {"choice": "old guess", "confidence": 50})
    first = store.export(tmp_path / "class", "Dana")
    first.rename(first.with_name("my-progress-dana-old.json"))
    store.save("predictions", LESSON, "troops-2021", {"choice": "new guess", "confidence": 90})
    store.export(tmp_path / "class", "Dana")
    tally = class_tally(tmp_path / "class")
    assert tally.files_read == 1 and list(tally.predictions["choice"]) == ["new guess"]
    assert any("newer export by the same learner" in p for p in tally.problems)


def test_a_missing_folder_is_explained(tmp_path):
    from twopowers.errors import CourseError
    with pytest.raises(CourseError, match="There is no folder"):
        class_tally(tmp_path / "nowhere")
