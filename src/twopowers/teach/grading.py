"""Grading a submission: run it in a fresh kernel, export its answer values, test them outside that kernel.

The learner's notebook runs top to bottom (errors in one cell do not stop the next). Then one more cell,
ours, writes each declared answer variable to a folder as JSON with its type (never pickle): a value with
its Python or pandas type (lists, tuples, sets, dicts, dates, times, durations), a table or a Series with
each column's dtype (categories with their categories), so the tests see what the learner's kernel held.
The tests from solutions/ (hidden ones included), compiled once in the Exercise model before any submission
ran, then run in this process on the values read back, so edited or deleted test cells, and anything the learner's code changed inside its own
kernel (say ``pandas.DataFrame.equals = lambda *a: True``), cannot make a test pass.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .exercise import Exercise, GradedQuestion
from ..checks import ERROR, PASSED, Verdict, run_tests

CELL_TIMEOUT = 10

EXPORT_CELL = r'''
def __twopowers_export(names, folder):
    import datetime as _dt, json as _json, math as _math, os as _os
    def plain(value, depth=0):
        if depth > 20:
            raise ValueError("its lists or dicts are nested more than 20 deep")
        if value is None or isinstance(value, (bool, str)):
            return value
        if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
            if type(value).__name__.startswith(("datetime64", "timedelta64")):
                import pandas as _pd
                value = _pd.Timestamp(value) if type(value).__name__.startswith("datetime64") else _pd.Timedelta(value)
            else:
                return plain(value.item(), depth + 1)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value) if _math.isfinite(value) else {"$type": "float", "value": repr(value)}
        if type(value).__name__ in ("NaTType", "NAType"):
            return {"$type": type(value).__name__}
        if isinstance(value, _dt.datetime):
            return {"$type": "datetime", "class": type(value).__name__, "value": value.isoformat()}
        if isinstance(value, _dt.date):
            return {"$type": "date", "value": value.isoformat()}
        if isinstance(value, _dt.timedelta):
            return {"$type": "timedelta", "class": type(value).__name__,
                    "ns": int(value.value) if hasattr(value, "value") else
                    (value.days * 86400 + value.seconds) * 10**9 + value.microseconds * 1000}
        if isinstance(value, (list, tuple, set, frozenset)):
            items = [plain(v, depth + 1) for v in value]
            if isinstance(value, list):
                return items
            return {"$type": type(value).__name__, "items": sorted(items, key=repr) if "set" in type(value).__name__
                    else items}
        if isinstance(value, dict):
            return {"$type": "dict", "items": [[plain(k, depth + 1), plain(v, depth + 1)] for k, v in value.items()]}
        raise TypeError(type(value).__name__)
    def column(series):
        kind = {"dtype": str(series.dtype)}
        if kind["dtype"] == "category":
            kind.update(categories=[plain(c) for c in series.cat.categories], ordered=bool(series.cat.ordered))
            series = series.astype(object)
        return kind, [plain(v) for v in series.tolist()]
    def table(frame):
        columns, data = [], []
        for position in range(frame.shape[1]):
            kind, values = column(frame.iloc[:, position])
            columns.append({"name": plain(frame.columns[position]), **kind})
            data.append(values)
        index_kind, index_values = column(frame.index.to_series())
        return {"columns": columns, "data": data, "index": {"name": plain(frame.index.name), **index_kind},
                "index_values": index_values}
    manifest = {}
    for name in names:
        if name not in globals() or globals()[name] is Ellipsis:
            manifest[name] = {"kind": "missing"}
            continue
        value = globals()[name]
        kind = type(value).__name__
        try:
            if kind == "DataFrame":
                entry = {"kind": "table", **table(value)}
            elif kind == "Series":
                entry = {"kind": "series", "name": plain(value.name), **table(value.to_frame(name="value"))}
            else:
                entry = {"kind": "value", "value": plain(value)}
            with open(_os.path.join(folder, name + ".json"), "w", encoding="utf-8") as out:
                _json.dump(entry, out)
            manifest[name] = {"kind": entry["kind"]}
        except Exception as err:
            manifest[name] = {"kind": "unexportable", "type": kind, "why": str(err)[:200] or type(err).__name__}
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


MAX_ANSWER_BYTES = 2_000_000  # an answer's file larger than this is not read: no answer in the course comes near


def load_values(folder: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The exported answers, each with the type it had in the learner's kernel, and for each answer that could
    not be exported or read, why (in words for the gradebook)."""
    path = folder / "manifest.json"
    if path.stat().st_size > MAX_ANSWER_BYTES:
        raise ValueError("the list of answers is too large to read")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    values, problems = {}, {}
    for name, entry in manifest.items():
        kind = entry.get("kind")
        if kind == "unexportable":
            problems[name] = f"`{name}` holds a {entry.get('type')} the grader cannot read ({entry.get('why')})"
            continue
        if kind not in ("value", "table", "series"):
            continue
        answer = folder / f"{name}.json"
        if not answer.is_file():
            problems[name] = f"`{name}` was not saved by the notebook"
        elif answer.stat().st_size > MAX_ANSWER_BYTES:
            problems[name] = (f"`{name}` is too large to grade ({answer.stat().st_size // 1000} kB; no answer in "
                              "this course needs more than a few kB)")
        else:
            try:
                values[name] = typed(json.loads(answer.read_text(encoding="utf-8")))
            except (ValueError, TypeError, KeyError) as err:
                problems[name] = f"`{name}` could not be read back ({type(err).__name__})"
    return values, problems


def typed(entry: dict) -> Any:
    """An exported answer as the learner's kernel held it: the same type, each table column with its dtype."""
    if entry["kind"] == "value":
        return _value(entry["value"])
    frame = _table(entry)
    if entry["kind"] == "series":
        series = frame.iloc[:, 0]
        series.name = _value(entry.get("name"))
        return series
    return frame


def _value(value: Any) -> Any:
    import datetime as dt

    import pandas as pd

    if isinstance(value, list):
        return [_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value["$type"]
    if kind == "float":
        return float(value["value"])
    if kind in ("NaTType", "NAType"):
        return pd.NaT if kind == "NaTType" else pd.NA
    if kind == "datetime":
        return pd.Timestamp(value["value"]) if value.get("class") == "Timestamp" else \
            dt.datetime.fromisoformat(value["value"])
    if kind == "date":
        return dt.date.fromisoformat(value["value"])
    if kind == "timedelta":
        span = pd.Timedelta(int(value["ns"]), unit="ns")
        return span if value.get("class") == "Timedelta" else span.to_pytimedelta()
    if kind in ("tuple", "set", "frozenset"):
        return {"tuple": tuple, "set": set, "frozenset": frozenset}[kind](_value(v) for v in value["items"])
    if kind == "dict":
        return {_hashable(_value(k)): _value(v) for k, v in value["items"]}
    raise ValueError(f"unknown exported type {kind!r}")


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def _column(values: list, kind: dict):
    import pandas as pd

    values = [_value(v) for v in values]
    dtype = kind["dtype"]
    if dtype == "category":
        categories = [_value(c) for c in kind["categories"]]
        return pd.Series(pd.Categorical(values, categories=categories, ordered=kind["ordered"]))
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype=dtype)
    if dtype.startswith("timedelta64"):
        return pd.Series(pd.to_timedelta(pd.Series(values, dtype=object)), dtype=dtype)
    if dtype == "object":
        return pd.Series(values, dtype=object)
    return pd.Series(values, dtype=object).astype(dtype)


def _table(entry: dict):
    import pandas as pd

    columns = {i: _column(values, kind).reset_index(drop=True)
               for i, (values, kind) in enumerate(zip(entry["data"], entry["columns"]))}
    index = pd.Index(_column(entry["index_values"], entry["index"]), name=_value(entry["index"]["name"]))
    frame = pd.DataFrame(columns, index=range(len(index)))
    frame.columns = [_value(c["name"]) for c in entry["columns"]]
    frame.index = index
    return frame


def score(exercise: Exercise, question: GradedQuestion, values: dict, problems: dict) -> Verdict:
    """The verdict on one answer. A failed hidden test is reported without its message (it may give the
    answer away); the public checks' messages are shown as the learner saw them."""
    unreadable = [problems[n] for n in question.answers if n in problems]
    if unreadable:
        return Verdict(question.grade_id, ERROR, "; ".join(unreadable) + ".")
    public = run_tests(question.grade_id, exercise.tests(question, hidden=False), values)
    if not public.passed:
        return public
    full = run_tests(question.grade_id, exercise.tests(question), values)
    if full.passed:
        return Verdict(question.grade_id, PASSED, "correct: passes every test.")
    return Verdict(question.grade_id, full.status, "the checks in the notebook held, but the full grading tests "
                                                   "did not: look at the question again.")


def points_for(verdict: Verdict, question: GradedQuestion) -> float:
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


def score_run(exercise: Exercise, workdir: Path, status: dict, student: str) -> list[Row]:
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
        return [Row(student, exercise.name, q.grade_id, 0.0, q.points, state, message) for q in exercise.auto]
    values, problems = load_values(workdir)
    rows = []
    for q in exercise.auto:
        verdict = score(exercise, q, values, problems)
        rows.append(Row(student, exercise.name, q.grade_id, points_for(verdict, q), q.points, verdict.status,
                        verdict.message))
    return rows


def grade_notebook(notebook_path: Path, exercise: Exercise, student: str, workdir: Path,
                   cell_timeout: int = CELL_TIMEOUT) -> list[Row]:
    """Grade one submission in this process, without a sandbox (for tests of the solutions themselves)."""
    workdir.mkdir(parents=True, exist_ok=True)
    _, status = run_and_export(notebook_path, exercise.answer_names, workdir, cell_timeout)
    return score_run(exercise, workdir, status, student)
