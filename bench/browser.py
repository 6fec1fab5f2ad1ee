"""What a learner waits for in a real browser: headless Chromium driven by Playwright. Used by bench/run.py.

* Quiz feedback latency (``measure``), in JupyterLab and on the static site (opened from disk): the page itself
  measures. A click listener on each Check button notes performance.now(), and a MutationObserver on the
  question's feedback notes when its text changes. The figure is the median over at least 20 clicks on
  single-choice, true/false, multiple-choice and numeric questions of Start here.
* Run All in JupyterLab (``lab_run_all``), with the notebook's kernel already started: from the menu click to
  the moment every code cell has run and every widget view (quizzes, activities) has drawn itself, timed in the
  page. The floor notebook and the lessons run in interleaved rounds, each lesson's ratio taken within its round.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_browser import CHROMIUM_FLAGS, Lab, chromium_or_skip, menu  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Run All is over when no code cell waits or runs ("[ ]:" or "[*]:"), and as many widget views (quizzes and
# activities) have drawn themselves as the notebook stores. The first time this holds is noted in the page
# (polled on each animation frame). Run All starts when its menu item is released (Lumino menus act on
# pointerup, and cancel the mouse events that would follow).
FINISHED = """(expected) => {
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
  if (!prompts.length || prompts.some((p) => /^\\[[ *]\\]:$/.test(p.textContent.trim()))) return false;
  const views = [...document.querySelectorAll('.jp-OutputArea-output')]
    .filter((out) => out.querySelector(':scope > .lm-Widget > :is(.quiz, .jupyter-widgets)'));
  if (views.length < expected) return false;
  window.__finished = window.__finished || performance.now();
  return {ms: window.__finished - window.__started, views: views.length};
}"""
START_CLOCK = """() => {
  window.__started = null; window.__finished = null;
  document.addEventListener('pointerup', (event) => {
    const item = event.target.closest('.lm-Menu-item');
    if (item && item.textContent.includes('Run All Cells') && window.__started === null) window.__started = performance.now();
  }, true);
}"""

OBSERVE = """() => {
  window.__latencies = [];
  document.querySelectorAll('.quiz-question').forEach((question) => {
    const feedback = question.querySelector('.quiz-feedback');
    const kind = [...question.classList].find((c) => c.startsWith('quiz-type-'));
    let clicked = null;
    question.querySelector('.quiz-check').addEventListener('click', () => { clicked = performance.now(); }, true);
    new MutationObserver(() => {
      if (clicked !== null) { window.__latencies.push({kind, ms: performance.now() - clicked}); clicked = null; }
    }).observe(feedback, {subtree: true, childList: true, characterData: true});
  });
}"""


def answer(question, kind: str, turn: int) -> None:
    """Give a different answer than last time, so that every Check changes the feedback."""
    if kind in ("quiz-type-single", "quiz-type-truefalse"):
        radios = question.locator("input[type=radio]")
        radios.nth(turn % min(radios.count(), 2)).check()
    elif kind == "quiz-type-multiple":
        question.locator("input[type=checkbox]").nth(0).click()
    elif kind == "quiz-type-numeric":
        question.locator("input").first.fill(str(100 + turn))


def click_latency(page, clicks: int) -> list[dict]:
    """Check answers on Start here's questions until ``clicks`` feedbacks were timed; the samples, in ms."""
    page.evaluate(OBSERVE)
    kinds = ["quiz-type-single", "quiz-type-truefalse", "quiz-type-multiple", "quiz-type-numeric"]
    questions = {k: page.locator(f".{k}").first for k in kinds if page.locator(f".{k}").count()}
    turn = 0
    while page.evaluate("window.__latencies.length") < clicks:
        kind = list(questions)[turn % len(questions)]
        question = questions[kind]
        question.scroll_into_view_if_needed()
        before = page.evaluate("window.__latencies.length")
        answer(question, kind, turn // len(questions))
        question.locator(".quiz-check").click()
        page.wait_for_function(f"window.__latencies.length > {before}", timeout=10_000)
        turn += 1
    return page.evaluate("window.__latencies")


def summary(samples: list[dict]) -> dict:
    values = [s["ms"] for s in samples]
    return {"median_ms": round(statistics.median(values), 1), "clicks": len(values),
            "max_ms": round(max(values), 1), "kinds": sorted({s["kind"] for s in samples})}


def measure(clicks: int = 24) -> dict:
    """Quiz feedback latency on Start here, in JupyterLab (kernel running) and on the static site (no kernel)."""
    from playwright.sync_api import sync_playwright

    from twopowers.teach.site import build

    executable = chromium_or_skip()
    with tempfile.TemporaryDirectory() as home:
        lab = Lab(Path(home))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(60_000)
                page.goto(f"{lab.url}/lab/tree/notebooks/00_start_here.ipynb?token={lab.token}")
                page.locator(".jp-Notebook").first.wait_for(state="visible")
                lab.wait(lab.kernels_idle, 90, "the kernel to start")
                menu(page, "Run", "Run All Cells")
                page.locator(".quiz-question").first.wait_for(state="visible", timeout=120_000)
                time.sleep(0.5)
                lab.wait(lab.kernels_idle, 120, "the notebook to finish")
                in_lab = click_latency(page, clicks)

                site = build(Path(home) / "site")
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto((site / "00_start_here.html").as_uri())
                page.locator(".quiz-question").first.wait_for(state="visible")
                on_site = click_latency(page, clicks)
                browser.close()
        finally:
            lab.stop()
    return {"lab": summary(in_lab), "site": summary(on_site)}


def _delete(lab, path: str) -> None:
    import urllib.request

    request = urllib.request.Request(f"{lab.url}/api/{path}?token={lab.token}", method="DELETE")
    urllib.request.urlopen(request, timeout=30).close()


def widget_views(path: Path) -> int:
    """How many widget views a notebook's stored outputs hold: what a Run All draws again."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return sum(WIDGET_VIEW in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def window_started(page) -> bool:
    return page.evaluate("window.__started !== null")


def lab_run_all(notebooks: list[Path], floor_source: str, rounds: int = 3) -> dict:
    """Run All in JupyterLab in Chromium for a floor notebook and each of ``notebooks``, interleaved over
    ``rounds``: per notebook, the median seconds and ratio to its round's floor, on a re-run (its charts in the
    chart cache) and on a first run (``first_``: the chart cache emptied first), and its widget views."""
    import os
    import shutil

    import nbformat
    from playwright.sync_api import sync_playwright

    from twopowers.chart_cache import CACHE_ENV

    executable = chromium_or_skip()
    with tempfile.TemporaryDirectory() as home:
        cache, kept = Path(home) / "chart-cache", Path(home) / "chart-cache-kept"
        old_cache = os.environ.get(CACHE_ENV)
        os.environ[CACHE_ENV] = str(cache)  # JupyterLab, and so each kernel, gets this cache folder
        try:
            lab = Lab(Path(home))
        finally:
            os.environ.pop(CACHE_ENV) if old_cache is None else os.environ.__setitem__(CACHE_ENV, old_cache)
        folder = Path(home) / "course" / "notebooks"
        floor = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(floor_source)],
                                         metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
        nbformat.write(floor, folder / "bench_floor.ipynb")
        names = ["bench_floor.ipynb"] + [p.name for p in notebooks]
        expected = {"bench_floor.ipynb": 0, **{p.name: widget_views(p) for p in notebooks}}
        runs = [(name, False) for name in names[:1]] + [(name, cold) for name in names[1:] for cold in (False, True)]
        seconds = {run: [] for run in runs}
        ratios = {run: [] for run in runs}
        views = {}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(120_000)
                for turn in range(rounds + 1):  # the first round warms the disk and the browser's cache: not kept
                    floor_took = None
                    for name, cold in runs:
                        if cold:  # the kept charts step aside for this run, and come back after it
                            shutil.rmtree(kept, ignore_errors=True)
                            if cache.exists():
                                cache.rename(kept)
                        page.goto(f"{lab.url}/lab/tree/notebooks/{name}?reset&token={lab.token}")
                        page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(state="visible")
                        lab.wait(lab.kernels_idle, 90, "the kernel to start")
                        menu(page, "Edit", "Clear Outputs of All Cells")
                        page.evaluate(START_CLOCK)
                        menu(page, "Run", "Run All Cells")
                        result = page.wait_for_function(FINISHED, arg=expected[name], polling="raf",
                                                        timeout=180_000).json_value()
                        assert window_started(page), "the Run All click was not seen by the page"
                        took = result["ms"] / 1000
                        floor_took = took if name == "bench_floor.ipynb" else floor_took
                        if turn:
                            seconds[name, cold].append(took)
                            ratios[name, cold].append(took / floor_took)
                        views[name] = result["views"]
                        time.sleep(0.3)
                        for session in lab.api("sessions") or []:  # the next notebook starts from a quiet machine
                            _delete(lab, f"sessions/{session['id']}")
                        if cold:
                            shutil.rmtree(cache, ignore_errors=True)
                            if kept.exists():
                                kept.rename(cache)
                browser.close()
        finally:
            lab.stop()
    found = {}
    for (name, cold), took in seconds.items():
        prefix = "first_" if cold else ""
        found.setdefault(name, {"widget_views": views[name]}).update(
            {f"{prefix}seconds": round(statistics.median(took), 2),
             f"{prefix}ratio": round(statistics.median(ratios[name, cold]), 2)})
    return found


if __name__ == "__main__":
    print(measure())
