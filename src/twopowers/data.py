"""Where the course's files live. Every path to data/ (and to notebooks/) is built here, once."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import CourseError

DATA_ENV = "TWOPOWERS_DATA"


def course_root() -> Path:
    """The repository's top folder (this package is installed from it in editable mode)."""
    return Path(__file__).resolve().parents[2]


def notebooks_dir() -> Path:
    return course_root() / "notebooks"


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
    """Every lesson that has a quiz file, in course order."""
    return sorted(p.stem for p in quiz_dir().glob("[0-9][0-9]_*.yml"))
