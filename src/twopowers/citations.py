"""Numbered source references in the lessons, and the sources page they link to.

A lesson cites its sources as short numbered links, ``[[12](sources.ipynb#cell-id=ap-2020-01-05-vote)]``,
which read as "[12]". Each number is the source's row in data/sources.csv (the first row is 1), so a number
means the same source in every lesson. The link opens notebooks/sources.ipynb, a page generated from
sources.csv with one cell per source whose cell id is the source id: JupyterLab scrolls to that cell (its
``#cell-id=`` fragment), and the static site turns the link into ``sources.html#<id>``. Several sources
read as "[12, 40]".

Each lesson's "Sources and further reading" section holds a generated list of the sources its text
cites, between two marker comments. ``python3 course.py sources`` renumbers every reference, rewrites
those lists and the sources page; tests/test_citations.py fails when any of them is out of date.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

PAGE = "sources.ipynb"
TARGET = "sources.ipynb#cell-id="  # from a Going further notebook, one folder down: "../" + TARGET
ONE = re.compile(r"\[(\d+)\]\((?:\.\./)?sources\.ipynb#cell-id=([\w-]+)\)")
REFERENCE = re.compile(r"\[(?:\[\d+\]\((?:\.\./)?sources\.ipynb#cell-id=[\w-]+\)(?:, )?)+\]")
SLUG = re.compile(r"\[sources?: ([^\]]+)\]")  # the older form, "[source: id; id]": still read, never written
LIST_START = "<!-- sources-list: written by `python3 course.py sources`; edit the references in the text instead -->"
LIST_END = "<!-- end of sources-list -->"
LIST = re.compile(re.escape(LIST_START) + r".*?" + re.escape(LIST_END), re.S)
FURTHER = re.compile(r"^(\*\*)?Further reading.*", re.M | re.S)  # what follows the list: not "cited in the text"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def sources() -> list[dict]:
    """The rows of data/sources.csv, in order, as plain dicts with their number."""
    import csv

    from .data import data_dir

    with open(data_dir() / "sources.csv", encoding="utf-8", newline="") as stream:
        return [{**row, "number": i} for i, row in enumerate(csv.DictReader(stream), 1)]


def numbers() -> dict[str, int]:
    return {row["source_id"]: row["number"] for row in sources()}


def cited(text: str) -> list[str]:
    """The source ids a text cites, in order of first citation (numbered or older references)."""
    found = [m.group(2) for m in ONE.finditer(text)]
    for match in SLUG.finditer(text):
        found += [part.strip() for part in re.split(r"[;,]", match.group(1)) if part.strip()]
    return list(dict.fromkeys(found))


def reference(ids: list[str], numbered: dict[str, int], up: str = "") -> str:
    """The numbered reference for one or more sources: ``[[3](sources.ipynb#cell-id=ID), [12](...)]``."""
    unknown = [i for i in ids if i not in numbered]
    if unknown:
        from .errors import CourseError

        raise CourseError(f"No source called {', '.join(unknown)} in data/sources.csv: add it there first.")
    return "[" + ", ".join(f"[{numbered[i]}]({up}{TARGET}{i})" for i in ids) + "]"


def html_reference(ids: list[str], numbered: dict[str, int]) -> str:
    """The same reference in HTML, for widget output: each number opens the sources page in a new tab."""
    import html

    links = ", ".join(f'<a href="{TARGET}{html.escape(i)}" target="_blank" title="Source {numbered[i]}: open the '
                      f'sources page">{numbered[i]}</a>' if i in numbered else html.escape(i) for i in ids if i)
    return f"[{links}]" if links else ""


def renumber(text: str, numbered: dict[str, int], up: str = "") -> str:
    """The text with every reference written with its sources' current numbers (``up`` is "../" in a
    Going further notebook, one folder below the sources page)."""
    text = REFERENCE.sub(lambda m: reference([i for _, i in ONE.findall(m.group(0))], numbered, up), text)
    return SLUG.sub(lambda m: reference([p.strip() for p in re.split(r"[;,]", m.group(1)) if p.strip()],
                                        numbered, up), text)


def without_references(text: str) -> str:
    """The text as prose, with references and generated lists left out (for reading-level measures)."""
    return SLUG.sub("", REFERENCE.sub("", LIST.sub("", text)))


# ----- how one source reads -----------------------------------------------------------------------------
def escape(text: str) -> str:
    """Markdown-safe text: no emphasis, links, maths or HTML made by accident."""
    return re.sub(r"([\\`*_\[\]$<>|#])", r"\\\1", text)


def readable_date(value: str) -> str:
    """'2020-01-05' -> '5 January 2020'; '2020-01' -> 'January 2020'; '' -> ''."""
    parts = [int(p) for p in value.split("-") if p.isdigit()] if value else []
    if len(parts) == 3:
        return f"{parts[2]} {MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0]) if parts else ""


def site_name(url: str) -> str:
    """The short name of a page's site, for link text that fits a phone: 'aljazeera.com'."""
    host = (urlparse(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def describe(row: dict) -> str:
    """One source as a reader sees it: authors, "title", publisher, date, and a link to the page."""
    title = row["title"].strip()
    title = escape(title) if title.startswith("[") else f'"{escape(title)}"'
    names = [a.strip() for a in row.get("author", "").split(";") if a.strip()]
    authors = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    parts = [p for p in (escape(authors), title, f"*{escape(row['publisher'])}*", readable_date(row["date"])) if p]
    text = ", ".join(parts) + "."
    if row["url"]:
        text += f" [{site_name(row['url'])}]({row['url']})"
    return text


# ----- the generated parts ------------------------------------------------------------------------------
def lesson_list(ids: list[str], rows: dict[str, dict], up: str = "") -> str:
    """The marked list of a lesson's sources, by number."""
    ordered = sorted(ids, key=lambda i: rows[i]["number"])
    items = "\n".join(f"- [{rows[i]['number']}]({up}{TARGET}{i}) {describe(rows[i])}" for i in ordered)
    return f"{LIST_START}\n\n{items}\n\n{LIST_END}"


def update_lesson(nb, rows: dict[str, dict], up: str = "") -> bool:
    """Renumber a notebook's references and rewrite its sources list; True if anything changed."""
    numbered = {i: r["number"] for i, r in rows.items()}
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            new = renumber(cell.source, numbered, up)
            changed |= new != cell.source
            cell.source = new
    ids = cited(text_citations(nb))
    for cell in nb.cells:
        if cell.cell_type == "markdown" and LIST.search(cell.source):
            new = LIST.sub(lambda _: lesson_list(ids, rows, up), cell.source)
            changed |= new != cell.source
            cell.source = new
    return changed


def text_citations(nb) -> str:
    """A lesson's markdown without its generated list and its further reading: the text whose citations
    the list shows."""
    return "\n".join(FURTHER.sub("", LIST.sub("", c.source)) if LIST.search(c.source) else c.source
                     for c in nb.cells if c.cell_type == "markdown")


def _notebook_link(name: str) -> str:
    """A link from the sources page to a lesson ("lesson 02") or a Going further notebook ("going further 02")."""
    from .data import is_going_further

    if is_going_further(name):
        return f"[going further {name[:2]}](going-further/{name}.ipynb)"
    return f"[lesson {name[:2]}]({name}.ipynb)"


def lessons_citing(lessons: dict[str, list[str]]) -> dict[str, list[str]]:
    by_source: dict[str, list[str]] = {}
    for name, ids in lessons.items():
        for i in ids:
            by_source.setdefault(i, []).append(name)
    return by_source


def tables_citing() -> dict[str, list[str]]:
    """For each source id, the data tables with a row that names it."""
    from .data import table, table_names

    by_source: dict[str, list[str]] = {}
    for name in table_names():
        frame = table(name)
        if "source_ids" not in frame.columns:
            continue
        for i in sorted({i for ids in frame["source_ids"] for i in ids}):
            by_source.setdefault(i, []).append(name)
    return by_source


def sources_page(lessons: dict[str, list[str]]):
    """notebooks/sources.ipynb: every source of the course, numbered, with where it is used."""
    import nbformat

    rows = sources()
    in_lessons, in_tables = lessons_citing(lessons), tables_citing()
    intro = (
        "# Sources\n\n"
        "Every source the course rests on, numbered. A number in square brackets in a lesson, such as **[12]**, "
        "is the source with that number here: click it to jump to its entry.\n\n"
        "Each entry gives the author (where the page names one), the title, who published it, its date (where "
        "known), a link to the page, the lessons that cite it, and the data tables whose rows rest on it. A title "
        "in square brackets was written by the course, because the page has none of its own. Notes say what to "
        "keep in mind, for example that a page is a copy of a report first published elsewhere.\n\n"
        "How far to trust each source is part of what the lessons teach: ask who wrote it, when, why, and "
        "whether another source agrees.\n\n"
        "*This page is written by `python3 course.py sources` from `data/sources.csv`: to correct an entry, "
        "correct that row.*")
    entries = []
    for row in rows:
        where = []
        if row["source_id"] in in_lessons:
            where.append("Cited in " + ", ".join(_notebook_link(n) for n in in_lessons[row["source_id"]]))
        if row["source_id"] in in_tables:
            where.append("data: " + ", ".join(f"`{t}`" for t in in_tables[row["source_id"]]))
        note = f" *Note: {escape(row['note'])}*" if row["note"] else ""
        used = f" ({'; '.join(where)}.)" if where else ""
        entry = nbformat.v4.new_markdown_cell(f'**[{row["number"]}]** {describe(row)}{used}{note}')
        entry["id"] = row["source_id"]  # the target of every link to this source
        entries.append(entry)
    head = nbformat.v4.new_markdown_cell(intro)
    head["id"] = "sources"
    cells = [head, *entries]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    return nb


def update_all(write: bool = True) -> list[Path]:
    """Renumber every lesson's references, rewrite their lists and the sources page; the files changed."""
    import nbformat

    from .data import course_notebooks, going_further_dir, notebooks_dir

    rows = {row["source_id"]: row for row in sources()}
    changed, lessons = [], {}
    for path in course_notebooks():
        nb = nbformat.read(path, as_version=4)
        if update_lesson(nb, rows, "../" if path.parent == going_further_dir() else ""):
            changed.append(path)
            if write:
                nbformat.write(nb, path)
        ids = cited("\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))
        if ids:
            lessons[path.stem] = ids
    page = notebooks_dir() / PAGE
    text = nbformat.writes(sources_page(lessons)) + "\n"
    if not page.exists() or page.read_text(encoding="utf-8") != text:
        changed.append(page)
        if write:
            page.write_text(text, encoding="utf-8")
    return changed
