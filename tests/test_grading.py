"""Grading a class: hostile submissions each get a clear status, never stop the batch and never score above
a blank submission; a run resumes without regrading or duplicating; written answers merge back."""
import csv
import json
import zipfile
from pathlib import Path

import nbformat
import pytest

from twopowers.assignments import exercise_path, solution_notebooks
from twopowers.gradebook import discover, grade_class, merge_written
from twopowers.sandbox import detect

SOLUTION = next((p for p in solution_notebooks() if p.parent.name == "ex04_the_vote_in_numbers"), None)
pytestmark = pytest.mark.skipif(SOLUTION is None, reason="exercise 04 is the grading tests' example")
EXERCISE = "ex04_the_vote_in_numbers"
FAST = {"workers": 2, "cell_timeout": 4, "notebook_limit": 90, "memory_mb": 1024, "quiet": True}


def blank():
    return nbformat.read(exercise_path(SOLUTION), as_version=4)


def answer_cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def with_answers(q1="0", q2="0", q3="None"):
    """The blank exercise with (wrong) answers filled in."""
    nb = blank()
    answer_cell(nb, "q1-answer").source = f"list_seats = {q1}"
    answer_cell(nb, "q2-answer").source = f"quorum = {q2}"
    answer_cell(nb, "q3-answer").source = f"present = {q3}"
    return nb


def add_code(nb, source, at=None):
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.insert(len(nb.cells) if at is None else at, cell)
    return nb


def save(folder: Path, student: str, nb_or_bytes) -> None:
    target = folder / student / f"{EXERCISE}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb_or_bytes, bytes):
        target.write_bytes(nb_or_bytes)
    else:
        nbformat.write(nb_or_bytes, target)


def rows_by_student(out: Path) -> dict[str, list[dict]]:
    with open(out / "gradebook.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["student"], []).append(row)
    return grouped


def auto_points(rows) -> float:
    return sum(float(r["points"]) for r in rows if r["question"] != "q4")


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """One class of hostile submissions, graded once for all the tests below."""
    root = tmp_path_factory.mktemp("grading")
    folder, out = root / "submissions", root / "results"
    solutions_file = SOLUTION.resolve()
    save(folder, "right", nbformat.read(SOLUTION, as_version=4))
    save(folder, "blank", blank())
    save(folder, "infinite-loop", add_code(with_answers(), "while True:\n    pass", at=3))
    save(folder, "ignores-interrupt", add_code(with_answers(), "import time\nwhile True:\n    try:\n"
                                                              "        time.sleep(1)\n    except KeyboardInterrupt:\n"
                                                              "        pass", at=3))
    save(folder, "memory-bomb", add_code(with_answers(), "hog = []\nwhile True:\n    hog.append(bytearray(50_000_000))",
                                         at=3))
    save(folder, "sys-exit", add_code(with_answers(), "import sys\nsys.exit()", at=3))
    save(folder, "os-exit", add_code(with_answers(), "import os\nos._exit(1)", at=3))
    save(folder, "crash", add_code(with_answers(), "import ctypes\nctypes.string_at(0)", at=3))
    save(folder, "syntax-error", add_code(with_answers(), "this is not python (", at=3))
    nb = with_answers()
    nb.cells.remove(answer_cell(nb, "q1-answer"))
    save(folder, "deleted-answer", nb)
    nb = with_answers()
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "assert True"
    save(folder, "edited-tests", nb)
    nb = with_answers()
    nb.cells = nb.cells + [nbformat.v4.new_code_cell(c.source) if c.cell_type == "code" else
                           nbformat.v4.new_markdown_cell(c.source) for c in nb.cells]
    save(folder, "duplicated-cells", nb)
    save(folder, "monkeypatch", add_code(with_answers(q3='vote.head(2)[["row_id", "value", "source_ids"]]'),
                                         "import pandas, builtins\npandas.DataFrame.equals = lambda *a, **k: True\n"
                                         "builtins.sorted = lambda *a, **k: ['v07', 'v08', 'v09', 'v10', 'v11']\n"
                                         "int.__eq__ = lambda *a: True"))
    save(folder, "not-json", b"{ this is not json")
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "list_seats = 0", "language": "python", "outputs": [],
         "metadata": {}}], "metadata": {}}]}
    save(folder, "nbformat-3", json.dumps(v3).encode())
    save(folder, "empty-file", b"")
    save(folder, "png-file", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    save(folder, "huge-output", add_code(with_answers(), "for i in range(300_000):\n    print('spam' * 20)", at=3))
    save(folder, "Zoë Ñúñez-李", with_answers())
    save(folder, "reads-solutions", add_code(with_answers(), "try:\n"
                                             f"    leaked = open({str(solutions_file)!r}).read()\n"
                                             "except OSError as err:\n    leaked = 'blocked: ' + str(err)\n"
                                             "print(leaked)\nlist_seats = leaked", at=3))
    save(folder, "writes-results", add_code(with_answers(), "import os\n"
                                            f"os.makedirs({str(out)!r}, exist_ok=True)\n"
                                            f"open(os.path.join({str(out)!r}, 'gradebook.csv'), 'w').write('hacked')\n"
                                            f"open({str(solutions_file)!r}, 'a').write('hacked')", at=3))
    before = solutions_file.read_bytes()
    summary = grade_class(folder, out, **FAST)
    assert solutions_file.read_bytes() == before, "a submission changed solutions/"
    return {"out": out, "rows": rows_by_student(out), "summary": summary, "folder": folder}


def test_every_submission_gets_rows_and_the_batch_finishes(hostile_class):
    rows = hostile_class["rows"]
    students = {p.name for p in hostile_class["folder"].iterdir()}
    assert set(rows) == students
    for student, theirs in rows.items():
        assert sorted(r["question"] for r in theirs) == ["q1", "q2", "q3", "q4"], student
        assert all(r["status"] and r["message"] or r["question"] == "q4" for r in theirs), student


def test_the_right_answers_get_full_points_and_the_blank_gets_none(hostile_class):
    rows = hostile_class["rows"]
    assert auto_points(rows["right"]) == 6.0
    assert auto_points(rows["blank"]) == 0.0
    assert {r["status"] for r in rows["blank"] if r["question"] != "q4"} == {"not answered"}


@pytest.mark.parametrize("student, status", [
    ("infinite-loop", "timeout"), ("ignores-interrupt", "timeout"), ("os-exit", "kernel died"),
    ("crash", "kernel died"), ("not-json", "unreadable"), ("empty-file", "unreadable"),
    ("png-file", "unreadable"),
])
def test_a_broken_run_gets_a_clear_status_and_no_points(hostile_class, student, status):
    theirs = [r for r in hostile_class["rows"][student] if r["question"] != "q4"]
    assert {r["status"] for r in theirs} == {status}, theirs
    assert auto_points(theirs) == 0.0


@pytest.mark.parametrize("student", ["memory-bomb", "sys-exit", "syntax-error", "deleted-answer", "edited-tests",
                                     "duplicated-cells", "monkeypatch", "nbformat-3", "huge-output",
                                     "Zoë Ñúñez-李", "reads-solutions", "writes-results"])
def test_no_hostile_submission_scores_above_a_blank_one(hostile_class, student):
    theirs = hostile_class["rows"][student]
    assert auto_points(theirs) == 0.0, [(r["question"], r["status"], r["message"]) for r in theirs]
    assert all(r["status"] != "passed" for r in theirs)


def test_an_nbformat_3_notebook_is_converted_and_graded(hostile_class):
    q1 = next(r for r in hostile_class["rows"]["nbformat-3"] if r["question"] == "q1")
    assert q1["status"] == "failed", "the old format is read and run, and its wrong answer is marked wrong"


def test_a_memory_bomb_is_stopped_by_the_limit(hostile_class):
    statuses = {r["status"] for r in hostile_class["rows"]["memory-bomb"] if r["question"] != "q4"}
    assert statuses <= {"kernel died", "timeout", "failed", "error", "not answered"}


def test_feedback_never_shows_hidden_tests_solutions_or_what_a_submission_printed(hostile_class):
    out = hostile_class["out"]
    solution_text = SOLUTION.read_text(encoding="utf-8")
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / "feedback").glob("*.html")}
    assert len(pages) == len(hostile_class["rows"])
    for name, page in pages.items():
        for secret in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", 'Add up value_final over the rows',
                       "The quorum of a 329-seat house", "No. 170 is more than half"):
            assert secret not in page, f"{name} shows {secret!r}"
        assert "nbgrader" not in page and solution_text[:200] not in page
    non_ascii = next(p for n, p in pages.items() if n.startswith("Zo"))
    assert "Zoë Ñúñez-李" in non_ascii


def test_results_written_by_a_submission_are_not_believed(hostile_class):
    text = (hostile_class["out"] / "gradebook.csv").read_text(encoding="utf-8")
    assert "hacked" not in text and text.startswith("student,exercise,question")


def test_the_report_and_summary_cover_the_class(hostile_class):
    out = hostile_class["out"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "<img" in report and 'alt="Histogram of' in report and "q1" in report
    with open(out / "summary.csv", encoding="utf-8") as stream:
        summary = {r["student"]: r for r in csv.DictReader(stream)}
    assert float(summary["right"]["total"]) == 6.0 and float(summary["blank"]["total"]) == 0.0


def test_the_sandbox_says_what_protects_the_run():
    sandbox = detect()
    assert sandbox.describe()
    if sandbox.kind == "none":
        assert "OFF" in sandbox.describe()


# ----- resuming, layouts, zips and written answers -----------------------------------------------------
def test_an_interrupted_run_resumes_without_regrading_or_duplicating(tmp_path):
    folder, out = tmp_path / "subs", tmp_path / "out"
    save(folder, "ana", nbformat.read(SOLUTION, as_version=4))
    save(folder, "ben", blank())
    first = grade_class(folder, out, **FAST)
    assert first["submissions"] == 2
    results = sorted((out / "results").glob("*.json"))
    stamps = {p.name: p.stat().st_mtime_ns for p in results}
    ben = next(p for p in results if p.name.startswith("ben"))
    ben.unlink()  # as if the run had stopped before ben was graded
    (out / "results" / ".tmp-partial.json").write_text("{half a fi")
    second = grade_class(folder, out, **FAST)
    assert second["submissions"] == 2 and second["rows"] == 8
    ana = next(p for p in (out / "results").glob("ana*.json"))
    assert ana.stat().st_mtime_ns == stamps[ana.name], "ana was not graded again"
    rows = rows_by_student(out)
    assert len(rows["ana"]) == len(rows["ben"]) == 4


def test_flat_layout_with_underscores_in_names_and_a_zip(tmp_path):
    flat = tmp_path / "flat"
    flat.mkdir()
    nbformat.write(blank(), flat / f"mary_jane_{EXERCISE}.ipynb")
    (flat / "notes.txt").write_text("not a submission")
    found, skipped = discover(flat, [EXERCISE])
    assert [(s.student, s.exercise) for s in found] == [("mary_jane", EXERCISE)]
    assert any("notes.txt" in s for s in skipped)
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(flat / f"mary_jane_{EXERCISE}.ipynb", f"class/mary_jane_{EXERCISE}.ipynb")
        zipped.writestr("../escape.ipynb", "{}")
    summary = grade_class(archive, tmp_path / "out", **FAST)
    assert summary["students"] == 1
    assert not (tmp_path / "escape.ipynb").exists()


def test_written_answers_merge_back_and_bad_points_are_reported_not_lost(tmp_path):
    folder, out = tmp_path / "subs", tmp_path / "out"
    nb = blank()
    answer_cell(nb, "q4").source = "No: 170 is more than half of 329."
    save(folder, "ana", nb)
    save(folder, "ben", blank())
    grade_class(folder, out, **FAST)
    sheet = out / "written_answers.csv"
    with open(sheet, encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    ana = next(r for r in rows if r["student"] == "ana")
    assert "170 is more than half" in ana["answer"] and ana["points"] == ""
    for row in rows:
        row["points"] = "2" if row["student"] == "ana" else "five"
        row["comment"] = "Clear reasoning." if row["student"] == "ana" else ""
    with open(sheet, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summary = merge_written(out)
    assert any("must be a number" in p for p in summary["problems"])
    graded = rows_by_student(out)
    q4 = {s: next(r for r in graded[s] if r["question"] == "q4") for s in ("ana", "ben")}
    assert q4["ana"]["points"] == "2.0" and q4["ana"]["status"] == "graded by hand"
    assert q4["ben"]["status"] == "awaiting hand grading"
    kept = {r["student"]: r["points"] for r in csv.DictReader(open(sheet, encoding="utf-8"))}
    assert kept == {"ana": "2", "ben": "five"}, "what the instructor typed is kept, even when it is unusable"
    grade_class(folder, out, **FAST)  # grading again keeps the instructor's marks
    assert next(r for r in rows_by_student(out)["ana"] if r["question"] == "q4")["points"] == "2.0"
