"""What the exercises ask and say, as a teacher would check it (issue 18): most autograded points ask for a
judgement computed from data, a learner's check never calls a wrong answer right, the points agree
everywhere a teacher or learner reads them, and every written answer has a levelled rubric with anchors."""
import re

import nbformat
import pandas as pd
import pytest

from twopowers.checks import PASSED, run_tests
from twopowers.teach.exercise import SKILLS, load_exercises

EXERCISES = load_exercises()
NAMES = list(EXERCISES)
HEADER_POINTS = re.compile(r"\*\*Points:\*\* (\d+) \((\d+) checked by the computer, (\d+) by your teacher\)")
HEADING = re.compile(r"^## Question (\d+) \((\d+) points?(, graded by your teacher)?\)", re.M)
CLAIMS_RIGHT = ("right", "correct", "passes", "well done")  # words a docstring must not use


@pytest.fixture(scope="module")
def solution_values(tmp_path_factory):
    """Each exercise's answers as the solution's kernel held them (read back as the grader reads them)."""
    from twopowers.teach.grading import load_values, run_and_export

    found = {}
    for exercise in EXERCISES.values():
        work = tmp_path_factory.mktemp(exercise.name)
        _, status = run_and_export(exercise.path, exercise.answer_names, work)
        assert status == {"state": "ok"}, exercise.name
        found[exercise.name], problems = load_values(work)
        assert problems == {}, (exercise.name, problems)
    return found


def near_misses(value) -> list:
    """Wrong-but-plausible answers close to a right one: a number off by one, a list, table or column one
    item short, another id, the other truth value, a day later."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value + 1, value - 1] + ([value * 1.1] if isinstance(value, float) else [])
    if isinstance(value, str):
        digits = re.search(r"(\d+)$", value)
        other = value[: digits.start()] + str(int(digits.group(1)) + 1).zfill(len(digits.group(1))) if digits \
            else value[:-1]
        return [other]
    if isinstance(value, pd.Timestamp):
        return [value + pd.Timedelta(days=1)]
    if isinstance(value, (list, tuple)) and value:
        return [type(value)(value[:-1]), type(value)([*value[:-1], *near_misses(value[-1])[:1]])]
    if isinstance(value, (pd.DataFrame, pd.Series)) and len(value):
        return [value.iloc[:-1]]
    return []


@pytest.mark.parametrize("name", NAMES)
def test_every_autograded_question_is_tagged_judgement_or_mechanics(name):
    untagged = [q.grade_id for q in EXERCISES[name].auto if q.skill not in SKILLS]
    assert not untagged, f"{name}: tag each test cell with metadata course.kind = judgement or mechanics: {untagged}"


@pytest.mark.parametrize("name", NAMES)
def test_at_least_half_of_the_autograded_points_ask_for_a_judgement(name):
    exercise = EXERCISES[name]
    assert exercise.points("judgement") >= exercise.points("auto") / 2, \
        f"{name}: {exercise.points('judgement'):g} of {exercise.points('auto'):g} autograded points are judgement"


@pytest.mark.parametrize("name", NAMES)
def test_a_check_that_cannot_decide_the_answer_says_what_it_checks(name):
    """Hidden tests mean the learner's check cannot tell right from wrong: then the test function's docstring
    says what it does check; a check without hidden tests decides the answer and has no docstring."""
    for q in EXERCISES[name].auto:
        if q.hidden:
            assert q.checks_only, f"{name} {q.grade_id}: give tests_{q.grade_id} a docstring saying what it checks"
            assert not any(word in q.checks_only.lower() for word in CLAIMS_RIGHT), (name, q.grade_id)
        else:
            assert not q.checks_only, f"{name} {q.grade_id}: without hidden tests the check decides; no docstring"


@pytest.mark.parametrize("name", NAMES)
def test_a_near_miss_answer_never_gets_a_check_that_calls_it_right(name, solution_values):
    """Every autograded question, its solution's value nudged (off by one, one item short, another id): the
    full tests fail at least one nudge, and for each nudge they fail the learner's check does not say right."""
    exercise, values = EXERCISES[name], solution_values[name]
    for q in exercise.auto:
        caught = 0
        for answer in q.answers:
            for wrong in near_misses(values[answer]):
                given = {**values, answer: wrong}
                if run_tests(q.grade_id, exercise.tests(q), given).passed:
                    continue
                caught += 1
                shown = run_tests(q.grade_id, exercise.tests(q, hidden=False), given)
                said = shown.message.lower()
                assert shown.status != PASSED and not said.startswith("right"), (name, q.grade_id, answer, wrong)
                assert not any(word in said for word in ("correct", "passes", "well done")), (name, q.grade_id, said)
        assert caught, f"{name} {q.grade_id}: the full tests accept every near miss of {q.answers}"


@pytest.mark.parametrize("name", NAMES)
def test_the_points_agree_in_the_header_the_headings_the_rubric_the_gradebook_and_the_report(name, tmp_path):
    from twopowers.teach import release, report
    from twopowers.teach.grading import score_run

    exercise = EXERCISES[name]
    header = HEADER_POINTS.search(exercise.notebook.cells[0].source)
    assert header, f"{name}: the header says **Points:** N (A checked by the computer, W by your teacher)"
    total, auto, written = (float(n) for n in header.groups())
    assert (total, auto, written) == (exercise.points(), exercise.points("auto"), exercise.points("written"))
    text = "\n".join(c.source for c in exercise.notebook.cells if c.cell_type == "markdown")
    headings = {f"q{n}": (float(p), bool(by_teacher)) for n, p, by_teacher in HEADING.findall(text)}
    for q in exercise.questions:
        assert headings.get(q.grade_id) == (q.points, q.kind == "written"), (name, q.grade_id, headings)
        if q.kind == "written":
            assert sum(c.points for c in q.criteria) == q.points, f"{name} {q.grade_id}: the rubric's points"
    rubrics = release.rubrics_markdown({name: exercise})
    assert f"{exercise.points():g} points: {exercise.points('judgement'):g} for judgement" in rubrics
    rows = score_run(exercise, tmp_path, {"state": "kernel died"}, "someone")
    assert sum(r.max_points for r in rows) == exercise.points("auto")
    line = next(line for line in report.exercise_lines() if line.startswith(f"| {name} |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert [float(c) for c in cells[2:6]] == [exercise.points(k) for k in ("judgement", "mechanics", "written", None)]


def written_questions():
    return [(name, q) for name, e in EXERCISES.items() for q in e.written]


@pytest.mark.parametrize("name, q", written_questions(), ids=[f"{n}-{q.grade_id}" for n, q in written_questions()])
def test_every_written_question_has_a_four_level_rubric_with_anchors(name, q):
    assert q.criteria, f"{name} {q.grade_id}: write the rubric as **Rubric (N points).** and levels - **3:** ..."
    for criterion in q.criteria:
        points = [level.points for level in criterion.levels]
        assert len(points) == 4 and sorted(points) == list(range(criterion.points + 1))[-4:] and min(points) == 0, \
            (name, q.grade_id, criterion.name, points)
        assert all(len(level.description.split()) >= 4 for level in criterion.levels), (name, q.grade_id)
    if len(q.criteria) == 1:
        anchored = [level.points for level in q.criteria[0].levels if level.anchor]
        assert len(anchored) >= 3, f"{name} {q.grade_id}: anchors for at least three levels, not {anchored}"
    else:
        keys = {c.key for c in q.criteria}
        assert len(q.anchor_papers) >= 3, f"{name} {q.grade_id}: three anchor papers"
        totals = set()
        for paper, scores in q.anchor_papers.items():
            assert set(scores) == keys, (paper, scores, keys)
            totals.add(sum(scores.values()))
        assert len(totals) >= 3, "the anchor papers stand at three different levels"


def test_the_rubric_levels_are_the_points_merge_written_accepts(tmp_path):
    """A teacher types a level (3), or a value that is no level (2.5, 'five'): the level counts, the others
    are reported and kept as typed."""
    import csv

    from twopowers.teach.gradebook import read_written

    name, q = written_questions()[0]
    levels = ", ".join(str(level.points) for level in sorted(q.criteria[0].levels, key=lambda l: l.points))
    with open(tmp_path / "written_answers.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=["student", "exercise", "question", "levels", "max_points", "points"])
        writer.writeheader()
        for student, points in (("ana", "3"), ("ben", "2.5"), ("cy", "five")):
            writer.writerow({"student": student, "exercise": name, "question": q.grade_id, "levels": levels,
                             "max_points": q.points, "points": points})
    marks, typed, problems = read_written(tmp_path)
    assert marks == {("ana", name, q.grade_id): {"points": 3.0, "comment": ""}}
    assert len(problems) == 2 and all("one of the rubric's levels (0, 1, 2, 3" in p for p in problems)
    assert typed[("ben", name, q.grade_id)]["points"] == "2.5"


def test_the_written_points_sheet_names_the_levels_and_one_row_per_criterion():
    from twopowers.teach.gradebook import written_rows

    for name, q in written_questions():
        rows = written_rows(q)
        assert sum(top for _, _, top, _ in rows) == q.points
        assert all(levels.startswith("0, ") for _, _, _, levels in rows), (name, q.grade_id, rows)
        assert len(rows) == max(1, len(q.criteria) if len(q.criteria) > 1 else 1)


def test_solutions_readme_defines_the_kinds_of_points():
    from twopowers.data import course_root

    text = (course_root() / "solutions" / "README.md").read_text(encoding="utf-8")
    for kind in ("judgement", "mechanics", "written"):
        assert re.search(rf"\*\*{kind}\*\*[^.]*\.", text, re.I), f"solutions/README.md defines {kind} in a sentence"


def test_a_learners_copy_keeps_the_docstring_that_says_what_the_check_checks():
    from twopowers.teach.exercise import exercise_path

    for exercise in EXERCISES.values():
        shown = "\n".join(c.source for c in nbformat.read(exercise_path(exercise.path), as_version=4).cells)
        for q in exercise.auto:
            if q.checks_only:
                assert f'"""{q.checks_only}"""' in " ".join(shown.split()) or q.checks_only in " ".join(shown.split())
