"""The student hand-out: one zip with the lessons, the exercises, the data and the package, and no solutions.

    python3 course.py handout            -> dist/between-two-powers-student.zip

It holds what a learner needs to run ``python3 course.py start``: course.py, the requirement files,
environment.yml, pyproject.toml, src/ (the package a notebook imports, without the instructor's side in
``twopowers/teach/``), data/, notebooks/, exercises/, jupyter-settings/ (the course's JupyterLab defaults),
the licence and citation, and a student README. It leaves out solutions/, tests/, bench/, tools/ and CI files. Before it writes the zip it checks that no line of any solution block or hidden
test is inside; if one is, it stops and says where.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..data import course_root
from ..errors import CourseError

NAME = "between-two-powers-student"
INCLUDE_FILES = ["course.py", "requirements.txt", "requirements.in", "environment.yml", "pyproject.toml",
                 "LICENSE", "CITATION.cff"]
INCLUDE_DIRS = ["src", "data", "notebooks", "exercises", "jupyter-settings"]
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}
INSTRUCTOR_ONLY = Path("src") / "twopowers" / "teach"  # grading, reports: not for learners

STUDENT_README = """# Between Two Powers: student copy

A short course on one news story: in January 2020, after a U.S. drone strike killed the Iranian
commander Qassem Soleimani in Baghdad, Iraq's parliament voted to ask foreign troops to leave. You learn
its context, the people and groups involved, and their arguments, with real data and Python.

## Start

You need Python 3.11 or newer. In a terminal, in this folder, run:

    python3 course.py start

(On Windows: `py course.py start`.) The first time, it installs what the course needs (a few minutes).
Then JupyterLab opens in your browser on *Start here* (`notebooks/00_start_here.ipynb`), with this whole
folder in its file browser on the left. The terminal also shows the address that opens the course, in a
line that begins `[course] Open the course at: http://127.0.0.1:`. If no browser opens, copy that whole
address into your browser. Work through the lessons in order.

To stop JupyterLab, press Ctrl+C twice in the terminal window.

If your teacher gave you the address of the class's hub, a username and a password, you need none of this:
log in there, and the course opens on *Start here*, in a folder `between-two-powers` of your own.

## What is here

- `notebooks/`: the lessons, with quizzes that tell you at once how you did. Your answers are saved as
  you go; `show_progress()` shows how far you are.
- `exercises/`: one exercise per lesson. To open one, double-click `exercises` in the file browser, then
  the exercise's folder, then its notebook. Fill in each `...`, run the cell, then run the check under it.
  Hand in the exercise notebooks as your teacher asks.
- `data/`: the facts the course uses, each with its sources (see `data/README.md`).
- `jupyter-settings/`: the course's JupyterLab defaults (no pop-up asking about Jupyter news). You can still
  change any setting in JupyterLab's Settings menu.

To hand in your quiz progress, run `export_progress("Your Name")` in any lesson: it writes one file.

## The article

Khalid Al-Ansary and Marc Champion, "Sweet Revenge for Iran Would Be to Push U.S. Out of Iraq",
Bloomberg News, January 2020. The article is not included (it belongs to Bloomberg); your school or public
library may give you access. You can follow every lesson without it.

Licence: see LICENSE (code MIT; course text and data CC BY 4.0).
"""


def all_secret_lines(exercises: dict | None = None) -> dict[str, str]:
    """Every line of a solution block or hidden test that no learner sees anyway, with its exercise."""
    from .exercise import load_exercises

    exercises = exercises if exercises is not None else load_exercises()
    return {line: exercise.name for exercise in exercises.values() for line in exercise.secret_lines}


def handout_files(root: Path | None = None) -> list[Path]:
    root = root or course_root()
    files = [root / name for name in INCLUDE_FILES if (root / name).exists()]
    for folder in INCLUDE_DIRS:
        files += [p for p in sorted((root / folder).rglob("*"))
                  if p.is_file() and not SKIP_PARTS & set(p.parts) and p.suffix not in (".pyc",)
                  and ".egg-info" not in str(p) and INSTRUCTOR_ONLY not in p.relative_to(root).parents]
    return files


def readable_text(path: Path) -> str:
    """A file's text as a reader sees it (a notebook's cell sources unescaped, then its raw JSON)."""
    import json

    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        cells = json.loads(text).get("cells", [])
        text = "\n".join("".join(c.get("source", "")) for c in cells) + "\n" + text
    return text


def leaks(contents: dict[str, str], secrets: dict[str, str]) -> list[str]:
    found = []
    for name, text in contents.items():
        for line, exercise in secrets.items():
            if line in text:
                found.append(f"{name} contains a solution or hidden-test line of {exercise}: {line[:60]!r}")
    return found


def checked_contents(root: Path | None = None) -> list[tuple[str, Path | str]]:
    """What the hand-out holds, as (path inside it, file or text), the student README first; refuses, saying
    where, if any solution or hidden-test line would go in."""
    root = root or course_root()
    files = handout_files(root)
    texts = {}
    for path in files:
        try:
            texts[str(path.relative_to(root))] = readable_text(path)
        except (UnicodeDecodeError, ValueError):
            continue
    problems = leaks({**texts, "README.md": STUDENT_README}, all_secret_lines())
    if problems:
        raise CourseError("The hand-out was not written:\n" + "\n".join(problems))
    return [("README.md", STUDENT_README)] + [(path.relative_to(root).as_posix(), path) for path in files]


def build(out_dir: Path | None = None) -> Path:
    """Write the student zip and return its path; refuse if any solution text would go in."""
    root = course_root()
    out_dir = Path(out_dir or root / "dist")
    contents = checked_contents(root)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{NAME}.zip"
    temp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, source in contents:
            if isinstance(source, str):
                archive.writestr(f"{NAME}/{name}", source)
            else:
                archive.write(source, f"{NAME}/{name}")
    temp.replace(target)
    return target
