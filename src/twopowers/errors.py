"""Errors with a message meant for a person, and how a notebook shows them."""
from __future__ import annotations

import html
import sys


class CourseError(Exception):
    """A problem we can explain in plain words: the message says what happened and what to do."""


class QuizFileError(CourseError):
    """A quiz file that does not follow the schema. ``problems`` lists 'file, question id, field: message'."""

    def __init__(self, path, problems):
        self.path = path
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"The quiz file {path} has {len(self.problems)} problem(s):\n{lines}")


def notify(message: str, level: str = "warning") -> None:
    """Show a short message: a coloured box in a notebook, a line on stderr elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display

        in_kernel = get_ipython() is not None and "IPKernelApp" in get_ipython().config
    except ImportError:  # pragma: no cover - IPython ships with the learners' set
        in_kernel = False
    if in_kernel:
        display(HTML(message_html(message, level)))
    else:
        print(f"{level.upper()}: {message}", file=sys.stderr)


def message_html(message: str, level: str = "warning", css_class: str = "") -> str:
    colours = {"warning": ("#fff4e5", "#8a4b00"), "error": ("#fdecea", "#8a1c13"), "info": ("#e8f1fb", "#0b4a8b")}
    background, border = colours.get(level, colours["info"])
    body = html.escape(message).replace("\n", "<br>")
    classes = " ".join(filter(None, [css_class, "course-message", f"course-{level}"]))
    return (f'<div class="{classes}" role="status" style="background:{background};'
            f'border-left:4px solid {border};padding:0.5em 0.8em;margin:0.3em 0">{body}</div>')


def _show_course_error(shell, etype, value, tb, tb_offset=None):
    """IPython handler: a CourseError from our code is shown as its message, without a traceback."""
    notify(str(value), "error")
    return []


def friendly_errors() -> None:
    """In a notebook, show CourseError messages without a traceback (set up on first use, not on import)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the learners' set
        return
    shell = get_ipython()
    if shell is not None and not getattr(shell, "_twopowers_friendly", False):
        shell.set_custom_exc((CourseError,), _show_course_error)
        shell._twopowers_friendly = True
