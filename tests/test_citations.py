"""Source references: short numbered links in the lessons, generated lists, and the sources page."""
import re

import nbformat
import pytest

from twopowers.citations import (LIST, ONE, PAGE, REFERENCE, SLUG, cited, describe, numbers, reference, renumber,
                                 sources, text_citations, update_all)
from twopowers.data import course_notebooks, notebooks_dir
from twopowers.errors import CourseError
from twopowers.teach.lessons import lesson_notebooks, prose

LESSONS = lesson_notebooks()
WITH_LISTS = [p for p in course_notebooks() if not p.name.startswith("00_")]  # lessons and Going further
NUMBERED = numbers()


def markdown_of(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("path", WITH_LISTS, ids=lambda p: p.name)
def test_every_reference_is_a_numbered_link_to_a_known_source(path):
    text = markdown_of(nbformat.read(path, as_version=4))
    assert not SLUG.search(text), f"{SLUG.search(text).group(0)}: run python3 course.py sources to number it"
    links = ONE.findall(text)
    assert links or path not in LESSONS, f"{path.name} cites no source"
    up = "../" if path.parent != notebooks_dir() else ""
    assert text.count(f"]({up}{PAGE}#") == len(links), "each reference points to the sources page from here"
    assert text.count(f"{PAGE}#") == len(links), "every link to the sources page is a numbered reference"
    for number, source in links:
        assert source in NUMBERED, f"{path.name}: no source {source} in data/sources.csv"
        assert int(number) == NUMBERED[source], (f"{path.name}: [{number}] should be [{NUMBERED[source]}] for "
                                                 f"{source}: run python3 course.py sources")


@pytest.mark.parametrize("path", WITH_LISTS, ids=lambda p: p.name)
def test_each_lesson_lists_exactly_the_sources_its_text_cites(path):
    nb = nbformat.read(path, as_version=4)
    lists = [m.group(0) for c in nb.cells if c.cell_type == "markdown" for m in LIST.finditer(c.source)]
    assert len(lists) == 1, "one generated list of sources, in the section Sources and further reading"
    items = re.findall(r"^- \[(\d+)\]\((?:\.\./)?sources\.ipynb#cell-id=([\w-]+)\) (.+)$", lists[0], re.M)
    listed = [source for _, source, _ in items]
    assert set(listed) == set(cited(text_citations(nb)))
    assert [int(n) for n, _, _ in items] == sorted(NUMBERED[s] for s in listed), "listed by number"
    rows = {row["source_id"]: row for row in sources()}
    for _, source, text in items:
        assert rows[source]["publisher"] in text.replace("\\", "")
        if rows[source]["url"]:
            assert f"]({rows[source]['url']})" in text, "each entry links to its page"


def test_the_sources_page_has_one_entry_per_source_in_number_order():
    page = nbformat.read(notebooks_dir() / PAGE, as_version=4)
    entries = page.cells[1:]
    rows = sources()
    assert [c["id"] for c in entries] == [r["source_id"] for r in rows], "cell ids are the link targets"
    for cell, row in zip(entries, rows):
        assert cell.source.startswith(f"**[{row['number']}]** "), row["source_id"]
        assert row["url"] in cell.source


def test_every_generated_part_is_up_to_date():
    stale = update_all(write=False)
    assert not stale, f"out of date: {[p.name for p in stale]}: run python3 course.py sources"


def test_renumber_reads_old_and_stale_references_and_writes_current_numbers():
    numbered = {"a-source": 3, "b-source": 12}
    old = "Said so [source: a-source; b-source]. Again [[9](sources.ipynb#cell-id=b-source)]."
    new = renumber(old, numbered)
    assert new == ("Said so [[3](sources.ipynb#cell-id=a-source), [12](sources.ipynb#cell-id=b-source)]. "
                   "Again [[12](sources.ipynb#cell-id=b-source)].")
    assert REFERENCE.fullmatch(reference(["a-source"], numbered))
    assert renumber("[source: a-source]", numbered, "../") == "[[3](../sources.ipynb#cell-id=a-source)]"
    assert renumber("[[1](../sources.ipynb#cell-id=a-source)]", numbered, "../") == \
        "[[3](../sources.ipynb#cell-id=a-source)]", "a Going further notebook links one folder up"
    with pytest.raises(CourseError, match="No source called nowhere in data/sources.csv"):
        renumber("[source: nowhere]", numbered)


def test_a_source_reads_as_author_title_publisher_date_and_a_short_link():
    row = {"title": "Costs rise to $2 trillion", "author": "A. Writer;B. Writer", "publisher": "The *Paper*",
           "date": "2020-01-05", "url": "https://www.example.org/a/very/long/path"}
    assert describe(row) == (r'A. Writer and B. Writer, "Costs rise to \$2 trillion", *The \*Paper\**, '
                             "5 January 2020. [example.org](https://www.example.org/a/very/long/path)")
    assert describe({**row, "title": "[Untitled page]", "author": "", "date": "", "url": ""}) == \
        r"\[Untitled page\], *The \*Paper\**."
    three = describe({**row, "author": "A;B;C", "url": "https://news.example.org:443/item"})
    assert three.startswith("A, B and C, ") and three.endswith("[news.example.org](https://news.example.org:443/item)")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_references_are_not_read_as_prose(path):
    text = prose(path)
    assert "sources.ipynb" not in text and not re.search(r"\[\d+\]", text)
