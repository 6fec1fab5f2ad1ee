"""The static course site: every lesson page, working internal links, real alternative text on images, nothing
loaded from the network, no prose about the hidden setup cell, every quiz shown from the same data a lesson
builds, and one line per other widget saying where to use it.

tests/test_site_browser.py opens the same pages in a browser, offline and on a phone-sized screen.
"""
import json
import re
from urllib.parse import urlparse

import nbformat
import pytest
from bs4 import BeautifulSoup

from twopowers.citations import numbers
from twopowers.data import course_notebooks
from twopowers.teach.site import build

DEFAULT_ALT = "No description has been provided for this image"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = build(tmp_path_factory.mktemp("site"))
    return out, {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in out.glob("*.html")}


def test_every_notebook_has_a_page_and_the_index_links_them_all(site):
    out, pages = site
    expected = {f"{p.stem}.html" for p in course_notebooks()}  # lessons and Going further notebooks
    assert expected <= set(pages)
    assert {"index.html", "glossary.html", "data.html", "sources.html", "toolbox.html"} <= set(pages)
    linked = {a["href"] for a in pages["index.html"].select("main a[href]")}
    assert expected <= linked


def test_every_internal_link_resolves(site):
    out, pages = site
    for name, soup in pages.items():
        ids = {tag["id"] for tag in soup.select("[id]")}
        for link in soup.select("a[href]"):
            href = link["href"]
            parsed = urlparse(href)
            if parsed.scheme in ("http", "https", "mailto", "data"):
                continue
            target, _, anchor = href.partition("#")
            if target:
                assert (out / target).exists(), f"{name}: link to missing {href}"
            if anchor:
                there = ids if not target else {tag["id"] for tag in pages[target].select("[id]")}
                assert anchor in there, f"{name}: link to missing anchor {href}"


def test_a_source_number_links_to_its_entry_on_the_sources_page(site):
    out, pages = site
    numbered = numbers()
    entries = {tag["id"]: tag.get_text(" ", strip=True) for tag in pages["sources.html"].select("[id^='cell-id=']")}
    assert len(entries) == len(numbered) + 1, "the introduction, then one entry per source"
    links = [a for name, soup in pages.items() if name[:2].isdigit()
             for a in soup.select("a[href^='sources.html#cell-id=']")]
    assert len(links) > 200
    for link in links:
        source = link["href"].split("cell-id=")[1]
        assert link.get_text() == str(numbered[source])
        assert entries[f"cell-id={source}"].startswith(f"[{numbered[source]}]")
    assert "sources.ipynb" not in str(pages["02_how_we_got_here.html"])
    assert pages["sources.html"].title.get_text() == "Sources"
    assert pages["02_how_we_got_here.html"].title.get_text() == "Lesson 02: How we got here"


def test_every_image_has_real_alternative_text(site):
    out, pages = site
    images = 0
    for name, soup in pages.items():
        for image in soup.select("img"):
            images += 1
            alt = (image.get("alt") or "").strip()
            assert alt and alt != DEFAULT_ALT and len(alt.split()) >= 5, f"{name}: image without a description"
    assert images >= 9, "each lesson has at least one chart"


def test_pages_work_on_a_phone_and_say_where_to_answer(site):
    out, pages = site
    for name, soup in pages.items():
        assert soup.select_one('meta[name="viewport"]'), name
        assert soup.html.get("lang") == "en"
    lesson = pages["04_the_vote_in_numbers.html"]
    assert lesson.select("[data-quiz]") and lesson.select_one("form.quiz-export"), "quizzes are answered on the page"
    assert "import pandas as pd" not in lesson.get_text(), "the setup cell's code is left out"
    glossary = pages["glossary.html"].get_text()
    assert "quorum" in glossary
    assert re.search(r"parliament_2018.*rows", pages["data.html"].get_text(), re.S)


def loaded_addresses(soup):
    """Every address a page loads by itself (scripts, styles, fonts, images, frames), not the links a reader follows."""
    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                           ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")):
        for element in soup.select(f"{tag}[{attribute}]"):
            yield element[attribute]
    css = [style.get_text() for style in soup.select("style")] + [tag["style"] for tag in soup.select("[style]")]
    for text in css:
        yield from re.findall(r"""(?:@import\s*|url\(\s*)['"]?([^'")\s;]+)""", text)
    for script in soup.select("script:not([src])"):  # e.g. a module script that imports from a CDN
        yield from re.findall(r"https?://[^\s'\"`)]+", script.get_text())


def test_pages_load_nothing_from_the_network(site):
    out, pages = site
    checked = 0
    for name, soup in pages.items():
        for address in loaded_addresses(soup):
            checked += 1
            parsed = urlparse(address)
            if parsed.scheme == "data":
                continue
            assert not parsed.scheme and not parsed.netloc, f"{name} loads {address[:80]} from outside the site"
            assert (out / parsed.path).resolve().is_relative_to(out.resolve()), f"{name} loads {address[:80]}"
    assert checked >= 9, "each lesson's chart at least is found"


def lesson_pages(pages):
    for path in course_notebooks():
        yield path, pages[f"{path.stem}.html"]


def test_the_hidden_setup_cell_is_not_mentioned_and_each_lesson_says_what_the_page_is(site):
    out, pages = site
    for path, soup in lesson_pages(pages):
        text = soup.select_one("main").get_text(" ")
        assert not re.search(r"setup\s+cell", text, re.I), f"{path.stem}: prose about a cell the page leaves out"
        assert text.count("This page is a copy of the notebook without Python") == 1, path.stem


def page_quizzes(soup) -> list[dict]:
    """The quiz data a page hands its quiz script, in the order the quizzes appear."""
    return [json.loads(soup.select_one(f"script#{holder['data-quiz']}").string) for holder in soup.select("[data-quiz]")]


def test_each_quiz_is_the_lessons_quiz_and_each_other_widget_says_once_where_to_use_it(site):
    """Each quiz output of a notebook becomes a quiz on its page, with the questions the lesson shows (same ids,
    prompts and marking data, checked by the same schema); every other widget gets one line naming JupyterLab."""
    from twopowers.quizzes import SITE_MIME, quiz_data, select

    out, pages = site
    for path, soup in lesson_pages(pages):
        nb = nbformat.read(path, as_version=4)
        outputs = [o.get("data", {}) for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
        quizzes = [d[SITE_MIME] for d in outputs if SITE_MIME in d]
        shown = page_quizzes(soup)
        assert len(shown) == len(quizzes), f"{path.stem}: every quiz is on the page"
        for where, data in zip(quizzes, shown):
            expected = quiz_data(*select(where["lesson"], where.get("section")), learner="site")
            assert data == expected, f"{path.stem}: the page's quiz is not the lesson's {where}"
        others = [d for d in outputs if "application/vnd.jupyter.widget-view+json" in d and SITE_MIME not in d]
        said = [output.get_text(" ", strip=True) for output in soup.select(".jp-OutputArea-child")
                if "JupyterLab" in output.get_text()]
        assert len(said) == len(others), f"{path.stem}: one line per activity"
        for line in said:
            assert line.count("JupyterLab") == 1 and "(s)" not in line and "_" not in line, f"{path.stem}: {line}"
        assert (soup.select_one("form.quiz-export") is not None) == bool(quizzes), path.stem
    assert sum(len(page_quizzes(soup)) for _, soup in lesson_pages(pages)) >= 40


def test_the_quiz_data_cannot_end_its_script_element_early():
    """A prompt may hold "</script>" or "<!--" one day: in the page it stays inside its JSON."""
    from twopowers.teach.site import _script_json

    text = _script_json({"prompt": "a </script><script>alert(1)</script> <!-- b"})
    assert "<" not in text and json.loads(text)["prompt"].startswith("a </script>")


def test_every_lesson_s_questions_are_counted_in_an_export(site):
    """The course index an export counts answers against lists every quiz file's questions."""
    from twopowers.data import quiz_dir
    from twopowers.questions import load_quiz_file

    out, pages = site
    course = json.loads(pages["02_how_we_got_here.html"].select_one("script#quiz-course").string)
    files = [load_quiz_file(p) for p in sorted(quiz_dir().glob("*.yml"))]
    assert course == {f.lesson: {"title": f.title, "questions": [q.id for q in f.questions]} for f in files}
