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
# A timed round of a simulation (lesson 08): a heading "### Round 2: Opening statements (12 minutes)". The
# teacher keeps the time, so the model counts the round's own minutes; what learners read, run and save inside
# the round (up to the next heading or quiz cell) is part of those minutes and is not counted again.
ROUND = re.compile(r"^### Round (\d+): (.+?) \((\d+) minutes\)\s*$", re.M)
PERIOD = 50  # minutes in a lesson period; a lesson may state two periods ("about 100 minutes (two periods)")
ACTIVITY = re.compile(r"^(write|decision_room|predict|reveal|document)\(", re.M)  # the activities a lesson calls


def lesson_notebooks() -> list[Path]:
    """The lessons: notebooks 01 onwards (00 Start here is not a lesson)."""
    from ..data import notebooks_dir

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
    return prose_of(markdown(path))


def prose_of(text: str) -> str:
    """``prose`` of a markdown text."""
    from ..citations import without_references

    items, current = [], []
    for line in without_references(text).splitlines() + [""]:
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


def title(path: Path, nb=None) -> str:
    """A notebook's title: the first heading of its first cell ("Lesson 02: How we got here"), else its name."""
    import nbformat

    nb = nb or nbformat.read(path, as_version=4)
    match = re.search(r"^#\s+(.+)$", nb.cells[0].source if nb.cells else "", re.M)
    return match.group(1).strip() if match else path.stem


def cited_paragraphs(path: Path) -> set[int]:
    found = set()
    for match in re.finditer(r"¶\s?(\d+)(?:\s?[–-]\s?¶?(\d+))?", markdown(path)):
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        found |= set(range(first, last + 1))
    return found & ALL_PARAGRAPHS


def minutes(path: Path) -> int | None:
    return minutes_in(markdown(path))


def periods(path: Path) -> int:
    """How many lesson periods a lesson states: two when its header says "(two periods)", else one."""
    return 2 if re.search(r"\*\*Time:\*\*[^\n]*\(two periods\)", markdown(path)) else 1


def rounds(path: Path) -> list[tuple[int, str, int]]:
    """The timed rounds of a simulation lesson: (number, name, minutes), in order."""
    return [(int(n), name, int(m)) for n, name, m in ROUND.findall(markdown(path))]


def minutes_in(text: str) -> int | None:
    """The minutes a notebook's header gives ("**Time:** about 45 minutes")."""
    match = MINUTES.search(text)
    return int(match.group(1)) if match else None


QUIZ_CELL = re.compile(r'quiz\("([^"]+)"(?:,\s*section="([^"]+)")?\)')
COUNTS = ("words", "code_cells", "charts", "questions", "discuss", "activities", "round_minutes")


def plan(path: Path) -> list[dict]:
    """A notebook cut at its level-2 headings ("## 1. ...", "## Key points"), each part with what a learner does
    in it and the minutes the time model gives that: the first part is the opening (title, central question,
    objectives, the hidden setup cell)."""
    import nbformat

    from ..charts import is_chart

    questions = quiz_file(path)["questions"]
    parts: list[dict] = []
    in_round = False
    for cell in nbformat.read(path, as_version=4).cells:
        heading = re.search(r"^## (.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if not parts or heading:
            parts.append({"part": heading.group(1).strip() if heading else "Opening", "markdown": "",
                          **{k: 0 for k in COUNTS}})
        part = parts[-1]
        if cell.cell_type == "markdown":
            timed = ROUND.search(cell.source)
            if timed:
                part["round_minutes"] += int(timed.group(3))
                in_round = True
            elif re.search(r"^#{2,3} ", cell.source, re.M) or not in_round:
                in_round = False
                part["markdown"] += cell.source + "\n\n"
            continue
        if cell.cell_type != "code" or "setup" in cell.metadata.get("tags", []):
            continue
        quizzes = QUIZ_CELL.findall(cell.source)
        if quizzes:
            in_round = False
        elif in_round:
            continue
        if quizzes:
            part["questions"] += sum(1 for q in questions for _, section in quizzes
                                     if not section or q.get("section") == section)
        elif ACTIVITY.search(cell.source):
            part["activities"] += 1
        else:
            part["code_cells"] += 1
        part["charts"] += any(is_chart(o) for o in cell.outputs)
    model = TIME_MODEL
    for part in parts:
        text = part.pop("markdown")
        part["words"] = len(prose_of(text).split())
        part["discuss"] = text.count("**Discuss.**")
        part["minutes"] = (part["words"] / model["words_per_minute"] + part["code_cells"] * model["code_cell"]
                           + part["charts"] * model["chart"] + part["questions"] * model["question"]
                           + part["discuss"] * model["discuss"] + part["activities"] * model["activity"]
                           + part["round_minutes"])
    return parts


def estimate(path: Path) -> dict:
    """A notebook's totals by the time model: prose words, code cells a learner runs (the hidden setup cell,
    quiz and activity cells aside), charts, quiz questions, Discuss prompts, activities, and the minutes."""
    parts = plan(path)
    totals = {k: sum(p[k] for p in parts) for k in COUNTS}
    totals["minutes"] = round(sum(p["minutes"] for p in parts))
    return totals


def quiz_file(path: Path) -> dict:
    import yaml

    from ..data import quiz_path

    return yaml.safe_load(quiz_path(path.stem).read_text(encoding="utf-8"))
