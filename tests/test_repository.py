"""The repository as a newcomer finds it: two commands that match CI, pinned packages in sync, clean notebooks."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from twopowers.data import course_notebooks, is_going_further, notebooks_dir, quiz_path
from twopowers.teach.notebooks import CELL_METADATA, NOTEBOOK_METADATA

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [*course_notebooks(), *(notebooks_dir() / page for page in ("sources.ipynb", "toolbox.ipynb"))]  # + references
LESSONS = course_notebooks()
SHARED = ROOT.parent / "shared"


def readme_commands():
    return re.findall(r"```\n(python3 course\.py \w+)\n```", (ROOT / "README.md").read_text())


def test_readme_gives_the_two_commands_and_ci_runs_exactly_the_test_one():
    assert readme_commands() == ["python3 course.py start", "python3 course.py test"]
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert ci_lines[-1] == "python3 course.py test"


def test_readme_has_a_section_for_each_kind_of_user():
    text = (ROOT / "README.md").read_text()
    for heading in ("## For learners", "## For instructors", "## For maintainers", "## The article"):
        assert heading in text


def pins(path):
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return dict(line.split("==") for line in lines if "==" in line)


def names(path):
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return {re.split(r"[<>=~!\[; ]", line)[0].lower().replace("_", "-") for line in lines if line}


def test_every_requirement_is_pinned_and_every_wish_is_in_the_lock():
    for source, lock in (("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt"),
                         ("requirements-hub.in", "requirements-hub.txt")):
        locked = {n.lower().replace("_", "-") for n in pins(ROOT / lock)} | \
            {n.lower().replace("_", "-") for n in pins(ROOT / "requirements.txt")}
        assert names(ROOT / source) <= locked, f"{source} asks for something {lock} does not pin"
        loose = [line for line in (ROOT / lock).read_text().splitlines()
                 if line and not line.startswith(("#", "-r")) and "==" not in line]
        assert loose == [], f"unpinned lines in {lock}"
    assert "nbval" not in {n.lower() for n in pins(ROOT / "requirements.txt")}, "test tools belong in -dev"


def test_environment_yml_installs_exactly_the_learners_pins_and_the_package():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt", "-e ."]
    python = next(d for d in conda if d.startswith("python="))
    locked_with = re.search(r"\(Python (\d+\.\d+)\)", (ROOT / "requirements.txt").read_text().splitlines()[0])
    assert python == f"python={locked_with.group(1)}", "environment.yml and requirements.txt name different Pythons"
    learners = pins(ROOT / "requirements.txt")
    for dep in conda:  # anything conda installs itself must match the pin pip would install
        name, _, version = dep.partition("=")
        if name not in ("python", "pip"):
            assert learners.get(name) == version.lstrip("="), f"{dep} differs from requirements.txt"


def test_the_package_asks_for_a_python_that_the_lock_was_made_with():
    text = (ROOT / "pyproject.toml").read_text()
    minimum = re.search(r'requires-python = ">=(\d+)\.(\d+)"', text).groups()
    locked_with = re.search(r"\(Python (\d+)\.(\d+)\)", (ROOT / "requirements.txt").read_text()).groups()
    assert tuple(map(int, locked_with)) >= tuple(map(int, minimum))


def test_course_script_uses_only_the_standard_library():
    imported = re.findall(r"^(?:import|from) (\w+)", (ROOT / "course.py").read_text(), re.M)
    assert set(imported) <= set(sys.stdlib_module_names) | {"__future__"}


def test_course_script_explains_itself():
    out = subprocess.run([sys.executable, str(ROOT / "course.py"), "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "python3 course.py start" in out.stdout
    assert subprocess.run([sys.executable, str(ROOT / "course.py"), "frobnicate"], capture_output=True).returncode == 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_carry_no_editor_noise(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert set(nb.metadata) <= NOTEBOOK_METADATA
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        assert set(cell.metadata) <= CELL_METADATA, f"cell {cell.get('id')}: {set(cell.metadata)}"
        if cell.cell_type == "code":
            assert cell.outputs or not cell.source.strip() or "setup" in cell.metadata.get("tags", []), \
                "code cells keep their outputs for nbval"
            assert not any(o.output_type == "error" for o in cell.outputs)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_one_hidden_setup_cell_imports_the_package_and_nothing_builds_data_paths(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = [c for c in code if "setup" in c.metadata.get("tags", [])]
    assert len(setup) == 1 and setup[0] is code[0], "one setup cell, the first code cell"
    assert setup[0].metadata["jupyter"]["source_hidden"] is True
    assert "twopowers" in setup[0].source
    for cell in code:
        assert not re.search(r"""["'][^"']*(data/|\.csv|\.yml)""", cell.source), "load data through the package"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_each_notebook_opens_with_question_time_objectives_and_closes_with_key_points(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "**Central question:**" in text and re.search(r"\*\*Time:\*\* about \d+ minutes", text)
    listed = re.findall(r"\*\*(L\d{2}\.O\d+)\*\*", text)
    assert (1 if is_going_further(path.stem) else 3) <= len(listed) <= 5, "3-5 objectives; 1-3 for Going further"
    quiz_file = quiz_path(path.stem)
    if quiz_file.exists():
        assert listed == list(yaml.safe_load(quiz_file.read_text())["objectives"]), \
            "the objectives in the notebook and in its quiz file must be the same"
    assert "## Key points" in text, "each notebook closes with its key points"


def test_importing_the_package_has_no_side_effects(tmp_path):
    code = ("import os, twopowers, twopowers.teach.cli, twopowers.teach.notebooks; "
            "print(os.path.exists(os.environ['TWOPOWERS_PROGRESS_DIR']))")
    env = {"TWOPOWERS_PROGRESS_DIR": str(tmp_path / "never-made"), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "False" and out.stderr == ""


def test_no_markdown_cell_has_a_bare_dollar_sign():
    """JupyterLab (and the site) read text between two $ signs as mathematics: "$0.7 to $0.9 trillion" would
    show in italics with its source links broken. A money sign is written \\$ in markdown."""
    from twopowers.data import course_notebooks
    from twopowers.teach.exercise import solution_notebooks

    bare = [(path.name, cell.source[max(0, m.start() - 30):m.start() + 30])
            for path in [*course_notebooks(), *ROOT.glob("notebooks/*.ipynb"), *solution_notebooks()]
            for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"
            for m in re.finditer(r"(?<!\\)\$", cell.source)]
    assert not bare, bare


def test_notebooks_and_exercises_use_only_the_packages_public_api():
    """Lessons, Going further, the toolbox and the exercises import from the package top, and every name they
    import is in ``__all__``: the one API the hand-out ships."""
    import twopowers
    from twopowers.data import course_notebooks
    from twopowers.teach.exercise import solution_notebooks

    found = set()
    for path in [*course_notebooks(), *ROOT.glob("notebooks/*.ipynb"), *solution_notebooks(),
                 *ROOT.glob("exercises/*/*.ipynb")]:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            assert not re.search(r"^\s*(from|import) twopowers\.", cell.source, re.M), \
                f"{path.name} imports a module of the package, not its top: {cell.source[:80]!r}"
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.ImportFrom) and node.module == "twopowers":
                    found |= {alias.name for alias in node.names}
    assert found and found <= set(twopowers.__all__), found - set(twopowers.__all__)


@pytest.mark.skipif(not (SHARED / "tools" / "verbatim_check.py").exists(),
                    reason="the article's checker lives in ../shared (present in CI), not in this repository")
def test_the_course_explains_the_article_in_its_own_words():
    out = subprocess.run([sys.executable, str(SHARED / "tools" / "verbatim_check.py"), str(ROOT)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_the_article_itself_is_not_in_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [t for t in tracked if t.startswith("shared/") or t.endswith("56b6d714b9aac142.txt")]
