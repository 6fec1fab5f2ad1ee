"""The static course site: every lesson page, working internal links, real alternative text on images, nothing
loaded from the network, no prose about the hidden setup cell, one line per quiz saying where to answer it.

tests/test_site_browser.py opens the same pages in a browser, offline and on a phone-sized screen.
"""
import re
from urllib.parse import urlparse

import nbformat
import pytest
from bs4 import BeautifulSoup

from twopowers.citations import numbers
from twopowers.data import course_notebooks
from twopowers.site import build

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
    assert "Open the notebook in JupyterLab to answer" in lesson.get_text()
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


def test_each_quiz_and_activity_says_once_where_to_answer_it(site):
    out, pages = site
    for path, soup in lesson_pages(pages):
        nb = nbformat.read(path, as_version=4)
        widgets = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
                   if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        said = [output.get_text(" ", strip=True) for output in soup.select(".jp-OutputArea-child")
                if "JupyterLab" in output.get_text()]
        assert len(said) == len(widgets), f"{path.stem}: one line per quiz or activity"
        for line in said:
            assert line.count("JupyterLab") == 1 and "(s)" not in line and "_" not in line, f"{path.stem}: {line}"
    lesson = pages["02_how_we_got_here.html"].get_text(" ", strip=True)
    assert re.search(r"Quiz: \d+ questions\. Open the notebook in JupyterLab to answer\.", lesson)
