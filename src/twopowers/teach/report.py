"""The course's figures in one report (``python3 course.py report``), as Markdown tables.

Lessons (minutes, questions by type, objectives and how often each is assessed, ¶ cited, reading grade),
¶ coverage, each notebook's stated minutes beside the time model's estimate, the Python toolbox entries each core
notebook brings in, what the questions ask for (skills)
and the cues a test-wise learner could use, exercises and points, the data package (rows per table, sources), and the latest benchmark
figures from bench/results/. Reading grades need textstat, a test tool: the command runs in the test
environment.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

from ..data import course_root, package, table
from .lessons import (ALL_PARAGRAPHS, TIME_MODEL, cited_paragraphs, estimate, lesson_notebooks, minutes, prose,
                      quiz_file)

TYPES = ["single", "multiple", "truefalse", "numeric", "ordering", "matching"]


def _table(header: list[str], rows: list[list]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|",
            *["| " + " | ".join(str(c) for c in row) + " |" for row in rows]]


def lesson_lines() -> list[str]:
    import textstat

    rows, totals, covered = [], Counter(), set()
    for path in lesson_notebooks():
        quiz = quiz_file(path)
        kinds = Counter(q["type"] for q in quiz["questions"])
        per_objective = Counter(q["objective"] for q in quiz["questions"])
        cited = cited_paragraphs(path)
        covered |= cited
        totals.update(kinds)
        rows.append([path.stem, minutes(path), len(quiz["questions"]), *[kinds.get(t, 0) for t in TYPES],
                     len(quiz["objectives"]), min(per_objective[o] for o in quiz["objectives"]), len(cited),
                     f"{textstat.flesch_kincaid_grade(prose(path)):.1f}"])
    rows.append(["**all lessons**", sum(r[1] or 0 for r in rows), sum(r[2] for r in rows),
                 *[totals.get(t, 0) for t in TYPES], sum(r[9] for r in rows), min(r[10] for r in rows),
                 f"{len(covered)} of 23", ""])
    missing = sorted(ALL_PARAGRAPHS - covered)
    return ["## Lessons", "",
            *_table(["lesson", "min", "questions", *TYPES, "objectives", "min. questions per objective",
                     "¶ cited", "reading grade"], rows),
            "", f"¶ coverage across the lessons: {len(covered)} of 23" + (f" (missing: {missing})" if missing else
                                                                        " (all)") + "."]


def time_lines() -> list[str]:
    """Each notebook's stated minutes beside the time model's estimate (docs/instructor-guide.md)."""
    from ..data import course_notebooks, is_going_further

    rows = []
    for path in course_notebooks():
        parts = estimate(path)
        stated = minutes(path)
        rows.append([path.stem + (" (optional)" if is_going_further(path.stem) else ""), stated, parts["minutes"], "yes" if stated and parts["minutes"] <= stated else "**no**",
                     parts["words"], parts["code_cells"], parts["charts"], parts["questions"], parts["discuss"],
                     parts["activities"]])
    model = TIME_MODEL
    return ["## Time", "", f"The time model: prose at {model['words_per_minute']} words a minute; {model['code_cell']:g} "
            f"min a code cell, {model['chart']:g} more for a chart; {model['question']:g} min a quiz question; "
            f"{model['discuss']:g} min a Discuss prompt; {model['activity']:g} min an activity.", "",
            *_table(["notebook", "stated min", "estimate min", "fits", "words", "code cells", "charts", "questions",
                     "discuss", "activities"], rows)]


def question_lines() -> list[str]:
    """What kind of thinking each lesson's questions ask for, and the cues a test-wise learner could use."""
    from ..data import quiz_dir
    from ..questions import EITHER_END_AT_LEAST, LONGEST_RIGHT_AT_MOST, RECALL_AT_MOST, TRUE_SHARE, balance, read_yaml

    skills = ["recall", "close-reading", "sourcing", "contextualization", "corroboration", "numbers-in-context",
              "argument"]
    rows, everything = [], []
    for path in sorted(quiz_dir().glob("[0-9][0-9]*_*.yml")):  # lessons and Going further
        questions = read_yaml(path)["questions"]
        everything += questions
        rows.append([path.stem, *_balance_cells(balance(questions), skills)])
    rows.append(["**all quizzes**", *_balance_cells(balance(everything), skills)])
    return ["## Questions", "", f"Targets across all quizzes: recall at most {RECALL_AT_MOST:.0%}; the right "
            f"single-choice option the longest, and the shortest, each in {EITHER_END_AT_LEAST:.0%} to "
            f"{LONGEST_RIGHT_AT_MOST:.0%} of questions; true/false answers "
            f"{TRUE_SHARE[0]:.0%}-{TRUE_SHARE[1]:.0%} True.", "",
            *_table(["quiz", "questions", *skills, "recall share", "longest right", "shortest right",
                     "true/false True"], rows)]


def _balance_cells(figures: dict, skills: list[str]) -> list:
    return [figures["questions"], *[figures["skills"].get(s, 0) for s in skills], f"{figures['recall_share']:.0%}",
            f"{figures['longest_right']} of {figures['single']}", f"{figures['shortest_right']} of {figures['single']}",
            f"{figures['true']} of {figures['truefalse']}"]


def exercise_lines() -> list[str]:
    """Each exercise's points by kind: judgement and mechanics (autograded), written (graded by hand)."""
    from .exercise import load_exercises

    exercises = load_exercises().values()
    rows = [[e.name, e.minutes, f"{e.points('judgement'):g}", f"{e.points('mechanics'):g}",
             f"{e.points('written'):g}", f"{e.points():g}"] for e in exercises]
    totals = {kind: sum(e.points(kind) for e in exercises) for kind in ("judgement", "mechanics", "written", None)}
    rows.append(["all", "", *(f"{totals[k]:g}" for k in ("judgement", "mechanics", "written", None))])
    return ["## Exercises", "", "Points by kind (solutions/README.md defines them): judgement and mechanics are "
            "autograded, written answers are graded by hand with a levelled rubric (docs/rubrics.md).", "",
            *_table(["exercise", "min", "judgement", "mechanics", "written", "total"], rows)]


def data_lines() -> list[str]:
    rows = []
    for resource in package()["resources"]:
        frame = table(resource["name"])
        rows.append([resource["name"], len(frame)])
    sources = table("sources")
    flagged = int((sources["note"].fillna("").str.len() > 0).sum())
    kinds = sources["kind"].value_counts()
    by_kind = [[kind, int(kinds.get(kind, 0))] for kind in sources["kind"].cat.categories]
    return ["## Data", "", f"Data package as of {package().get('x-as-of')}: {len(rows)} tables, "
            f"{sum(r[1] for r in rows)} rows, {len(sources)} sources ({flagged} with a note on their "
            "reliability or origin).", "", *_table(["table", "rows"], rows), "",
            "Sources by kind (the reliability vocabulary in data/README.md):", "", *_table(["kind", "sources"], by_kind)]


def bench_lines() -> list[str]:
    results = course_root() / "bench" / "results"
    lines = ["## Benchmarks", ""]
    latest = results / "latest.json"
    if latest.exists():
        data = json.loads(latest.read_text(encoding="utf-8"))
        when = datetime.fromtimestamp(latest.stat().st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines += [f"`python3 course.py bench`, {when}; floor notebook {data['floor_seconds']} s.", "",
                  *_table(["measure", "value", "ratio", "target", "met"],
                          [[r["measure"], f"{r['value']} {r['unit']}", "" if r["ratio"] is None else
                            f"{r['ratio']}x", r["target"], "yes" if r["ok"] else "**no**"] for r in data["rows"]])]
        where = data.get("where_the_time_goes")
        if where:
            parts = list(next(iter(where.values())))
            lines += ["", "Where each Run-All's time goes, in seconds (medians): the setup cell, cells that show a "
                      "chart, a quiz or another widget, all other cells, and the kernel's start and shutdown with "
                      "the messages between cells.", "",
                      *_table(["notebook", *parts], [[name, *(f"{by_part[p]:.2f}" for p in parts)]
                                                     for name, by_part in where.items()])]
    else:
        lines.append("No benchmark results yet: run `python3 course.py bench`.")
    grading = results / "grading.json"
    if grading.exists():
        g = json.loads(grading.read_text(encoding="utf-8"))
        ratio = "" if g.get("ratio") is None else f", ratio {g['ratio']} (target {g['target']})"
        lines += ["", f"`python3 course.py bench-grading`: {g['submissions']} submissions on {g['cores']} cores: "
                  f"ours {g['ours_seconds']} s, nbgrader 0.9.6 {g.get('nbgrader_seconds')} s{ratio}."]
    return lines + hub_lines(results / "hub_load.json")


def hub_lines(path) -> list[str]:
    """The hub load test's capacity table (python3 course.py bench-hub), if it has been run here."""
    if not path.exists():
        return []
    h = json.loads(path.read_text(encoding="utf-8"))
    rows = [[r["learners"], f"{r['server_start_p50_s']} / {r['server_start_p95_s']}", r["burst_s"], r["cell_p50_s"],
             r["cell_p95_s"], r["memory_per_learner_mib"], "yes" if r["fits"] else "**no**"]
            if "cell_p95_s" in r else
            [r["learners"], f"{r['server_start_p50_s']} / {r['server_start_p95_s']}" if "server_start_p50_s" in r else "",
             f"failed: {r['errors'][0][:90]}", "", "", "", "**no**"]
            for r in h["results"]]
    fitting = [r["learners"] for r in h["results"] if r.get("fits")]
    return ["", f"`python3 course.py bench-hub`, {h['when']}: lesson {h['lesson'][:2]} through the hub at {h['speed']:g}x "
            f"the time model's pace, on {h['cores']} cores; a class fits when p95 cell latency is under 1 s and the "
            "opening burst within 30 s. Largest class that fits: "
            + (f"{max(fitting)} learners." if fitting else "none of the sizes tried."), "",
            *_table(["learners", "server start p50 / p95 (s)", "burst (s)", "cell p50 (s)", "cell p95 (s)",
                     "memory per learner (MiB)", "fits"], rows)]


def toolbox_lines() -> list[str]:
    """The Python toolbox: what each core notebook brings in (at most two entries), and where the others are met."""
    from . import toolbox

    introduced = toolbox.introduced()
    rows = [[stem, len(new), ", ".join(toolbox.BY_ID[e].title if e in toolbox.BY_ID else f"**{e}** (not in the toolbox)"
                                       for e in new) or "nothing new"] for stem, new in introduced.items()]
    core = {e for new in introduced.values() for e in new}
    first = toolbox.first_met()
    others = [f"{toolbox.BY_ID[e.id].title} ({toolbox.place(first[e.id])})" for e in toolbox.ENTRIES
              if e.id not in core and e.id in first]
    return ["## Python toolbox", "", f"{len(toolbox.ENTRIES)} entries in notebooks/toolbox.ipynb; each core notebook "
            "brings in at most two.", "", *_table(["core notebook", "new entries", "which"], rows), "",
            "Met only in Going further notebooks and exercises: " + "; ".join(others) + "."]


def report() -> str:
    parts = [["# Course report", ""], lesson_lines(), [""], time_lines(), [""], toolbox_lines(), [""], question_lines(),
             [""], exercise_lines(), [""], data_lines(), [""], bench_lines()]
    return "\n".join(line for part in parts for line in part) + "\n"


if __name__ == "__main__":
    print(report(), end="")


def lesson_plans() -> str:
    """docs/lesson-plans.md: a minute-by-minute plan for each core lesson, from its parts and the time model."""
    from ..data import going_further_paths, lesson_paths
    from .lessons import plan, title

    lines = ["# Lesson plans", "",
             "A plan for each core lesson, minute by minute, written by `python3 course.py plans` from the notebooks "
             "and the time model (instructor guide, *How long a lesson takes*). The minutes are estimates for a class "
             "of 15–18-year-olds: time one lesson with your class and adjust. Going further notebooks are optional: "
             "set them as homework or as extension work for learners who finish early.", ""]
    for path in lesson_paths():
        stated = minutes(path)
        lines += [f"## {title(path)} ({stated} minutes)", "", *_plan_table(plan(path), stated), ""]
        for extra in going_further_paths():
            if extra.name[:2] == path.name[:2]:
                lines += [f"Going further: [{title(extra)}](../notebooks/going-further/{extra.name}), about "
                          f"{minutes(extra)} minutes, for homework or extension.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _plan_table(parts: list[dict], stated: int | None) -> list[str]:
    rows, start = [], 0.0
    for part in parts:
        end = start + part["minutes"]
        if round(end) > round(start):
            rows.append([f"{round(start)}–{round(end)}", part["part"], _doing(part)])
        start = end
    if stated and stated > round(start):
        rows.append([f"{round(start)}–{stated}", "(spare)", "questions, catching up, or a Discuss prompt at more length"])
    return _table(["minutes", "part", "what learners do"], rows)


def _doing(part: dict) -> str:
    said = [f"read about {part['words']} words" if part["words"] else ""]
    said.append({0: "", 1: "run 1 cell"}.get(part["code_cells"], f"run {part['code_cells']} cells"))
    said.append({0: "", 1: "read a chart"}.get(part["charts"], f"read {part['charts']} charts"))
    said.append({0: "", 1: "answer 1 quiz question"}.get(part["questions"], f"answer {part['questions']} quiz questions"))
    said.append({0: "", 1: "discuss in pairs"}.get(part["discuss"], f"discuss in pairs {part['discuss']} times"))
    said.append({0: "", 1: "an activity"}.get(part["activities"], f"{part['activities']} activities"))
    said.append(f"timed rounds of the simulation ({part['round_minutes']} minutes)" if part.get("round_minutes") else "")
    return ", ".join(s for s in said if s)
