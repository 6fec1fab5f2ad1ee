"""A static HTML version of the course, readable without a kernel (``python3 course.py site``).

Writes site/: index.html (the lessons with their central questions and minutes), one page per notebook
with its stored outputs and charts, glossary.html, data.html (the data dictionary) and sources.html.
Every chart gets its text description as alternative text; quizzes and other widgets, which need a
kernel, show a line saying to run the notebook in JupyterLab to answer. Pages link to each other, and
work on a phone (one column, a viewport tag, wide tables scroll).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from .charts import CHART_CLASS
from .data import course_root, notebooks_dir, package, table

DESCRIPTION = re.compile(r"Text description:\s*(.+)")
STYLE = """<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body.course-page{max-width:52em;margin:auto;padding:0 1em;font-family:system-ui,sans-serif;line-height:1.5}
 .course-nav{display:flex;flex-wrap:wrap;gap:1em;padding:.6em 0;border-bottom:1px solid #ccc;margin-bottom:1em}
 .course-nav a{text-decoration:none}
 table{display:block;overflow-x:auto;border-collapse:collapse} td,th{border:1px solid #ddd;padding:.3em .5em}
 img{max-width:100%;height:auto}
 .course-note{background:#e8f1fb;border-left:4px solid #0b4a8b;padding:.5em .8em}
</style>"""


def _nav(pages: list[tuple[str, str]], index: int | None) -> str:
    links = ['<a href="index.html">Course home</a>']
    if index is not None and index > 0:
        links.append(f'<a href="{pages[index - 1][0]}" rel="prev">← {html.escape(pages[index - 1][1])}</a>')
    if index is not None and index + 1 < len(pages):
        links.append(f'<a href="{pages[index + 1][0]}" rel="next">{html.escape(pages[index + 1][1])} →</a>')
    links += ['<a href="glossary.html">Glossary</a>', '<a href="data.html">Data dictionary</a>',
              '<a href="sources.html">Sources</a>']
    return f'<nav class="course-nav" aria-label="Course">{"".join(links)}</nav>'


def _page(title: str, body: str, nav: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'{STYLE}</head><body class="course-page">{nav}<main>{body}</main>{nav}</body></html>')


def chart_descriptions(nb) -> list[str]:
    """For each plain image output (a chart not shown by finish()), in order: the description printed with it."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        described = DESCRIPTION.findall(printed)
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        for i, _ in enumerate(images):
            found.append(described[i] if i < len(described) else (described[-1] if described else ""))
    return found


def title_of(nb, fallback: str) -> str:
    first = nb.cells[0].source if nb.cells else ""
    match = re.search(r"^#\s+(.+)$", first, re.M)
    return match.group(1).strip() if match else fallback


def render_notebook(path: Path, pages: list[tuple[str, str]], index: int) -> str:
    import nbformat
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="lab")
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={"setup"}), enabled=True)
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    soup = BeautifulSoup(body, features="html.parser")
    descriptions = iter(chart_descriptions(nb))
    for image in soup.select(f".jp-OutputArea-output img:not(.{CHART_CLASS})"):  # course charts carry their own
        image["alt"] = next(descriptions, "") or image.get("alt", "")
    for link in soup.select("a[href]"):
        link["href"] = re.sub(r"^(\d\d_[\w-]+)\.ipynb(#.*)?$", r"\1.html\2", link["href"])
    for text in soup.find_all(string=re.compile(r"Run this notebook in JupyterLab to (answer|take part)")):
        text.replace_with(f"{text.strip()} (This page is a copy without Python: open the notebook in "
                          "JupyterLab to use it.)")
    soup.body["class"] = soup.body.get("class", []) + ["course-page"]
    nav = BeautifulSoup(_nav(pages, index), features="html.parser")
    soup.body.insert(0, nav)
    soup.body.append(BeautifulSoup(_nav(pages, index), features="html.parser"))
    soup.head.append(BeautifulSoup(STYLE, features="html.parser"))
    soup.html["lang"] = "en"
    return str(soup)


def _table_html(frame) -> str:
    return frame.to_html(index=False, escape=True, border=0, na_rep="")


def build(out: Path | None = None) -> Path:
    """Write the static site and return its folder."""
    import nbformat

    out = Path(out or course_root() / "site")
    out.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    read = {p: nbformat.read(p, as_version=4) for p in notebooks}
    pages = [(f"{p.stem}.html", title_of(read[p], p.stem)) for p in notebooks]
    rows = []
    for i, path in enumerate(notebooks):
        (out / pages[i][0]).write_text(render_notebook(path, pages, i), encoding="utf-8")
        head = read[path].cells[0].source if read[path].cells else ""
        question = re.search(r"\*\*Central question:\*\*\s*(.+)", head)
        minutes = re.search(r"\*\*Time:\*\*\s*(.+)", head)
        rows.append(f'<li><a href="{pages[i][0]}">{html.escape(pages[i][1])}</a> '
                    f'({html.escape(minutes.group(1) if minutes else "")})<br>'
                    f'{html.escape(question.group(1) if question else "")}</li>')
    intro = ('<h1>Between Two Powers</h1><p>A course on Iraq\'s parliamentary vote of January 2020 on U.S. troops, '
             'taught through one news article: its context, its actors and their arguments.</p>'
             '<p class="course-note">This is a read-only copy: charts and text are here, but the quizzes and '
             'exercises need Python. To answer them, open the notebooks in JupyterLab '
             '(<code>python3 course.py start</code>).</p>'
             f'<h2>Lessons</h2><ol start="0">{"".join(rows)}</ol>')
    (out / "index.html").write_text(_page("Between Two Powers", intro, _nav(pages, None)), encoding="utf-8")

    glossary = table("glossary")
    shown = glossary.copy()
    for column in shown.columns:
        if shown[column].map(lambda v: isinstance(v, list)).any():
            shown[column] = shown[column].map(lambda v: "; ".join(v) if isinstance(v, list) else v)
    (out / "glossary.html").write_text(_page("Glossary", "<h1>Glossary</h1>" + _table_html(shown),
                                             _nav(pages, None)), encoding="utf-8")

    parts = ["<h1>Data dictionary</h1><p>Every table of the course's data package, with what each column "
             "means. Each factual row names its sources (<code>source_ids</code>) and a short supporting quote "
             "(<code>evidence</code>).</p>"]
    for resource in package()["resources"]:
        frame = table(resource["name"])
        fields = "".join(f"<tr><td><code>{html.escape(f['name'])}</code></td><td>{html.escape(f['type'])}</td>"
                         f"<td>{html.escape(f.get('description', ''))}</td></tr>" for f in resource["schema"]["fields"])
        parts.append(f'<h2 id="{resource["name"]}">{html.escape(resource["name"])}</h2>'
                     f"<p>{html.escape(resource.get('title', ''))} ({len(frame)} rows)</p>"
                     f"<table><tr><th>column</th><th>type</th><th>meaning</th></tr>{fields}</table>")
    (out / "data.html").write_text(_page("Data dictionary", "".join(parts), _nav(pages, None)), encoding="utf-8")

    sources = table("sources")[["source_id", "title", "publisher", "date", "url", "note"]].copy()
    sources["url"] = sources["url"].map(lambda u: f'<a href="{html.escape(u)}">{html.escape(u)}</a>' if u else "")
    for column in ("source_id", "title", "publisher", "note"):
        sources[column] = sources[column].map(lambda v: html.escape(str(v)) if v is not None else "")
    sources["date"] = sources["date"].map(lambda d: "" if d is None or str(d) in ("NaT", "None") else str(d)[:10])
    body = ("<h1>Sources</h1><p>Every page the course's data rests on.</p>"
            + sources.to_html(index=False, escape=False, border=0, na_rep=""))
    (out / "sources.html").write_text(_page("Sources", body, _nav(pages, None)), encoding="utf-8")
    return out
