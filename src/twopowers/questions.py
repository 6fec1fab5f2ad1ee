"""Quiz questions: reading them from a lesson's YAML file, checking the file, and what the page receives.

Marking happens in the page (static/quiz.js), the same in JupyterLab and on the static site. Responses, by
question type, as the page reports them and the progress file keeps them:
    single     the chosen option's text
    multiple   a sorted list of the chosen options' texts
    truefalse  True or False
    numeric    the text the learner typed
    ordering   a list of item texts, one per position
    matching   a dict from each left item to the chosen right item
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import QuizFileError


@dataclass
class Question:
    id: str
    type: str
    prompt: str
    explanation: str
    objective: str
    skill: str | None = None
    paragraphs: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # "LESSON:ID" keys this question was saved under before
    hints: list[str] = field(default_factory=list)
    if_wrong: str | None = None  # truefalse and numeric: what a wrong answer missed, without the answer
    look_at: str | None = None  # where the evidence is when no paragraph is cited: a table, a section
    section: str | None = None
    options: list[dict] = field(default_factory=list)
    answer: Any = None
    tolerance: float = 0.0
    unit: str | None = None
    items: list[str] = field(default_factory=list)
    pairs: list[dict] = field(default_factory=list)
    distractors: list[str] = field(default_factory=list)
    data: dict | None = None

    # ----- what the learner sees -----------------------------------------------------------
    def shuffled(self, values: list, learner: str) -> list:
        """``values`` in an order that is stable for one learner and question, different between them."""
        seed = hashlib.sha256(f"{learner}:{self.id}".encode()).hexdigest()
        values = list(values)
        random.Random(seed).shuffle(values)
        return values

    @property
    def option_texts(self) -> list[str]:
        return [o["text"] for o in self.options]

    @property
    def right_choices(self) -> list[str]:
        """matching: every right-hand choice, partners and distractors, without repeats."""
        return list(dict.fromkeys([p["right"] for p in self.pairs] + self.distractors))

    def page_data(self, learner: str) -> dict:
        """What static/quiz.js needs to show and mark this question, with its choices in ``learner``'s order."""
        fields = ("id", "type", "prompt", "explanation", "hints", "if_wrong", "look_at", "paragraphs", "options",
                  "answer", "tolerance", "unit", "items", "pairs", "distractors")
        data = {name: getattr(self, name) for name in fields}
        data["order"] = {"options": self.shuffled(self.option_texts, learner),
                         "items": self.shuffled(self.items, learner),
                         "lefts": self.shuffled([p["left"] for p in self.pairs], learner),
                         "rights": self.shuffled(self.right_choices, learner)}
        return data


# ----- reading quiz files -----------------------------------------------------------------------
@dataclass
class QuizFile:
    path: Path
    lesson: str
    title: str
    objectives: dict[str, str]
    questions: list[Question]

    def section(self, name: str | None) -> list[Question]:
        return [q for q in self.questions if name is None or q.section == name]


_cache: dict[Path, tuple[float, QuizFile]] = {}


def load_quiz_file(path: Path) -> QuizFile:
    """Read and check one quiz file. Raises QuizFileError naming the file, question id and field."""
    path = Path(path)
    try:
        stamp = path.stat().st_mtime
    except OSError:
        raise QuizFileError(path, [f"{path.name}: the file does not exist or cannot be read"]) from None
    cached = _cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    raw = read_yaml(path)
    problems = quiz_problems(raw, path.name)
    if problems:
        raise QuizFileError(path, problems)
    fields = Question.__dataclass_fields__
    questions = [Question(**{k: v for k, v in q.items() if k in fields}) for q in raw["questions"]]
    quiz = QuizFile(path, raw["lesson"], raw["title"], dict(raw["objectives"]), questions)
    _cache[path] = (stamp, quiz)
    return quiz


def read_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's loader is about ten times faster
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" near line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(err, "problem", None) or "it is not valid YAML"
        raise QuizFileError(path, [f"{path.name}{where}: {reason}"]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise QuizFileError(path, [f"{path.name}: cannot be read ({err})"]) from None


_schema: dict = {}


def load_schema() -> dict:
    """data/quizzes/quiz.schema.json, read once per change of the file."""
    from .data import quiz_schema_path

    path = quiz_schema_path()
    stamp = path.stat().st_mtime
    if _schema.get("stamp") != stamp:
        with open(path, encoding="utf-8") as handle:
            _schema.update(stamp=stamp, schema=json.load(handle))
    return _schema["schema"]


def quiz_problems(raw: Any, filename: str, schema: dict | None = None) -> list[str]:
    """Every problem in a parsed quiz file, each as 'file, question <id>, field <path>: message'."""
    from .schema import iter_errors

    schema = schema or load_schema()
    problems = [locate(raw, filename, path, message) for path, message in iter_errors(raw, schema)]
    if problems:
        return problems
    return consistency_problems(raw, filename)


def locate(raw: Any, filename: str, path: tuple, message: str) -> str:
    """Turn a schema path such as ('questions', 3, 'options', 0, 'text') into words a maintainer can use."""
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        question = raw["questions"][path[1]]
        qid = question.get("id") if isinstance(question, dict) else None
        where = f"question {qid!r}" if isinstance(qid, str) else f"question number {path[1] + 1}"
        rest = path[2:]
    else:
        where, rest = "top level", path
    field_name = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in rest).replace(".[", "[")
    return f"{filename}, {where}, field {field_name or '(the whole entry)'}: {message}"


def consistency_problems(raw: dict, filename: str) -> list[str]:
    """What the schema cannot say: unique ids, exactly one right option, declared objectives, ..."""
    problems = []
    stem = Path(filename).stem
    if raw["lesson"] != stem:
        problems.append(f"{filename}, top level, field lesson: says {raw['lesson']!r} but the file is named {stem!r}")
    for key in raw["objectives"]:
        if not re.fullmatch(r"L\d{2}\.O\d+", key):
            problems.append(f"{filename}, top level, field objectives: {key!r} is not an objective id like L01.O1")
    seen = set()
    for q in raw["questions"]:
        qid, kind = q["id"], q["type"]

        def bad(field_name, message):
            problems.append(f"{filename}, question {qid!r}, field {field_name}: {message}")

        if qid in seen:
            bad("id", "another question already uses this id")
        seen.add(qid)
        if q["objective"] not in raw["objectives"]:
            bad("objective", f"{q['objective']!r} is not one of the objectives listed at the top of the file")
        if not q.get("paragraphs") and not q.get("sources"):
            bad("paragraphs", "cite the article paragraph(s) or the source(s) the question rests on")
        if not q.get("paragraphs") and not q.get("look_at"):
            bad("look_at", "a question that cites no paragraph says where the evidence is (a table, a section), "
                           "so that a wrong answer's feedback can send the learner there")
        texts = [o["text"] for o in q.get("options", [])]
        if len(set(texts)) != len(texts):
            bad("options", "two options have the same text")
        right = sum(1 for o in q.get("options", []) if o.get("correct"))
        if kind == "single" and right != 1:
            bad("options", f"a single-choice question needs exactly one option marked correct, not {right}")
        if kind == "multiple" and right < 1:
            bad("options", "mark at least one option as correct")
        if kind == "ordering" and len(set(q["items"])) != len(q["items"]):
            bad("items", "two items have the same text, so their order cannot be checked")
        if kind == "matching":
            lefts = [p["left"] for p in q["pairs"]]
            if len(set(lefts)) != len(lefts):
                bad("pairs", "two pairs have the same left item")
        allowed = {"single": {"options"}, "multiple": {"options"}, "truefalse": {"answer"},
                   "numeric": {"answer", "tolerance", "unit"}, "ordering": {"items"},
                   "matching": {"pairs", "distractors"}}[kind]
        for name in {"options", "answer", "tolerance", "unit", "items", "pairs", "distractors"} - allowed:
            if name in q:
                bad(name, f"a {kind} question does not use this field")
    return problems


# ----- how a course's questions are balanced ------------------------------------------------------------
RECALL_AT_MOST = 1 / 3  # share of questions that only recall or look up a fact
LONGEST_RIGHT_AT_MOST = 1 / 3  # share of single-choice questions whose right option is (one of) the longest
SHORTEST_RIGHT_AT_MOST = 1 / 3  # ... or (one of) the shortest: neither end of the lengths may give it away
EITHER_END_AT_LEAST = 1 / 5  # and neither may be avoided: else "pick a middle-length option" is the cue
TRUE_SHARE = (0.4, 0.6)  # share of true/false questions whose answer is True


def balance(questions: list[dict]) -> dict:
    """What a test-wise learner could exploit, and what kind of thinking is asked, over raw quiz questions:
    skill counts, the recall share, how often the right single-choice option is the longest, and the share of
    true/false answers that are True."""
    from collections import Counter

    skills = Counter(q.get("skill") for q in questions)
    single = [q for q in questions if q["type"] == "single"]
    def right_and_wrong(q):
        return ([len(o["text"]) for o in q["options"] if o.get("correct")],
                [len(o["text"]) for o in q["options"] if not o.get("correct")])

    longest = sum(1 for q in single if max(right_and_wrong(q)[0]) >= max(right_and_wrong(q)[1]))
    shortest = sum(1 for q in single if min(right_and_wrong(q)[0]) <= min(right_and_wrong(q)[1]))
    truefalse = [q for q in questions if q["type"] == "truefalse"]
    true = sum(1 for q in truefalse if q["answer"] is True)
    return {"questions": len(questions), "skills": dict(skills),
            "recall_share": skills["recall"] / len(questions) if questions else 0.0,
            "single": len(single), "longest_right": longest,
            "longest_right_share": longest / len(single) if single else 0.0, "shortest_right": shortest,
            "shortest_right_share": shortest / len(single) if single else 0.0,
            "truefalse": len(truefalse), "true": true, "true_share": true / len(truefalse) if truefalse else 0.5}
