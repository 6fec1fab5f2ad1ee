"""Grading a class: hostile submissions each get a clear status, never stop the batch and never score above
a blank submission; a run resumes without regrading or duplicating; written answers merge back."""
import csv
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

from twopowers import charts
from twopowers.teach.exercise import WRITE_HERE, exercise_path, solution_notebooks
from twopowers.teach.cli import main
from twopowers.errors import CourseError
from twopowers.teach.exercise import load_exercises
from twopowers.teach.gradebook import discover, feedback_names, grade_class, merge_written, slug, write_outputs
from twopowers.teach.sandbox import detect

EXERCISE = "ex04_the_vote_in_numbers"  # the grading tests' example: a missing solution fails them, never skips
SOLUTION = next((p for p in solution_notebooks() if p.parent.name == EXERCISE), Path("solutions") / EXERCISE)
FAST = {"workers": 2, "cell_timeout": 4, "notebook_limit": 90, "memory_mb": 1024, "quiet": True,
        "no_sandbox": True}  # where there is no bubblewrap, the tests grade anyway (with it, they use it)


def blank():
    return nbformat.read(exercise_path(SOLUTION), as_version=4)


def answer_cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def with_answers(q1="0", q2="0", q3="None", q4="0"):
    """The blank exercise with (wrong) answers filled in."""
    nb = blank()
    answer_cell(nb, "q1-answer").source = f"quorum = {q1}"
    answer_cell(nb, "q2-answer").source = f"lowest = {q2}"
    answer_cell(nb, "q3-answer").source = f"met_every_count = {q3}"
    answer_cell(nb, "q4-answer").source = f"margin = {q4}"
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


WRITTEN_Q = next(q.grade_id for q in load_exercises([EXERCISE])[EXERCISE].written)  # the written question
AUTO_QS = sorted(q.grade_id for q in load_exercises([EXERCISE])[EXERCISE].auto)


def auto_points(rows) -> float:
    return sum(float(r["points"]) for r in rows if r["question"] != WRITTEN_Q)


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def saved_result(out: Path, student: str, points=(2, 2, 2), written=WRITE_HERE, exercise=EXERCISE) -> None:
    """A graded submission as grade_class saves it, without running a kernel: points for q1-q3 (of 2 each)
    and the text of the written answer (WRITTEN_Q, 3 points)."""
    rows = [{"student": student, "exercise": exercise, "question": f"q{n}", "points": float(p), "max_points": 2.0,
             "status": "passed" if p == 2 else "failed", "message": ""} for n, p in enumerate(points, 1)]
    result = {"student": student, "exercise": exercise, "file": f"{exercise}.ipynb", "answers": {},
              "run": {"state": "ok"}, "written": {WRITTEN_Q: written}, "rows": rows}
    (out / "results").mkdir(parents=True, exist_ok=True)
    (out / "results" / f"{slug(student)}__{exercise}.json").write_text(json.dumps(result), encoding="utf-8")


def type_points(out: Path, marks: dict[str, str]) -> None:
    """The instructor types points in written_answers.csv, by student."""
    rows = read_csv(out / "written_answers.csv")
    for row in rows:
        row["points"] = marks.get(row["student"], row["points"])
    with open(out / "written_answers.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def exercises():
    return load_exercises([EXERCISE])


def course_copy(where: Path) -> Path:
    """A copy of the course's src/, data/ and solutions/: what the grade command needs, and all it may touch."""
    root = Path(__file__).resolve().parents[1]
    for part in ("src", "data", "solutions"):
        shutil.copytree(root / part, where / part, ignore=shutil.ignore_patterns("__pycache__"))
    return where


def grade_in(course: Path, folder: Path, out: Path, *options: str, path: str | None = None):
    """Run ``python -m twopowers grade`` as a teacher would, on the course copy; returns the finished process."""
    import os
    import sys

    env = {**os.environ, "PYTHONPATH": str(course / "src"), "PATH": path or os.environ.get("PATH", "")}
    return subprocess.run([sys.executable, "-m", "twopowers", "grade", str(folder), "--out", str(out), *options],
                          env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """One class of hostile submissions, graded once for all the tests below, in a copy of the course: the
    checkout is never touched, with or without bubblewrap."""
    root = tmp_path_factory.mktemp("grading")
    folder, out = root / "submissions", root / "results"
    course = course_copy(root / "course")
    solutions_file = course / "solutions" / EXERCISE / f"{EXERCISE}.ipynb"
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
        {"cell_type": "code", "input": "quorum = 0", "language": "python", "outputs": [],
         "metadata": {}}], "metadata": {}}]}
    save(folder, "nbformat-3", json.dumps(v3).encode())
    save(folder, "empty-file", b"")
    save(folder, "png-file", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    save(folder, "huge-output", add_code(with_answers(), "for i in range(300_000):\n    print('spam' * 20)", at=3))
    save(folder, "Zoë Ñúñez-李", with_answers())
    save(folder, "answer-too-large", with_answers(q1="['seat'] * 1_000_000"))
    save(folder, "answer-too-deep", with_answers(q1="eval('[' * 30 + ']' * 30)"))
    save(folder, "reads-solutions", add_code(with_answers(q1="leaked"), "try:\n"
                                             f"    leaked = open({str(solutions_file)!r}).read()\n"
                                             "except OSError as err:\n    leaked = 'blocked: ' + str(err)\n"
                                             "print(leaked)\nquorum = leaked", at=3))
    fake = {"student": "zz-fake", "exercise": EXERCISE, "file": "x.ipynb", "answers": {}, "written": {},
            "run": {"state": "ok"}, "rows": [{"student": "zz-fake", "exercise": EXERCISE, "question": "q1",
                                              "points": 2.0, "max_points": 2.0, "status": "passed", "message": ""}]}
    save(folder, "writes-results", add_code(with_answers(), "import os\n"
                                            f"os.makedirs({str(out / 'results')!r}, exist_ok=True)\n"
                                            f"open(os.path.join({str(out)!r}, 'gradebook.csv'), 'w').write('hacked')\n"
                                            f"open({str(out / 'results' / f'zz-fake__{EXERCISE}.json')!r}, 'w')"
                                            f".write({json.dumps(fake)!r})\n"
                                            f"open({str(solutions_file)!r}, 'a').write('hacked')", at=3))
    before, checkout = solutions_file.read_bytes(), SOLUTION.read_bytes()
    done = grade_in(course, folder, out, "--workers", "2", "--cell-timeout", "4", "--notebook-limit", "90",
                    "--memory-mb", "1024", *([] if detect().kind == "bubblewrap" else ["--no-sandbox"]))
    assert done.returncode == 0, done.stderr[-2000:]
    assert solutions_file.read_bytes() == before, "a submission changed solutions/"
    assert SOLUTION.read_bytes() == checkout, "grading changed the checkout"
    return {"out": out, "rows": rows_by_student(out), "folder": folder}


def test_every_submission_gets_rows_and_the_batch_finishes(hostile_class):
    rows = hostile_class["rows"]
    students = {p.name for p in hostile_class["folder"].iterdir()}
    assert set(rows) == students
    for student, theirs in rows.items():
        assert sorted(r["question"] for r in theirs) == sorted([*AUTO_QS, WRITTEN_Q]), student
        assert all(r["status"] and r["message"] or r["question"] == WRITTEN_Q for r in theirs), student


def test_the_right_answers_get_full_points_and_the_blank_gets_none(hostile_class):
    rows = hostile_class["rows"]
    assert auto_points(rows["right"]) == 6.0
    assert auto_points(rows["blank"]) == 0.0
    assert {r["status"] for r in rows["blank"] if r["question"] != WRITTEN_Q} == {"not answered"}


@pytest.mark.parametrize("student, status", [
    ("infinite-loop", "timeout"), ("ignores-interrupt", "timeout"), ("os-exit", "kernel died"),
    ("crash", "kernel died"), ("not-json", "unreadable"), ("empty-file", "unreadable"),
    ("png-file", "unreadable"),
])
def test_a_broken_run_gets_a_clear_status_and_no_points(hostile_class, student, status):
    theirs = [r for r in hostile_class["rows"][student] if r["question"] != WRITTEN_Q]
    assert {r["status"] for r in theirs} == {status}, theirs
    assert auto_points(theirs) == 0.0


@pytest.mark.parametrize("student, words", [
    ("not-json", "is not a notebook"), ("png-file", "is not a notebook"), ("empty-file", "file is empty"),
    ("infinite-loop", "ran longer than the time limit"), ("os-exit", "stopped Python itself"),
    ("crash", "stopped Python itself"), ("answer-too-large", "too large to grade"),
    ("answer-too-deep", "nested more than 20 deep"),
])
def test_a_row_that_is_not_a_normal_grade_says_what_is_wrong_in_words_for_the_teacher(hostile_class, student, words):
    """An unreadable file, a run that was stopped, an answer too large or nested too deep: the gradebook's
    message says so in words (the grader's own failure is tested below), never an exception's name alone."""
    theirs = [r for r in hostile_class["rows"][student] if r["question"] in ("q1", "q2", "q3")]
    assert any(words in r["message"] for r in theirs), [r["message"] for r in theirs]
    assert all(r["message"] and "Traceback" not in r["message"] for r in theirs)


@pytest.mark.parametrize("student", ["memory-bomb", "sys-exit", "syntax-error", "deleted-answer", "edited-tests",
                                     "duplicated-cells", "monkeypatch", "nbformat-3", "huge-output",
                                     "Zoë Ñúñez-李", "reads-solutions", "writes-results", "answer-too-large",
                                     "answer-too-deep"])
def test_no_hostile_submission_scores_above_a_blank_one(hostile_class, student):
    theirs = hostile_class["rows"][student]
    assert auto_points(theirs) == 0.0, [(r["question"], r["status"], r["message"]) for r in theirs]
    assert all(r["status"] != "passed" for r in theirs)


def test_an_nbformat_3_notebook_is_converted_and_graded(hostile_class):
    q1 = next(r for r in hostile_class["rows"]["nbformat-3"] if r["question"] == "q1")
    assert q1["status"] == "failed", "the old format is read and run, and its wrong answer is marked wrong"


def test_a_memory_bomb_is_stopped_by_the_limit(hostile_class):
    import sys

    statuses = {r["status"] for r in hostile_class["rows"]["memory-bomb"] if r["question"] != WRITTEN_Q}
    if sys.platform.startswith("linux") and shutil.which("prlimit"):
        # the limit makes the allocation itself fail: the kernel lives on, and its (wrong) answers are read
        assert statuses == {"failed"}
    else:
        assert statuses <= {"kernel died", "timeout", "failed", "not answered"}


def test_feedback_never_shows_hidden_tests_solutions_or_what_a_submission_printed(hostile_class):
    out = hostile_class["out"]
    solution_text = SOLUTION.read_text(encoding="utf-8")
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / "feedback").glob("*.html")}
    assert len(pages) == len(hostile_class["rows"])
    for name, page in pages.items():
        for secret in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "Is the lowest count of members present at least",
                       "Even if all 159 members who did not vote for it"):
            assert secret not in page, f"{name} shows {secret!r}"
        assert "nbgrader" not in page and solution_text[:200] not in page
    non_ascii = next(p for n, p in pages.items() if n.startswith("Zo"))
    assert "Zoë Ñúñez-李" in non_ascii


@pytest.mark.skipif(detect().kind != "bubblewrap", reason="the sandbox needs bubblewrap (Linux)")
def test_in_the_sandbox_reading_the_solutions_is_blocked(hostile_class):
    page = next(p for p in (hostile_class["out"] / "feedback").glob("*.html") if p.name.startswith("reads-solutions"))
    assert "blocked: [Errno 2] No such file or directory" in page.read_text(encoding="utf-8")


@pytest.mark.skipif(detect().kind != "bubblewrap", reason="without a sandbox a submission can write the results")
def test_a_submission_cannot_write_the_results(hostile_class):
    """The submission tried to add a fake student's result to the results folder (and to overwrite the
    gradebook): in the sandbox it cannot see that folder at all."""
    out = hostile_class["out"]
    assert not (out / "results" / f"zz-fake__{EXERCISE}.json").exists()
    assert "zz-fake" not in (out / "gradebook.csv").read_text(encoding="utf-8")


def test_the_report_and_summary_cover_the_class(hostile_class):
    out = hostile_class["out"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "<img" in report and 'alt="Histogram of' in report and "q1" in report
    with open(out / "summary.csv", encoding="utf-8") as stream:
        summary = {r["student"]: r for r in csv.DictReader(stream)}
    assert float(summary["right"]["total_points"]) == 6.0 and float(summary["blank"]["total_points"]) == 0.0
    sheet = {r["student"]: r["answer"] for r in read_csv(out / "written_answers.csv")}
    assert sheet["blank"] == "(no answer)", "the exercise's own placeholder is no answer"


@pytest.mark.skipif(detect().kind != "bubblewrap", reason="the sandbox needs bubblewrap (Linux)")
def test_a_submission_cannot_read_the_graders_home_or_a_classmates_work(tmp_path):
    """Canaries planted outside every folder the grader hides: a file in the grading user's home, and a class
    whose submissions sit there too (not in the system's temporary folder). A snooping submission stores what it
    reads in an answer; the feedback, gradebook and results must not hold it."""
    import uuid

    mark = uuid.uuid4().hex
    home = Path.home() / f".twopowers-canary-{mark}"
    try:
        home.mkdir()
        canary = home / "secret.txt"
        canary.write_text(f"home-canary-{mark}")
        folder, out = home / "class", tmp_path / "results"
        classmate = add_code(blank(), f"# classmate-canary-{mark}")
        save(folder, "classmate", classmate)
        classmate_file = folder / "classmate" / f"{EXERCISE}.ipynb"
        snoop = add_code(with_answers(), "leaks = []\n"
                         f"for path in [{str(canary)!r}, {str(classmate_file)!r}]:\n"
                         "    try:\n        leaks.append(open(path).read())\n"
                         "    except OSError:\n        leaks.append('blocked')", at=3)
        answer_cell(snoop, "q1-answer").source = "quorum = leaks[0]"
        answer_cell(snoop, "q3-answer").source = "met_every_count = leaks[1][-4000:]"
        save(folder, "snoop", snoop)
        grade_class(folder, out, **FAST)
        written = [p for p in out.rglob("*") if p.is_file()]
        assert any(p.suffix == ".html" for p in written) and (out / "gradebook.csv").exists()
        for path in written:
            text = path.read_text(encoding="utf-8", errors="replace")
            assert f"home-canary-{mark}" not in text, f"{path.name} holds a file from the grader's home"
            assert f"classmate-canary-{mark}" not in text, f"{path.name} holds a classmate's submission"
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_without_a_sandbox_grading_refuses_and_says_why_unless_told(tmp_path, monkeypatch):
    from twopowers.teach import gradebook
    from twopowers.teach.sandbox import Sandbox

    monkeypatch.setattr(gradebook, "detect", lambda: Sandbox("none", ["network isolation", "the memory limit"]))
    save(tmp_path / "class", "blank", blank())
    with pytest.raises(CourseError) as refused:
        grade_class(tmp_path / "class", tmp_path / "out", quiet=True)
    said = str(refused.value)
    assert "network isolation" in said and "bubblewrap" in said and "Windows or macOS" in said
    assert "--no-sandbox" in said and not (tmp_path / "out").exists(), "nothing is graded or written"


def test_without_a_sandbox_a_submission_that_changes_solutions_or_data_changes_no_one_elses_grade(tmp_path):
    """Graded in a copy of the course (the checkout is never touched), with no bubblewrap on the PATH: the first
    submission overwrites a data table and appends to the solution; the class after it is graded as usual, the
    folders are put back, and only that submission is marked."""
    import sys

    course = course_copy(tmp_path / "course")
    solution = course / "solutions" / EXERCISE / f"{EXERCISE}.ipynb"
    table = course / "data" / "vote_2020.csv"
    before = {solution: solution.read_bytes(), table: table.read_bytes()}
    folder, out = tmp_path / "class", tmp_path / "out"
    save(folder, "a-tamper", add_code(with_answers(), f"open({str(table)!r}, 'w').write('row_id\\nbroken\\n')\n"
                                                    f"open({str(solution)!r}, 'a').write('hacked')", at=3))
    save(folder, "b-right", nbformat.read(SOLUTION, as_version=4))
    save(folder, "c-blank", blank())
    done = grade_in(course, folder, out, "--no-sandbox", "--cell-timeout", "10", path=str(Path(sys.executable).parent))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Protections OFF" in done.stderr and "network isolation" in done.stderr
    rows = rows_by_student(out)
    assert {r["status"] for r in rows["a-tamper"] if r["question"] != WRITTEN_Q} == {"tampered"}
    assert "not graded" in rows["a-tamper"][0]["message"] and "data/" in rows["a-tamper"][0]["message"]
    assert auto_points(rows["b-right"]) == 6.0, "the student after it is graded against the real data"
    assert auto_points(rows["c-blank"]) == 0.0 and "tampered" not in {r["status"] for r in rows["c-blank"]}
    assert all(path.read_bytes() == content for path, content in before.items()), "the folders are put back"


def test_the_sandbox_says_what_protects_the_run_and_shows_the_kernel_only_what_it_needs():
    import sys

    from twopowers.teach.sandbox import Sandbox, kernel_needs

    said = Sandbox("bubblewrap", []).describe()
    assert "no network" in said and "no home folder" in said and "read-only" in said
    off = Sandbox("none", ["network isolation", "the memory limit"]).describe()
    assert "OFF: network isolation; the memory limit." in off
    root = Path(__file__).resolve().parents[1]
    shown = kernel_needs()
    assert {root / "src", root / "data", Path(sys.prefix)} <= set(shown)
    inside = [p for p in shown if root in p.parents or p == root]
    assert sorted(inside) == sorted({root / "src", root / "data", Path(sys.prefix)} & set(inside)), inside
    assert Path.home() not in shown and Path("/") not in shown and Path("/tmp") not in shown


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
    assert second["submissions"] == 2 and second["rows"] == 2 * (len(AUTO_QS) + 1)
    ana = next(p for p in (out / "results").glob("ana*.json"))
    assert ana.stat().st_mtime_ns == stamps[ana.name], "ana was not graded again"
    rows = rows_by_student(out)
    assert len(rows["ana"]) == len(rows["ben"]) == len(AUTO_QS) + 1


def test_when_the_grader_itself_fails_the_gradebook_says_so_and_a_new_run_tries_again(tmp_path, monkeypatch):
    from twopowers.teach import gradebook

    folder, out = tmp_path / "class", tmp_path / "out"
    save(folder, "ana", with_answers())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(gradebook, "run_and_export", broken)
    grade_class(folder, out, **FAST)
    rows = rows_by_student(out)["ana"]
    assert {r["status"] for r in rows if r["question"] != WRITTEN_Q} == {"grader error"}
    message = rows[0]["message"]
    assert "grader itself failed" in message and "disk full" in message and "ask your teacher" not in message
    monkeypatch.undo()
    grade_class(folder, out, **FAST)
    assert {r["status"] for r in rows_by_student(out)["ana"] if r["question"] != WRITTEN_Q} <= {"passed", "failed"}


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
    answer_cell(nb, WRITTEN_Q).source = "No: 170 is more than half of 329."
    save(folder, "ana", nb)
    nb = blank()
    answer_cell(nb, WRITTEN_Q).source = "Yes."
    save(folder, "ben", nb)
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
    q4 = {s: next(r for r in graded[s] if r["question"] == WRITTEN_Q) for s in ("ana", "ben")}
    assert q4["ana"]["points"] == "2.0" and q4["ana"]["status"] == "graded by hand"
    assert q4["ben"]["status"] == "awaiting hand grading"
    kept = {r["student"]: r["points"] for r in csv.DictReader(open(sheet, encoding="utf-8"))}
    assert kept == {"ana": "2", "ben": "five"}, "what the instructor typed is kept, even when it is unusable"
    grade_class(folder, out, **FAST)  # grading again keeps the instructor's marks
    assert next(r for r in rows_by_student(out)["ana"] if r["question"] == WRITTEN_Q)["points"] == "2.0"


# ----- what a teacher reads: results folder, summary, report, written answers, feedback names ----------------
def test_results_are_ignored_by_git_and_the_run_says_where_they_are(tmp_path, monkeypatch, capsys):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo, folder = tmp_path / "checkout", tmp_path / "submissions"
    save(folder, "ana", blank())
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    monkeypatch.chdir(repo)  # the default --out is grading-results in the current folder
    assert main(["grade", str(folder), "--workers", "1", "--cell-timeout", "4", "--memory-mb", "1024",
                 "--no-sandbox"]) == 0
    out = repo.resolve() / "grading-results"
    printed = capsys.readouterr().out
    assert f"are in {out}\n" in printed and f"Open first: {out / 'report.html'}" in printed
    assert (out / "report.html").exists() and (out / "feedback" / "ana.html").exists()
    git_status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo,
                                capture_output=True, text=True, check=True).stdout
    assert git_status == "", "git sees the grading results"
    assert main(["grade", "--merge-written"]) == 0, "--merge-written finds the same folder"
    assert f"are in {out}\n" in capsys.readouterr().out
    assert main(["grade", "--merge-written", "elsewhere", "--out", "grading-results"]) == 2
    assert "give it once" in capsys.readouterr().err


def test_results_never_go_among_other_files(tmp_path):
    folder, notes = tmp_path / "submissions", tmp_path / "my-marks"
    save(folder, "ana", blank())
    notes.mkdir()
    (notes / "gradebook.csv").write_text("my own marks", encoding="utf-8")
    with pytest.raises(CourseError, match="already holds other files"):
        grade_class(folder, notes, **FAST)
    assert [p.name for p in notes.iterdir()] == ["gradebook.csv"]
    assert (notes / "gradebook.csv").read_text(encoding="utf-8") == "my own marks"


def test_the_summary_gives_each_exercise_its_maximum_and_what_awaits_hand_grading(tmp_path, exercises):
    out = tmp_path / "out"
    saved_result(out, "ana", (2, 2, 2), written="No: 170 is more than half of 329.")
    saved_result(out, "ben", (2, 0, 0))  # the written answer left as the exercise gave it
    saved_result(out, "ben", (2, 2), exercise="ex01_reading_the_article")  # only ben handed in exercise 01
    write_outputs(out, exercises)
    summary = {r["student"]: r for r in read_csv(out / "summary.csv")}
    assert list(summary["ana"]) == ["student", "ex01_reading_the_article_points", "ex01_reading_the_article_max",
                                    f"{EXERCISE}_points", f"{EXERCISE}_max", "total_points", "total_max",
                                    "points_awaiting_hand_grading"]
    columns = [f"{EXERCISE}_points", f"{EXERCISE}_max", "ex01_reading_the_article_points",
               "ex01_reading_the_article_max", "total_points", "total_max", "points_awaiting_hand_grading"]
    assert [summary["ana"][c] for c in columns] == ["6", "9", "0", "4", "6", "13", "3"]
    assert [summary["ben"][c] for c in columns] == ["2", "9", "4", "4", "6", "13", "0"]
    type_points(out, {"ana": "2"})  # a level of the rubric
    write_outputs(out, exercises)  # as --merge-written does
    summary = {r["student"]: r for r in read_csv(out / "summary.csv")}
    assert [summary["ana"][c] for c in ("total_points", "total_max", "points_awaiting_hand_grading")] == \
        ["8", "13", "0"]


def test_the_report_counts_whole_students_and_says_which_questions_await_hand_grading(tmp_path, exercises, monkeypatch):
    drawn, draw = [], charts.image_html
    monkeypatch.setattr(charts, "image_html", lambda fig, alt: drawn.append((fig, alt)) or draw(fig, alt))
    out = tmp_path / "out"
    for student, points in (("ana", (2, 2, 2)), ("ben", (2, 2, 0)), ("cy", (0, 0, 0))):
        saved_result(out, student, points, written="An answer to grade.")
    write_outputs(out, exercises)
    (fig, alt), = drawn
    histogram, bars = fig.axes
    low, high = histogram.get_ylim()
    ticks = [t for t in histogram.get_yticks() if low <= t <= high]
    assert len(ticks) >= 2 and all(t == int(t) for t in ticks), f"students counted in fractions: {ticks}"
    assert [t.get_text() for t in bars.get_yticklabels()] == [f"{EXERCISE} q{n}" for n in (1, 2, 3)]
    assert f"not drawn, awaiting hand grading: {EXERCISE} {WRITTEN_Q}" in alt and f"{EXERCISE} q3 (33 %)" in alt
    report = (out / "report.html").read_text(encoding="utf-8")
    cell = re.search(rf"<tr><td>{EXERCISE} {WRITTEN_Q}</td><td>([^<]*)</td>", report).group(1)
    assert cell == "awaiting hand grading (3 of 3)"
    assert "<h2>Points by kind</h2>" in report and "<td>written</td><td>0 of 9</td>" in report
    type_points(out, {"ana": "3", "ben": "3", "cy": "0"})
    write_outputs(out, exercises)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert re.search(rf"<tr><td>{EXERCISE} {WRITTEN_Q}</td><td>67 %</td>", report), "graded by hand, it has its share"
    assert "<td>written</td><td>6 of 9</td><td>67 %</td>" in report
    assert [t.get_text() for t in drawn[-1][0].axes[1].get_yticklabels()][-1] == f"{EXERCISE} {WRITTEN_Q}"


def test_an_untouched_placeholder_is_no_answer_and_a_written_answer_is_kept(tmp_path, exercises):
    out = tmp_path / "out"
    saved_result(out, "ana", written=f"  {WRITE_HERE}\n\n")
    saved_result(out, "ben", written=f"{WRITE_HERE} No: 170 is more than half of 329.")
    saved_result(out, "cy", written="")
    write_outputs(out, exercises)
    sheet = {r["student"]: r["answer"] for r in read_csv(out / "written_answers.csv")}
    assert sheet == {"ana": "(no answer)", "ben": f"{WRITE_HERE} No: 170 is more than half of 329.",
                     "cy": "(no answer)"}
    q4 = {s: next(r for r in rows if r["question"] == WRITTEN_Q) for s, rows in rows_by_student(out).items()}
    assert [(q4[s]["points"], q4[s]["status"]) for s in ("ana", "ben", "cy")] == [
        ("0.0", "not answered"), ("0.0", "awaiting hand grading"), ("0.0", "not answered")]
    type_points(out, {"ana": "1"})  # say the learner wrote the answer in another cell: the teacher's points win
    write_outputs(out, exercises)
    ana = next(r for r in rows_by_student(out)["ana"] if r["question"] == WRITTEN_Q)
    assert (ana["points"], ana["status"]) == ("1.0", "graded by hand")


def test_feedback_pages_are_named_after_the_students_and_colliding_names_stay_apart(tmp_path, exercises):
    out = tmp_path / "out"
    students = ["Zoë Ñúñez-李", "bo", "ana", "Ana", "li/wei"]
    for student in students:
        saved_result(out, student)
    (out / "feedback").mkdir()
    (out / "feedback" / "bo-6a7b2c.html").write_text("an old page")  # as an earlier version named it
    write_outputs(out, exercises)
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / "feedback").iterdir()}
    assert {"Zoë Ñúñez-李.html", "bo.html"} < set(pages), sorted(pages)
    hashed = sorted(n for n in pages if n not in {"Zoë Ñúñez-李.html", "bo.html"})
    assert len(hashed) == 3 and all(re.fullmatch(r"(ana|Ana|li-wei)-[0-9a-f]{6}\.html", n) for n in hashed), hashed
    heading = {n: re.search("<h1>Feedback for (.*?)</h1>", page).group(1) for n, page in pages.items()}
    assert sorted(heading.values()) == sorted(["Zoë Ñúñez-李", "bo", "ana", "Ana", "li/wei"])
    assert all(n.startswith(h.replace("/", "-")) for n, h in heading.items())
    assert "bo-6a7b2c.html" not in pages, "a page from an earlier run is not left to be handed out"
    same_on_some_disks = feedback_names(["Zoe\u0308", "Zo\u00eb", "CON"])  # two spellings of Zoë; a Windows name
    assert all(re.fullmatch(r"(Zoe\u0308|Zo\u00eb|CON)-[0-9a-f]{6}\.html", n) for n in same_on_some_disks.values())


# ----- typed answers --------------------------------------------------------------------------------------
def export_and_read(values: dict, tmp_path: Path):
    """The grader's export cell run on ``values`` (as a learner's kernel would), then read back."""
    from twopowers.teach.grading import EXPORT_CELL, load_values

    namespace = dict(values)
    exec(EXPORT_CELL, namespace)
    namespace["__twopowers_export"](list(values), str(tmp_path))
    return load_values(tmp_path)


def test_answers_come_back_with_the_types_the_learners_kernel_held(tmp_path):
    import datetime as dt

    import pandas as pd

    frame = pd.DataFrame({"seats": [1, 2], "bloc": pd.Categorical(["Fatah", "Sairoon"], ordered=True),
                          "sources": [["s1", "s2"], []], "date": pd.to_datetime(["2020-01-03", None]),
                          "span": pd.to_timedelta(["2 days", "3 hours"]), "share": [1.5, float("nan")],
                          "count": pd.array([1, None], dtype="Int64"), "note": ["x", None]},
                         index=pd.Index(["r1", "r2"], name="row"))
    series = pd.Series([3, 1], index=["stay", "leave"], name="n")
    values = {"frame": frame, "series": series, "span": pd.Timedelta(days=400), "day": pd.Timestamp("2020-01-05"),
              "date": dt.date(2020, 1, 5), "number": 3, "items": [1, "a"], "pair": (1, 2), "kinds": {"a", "b"},
              "mapping": {"k": [1]}}
    read, problems = export_and_read(values, tmp_path)
    assert problems == {}
    pd.testing.assert_frame_equal(read["frame"], frame)
    pd.testing.assert_series_equal(read["series"], series)
    for name in ("span", "day", "date", "number", "items", "pair", "kinds", "mapping"):
        assert read[name] == values[name] and type(read[name]) is type(values[name]), name


def test_an_answer_too_large_or_too_deep_is_named_in_words(tmp_path):
    deep = []
    for _ in range(30):
        deep = [deep]
    read, problems = export_and_read({"big": "x" * 3_000_000, "deep": deep}, tmp_path)
    assert "too large to grade" in problems["big"] and "nested more than 20 deep" in problems["deep"]


def test_the_self_check_and_the_grader_agree_on_every_solutions_answers_and_on_a_span_left_unconverted(tmp_path):
    """Each solution's answers, read back by the grader, pass the same public checks the learner's self-check ran
    on the kernel's values; a wrong answer of another type (exercise 02's span of days) gets the same message
    from both."""
    import pandas as pd

    from twopowers.checks import run_tests
    from twopowers.teach.grading import load_values, run_and_export

    exercises = load_exercises()
    for exercise in exercises.values():
        work = tmp_path / exercise.name
        work.mkdir()
        _, status = run_and_export(exercise.path, exercise.answer_names, work)
        assert status == {"state": "ok"}, exercise.name
        values, problems = load_values(work)
        assert problems == {}, (exercise.name, problems)
        for q in exercise.auto:
            verdict = run_tests(q.grade_id, exercise.tests(q, hidden=False), values)
            assert verdict.passed, (exercise.name, q.grade_id, verdict.message)
    ex02 = next(e for e in exercises.values() if e.name.startswith("ex02"))
    q4 = next(q for q in ex02.auto if q.answers == ["days_away"])
    span = {"days_away": pd.Timedelta(days=734)}
    in_kernel = run_tests(q4.grade_id, ex02.tests(q4, hidden=False), span)
    (tmp_path / "span").mkdir()
    read, problems = export_and_read(span, tmp_path / "span")
    by_grader = run_tests(q4.grade_id, ex02.tests(q4, hidden=False), read)
    assert not in_kernel.passed and (in_kernel.status, in_kernel.message) == (by_grader.status, by_grader.message)
    assert "span of time" in by_grader.message
