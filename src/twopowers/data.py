"""Where the course's files live. Every path to data/ (and to notebooks/) is built here, once."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import CourseError, friendly_errors

DATA_ENV = "TWOPOWERS_DATA"


def course_root() -> Path:
    """The repository's top folder (this package is installed from it in editable mode)."""
    return Path(__file__).resolve().parents[2]


def notebooks_dir() -> Path:
    return course_root() / "notebooks"


def going_further_dir() -> Path:
    """notebooks/going-further/: the optional notebooks that extend a lesson (NNg_name.ipynb goes with NN)."""
    return notebooks_dir() / "going-further"


def lesson_paths() -> list[Path]:
    """The core notebooks, in course order: Start here (00) and the lessons 01 onwards."""
    return sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))


def going_further_paths() -> list[Path]:
    return sorted(going_further_dir().glob("[0-9][0-9]g_*.ipynb"))


def is_going_further(name: str) -> bool:
    """True for a Going further notebook's name or stem ("02g_places_numbers_clocks"), False for a lesson's."""
    return name[:2].isdigit() and name[2:3] == "g"


def course_notebooks() -> list[Path]:
    """Every teaching notebook, each Going further notebook right after its lesson (the sources page aside)."""
    return sorted(lesson_paths() + going_further_paths(), key=lambda p: p.stem)


def data_dir() -> Path:
    """The data/ folder: $TWOPOWERS_DATA if set, else the one in this repository."""
    override = os.environ.get(DATA_ENV)
    folder = Path(override) if override else course_root() / "data"
    if not folder.is_dir():
        raise CourseError(f"The course data folder was not found at {folder}. Run the course from its own folder "
                          f"(python3 course.py start), or set {DATA_ENV} to the data folder.")
    return folder


def quiz_dir() -> Path:
    return data_dir() / "quizzes"


def quiz_path(lesson: str) -> Path:
    """The quiz file of a lesson, e.g. quiz_path('00_start_here') -> data/quizzes/00_start_here.yml."""
    return quiz_dir() / f"{lesson}.yml"


def quiz_schema_path() -> Path:
    return quiz_dir() / "quiz.schema.json"


def lessons_with_quizzes() -> list[str]:
    """Every notebook that has a quiz file, in course order (Going further notebooks after their lesson)."""
    return sorted(p.stem for p in quiz_dir().glob("[0-9][0-9]*_*.yml"))  # lessons and Going further


# ----- the data package: one call per table ---------------------------------------------------------
_package_cache: dict = {}


def package() -> dict:
    """data/datapackage.json: the tables, their columns and what each column means."""
    import json

    path = data_dir() / "datapackage.json"
    stamp = path.stat().st_mtime
    if _package_cache.get("stamp") != (path, stamp):
        _package_cache.update(stamp=(path, stamp), descriptor=json.loads(path.read_text(encoding="utf-8")))
    return _package_cache["descriptor"]


def table_names() -> list[str]:
    return [resource["name"] for resource in package()["resources"]]


def table(name: str):
    """One table of data/ as a pandas DataFrame with proper types.

    Whole numbers and decimals become numbers, dates become dates, columns with a fixed set of values
    become categories, and ';'-separated lists (such as source_ids) become Python lists.
    Example: ``table("actors")``. ``table_names()`` lists every table.
    """
    import pandas as pd

    friendly_errors()
    resources = {r["name"]: r for r in package()["resources"]}
    if name not in resources:
        raise CourseError(f"There is no table called {name!r}. The tables are: {', '.join(resources)}.")
    resource = resources[name]
    frame = pd.read_csv(data_dir() / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8")
    for field in resource["schema"]["fields"]:
        column, kind = field["name"], field["type"]
        values = frame[column].replace("", None)
        if kind == "integer":
            frame[column] = pd.to_numeric(values).astype("Int64")
        elif kind == "number":
            frame[column] = pd.to_numeric(values).astype("Float64")
        elif kind == "boolean":
            frame[column] = values.map({"true": True, "false": False}).astype("boolean")
        elif kind == "date":
            frame[column] = pd.to_datetime(values, format="%Y-%m-%d")
        elif field.get("x-partial-date"):  # "2014", "2014-06" or "2014-06-10": parsed as the first day
            padded = values.map(lambda v: v if v is None else (v + "-01-01")[:10] if len(v) == 4 else
                                (v + "-01") if len(v) == 7 else v)
            frame[column] = pd.to_datetime(padded, format="%Y-%m-%d")
        elif "x-separator" in field:
            frame[column] = [v.split(field["x-separator"]) if v else [] for v in frame[column]]
        elif "enum" in field.get("constraints", {}):
            frame[column] = pd.Categorical(values, categories=field["constraints"]["enum"])
    return frame


def describe_table(name: str):
    """What each column of a table means: a small DataFrame of column, type and description."""
    import pandas as pd

    friendly_errors()
    resource = next((r for r in package()["resources"] if r["name"] == name), None)
    if resource is None:
        raise CourseError(f"There is no table called {name!r}. The tables are: {', '.join(table_names())}.")
    return pd.DataFrame([{"column": f["name"], "type": f["type"], "meaning": f.get("description", "")}
                         for f in resource["schema"]["fields"]])


# ----- small helpers that lessons call on tables ------------------------------------------------------
def word_count(texts):
    """The number of words in each text of a column: ``word_count(quotes["words"])``. An ellipsis (…) that
    marks a cut in a quotation is not a word."""
    import pandas as pd

    return pd.Series([len(str(text).replace("…", " ").split()) for text in texts], index=texts.index,
                     name="n_words", dtype="int64")


def days_between(earlier, later) -> int:
    """Whole days from one date to another: ``days_between("2020-01-03", "2020-01-05")`` is 2. Each date may
    be a text such as "2020-01-03" or a date from a table."""
    import pandas as pd

    friendly_errors()
    try:
        start, end = pd.Timestamp(earlier), pd.Timestamp(later)
    except (ValueError, TypeError):
        raise CourseError(f"days_between needs two dates written like \"2020-01-03\"; it got {earlier!r} and "
                          f"{later!r}.") from None
    return int((end.normalize() - start.normalize()).days)
