"""How values look in a lesson: tables and results a newcomer can read, with no raw Python or pandas reprs.

Each lesson's setup cell calls ``readable_output()`` once. From then on the notebook shows:

- a table (DataFrame) with empty cells where a value is missing (never ``NaT``, ``<NA>``, ``NaN`` or ``None``),
  lists written out as ``a; b``, dates as ``2020-01-05``, durations as ``2 days``, and whole numbers stored
  as decimals as whole numbers (``188``, not ``188.0``);
- a column of results (a Series, such as what ``value_counts()`` gives) as a small table, without the
  ``Name: ..., dtype: ...`` line;
- a list as a bulleted list, and a duration as ``2 days``;
- long texts in full (pandas would cut them short with "...").

Nothing changes in the values themselves: only how JupyterLab shows them. Outside IPython it does nothing.
"""
from __future__ import annotations

import html
from typing import Any


def readable(value: Any) -> str:
    """One value as a reader sees it in a table cell."""
    import pandas as pd

    if isinstance(value, (list, tuple)):
        return "; ".join(readable(v) for v in value)
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                                            and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timedelta):
        days = value.days + value.seconds / 86400
        return f"{days:g} day{'' if days == 1 else 's'}"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def tidy(frame):
    """A copy of a DataFrame whose cells are the text a reader should see (see ``readable``); numbers keep
    their alignment by staying numbers where nothing is missing."""
    import pandas as pd

    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_bool_dtype(values.dtype) and not values.isna().any():
            continue
        if pd.api.types.is_float_dtype(values.dtype) and not values.isna().any() and (values == values.round()).all():
            shown[column] = values.astype("int64")  # seats, not "188.0" seats
            continue
        if pd.api.types.is_numeric_dtype(values.dtype) and not values.isna().any():
            continue
        shown[column] = values.map(readable).astype(object)
    if shown.index.dtype == object or isinstance(shown.index, pd.DatetimeIndex):
        shown.index = shown.index.map(readable)
    return shown


def frame_html(frame) -> str:
    return tidy(frame)._repr_html_()


def series_html(series) -> str:
    frame = series.to_frame(name=series.name if series.name is not None else "value")
    return frame_html(frame)


def list_html(values: list) -> str:
    if not values:
        return "<p>(an empty list)</p>"
    return "<ul>" + "".join(f"<li>{html.escape(readable(v))}</li>" for v in values) + "</ul>"


def readable_output() -> None:
    """Show tables, columns of results, lists and durations in a newcomer's terms in this notebook."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    import pandas as pd

    pd.set_option("display.max_colwidth", None)  # long texts in full, never cut short with "..."
    formatters = shell.display_formatter.formatters
    for kind, show in ((pd.DataFrame, frame_html), (pd.Series, series_html), (list, list_html),
                       (pd.Timedelta, lambda value: f"<p>{readable(value)}</p>")):
        formatters["text/html"].for_type(kind, show)
    formatters["text/plain"].for_type(pd.Timedelta, lambda value, printer, cycle: printer.text(readable(value)))


def show_row(frame, row_id: str, *columns: str):
    """One row of a table, turned on its side so that long texts are easy to read: ``show_row(sources,
    "article", "title", "author")`` shows the row whose first column is "article", one line per column
    named (every column if none is named)."""
    import pandas as pd

    from .errors import CourseError, friendly_errors

    friendly_errors()
    id_column = frame.columns[0]
    rows = frame[frame[id_column].astype(str) == str(row_id)]
    if rows.empty:
        known = ", ".join(map(str, frame[id_column].head(8)))
        raise CourseError(f"No row has {id_column} {row_id!r}. The first few are: {known} ...")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise CourseError(f"The table has no column {', '.join(map(repr, missing))}. Its columns are: "
                          f"{', '.join(map(str, frame.columns))}.")
    row = rows.iloc[0]
    names = list(columns) or list(frame.columns)
    return pd.DataFrame({str(row_id): [row[name] for name in names]}, index=names)
