"""The course report counts what a maintainer would count by hand."""
from twopowers.lessons import lesson_notebooks, quiz_file
from twopowers.report import report


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
