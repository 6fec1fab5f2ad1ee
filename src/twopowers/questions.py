"""Quiz questions: reading them from a lesson's YAML file, and marking a learner's answer.

This module knows nothing about widgets: each question turns a response into a ``Result``
(status, score and a message for the learner), so the marking can be tested on its own.

Responses, by question type:
    single     the chosen option's text (or None)
    multiple   a list of the chosen options' texts
    truefalse  True, False (or None)
    numeric    the text the learner typed
    ordering   a list of item texts, one per position (None where a position is still empty)
    matching   a dict from each left item to the chosen right item (None where not chosen yet)
"""
from __future__ import annotations

import hashlib
import json
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import QuizFileError

CORRECT, PARTIAL, WRONG, INVALID = "correct", "partial", "wrong", "invalid"
MAX_NUMBER_LENGTH = 40


@dataclass(frozen=True)
class Result:
    status: str  # correct, partial, wrong, or invalid (not a real try: nothing to mark yet)
    score: float  # 0 to 1
    message: str

    @property
    def counts_as_try(self) -> bool:
        return self.status != INVALID


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

    def correct_answer_text(self) -> str:
        """The answer in words, for 'Show answer'."""
        if self.type in ("single", "multiple"):
            return "; ".join(o["text"] for o in self.options if o.get("correct"))
        if self.type == "truefalse":
            return "True" if self.answer else "False"
        if self.type == "numeric":
            value = f"{self.answer:g}" + (f" {self.unit}" if self.unit else "")
            return value + (f" (answers within ±{self.tolerance:g} count)" if self.tolerance else "")
        if self.type == "ordering":
            return " → ".join(self.items)
        return "; ".join(f"{p['left']} → {p['right']}" for p in self.pairs)

    def where_to_look(self) -> str:
        """Where the evidence is: 'Look again at ¶9 and ¶14.', 'Look again at the table us_troops in section 1.'
        or both, for a question that cites paragraphs and names a table."""
        places = [f"¶{n}" for n in sorted(self.paragraphs)]
        cited = ", ".join(places[:-1]) + f" and {places[-1]}" if len(places) > 1 else "".join(places)
        where = " and at ".join(filter(None, [cited, self.look_at]))
        return f"Look again at {where}." if where else ""

    def _not_right(self, status: str, score: float, *parts: str | None) -> Result:
        """Feedback on an answer that is not right: what was wrong, then where to look."""
        return Result(status, score, " ".join(filter(None, [*parts, self.where_to_look()])))

    # ----- marking ---------------------------------------------------------------------------
    def check(self, response: Any) -> Result:
        return getattr(self, f"_check_{self.type}")(response)

    def _right(self, extra: str = "") -> Result:
        return Result(CORRECT, 1.0, " ".join(filter(None, ["Correct!", extra, self.explanation])))

    def _check_single(self, response) -> Result:
        if response is None or response == "":
            return Result(INVALID, 0.0, "Choose one of the options first, then press Check.")
        option = next((o for o in self.options if o["text"] == response), None)
        if option is None:
            return Result(INVALID, 0.0, "That choice is not one of this question's options. Pick one from the list.")
        if option.get("correct"):
            return self._right()
        return self._not_right(WRONG, 0.0, "Not quite.", option.get("explanation"))

    def _check_truefalse(self, response) -> Result:
        if isinstance(response, str):
            response = {"true": True, "false": False}.get(response.strip().lower(), response)
        if response is None or response == "":
            return Result(INVALID, 0.0, "Choose True or False first, then press Check.")
        if not isinstance(response, bool):
            return Result(INVALID, 0.0, "The answer to this question is either True or False.")
        if response == self.answer:
            return self._right()
        return self._not_right(WRONG, 0.0, "Not quite.", self.if_wrong)

    def _check_multiple(self, response) -> Result:
        chosen = set(response or [])
        if not chosen:
            return Result(INVALID, 0.0, "Tick at least one box first, then press Check.")
        unknown = chosen - set(self.option_texts)
        if unknown:
            return Result(INVALID, 0.0, "Some ticked choices are not options of this question. Tick from the list.")
        right = {o["text"] for o in self.options if o.get("correct")}
        found, wrong = chosen & right, chosen - right
        if not wrong and found == right:
            return self._right()
        score = max(0.0, (len(found) - len(wrong)) / len(right))
        parts = [f"You found {len(found)} of the {len(right)} right choices."]
        if wrong:
            parts.append(f"{len(wrong)} of your ticks {'is' if len(wrong) == 1 else 'are'} not right.")
            parts += [o["explanation"] for o in self.options if o["text"] in wrong and o.get("explanation")]
        return self._not_right(PARTIAL if score > 0 else WRONG, score, *parts)

    def _check_numeric(self, response) -> Result:
        value, problem = parse_number(response, self.unit)
        if problem:
            return Result(INVALID, 0.0, problem)
        if abs(value - self.answer) <= self.tolerance + 1e-9 * max(1.0, abs(self.answer)):
            return self._right()
        direction = "too high" if value > self.answer else "too low"
        return self._not_right(WRONG, 0.0, f"Not quite: {value:g} is {direction}.", self.if_wrong)

    def _check_ordering(self, response) -> Result:
        placed = list(response or [])
        if len(placed) != len(self.items):
            return Result(INVALID, 0.0, f"Put an item in each of the {len(self.items)} positions.")
        empty = sum(1 for p in placed if p in (None, ""))
        if empty:
            return Result(INVALID, 0.0, f"Choose an item for every position ({empty} still empty).")
        repeated = sorted({p for p in placed if placed.count(p) > 1})
        if repeated:
            return Result(INVALID, 0.0, "Each item goes in exactly one position, but "
                          + ", ".join(f"'{p}'" for p in repeated) + " is used more than once.")
        if set(placed) != set(self.items):
            return Result(INVALID, 0.0, "Some positions hold something that is not one of the items. Pick from the lists.")
        in_place = sum(1 for got, want in zip(placed, self.items) if got == want)
        if in_place == len(self.items):
            return self._right()
        score = in_place / len(self.items)
        return self._not_right(PARTIAL if in_place else WRONG, score,
                               f"{in_place} of {len(self.items)} items are in the right position.")

    def _check_matching(self, response) -> Result:
        chosen = dict(response or {})
        lefts = [p["left"] for p in self.pairs]
        empty = sum(1 for left in lefts if chosen.get(left) in (None, ""))
        if empty:
            return Result(INVALID, 0.0, f"Make a choice for every line ({empty} still empty).")
        if any(chosen[left] not in self.right_choices for left in lefts):
            return Result(INVALID, 0.0, "Some choices are not on this question's list. Pick from the lists.")
        matched = sum(1 for p in self.pairs if chosen[p["left"]] == p["right"])
        if matched == len(self.pairs):
            return self._right()
        score = matched / len(self.pairs)
        return self._not_right(PARTIAL if matched else WRONG, score, f"{matched} of {len(self.pairs)} matches are right.")


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(text: Any, unit: str | None = None) -> tuple[float | None, str | None]:
    """Read a number a learner typed. Returns (value, None), or (None, a friendly message)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = repr(text)
    if not isinstance(text, str) or not text.strip():
        return None, "Type a number in the box first, then press Check."
    cleaned = text.strip().replace("\u2212", "-")
    if len(cleaned) > MAX_NUMBER_LENGTH:
        return None, f"That is too long to be a number (at most {MAX_NUMBER_LENGTH} characters). Type just the digits."
    if unit and cleaned.lower().endswith(unit.lower()):
        cleaned = cleaned[: -len(unit)].strip()
    if "," in cleaned:
        return None, ("Please type the number without commas: for example 1000 rather than 1,000, "
                      "and a dot for decimals (2.5).")
    if not _NUMBER.fullmatch(cleaned):
        return None, (f"'{text.strip()[:20]}' is not a number we can read. Use digits 0-9, "
                      "with a dot for decimals (for example 12 or 2.5).")
    value = float(cleaned)
    if not math.isfinite(value):
        return None, "That number is too large. Type an ordinary number."
    return value, None


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


def load_schema() -> dict:
    from .data import quiz_schema_path

    with open(quiz_schema_path(), encoding="utf-8") as handle:
        return json.load(handle)


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
