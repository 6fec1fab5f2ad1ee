"""Grading a submission: run it in a fresh kernel, export its answer values, test them outside that kernel.

The learner's notebook runs top to bottom (errors in one cell do not stop the next). Then one more cell,
ours, writes each declared answer variable to a folder in a safe format: JSON for plain values, CSV for
tables (never pickle). The tests from solutions/ (hidden ones included) then run in this process on the
values read back, so edited or deleted test cells, and anything the learner's code changed inside its own
kernel (say ``pandas.DataFrame.equals = lambda *a: True``), cannot make a test pass.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assignments import Question, _strip_markers, questions
from .checks import ERROR, PASSED, Verdict, run_tests

CELL_TIMEOUT = 10

EXPORT_CELL = r'''
def __twopowers_export(names, folder):
    import json as _json, math as _math, os as _os
    def plain(value, depth=0):
        if depth > 20:
            raise ValueError("nested too deeply")
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value) if _math.isfinite(value) else repr(value)
        if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
            return plain(value.item(), depth + 1)
        if isinstance(value, (list, tuple)):
            return [plain(v, depth + 1) for v in value]
        if isinstance(value, set):
            return sorted((plain(v, depth + 1) for v in value), key=repr)
        if isinstance(value, dict):
            return {str(k): plain(v, depth + 1) for k, v in value.items()}
        raise TypeError(type(value).__name__)
    manifest = {}
    for name in names:
        if name not in globals():
            manifest[name] = {"kind": "missing"}
            continue
        value = globals()[name]
        if value is Ellipsis:
            manifest[name] = {"kind": "missing"}
            continue
        kind = type(value).__name__
        try:
            if kind == "DataFrame":
                value.to_csv(_os.path.join(folder, name + ".csv"), index=False)
                manifest[name] = {"kind": "table"}
            elif kind == "Series":
                value.to_frame(name=value.name if value.name is not None else "value").to_csv(
                    _os.path.join(folder, name + ".csv"), index=True)
                manifest[name] = {"kind": "series"}
            else:
                manifest[name] = {"kind": "json", "value": plain(value)}
        except Exception as err:
            manifest[name] = {"kind": "unexportable", "type": kind, "why": type(err).__name__}
    with open(_os.path.join(folder, "manifest.json"), "w", encoding="utf-8") as out:
        _json.dump(manifest, out)
'''


@dataclass
class Row:
    """One gradebook row: a student's result for one question."""
    student: str
    exercise: str
    question: str
    points: float
    max_points: float
    status: str
    message: str


def load_values(folder: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The exported answers, and for each answer that could not be exported, why."""
    import pandas as pd

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    values, problems = {}, {}
    for name, entry in manifest.items():
        kind = entry.get("kind")
        if kind == "json":
            values[name] = entry["value"]
        elif kind == "table":
            values[name] = pd.read_csv(folder / f"{name}.csv")
        elif kind == "series":
            values[name] = pd.read_csv(folder / f"{name}.csv", index_col=0).iloc[:, 0]
        elif kind == "unexportable":
            problems[name] = f"`{name}` holds a {entry.get('type')}, which the grader cannot read"
    return values, problems


def compile_tests(question: Question):
    """The question's test function, built in this process from the solution's test cell."""
    import pandas as pd

    from .data import table

    source = "\n".join(line for line in _strip_markers(question.tests_source).splitlines()
                       if not line.startswith("check("))
    namespace: dict[str, Any] = {"pd": pd, "table": table, "math": math}
    exec(compile(source, f"<tests {question.grade_id}>", "exec"), namespace)  # our own code from solutions/
    return next(v for k, v in namespace.items() if k.startswith("tests_") and callable(v))


def score(question: Question, values: dict, problems: dict) -> Verdict:
    unreadable = [problems[n] for n in question.answers if n in problems]
    if unreadable:
        return Verdict(question.grade_id, ERROR, "; ".join(unreadable) + ".")
    return run_tests(question.grade_id, compile_tests(question), values)


def points_for(verdict: Verdict, question: Question) -> float:
    return question.points if verdict.status == PASSED else 0.0


def run_and_export(notebook_path: Path, names: list[str], workdir: Path, cell_timeout: int = CELL_TIMEOUT):
    """Run a notebook in a fresh kernel, then export ``names`` to ``workdir``; returns the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook_path, as_version=4)
    export = nbformat.v4.new_code_cell(EXPORT_CELL + f"\n__twopowers_export({names!r}, {str(workdir)!r})\n")
    nb.cells.append(export)
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(notebook_path.parent)}})
    client.execute()
    return nb


def grade_notebook(notebook_path: Path, solution_path: Path, student: str, workdir: Path,
                   cell_timeout: int = CELL_TIMEOUT) -> list[Row]:
    """Grade one submission against its solution notebook (autograded questions only)."""
    import nbformat

    solution = nbformat.read(solution_path, as_version=4)
    auto = [q for q in questions(solution) if q.kind == "auto"]
    names = sorted({n for q in auto for n in q.answers})
    workdir.mkdir(parents=True, exist_ok=True)
    run_and_export(notebook_path, names, workdir, cell_timeout)
    values, problems = load_values(workdir)
    exercise = solution_path.parent.name
    rows = []
    for q in auto:
        verdict = score(q, values, problems)
        rows.append(Row(student, exercise, q.grade_id, points_for(verdict, q), q.points, verdict.status,
                        verdict.message))
    return rows
