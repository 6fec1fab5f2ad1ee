from pathlib import Path

import pytest

from twopowers.progress import ProgressStore
from twopowers.questions import Question

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    """The suite keeps its charts in a cache of its own (removed at the end), never in the user's cache folder;
    the xdist workers inherit it. Notebooks' stored outputs are the same with and without a cached chart."""
    import os
    import tempfile

    from twopowers.chart_cache import CACHE_ENV

    if CACHE_ENV not in os.environ:
        os.environ[CACHE_ENV] = config._chart_cache = tempfile.mkdtemp(prefix="twopowers-charts-")


def pytest_unconfigure(config):
    import shutil

    if getattr(config, "_chart_cache", None):
        shutil.rmtree(config._chart_cache, ignore_errors=True)


@pytest.fixture
def no_kept_charts(tmp_path, monkeypatch):
    """Every chart helper draws: an empty chart cache folder, and no chart found in the stored notebooks.
    Returns the cache folder."""
    from twopowers import chart_cache

    monkeypatch.setenv(chart_cache.CACHE_ENV, str(tmp_path / "charts"))
    monkeypatch.setattr(chart_cache, "_stored", {})
    return tmp_path / "charts"


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "progress")


def make_question(type_, **fields):
    base = {"id": f"t-{type_}", "type": type_, "prompt": "A prompt?", "explanation": "Because.",
            "objective": "L00.O1", "paragraphs": [1]}
    return Question(**{**base, **fields})


@pytest.fixture
def questions():
    """One question of each type, as the quiz engine sees them."""
    return {
        "single": make_question("single", options=[
            {"text": "A", "correct": True}, {"text": "B", "explanation": "B is a trap."}, {"text": "C"}],
            hints=["Think of A."]),
        "multiple": make_question("multiple", options=[
            {"text": "A", "correct": True}, {"text": "B", "correct": True},
            {"text": "C", "explanation": "C is wrong because."}, {"text": "D"}]),
        "truefalse": make_question("truefalse", answer=False, if_wrong="Whose words are these?"),
        "numeric": make_question("numeric", answer=170, tolerance=2, unit="votes",
                                 if_wrong="Count those present, not all members."),
        "ordering": make_question("ordering", items=["first", "second", "third"]),
        "matching": make_question("matching", pairs=[{"left": "q1", "right": "Trump"},
                                                     {"left": "q2", "right": "Esper"},
                                                     {"left": "q3", "right": "Trump"}],
                                  distractors=["Sabri"]),
    }


@pytest.fixture(scope="module")
def quiz_js():
    """quiz.js's exported functions, called in headless Chromium: quiz_js("mark", question, response).
    One browser per test module (the suite runs a module's tests in one process); a module that uses this
    fixture does not also drive JupyterLab, since Playwright's sync API runs one instance per thread."""
    from .quiz_js import QuizModule

    module = QuizModule()
    yield module
    module.close()


@pytest.fixture
def mark(quiz_js):
    """Mark ``response`` to a conftest Question as the page does: {"status", "score", "message"}."""
    return lambda question, response: quiz_js("mark", question.page_data("learner"), response)
