"""Grade a whole class in one command, in parallel, and write the gradebook, feedback and a class report.

    python3 course.py grade SUBMISSIONS [--out grading-results] [--workers N] [--cell-timeout 10]
    python3 course.py grade --merge-written [--out grading-results]   (after filling in written_answers.csv)

SUBMISSIONS is a folder (or a .zip of one) laid out as ``<student>/<exercise>.ipynb`` or
``<student>_<exercise>.ipynb``; exercise names come from solutions/, so a student id may contain ``_``.

The results folder (``--out``, by default ``grading-results`` in the current folder) must be new, empty or
an earlier results folder: the grader never writes among other files. It holds a ``.gitignore`` that
ignores everything in it, so learners' names and answers never show in ``git status``, wherever it is.
The command ends by printing the folder's absolute path and the file to open first (report.html).

Written to the results folder:
  report.html           the class: a histogram of totals and each question's share of full points
                        (a question still awaiting hand grading says so, and is not drawn)
  summary.csv           one row per student: <exercise>_points and <exercise>_max for each exercise,
                        total_points, total_max, and points_awaiting_hand_grading
  gradebook.csv         one row per student and question: points, max_points, status, message
  feedback/<student>.html  for each student (the name made file-safe; a short hash is added only if it had to
                        change or two students would share a file): their answers, points and the public
                        checks' messages; rewritten on every run
  written_answers.csv   the answers graded by hand: fill in `points` (and `comment`), then --merge-written.
                        `points` is one of the rubric's levels (column `levels`; docs/rubrics.md
                        describes each level and gives anchor answers). An analytic rubric (the summative
                        task) has one row per criterion; the question's points are their sum.
                        An answer cell left empty or as the exercise gave it shows "(no answer)" and
                        counts 0 (status "not answered") unless you type points for it
  results/*.json        one file per graded submission, written atomically as it finishes: a run that
                        was interrupted resumes where it stopped when started again
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import shutil
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from .exercise import WRITE_HERE, Exercise, GradedQuestion, load_exercises, solutions_dir
from ..errors import CourseError
from .grading import CELL_TIMEOUT, Row, load_values, run_and_export, score_run
from ..data import data_dir
from .sandbox import MEMORY_MB, Snapshot, child_environment, detect, wrapper

NOTEBOOK_LIMIT = 180  # seconds for a whole notebook
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_ZIP_BYTES = 1024 * 1024 * 1024
WRITTEN_FIELDS = ["student", "exercise", "question", "criterion", "levels", "max_points", "points", "comment", "prompt",
                  "answer"]
DEFAULT_OUT = "grading-results"
IGNORE_EVERYTHING = ("# Grading results hold learners' names and answers: git ignores everything here.\n"
                     "*\n")
AWAITING, NOT_ANSWERED, NO_ANSWER = "awaiting hand grading", "not answered", "(no answer)"
NOT_FILE_SAFE = set('<>:"/\\|?*')
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10))}


@dataclass
class Submission:
    student: str
    exercise: str
    path: Path

    @property
    def key(self) -> str:
        return f"{slug(self.student)}__{self.exercise}"


def slug(name: str) -> str:
    """A file-name-safe id for a student's saved results (any script kept readable), unique by a short hash."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")[:40] or "student"
    return f"{safe}-{_short_hash(name)}"


def _short_hash(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]


def feedback_names(students) -> dict[str, str]:
    """Each student's feedback file: ``<student>.html``, the name made file-safe with every script's letters
    kept. A short hash of the name is added only when the safe name differs from the name, or when two
    students would get the same file (also on a disk that ignores case or Unicode normalisation)."""
    safe = {s: "".join("-" if c in NOT_FILE_SAFE or not c.isprintable() else c for c in s)[:60].strip(" .")
            for s in students}
    same_file = Counter(unicodedata.normalize("NFC", v).casefold() for v in safe.values())
    names = {}
    for student, name in safe.items():
        alone = same_file[unicodedata.normalize("NFC", name).casefold()] == 1
        if name != student or not alone or name.split(".")[0].upper() in WINDOWS_RESERVED:
            name = f"{name or 'student'}-{_short_hash(student)}"
        names[student] = f"{name}.html"
    return names


# ----- finding the submissions ----------------------------------------------------------------------
def unpack(archive: Path, into: Path) -> Path:
    """Extract a zip safely: no paths outside ``into``, no links, and a size limit against zip bombs."""
    with zipfile.ZipFile(archive) as zipped:
        members = [m for m in zipped.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
            raise CourseError(f"{archive.name} unpacks to more than {MAX_ZIP_BYTES // 2**20} MB; not graded.")
        for member in members:
            target = (into / member.filename).resolve()
            if into.resolve() not in target.parents or "__MACOSX" in member.filename:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(member) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
    return into


def discover(root: Path, exercises: list[str]) -> tuple[list[Submission], list[str]]:
    """The submissions under ``root``, and a note for each file that is not one."""
    entries = [p for p in root.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and not any(
            p.stem in exercises for p in entries[0].iterdir() if p.is_file()):
        root = entries[0]  # a zip that holds one folder of the class
    found, skipped = [], []
    by_length = sorted(exercises, key=len, reverse=True)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        if any(part.startswith(".") or part == "__MACOSX" for part in rel.parts):
            continue
        if len(rel.parts) == 2 and path.stem in exercises:
            found.append(Submission(rel.parts[0], path.stem, path))
            continue
        if len(rel.parts) == 1:
            match = next((e for e in by_length if path.stem.endswith("_" + e) and len(path.stem) > len(e) + 1),
                         None)
            if match:
                found.append(Submission(path.stem[: -len(match) - 1], match, path))
                continue
        skipped.append(f"{rel}: not named <student>/<exercise>.ipynb or <student>_<exercise>.ipynb; skipped")
    return found, skipped


# ----- grading one submission ------------------------------------------------------------------------
def read_submission(path: Path):
    """The submission as an nbformat-4 notebook, or a CourseError saying why it cannot be graded."""
    import nbformat

    if path.suffix != ".ipynb":
        raise CourseError(f"The file is a {path.suffix or 'file without extension'}, not a notebook (.ipynb).")
    size = path.stat().st_size
    if size == 0:
        raise CourseError("The file is empty.")
    if size > MAX_NOTEBOOK_BYTES:
        raise CourseError(f"The file is too large to be a course notebook ({size // 2**20} MB).")
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CourseError("The file is not a notebook: it is not valid notebook JSON.") from None
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # noqa: BLE001 - any failure here means "not a notebook we can run"
        raise CourseError(f"The file is not a valid Jupyter notebook ({type(err).__name__}).") from None
    return nb


def written_answers(nb, written: list[GradedQuestion]) -> dict[str, str]:
    answers = {}
    for q in written:
        cell = next((c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == q.grade_id),
                    None)
        answers[q.grade_id] = cell.source.strip() if cell is not None else "(no answer cell found)"
    return answers


def unanswered(text: str) -> bool:
    """True for a written answer left empty or as the exercise gave it (whitespace aside)."""
    return " ".join(text.split()) in ("", WRITE_HERE)


def grade_one(sub: Submission, exercise: Exercise, options: dict) -> dict:
    """Run one submission in the sandbox and score it; always returns a result, never raises."""
    import nbformat

    started = time.monotonic()
    result = {"student": sub.student, "exercise": sub.exercise, "file": str(sub.path.name), "answers": {},
              "written": {}, "run": {}}
    workdir = Path(tempfile.mkdtemp(prefix="twopowers-grade-"))
    try:
        try:
            nb = read_submission(sub.path)
        except CourseError as err:
            result["run"] = {"state": "unreadable", "why": str(err)}
            rows = score_run(exercise, workdir, result["run"], sub.student)
        else:
            result["written"] = written_answers(nb, exercise.written)
            notebook = workdir / "submission.ipynb"
            nbformat.write(nb, notebook)
            prefix = wrapper(workdir, options["sandbox"], options["memory_mb"])
            env = child_environment(workdir)
            env["MPLCONFIGDIR"] = _matplotlib_cache()
            _, result["run"] = run_and_export(notebook, exercise.answer_names, workdir, options["cell_timeout"],
                                              wrapper=prefix, env=env, limit=options["notebook_limit"])
            changed = options["snapshot"].changed() if options["sandbox"].kind != "bubblewrap" else []
            if changed:  # without a sandbox: put the folders back before anything is scored
                options["snapshot"].restore()
                result["run"] = {"state": "tampered", "why": f"it changed the course's {' and '.join(changed)}/ "
                                 "folder (put back before grading went on)"}
            rows = score_run(exercise, workdir, result["run"], sub.student)
            if result["run"].get("state") == "ok":
                values, _ = load_values(workdir)
                result["answers"] = {n: shown_value(values.get(n, Ellipsis), exercise.secret_lines)
                                    for n in exercise.answer_names}
        result["rows"] = [asdict(r) for r in rows]
    except Exception as err:  # noqa: BLE001 - one broken submission never stops the class
        cause = f"{type(err).__name__}: {str(err)[:200]}"
        result["run"] = {"state": "grader error", "why": cause}
        result["rows"] = [asdict(Row(sub.student, sub.exercise, q.grade_id, 0.0, q.points, "grader error",
                                     f"The grader itself failed on this submission ({cause}); this is not the "
                                     "student's doing. Running the same grade command again retries it."))
                          for q in exercise.auto]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _matplotlib_cache() -> str:
    import matplotlib

    return matplotlib.get_configdir()


def shown_value(value, secrets) -> str:
    """An answer as the feedback shows it: short, and never with text from the solutions."""
    if value is Ellipsis:
        return "(no answer)"
    text = value.head(10).to_string() if hasattr(value, "head") else repr(value)
    if any(secret in text for secret in secrets):
        return "(hidden: this answer contains text from the solutions)"
    return text if len(text) <= 600 else text[:600] + " …"


# ----- the whole class ---------------------------------------------------------------------------------
def grade_class(submissions: Path, out: Path, workers: int | None = None, cell_timeout: int = CELL_TIMEOUT,
                notebook_limit: int = NOTEBOOK_LIMIT, memory_mb: int = MEMORY_MB, quiet: bool = False,
                no_sandbox: bool = False) -> dict:
    """Grade every submission (resuming an interrupted run) and write all the outputs. Without a sandbox this
    refuses, unless ``no_sandbox`` (the teacher's --no-sandbox): then submissions run one at a time."""
    sandbox = detect()
    if sandbox.kind != "bubblewrap" and not no_sandbox:
        raise CourseError(sandbox.refusal())
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    say(sandbox.describe())
    exercises = load_exercises()  # tests compiled and their data read: before any submission runs
    if not exercises:
        raise CourseError("solutions/ holds no exercise notebook to grade against.")
    with tempfile.TemporaryDirectory(prefix="twopowers-unzip-") as unzipped:
        root = Path(submissions)
        if not root.is_dir() and not (root.is_file() and zipfile.is_zipfile(root)):
            raise CourseError(f"{submissions} is neither a folder nor a zip of submissions.")
        out = results_folder(out, new_run=True)
        if root.is_file():
            root = unpack(root, Path(unzipped))
        found, skipped = discover(root, list(exercises))
        snapshot = Snapshot([solutions_dir(), data_dir()])  # before any submission runs
        todo = [s for s in found if not _done(out, s)]
        say(f"{len(found)} submission(s) from {len({s.student for s in found})} student(s); "
            f"{len(found) - len(todo)} already graded; {len(skipped)} file(s) skipped.")
        options = {"sandbox": sandbox, "cell_timeout": cell_timeout, "notebook_limit": notebook_limit,
                   "memory_mb": memory_mb, "out": out, "snapshot": snapshot}
        workers = (workers or os.cpu_count() or 1) if sandbox.kind == "bubblewrap" else 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(grade_one, s, exercises[s.exercise], options): s for s in todo}
            for done, future in enumerate(as_completed(futures), 1):
                sub = futures[future]
                _write_atomic(out / "results" / f"{sub.key}.json", json.dumps(future.result(), ensure_ascii=False))
                if not quiet:
                    progress(done, len(todo))
        if todo and not quiet and sys.stderr.isatty():
            print(file=sys.stderr)
    summary = write_outputs(out, exercises, skipped)
    return {**summary, "sandbox": sandbox.kind, "skipped": skipped}


def results_folder(out: Path, new_run: bool = False) -> Path:
    """The results folder as an absolute path, with a .gitignore that keeps all of it out of git. A new run
    may use a new or empty folder, or an earlier results folder (to resume); never one with other files."""
    out = Path(out).resolve()
    if not (out / "results").is_dir():
        if not new_run:
            raise CourseError(f"{out} holds no grading results: run the grade command first "
                              "(or give the results folder with --out).")
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise CourseError(f"{out} already holds other files, and grading results go in a folder of their "
                              "own (nothing there is overwritten): give a new or empty folder with --out.")
        (out / "results").mkdir(parents=True, exist_ok=True)
    if not (out / ".gitignore").exists():
        (out / ".gitignore").write_text(IGNORE_EVERYTHING, encoding="utf-8")
    return out


def where_to_look(summary: dict) -> str:
    """What a run printed last: where the results are, which file to open first, and what is left to do."""
    out = summary["out"]
    lines = [f"Grading results for {summary['students']} student(s) are in {out}",
             f"  Open first: {out / 'report.html'} (the class at a glance)",
             "  Then: summary.csv (totals per student), gradebook.csv (every question), "
             "feedback/ (one page per student, to give back)"]
    if summary["awaiting"]:
        lines.append(f"  {summary['awaiting']} written answer(s) await your points: fill in written_answers.csv, "
                     f'then run: python3 course.py grade --merge-written --out "{out}"')
    lines.append("  git ignores this folder (it holds a .gitignore): learners' names and answers stay out of commits.")
    return "\n".join(lines)


def progress(done: int, total: int) -> None:
    """A progress bar on a terminal; a line every tenth of the way in a log."""
    if sys.stderr.isatty():
        bar = "#" * (30 * done // max(total, 1))
        print(f"\r[{bar:<30}] {done}/{total} graded", end="", file=sys.stderr, flush=True)
    elif done == total or done % max(total // 10, 1) == 0:
        print(f"{done}/{total} graded", file=sys.stderr, flush=True)


def _done(out: Path, sub: Submission) -> bool:
    path = out / "results" / f"{sub.key}.json"
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
        failed = result.get("run", {}).get("state") == "grader error"  # the grader's own failure: tried again
        return result.get("rows") is not None and not failed
    except (OSError, ValueError):
        return False


def _write_atomic(path: Path, text: str) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temp, path)


# ----- outputs -----------------------------------------------------------------------------------------
def load_results(out: Path) -> list[dict]:
    results = []
    for path in sorted((out / "results").glob("*.json")):
        try:
            results.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return results


def read_written(out: Path) -> tuple[dict, dict, list[str]]:
    """The instructor's usable points for written answers, everything they typed (so that nothing is lost
    when the sheet is written again), and a message for each value that is not usable. Points must be one
    of the rubric's levels (column ``levels``), or, in a sheet without that column, from 0 to the maximum."""
    path = out / "written_answers.csv"
    marks, typed, problems = {}, {}, []
    if not path.exists():
        return marks, typed, problems
    with open(path, encoding="utf-8", newline="") as stream:
        for number, row in enumerate(csv.DictReader(stream), 2):
            key = (row.get("student"), row.get("exercise"), row.get("question"))
            text, comment = (row.get("points") or "").strip(), (row.get("comment") or "").strip()
            if text or comment:
                typed[key] = {"points": text, "comment": comment}
            if not text:
                continue
            levels = [float(v) for v in (row.get("levels") or "").replace(",", " ").split() if _number(v)]
            try:
                points, top = float(text.replace(",", ".")), float(row.get("max_points") or 0)
                if not 0 <= points <= top or (levels and points not in levels):
                    raise ValueError
            except ValueError:
                allowed = (f"one of the rubric's levels ({row.get('levels')}; docs/rubrics.md describes each)"
                           if levels else f"from 0 to {row.get('max_points')}")
                problems.append(f"written_answers.csv line {number}: points {text!r} must be a number, {allowed}; "
                                "left ungraded (what you typed is kept).")
                continue
            marks[key] = {"points": points, "comment": comment}
    return marks, typed, problems


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def written_rows(q: GradedQuestion) -> list[tuple[str, str, float, str]]:
    """The rows a written question gets in written_answers.csv: (question key, criterion, points, levels) for
    each criterion of an analytic rubric, else one row for the question."""
    def levels(criterion) -> str:
        return ", ".join(str(level.points) for level in sorted(criterion.levels, key=lambda l: l.points))

    if len(q.criteria) > 1:
        return [(f"{q.grade_id}/{c.key}", c.name, float(c.points), levels(c)) for c in q.criteria]
    return [(q.grade_id, "", q.points, levels(q.criteria[0]) if q.criteria else "")]


def write_outputs(out: Path, exercises: dict[str, Exercise], skipped: list[str] | None = None) -> dict:
    """Gradebook, summary, feedback, report and the written-answers sheet, from the saved results."""
    results = load_results(out)
    marks, typed, problems = read_written(out)
    kinds = {(name, q.grade_id): q.skill or q.kind for name, e in exercises.items() for q in e.questions}
    rows = [row for result in results for row in result.get("rows", [])]
    sheet = []
    for result in results:
        exercise = exercises.get(result["exercise"])
        for q in exercise.written if exercise else []:
            key = (result["student"], result["exercise"], q.grade_id)
            answer = result.get("written", {}).get(q.grade_id, "(not run: see gradebook)")
            blank = unanswered(answer)
            parts = written_rows(q)
            got = [marks.get((key[0], key[1], part)) for part, _, _, _ in parts]
            mark = {"points": sum(m["points"] for m in got),
                    "comment": " ".join(m["comment"] for m in got if m["comment"])} if all(got) else None
            status = "graded by hand" if mark else NOT_ANSWERED if blank else AWAITING
            message = mark["comment"] if mark else "No answer was written in the answer cell." if blank else ""
            rows.append({"student": key[0], "exercise": key[1], "question": q.grade_id,
                         "points": mark["points"] if mark else 0.0, "max_points": q.points,
                         "status": status, "message": message})
            for part, criterion, top, levels in parts:
                mine = typed.get((key[0], key[1], part), {})
                sheet.append({"student": key[0], "exercise": key[1], "question": part, "criterion": criterion,
                              "levels": levels, "max_points": top, "points": mine.get("points", ""),
                              "comment": mine.get("comment", ""), "prompt": q.prompt.strip(),
                              "answer": NO_ANSWER if blank else answer})
    fields = ["student", "exercise", "question", "points", "max_points", "status", "message"]
    _write_csv(out / "gradebook.csv", fields, sorted(rows, key=lambda r: (r["student"], r["exercise"], r["question"])))
    _write_csv(out / "written_answers.csv", WRITTEN_FIELDS, sheet)
    summary = summary_rows(rows)
    exercises = sorted({r["exercise"] for r in rows})
    _write_csv(out / "summary.csv", ["student", *(f"{e}_{c}" for e in exercises for c in ("points", "max")),
                                     "total_points", "total_max", "points_awaiting_hand_grading"], summary)
    write_feedback(out, results, rows)
    write_report(out, rows, [float(s["total_points"]) for s in summary], problems + (skipped or []), kinds)
    for problem in problems:
        print(problem, file=sys.stderr)
    return {"students": len(summary), "submissions": len(results), "rows": len(rows), "problems": problems,
            "awaiting": sum(r["status"] == AWAITING for r in rows), "out": Path(out).resolve()}


def summary_rows(rows: list[dict]) -> list[dict]:
    """Per student: points and maximum per exercise, the totals, and the points still to grade by hand. An
    exercise a student did not hand in counts 0 of its maximum."""
    got: dict[str, dict[str, list[float]]] = {}
    for r in rows:
        cell = got.setdefault(r["student"], {}).setdefault(r["exercise"], [0.0, 0.0, 0.0])
        cell[0] += float(r["points"])
        cell[1] += float(r["max_points"])
        cell[2] += float(r["max_points"]) if r["status"] == AWAITING else 0.0
    tops = {}
    for theirs in got.values():
        for exercise, cell in theirs.items():
            tops[exercise] = max(tops.get(exercise, 0.0), cell[1])
    table = []
    for student, theirs in sorted(got.items()):
        cells = {e: theirs.get(e, [0.0, top, 0.0]) for e, top in sorted(tops.items())}
        line = {"student": student}
        for exercise, (points, top, _) in cells.items():
            line.update({f"{exercise}_points": f"{points:g}", f"{exercise}_max": f"{top:g}"})
        line.update(total_points=f"{sum(c[0] for c in cells.values()):g}",
                    total_max=f"{sum(c[1] for c in cells.values()):g}",
                    points_awaiting_hand_grading=f"{sum(c[2] for c in cells.values()):g}")
        table.append(line)
    return table


def _write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _write_atomic(path, buffer.getvalue())


def write_feedback(out: Path, results: list[dict], rows: list[dict]) -> None:
    """One page per student, feedback/<student>.html; pages of students no longer in the results go."""
    folder = out / "feedback"
    folder.mkdir(exist_ok=True)
    by_student: dict[str, list[dict]] = {}
    for result in results:
        by_student.setdefault(result["student"], []).append(result)
    names = feedback_names(by_student)
    for stale in folder.glob("*.html"):
        if stale.name not in names.values():
            stale.unlink()
    for student, theirs in by_student.items():
        parts = [f"<h1>Feedback for {html.escape(student)}</h1>"]
        for result in sorted(theirs, key=lambda r: r["exercise"]):
            mine = [r for r in rows if r["student"] == student and r["exercise"] == result["exercise"]]
            got, top = sum(float(r["points"]) for r in mine), sum(float(r["max_points"]) for r in mine)
            parts.append(f"<h2>{html.escape(result['exercise'])}: {got:g} of {top:g} points</h2><table>"
                         "<tr><th>question</th><th>points</th><th>status</th><th>message</th></tr>")
            for r in sorted(mine, key=lambda r: r["question"]):
                parts.append(f"<tr><td>{html.escape(r['question'])}</td><td>{float(r['points']):g} / "
                             f"{float(r['max_points']):g}</td><td>{html.escape(r['status'])}</td>"
                             f"<td>{html.escape(r['message'])}</td></tr>")
            answers = result.get("answers", {})
            if answers:
                parts.append("</table><h3>Your answers, as the grader read them</h3><dl>" + "".join(
                    f"<dt><code>{html.escape(n)}</code></dt><dd><pre>{html.escape(v)}</pre></dd>"
                    for n, v in answers.items()) + "</dl>")
            else:
                parts.append("</table>")
        page = ("<!doctype html><html lang='en'><meta charset='utf-8'><meta name='viewport' "
                "content='width=device-width'><title>Feedback</title><style>body{font-family:sans-serif;"
                "max-width:60em;margin:auto;padding:1em}td,th{border:1px solid #ccc;padding:.3em;"
                "vertical-align:top}table{border-collapse:collapse}</style>" + "".join(parts) + "</html>")
        _write_atomic(folder / names[student], page)


def points_by_kind(rows: list[dict], kinds: dict) -> list[tuple[str, float, float, int]]:
    """The class's points by kind of question: (kind, points earned, points possible, answers awaiting hand
    grading), for judgement, mechanics and written."""
    table = []
    for kind in ("judgement", "mechanics", "written"):
        mine = [r for r in rows if kinds.get((r["exercise"], r["question"])) == kind]
        table.append((kind, sum(float(r["points"]) for r in mine), sum(float(r["max_points"]) for r in mine),
                      sum(r["status"] == AWAITING for r in mine)))
    return table


def write_report(out: Path, rows: list[dict], totals: list[float], notes: list[str],
                 kinds: dict | None = None) -> None:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from ..charts import image_html

    questions_seen = sorted({(r["exercise"], r["question"]) for r in rows})
    rates, waiting = [], []  # (question, share with full points, submissions); (question, awaiting, submissions)
    for exercise, question in questions_seen:
        these = [r for r in rows if r["exercise"] == exercise and r["question"] == question]
        awaiting = sum(r["status"] == AWAITING for r in these)
        full = sum(1 for r in these if float(r["points"]) >= float(r["max_points"]) > 0)
        if awaiting:
            waiting.append((f"{exercise} {question}", awaiting, len(these)))
        else:
            rates.append((f"{exercise} {question}", full / len(these), len(these)))
    fig = Figure(figsize=(9, 3.5 + 0.25 * len(rates)))
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1, max(1, len(rates) / 6)]})
    top.hist(totals, bins=10, color="#0072B2")
    top.set_ylim(bottom=0)
    top.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole students
    top.set_title("Total points per student" + (" (hand grading not finished)" if waiting else ""))
    top.set_xlabel("total points")
    top.set_ylabel("students")
    bottom.barh([r[0] for r in rates], [100 * r[1] for r in rates], color="#E69F00")
    bottom.invert_yaxis()
    bottom.set_xlim(0, 100)
    bottom.set_title("Share of students with full points, per question"
                     + ("\n(questions awaiting hand grading are not drawn)" if waiting else ""))
    bottom.set_xlabel("% of students")
    bottom.set_ylabel("question")
    fig.tight_layout()
    hardest = sorted(rates, key=lambda r: r[1])[:3]
    alt = [f"Histogram of {len(totals)} students' totals, and bars of {len(rates)} questions' share of students "
           "with full points"]
    if rates:
        alt.append("lowest: " + ", ".join(f"{q} ({100 * p:.0f} %)" for q, p, _ in hardest))
    if waiting:
        alt.append("not drawn, awaiting hand grading: " + ", ".join(q for q, _, _ in waiting))
    image = image_html(fig, "; ".join(alt) + ".")
    cells = {q: (f"{100 * p:.0f} %", n) for q, p, n in rates}
    cells.update({q: (f"awaiting hand grading ({k} of {n})", n) for q, k, n in waiting})
    table = "".join(f"<tr><td>{html.escape(q)}</td><td>{cells[q][0]}</td><td>{cells[q][1]}</td></tr>"
                    for q in sorted(cells))
    notes_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    by_kind = "".join(
        f"<tr><td>{kind}</td><td>{got:g} of {top:g}</td><td>{f'{100 * got / top:.0f} %' if top else '—'}</td>"
        f"<td>{waiting}</td></tr>" for kind, got, top, waiting in points_by_kind(rows, kinds or {}))
    page = ("<!doctype html><html lang='en'><meta charset='utf-8'><title>Class report</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}td,th{border:1px solid #ccc;"
            "padding:.3em}table{border-collapse:collapse}img{max-width:100%}</style>"
            f"<h1>Class report</h1><p>{len(totals)} students.</p>"
            f"{image}"
            "<h2>Points by kind</h2><p>Judgement and mechanics are autograded; written answers are graded by hand "
            "(docs/rubrics.md).</p><table><tr><th>kind</th><th>class points</th><th>share</th>"
            f"<th>answers awaiting hand grading</th></tr>{by_kind}</table>"
            "<h2>Each question</h2><table><tr><th>question</th><th>full points</th><th>submissions</th></tr>"
            f"{table}</table>" + (f"<h2>Notes</h2><ul>{notes_html}</ul>" if notes else "") + "</html>")
    _write_atomic(out / "report.html", page)


def merge_written(out: Path) -> dict:
    """Rebuild the gradebook, summary, feedback and report with the points filled in written_answers.csv."""
    out = results_folder(out)
    return write_outputs(out, load_exercises())
