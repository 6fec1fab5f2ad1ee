"""The Python toolbox holds every idiom the course uses, one example each; each core lesson brings in at most two
of them and names them in its objectives."""
import re

import nbformat
import pytest

from twopowers.teach import toolbox
from twopowers.data import course_notebooks, lesson_paths, notebooks_dir

PAGE = notebooks_dir() / toolbox.PAGE
READ = [*course_notebooks(), *toolbox.exercise_paths()]
BUILTINS = {"len", "print", "round", "int", "float", "range", "display"}


def page_cells():
    return nbformat.read(PAGE, as_version=4).cells


@pytest.mark.parametrize("path", READ, ids=lambda p: p.stem)
def test_every_piece_of_code_a_learner_reads_or_writes_is_in_the_toolbox(path):
    for code in toolbox.learner_code(path):
        found, unknown = toolbox.read(code)
        assert not unknown, f"{path.stem}: {sorted(unknown)} in\n{code}\nis not in the toolbox: use a course " \
                            "helper, or add an entry to toolbox.ENTRIES and an example to notebooks/toolbox.ipynb"
        assert found <= set(toolbox.BY_ID), f"{path.stem}: {sorted(found - set(toolbox.BY_ID))}"


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.stem)
def test_each_core_lesson_brings_in_at_most_two_entries_and_names_them_in_its_objectives(path):
    new = toolbox.introduced()[path.stem]
    assert len(new) <= 2, f"{path.stem} brings in {len(new)} toolbox entries ({', '.join(new)}): at most two"
    head = nbformat.read(path, as_version=4).cells[0].source
    line = re.search(r"^- \*\*New Python:\*\* (.+)$", head, re.M)
    assert line, f"{path.stem}: the objectives end with a '- **New Python:** ...' line"
    named = re.findall(r"\*([^*]+)\*", line.group(1))
    assert named == [toolbox.BY_ID[entry].title for entry in new], \
        f"{path.stem} names {named} as new Python, but brings in {[toolbox.BY_ID[e].title for e in new]}"
    if not new:
        assert "nothing new" in line.group(1)
    assert "toolbox.ipynb" in line.group(1), "the line links to the toolbox"


def test_the_toolbox_shows_each_entry_once_in_order_with_an_example_that_uses_it_and_where_it_is_first_met():
    cells = page_cells()
    examples = [(i, c) for i, c in enumerate(cells) if any(t.startswith("toolbox-") for t in c.metadata.get("tags", []))]
    ids = [next(t for t in c.metadata["tags"] if t.startswith("toolbox-")).removeprefix("toolbox-") for _, c in examples]
    assert ids == [entry.id for entry in toolbox.ENTRIES], "one example per entry, in the order of toolbox.ENTRIES"
    first = toolbox.first_met()
    for (i, cell), entry_id in zip(examples, ids):
        assert entry_id in toolbox.idioms(cell.source), f"the example for {entry_id} does not use it:\n{cell.source}"
        heading = cells[i - 1].source
        title = toolbox.BY_ID[entry_id].title
        assert heading.startswith(f"## {title[0].upper()}{title[1:]}\n"), f"the heading before {entry_id}'s example"
        said = re.search(r"\*First met in:\* (.+)$", heading, re.M)
        assert said and said.group(1).strip() == toolbox.place(first[entry_id]), \
            f"{entry_id} is first met in {toolbox.place(first[entry_id])}, the toolbox says {said and said.group(1)}"


def test_every_entry_is_used_somewhere_in_the_course():
    unused = [entry.id for entry in toolbox.ENTRIES if entry.id not in toolbox.first_met()]
    assert not unused, f"toolbox entries no notebook or exercise uses: {unused}: remove them"


def test_the_core_path_meets_the_core_entries_first_and_the_rest_comes_after():
    """The page says the entries after *sort the rows* appear only in Going further and exercises."""
    core = [e for entries in toolbox.introduced().values() for e in entries]
    order = [entry.id for entry in toolbox.ENTRIES]
    assert sorted(core, key=order.index) == order[:len(core)], \
        "toolbox.ENTRIES lists the entries the core lessons bring in first, then the others"
    assert order[len(core) - 1] == "sort"


def test_every_course_function_a_learner_calls_is_listed_in_the_toolbox():
    helpers = next(c.source for c in page_cells() if c.source.startswith("## The course's own functions"))
    listed = set(re.findall(r"`(\w+)\(", helpers))
    called = set().union(*(toolbox.functions_called(p) for p in READ)) - BUILTINS
    assert called <= listed, f"course functions missing from the toolbox's list: {sorted(called - listed)}"


@pytest.mark.parametrize("code, expected", [
    ('quotes = table("quotes")', {"name", "call"}),
    ('quotes[["speaker", "words"]]', {"columns"}),
    ('quotes[quotes["stance"] == "leave"]', {"match", "columns"}),
    ('tl[(tl["date"] >= "2019") & (tl["category"] == "politics")]', {"match", "both", "columns"}),
    ('quotes.groupby("stance")["n_words"].sum()', {"sum_by", "columns", "total"}),
    ("170 > 165", {"compare"}),
    ('print("Seats:", 329 // 2 + 1)', {"print", "arithmetic"}),
])
def test_the_reader_names_the_idioms_in_a_piece_of_code(code, expected):
    found, _ = toolbox.read(code)
    assert expected <= found


@pytest.mark.parametrize("code", ['pd.read_csv("x.csv")', 'x.astype(str)', 'x.map({"a": 1})', "[n * 2 for n in numbers]",
                                  "lambda row: row", "x[1:3]", 'f"{n} events"', 'a["name"] + " (" + a["kind"] + ")"',
                                  "low, high = 1, 2", "table.T", "import pandas"])
def test_the_reader_reports_what_the_toolbox_does_not_hold(code):
    assert toolbox.read(code)[1], f"{code} should be reported as not in the toolbox"


def test_the_instructor_guide_lists_what_each_core_notebook_brings_in():
    from twopowers.data import course_root

    guide = " ".join((course_root() / "docs" / "instructor-guide.md").read_text(encoding="utf-8").split())
    for stem, new in toolbox.introduced().items():
        if new:
            said = " and ".join(toolbox.BY_ID[e].title for e in new) + f" ({stem[:2]})"
            assert said in guide, f"docs/instructor-guide.md should say: {said}"


def suggested_code(text: str) -> list[str]:
    """Inline code in a lesson's text or a quiz's hints that a learner could type: Python that calls, indexes or
    reads an attribute (file paths such as `data/sources.csv` aside)."""
    import ast

    found = []
    for span in re.findall(r"`([^`\n]+)`", text):
        try:
            tree = ast.parse(span)
        except SyntaxError:
            continue
        if "/" not in span and any(isinstance(n, (ast.Call, ast.Subscript, ast.Attribute)) for n in ast.walk(tree)):
            found.append(span)
    return found


def test_what_a_lesson_and_its_quiz_suggest_typing_uses_only_python_met_by_then():
    import yaml

    from twopowers.data import quiz_path
    from twopowers.teach.lessons import markdown

    met: set[str] = set()
    for path in lesson_paths():
        met |= set(toolbox.introduced()[path.stem])
        quiz = yaml.safe_load(quiz_path(path.stem).read_text(encoding="utf-8"))
        texts = [markdown(path)] + [str(part) for q in quiz["questions"]
                                    for part in (*(q.get("hints") or []), q.get("explanation", ""), q["prompt"])]
        for span in suggested_code("\n".join(texts)):
            found, unknown = toolbox.read(span)
            if "match" in met:  # the test of a filter, quoted on its own: places["kind"] == "air-base"
                found.discard("compare")
            assert not unknown and found <= met, \
                f"{path.stem} suggests `{span}`, which needs {sorted((found - met) | unknown)} not met by then"
