"""Quality gates for every lesson notebook (01 onwards) and Going further notebook: anatomy, quizzes, charts, plain
words, ¶ coverage, and a core that fits its stated minutes by the time model."""
import re
from collections import Counter

import nbformat
import pytest

from twopowers.charts import CHART_HELPERS, is_chart
from twopowers.data import course_notebooks, going_further_paths, lesson_paths, notebooks_dir, quiz_path, table
from twopowers.teach.lessons import (ALL_PARAGRAPHS, cited_paragraphs, estimate, lesson_notebooks, markdown, minutes, prose,
                               quiz_file)

NOTEBOOKS = course_notebooks()
GOING_FURTHER = going_further_paths()
LESSONS = lesson_notebooks()
MAX_GRADE = 12


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prose_is_plain_enough_for_a_16_year_old(path):
    import textstat

    grade = textstat.flesch_kincaid_grade(prose(path))
    assert grade <= MAX_GRADE, f"{path.name}: Flesch-Kincaid grade {grade:.1f} is above {MAX_GRADE}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_anatomy(path):
    text = markdown(path)
    for part in ("## Warm-up", "**Discuss.**", "## Key points", "## Sources and further reading"):
        assert part in text, f"{path.name} has no {part}"
    assert text.index("## Key points") < text.index("## Sources and further reading")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_each_section_ends_with_its_quiz_and_every_objective_is_assessed_twice(path):
    quiz = quiz_file(path)
    questions = quiz["questions"]
    assert len(questions) >= 8, f"{path.name}: at least 8 questions"
    per_objective = Counter(q["objective"] for q in questions)
    for objective in quiz["objectives"]:
        assert per_objective[objective] >= 2, f"{objective} is assessed by {per_objective[objective]} question(s)"
    sections = {q.get("section") for q in questions}
    assert None not in sections, "every lesson question belongs to a section's quiz"
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    for section in sections:
        assert f'quiz("{path.stem}", section="{section}")' in code, f"no quiz cell for section {section!r}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_chart_is_finished_with_labels_and_a_text_description(path):
    nb = nbformat.read(path, as_version=4)
    charts = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if "image/png" in o.get("data", {})], \
            "a chart without alternative text: end it with finish(ax, description)"
        images = [o for o in cell.outputs if is_chart(o)]
        if images:
            charts += 1
            if cell.source.strip() != "show_progress()":  # the course's own progress chart labels itself
                assert re.search(rf"\b({'|'.join(('finish',) + CHART_HELPERS)})\(", cell.source), \
                    "charts end with finish(ax, description), or are drawn by a chart helper that calls it"
            printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            assert "Text description:" in printed
            for image in images:
                assert re.search(r'alt="[^"]{20,}"', image["data"]["text/html"]), "the chart's alternative text"
    assert charts >= 1, f"{path.name} has no chart"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_each_lesson_cites_the_paragraphs_it_covers(path):
    assert cited_paragraphs(path), f"{path.name} cites no ¶ of the article"


def test_every_question_type_is_used_across_lessons_01_to_04():
    early = [p for p in LESSONS if p.name[:2] in ("01", "02", "03", "04")]
    assert len(early) == 4, f"lessons 01-04 are part of the course ({len(early)} of 4 found)"
    used = {q["type"] for p in early for q in quiz_file(p)["questions"]}
    assert used == {"single", "multiple", "truefalse", "numeric", "ordering", "matching"}


def test_across_lessons_01_to_09_every_paragraph_is_covered():
    covered = set().union(*(cited_paragraphs(p) for p in LESSONS)) if LESSONS else set()
    print(f"\n¶ coverage so far: {len(covered)} of 23; missing: {sorted(ALL_PARAGRAPHS - covered)}")
    assert len(LESSONS) == 9, f"the course has nine lessons ({len(LESSONS)} found)"
    assert covered == ALL_PARAGRAPHS, f"¶ not covered by any lesson: {sorted(ALL_PARAGRAPHS - covered)}"


def data_cell(pointer):
    frame = table(pointer["table"])
    key = frame.columns[0]
    rows = frame[frame[key].astype(str) == pointer["row"]]
    assert len(rows) == 1, f"{pointer}: no single row {pointer['row']!r} in {pointer['table']}"
    return rows.iloc[0][pointer["column"]]


QUESTIONS_WITH_DATA = [(p.stem, q) for p in NOTEBOOKS if quiz_path(p.stem).exists()
                       for q in quiz_file(p)["questions"] if "data" in q]


@pytest.mark.parametrize("lesson, question", QUESTIONS_WITH_DATA,
                         ids=[f"{lesson}:{q['id']}" for lesson, q in QUESTIONS_WITH_DATA])
def test_answers_that_come_from_data_agree_with_it(lesson, question):
    value = data_cell(question["data"])
    if question["type"] == "numeric":
        assert abs(float(value) - question["answer"]) <= question.get("tolerance", 0), (value, question["answer"])
    elif question["type"] == "truefalse":
        assert str(value).lower() in ("true", "false") and (str(value).lower() == "true") == question["answer"]
    elif question["type"] in ("single", "multiple"):
        right = " ".join(o["text"] for o in question["options"] if o.get("correct"))
        assert str(value).lower() in right.lower(), f"the right option does not say {value!r}"
    else:
        assert str(value) in question["explanation"], f"the explanation does not give {value!r}"


def test_lessons_01_to_09_and_their_going_further_hold_at_least_80_questions_of_every_type():
    """The cores keep 8 or more questions each; with the Going further notebooks the course keeps 80 or more."""
    notebooks = LESSONS + GOING_FURTHER
    counts = {p.name: len(quiz_file(p)["questions"]) for p in notebooks}
    print(f"\nquestions per notebook: {counts}; total {sum(counts.values())}")
    assert len(LESSONS) == 9, f"the course has nine lessons ({len(LESSONS)} found)"
    assert sum(counts.values()) >= 80
    used = {q["type"] for p in notebooks for q in quiz_file(p)["questions"]}
    assert used == {"single", "multiple", "truefalse", "numeric", "ordering", "matching"}


def test_lesson_09_puts_the_reveal_before_any_narrative_of_what_happened():
    """The stored outputs show the prediction prompt, and the reveal comes first after the warm-up."""
    path = notebooks_dir() / "09_what_happened_next.ipynb"
    assert path.exists(), "lesson 09 is part of the course"
    cells = nbformat.read(path, as_version=4).cells
    gate = next((i for i, c in enumerate(cells) if c.cell_type == "code" and "reveal(" in c.source), None)
    assert gate is not None, "lesson 09 must call reveal(...)"
    first_section = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and re.search(r"^## 1\.", c.source, re.M))
    second_section = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and re.search(r"^## 2\.", c.source, re.M))
    assert first_section < gate < second_section, "the reveal belongs in section 1, before the story of what happened"
    stored = " ".join(str(o) for o in cells[gate].get("outputs", []))
    for detail in table("predictions")["outcome_detail"]:
        assert detail[:60] not in stored, "the stored output gives the outcome away"


def test_the_lesson_map_in_start_here_gives_each_lessons_own_minutes():
    start = markdown(notebooks_dir() / "00_start_here.ipynb")
    listed = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| (\d\d) [^|]+\|[^|]+\| (\d+) \|$", start, re.M)}
    for path in LESSONS:
        own = minutes(path)
        assert listed.get(path.name[:2]) == own, f"Start here lists {listed.get(path.name[:2])} min for {path.name}"


def test_lessons_05_and_07_count_the_room_each_side_gets_with_one_coding():
    """Only lesson 07 counts quoted words by side, with quotes.stance, and shows the what-if of stance_disputed."""
    lesson_05 = nbformat.read(notebooks_dir() / "05_the_arguments.ipynb", as_version=4)
    code_05 = "\n".join(c.source for c in lesson_05.cells if c.cell_type == "code")
    assert 'table("quotes")' not in code_05 and "n_words" not in code_05, \
        "lesson 05 must not count quoted words by the map's positions: lesson 07 counts them with quotes.stance"
    assert "Lesson 07" in markdown(notebooks_dir() / "05_the_arguments.ipynb")

    path = notebooks_dir() / "07_reading_critically.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    what_if = [c for c in cells if c.cell_type == "code" and "stance_disputed" in c.source]
    assert what_if, "lesson 07 must show how the count moves when disputed quotes are coded the other way"
    shown = " ".join(o.get("data", {}).get("text/plain", "") for c in what_if for o in c.outputs)
    quotes = table("quotes")
    quotes["n_words"] = quotes["words"].str.replace("…", "").str.split().str.len()
    for _, row in quotes[quotes["stance_disputed"].notna()].iterrows():
        assert re.search(rf"{row['speaker']}\s+{row['n_words']}\b", shown), f"the what-if does not show {row['quote_id']}"

    by_stance = quotes.groupby("stance", observed=True)["n_words"].sum()
    shammari = quotes[quotes["speaker"] == "ihsan-al-shammari"].iloc[0]
    moved = by_stance[shammari["stance_disputed"]] + shammari["n_words"]
    text = markdown(path)
    assert f"{moved} words against {by_stance['leave']}" in text, "the prose gives the what-if's numbers"
    assert "lesson 05" in text, "the prose says which lesson reads the disputed quote the other way"


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.name)
def test_each_core_lesson_fits_its_stated_minutes(path):
    """By the time model (docs/instructor-guide.md): a lesson states at most one period of 50 minutes (a
    simulation may state two, and says so), Start here at most 25, and its estimate is within what it states.
    What does not fit goes to a Going further notebook."""
    from twopowers.teach.lessons import PERIOD, periods

    stated, parts = minutes(path), estimate(path)
    assert stated <= (25 if path.name.startswith("00_") else PERIOD * periods(path))
    if periods(path) == 2:
        assert parts["minutes"] > PERIOD, "a lesson states two periods only when the time model says it needs them"
    assert parts["minutes"] <= stated, f"{path.name}: about {parts['minutes']} minutes of work for {stated} stated: {parts}"


@pytest.mark.parametrize("path", GOING_FURTHER, ids=lambda p: p.name)
def test_each_going_further_notebook_says_what_it_extends_and_keeps_the_lesson_anatomy(path):
    parent = next((p for p in lesson_paths() if p.name[:2] == path.name[:2]), None)
    assert parent is not None, f"{path.name} goes with no lesson {path.name[:2]}"
    head = nbformat.read(path, as_version=4).cells[0].source
    assert re.match(rf"# Going further {path.name[:2]}: \S", head), "its title says it is Going further"
    assert "*Optional:" in head and f"](../{parent.name})" in head, "it says it is optional and links its lesson"
    text = markdown(path)
    for part in ("**Central question:**", "## Key points", "## Sources and further reading"):
        assert part in text, f"{path.name} has no {part}"
    assert estimate(path)["minutes"] <= minutes(path), "it fits the minutes it states"
    listed = re.findall(r"\*\*(L\d{2}\.O\d+)\*\*", head)
    parent_objectives = quiz_file(parent)["objectives"]
    assert listed and set(listed) <= set(parent_objectives) | set(quiz_file(path)["objectives"]), \
        "its objectives are its lesson's"
    quiz = quiz_file(path)
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    for section in {q.get("section") for q in quiz["questions"]}:
        assert f'quiz("{path.stem}", section="{section}")' in code, f"no quiz cell for section {section!r}"
    per_objective = Counter(q["objective"] for q in quiz["questions"])
    assert all(per_objective[o] >= 2 for o in quiz["objectives"]), "each objective is assessed twice"


def test_moved_questions_keep_counting_where_they_were_answered():
    """A question moved from a lesson to its Going further notebook names where it was saved before."""
    lesson_ids = {p.stem: {q["id"] for q in quiz_file(p)["questions"]} for p in lesson_paths()}
    for path in GOING_FURTHER:
        for q in quiz_file(path)["questions"]:
            for alias in q.get("aliases", []):
                lesson, _, old_id = alias.partition(":")
                assert lesson in lesson_ids, f"{path.stem} {q['id']}: alias to an unknown lesson {lesson}"
                assert old_id not in lesson_ids[lesson], f"{alias} is still a question of {lesson}: two homes"
