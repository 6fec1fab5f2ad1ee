"""The Exercise model: everything the course knows about one exercise, read once from its solution notebook.

Layout (as nbgrader's source -> release): ``solutions/<assignment>/<assignment>.ipynb`` ->
``exercises/<assignment>/<assignment>.ipynb``. Cells carry nbgrader's metadata
(``nbgrader: {grade_id, points, solution, grade, locked, schema_version}``) and markers:

* ``### BEGIN SOLUTION`` / ``### END SOLUTION`` in an answer cell: the learner's copy keeps each answer
  variable assigned there as a stub ``name = ...`` (so Run-All goes through without a traceback);
  in a markdown answer the block becomes a prompt to write.
* ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` in a test cell: removed from the learner's copy.

``load_exercises()`` builds one ``Exercise`` per solution notebook, once: its questions, the test functions
(public and hidden) compiled once, the answer names, the secret lines, prompts and rubrics, and the tables its
tests read from data/, read into memory before any submission runs. Generation (``release.py``), the hand-out,
the rubrics, grading and feedback all read this model.
"""
from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data import course_root
from ..errors import CourseError

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
WRITE_HERE = "*Write your answer here.*"
TEST_FUNCTION = re.compile(r"^def (tests_\w+)\(", re.M)
CHECK_CALL = re.compile(r"""^check\(\s*["']([\w.-]+)["']\s*,\s*(tests_\w+)\s*\)""", re.M)
TABLE_CALL = re.compile(r"""\btable\(\s*["'](\w+)["']\s*\)""")


def solutions_dir() -> Path:
    return course_root() / "solutions"


def exercises_dir() -> Path:
    return course_root() / "exercises"


def solution_notebooks() -> list[Path]:
    return sorted(p for p in solutions_dir().glob("*/*.ipynb") if p.parent.name == p.stem)


def exercise_path(solution: Path) -> Path:
    return exercises_dir() / solution.parent.name / solution.name


# ----- what a solution notebook declares -------------------------------------------------------
SKILLS = ("judgement", "mechanics")  # what an autograded question practises (cell metadata course.kind)
RUBRIC_HEADING = re.compile(r"^\*\*Rubric(?:: (?P<name>.+?))? \((?P<points>\d+) points?\)\.\*\*\s*$")
RUBRIC_LEVEL = re.compile(r"^- \*\*(?P<points>\d+):\*\* (?P<text>.+)$")
RUBRIC_ANCHOR = re.compile(r"^\s+\*Anchor:\*\s*(?P<text>.+)$")
ANCHOR_PAPER = re.compile(r"^\*\*Anchor paper (?P<name>\w+)\*\*.*\((?P<scores>[^)]*\d[^)]*)\)\s*\.?\s*$")


@dataclass
class Level:
    """One level of a rubric: its points, what an answer at that level does, and an anchor answer."""
    points: int
    description: str
    anchor: str = ""


@dataclass
class Criterion:
    """One criterion of a levelled rubric (a written question's rubric has one, an analytic rubric several)."""
    name: str  # "" for a question's single rubric
    points: int
    levels: list[Level] = field(default_factory=list)

    @property
    def key(self) -> str:
        return slug_of(self.name)


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class GradedQuestion:
    """One graded cell: an autograded test cell, or a written answer graded by hand."""
    grade_id: str
    points: float
    kind: str  # "auto" or "written"
    answers: list[str] = field(default_factory=list)  # answer variables (autograded)
    tests_source: str = ""  # the test cell's source, hidden tests included
    prompt: str = ""  # the question text (the markdown cell before a written answer)
    rubric: str = ""  # for written answers: what the instructor looks for (from the solution)
    skill: str = ""  # "judgement" or "mechanics" (autograded), "written"
    checks_only: str = ""  # what the learner's checks establish (the test function's docstring)
    hidden: bool = False  # the teacher's grading checks more than the learner's checks
    criteria: list[Criterion] = field(default_factory=list)  # the levelled rubric (written answers)
    anchor_papers: dict[str, dict[str, int]] = field(default_factory=dict)  # paper -> criterion key -> points

    @property
    def heading_points(self) -> str:
        return f"{self.points:g} point" + ("" if self.points == 1 else "s")


def nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def questions(nb) -> list[GradedQuestion]:
    """The graded questions of a solution notebook, in order."""
    found, previous_markdown = [], ""
    for cell in nb.cells:
        meta = nbgrader(cell)
        if cell.cell_type == "markdown" and not meta.get("solution"):
            previous_markdown = cell.source
        if not meta.get("grade"):
            continue
        grade_id, points = meta["grade_id"], float(meta.get("points", 0))
        if cell.cell_type == "markdown":
            rubric = _between(cell.source, BEGIN_SOLUTION, END_SOLUTION)
            criteria, papers = levelled_rubric(previous_markdown + "\n" + rubric)
            found.append(GradedQuestion(grade_id, points, "written", prompt=previous_markdown, rubric=rubric,
                                        skill="written", criteria=criteria, anchor_papers=papers))
            continue
        call = CHECK_CALL.search(cell.source)
        if not call or call.group(1) != grade_id:
            raise CourseError(f"Test cell {grade_id!r} must end with check({grade_id!r}, tests_...).")
        tree = ast.parse(strip_markers(cell.source))
        function = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == call.group(2)), None)
        if function is None:
            raise CourseError(f"Test cell {grade_id!r} calls {call.group(2)} but does not define it.")
        found.append(GradedQuestion(grade_id, points, "auto", answers=[a.arg for a in function.args.args],
                                    tests_source=cell.source, skill=cell.get("metadata", {}).get("course", {})
                                    .get("kind", ""), checks_only=" ".join((ast.get_docstring(function) or "").split()),
                                    hidden=BEGIN_HIDDEN in cell.source))
    return found


def levelled_rubric(text: str) -> tuple[list[Criterion], dict[str, dict[str, int]]]:
    """The criteria and levels of a rubric written as::

        **Rubric (3 points).**            (or **Rubric: Use of evidence (3 points).** for each criterion)

        - **3:** what an answer at this level does
          *Anchor:* "an answer at this level"
        - **2:** ...

    and the anchor papers of an analytic rubric: ``**Anchor paper A** (claim 3, use of evidence 2, ...)``."""
    criteria, papers, level = [], {}, None
    for line in text.splitlines():
        if heading := RUBRIC_HEADING.match(line.strip()):
            criteria.append(Criterion(heading["name"] or "", int(heading["points"])))
            level = None
        elif criteria and (found := RUBRIC_LEVEL.match(line.strip())):
            level = Level(int(found["points"]), found["text"].strip())
            criteria[-1].levels.append(level)
        elif level is not None and (anchor := RUBRIC_ANCHOR.match(line)):
            level.anchor = anchor["text"].strip()
        elif level is not None and line[:1].isspace() and line.strip():  # a wrapped line of the level
            if level.anchor:
                level.anchor += " " + line.strip()
            else:
                level.description += " " + line.strip()
        elif paper := ANCHOR_PAPER.match(line.strip()):
            scores = {}
            for part in paper["scores"].split(","):
                name, _, value = part.strip().rpartition(" ")
                if value.isdigit():
                    scores[slug_of(name)] = int(value)
            papers[paper["name"]] = scores
        elif not line.strip().startswith(("- ", "*")) and line.strip():
            level = None
    return criteria, papers


def _between(source: str, begin: str, end: str) -> str:
    lines = source.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == begin)
        stop = next(i for i, line in enumerate(lines) if line.strip() == end and i > start)
    except StopIteration:
        return ""
    return "\n".join(lines[start + 1:stop]).strip()


def secret_lines(nb, public_text: str = "") -> set[str]:
    """The lines a learner must not see: those inside solution and hidden-test blocks that the notebook does
    not show anyway (in a question's text, say, as scaffolding) and that are not in ``public_text``."""
    secret, shown = set(), [public_text]
    for cell in nb.cells:
        # code lines from 13 characters; in a written model answer, only lines long enough not to be
        # ordinary words a lesson might also use
        shortest = 13 if cell.cell_type == "code" else 40
        for begin, end in ((BEGIN_SOLUTION, END_SOLUTION), (BEGIN_HIDDEN, END_HIDDEN)):
            secret |= {line.strip() for line in _between(cell.source, begin, end).splitlines()
                       if len(line.strip()) >= shortest}
        public = remove_block(cell.source, BEGIN_SOLUTION, END_SOLUTION, lambda block, indent: [])
        shown.append(remove_block(public, BEGIN_HIDDEN, END_HIDDEN, lambda block, indent: []))
    everything_shown = "\n".join(shown)
    return {line for line in secret if line not in everything_shown}


def strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN))


def remove_block(source: str, begin: str, end: str, replace) -> str:
    """Replace every begin..end block (markers included) by replace(block_lines, indent)."""
    lines, out, i = source.splitlines(), [], 0
    while i < len(lines):
        if lines[i].strip() == begin:
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            stop = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == end), None)
            if stop is None:
                raise CourseError(f"{begin!r} has no matching {end!r}.")
            out += replace(lines[i + 1:stop], indent)
            i = stop + 1
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def stated_minutes(nb) -> str:
    from .lessons import minutes_in

    found = minutes_in(nb.cells[0].source) if nb.cells else None
    return str(found) if found else "?"


# ----- the model ------------------------------------------------------------------------------------
@dataclass
class Exercise:
    """One exercise, as its solution notebook declares it (see ``load_exercises``)."""
    name: str
    path: Path  # the solution notebook
    notebook: Any  # its nbformat notebook
    questions: list[GradedQuestion]
    secret_lines: frozenset[str]  # lines no learner may see (solutions, hidden tests)
    tables: dict[str, Any] = field(default_factory=dict, repr=False)  # what the tests read from data/
    compiled: dict[tuple[str, bool], Any] = field(default_factory=dict, repr=False)

    @property
    def auto(self) -> list[GradedQuestion]:
        return [q for q in self.questions if q.kind == "auto"]

    @property
    def written(self) -> list[GradedQuestion]:
        return [q for q in self.questions if q.kind == "written"]

    @property
    def answer_names(self) -> list[str]:
        """Every variable an autograded question reads, sorted."""
        return sorted({n for q in self.auto for n in q.answers})

    def points(self, kind: str | None = None) -> float:
        """Points of all questions, or of one kind ("auto", "written") or skill ("judgement", "mechanics")."""
        return sum(q.points for q in self.questions if kind in (None, q.kind, q.skill))

    @property
    def minutes(self) -> str:
        return stated_minutes(self.notebook)

    def tests(self, question: GradedQuestion, hidden: bool = True):
        """The question's test function (``hidden=False``: only the checks a learner sees), compiled once."""
        return self.compiled[(question.grade_id, hidden)]


def load_exercises(names: list[str] | None = None) -> dict[str, Exercise]:
    """Every exercise in solutions/ (or those named), built once: read, parsed, tests compiled, and the
    tables they read loaded into memory. Call it before any submission runs and keep the result."""
    import nbformat

    public = _lesson_text()
    found = {}
    for path in solution_notebooks():
        if names is not None and path.parent.name not in names:
            continue
        nb = nbformat.read(path, as_version=4)
        exercise = Exercise(path.parent.name, path, nb, questions(nb), frozenset(secret_lines(nb, public)))
        _compile(exercise)
        found[exercise.name] = exercise
    return found


def _lesson_text() -> str:
    """The lessons' text: a line they show is no secret even when a solution also has it."""
    from ..data import notebooks_dir
    from .handout import readable_text

    return "\n".join(readable_text(p) for p in sorted(notebooks_dir().glob("*.ipynb")))


def _compile(exercise: Exercise) -> None:
    """Compile every autograded question's tests (public and full) and read the tables they use, once."""
    import pandas as pd

    from ..data import table

    names = {n for q in exercise.auto for n in TABLE_CALL.findall(q.tests_source)}
    exercise.tables = {n: table(n) for n in sorted(names)}

    def frozen_table(name: str):
        if name not in exercise.tables:
            raise CourseError(f"the tests of {exercise.name} read the table {name!r}, which was not read before "
                              "grading began (write table(\"name\") with the name in quotes)")
        return exercise.tables[name].copy()

    for q in exercise.auto:
        for hidden in (True, False):
            source = q.tests_source if hidden else remove_block(q.tests_source, BEGIN_HIDDEN, END_HIDDEN,
                                                                 lambda block, indent: [])
            source = "\n".join(line for line in strip_markers(source).splitlines() if not line.startswith("check("))
            namespace: dict[str, Any] = {"pd": pd, "table": frozen_table, "math": math}
            exec(compile(source, f"<tests {exercise.name} {q.grade_id}>", "exec"), namespace)  # our solutions/
            exercise.compiled[(q.grade_id, hidden)] = next(v for k, v in namespace.items()
                                                            if k.startswith("tests_") and callable(v))
