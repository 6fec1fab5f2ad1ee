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


def test_the_report_shows_the_latest_benchmark_and_where_its_time_goes(tmp_path, monkeypatch):
    import json

    from twopowers import report as report_module

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
