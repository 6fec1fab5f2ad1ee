"""Grade a whole class in one command, in parallel, and write the gradebook, feedback and a class report.

    python3 course.py grade SUBMISSIONS [--out grading-results] [--workers N] [--cell-timeout 10]
    python3 course.py grade --merge-written grading-results     (after filling in written_answers.csv)

SUBMISSIONS is a folder (or a .zip of one) laid out as ``<student>/<exercise>.ipynb`` or
``<student>_<exercise>.ipynb``; exercise names come from solutions/, so a student id may contain ``_``.

Written to the results folder:
  gradebook.csv         one row per student and question: points, max_points, status, message
  summary.csv           one row per student: points per exercise and the total
  feedback/<id>.html    for each student: their answers, points and the public checks' messages
  report.html           the class: a histogram of totals and each question's pass rate
  written_answers.csv   the answers graded by hand: fill in `points` (and `comment`), then --merge-written
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
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from .assignments import solution_notebooks, solutions_dir
from .errors import CourseError
from .grading import CELL_TIMEOUT, Question, Row, answer_names, load_values, questions, run_and_export, score_run
from .sandbox import MEMORY_MB, child_environment, detect, fingerprint, wrapper

NOTEBOOK_LIMIT = 180  # seconds for a whole notebook
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_ZIP_BYTES = 1024 * 1024 * 1024
WRITTEN_FIELDS = ["student", "exercise", "question", "max_points", "points", "comment", "prompt", "answer"]


@dataclass
class Submission:
    student: str
    exercise: str
    path: Path

    @property
    def key(self) -> str:
        return f"{slug(self.student)}__{self.exercise}"


def slug(name: str) -> str:
    """A file-name-safe id for a student (any script kept readable), unique by a short hash."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")[:40] or "student"
    return f"{safe}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"


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


def written_answers(nb, written: list[Question]) -> dict[str, str]:
    answers = {}
    for q in written:
        cell = next((c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == q.grade_id),
                    None)
        answers[q.grade_id] = cell.source.strip() if cell is not None else "(no answer cell found)"
    return answers


def grade_one(sub: Submission, plan: dict, options: dict) -> dict:
    """Run one submission in the sandbox and score it; always returns a result, never raises."""
    import nbformat

    auto, written, secrets = plan["auto"], plan["written"], plan["secrets"]
    started = time.monotonic()
    result = {"student": sub.student, "exercise": sub.exercise, "file": str(sub.path.name), "answers": {},
              "written": {}, "run": {}}
    workdir = Path(tempfile.mkdtemp(prefix="twopowers-grade-"))
    try:
        try:
            nb = read_submission(sub.path)
        except CourseError as err:
            result["run"] = {"state": "unreadable", "why": str(err)}
            rows = score_run(auto, workdir, result["run"], sub.student, sub.exercise)
        else:
            result["written"] = written_answers(nb, written)
            notebook = workdir / "submission.ipynb"
            nbformat.write(nb, notebook)
            prefix = wrapper(workdir, [options["out"], solutions_dir()], options["sandbox"], options["memory_mb"])
            env = child_environment(workdir)
            env["MPLCONFIGDIR"] = _matplotlib_cache()
            _, result["run"] = run_and_export(notebook, answer_names(auto), workdir, options["cell_timeout"],
                                              wrapper=prefix, env=env, limit=options["notebook_limit"])
            rows = score_run(auto, workdir, result["run"], sub.student, sub.exercise)
            if result["run"].get("state") == "ok":
                values, _ = load_values(workdir)
                result["answers"] = {n: shown_value(values.get(n, Ellipsis), secrets) for n in answer_names(auto)}
        result["rows"] = [asdict(r) for r in rows]
    except Exception as err:  # noqa: BLE001 - one broken submission never stops the class
        result["run"] = {"state": "error", "why": f"{type(err).__name__}: {str(err)[:200]}"}
        result["rows"] = [asdict(Row(sub.student, sub.exercise, q.grade_id, 0.0, q.points, "error",
                                     "The grader could not grade this submission; ask your teacher."))
                          for q in auto]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if options["sandbox"].kind != "bubblewrap" and fingerprint(solutions_dir()) != options["solutions_hash"]:
        result["run"]["tampered"] = True
        for row in result["rows"]:
            row.update(points=0.0, status="tampered",
                       message="solutions/ changed while this submission ran; it was not graded.")
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _matplotlib_cache() -> str:
    import matplotlib

    return matplotlib.get_configdir()


def shown_value(value, secrets: list[str]) -> str:
    """An answer as the feedback shows it: short, and never with text from the solutions."""
    if value is Ellipsis:
        return "(no answer)"
    text = value.head(10).to_string() if hasattr(value, "head") else repr(value)
    if any(secret in text for secret in secrets):
        return "(hidden: this answer contains text from the solutions)"
    return text if len(text) <= 600 else text[:600] + " …"


# ----- the whole class ---------------------------------------------------------------------------------
def plans_for(solutions: dict[str, Path]) -> dict[str, dict]:
    """Per exercise: its autograded and written questions, and the solution lines feedback must never show."""
    import nbformat

    from .handout import secret_lines

    secrets = secret_lines()
    plans = {}
    for name, path in solutions.items():
        graded = questions(nbformat.read(path, as_version=4))
        plans[name] = {"auto": [q for q in graded if q.kind == "auto"],
                       "written": [q for q in graded if q.kind == "written"],
                       "secrets": [line for line, exercise in secrets.items() if exercise == name]}
    return plans


def grade_class(submissions: Path, out: Path, workers: int | None = None, cell_timeout: int = CELL_TIMEOUT,
                notebook_limit: int = NOTEBOOK_LIMIT, memory_mb: int = MEMORY_MB, quiet: bool = False) -> dict:
    """Grade every submission (resuming an interrupted run) and write all the outputs."""
    sandbox = detect()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    say(sandbox.describe())
    solutions = {p.parent.name: p for p in solution_notebooks()}
    if not solutions:
        raise CourseError("solutions/ holds no exercise notebook to grade against.")
    out = Path(out).resolve()
    (out / "results").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="twopowers-unzip-") as unzipped:
        root = Path(submissions)
        if root.is_file() and zipfile.is_zipfile(root):
            root = unpack(root, Path(unzipped))
        elif not root.is_dir():
            raise CourseError(f"{submissions} is neither a folder nor a zip of submissions.")
        found, skipped = discover(root, list(solutions))
        plans = plans_for(solutions)
        solutions_hash = fingerprint(solutions_dir())
        todo = [s for s in found if not _done(out, s)]
        say(f"{len(found)} submission(s) from {len({s.student for s in found})} student(s); "
            f"{len(found) - len(todo)} already graded; {len(skipped)} file(s) skipped.")
        options = {"sandbox": sandbox, "cell_timeout": cell_timeout, "notebook_limit": notebook_limit,
                   "memory_mb": memory_mb, "out": out, "solutions_hash": solutions_hash}
        workers = workers or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(grade_one, s, plans[s.exercise], options): s for s in todo}
            for done, future in enumerate(as_completed(futures), 1):
                sub = futures[future]
                _write_atomic(out / "results" / f"{sub.key}.json", json.dumps(future.result(), ensure_ascii=False))
                if not quiet:
                    progress(done, len(todo))
        if todo and not quiet and sys.stderr.isatty():
            print(file=sys.stderr)
    summary = write_outputs(out, plans, skipped)
    say(f"Wrote {out / 'gradebook.csv'}, summary.csv, report.html, written_answers.csv and "
        f"{summary['students']} feedback page(s) in {out / 'feedback'}.")
    return {**summary, "sandbox": sandbox.kind, "skipped": skipped}


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
        return bool(json.loads(path.read_text(encoding="utf-8")).get("rows") is not None)
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
    when the sheet is written again), and a message for each value that is not usable."""
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
            try:
                points, top = float(text.replace(",", ".")), float(row.get("max_points") or 0)
                if not 0 <= points <= top:
                    raise ValueError
            except ValueError:
                problems.append(f"written_answers.csv line {number}: points {text!r} must be a number from 0 to "
                                f"{row.get('max_points')}; left ungraded (what you typed is kept).")
                continue
            marks[key] = {"points": points, "comment": comment}
    return marks, typed, problems


def write_outputs(out: Path, plans: dict, skipped: list[str] | None = None) -> dict:
    """Gradebook, summary, feedback, report and the written-answers sheet, from the saved results."""
    results = load_results(out)
    marks, typed, problems = read_written(out)
    rows = [row for result in results for row in result.get("rows", [])]
    sheet = []
    for result in results:
        plan = plans.get(result["exercise"], {"written": []})
        for q in plan["written"]:
            key = (result["student"], result["exercise"], q.grade_id)
            mark = marks.get(key)
            rows.append({"student": key[0], "exercise": key[1], "question": q.grade_id,
                         "points": mark["points"] if mark else 0.0, "max_points": q.points,
                         "status": "graded by hand" if mark else "awaiting hand grading",
                         "message": (mark or {}).get("comment", "")})
            sheet.append({"student": key[0], "exercise": key[1], "question": q.grade_id, "max_points": q.points,
                          "points": typed.get(key, {}).get("points", ""),
                          "comment": typed.get(key, {}).get("comment", ""), "prompt": q.prompt.strip(),
                          "answer": result.get("written", {}).get(q.grade_id, "(not run: see gradebook)")})
    fields = ["student", "exercise", "question", "points", "max_points", "status", "message"]
    _write_csv(out / "gradebook.csv", fields, sorted(rows, key=lambda r: (r["student"], r["exercise"], r["question"])))
    _write_csv(out / "written_answers.csv", WRITTEN_FIELDS, sheet)
    exercises = sorted({r["exercise"] for r in rows})
    totals = {}
    for r in rows:
        student = totals.setdefault(r["student"], {e: 0.0 for e in exercises})
        student[r["exercise"]] += float(r["points"])
    _write_csv(out / "summary.csv", ["student", *exercises, "total"],
               [{"student": s, **t, "total": sum(t.values())} for s, t in sorted(totals.items())])
    write_feedback(out, results, rows)
    write_report(out, rows, totals, problems + (skipped or []))
    for problem in problems:
        print(problem, file=sys.stderr)
    return {"students": len(totals), "submissions": len(results), "rows": len(rows), "problems": problems}


def _write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _write_atomic(path, buffer.getvalue())


def write_feedback(out: Path, results: list[dict], rows: list[dict]) -> None:
    folder = out / "feedback"
    folder.mkdir(exist_ok=True)
    by_student: dict[str, list[dict]] = {}
    for result in results:
        by_student.setdefault(result["student"], []).append(result)
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
        _write_atomic(folder / f"{slug(student)}.html", page)


def write_report(out: Path, rows: list[dict], totals: dict, notes: list[str]) -> None:
    from matplotlib.figure import Figure

    from .charts import image_html

    questions_seen = sorted({(r["exercise"], r["question"]) for r in rows})
    rates = []
    for exercise, question in questions_seen:
        these = [r for r in rows if r["exercise"] == exercise and r["question"] == question]
        full = sum(1 for r in these if float(r["points"]) >= float(r["max_points"]) > 0)
        rates.append((f"{exercise} {question}", full / len(these) if these else 0.0, len(these)))
    fig = Figure(figsize=(9, 3.5 + 0.25 * len(rates)))
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1, max(1, len(rates) / 6)]})
    top.hist([t["total"] if "total" in t else sum(t.values()) for t in totals.values()] or [0], bins=10,
             color="#0072B2")
    top.set_title("Total points per student")
    top.set_xlabel("total points")
    top.set_ylabel("students")
    bottom.barh([r[0] for r in rates], [100 * r[1] for r in rates], color="#E69F00")
    bottom.invert_yaxis()
    bottom.set_xlim(0, 100)
    bottom.set_title("Share of students with full points, per question")
    bottom.set_xlabel("% of students")
    bottom.set_ylabel("question")
    fig.tight_layout()
    hardest = sorted(rates, key=lambda r: r[1])[:3]
    alt = (f"Histogram of {len(totals)} students' totals, and bars of each question's pass rate; lowest: "
           + ", ".join(f"{q} ({100 * p:.0f} %)" for q, p, _ in hardest) + ".")
    image = image_html(fig, alt)
    table = "".join(f"<tr><td>{html.escape(q)}</td><td>{100 * p:.0f} %</td><td>{n}</td></tr>" for q, p, n in rates)
    notes_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    page = ("<!doctype html><html lang='en'><meta charset='utf-8'><title>Class report</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}td,th{border:1px solid #ccc;"
            "padding:.3em}table{border-collapse:collapse}img{max-width:100%}</style>"
            f"<h1>Class report</h1><p>{len(totals)} students.</p>"
            f"{image}"
            "<h2>Each question</h2><table><tr><th>question</th><th>full points</th><th>submissions</th></tr>"
            f"{table}</table>" + (f"<h2>Notes</h2><ul>{notes_html}</ul>" if notes else "") + "</html>")
    _write_atomic(out / "report.html", page)


def merge_written(out: Path) -> dict:
    """Rebuild the gradebook, summary, feedback and report with the points filled in written_answers.csv."""
    out = Path(out)
    if not (out / "results").is_dir():
        raise CourseError(f"{out} holds no grading results: run the grade command first.")
    plans = plans_for({p.parent.name: p for p in solution_notebooks()})
    return write_outputs(out, plans)
