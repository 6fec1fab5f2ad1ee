"""A static HTML version of the course, readable without a kernel (``python3 course.py site``).

Writes site/: index.html (the lessons with their central questions and minutes), one page per notebook
with its stored outputs and charts, glossary.html, data.html (the data dictionary) and sources.html (the
sources page, notebooks/sources.ipynb: a lesson's "[12]" links to its entry, sources.html#cell-id=<id>).
Every chart gets its text description as alternative text. Quizzes work on the site as in JupyterLab:
the same front end (static/quiz.js and quiz.css, written into each page) shows the same quiz data, checked
by the same schema; answers stay in the browser's local storage, and a form at the end of a lesson's page
exports them as a progress file (my-progress-<name>.json) that the instructor tools read. Other widgets,
which need a kernel, show one line saying to open the notebook in JupyterLab. The setup cell is left out,
and so is any sentence about it: a note under each lesson's heading says what the page is instead. Pages
run only the course's own quiz script and load nothing from the network, so the site works offline, opened
from disk. Pages link to each other, and work on a phone (one column, a viewport tag, 16 px text; wide tables, code and charts scroll
sideways in their own box, and no chart is drawn so narrow that its smallest text gets unreadable).
"""
from __future__ import annotations

import base64
import html
import json
import math
import re
from pathlib import Path

from ..charts import CHART_CLASS
from ..data import course_notebooks, course_root, is_going_further, notebooks_dir, package, table
from .lessons import title

DESCRIPTION = re.compile(r"Text description:\s*(.+)")
SETUP_PROSE = re.compile(r"\bsetup cell\b", re.I)  # the site leaves the setup cell out, so prose about it goes too
PLACEHOLDER = re.compile(r"(?P<what>.+?)\.\s+Run this notebook in JupyterLab to (?P<verb>answer|take part)\.", re.S)
READ_ONLY = ("This page is a copy of the notebook without Python: it shows the code and what it printed when the "
             "course was last run. You can answer its quizzes here; your answers stay in this browser. To run the "
             "code and take part in the activities, open the notebook in JupyterLab "
             "(<code>python3 course.py start</code>).")
EXPORT_FORM = """<section class="quiz-export-box" aria-labelledby="quiz-export-title">
<h2 id="quiz-export-title">Hand in your answers</h2>
<p>Your quiz answers from every lesson of this site are kept in this browser only. To hand them in, type your name
and export them: your browser saves a file (my-progress-your-name.json) to give to your teacher.</p>
<form class="quiz-export"><label for="quiz-export-name">Your name</label>
<input id="quiz-export-name" name="learner-name" autocomplete="name" maxlength="80">
<button type="submit">Export my answers</button>
<p class="quiz-export-status" role="status"></p></form></section>"""
PHONE_PX = 360  # charts wider than this need a sideways swipe on a phone; the hint shows only on narrow screens
MIN_TEXT_PX = 9  # no chart is drawn so narrow that its smallest text (axis ticks, map labels) is below this
STYLE = """<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body.course-page{max-width:52em;margin:auto;padding:0 1em;font-family:system-ui,sans-serif;line-height:1.5;
  font-size:16px;--jp-ui-font-size1:16px;--jp-content-font-size1:16px;--jp-code-font-size:14px}
 .course-nav{display:flex;flex-wrap:wrap;gap:1em;padding:.6em 0;border-bottom:1px solid #ccc;margin-bottom:1em}
 .course-nav a{text-decoration:none}
 a,:not(pre)>code{overflow-wrap:anywhere} body.course-page :is(main,.jp-Notebook) a{text-decoration:underline}
 body.course-page{--jp-mirror-editor-number-color:#006600}
 table{display:block;overflow-x:auto;border-collapse:collapse} td,th{border:1px solid #ddd;padding:.3em .5em}
 img{max-width:100%;height:auto}
 .jp-InputArea-editor pre,.course-figure{overflow-x:auto}
 .jp-OutputArea-output pre{word-break:normal;overflow-wrap:break-word}
 .course-note{background:#e8f1fb;border-left:4px solid #0b4a8b;padding:.5em .8em}
 .course-figure-hint{display:none;font-size:14px;color:#555;margin:.2em 0 .8em}
 .quiz-export-box{border-top:1px solid #ccc;margin-top:2em} .quiz-export{display:flex;flex-wrap:wrap;gap:.5em;
  align-items:center} .quiz-export input,.quiz-export button{font-size:16px;padding:.3em .6em}
 .quiz-export-status{flex-basis:100%;margin:.3em 0}
 @media (max-width:40em){.course-figure-hint{display:block}}
</style>"""


def _nav(pages: list[tuple[str, str]], index: int | None) -> str:
    links = ['<a href="index.html">Course home</a>']
    if index is not None and index > 0:
        links.append(f'<a href="{pages[index - 1][0]}" rel="prev">← {html.escape(pages[index - 1][1])}</a>')
    if index is not None and index + 1 < len(pages):
        links.append(f'<a href="{pages[index + 1][0]}" rel="next">{html.escape(pages[index + 1][1])} →</a>')
    links += ['<a href="glossary.html">Glossary</a>', '<a href="data.html">Data dictionary</a>',
              '<a href="sources.html">Sources</a>', '<a href="toolbox.html">Python toolbox</a>']
    return f'<nav class="course-nav" aria-label="Course">{"".join(links)}</nav>'


def _page(title: str, body: str, nav: str) -> str:
    body = body.replace("<table", '<table tabindex="0"')  # tables scroll sideways: the keyboard can scroll them
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


def readable_width(src: str) -> int | None:
    """The narrowest width, in CSS pixels, at which an SVG chart's smallest text is still MIN_TEXT_PX high."""
    if not src.startswith("data:image/svg+xml;base64,"):
        return None
    svg = base64.b64decode(src.partition(",")[2]).decode("utf-8")
    width = re.search(r'<svg[^>]*?\swidth="([\d.]+)pt"', svg)
    sizes = [float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    if not width or not sizes:
        return None
    points = float(width.group(1))  # charts.image_html lays the drawing out in points, its text sizes too
    return math.ceil(min(points * MIN_TEXT_PX / min(sizes), points * 4 / 3))  # never wider than drawn


def _make_static(soup, note: bool = True) -> None:
    """Leave out what needs a kernel or the network: scripts, prose about the setup cell, widgets' fallback text.
    With ``note``, say under the page's heading that it is a copy without Python."""
    from bs4 import BeautifulSoup

    for script in soup.select("script"):  # require.js, MathJax, mermaid: a copy without widgets or math needs none
        script.decompose()
    for element in soup.select(".jp-MarkdownCell p, .jp-MarkdownCell li"):
        if SETUP_PROSE.search(element.get_text()):
            element.decompose()
    heading = soup.select_one(".jp-MarkdownCell .jp-RenderedMarkdown")  # title, central question, objectives
    if heading and note:
        heading.append(BeautifulSoup(f'<p class="course-note">{READ_ONLY}</p>', features="html.parser"))
    for output in soup.select('.jp-OutputArea-output[data-mime-type="text/plain"]'):
        placeholder = PLACEHOLDER.fullmatch(output.get_text().strip())  # a quiz or activity, shown as text
        if placeholder:
            what = re.sub(r"\s+from \d\dg?_[\w-]+$", "", placeholder["what"])  # this page is that lesson
            what = re.sub(r"\b1 question\(s\)", "1 question", what).replace("question(s)", "questions")
            note = soup.new_tag("p", attrs={"class": "course-note"})
            note.string = f"{what}. Open the notebook in JupyterLab to {placeholder['verb']}."
            output.replace_with(note)


def _readable_charts(soup) -> None:
    """Each chart in a box that scrolls sideways, so a narrow screen never draws it too small to read."""
    for image in soup.select(f"img.{CHART_CLASS}"):
        width = readable_width(image.get("src", ""))
        if width:
            image["style"] = f"{image.get('style', '')};min-width:{width}px".lstrip(";")
        box = image.wrap(soup.new_tag("div", attrs={"class": "course-figure"}))
        if width and width > PHONE_PX:  # on a phone, say that the rest of the chart is a swipe away
            box["tabindex"] = "0"  # a box that scrolls can be scrolled with the keyboard too
            hint = soup.new_tag("p", attrs={"class": "course-figure-hint"})
            hint.string = "Swipe the chart sideways to see all of it."
            box.insert_after(hint)


def _script_json(value) -> str:
    """JSON to write inside a <script> element: nothing in it can end the element early."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")  # JSON's own escape for "<"


def quiz_course() -> dict:
    """Every lesson's quiz questions, by lesson: what an export from the site counts a learner's answers against."""
    from ..data import quiz_dir
    from ..questions import load_quiz_file

    course = {}
    for path in sorted(quiz_dir().glob("*.yml")):
        quiz_file = load_quiz_file(path)
        course[quiz_file.lesson] = {"title": quiz_file.title, "questions": [q.id for q in quiz_file.questions]}
    return course


def _take_quizzes(nb) -> list[dict]:
    """Replace each quiz output in ``nb`` with an empty holder the quiz script fills; return the quizzes' data.

    A quiz output names its lesson and section (quizzes.SITE_MIME); the data is built from the quiz file as a
    lesson builds it, with the same checks, so the site shows what JupyterLab shows."""
    from ..quizzes import SITE_MIME, quiz_data, select

    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            where = output.get("data", {}).get(SITE_MIME)
            if not where:
                continue
            quiz_file, questions, heading = select(where["lesson"], where.get("section"))
            found.append(quiz_data(quiz_file, questions, heading, learner="site"))
            output["data"] = {"text/html": f'<div class="quiz-holder" data-quiz="quiz-{len(found)}"></div>'}
            output["metadata"] = {}
    return found


def _add_quizzes(soup, quizzes: list[dict]) -> None:
    """Give the page its quizzes' data, the quiz's CSS and script, and the form that exports the answers."""
    from bs4 import BeautifulSoup

    from ..quizzes import front_end

    script, css = front_end()
    style = soup.new_tag("style")
    style.string = css
    soup.head.append(style)
    (soup.select_one("main") or soup.body).append(BeautifulSoup(EXPORT_FORM, features="html.parser"))
    data = "".join(f'<script type="application/json" id="quiz-{i}">{_script_json(quiz)}</script>'
                   for i, quiz in enumerate(quizzes, start=1))
    data += f'<script type="application/json" id="quiz-course">{_script_json(quiz_course())}</script>'
    soup.body.append(BeautifulSoup(data, features="html.parser"))
    code = soup.new_tag("script", attrs={"type": "module"})  # inline: a page opened from disk cannot import a file
    if "</script" in script.lower():
        raise ValueError("quiz.js must not contain '</script': it is written inside a page's <script> element")
    code.string = script + "\nmountSite(document, window.localStorage);\n"
    soup.body.append(code)


def render_notebook(path: Path, pages: list[tuple[str, str]], index: int | None, title: str = "") -> str:
    """One notebook as a page of the site; ``index`` is its place among the lessons (None for the sources page)."""
    import nbformat
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    quizzes = _take_quizzes(nb)
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
    for link in soup.select("a[href]"):  # a lesson's page, a Going further page, or a source's entry
        link["href"] = re.sub(r"^(?:\.\./|going-further/)?(\d\dg?_[\w-]+|sources|toolbox)\.ipynb(#.*)?$", r"\1.html\2",
                              link["href"])
    _make_static(soup, note=index is not None)
    _readable_charts(soup)
    for box in soup.select(".jp-InputArea-editor pre, .jp-OutputArea-output pre, table"):
        box["tabindex"] = "0"  # code and tables scroll sideways in their own box: the keyboard can scroll them
    if quizzes:
        _add_quizzes(soup, quizzes)
    soup.body["class"] = soup.body.get("class", []) + ["course-page"]
    nav = BeautifulSoup(_nav(pages, index), features="html.parser")
    soup.body.insert(0, nav)
    soup.body.append(BeautifulSoup(_nav(pages, index), features="html.parser"))
    for viewport in soup.select('meta[name="viewport"]'):  # STYLE brings the site's own
        viewport.decompose()
    soup.head.append(BeautifulSoup(STYLE, features="html.parser"))
    if soup.title is not None:
        soup.title.string = title or (pages[index][1] if index is not None else path.stem)
    soup.html["lang"] = "en"
    return str(soup)


def _table_html(frame) -> str:
    return frame.to_html(index=False, escape=True, border=0, na_rep="")


def build(out: Path | None = None) -> Path:
    """Write the static site and return its folder."""
    import nbformat

    out = Path(out or course_root() / "site")
    out.mkdir(parents=True, exist_ok=True)
    notebooks = course_notebooks()
    read = {p: nbformat.read(p, as_version=4) for p in notebooks}
    pages = [(f"{p.stem}.html", title(p, read[p])) for p in notebooks]
    rows = []
    for i, path in enumerate(notebooks):
        (out / pages[i][0]).write_text(render_notebook(path, pages, i), encoding="utf-8")
        head = read[path].cells[0].source if read[path].cells else ""
        question = re.search(r"\*\*Central question:\*\*\s*(.+)", head)
        minutes = re.search(r"\*\*Time:\*\*\s*(.+)", head)
        entry = (f'<a href="{pages[i][0]}">{html.escape(pages[i][1])}</a> '
                 f'({html.escape(minutes.group(1) if minutes else "")})<br>'
                 f'{html.escape(question.group(1) if question else "")}')
        if is_going_further(path.stem) and rows:  # a Going further notebook: listed under its lesson
            rows[-1] = rows[-1].removesuffix("</li>") + f'<ul><li class="going-further">Optional: {entry}</li></ul></li>'
        else:
            rows.append(f"<li>{entry}</li>")
    intro = ('<h1>Between Two Powers</h1><p>A course on Iraq\'s parliamentary vote of January 2020 on U.S. troops, '
             'taught through one news article: its context, its actors and their arguments.</p>'
             '<p class="course-note">This is a copy of the course without Python: the text, charts and quizzes '
             'are here (your quiz answers stay in this browser, and each lesson\'s page can export them for your '
             'teacher), but the activities and exercises need Python. For those, open the notebooks in JupyterLab '
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

    from ..citations import PAGE

    (out / "sources.html").write_text(render_notebook(notebooks_dir() / PAGE, pages, None, "Sources"),
                                      encoding="utf-8")
    from . import toolbox

    (out / "toolbox.html").write_text(render_notebook(notebooks_dir() / toolbox.PAGE, pages, None, "Python toolbox"),
                                      encoding="utf-8")
    return out
