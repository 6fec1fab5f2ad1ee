"""Saved progress: nothing a learner has answered is ever lost, whatever happens to the kernel or the file."""
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from twopowers import progress as progress_module
from twopowers.charts import show_progress
from twopowers.progress import ProgressStore, export_progress, progress_table


def test_answers_survive_a_new_store_object(tmp_path):
    ProgressStore(tmp_path).record_answer("01_x", "q1", "A", "correct", 1.0, tries=2)
    saved = ProgressStore(tmp_path).answer("01_x", "q1")
    assert saved["response"] == "A" and saved["tries"] == 2 and saved["time"]


def test_the_learner_keeps_one_id(tmp_path):
    assert ProgressStore(tmp_path).learner_id() == ProgressStore(tmp_path).learner_id()


def test_texts_choices_and_predictions_are_kept_with_their_time(store):
    store.save("texts", "05_args", "strongest-case", "Because sovereignty matters.")
    store.save("choices", "08_room", "role", "caretaker-pm")
    store.save("predictions", "08_room", "troops-gone-in-a-year", "no")
    record = store.load()
    assert record["texts"]["05_args"]["strongest-case"]["value"] == "Because sovereignty matters."
    assert record["choices"]["08_room"]["role"]["value"] == "caretaker-pm"
    assert record["predictions"]["08_room"]["troops-gone-in-a-year"]["time"].startswith("20")
    with pytest.raises(ValueError):
        store.save("grades", "x", "y", 1)


def test_a_crash_in_the_middle_of_a_write_leaves_the_old_file_whole(store, monkeypatch):
    store.record_answer("01_x", "q1", "A", "correct", 1.0, tries=1)
    before = store.path.read_text()

    def crash(record, out, **kwargs):
        out.write('{"format": "between-two-pow')
        out.flush()
        raise KeyboardInterrupt  # as if the kernel were stopped mid-write

    monkeypatch.setattr(progress_module.json, "dump", crash)
    with pytest.raises(KeyboardInterrupt):
        store.record_answer("01_x", "q2", "B", "wrong", 0.0, tries=1)
    assert store.path.read_text() == before
    assert not list(store.directory.glob(".progress-*.tmp"))


WRITER = """
import sys
from twopowers.progress import ProgressStore
store = ProgressStore(sys.argv[1])
n = 0
while True:
    store.record_answer("01_x", f"q{n % 50}", "x" * 2000, "wrong", 0.0, tries=n)
    if n == 0:
        print("writing", flush=True)
    n += 1
"""


@pytest.mark.skipif(os.name == "nt", reason="kills the writer with SIGKILL, which Windows does not have")
def test_a_kernel_killed_while_saving_never_corrupts_the_file(tmp_path):
    for delay in (0.0, 0.01, 0.03, 0.07, 0.15):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "writing"  # it is now saving in a tight loop
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        record = json.loads((tmp_path / "progress.json").read_text())  # always complete JSON
        assert record["format"] == "between-two-powers-progress"
    assert not list(tmp_path.glob("progress.unreadable-*"))


@pytest.mark.parametrize("content", ["{not json", "[]", '{"format": "something else"}', "\x00\x01", ""])
def test_an_unreadable_file_is_moved_aside_with_a_warning_and_a_fresh_one_started(tmp_path, content, capsys):
    (tmp_path / "progress.json").write_text(content)
    store = ProgressStore(tmp_path)
    store.record_answer("01_x", "q1", "A", "correct", 1.0, tries=1)
    aside = list(tmp_path.glob("progress.unreadable-*.json"))
    assert len(aside) == 1 and aside[0].read_text() == content  # kept, not deleted
    assert "could not be read" in store.warnings[0] and str(aside[0]) in store.warnings[0]
    assert "could not be read" in capsys.readouterr().err
    assert ProgressStore(tmp_path).answer("01_x", "q1")["response"] == "A"


def write_many(args):
    folder, writer = args
    store = ProgressStore(folder)
    for n in range(20):
        store.record_answer("01_x", f"w{writer}-q{n}", n, "correct", 1.0, tries=1)
    return writer


def test_two_kernels_writing_at_once_lose_nothing(tmp_path):
    with ProcessPoolExecutor(max_workers=4) as pool:
        list(pool.map(write_many, [(tmp_path, w) for w in range(4)]))
    answers = ProgressStore(tmp_path).load()["answers"]["01_x"]
    assert len(answers) == 80


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_folder_keeps_answers_in_memory_with_a_warning(tmp_path):  # pragma: no cover - non-root
    tmp_path.chmod(0o500)
    try:
        store = ProgressStore(tmp_path / "sub")
        store.record_answer("01_x", "q1", "A", "correct", 1.0, tries=1)
        assert store.answer("01_x", "q1")["response"] == "A"
        assert "cannot be saved" in store.warnings[0]
    finally:
        tmp_path.chmod(0o700)


def test_a_folder_that_is_a_file_keeps_answers_in_memory_with_a_warning(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    store = ProgressStore(blocker)
    store.record_answer("01_x", "q1", "A", "correct", 1.0, tries=1)
    assert store.answer("01_x", "q1")["response"] == "A"
    assert "cannot be saved" in store.warnings[0]


def test_the_progress_table_counts_per_lesson(store):
    store.record_answer("00_start_here", "q1-ink-on-paper", "x", "correct", 1.0, tries=1)
    store.record_answer("00_start_here", "q4-votes-for", "1", "wrong", 0.0, tries=3, revealed=True)
    row = progress_table(store).set_index("lesson").loc["00_start_here"]
    assert (row.questions, row.answered, row.correct, row.revealed, row.left) == (6, 2, 1, 1, 4)


def test_show_progress_draws_a_labelled_chart(store, monkeypatch, capsys, no_kept_charts):
    drawn = []
    monkeypatch.setattr("twopowers.charts.show", lambda fig, description: drawn.append((fig, description)))
    show_progress(store)
    (fig, description), = drawn
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    out = capsys.readouterr().out
    assert f"Text description: {description}" in out and "saved on this computer as you go" in out
    assert str(store.path) not in out, "no file path a newcomer cannot use"


def test_export_writes_one_file_to_hand_in(store, tmp_path, capsys):
    store.record_answer("00_start_here", "q1-ink-on-paper", "x", "correct", 1.0, tries=1)
    store.save("predictions", "08_room", "one-year", "yes")
    export_progress("Sara K.", folder=tmp_path / "out", store=store)
    files = list((tmp_path / "out").glob("my-progress-*.json"))
    assert [f.name for f in files] == ["my-progress-sara-k.json"]
    handed_in = json.loads(files[0].read_text())
    assert handed_in["learner"]["name"] == "Sara K."
    assert handed_in["answers"]["00_start_here"]["q1-ink-on-paper"]["status"] == "correct"
    assert handed_in["predictions"]["08_room"]["one-year"]["value"] == "yes"
    assert handed_in["summary"][0]["lesson"] == "00_start_here"
    assert "hand in this file" in capsys.readouterr().out


def test_export_to_a_bad_folder_explains_itself(store, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    export_progress(folder=blocker / "sub", store=store)
    assert "Could not write your progress file" in capsys.readouterr().err


def test_export_says_where_the_file_is_without_a_path_the_learner_did_not_choose(store, tmp_path, capsys,
                                                                               monkeypatch):
    from twopowers.progress import EXPORT_ENV

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(EXPORT_ENV, raising=False)
    export_progress("Sara", store=store)
    assert "my-progress-sara.json, in the same folder as this notebook" in capsys.readouterr().out
    monkeypatch.setenv(EXPORT_ENV, str(tmp_path / "class"))
    export_progress("Sara", store=store)
    said = capsys.readouterr().out
    assert "in the hand-in folder your course set up" in said and str(tmp_path) not in said
    assert (tmp_path / "class" / "my-progress-sara.json").exists()


def test_an_export_made_before_a_question_moved_still_counts(tmp_path, monkeypatch):
    """A learner answered q-old in lesson 02, then the question moved to a Going further notebook: their saved
    and exported answer counts there, through the question's alias, and the quiz shows it again."""
    import shutil

    import yaml

    from twopowers.data import DATA_ENV, quiz_schema_path
    from twopowers.progress import ProgressStore
    from twopowers.quizzes import Quiz

    data = tmp_path / "data"
    (data / "quizzes").mkdir(parents=True)
    shutil.copy(quiz_schema_path(), data / "quizzes" / "quiz.schema.json")
    question = {"id": "q-old", "type": "truefalse", "prompt": "A cap is a count?", "answer": False,
                "explanation": "A cap is a limit.", "objective": "L02.O2", "skill": "numbers-in-context",
                "paragraphs": [17], "section": "scale", "if_wrong": "Is a cap counted?",
                "aliases": ["02_how_we_got_here:q-old"]}
    (data / "quizzes" / "02g_more.yml").write_text(yaml.safe_dump(
        {"lesson": "02g_more", "title": "Going further 02", "objectives": {"L02.O2": "Compare a cap with a count."},
         "questions": [question]}))
    monkeypatch.setenv(DATA_ENV, str(data))
    earlier = ProgressStore(tmp_path / "before")  # the learner's record before the question moved
    earlier.record_answer("02_how_we_got_here", "q-old", False, "correct", 1.0, tries=1)
    exported = earlier.export(tmp_path / "handed-in", "Sara")
    store = ProgressStore(tmp_path / "sara")  # the export, loaded as a progress record after the move
    store.directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(exported, store.path)

    row = progress_table(store).set_index("lesson").loc["02g_more"]
    assert (row.answered, row.correct, row.left) == (1, 1, 0)
    from twopowers.questions import load_quiz_file

    quiz_file = load_quiz_file(data / "quizzes" / "02g_more.yml")
    shown = Quiz(quiz_file, quiz_file.questions, store, "Quiz").widget.saved  # what the page gets to show again
    assert shown["q-old"]["status"] == "correct" and shown["q-old"]["response"] is False
