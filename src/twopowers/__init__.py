"""Between Two Powers: the small machinery behind the course notebooks.

Every lesson and exercise imports what it needs from the package top, in one setup cell::

    from twopowers import quiz, show_progress, table, bar_chart

That is the whole public API (``__all__``): quizzes and activities, the course's tables, charts, the
glossary, readable output, exercise checks and progress. The instructor's side (grading, reports, the
hand-out) is in ``twopowers.teach`` and is not shipped to learners.

Importing this package has no side effects and loads nothing heavy: each name is imported from its module
the first time it is used.
"""
from importlib import import_module

_API = {  # public name -> the module (named for its job) that defines it
    "CourseError": "errors",
    "quiz": "quizzes",
    "show_progress": "charts", "export_progress": "progress",
    "write": "activities", "predict": "activities", "reveal": "activities", "decision_room": "activities",
    "document": "activities",
    "check": "checks",
    "table": "data", "table_names": "data", "describe_table": "data", "word_count": "data",
    "days_between": "data",
    "glossary": "glossary",
    "readable_output": "display", "show_row": "display",
    "bar_chart": "charts", "dot_chart": "charts", "place_map": "charts",
    "PALETTE": "charts", "STANCE_COLOURS": "charts", "COMMUNITY_COLOURS": "charts", "POSITION_COLOURS": "charts",
    "VERDICT_COLOURS": "charts", "FIGURE_KIND_COLOURS": "charts", "FIGURE_KIND_MARKERS": "charts",
}

__all__ = sorted(_API)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'twopowers' has no attribute {name!r}")
    value = getattr(import_module(f".{_API[name]}", __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
