"""Quiz feedback latency in a real browser: JupyterLab in headless Chromium, driven by Playwright.

The page itself measures: a click listener on each Check button notes performance.now(), and a
MutationObserver on the question's feedback notes when its text changes. The figure is the median over
at least 20 clicks on single-choice, true/false, multiple-choice and numeric questions of Start here.
Used by bench/run.py; target <= 100 ms.
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
        box = question.locator("input").first
        box.fill(str(100 + turn))
        box.press("Enter")


def measure(clicks: int = 24) -> dict:
    from playwright.sync_api import sync_playwright

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
                samples = page.evaluate("window.__latencies")
                browser.close()
        finally:
            lab.stop()
    values = [s["ms"] for s in samples]
    return {"median_ms": round(statistics.median(values), 1), "clicks": len(values),
            "max_ms": round(max(values), 1), "kinds": sorted({s["kind"] for s in samples})}


if __name__ == "__main__":
    print(measure())
