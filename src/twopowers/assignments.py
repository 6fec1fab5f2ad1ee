"""Exercise notebooks from one source: solutions/ holds them, exercises/ is generated from it.

Layout (as nbgrader's source -> release): ``solutions/<assignment>/<assignment>.ipynb`` ->
``exercises/<assignment>/<assignment>.ipynb``. Cells carry nbgrader's metadata
(``nbgrader: {grade_id, points, solution, grade, locked, schema_version}``) and markers:

* ``### BEGIN SOLUTION`` / ``### END SOLUTION`` in an answer cell: the learner's copy keeps each answer
  variable assigned there as a stub ``name = ...`` (so Run-All goes through without a traceback);
  in a markdown answer the block becomes a prompt to write.
* ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` in a test cell: removed from the learner's copy.

The learner's copy has no outputs and no editor noise. ``python3 course.py exercises`` writes it;
a test regenerates it in memory and fails, naming that command, when exercises/ has drifted.
"""
from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from .data import course_root
from .errors import CourseError

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
WRITE_HERE = "*Write your answer here.*"
TEST_FUNCTION = re.compile(r"^def (tests_\w+)\(", re.M)
CHECK_CALL = re.compile(r"""^check\(\s*["']([\w.-]+)["']\s*,\s*(tests_\w+)\s*\)""", re.M)


def solutions_dir() -> Path:
    return course_root() / "solutions"


def exercises_dir() -> Path:
    return course_root() / "exercises"


def solution_notebooks() -> list[Path]:
    return sorted(p for p in solutions_dir().glob("*/*.ipynb") if p.parent.name == p.stem)


def exercise_path(solution: Path) -> Path:
    return exercises_dir() / solution.parent.name / solution.name


# ----- what a solution notebook declares -------------------------------------------------------
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
            found.append(GradedQuestion(grade_id, points, "written", prompt=previous_markdown,
                                  rubric=_between(cell.source, BEGIN_SOLUTION, END_SOLUTION)))
            continue
        call = CHECK_CALL.search(cell.source)
        if not call or call.group(1) != grade_id:
            raise CourseError(f"Test cell {grade_id!r} must end with check({grade_id!r}, tests_...).")
        tree = ast.parse(strip_markers(cell.source))
        function = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == call.group(2)), None)
        if function is None:
            raise CourseError(f"Test cell {grade_id!r} calls {call.group(2)} but does not define it.")
        found.append(GradedQuestion(grade_id, points, "auto", answers=[a.arg for a in function.args.args],
                              tests_source=cell.source))
    return found


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


# ----- the learner's copy -------------------------------------------------------------------------
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


def _stubs(block: list[str], indent: str) -> list[str]:
    """`name = ...` for each variable the solution block assigns at its top level."""
    code = "\n".join(line[len(indent):] if line.startswith(indent) else line for line in block)
    names = []
    for node in ast.parse(code).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for target in targets:
            for name in (t.id for t in ast.walk(target) if isinstance(t, ast.Name)):
                if name not in names:
                    names.append(name)
    if not names:
        return [f"{indent}# Your code here."]
    return [f"{indent}{name} = ...  # your answer here" for name in names]


def student_version(solution_nb):
    """The learner's copy of a solution notebook: stubs for solutions, no hidden tests, no outputs."""
    from .notebooks import clean

    nb = copy.deepcopy(solution_nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = remove_block(cell.source, BEGIN_SOLUTION, END_SOLUTION,
                                        lambda block, indent: [WRITE_HERE])
        elif cell.cell_type == "code":
            cell.source = remove_block(cell.source, BEGIN_SOLUTION, END_SOLUTION, _stubs)
            cell.source = remove_block(cell.source, BEGIN_HIDDEN, END_HIDDEN, lambda block, indent: [])
            cell.outputs, cell.execution_count = [], None
    clean(nb)
    return nb


def render(nb) -> str:
    import nbformat

    return nbformat.writes(nb) + "\n"


def rubrics_path() -> Path:
    return course_root() / "docs" / "rubrics.md"


def stated_minutes(nb) -> str:
    from .lessons import minutes_in

    found = minutes_in(nb.cells[0].source) if nb.cells else None
    return str(found) if found else "?"


def rubrics_markdown() -> str:
    """docs/rubrics.md: every exercise's questions and points, and the written answers' model answers and
    rubrics, taken from solutions/ (generated; never edit by hand)."""
    import nbformat

    lines = ["# Exercises: questions, points and rubrics", "",
             "Generated from `solutions/` by `python3 course.py exercises`; edit the solution notebooks, not this",
             "file. For instructors only: it holds model answers.", ""]
    for path in solution_notebooks():
        nb = nbformat.read(path, as_version=4)
        graded = questions(nb)
        auto = sum(q.points for q in graded if q.kind == "auto")
        written = sum(q.points for q in graded if q.kind == "written")
        lines += [f"## {path.parent.name}", "",
                  f"About {stated_minutes(nb)} minutes; {auto + written:g} points ({auto:g} autograded, {written:g} "
                  "graded by the instructor).", "", "| question | kind | points | answer variables |",
                  "|---|---|---|---|"]
        lines += [f"| {q.grade_id} | {'autograded' if q.kind == 'auto' else 'written'} | {q.points:g} | "
                  f"{', '.join(f'`{a}`' for a in q.answers) or '—'} |" for q in graded]
        for q in (q for q in graded if q.kind == "written"):
            prompt = re.sub(r"^#+ .*\n+", "", q.prompt.strip())
            lines += ["", f"### {q.grade_id} ({q.points:g} points)", "", "**Question.** " + prompt, "",
                      "**Model answer and rubric.**", "", q.rubric]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def generate(write: bool = True) -> list[Path]:
    """Write exercises/ and docs/rubrics.md from solutions/; returns the files that changed (or would)."""
    import nbformat

    outputs = {exercise_path(s): render(student_version(nbformat.read(s, as_version=4)))
               for s in solution_notebooks()}
    outputs[rubrics_path()] = rubrics_markdown()
    changed = []
    for target, text in outputs.items():
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(target)
            if write:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return changed
