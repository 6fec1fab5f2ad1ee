"""Reading the lesson notebooks as text: their prose, header, cited ¶ and quiz file.

Used by the lesson quality gates (tests/test_lessons.py) and by the course report (report.py), so that
both measure the same thing.
"""
from __future__ import annotations

import re
from pathlib import Path

ALL_PARAGRAPHS = set(range(1, 24))
MINUTES = re.compile(r"\*\*Time:\*\*\s*about (\d+) minutes")

# The time model: how long a 15-18-year-old needs for each part of a lesson. docs/instructor-guide.md
# ("How long a lesson takes") gives each figure's source or reason; change both together.
TIME_MODEL = {
    "words_per_minute": 150,    # prose read to learn from it, a class's slower readers included
    "code_cell": 1.0,           # read a code cell, run it and read what it shows
    "chart": 1.5,               # more for a cell that draws a chart: reading the chart itself
    "question": 1.5,            # read a quiz question, answer it, read the feedback (one retry)
    "discuss": 5.0,             # a Discuss prompt: think, talk in pairs, a few pairs share
    "activity": 5.0,            # a saved activity: a written answer, the decision room, predictions
}
ACTIVITY = re.compile(r"^(write|decision_room|predict|reveal)\(", re.M)  # the activities a lesson calls


def lesson_notebooks() -> list[Path]:
    """The lessons: notebooks 01 onwards (00 Start here is not a lesson)."""
    from .data import notebooks_dir

    return [p for p in sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb")) if not p.name.startswith("00_")]


def markdown(path: Path) -> str:
    import nbformat

    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")


def prose(path: Path) -> str:
    """The sentences a learner reads: markdown without headings, tables, code, links, source references,
    generated source lists and objective ids.

    Lines wrapped inside a paragraph are joined again; a paragraph or list item without closing
    punctuation counts as one sentence.
    """
    from .citations import without_references

    items, current = [], []
    for line in without_references(markdown(path)).splitlines() + [""]:
        stripped = line.strip()
        starts_item = re.match(r"^([-*]|\d+\.)\s", stripped)
        if not stripped or stripped.startswith(("#", "|", "```")) or starts_item:
            if current:
                items.append(" ".join(current))
            current = [stripped] if starts_item else []
            continue
        current.append(stripped)
    kept = []
    for item in items:
        item = re.sub(r"`[^`]*`", "", item)
        item = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", item)
        item = re.sub(r"\*\*L\d{2}\.O\d+\*\*|https?://\S+|[*_>]", "", item)
        item = re.sub(r"^([-]|\d+\.)\s+", "", item).strip()
        if item:
            kept.append(item if item.endswith((".", "?", "!", ":")) else item + ".")
    return " ".join(kept)


def cited_paragraphs(path: Path) -> set[int]:
    found = set()
    for match in re.finditer(r"¶\s?(\d+)(?:\s?[–-]\s?¶?(\d+))?", markdown(path)):
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        found |= set(range(first, last + 1))
    return found & ALL_PARAGRAPHS


def minutes(path: Path) -> int | None:
    return minutes_in(markdown(path))


def minutes_in(text: str) -> int | None:
    """The minutes a notebook's header gives ("**Time:** about 45 minutes")."""
    match = MINUTES.search(text)
    return int(match.group(1)) if match else None


def estimate(path: Path) -> dict:
    """A lesson's parts and the minutes the time model gives them: its prose words, code cells a learner runs
    (the hidden setup cell aside), charts, quiz questions, Discuss prompts and activities."""
    import nbformat

    from .charts import is_chart

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and "setup" not in c.metadata.get("tags", [])]
    activities = [c for c in code if ACTIVITY.search(c.source)]
    plain = [c for c in code if c not in activities and not c.source.lstrip().startswith("quiz(")]
    parts = {"words": len(prose(path).split()), "code_cells": len(plain),  # quizzes and activities: below
             "charts": sum(1 for c in code if any(is_chart(o) for o in c.outputs)),
             "questions": len(quiz_file(path)["questions"]),
             "discuss": markdown(path).count("**Discuss.**"), "activities": len(activities)}
    model = TIME_MODEL
    parts["minutes"] = round(parts["words"] / model["words_per_minute"] + parts["code_cells"] * model["code_cell"]
                             + parts["charts"] * model["chart"] + parts["questions"] * model["question"]
                             + parts["discuss"] * model["discuss"] + parts["activities"] * model["activity"])
    return parts


def quiz_file(path: Path) -> dict:
    import yaml

    from .data import quiz_path

    return yaml.safe_load(quiz_path(path.stem).read_text(encoding="utf-8"))
