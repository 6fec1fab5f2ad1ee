"""Reading the lesson notebooks as text: their prose, header, cited ¶ and quiz file.

Used by the lesson quality gates (tests/test_lessons.py) and by the course report (report.py), so that
both measure the same thing.
"""
from __future__ import annotations

import re
from pathlib import Path

ALL_PARAGRAPHS = set(range(1, 24))
MINUTES = re.compile(r"\*\*Time:\*\*\s*about (\d+) minutes")


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


def quiz_file(path: Path) -> dict:
    import yaml

    from .data import quiz_path

    return yaml.safe_load(quiz_path(path.stem).read_text(encoding="utf-8"))
