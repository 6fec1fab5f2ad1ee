"""The course glossary in a notebook: ``glossary("quorum")`` explains a term; ``glossary()`` lists them all."""
from __future__ import annotations

import difflib
import html

from .data import table


class Entry:
    """One glossary entry, shown as a short definition box."""

    def __init__(self, term: str, definition: str, variants: list[str]):
        self.term, self.definition, self.variants = term, definition, variants

    def _repr_html_(self):
        also = f"<br><small>Also written: {html.escape(', '.join(self.variants))}</small>" if self.variants else ""
        return (f'<div class="glossary-entry" style="border-left:4px solid #0072B2;padding:0.4em 0.8em">'
                f"<b>{html.escape(self.term)}</b>: {html.escape(self.definition)}{also}</div>")

    def __repr__(self):
        return f"{self.term}: {self.definition}"


def _names(row) -> list[str]:
    """Every way to ask for a term: 'ISIS / Islamic State / Daesh', 'Quds Force', 'Hashd al-Shaabi', ..."""
    term = row["term"]
    main, _, inside = term.partition(" (")
    parts = [term, main, inside.rstrip(")")] + main.split(" / ") + list(row["variants"])
    return [p.strip() for p in parts if p.strip()]


class NotFound:
    def __init__(self, message: str):
        self.message = message

    def _repr_html_(self):
        return f'<div class="glossary-missing">{html.escape(self.message)}</div>'

    def __repr__(self):
        return self.message


def glossary(term: str | None = None):
    """Look up a term (any spelling listed in the glossary), or show the whole glossary with no term."""
    words = table("glossary")
    if term is None:
        return words[["term", "definition"]].set_index("term")
    wanted = str(term).strip().lower()
    names = {name.lower(): row for _, row in words.iterrows() for name in _names(row)}
    if wanted in names:
        row = names[wanted]
        return Entry(row["term"], row["definition"], list(row["variants"]))
    names = {n: row["term"] for n, row in names.items()}
    partial = sorted({t for n, t in names.items() if wanted and wanted in n})
    close = partial or sorted({names[n] for n in difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)})
    hint = f" Did you mean: {', '.join(close)}?" if close else " Run glossary() to see every term."
    return NotFound(f"'{term}' is not in the course glossary.{hint}")
