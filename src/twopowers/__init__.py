"""Between Two Powers: the small machinery behind the course notebooks.

Every lesson imports what it needs in one setup cell::

    from twopowers import quiz, show_progress, export_progress

Importing this package has no side effects: nothing is read, written or displayed
until a function is called.
"""
from .errors import CourseError
from .charts import show_progress
from .progress import export_progress
from .quizzes import quiz

__all__ = ["CourseError", "export_progress", "quiz", "show_progress"]
__version__ = "0.1.0"
