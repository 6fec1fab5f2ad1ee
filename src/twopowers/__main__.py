"""``python -m twopowers COMMAND``: the course's maintainer and instructor commands (see ``teach/cli.py``)."""
import sys

try:
    from .teach.cli import main
except ModuleNotFoundError as err:  # the student hand-out ships without the instructor tools
    if err.name and err.name.startswith("twopowers.teach"):
        sys.exit("This is the student copy of the course: the instructor's commands (grading, reports, "
                 "tests) are only in the full course. To open the lessons, run: python3 course.py start")
    raise

sys.exit(main())
