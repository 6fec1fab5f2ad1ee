"""What a lesson shows a newcomer: tables and results without raw Python or pandas reprs."""
import re

import nbformat
import pandas as pd
import pytest

from twopowers.data import course_notebooks
from twopowers.display import list_html, readable, readable_output, series_html, tidy

# What a newcomer cannot read: missing-value markers, pandas' dtype lines, Python's reprs of durations and
# lists, and file paths (a temporary folder's, or the progress folder's)
RAW = re.compile(r"\bNaT\b|<NA>|&lt;NA&gt;|\bNaN\b|Timedelta\(|dtype: \w+|\bdtype=|^\s*\[['\"].*['\"]\]\s*$|/tmp/|"
                 r"\.between-two-powers", re.M)
NOTEBOOKS = course_notebooks()


def displayed(output) -> str:
    """The text JupyterLab shows for one output: the richest form it renders (widgets and charts aside)."""
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    data = output.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        return ""  # a live widget: the quiz and activity tests check what it shows
    if "text/html" in data:
        return re.sub(r'<img[^>]*>', "", data["text/html"])  # a chart's image data is not text
    return data.get("text/plain", "")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_output_a_learner_sees_shows_a_raw_repr(path):
    nb = nbformat.read(path, as_version=4)
    found = []
    for number, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for output in cell.outputs:
                found += [f"cell {number}: {m.group(0).strip()[:60]!r}" for m in RAW.finditer(displayed(output))]
    assert not found, f"{path.name} shows raw reprs: {found[:5]}"


def test_tables_show_missing_values_lists_dates_and_durations_in_plain_words():
    frame = pd.DataFrame({"when": pd.to_datetime(["2020-01-05", None]), "gap": [pd.Timedelta(days=2), pd.NaT],
                          "who": [["Trump", "Esper"], []], "votes": pd.array([170, None], dtype="Int64"),
                          "share": pd.array([0.5, None], dtype="Float64"), "seats": [329, 329]})
    shown = tidy(frame)
    assert shown.loc[0].tolist() == ["2020-01-05", "2 days", "Trump; Esper", "170", "0.5", 329]
    assert shown.loc[1].tolist() == ["", "", "", "", "", 329]
    assert not RAW.search(shown._repr_html_())
    seats = tidy(pd.DataFrame({"seats": pd.array([188.0, 48.0], dtype="Float64"), "share": [0.5, 0.25]}))
    assert seats["seats"].tolist() == [188, 48] and ">188<" in seats._repr_html_(), "whole numbers, not 188.0"
    assert seats["share"].tolist() == [0.5, 0.25]
    assert frame["gap"].iloc[0] == pd.Timedelta(days=2), "the values themselves are untouched"


def test_a_column_of_results_shows_as_a_table_without_a_dtype_line():
    counts = pd.Series(["news", "news", "government"], name="kind").value_counts()
    page = series_html(counts)
    assert "<table" in page and "news" in page and ">2<" in page and "dtype" not in page
    assert list_html(["a", None]) == "<ul><li>a</li><li></li></ul>"
    assert readable(pd.Timedelta(days=1)) == "1 day"


def test_a_notebook_shows_values_readably_once_the_setup_cell_asks_for_it():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        series = pd.Series([1, 2], index=["a", "b"], name="count")
        before, _ = shell.display_formatter.format(series)
        assert "text/html" not in before and "dtype" in before["text/plain"]
        readable_output()
        after, _ = shell.display_formatter.format(series)
        assert "dtype" not in after["text/html"]
        shown, _ = shell.display_formatter.format(pd.Timedelta(days=2))
        assert shown["text/plain"] == "2 days"
    finally:
        InteractiveShell.clear_instance()
