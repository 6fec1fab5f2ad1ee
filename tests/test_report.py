"""The course report counts what a maintainer would count by hand."""
from twopowers.teach.lessons import lesson_notebooks, quiz_file
from twopowers.teach.report import report


def test_the_report_counts_every_lesson_question_and_table():
    text = report()
    total = sum(len(quiz_file(p)["questions"]) for p in lesson_notebooks())
    assert "| **all lessons** |" in text
    all_row = next(line for line in text.splitlines() if line.startswith("| **all lessons**"))
    assert f"| {total} |" in all_row
    for path in lesson_notebooks():
        assert f"| {path.stem} |" in text
    for section in ("## Lessons", "## Exercises", "## Data", "## Benchmarks"):
        assert section in text
    assert "| sources |" in text and "| glossary |" in text


def test_the_report_shows_the_latest_benchmark_and_where_its_time_goes(tmp_path, monkeypatch):
    import json

    from twopowers.teach import report as report_module

    results = tmp_path / "bench" / "results"
    results.mkdir(parents=True)
    (results / "latest.json").write_text(json.dumps({
        "floor_seconds": 2.2,
        "rows": [{"measure": "Run-All 06_the_stakes.ipynb", "value": 3.5, "unit": "s", "ratio": 1.58,
                  "target": "<= 1.3x floor", "ok": False}],
        "where_the_time_goes": {"floor": {"setup": 1.08, "charts": 0.0},
                                "06_the_stakes.ipynb": {"setup": 1.17, "charts": 0.49}}}))
    monkeypatch.setattr(report_module, "course_root", lambda: tmp_path)
    lines = report_module.bench_lines()
    assert "| Run-All 06_the_stakes.ipynb | 3.5 s | 1.58x | <= 1.3x floor | **no** |" in lines
    assert "| notebook | setup | charts |" in lines
    assert "| 06_the_stakes.ipynb | 1.17 | 0.49 |" in lines


def test_the_report_shows_each_lesson_estimate_beside_its_minutes_and_the_question_balance():
    from twopowers.teach.lessons import estimate, minutes

    text = report()
    for path in lesson_notebooks():
        parts = estimate(path)
        assert f"| {path.stem} | {minutes(path)} | {parts['minutes']} |" in text
        assert parts["words"] > 500 and parts["questions"] == len(quiz_file(path)["questions"])
    assert "## Time" in text and "150 words a minute" in text
    assert "## Questions" in text and "| **all quizzes** |" in text


def test_the_time_model_counts_what_a_learner_does(tmp_path, monkeypatch):
    """Prose at the model's pace, code cells (not the setup, quiz or activity cells), questions, Discuss prompts
    and activities, each at its minutes."""
    import nbformat

    from twopowers.teach import lessons

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# T\n\n" + "word " * 300 + "\n\n**Discuss.** Why?"),
        nbformat.v4.new_code_cell("from twopowers import *", metadata={"tags": ["setup"]}),
        nbformat.v4.new_code_cell("table('actors')"), nbformat.v4.new_code_cell('quiz("99_t", section="a")'),
        nbformat.v4.new_code_cell('write("99_t", "w", "Why?")')])
    path = tmp_path / "99_t.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setattr(lessons, "quiz_file", lambda p: {"questions": [{"section": "a"}, {"section": "a"}, {"section": "b"}]})
    parts = lessons.estimate(path)
    assert {k: parts[k] for k in ("code_cells", "questions", "discuss", "activities")} == \
        {"code_cells": 1, "questions": 2, "discuss": 1, "activities": 1}
    model = lessons.TIME_MODEL
    expected = (parts["words"] / model["words_per_minute"] + model["code_cell"] + 2 * model["question"]
                + model["discuss"] + model["activity"])
    assert parts["minutes"] == round(expected) and 295 <= parts["words"] <= 305


def test_the_lesson_plans_in_docs_are_those_of_todays_lessons():
    """docs/lesson-plans.md is written from the lessons by python3 course.py plans; it must not drift, and it
    gives each core lesson its stated minutes, ending no later than them."""
    import re

    from twopowers.data import course_root, lesson_paths
    from twopowers.teach.lessons import minutes
    from twopowers.teach.report import lesson_plans

    text = lesson_plans()
    written = (course_root() / "docs" / "lesson-plans.md").read_text(encoding="utf-8")
    assert written == text, "docs/lesson-plans.md is out of date: run python3 course.py plans"
    sections = text.split("\n## ")[1:]
    assert len(sections) == len(lesson_paths())
    for path, section in zip(lesson_paths(), sections):
        assert f"({minutes(path)} minutes)" in section.splitlines()[0]
        ends = [int(m) for m in re.findall(r"^\| \d+–(\d+) \|", section, re.M)]
        assert ends and ends[-1] == minutes(path), f"{path.name}: the plan runs to {ends[-1:]}, not {minutes(path)}"


def test_the_report_shows_what_python_each_core_notebook_brings_in():
    from twopowers.teach import toolbox
    from twopowers.teach.report import toolbox_lines

    lines = toolbox_lines()
    for stem, new in toolbox.introduced().items():
        which = ", ".join(toolbox.BY_ID[e].title for e in new) or "nothing new"
        assert f"| {stem} | {len(new)} | {which} |" in lines
    assert lines[-1].startswith("Met only in Going further notebooks and exercises: ")
