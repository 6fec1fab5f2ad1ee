"""Self-checks for the exercises: run ``check("q1", tests_q1)`` right after an answer.

In an exercise notebook each autograded question has an answer cell, where the learner sets one or more
variables (``seats = ...``), and a test cell that defines the question's tests as a function whose
parameters are the answer variables, then calls ``check``::

    def tests_q1(seats):
        assert isinstance(seats, int), "Give a whole number, without quotes."
        assert 300 < seats < 400, "Iraq's parliament has between 300 and 400 seats. Look at row p13."

    check("q1", tests_q1)

``check`` finds the answer variables in the notebook, runs the tests and shows a verdict: "not answered
yet", what is wrong and a hint, or, when every check holds, what the checks established. A check never
claims more than it tested: when the teacher's grading checks more (hidden tests), the test function's
docstring says what the learner's checks do establish ("a whole number from 1 to 227") and the verdict
says just that; only a test function without a docstring, whose checks decide the answer, says "right".
It never shows a traceback. The grader
(grading.py) runs the same test functions, hidden tests included, on the answer values it exported
from the learner's kernel, outside that kernel.

Under nbgrader's autograder (``NBGRADER_EXECUTION`` is set) a failed check raises AssertionError, so
that instructors who already use nbgrader can grade these notebooks with it too.
"""
from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from typing import Any, Callable

from .errors import message_html

NOT_ANSWERED, PASSED, CHECKED, FAILED, ERROR = "not answered", "passed", "checked", "failed", "error"


@dataclass
class Verdict:
    question: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """Every test that ran holds (the verdict may still not know whether the answer is right)."""
        return self.status in (PASSED, CHECKED)

    def _repr_html_(self) -> str:
        level = {PASSED: "info", CHECKED: "info", NOT_ANSWERED: "warning"}.get(self.status, "error")
        icon = {PASSED: "✓", CHECKED: "?", NOT_ANSWERED: "…", FAILED: "✗", ERROR: "!"}[self.status]
        return message_html(f"{icon} {self.question}: {self.message}", level, css_class=f"check check-{self.status}")

    def __repr__(self) -> str:
        return f"{self.question}: {self.message}"


def checked_names(tests: Callable) -> list[str]:
    """The answer variables a test function checks: its parameter names."""
    return list(inspect.signature(tests).parameters)


def checks_only(tests: Callable) -> str:
    """What a test function's checks establish, from its docstring ("" when they decide the answer)."""
    return " ".join((inspect.getdoc(tests) or "").split())


def run_tests(question: str, tests: Callable, values: dict[str, Any]) -> Verdict:
    """Run one question's tests on the given answer values (a missing name or ``...`` means not answered).

    When they all hold, the verdict is PASSED ("right") if the function has no docstring, else CHECKED,
    saying only what the docstring says the checks establish."""
    names = checked_names(tests)
    missing = [n for n in names if n not in values or values[n] is Ellipsis]
    if missing:
        listed = ", ".join(f"`{n}`" for n in missing)
        return Verdict(question, NOT_ANSWERED, f"not answered yet. Put your answer in {listed} "
                                               "in the cell above (replace the ...), run it, then run this check.")
    try:
        tests(*[values[n] for n in names])
    except AssertionError as err:
        hint = str(err).strip() or "This answer is not right yet."
        return Verdict(question, FAILED, f"not right yet. {hint}")
    except Exception as err:  # noqa: BLE001 - the learner's value broke a test: say so, no traceback
        return Verdict(question, ERROR, f"your answer could not be checked ({type(err).__name__}: "
                                        f"{str(err)[:200]}). Check its type: a number, a text in quotes, a list "
                                        "or a table, as the question asks.")
    established = checks_only(tests).rstrip(".")
    if established:
        return Verdict(question, CHECKED, f"your answer is {established}. This check cannot tell whether it is "
                                          "right: your teacher's grading checks the exact answer.")
    return Verdict(question, PASSED, "right. This check tested your exact answer.")


def check(question: str, tests: Callable) -> Verdict:
    """Check the answer to ``question`` with ``tests``; the answer variables are read from the notebook."""
    caller = inspect.currentframe().f_back
    scope = {**caller.f_globals, **caller.f_locals}
    verdict = run_tests(question, tests, {n: scope[n] for n in checked_names(tests) if n in scope})
    if os.environ.get("NBGRADER_EXECUTION") and not verdict.passed:
        raise AssertionError(repr(verdict))
    return verdict
