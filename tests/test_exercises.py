"""Exercises from one source, checked both ways: every solution passes its tests, every blank exercise
fails every autograded test and still runs to the end without an error; exercises/ never drifts from
solutions/ and holds no solution text and no hidden test."""
import json

import nbformat
import pytest

from twopowers.teach.exercise import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, exercise_path,
                                      load_exercises, questions, secret_lines, solution_notebooks)
from twopowers.teach.release import generate, student_version
from twopowers.checks import CHECKED, ERROR, FAILED, NOT_ANSWERED, PASSED, check, run_tests
from twopowers.teach.grading import grade_notebook

SOLUTIONS = solution_notebooks()
ids = [p.parent.name for p in SOLUTIONS]
EXERCISES = load_exercises()


def test_there_is_an_exercise_for_each_lesson():
    from twopowers.data import lesson_paths

    lessons = {p.stem for p in lesson_paths() if not p.stem.startswith("00_")}
    exercises = {p.parent.name.removeprefix("ex") for p in SOLUTIONS if p.parent.name.startswith("ex")}
    assert len(lessons) == 9 and exercises == lessons
    assert [p.parent.name for p in SOLUTIONS if not p.parent.name.startswith("ex")] == ["summative_policy_memo"]


def test_exercises_are_generated_from_solutions_and_have_not_drifted():
    drifted = generate(write=False)
    assert not drifted, (f"exercises/ or docs/rubrics.md is out of date ({[p.name for p in drifted]}): "
                         "run python3 course.py exercises")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=ids)
def test_the_exercise_holds_no_solution_and_no_hidden_test(solution):
    exercise = exercise_path(solution).read_text(encoding="utf-8")
    shown = "\n".join(c.source for c in nbformat.read(exercise_path(solution), as_version=4).cells)
    for marker in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN):
        assert marker not in exercise
    secrets = secret_lines(nbformat.read(solution, as_version=4))
    assert secrets, "a solution with nothing to hide?"
    for line in secrets:
        assert line not in shown, f"{solution.parent.name}: the exercise shows {line!r}"


def test_a_line_the_question_itself_shows_is_not_a_secret():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Step 1: `days = tl[tl['date'] >= '2019-12-27']`"),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\ndays = tl[tl['date'] >= '2019-12-27']\n"
                                  "answer = len(days[days['category'] == 'war'])\n### END SOLUTION")])
    assert secret_lines(nb) == {"answer = len(days[days['category'] == 'war'])"}


@pytest.mark.parametrize("solution", SOLUTIONS, ids=ids)
def test_each_question_has_points_an_id_and_nbgrader_metadata(solution):
    nb = nbformat.read(solution, as_version=4)
    graded = questions(nb)
    assert graded, "no graded question"
    seen = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        assert meta is not None, "every cell carries nbgrader metadata"
        assert meta["schema_version"] == 3 and meta["grade_id"] not in seen
        seen.add(meta["grade_id"])
        if meta.get("grade"):
            assert meta.get("points", 0) > 0
    assert any(q.kind == "auto" for q in graded) or solution.parent.name.startswith("summative_")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=ids)
def test_the_solution_passes_every_autograded_test(solution, tmp_path):
    rows = grade_notebook(solution, EXERCISES[solution.parent.name], "teacher", tmp_path / "work")
    failed = [(r.question, r.message) for r in rows if r.status != PASSED]
    assert not failed
    assert sum(r.points for r in rows) == sum(r.max_points for r in rows) == EXERCISES[solution.parent.name].points("auto")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=ids)
def test_the_blank_exercise_runs_without_error_and_fails_every_autograded_test(solution, tmp_path):
    from twopowers.teach.grading import run_and_export

    blank = exercise_path(solution)
    (tmp_path / "empty").mkdir()
    ran, status = run_and_export(blank, [], tmp_path / "empty", cell_timeout=60)
    assert status == {"state": "ok"}
    errors = [o for c in ran.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"a learner would see a traceback: {errors[:1]}"
    shown = json.dumps([o for c in ran.cells if c.cell_type == "code" for o in c.outputs])
    if EXERCISES[solution.parent.name].auto:
        assert "not answered yet" in shown, "each check says the question is not answered yet"
    rows = grade_notebook(blank, EXERCISES[solution.parent.name], "blank", tmp_path / "work")
    assert len(rows) == len(EXERCISES[solution.parent.name].auto)
    assert all(r.status == NOT_ANSWERED and r.points == 0 for r in rows)


def test_the_learners_copy_keeps_one_stub_per_answer_variable():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x = 1\n### BEGIN SOLUTION\na = 2\nb, c = a, 3\na += 1\n### END SOLUTION\nprint(a)")])
    cell = student_version(nb).cells[0]
    assert cell.source == "x = 1\na = ...  # your answer here\nb = ...  # your answer here\n" \
                          "c = ...  # your answer here\nprint(a)"


# ----- check(): the learner's self-check ---------------------------------------------------------------
def seat_checks(seats):
    assert not isinstance(seats, str), "Give a number, not text."
    assert seats == 329, "Look at row p13."


@pytest.mark.parametrize("value, status, words", [
    (Ellipsis, NOT_ANSWERED, "not answered yet"),
    ("329", FAILED, "Give a number, not text."),
    (328, FAILED, "Look at row p13."),
    ([329], FAILED, "Look at row p13."),
    (329, PASSED, "right"),
])
def test_check_gives_a_verdict_for_every_kind_of_answer(value, status, words):
    verdict = run_tests("q1", seat_checks, {"seats": value})
    assert verdict.status == status and words in verdict.message
    assert words in verdict._repr_html_().replace("&quot;", '"')


def test_a_check_that_cannot_tell_says_what_it_checked_and_never_that_the_answer_is_right():
    def form_checks(seats):
        """a whole number from 300 to 400"""
        assert isinstance(seats, int), "Give a whole number, without quotes."
        assert 300 <= seats <= 400, "Iraq's parliament has between 300 and 400 seats."
    verdict = run_tests("q1", form_checks, {"seats": 328})
    assert verdict.status == CHECKED and verdict.passed
    assert verdict.message.startswith("your answer is a whole number from 300 to 400.")
    assert "cannot tell whether it is right" in verdict.message
    assert not any(word in verdict.message.lower() for word in ("passes", "correct", "well done"))
    assert "✓" not in verdict._repr_html_()


def test_a_test_that_breaks_on_a_strange_value_is_an_error_verdict_not_a_traceback():
    def tests_sum(total):
        assert total + 1 > 0
    verdict = run_tests("q9", tests_sum, {"total": "text"})
    assert verdict.status == ERROR and "could not be checked (TypeError" in verdict.message


def test_check_reads_the_answer_from_the_notebook_and_raises_only_under_nbgrader(monkeypatch):
    seats = 328  # noqa: F841 - read by check() from this frame, as from a notebook's globals
    assert check("q1", seat_checks).status == FAILED
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="Look at row p13"):
        check("q1", seat_checks)


@pytest.mark.parametrize("solution", SOLUTIONS, ids=ids)
def test_solutions_and_exercises_carry_no_editor_noise(solution):
    from twopowers.teach.notebooks import CELL_METADATA, NOTEBOOK_METADATA

    for path, outputs in ((solution, True), (exercise_path(solution), False)):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert set(nb.metadata) <= NOTEBOOK_METADATA
        for cell in nb.cells:
            assert set(cell.metadata) <= CELL_METADATA
            if cell.cell_type != "code":
                continue
            assert not any(o.output_type == "error" for o in cell.outputs)
            if not outputs:
                assert not cell.outputs, f"{path.name}: the learner's copy has no outputs"
            elif cell.metadata["nbgrader"].get("grade"):
                assert cell.outputs, f"{path.name}: each check keeps its verdict for nbval"


def test_rubrics_handout_report_and_grading_all_read_the_one_exercise_model(tmp_path, monkeypatch):
    """A change made to the model shows in the rubrics, the hand-out's secret lines, the report and the
    gradebook rows: none of them reads solutions/ on its own."""
    from twopowers.teach import exercise as model
    from twopowers.teach import handout, release, report
    from twopowers.teach.grading import score_run

    built = load_exercises()
    first = next(iter(built.values()))
    question = first.auto[0]
    question.points = 97
    first.secret_lines = frozenset({"a line only this model knows"})
    monkeypatch.setattr(model, "load_exercises", lambda names=None: built)
    assert f"| {question.grade_id} | {question.skill or 'auto'} | 97 |" in release.rubrics_markdown(built)
    assert handout.all_secret_lines()["a line only this model knows"] == first.name
    assert any(line.startswith(f"| {first.name} |") and f"| {first.points():g} |" in line
               for line in report.exercise_lines())
    rows = score_run(first, tmp_path, {"state": "kernel died"}, "someone")
    assert next(r for r in rows if r.question == question.grade_id).max_points == 97


def test_a_class_is_graded_from_one_model_built_before_any_submission_runs(tmp_path, monkeypatch):
    """grade reads and compiles each solution once for the whole class, before the first submission runs,
    and its tests use the data read then: data/ vanishing while submissions run changes no grade."""
    import csv
    import shutil

    from twopowers import data
    from twopowers.teach import exercise as model
    from twopowers.teach import gradebook
    from twopowers.teach.grading import run_and_export

    ex04 = EXERCISES[next(n for n in EXERCISES if n.startswith("ex04"))]
    answers = tmp_path / "solution-answers"  # what a right submission exports, made once
    answers.mkdir()
    assert run_and_export(ex04.path, ex04.answer_names, answers)[1] == {"state": "ok"}

    parsed, parsed_when_first_ran = [], []
    real_questions = model.questions
    monkeypatch.setattr(model, "questions", lambda nb: parsed.append(1) or real_questions(nb))

    def gone(name):
        raise OSError("data/ is gone")

    def fake_run(notebook, names, workdir, *args, **kwargs):
        if not parsed_when_first_ran:
            parsed_when_first_ran.append(len(parsed))
            monkeypatch.setattr(data, "table", gone)  # from the first submission on, data/ cannot be read
        shutil.copytree(answers, workdir, dirs_exist_ok=True)
        return None, {"state": "ok"}

    monkeypatch.setattr(gradebook, "run_and_export", fake_run)
    for student in ("ana", "ben", "chloe"):
        (tmp_path / "subs" / student).mkdir(parents=True)
        shutil.copy(exercise_path(ex04.path), tmp_path / "subs" / student / ex04.path.name)
    gradebook.grade_class(tmp_path / "subs", tmp_path / "out", quiet=True, no_sandbox=True)
    assert parsed_when_first_ran == [len(SOLUTIONS)] and len(parsed) == len(SOLUTIONS), \
        "each solution is read once, all before the first submission runs"
    with open(tmp_path / "out" / "gradebook.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for student in ("ana", "ben", "chloe"):
        auto = [r for r in rows if r["student"] == student and r["question"] in {q.grade_id for q in ex04.auto}]
        assert len(auto) == len(ex04.auto) and {r["status"] for r in auto} == {PASSED}, auto
