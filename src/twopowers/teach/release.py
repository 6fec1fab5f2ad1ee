"""The learners' copies: exercises/ and docs/rubrics.md, generated from the Exercise model (solutions/).

``python3 course.py exercises`` writes them; a test regenerates them in memory and fails, naming that command,
when exercises/ or the rubrics have drifted. The learner's copy keeps each answer variable of a solution block
as a stub ``name = ...`` (so Run-All goes through without a traceback), turns a written model answer into a
prompt to write, drops hidden tests, outputs and editor noise.
"""
from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

from ..data import course_root
from .exercise import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, WRITE_HERE, Exercise, exercise_path,
                       load_exercises, remove_block)


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


def rubrics_markdown(exercises: dict[str, Exercise]) -> str:
    """docs/rubrics.md: every exercise's questions and points, and the written answers' model answers and
    rubrics, taken from solutions/ (generated; never edit by hand)."""
    lines = ["# Exercises: questions, points and rubrics", "",
             "Generated from `solutions/` by `python3 course.py exercises`; edit the solution notebooks, not this",
             "file. For instructors only: it holds model answers.", "",
             "**Kinds of points.** *Judgement*: an autograded answer that is a conclusion about the sources, numbers or",
             "arguments, reached by computing from data. *Mechanics*: an autograded answer that is a pandas operation's",
             "direct result. *Written*: graded by you with a levelled rubric (solutions/README.md says more).", "",
             "**Grading written answers.** Each rubric describes every level and gives anchor answers. After",
             "`python3 course.py grade SUBMISSIONS`, type the level's points for each answer in the column `points` of",
             "`written_answers.csv` (the column `levels` lists the levels allowed; an analytic rubric has one row per",
             "criterion), then run `python3 course.py grade --merge-written`. A value that is not a level is reported",
             "and left ungraded; what you typed is kept.", ""]
    for exercise in exercises.values():
        graded = exercise.questions
        judgement, mechanics, written = (exercise.points(k) for k in ("judgement", "mechanics", "written"))
        lines += [f"## {exercise.name}", "",
                  f"About {exercise.minutes} minutes; {exercise.points():g} points: {judgement:g} for judgement and "
                  f"{mechanics:g} for mechanics (autograded), {written:g} written (graded by the instructor).", "",
                  "| question | kind | points | answer variables | the learner's check says |", "|---|---|---|---|---|"]
        lines += [f"| {q.grade_id} | {q.skill or q.kind} | {q.points:g} | "
                  f"{', '.join(f'`{a}`' for a in q.answers) or '—'} | "
                  f"{_says(q).replace('|', '/')} |" for q in graded]
        for q in (q for q in graded if q.kind == "written"):
            prompt = re.sub(r"^#+ .*\n+", "", q.prompt.strip())
            lines += ["", f"### {q.grade_id} ({q.points:g} points)", "", "**Question.** " + prompt, "",
                      "**Model answer and rubric.**", "", q.rubric]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _says(q) -> str:
    if q.kind != "auto":
        return "—"
    return f"only that it is {q.checks_only.rstrip('.')}" if q.checks_only else "whether it is right"


def generate(write: bool = True, exercises: dict[str, Exercise] | None = None) -> list[Path]:
    """Write exercises/ and docs/rubrics.md from solutions/; returns the files that changed (or would)."""
    exercises = exercises if exercises is not None else load_exercises()
    outputs = {exercise_path(e.path): render(student_version(e.notebook)) for e in exercises.values()}
    outputs[rubrics_path()] = rubrics_markdown(exercises)
    changed = []
    for target, text in outputs.items():
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(target)
            if write:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return changed
