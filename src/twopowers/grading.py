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


def compile_tests(question: Question, hidden: bool = True):
    """The question's test function, built in this process from the solution's test cell.

    ``hidden=False`` leaves out the hidden tests: the checks a learner sees.
    """
    import pandas as pd

    from .assignments import BEGIN_HIDDEN, END_HIDDEN, _remove_block
    from .data import table

    source = question.tests_source if hidden else _remove_block(question.tests_source, BEGIN_HIDDEN, END_HIDDEN,
                                                                lambda block, indent: [])
    source = "\n".join(line for line in _strip_markers(source).splitlines() if not line.startswith("check("))
    namespace: dict[str, Any] = {"pd": pd, "table": table, "math": math}
    exec(compile(source, f"<tests {question.grade_id}>", "exec"), namespace)  # our own code from solutions/
    return next(v for k, v in namespace.items() if k.startswith("tests_") and callable(v))


def score(question: Question, values: dict, problems: dict) -> Verdict:
    """The verdict on one answer. A failed hidden test is reported without its message (it may give the
    answer away); the public checks' messages are shown as the learner saw them."""
    unreadable = [problems[n] for n in question.answers if n in problems]
    if unreadable:
        return Verdict(question.grade_id, ERROR, "; ".join(unreadable) + ".")
    public = run_tests(question.grade_id, compile_tests(question, hidden=False), values)
    if not public.passed:
        return public
    full = run_tests(question.grade_id, compile_tests(question), values)
    if full.passed:
        return Verdict(question.grade_id, PASSED, "correct: passes every test.")
    return Verdict(question.grade_id, full.status, "passes the checks you could run, but not the full grading "
                                                   "tests: look at the question again.")


def points_for(verdict: Verdict, question: Question) -> float:
    return question.points if verdict.status == PASSED else 0.0


MAX_OUTPUT_CHARS = 20_000  # per cell: a submission that prints without end cannot flood the grader


def _client_class():
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        """A NotebookClient that keeps at most MAX_OUTPUT_CHARS of output per cell."""

        def output(self, outs, msg, display_id, cell_index):
            size = sum(len(str(o)) for o in outs)
            if size > MAX_OUTPUT_CHARS:
                return None
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


def _sandboxed_manager(wrapper: list[str], workdir: Path):
    """A kernel manager whose kernel runs inside ``wrapper`` (the sandbox) and talks over Unix sockets in
    ``workdir``, so that the sandbox needs no network at all."""
    from jupyter_client.manager import AsyncKernelManager

    class SandboxedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return [*wrapper, *super().format_kernel_cmd(extra_arguments)]

    return SandboxedKernelManager(kernel_name="python3", transport="ipc", ip=str(workdir / "kernel-ipc"),
                                  connection_file=str(workdir / "kernel.json"))


def run_and_export(notebook_path: Path, names: list[str], workdir: Path, cell_timeout: int = CELL_TIMEOUT,
                   wrapper: list[str] | None = None, env: dict | None = None, limit: float | None = None):
    """Run a notebook in a fresh kernel, then export ``names`` to ``workdir``.

    With ``wrapper`` the kernel runs inside it (the grader's sandbox), with ``env`` as its environment, and
    is killed after ``limit`` seconds. Returns (executed notebook, run status): status is {"state": "ok"} or
    says what went wrong ("timeout" with the cell, "kernel died", "notebook limit", "error").
    """
    import threading

    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = nbformat.read(notebook_path, as_version=4)
    export = nbformat.v4.new_code_cell(EXPORT_CELL + f"\n__twopowers_export({names!r}, {str(workdir)!r})\n")
    nb.cells.append(export)
    km = _sandboxed_manager(wrapper, workdir) if wrapper is not None else None
    client = _client_class()(nb, km=km, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                             interrupt_on_timeout=False, startup_timeout=60, shutdown_kernel="immediate",
                             resources={"metadata": {"path": str(workdir)}})
    over_limit = threading.Event()

    def stop():
        over_limit.set()
        if client.km is not None:
            try:
                from jupyter_core.utils import run_sync

                run_sync(client.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - the kernel may already be gone
                pass

    timer = threading.Timer(limit, stop) if limit else None
    if timer:
        timer.daemon = True
        timer.start()
    try:
        import subprocess

        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # the kernel's own start-up chatter
        client.execute(**({"env": env, "cwd": str(workdir), **quiet} if env is not None else quiet))
        status = {"state": "ok"}
    except CellTimeoutError:
        where = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("execution_count")
                      is None and c.source.strip()), None)
        status = {"state": "timeout", "cell": where}
    except DeadKernelError:
        status = {"state": "kernel died"}
    except Exception as err:  # noqa: BLE001 - reported as the submission's status, never a crash
        status = {"state": "error", "why": f"{type(err).__name__}: {str(err)[:200]}"}
    finally:
        if timer:
            timer.cancel()
    if over_limit.is_set():
        status = {"state": "notebook limit"}
    return nb, status


def score_run(auto: list[Question], workdir: Path, status: dict, student: str, exercise: str) -> list[Row]:
    """Gradebook rows for one run: tests on the exported values, or the run's problem for every question."""
    if status.get("state") != "ok" or not (workdir / "manifest.json").exists():
        state = status.get("state", "error")
        message = {
            "timeout": f"A cell ran longer than the time limit (cell {status.get('cell')}); the notebook was "
                       "stopped there, so its answers could not be read. Check for a loop that never ends.",
            "kernel died": "The notebook stopped Python itself (for example with os._exit, a crash, or using "
                           "too much memory), so its answers could not be read.",
            "notebook limit": "The whole notebook ran longer than the time limit for one notebook.",
            "unreadable": status.get("why", "The file could not be read as a notebook."),
            "tampered": f"The notebook {status.get('why', 'changed the course files')}: a submission may not "
                        "change the course's files, so it was not graded. No other student's grade changed.",
        }.get(state, f"The notebook could not be run ({status.get('why', state)}).")
        return [Row(student, exercise, q.grade_id, 0.0, q.points, state, message) for q in auto]
    values, problems = load_values(workdir)
    rows = []
    for q in auto:
        verdict = score(q, values, problems)
        rows.append(Row(student, exercise, q.grade_id, points_for(verdict, q), q.points, verdict.status,
                        verdict.message))
    return rows


def autograded(solution_path: Path) -> list[Question]:
    import nbformat

    return [q for q in questions(nbformat.read(solution_path, as_version=4)) if q.kind == "auto"]


def answer_names(auto: list[Question]) -> list[str]:
    return sorted({n for q in auto for n in q.answers})


def grade_notebook(notebook_path: Path, solution_path: Path, student: str, workdir: Path,
                   cell_timeout: int = CELL_TIMEOUT) -> list[Row]:
    """Grade one submission in this process, without a sandbox (for tests of the solutions themselves)."""
    auto = autograded(solution_path)
    workdir.mkdir(parents=True, exist_ok=True)
    _, status = run_and_export(notebook_path, answer_names(auto), workdir, cell_timeout)
    return score_run(auto, workdir, status, student, solution_path.parent.name)
