"""Quiz files: every file follows the schema, and a broken file gets a message that names what to fix."""
import copy
import json

import jsonschema
import pytest
import yaml

from twopowers.teach.cli import validate
from twopowers.data import lessons_with_quizzes, quiz_dir, quiz_path, quiz_schema_path
from twopowers.errors import QuizFileError
from twopowers.questions import load_quiz_file, load_schema, quiz_problems
from twopowers.quizzes import QuizProblem, quiz

SCHEMA = json.loads(quiz_schema_path().read_text())
FILES = sorted(quiz_dir().glob("*.yml"))


def test_the_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_quiz_file_is_valid(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(raw, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert quiz_problems(raw, path.name) == []
    assert load_quiz_file(path).lesson == path.stem


def test_the_maintainers_validate_command_passes(capsys):
    assert validate([]) == 0
    assert f"{len(FILES)} of {len(FILES)} quiz files are valid" in capsys.readouterr().out


def test_every_quiz_a_notebook_shows_has_its_file_and_every_file_is_shown():
    """Each quiz("NN_name", ...) call in a course notebook names a quiz file, and each quiz file is used."""
    import re

    import nbformat

    from twopowers.data import course_notebooks

    called = {}
    for path in course_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for lesson in re.findall(r"""\bquiz\(\s*["']([\w-]+)["']""", cell.source):
                    called.setdefault(lesson, path.stem)
    assert set(called) == set(lessons_with_quizzes()), (set(called) ^ set(lessons_with_quizzes()))
    assert all(lesson == stem for lesson, stem in called.items()), "a notebook shows another lesson's quiz"
    assert len(called) >= 19


def good_file():
    return yaml.safe_load(quiz_path("00_start_here").read_text(encoding="utf-8"))


def break_field(raw, index, field, value):
    raw = copy.deepcopy(raw)
    if value is KeyError:
        del raw["questions"][index][field]
    else:
        raw["questions"][index][field] = value
    return raw


BREAKAGES = [
    (0, "prompt", KeyError, "field prompt: is missing"),
    (0, "type", "essay", "field type: should be one of"),
    (0, "options", "A or B", "field options: should be a list"),
    (0, "objective", "objective one", "field objective:"),
    (0, "paragraphs", [0, 24], "field paragraphs[0]: should be at least 1"),
    (2, "answer", "no", "field answer: should be true or false"),
    (3, "answer", KeyError, "field answer: is missing"),
    (3, "tolerance", -1, "field tolerance: should be at least 0"),
    (4, "items", ["only one"], "field items: should have at least 2"),
    (5, "pairs", [{"left": "x"}, {"left": "y", "right": "z"}], "field pairs[0].right: is missing"),
    (1, "colour", "red", "field colour: is not a known field"),
    (2, "if_wrong", KeyError, "field if_wrong: is missing"),  # true/false: its own wrong-answer text
    (3, "if_wrong", KeyError, "field if_wrong: is missing"),  # numeric likewise
]


@pytest.mark.parametrize("index, field, value, words", BREAKAGES, ids=[b[1] + "-" + str(b[0]) for b in BREAKAGES])
def test_the_checker_names_file_question_and_field(index, field, value, words):
    raw = break_field(good_file(), index, field, value)
    problems = quiz_problems(raw, "00_start_here.yml")
    qid = raw["questions"][index]["id"]
    assert any(p.startswith(f"00_start_here.yml, question {qid!r}, ") and words in p for p in problems), problems


def test_a_lesson_and_the_validate_command_give_the_same_messages(tmp_path, monkeypatch, store, capsys):
    """One checker: what a maintainer reads under a broken quiz in a lesson is what validate prints."""
    raw = break_field(break_field(good_file(), 0, "prompt", KeyError), 2, "answer", "no")
    raw["lesson"] = "07_broken"
    data = write(tmp_path, yaml.safe_dump(raw, allow_unicode=True))
    monkeypatch.setenv("TWOPOWERS_DATA", str(data))
    shown = quiz("07_broken", store=store).message
    assert validate([data / "quizzes" / "07_broken.yml"]) == 1
    printed = [line.removeprefix("  - ") for line in capsys.readouterr().out.splitlines() if line.startswith("  - ")]
    assert len(printed) == 2 and all(line in shown for line in printed), (printed, shown)


@pytest.mark.parametrize("change, words", [
    (lambda r: r["questions"][1].update(id=r["questions"][0]["id"]), "another question already uses this id"),
    (lambda r: r["questions"][0]["options"][1].update(correct=True), "exactly one option marked correct"),
    (lambda r: r["questions"][0].update(objective="L00.O9"), "is not one of the objectives"),
    (lambda r: r["questions"][4]["items"].__setitem__(1, r["questions"][4]["items"][0]), "same text"),
    (lambda r: r["questions"][0].update(paragraphs=[]), "cite the article paragraph"),
    (lambda r: r["questions"][0].update(paragraphs=[], sources=["article"]), "says where the evidence is"),
    (lambda r: r["questions"][0].update(tolerance=1), "does not use this field"),
    (lambda r: r.update(lesson="01_other"), "but the file is named"),
])
def test_consistency_rules(change, words):
    raw = good_file()
    change(raw)
    problems = quiz_problems(raw, "00_start_here.yml")
    assert any(words in p for p in problems), problems


def write(tmp_path, text):
    folder = tmp_path / "data" / "quizzes"
    folder.mkdir(parents=True)
    (folder / "quiz.schema.json").write_text(quiz_schema_path().read_text())
    (folder / "07_broken.yml").write_text(text, encoding="utf-8")
    return tmp_path / "data"


@pytest.mark.parametrize("text, words", [
    ("lesson: 07_broken\ntitle: [unclosed\n", "07_broken.yml near line"),
    ("", "top level, field (the whole entry): should be a mapping"),
    ("lesson: 07_broken\ntitle: T\nobjectives: {L07.O1: x}\nquestions:\n  - id: q1\n    type: single\n",
     "question 'q1', field prompt: is missing"),
])
def test_a_lesson_with_a_broken_file_shows_a_message_not_a_traceback(tmp_path, monkeypatch, store, text, words):
    monkeypatch.setenv("TWOPOWERS_DATA", str(write(tmp_path, text)))
    shown = quiz("07_broken", store=store)
    assert isinstance(shown, QuizProblem)
    assert words in shown.message and "python3 course.py validate" in shown.message
    assert "quiz-problem" in shown._repr_html_()
    with pytest.raises(QuizFileError):
        load_quiz_file(quiz_path("07_broken"))


def test_an_unknown_lesson_or_section_is_explained(store):
    assert "does not exist" in quiz("99_missing", store=store).message
    assert "Sections it has: Practice" in quiz("00_start_here", section="Nope", store=store).message


def test_jsonschema_is_imported_when_a_quiz_file_is_read_and_without_its_uri_grammar():
    """Importing the package costs nothing; reading a quiz file brings in jsonschema, but not the RFC 3987 grammar
    that would cost a lesson about a second (bench/run.py measures what the checker costs a lesson)."""
    import subprocess
    import sys

    code = ("import sys, twopowers; before = 'jsonschema' in sys.modules; "
            "from twopowers.questions import load_quiz_file; from twopowers.data import quiz_path; "
            "load_quiz_file(quiz_path('00_start_here')); "
            "print(before, 'jsonschema' in sys.modules, 'lark' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() \
        == ["False", "True", "False"]


def test_load_schema_reads_the_shipped_file():
    assert load_schema()["title"].startswith("A lesson's quiz file")


def test_a_mistyped_table_name_in_a_notebook_shows_a_message_not_a_traceback(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        result = shell.run_cell("from twopowers.data import table\ntable('actor')")
        out = capsys.readouterr()
        assert type(result.error_in_exec).__name__ == "CourseError"
        assert "There is no table called 'actor'" in out.err
        assert "Traceback" not in out.out + out.err
    finally:
        InteractiveShell.clear_instance()


def test_questions_test_thinking_and_give_a_test_wise_learner_no_cues():
    """Across all quiz files: at most a third recall; the right single-choice option is the longest in a fifth
    to a third of the questions, and the shortest likewise (so neither end of the lengths gives it away, and
    neither does the middle); 40-60 % of true/false answers are True. The report prints the figures per quiz."""
    from twopowers.questions import (EITHER_END_AT_LEAST, LONGEST_RIGHT_AT_MOST, RECALL_AT_MOST,
                                     SHORTEST_RIGHT_AT_MOST, TRUE_SHARE, balance)

    figures = balance([q for path in FILES for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]])
    assert None not in figures["skills"], "every question names its skill"
    assert figures["recall_share"] <= RECALL_AT_MOST, f"{figures['skills']['recall']} recall questions"
    assert EITHER_END_AT_LEAST <= figures["longest_right_share"] <= LONGEST_RIGHT_AT_MOST, \
        f"the right option is the longest in {figures['longest_right']} of {figures['single']} single-choice questions"
    assert EITHER_END_AT_LEAST <= figures["shortest_right_share"] <= SHORTEST_RIGHT_AT_MOST, \
        f"the right option is the shortest in {figures['shortest_right']} of {figures['single']} single-choice questions"
    assert TRUE_SHARE[0] <= figures["true_share"] <= TRUE_SHARE[1], \
        f"{figures['true']} of {figures['truefalse']} true/false answers are True"


def test_balance_counts_recall_the_longest_right_option_and_true_answers():
    from twopowers.questions import balance

    single = {"type": "single", "skill": "argument", "options": [{"text": "short", "correct": True},
                                                                 {"text": "a much longer wrong option"}]}
    tied = {"type": "single", "skill": "recall", "options": [{"text": "same", "correct": True}, {"text": "size"}]}
    figures = balance([single, tied, {"type": "truefalse", "skill": "recall", "answer": True},
                       {"type": "truefalse", "skill": "sourcing", "answer": False}])
    assert figures["skills"] == {"argument": 1, "recall": 2, "sourcing": 1} and figures["recall_share"] == 0.5
    assert (figures["longest_right"], figures["single"]) == (1, 2), "a tie with the longest counts as longest"
    assert figures["shortest_right"] == 2, "short is the shortest of its question, and a tie counts too"
    assert (figures["true"], figures["truefalse"], figures["true_share"]) == (1, 2, 0.5)
