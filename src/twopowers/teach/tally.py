"""The class tally: an instructor's view of the decisions, predictions and quiz answers a class saved.

Each learner runs ``export_progress("their name")`` in JupyterLab, or presses "Export my answers" on a lesson's
page of the static site, and hands in the file it writes (``my-progress-<name>.json``). Put the files in one folder, then:

    from twopowers.teach.tally import class_tally, show_class_tally
    show_class_tally("path/to/folder")     # tables and a chart
    tally = class_tally("path/to/folder")  # tally.decisions, tally.predictions, tally.quizzes, tally.problems

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


@dataclass
class ClassTally:
    decisions: object  # pandas DataFrame: learner, role, option, justification, saved
    predictions: object  # pandas DataFrame: learner, prediction_id, choice, confidence, lesson, saved
    quizzes: object = None  # pandas DataFrame: learner, lesson, answered, correct (one row per lesson answered)
    files_read: int = 0
    problems: list[str] = field(default_factory=list)


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
            decisions.append({"learner": name, "role": value["role"], "option": value["option"],
                              "justification": value.get("justification", ""), "saved": entry.get("time")})
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
        decisions=pd.DataFrame(decisions, columns=["learner", "role", "option", "justification", "saved"]),
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
