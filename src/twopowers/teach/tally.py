"""The class tally: an instructor's view of the decisions, predictions and quiz answers a class saved.

Each learner runs ``export_progress("their name")`` in JupyterLab, or presses "Export my answers" on a lesson's
page of the static site, and hands in the file it writes (``my-progress-<name>.json``). Put the files in one folder, then:

    from twopowers.teach.tally import class_tally, show_class_tally
    show_class_tally("path/to/folder")     # tables and a chart
    tally = class_tally("path/to/folder")  # tally.decisions, .groups, .role_votes, .predictions, .quizzes, .problems

The decision room (lesson 08) saves, per learner, the group, role, the role's position and the group's
decision (format version 2). The tally shows each group's decision, how each role's players recorded their
groups' decisions, and flags a group whose members recorded different decisions. An export from before
groups (version 1: role, position and reasons only) still counts, in "(no group)".

A file that cannot be read as a progress export is reported and skipped; every other file still counts,
and no file is changed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CourseError, friendly_errors
from ..progress import FORMAT

DECISION_LESSON = "08_the_decision_room"


NO_GROUP = "(no group)"
DECISION_COLUMNS = ["learner", "group", "role", "option", "justification", "group_decision", "version", "saved"]


@dataclass
class ClassTally:
    decisions: object  # pandas DataFrame: DECISION_COLUMNS, one row per learner
    predictions: object  # pandas DataFrame: learner, prediction_id, choice, confidence, lesson, saved
    quizzes: object = None  # pandas DataFrame: learner, lesson, answered, correct (one row per lesson answered)
    files_read: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def groups(self):
        """One row per group: its members, the roles they played, the decision(s) they recorded, and a flag
        when members recorded different decisions (or some none yet)."""
        return group_table(self.decisions)

    @property
    def role_votes(self):
        """How each role's players recorded their group's decision: roles x decisions, counts of learners."""
        import pandas as pd

        decided = self.decisions[self.decisions["group_decision"].astype(bool)]
        if decided.empty:
            return pd.DataFrame()
        return pd.crosstab(decided["role"], decided["group_decision"]).rename_axis(None, axis=1)


def group_table(decisions):
    import pandas as pd

    rows = []
    for group, members in decisions.groupby("group", sort=True):
        recorded = members["group_decision"][members["group_decision"].astype(bool)]
        counts = recorded.value_counts()
        if group == NO_GROUP:
            flag = "saved before groups existed (version 1) or without a group"
        elif len(counts) > 1:
            flag = "members recorded different decisions: " + ", ".join(f"{d} ({n})" for d, n in counts.items())
        elif len(recorded) < len(members):
            flag = f"{len(members) - len(recorded)} member(s) recorded no decision yet"
        else:
            flag = ""
        rows.append({"group": group, "members": len(members), "roles": ", ".join(sorted(members["role"])),
                     "decision": counts.index[0] if len(counts) == 1 else "" if counts.empty else "disagree",
                     "flag": flag})
    return pd.DataFrame(rows, columns=["group", "members", "roles", "decision", "flag"])


def _read_export(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError("it is not a text file") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"it is not valid JSON (line {err.lineno})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ValueError("it is not a progress file from this course")
    for kind in ("choices", "predictions", "answers"):
        if not isinstance(record.get(kind, {}), dict):
            raise ValueError(f"its {kind} entry is damaged")
    if not isinstance(record.get("learner"), dict) or not record["learner"].get("id"):
        raise ValueError("it names no learner")
    return record


def _version(value: dict) -> int:
    try:
        return int(value.get("version", 1))
    except (TypeError, ValueError):
        return 1


def class_tally(folder: Path | str, lesson: str = DECISION_LESSON) -> ClassTally:
    """Read every ``*.json`` progress export in ``folder``: one row per learner's decision and prediction."""
    import pandas as pd

    friendly_errors()
    folder = Path(folder)
    if not folder.is_dir():
        raise CourseError(f"There is no folder {folder}. Put the learners' exported progress files "
                          "(my-progress-<name>.json) in one folder and give its path.")
    problems, latest = [], {}
    for path in sorted(folder.glob("*.json")):
        try:
            record = _read_export(path)
        except (OSError, ValueError) as err:
            problems.append(f"{path.name}: skipped, because {err}.")
            continue
        learner_id = record["learner"]["id"]
        name = str(record["learner"].get("name") or learner_id)
        stamp = str(record.get("exported", ""))
        if learner_id in latest:
            older, newer = sorted([latest[learner_id], (stamp, path, name, record)], key=lambda t: t[0])
            problems.append(f"{older[1].name}: skipped, because {newer[1].name} is a newer export by the "
                            f"same learner ({newer[2]}).")
            latest[learner_id] = newer
        else:
            latest[learner_id] = (stamp, path, name, record)

    decisions, predictions, quizzes = [], [], []
    for _, path, name, record in latest.values():
        for quiz_lesson, answers in record.get("answers", {}).items():
            given = [a for a in answers.values() if isinstance(a, dict)] if isinstance(answers, dict) else []
            if given:
                quizzes.append({"learner": name, "lesson": quiz_lesson, "answered": len(given),
                                "correct": sum(a.get("status") == "correct" for a in given)})
        entry = record.get("choices", {}).get(lesson, {}).get("decision")
        value = entry.get("value") if isinstance(entry, dict) else None
        if isinstance(value, dict) and value.get("role") and value.get("option"):
            decisions.append({"learner": name, "group": str(value.get("group") or NO_GROUP), "role": value["role"],
                              "option": value["option"], "justification": value.get("justification", ""),
                              "group_decision": str(value.get("group_decision") or ""),
                              "version": _version(value), "saved": entry.get("time")})
        elif entry is not None:
            problems.append(f"{path.name}: its saved decision is incomplete; the rest of the file counts.")
        for made_in, saved in record.get("predictions", {}).items():
            for prediction_id, item in (saved.items() if isinstance(saved, dict) else []):
                guess = item.get("value") if isinstance(item, dict) else None
                if isinstance(guess, dict) and guess.get("choice"):
                    predictions.append({"learner": name, "prediction_id": prediction_id, "choice": guess["choice"],
                                        "confidence": guess.get("confidence"), "lesson": made_in,
                                        "saved": item.get("time")})
    predictions_frame = pd.DataFrame(predictions, columns=["learner", "prediction_id", "choice", "confidence",
                                                           "lesson", "saved"])
    # a learner who predicted in both lessons counts once per question: their latest prediction
    predictions_frame = (predictions_frame.sort_values("saved")
                         .drop_duplicates(["learner", "prediction_id"], keep="last").reset_index(drop=True))
    return ClassTally(
        decisions=pd.DataFrame(decisions, columns=DECISION_COLUMNS),
        predictions=predictions_frame, files_read=len(latest), problems=problems,
        quizzes=pd.DataFrame(quizzes, columns=["learner", "lesson", "answered", "correct"]))


def show_class_tally(folder: Path | str, lesson: str = DECISION_LESSON) -> ClassTally:
    """Show the class's quiz scores, decisions and predictions as tables and a chart, and list any skipped file."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    from ..charts import PALETTE, show
    from ..errors import notify

    tally = class_tally(folder, lesson)
    for problem in tally.problems:
        notify(problem, "warning")
    print(f"Read {tally.files_read} learner file(s) from {folder}.")
    if not tally.quizzes.empty:
        print("Quiz answers: right answers / questions answered, per learner and lesson.")
        shown = tally.quizzes.assign(score=tally.quizzes.correct.astype(str) + " / " + tally.quizzes.answered.astype(str))
        display(shown.pivot(index="learner", columns="lesson", values="score").fillna("").rename_axis(None, axis=1))
    if tally.decisions.empty and tally.predictions.empty:
        print("No decisions or predictions saved yet in these files.")
        return tally
    if not tally.decisions.empty:
        print("Each group's decision (a flag says when members recorded different decisions):")
        display(tally.groups)
        if not tally.role_votes.empty:
            print("How each role's players recorded their group's decision (number of learners):")
            display(tally.role_votes)
        print("Each role's positions (number of learners):")
        display(tally.decisions.groupby(["role", "option"]).size().rename("learners").reset_index())
    if not tally.predictions.empty:
        counts = tally.predictions.groupby(["prediction_id", "choice"]).size().unstack(fill_value=0)
        display(counts)
        fig, ax = plt.subplots(figsize=(8, 1 + 0.6 * len(counts)))
        left = None
        for i, choice in enumerate(counts.columns):
            ax.barh(counts.index, counts[choice], left=left, label=choice, color=PALETTE[i % len(PALETTE)])
            left = counts[choice] if left is None else left + counts[choice]
        ax.set_title("The class's predictions")
        ax.set_xlabel("Learners")
        ax.set_ylabel("Prediction question")
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.25 - 0.05 * len(counts)))
        summary = "; ".join(f"{question}: " + ", ".join(f"{n} chose '{c}'" for c, n in row.items() if n)
                            for question, row in counts.iterrows())
        description = (f"stacked bars, one per prediction question, split by the answers learners chose. "
                       f"{summary}.")
        show(fig, description)
        print(f"Text description: {description}")
    return tally
