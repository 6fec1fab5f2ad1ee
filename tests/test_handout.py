"""The student hand-out: everything a learner needs to start the course, and no solution in it."""
import json
import re
import zipfile

from twopowers.teach.handout import NAME, build, leaks, all_secret_lines


def test_the_handout_holds_the_course_and_no_solution(tmp_path):
    target = build(tmp_path)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        top = {n.split("/")[1] for n in names}
        assert {"course.py", "README.md", "requirements.txt", "environment.yml", "src", "data", "notebooks",
                "exercises", "jupyter-settings", "LICENSE"} <= top
        assert f"{NAME}/jupyter-settings/overrides.json5" in names, "course.py start needs the course's defaults"
        assert not top & {"solutions", "tests", "bench", ".ci", "tools", ".git"}
        assert any(n.endswith("notebooks/00_start_here.ipynb") for n in names)
        assert any("/exercises/ex" in n and n.endswith(".ipynb") for n in names)
        secrets = all_secret_lines()
        assert secrets, "the solutions hold solution lines to look for"
        for name in names:
            text = archive.read(name).decode("utf-8", errors="ignore")
            if name.endswith(".ipynb"):
                text += "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
            for line in secrets:
                assert line not in text, f"{name} shows solution text {line!r}"
        readme = archive.read(f"{NAME}/README.md").decode()
        assert "python3 course.py start" in readme and "not included" in readme
        # the README describes what start does: the address it prints, and how to stop it
        course = archive.read(f"{NAME}/course.py").decode()
        assert "Open the course at: " in course and "[course] Open the course at: http" in readme
        assert "press Ctrl+C twice" in course and "press Ctrl+C twice" in readme


def test_a_solution_line_anywhere_stops_the_handout():
    secrets = {'quorum = int(parliament.loc[...]) // 2 + 1': "ex04"}
    found = leaks({"notebooks/x.ipynb": "text\nquorum = int(parliament.loc[...]) // 2 + 1\n"}, secrets)
    assert found and "ex04" in found[0] and "notebooks/x.ipynb" in found[0]


def test_the_handout_ships_the_learners_api_and_none_of_the_instructors_side(tmp_path):
    """Learners get the package top (every public name works from the unzipped copy, with its data) and no
    grading, report or hand-out code; an instructor command in the student copy says so instead of failing."""
    import subprocess
    import sys

    target = build(tmp_path)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "unzipped")
    package = [n for n in names if "/src/twopowers/" in n]
    assert any(n.endswith("/src/twopowers/__init__.py") for n in package)
    assert not [n for n in package if "/twopowers/teach/" in n], "the instructor's side is not for learners"
    root = tmp_path / "unzipped" / NAME
    imports_teach = re.compile(r"^\s*(from|import)\s+(twopowers)?\.*teach\b", re.M)
    for path in (root / "src" / "twopowers").rglob("*.py"):
        if path.name != "__main__.py":  # which says, when teach/ is missing, that this is the student copy
            assert not imports_teach.search(path.read_text(encoding="utf-8")), \
                f"{path.name} imports the instructor's side, which the hand-out leaves out"
    env = {"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MPLBACKEND": "Agg"}
    code = ("import twopowers; [getattr(twopowers, n) for n in twopowers.__all__]; "
            "from twopowers import table; print(len(table('actors')) > 0, twopowers.table.__module__)")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root)
    assert ran.returncode == 0 and ran.stdout.split() == ["True", "twopowers.data"], ran.stderr
    command = subprocess.run([sys.executable, "-m", "twopowers", "grade", "submissions"], capture_output=True,
                             text=True, env=env, cwd=root)
    assert command.returncode != 0 and "student copy" in command.stderr and "Traceback" not in command.stderr
