"""The static course site: every lesson page, working internal links, real alternative text on images."""
import re
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from twopowers.data import notebooks_dir
from twopowers.site import build

DEFAULT_ALT = "No description has been provided for this image"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = build(tmp_path_factory.mktemp("site"))
    return out, {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in out.glob("*.html")}


def test_every_notebook_has_a_page_and_the_index_links_them_all(site):
    out, pages = site
    expected = {f"{p.stem}.html" for p in notebooks_dir().glob("[0-9][0-9]_*.ipynb")}
    assert expected <= set(pages)
    assert {"index.html", "glossary.html", "data.html", "sources.html"} <= set(pages)
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
            elif anchor:
                assert anchor in ids, f"{name}: link to missing anchor #{anchor}"


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
    assert "Run this notebook in JupyterLab to answer" in lesson.get_text()
    assert "import pandas as pd" not in lesson.get_text(), "the setup cell's code is left out"
    glossary = pages["glossary.html"].get_text()
    assert "quorum" in glossary
    assert re.search(r"parliament_2018.*rows", pages["data.html"].get_text(), re.S)
