"""Exercises from one source, checked both ways: every solution passes its tests, every blank exercise
fails every autograded test and still runs to the end without an error; exercises/ never drifts from
solutions/ and holds no solution text and no hidden test."""
import json

import nbformat
import pytest

from twopowers.assignments import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, exercise_path,
                                   generate, questions, secret_lines, solution_notebooks, student_version)
from twopowers.checks import ERROR, FAILED, NOT_ANSWERED, PASSED, check, run_tests
from twopowers.grading import grade_notebook

SOLUTIONS = solution_notebooks()
ids = [p.parent.name for p in SOLUTIONS]


def test_there_is_an_exercise_for_each_lesson():
    from twopowers.data import lesson_paths

    lessons = {p.stem for p in lesson_paths() if not p.stem.startswith("00_")}
    assert len(lessons) == 9 and {p.parent.name.removeprefix("ex") for p in SOLUTIONS} == lessons


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
    assert any(q.kind == "auto" for q in graded)


@pytest.mark.parametrize("solution", SOLUTIONS, ids=ids)
def test_the_solution_passes_every_autograded_test(solution, tmp_path):
    rows = grade_notebook(solution, solution, "teacher", tmp_path / "work")
    failed = [(r.question, r.message) for r in rows if r.status != PASSED]
    assert not failed
    assert sum(r.points for r in rows) == sum(r.max_points for r in rows) > 0


@pytest.mark.parametrize("solution", SOLUTIONS, ids=ids)
def test_the_blank_exercise_runs_without_error_and_fails_every_autograded_test(solution, tmp_path):
    from twopowers.grading import run_and_export

    blank = exercise_path(solution)
    (tmp_path / "empty").mkdir()
    ran, status = run_and_export(blank, [], tmp_path / "empty", cell_timeout=60)
    assert status == {"state": "ok"}
    errors = [o for c in ran.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"a learner would see a traceback: {errors[:1]}"
    shown = json.dumps([o for c in ran.cells if c.cell_type == "code" for o in c.outputs])
    assert "not answered yet" in shown, "each check says the question is not answered yet"
    rows = grade_notebook(blank, solution, "blank", tmp_path / "work")
    assert rows and all(r.status == NOT_ANSWERED and r.points == 0 for r in rows)


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
    (329, PASSED, "passes the checks"),
])
def test_check_gives_a_verdict_for_every_kind_of_answer(value, status, words):
    verdict = run_tests("q1", seat_checks, {"seats": value})
    assert verdict.status == status and words in verdict.message
    assert words in verdict._repr_html_().replace("&quot;", '"')


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
    from twopowers.notebooks import CELL_METADATA, NOTEBOOK_METADATA

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
