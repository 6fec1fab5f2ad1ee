"""Maintainers' commands (also reachable as ``python3 course.py validate`` / ``refresh``).

    python -m twopowers validate [quiz files]   check quiz files against data/quizzes/quiz.schema.json
    python -m twopowers refresh [notebooks]     re-run notebooks as a new learner and save their outputs
                                                (default: the lessons, Going further and the solutions)
    python -m twopowers exercises [--check]     write exercises/ from solutions/ (or only say what drifted)
    python -m twopowers sources [--check]       renumber the lessons' source references, rewrite their source
                                                lists and notebooks/sources.ipynb (or only say what drifted)
    python -m twopowers handout [--out DIR]     build the student zip: lessons, exercises, data, package
    python -m twopowers grade SUBMISSIONS       grade a class (see gradebook.py for the options)
    python -m twopowers site [--out DIR]        build the static HTML course (default: site/)
    python -m twopowers report                  print the course's figures in one report (needs textstat)
    python -m twopowers plans [--check]         write docs/lesson-plans.md: each lesson minute by minute
    python -m twopowers hub --roster FILE       serve the course to a class with JupyterHub (root, Linux)
    python -m twopowers collect OUT             learners' exercises from the hub into OUT/<learner>/ (root)
    python -m twopowers return-feedback RESULTS each learner's feedback page into their hub folder (root)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def validate(paths: list[Path]) -> int:
    """Check quiz files as lessons and the site do: the schema (with jsonschema), then the course's own rules."""
    from jsonschema import Draft202012Validator

    from ..data import quiz_dir
    from ..errors import QuizFileError
    from ..questions import load_schema, quiz_problems, read_yaml

    Draft202012Validator.check_schema(load_schema())  # the schema file itself first
    paths = paths or sorted(quiz_dir().glob("*.yml"))
    failed = 0
    for path in paths:
        try:
            raw = read_yaml(path)
        except QuizFileError as err:
            problems = err.problems
        else:
            problems = quiz_problems(raw, path.name)
        if problems:
            failed += 1
            print(f"FAIL {path}")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print(f"ok   {path} ({len(raw['questions'])} questions)")
    print(f"{len(paths) - failed} of {len(paths)} quiz files are valid.")
    return 1 if failed else 0


def exercises(check_only: bool) -> int:
    from .exercise import solution_notebooks
    from .release import generate

    changed = generate(write=not check_only)
    for path in changed:
        print(f"{'drifted' if check_only else 'wrote'} {path}")
    print(f"{len(solution_notebooks())} exercise notebook(s); {len(changed)} "
          f"{'out of date: run python3 course.py exercises' if check_only else 'rewritten'}.")
    return 1 if check_only and changed else 0


def grade_command(args) -> int:
    from ..errors import CourseError
    from .gradebook import DEFAULT_OUT, grade_class, merge_written, where_to_look

    try:
        if args.merge_written:
            if args.submissions and args.out and args.submissions.resolve() != args.out.resolve():
                print("--merge-written reads one results folder: give it once, as --out FOLDER.", file=sys.stderr)
                return 2
            summary = merge_written(args.out or args.submissions or Path(DEFAULT_OUT))
            print("Merged the points typed in written_answers.csv.")
        elif args.submissions is None:
            print("Give the folder or zip of submissions: python3 course.py grade SUBMISSIONS", file=sys.stderr)
            return 2
        else:
            summary = grade_class(args.submissions, args.out or Path(DEFAULT_OUT), args.workers, args.cell_timeout,
                                  args.notebook_limit, args.memory_mb, no_sandbox=args.no_sandbox)
    except CourseError as err:
        print(err, file=sys.stderr)
        return 1
    print(where_to_look(summary))
    return 0


def sources(check_only: bool) -> int:
    from ..citations import update_all
    from ..errors import CourseError

    try:
        changed = update_all(write=not check_only)
    except CourseError as err:
        print(err, file=sys.stderr)
        return 1
    for path in changed:
        print(f"{'out of date' if check_only else 'wrote'} {path}")
    print(f"{len(changed)} notebook(s) {'out of date: run python3 course.py sources' if check_only else 'rewritten'}.")
    return 1 if check_only and changed else 0


def write_plans(check_only: bool) -> int:
    from ..data import course_root
    from .report import lesson_plans

    path = course_root() / "docs" / "lesson-plans.md"
    text = lesson_plans()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        print(f"{path} is up to date.")
        return 0
    if check_only:
        print(f"{path} is out of date: run python3 course.py plans")
        return 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from ..schema import skip_format_checkers

    skip_format_checkers()  # before nbformat imports jsonschema
    parser = argparse.ArgumentParser(prog="twopowers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check the quiz files against data/quizzes/quiz.schema.json")
    check.add_argument("files", nargs="*", type=Path, help="quiz files (default: all of data/quizzes)")
    again = commands.add_parser("refresh", help="re-run notebooks in place so their stored outputs are current")
    again.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: all of notebooks/)")
    make = commands.add_parser("exercises", help="write the learners' exercises/ from solutions/")
    make.add_argument("--check", action="store_true", help="write nothing; fail if exercises/ has drifted")
    numbered = commands.add_parser("sources", help="renumber source references; rewrite the sources page")
    numbered.add_argument("--check", action="store_true", help="write nothing; fail if anything is out of date")
    out = commands.add_parser("handout", help="build the student hand-out zip (no solutions inside)")
    out.add_argument("--out", type=Path, default=None, help="folder for the zip (default: dist/)")
    grade = commands.add_parser("grade", help="grade a folder or zip of submissions with the solutions")
    grade.add_argument("submissions", nargs="?", type=Path, help="<student>/<exercise>.ipynb or "
                                                                  "<student>_<exercise>.ipynb, or a zip of them")
    grade.add_argument("--out", type=Path, default=None,
                       help="results folder (default: grading-results in the current folder; git ignores it)")
    grade.add_argument("--workers", type=int, default=None, help="parallel kernels (default: one per core)")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="grade even where there is no sandbox (no bubblewrap): see what is then off")
    grade.add_argument("--cell-timeout", type=int, default=10, help="seconds per cell (default 10)")
    grade.add_argument("--notebook-limit", type=int, default=180, help="seconds per notebook (default 180)")
    grade.add_argument("--memory-mb", type=int, default=1536, help="memory per kernel (default 1536 MB)")
    grade.add_argument("--merge-written", action="store_true",
                       help="merge the points typed in OUT/written_answers.csv (no regrading)")
    web = commands.add_parser("site", help="build a static HTML version of the course, readable without Python")
    web.add_argument("--out", type=Path, default=None, help="folder (default: site/)")
    commands.add_parser("report", help="print the course's figures: lessons, exercises, data, benchmarks")
    plans = commands.add_parser("plans", help="write docs/lesson-plans.md from the lessons and the time model")
    plans.add_argument("--check", action="store_true", help="write nothing; fail if the plans are out of date")
    from .hub import DEFAULT_MEMORY, DEFAULT_SRV

    hub = commands.add_parser("hub", help="serve the course to a class on this machine with JupyterHub")
    hub.add_argument("--roster", type=Path, required=True,
                     help="CSV file: username, role (learner or teacher), name (see hub/roster-example.csv)")
    hub.add_argument("--port", type=int, default=8000, help="port learners open (default 8000)")
    hub.add_argument("--ip", default="", help="address to listen on (default: every address of this machine)")
    hub.add_argument("--ssl-cert", default=None, help="HTTPS certificate file (with --ssl-key)")
    hub.add_argument("--ssl-key", default=None, help="HTTPS private key file")
    hub.add_argument("--memory", default=DEFAULT_MEMORY, help=f"memory per process (default {DEFAULT_MEMORY})")
    hub.add_argument("--idle-minutes", type=int, default=60, help="stop a server unused this long (default 60)")
    hub.add_argument("--srv", type=Path, default=DEFAULT_SRV, help=f"the hub's folder (default {DEFAULT_SRV})")
    gather = commands.add_parser("collect", help="copy every learner's exercises from the hub into a folder")
    gather.add_argument("out", type=Path, help="folder for OUT/<learner>/<exercise>.ipynb")
    gather.add_argument("--exercise", default=None, help="only this exercise (e.g. ex04_the_vote_in_numbers)")
    gather.add_argument("--srv", type=Path, default=DEFAULT_SRV, help=f"the hub's folder (default {DEFAULT_SRV})")
    give = commands.add_parser("return-feedback", help="put each learner's feedback page in their hub folder")
    give.add_argument("results", type=Path, help="the results folder of course.py grade")
    give.add_argument("--srv", type=Path, default=DEFAULT_SRV, help=f"the hub's folder (default {DEFAULT_SRV})")
    args = parser.parse_args(argv)
    if args.command in ("hub", "collect", "return-feedback"):
        from . import hub as hub_module

        return {"hub": hub_module.serve, "collect": hub_module.collect_command,
                "return-feedback": hub_module.return_command}[args.command](args)
    if args.command == "report":
        from .report import report

        print(report(), end="")
        return 0
    if args.command == "plans":
        return write_plans(args.check)
    if args.command == "site":
        from .site import build as build_site

        print(f"wrote {build_site(args.out) / 'index.html'}")
        return 0
    if args.command == "grade":
        return grade_command(args)
    if args.command == "handout":
        from ..errors import CourseError
        from .handout import build

        try:
            print(f"wrote {build(args.out)}")
        except CourseError as err:
            print(err, file=sys.stderr)
            return 1
        return 0
    if args.command == "validate":
        return validate(args.files)
    if args.command == "exercises":
        return exercises(args.check)
    if args.command == "sources":
        return sources(args.check)
    from .exercise import solution_notebooks
    from ..data import course_notebooks, notebooks_dir
    from .notebooks import refresh

    pages = [p for p in sorted(notebooks_dir().glob("*.ipynb")) if p not in course_notebooks()]  # toolbox, sources
    return refresh(args.notebooks or [*course_notebooks(), *pages, *solution_notebooks()])


if __name__ == "__main__":
    sys.exit(main())
