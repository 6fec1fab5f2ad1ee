"""Saved progress: every answer a learner gives, kept at once in one JSON file of their own.

Where: ``$TWOPOWERS_PROGRESS_DIR/progress.json`` if that variable is set (the tests set it),
otherwise ``~/.between-two-powers/progress.json``.

Safety: each save re-reads the file under a lock, changes one entry and writes a temporary
file that then replaces the old one (an atomic rename), so a kernel killed mid-write leaves the
previous file whole and two notebooks saving at once both keep their answers. A file that
cannot be read as progress is moved aside (never deleted) with a visible warning.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from .errors import CourseError, notify

DIR_ENV = "TWOPOWERS_PROGRESS_DIR"
EXPORT_ENV = "TWOPOWERS_EXPORT_DIR"
FORMAT = "between-two-powers-progress"
VERSION = 2  # 2: the decision room saves group, role, position and the group's decision (1: no group)
KINDS = ("answers", "texts", "choices", "predictions")
MAX_ATTEMPTS_KEPT = 50
LOCK_TIMEOUT = 15.0


def progress_dir() -> Path:
    override = os.environ.get(DIR_ENV)
    return Path(override).expanduser() if override else Path.home() / ".between-two-powers"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def empty_record() -> dict:
    return {"format": FORMAT, "version": VERSION, "learner": {"id": uuid.uuid4().hex[:12], "created": now()},
            **{kind: {} for kind in KINDS}}


class ProgressStore:
    """One learner's progress file. Every method is safe to call from several kernels at once."""

    def __init__(self, directory: Path | str | None = None):
        self.directory = Path(directory) if directory is not None else progress_dir()
        self.path = self.directory / "progress.json"
        self.warnings: list[str] = []
        self._memory: dict | None = None  # used only when the file cannot be written at all

    # ----- reading ---------------------------------------------------------------------------
    def load(self) -> dict:
        """The whole record (a fresh one if there is no file yet)."""
        if self._memory is not None:
            return self._memory
        try:
            with self._lock():
                return self._read_or_repair()
        except OSError as err:
            return self._fall_back_to_memory(err)

    def learner_id(self) -> str:
        return self.load()["learner"]["id"]

    def get(self, kind: str, lesson: str, key: str) -> Any:
        return self.load()[kind].get(lesson, {}).get(key)

    def answer(self, lesson: str, question_id: str, aliases: list[str] = ()) -> dict | None:
        """The saved answer to a question, also where it was saved under an earlier key ("LESSON:ID")."""
        return saved_answer(self.load()["answers"], lesson, question_id, aliases)

    # ----- writing ---------------------------------------------------------------------------
    def record_answer(self, lesson: str, question_id: str, response: Any, status: str, score: float,
                      tries: int, revealed: bool = False, attempt: bool = True) -> dict:
        """Save the latest answer to a question; ``attempt`` also adds it to the list of earlier tries."""
        def change(record):
            entry = record["answers"].setdefault(lesson, {}).get(question_id) or {"attempts": []}
            entry.update(response=response, status=status, score=score, tries=tries, revealed=revealed, time=now())
            if attempt:
                entry["attempts"] = (entry["attempts"] + [{"response": response, "status": status,
                                                           "time": entry["time"]}])[-MAX_ATTEMPTS_KEPT:]
            record["answers"][lesson][question_id] = entry
            return entry
        return self.update(change)

    def save(self, kind: str, lesson: str, key: str, value: Any) -> dict:
        """Save a free-text answer, a role-play choice or a prediction ('texts', 'choices', 'predictions')."""
        if kind not in KINDS or kind == "answers":
            raise ValueError(f"kind must be one of {KINDS[1:]}")
        entry = {"value": value, "time": now()}
        self.update(lambda record: record[kind].setdefault(lesson, {}).__setitem__(key, entry))
        return entry

    def export(self, folder: Path, name: str | None = None) -> Path:
        """Write the whole record, with a summary per lesson, to folder/my-progress-<name>.json."""
        if name:
            self.set_name(name)
        record = self.load()
        export = {**record, "version": VERSION, "exported": now(),
                  "summary": progress_table(self).to_dict(orient="records")}
        who = record["learner"].get("name") or record["learner"]["id"]
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in who.lower()).strip("-") or "learner"
        target = Path(folder) / f"my-progress-{safe}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(export, out, ensure_ascii=False, indent=1)
        os.replace(temp, target)
        return target

    def set_name(self, name: str) -> None:
        self.update(lambda record: record["learner"].__setitem__("name", str(name).strip()))

    def update(self, change: Callable[[dict], Any]) -> Any:
        """Apply ``change`` to the freshest record on disk and write it back atomically."""
        if self._memory is not None:
            return change(self._memory)
        try:
            with self._lock():
                record = self._read_or_repair()
                result = change(record)
                self._write(record)
                return result
        except OSError as err:
            record = self._fall_back_to_memory(err)
            return change(record)

    # ----- the file itself -------------------------------------------------------------------
    def _read_or_repair(self) -> dict:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            record = empty_record()  # saved at once, so the learner keeps one id (and one order of choices)
            self._write(record)
            return record
        try:
            record = json.loads(text)
            _check_shape(record)
            return record
        except (ValueError, TypeError, KeyError) as err:
            return self._move_aside(err)

    def _move_aside(self, err: Exception) -> dict:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"progress.unreadable-{stamp}-{uuid.uuid4().hex[:6]}.json")
        os.replace(self.path, aside)
        message = (f"Your progress file could not be read ({_short(err)}), so it was moved to {aside} "
                   f"and a fresh one was started. Nothing was deleted: show that file to your teacher.")
        self.warnings.append(message)
        notify(message, "warning")
        record = empty_record()
        self._write(record)
        return record

    def _write(self, record: dict) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.directory, prefix=".progress-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(record, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def _fall_back_to_memory(self, err: OSError) -> dict:
        if self._memory is None:
            self._memory = empty_record()
            message = (f"Your answers cannot be saved to {self.path} ({_short(err)}). They are kept while this "
                       f"notebook stays open; set {DIR_ENV} to a folder you can write to, or ask your teacher.")
            self.warnings.append(message)
            notify(message, "warning")
        return self._memory

    @contextlib.contextmanager
    def _lock(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "progress.lock", "a+b") as handle:
            deadline = time.monotonic() + LOCK_TIMEOUT
            while True:
                try:
                    _lock_file(handle)
                    break
                except (BlockingIOError, PermissionError):
                    if time.monotonic() > deadline:
                        raise CourseError("Another notebook has been saving progress for too long. "
                                          "Wait a moment and try again.") from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                _unlock_file(handle)


if os.name == "nt":  # pragma: no cover - exercised on Windows learners' machines
    import msvcrt

    def _lock_file(handle):
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock_file(handle):
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock_file(handle):
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_file(handle):
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _check_shape(record: Any) -> None:
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ValueError("it is not a progress file of this course")
    if not isinstance(record.get("learner"), dict) or not isinstance(record["learner"].get("id"), str):
        raise ValueError("the learner entry is missing")
    for kind in KINDS:
        if not isinstance(record.setdefault(kind, {}), dict):
            raise ValueError(f"the {kind} entry is damaged")


def _short(err: Exception) -> str:
    return str(err).splitlines()[0][:120] if str(err) else type(err).__name__


_default: ProgressStore | None = None


def default_store() -> ProgressStore:
    """The store the notebooks use, made on first use (so importing the package touches no file)."""
    global _default
    if _default is None or _default.directory != progress_dir():
        _default = ProgressStore()
    return _default


def saved_answer(answers: dict, lesson: str, question_id: str, aliases: list[str] = ()) -> dict | None:
    """An answer from a progress record's answers: under the question's own lesson and id, or else under one of
    its aliases, the keys it had before it was moved or renamed ("02_how_we_got_here:q7-events-of-2014")."""
    found = answers.get(lesson, {}).get(question_id)
    for alias in aliases:
        if found is not None:
            break
        old_lesson, _, old_id = alias.partition(":")
        found = answers.get(old_lesson, {}).get(old_id)
    return found


# ----- what a learner calls ----------------------------------------------------------------------
def progress_table(store: ProgressStore | None = None):
    """A DataFrame with one row per lesson: questions, answered, correct, revealed and left to do."""
    import pandas as pd

    from .data import lessons_with_quizzes, quiz_path
    from .errors import QuizFileError
    from .questions import load_quiz_file

    answers = (store or default_store()).load()["answers"]
    rows = []
    for lesson in lessons_with_quizzes():
        try:
            quiz = load_quiz_file(quiz_path(lesson))
            questions, title = quiz.questions, quiz.title
        except QuizFileError:
            continue
        ids = [q.id for q in questions]
        given = [a for a in (saved_answer(answers, lesson, q.id, q.aliases) for q in questions) if a is not None]
        rows.append({
            "lesson": lesson, "title": title, "questions": len(ids), "answered": len(given),
            "correct": sum(1 for a in given if a["status"] == "correct"),
            "revealed": sum(1 for a in given if a.get("revealed") and a["status"] != "correct"),
            "left": len(ids) - len(given),
        })
    return pd.DataFrame(rows, columns=["lesson", "title", "questions", "answered", "correct", "revealed", "left"])


def export_progress(name: str | None = None, folder: Path | str | None = None,
                    store: ProgressStore | None = None) -> None:
    """Write your whole record to one file that you can hand in, and say where it is."""
    store = store or default_store()
    chosen = folder is not None
    folder = Path(folder or os.environ.get(EXPORT_ENV) or Path.cwd())
    try:
        target = store.export(folder, name)
    except OSError as err:
        notify(f"Could not write your progress file to {folder} ({_short(err)}). "
               f"Try export_progress(folder='a folder you can write to').", "error")
        return
    if target.parent.resolve() == Path.cwd().resolve():
        where = "in the same folder as this notebook"
    elif chosen:
        where = f"in {target.parent}"  # the folder the learner named
    else:
        where = "in the hand-in folder your course set up"
    print(f"Saved your progress to {target.name}, {where}: hand in this file.")
