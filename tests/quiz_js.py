"""Run functions of the quiz's front end, src/twopowers/static/quiz.js, in headless Chromium.

The quiz marks answers in the page, so its marking is tested where it runs: one browser per test process,
the module imported once, and each call a plain JSON round trip.
"""
import base64
import json

from twopowers.quizzes import STATIC

from .test_browser import CHROMIUM_FLAGS, chromium_or_skip


class QuizModule:
    def __init__(self):
        from playwright.sync_api import sync_playwright

        executable = chromium_or_skip()
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS,
                                                         headless=True)
        self.page = self._browser.new_page()
        source = base64.b64encode((STATIC / "quiz.js").read_bytes()).decode()
        self.page.evaluate("async (src) => { window.quiz = await import('data:text/javascript;base64,' + src); }",
                           source)

    def __call__(self, name: str, *args):
        """quiz.js's exported function ``name`` called with ``args`` (each passed as JSON)."""
        return self.page.evaluate("([name, args]) => window.quiz[name](...args)", [name, json.loads(json.dumps(args))])

    def close(self):
        self._browser.close()
        self._playwright.stop()
