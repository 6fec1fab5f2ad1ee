"""A learner's first sessions, in a real browser: JupyterLab in headless Chromium, driven by Playwright.

JupyterLab is started exactly as a learner starts it, by `python3 course.py start --no-browser`, in a copy of
the course (the hand-out's files, sharing this checkout's .venv), so that running notebooks and answering
quizzes never changes a tracked file. The tests open the address course.py prints: Start here opens, with no
"Jupyter news?" pop-up, and an exercise opens from the file browser. Then Start here: Run All, answer a
question wrongly and then rightly, restart the kernel, run again, and see the saved answer; a lesson question;
lesson 09's reveal. Screenshots go to test-artifacts/. Without Chromium the tests are skipped with the reason;
under CI (CI=true) they must run.
"""
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]
ADDRESS_LINE = re.compile(r"^\[course\] Open the course at: (\S+)$", re.M)
pytestmark = pytest.mark.browser


def chromium_or_skip() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    problem = None
    if not path:
        problem = "Chromium is not installed (on Debian/Ubuntu: sudo apt install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed (python3 course.py test installs it)"
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"The browser test must run in CI, but {problem}.")
        pytest.skip(f"Browser test skipped: {problem}.")
    return path


def load_course_script(root: Path):
    spec = importlib.util.spec_from_file_location("course_script", root / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def course_copy(home: Path) -> Path:
    """A learner's copy of the course: the hand-out's files, and this checkout's .venv linked in."""
    from twopowers.teach.handout import handout_files

    root = home / "course"
    for path in handout_files(ROOT):
        target = root / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (root / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    course = load_course_script(root)
    installed = json.loads(course.STAMP.read_text()) if course.STAMP.exists() else {}
    if installed.get("learner") != course.requirements_digest(False):
        raise AssertionError("course.py start would install packages into .venv, which is not up to date: "
                             "run python3 course.py test (it updates .venv first)")
    return root


def test_the_start_command_serves_the_course_folder_and_keeps_what_the_user_gives(monkeypatch, capsys):
    """No browser needed: the command course.py start runs, and the address it prints."""
    course = load_course_script(ROOT)
    monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
    monkeypatch.delenv("JUPYTER_PORT", raising=False)
    command, env, address = course.lab_command(Path("python"), [])
    assert f"--ServerApp.root_dir={ROOT}" in command and "--ServerApp.ip=127.0.0.1" in command
    assert "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb" in command
    assert f"--LabApp.app_settings_dir={ROOT / 'jupyter-settings'}" in command
    assert (ROOT / "jupyter-settings" / "overrides.json5").is_file()
    port = next(a.split("=")[1] for a in command if a.startswith("--ServerApp.port="))
    assert address == f"http://127.0.0.1:{port}/lab/tree/notebooks/00_start_here.ipynb?token={env['JUPYTER_TOKEN']}"
    assert len(env["JUPYTER_TOKEN"]) >= 32 and not any(env["JUPYTER_TOKEN"] in a for a in command)

    with socket.socket() as probe:  # a port that is free now
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    mine = ["--no-browser", f"--port={free}", "--IdentityProvider.token=abc"]
    command, env, address = course.lab_command(Path("python"), mine)
    assert command[-3:] == mine and not any(a.startswith("--ServerApp.port=") for a in command)
    assert address == f"http://127.0.0.1:{free}/lab/tree/notebooks/00_start_here.ipynb?token=abc"
    assert "JUPYTER_TOKEN" not in env

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(SystemExit):
            course.lab_command(Path("python"), [f"--port={busy.getsockname()[1]}"])
    assert "already in use" in capsys.readouterr().err


class Lab:
    """JupyterLab as `python3 course.py start --no-browser` serves it, with its own temporary config, settings,
    workspaces and progress folders; `address` is the one course.py prints."""

    def __init__(self, home: Path):
        root = course_copy(home)
        self.settings = home / "settings"
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
               "JUPYTERLAB_SETTINGS_DIR": str(self.settings),
               "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
               "TWOPOWERS_PROGRESS_DIR": str(home / "progress"), "TWOPOWERS_EXPORT_DIR": str(home / "exports")}
        for name in ("JUPYTER_TOKEN", "JUPYTER_PORT"):  # course.py chooses them
            env.pop(name, None)
        self.log_path = home / "course-start.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, str(root / "course.py"), "start", "--no-browser"], cwd=root,
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self.wait(lambda: ADDRESS_LINE.search(self.output()), 60, "course.py to print the course's address")
            self.address = ADDRESS_LINE.search(self.output()).group(1)
            parts = urllib.parse.urlsplit(self.address)
            self.url = f"{parts.scheme}://{parts.netloc}"
            self.token = urllib.parse.parse_qs(parts.query)["token"][0]
            self.wait(lambda: self.api("status") is not None, 90, "JupyterLab to start")
        except BaseException:
            self.stop()
            raise

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def api(self, path):
        try:
            with urllib.request.urlopen(f"{self.url}/api/{path}?token={self.token}", timeout=5) as reply:
                return json.load(reply)
        except OSError:
            return None

    def kernels_idle(self) -> bool:
        sessions = self.api("sessions") or []
        return bool(sessions) and all(s["kernel"]["execution_state"] == "idle" for s in sessions)

    def wait(self, condition, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"JupyterLab stopped while waiting for {what}:\n{self.output()[-3000:]}")
            if condition():
                return
            time.sleep(0.25)
        raise AssertionError(f"Timed out after {seconds} s waiting for {what}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def lab(tmp_path):
    chromium_or_skip()
    server = Lab(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def page(lab):
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.set_default_timeout(60_000)
        yield tab
        browser.close()


def menu(page, top, item):
    page.get_by_role("menuitem", name=top, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def run_all(page, lab, first_output=".quiz-question"):
    """Run every cell and wait until the kernel is idle; returns seconds until the first quiz appeared."""
    started = time.monotonic()
    menu(page, "Run", "Run All Cells")
    page.locator(first_output).first.wait_for(state="visible", timeout=120_000)
    appeared = time.monotonic() - started
    time.sleep(0.5)  # the kernel may report idle for an instant between cells
    lab.wait(lab.kernels_idle, 120, "the kernel to finish running the notebook")
    return appeared


def news_toasts(page):
    """Notifications about Jupyter news or JupyterLab updates: the pop-up asks "...official Jupyter news?"."""
    return page.locator(".Toastify__toast").filter(has_text=re.compile(r"Jupyter news|newer version", re.I))


def current_tab(page) -> str:
    return page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").first.inner_text().strip()


def test_course_py_start_opens_start_here_and_the_exercises_are_in_the_file_browser(lab, page):
    """The address course.py prints opens Start here (not the Launcher), with no news pop-up; the exercises
    open from JupyterLab's file browser, as Start here and the hand-out README tell learners to do."""
    assert lab.address.startswith("http://127.0.0.1:")
    assert "/lab/tree/notebooks/00_start_here.ipynb?token=" in lab.address
    page.goto(lab.address)
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible")
    assert current_tab(page) == "00_start_here.ipynb"
    assert page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="Launcher").count() == 0
    lab.wait(lab.kernels_idle, 90, "the kernel to start")  # by now JupyterLab has loaded its settings
    assert news_toasts(page).count() == 0, "a news or update notification appeared"
    page.screenshot(path=str(ARTIFACTS / "start_opens_start_here.png"))

    exercise = sorted((ROOT / "exercises").glob("ex*/ex*.ipynb"))[0]
    title = json.loads(exercise.read_text())["cells"][0]["source"][0].lstrip("# ").strip()
    files = page.locator("#filebrowser")
    if not files.is_visible():
        page.locator(".jp-SideBar .lm-TabBar-tab[data-id='filebrowser']").click()
    files.locator(".jp-BreadCrumbs-home").click()
    for name in ("exercises", exercise.parent.name, exercise.name):
        files.locator(".jp-DirListing-itemText").get_by_text(name, exact=True).dblclick()
    page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown h1", has_text=title).wait_for(state="visible")
    assert current_tab(page) == exercise.name
    page.screenshot(path=str(ARTIFACTS / "exercise_opened_from_the_file_browser.png"))
    assert news_toasts(page).count() == 0, "a news or update notification appeared"


def test_a_learner_answers_and_finds_the_answer_saved_after_a_restart(lab, page):
    page.goto(lab.address)
    page.locator(".jp-Notebook").first.wait_for(state="visible")
    lab.wait(lab.kernels_idle, 90, "the kernel to start")
    seconds_to_quiz = run_all(page, lab)

    question = page.locator(".quiz-type-single").first
    question.scroll_into_view_if_needed()
    feedback = question.locator(".quiz-feedback")
    question.get_by_label("Ahmed Al-Asadi, a Shiite lawmaker").check()
    question.locator(".quiz-check").click()
    page.wait_for_function("el => el.innerText.includes('Not right yet.')", arg=feedback.element_handle())
    assert "Hint:" in feedback.inner_text() and "Look again at ¶" in feedback.inner_text()  # where to look
    assert question.get_attribute("data-status") == "wrong"  # the colour and the icon follow the words
    page.screenshot(path=str(ARTIFACTS / "start_here_wrong_answer.png"))

    question.get_by_label("Abdullah Al-Kharbeet, a Sunni lawmaker").check()
    question.locator(".quiz-check").click()
    page.wait_for_function("el => el.innerText.includes('Right.')", arg=feedback.element_handle())
    assert "Score: 1 of 6 correct" in page.locator(".quiz-score").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "start_here_right_answer.png"))

    numeric = page.locator(".quiz-type-numeric").first
    numeric.locator("input").fill("1,000")
    numeric.locator("input").press("Enter")  # Enter in the box checks, as the Check button does
    page.wait_for_function("el => el.innerText.includes('without commas')",
                           arg=numeric.locator(".quiz-feedback").element_handle())

    menu(page, "Kernel", "Restart Kernel and Run All Cells…")
    page.get_by_role("button", name="Confirm Kernel Restart").or_(
        page.locator(".jp-Dialog-button.jp-mod-accept")).first.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.quiz-type-single .quiz-feedback')]"
        ".some(el => el.innerText.includes('Right. Your saved answer is shown'))", timeout=120_000)
    lab.wait(lab.kernels_idle, 120, "the kernel to finish the second run")
    restored = page.locator(".quiz-type-single").first
    assert restored.get_by_label("Abdullah Al-Kharbeet, a Sunni lawmaker").is_checked()
    assert "Score: 1 of 6 correct" in page.locator(".quiz-score").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "start_here_after_restart.png"))

    metrics = {"seconds_from_run_all_to_first_quiz": round(seconds_to_quiz, 2)}
    (ARTIFACTS / "browser-metrics.json").write_text(json.dumps(metrics, indent=1))
    print(f"\nRun All -> first quiz visible: {seconds_to_quiz:.2f} s")


def test_a_learner_answers_a_lesson_question(lab, page):
    """Open the first lesson, run it, and answer its first single-choice question wrongly, then rightly."""
    import yaml

    lessons = sorted((ROOT / "notebooks").glob("0[1-9]_*.ipynb"))
    assert len(lessons) == 9, "the course has nine lessons after Start here"
    lesson = lessons[0]
    questions = yaml.safe_load((ROOT / "data" / "quizzes" / f"{lesson.stem}.yml").read_text())["questions"]
    first = next(q for q in questions if q["type"] == "single")
    right = next(o["text"] for o in first["options"] if o.get("correct"))
    wrong = next(o["text"] for o in first["options"] if not o.get("correct"))

    page.goto(f"{lab.url}/lab/tree/notebooks/{lesson.name}?token={lab.token}")
    page.locator(".jp-Notebook").first.wait_for(state="visible")
    lab.wait(lab.kernels_idle, 90, "the kernel to start")
    # Before anything runs (the notebook is not trusted yet), its stored chart shows, with its description.
    chart = page.locator("img.course-chart").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 300", arg=chart.element_handle())
    assert len(chart.get_attribute("alt")) > 40
    chart.screenshot(path=str(ARTIFACTS / f"{lesson.stem}_chart_before_running.png"))
    run_all(page, lab)
    question = page.locator(".quiz-question", has_text=first["prompt"][:40]).first
    question.scroll_into_view_if_needed()
    feedback = question.locator(".quiz-feedback")
    question.get_by_label(wrong, exact=True).check()
    question.locator(".quiz-check").click()
    page.wait_for_function("el => el.innerText.includes('Not right yet.')", arg=feedback.element_handle())
    question.get_by_label(right, exact=True).check()
    question.locator(".quiz-check").click()
    page.wait_for_function("el => el.innerText.includes('Right.')", arg=feedback.element_handle())
    page.screenshot(path=str(ARTIFACTS / f"{lesson.stem}_answered.png"))


def test_the_reveal_in_lesson_09_waits_for_a_prediction(lab, page):
    """A learner who skipped lesson 08 sees the prompt, not the reveal; saving a prediction opens it."""
    lesson = ROOT / "notebooks" / "09_what_happened_next.ipynb"
    assert lesson.exists(), "lesson 09 is part of the course"
    page.goto(f"{lab.url}/lab/tree/notebooks/{lesson.name}?token={lab.token}")
    page.locator(".jp-Notebook").first.wait_for(state="visible")
    lab.wait(lab.kernels_idle, 90, "the kernel to start")
    run_all(page, lab, first_output=".reveal")
    gate = page.locator(".reveal").first
    gate.scroll_into_view_if_needed()
    assert gate.locator(".reveal-prompt").is_visible()
    result = gate.locator(".reveal-result")
    assert "What happened" not in result.inner_text()

    save = gate.get_by_role("button", name="Save my predictions")
    save.click()
    status = gate.locator(".prediction .widget-html").last
    page.wait_for_function("el => el.innerText.includes('Choose an answer for every question')",
                           arg=status.element_handle())
    assert "What happened" not in result.inner_text(), "an incomplete prediction must not open the reveal"
    groups = gate.locator(".prediction .widget-radio-box")
    for i in range(groups.count()):
        groups.nth(i).get_by_label("Yes, but fewer than in January 2020", exact=True).check()
    save.click()
    page.wait_for_function("el => el.innerText.includes('What happened')", arg=result.element_handle())
    assert "came true" in result.inner_text()
    assert result.locator("img").first.get_attribute("alt").startswith("One bar per prediction")
    page.screenshot(path=str(ARTIFACTS / "09_reveal_after_prediction.png"))


def test_a_source_number_in_a_lesson_opens_that_source_on_the_sources_page(lab, page):
    """A learner clicks a number such as [57] in a lesson: the sources page opens on that source's entry."""
    page.goto(f"{lab.url}/lab/tree/notebooks/05_the_arguments.ipynb?token={lab.token}")
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible")
    link = page.locator(".jp-RenderedMarkdown a[href*='sources.ipynb'][href*='#cell-id=']").first  # as JupyterLab resolves it
    link.scroll_into_view_if_needed()
    number, source = link.inner_text().strip(), link.get_attribute("href").split("cell-id=")[1]
    assert number.isdigit()
    link.click()
    page.wait_for_function("() => document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current')"
                           "?.innerText.trim() === 'sources.ipynb'")
    entry = page.locator(".jp-NotebookPanel:visible .jp-Cell.jp-mod-selected").filter(
        has=page.locator("strong", has_text=re.compile(rf"^\[{number}\]$")))
    entry.wait_for(state="visible")
    time.sleep(0.5)  # let the scrolling settle
    box, height = entry.bounding_box(), page.viewport_size["height"]
    assert 0 <= box["y"] < height, f"the entry of source {source} is not in view"
    page.screenshot(path=str(ARTIFACTS / "source_link_opens_its_entry.png"))


def test_a_going_further_notebook_opens_from_its_lesson_and_its_quiz_works(lab, page):
    """A learner follows a lesson's *Going further* link, runs the notebook and answers one of its questions."""
    import yaml

    lesson = ROOT / "notebooks" / "02_how_we_got_here.ipynb"
    page.goto(f"{lab.url}/lab/tree/notebooks/{lesson.name}?token={lab.token}")
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible")
    link = page.locator(".jp-RenderedMarkdown a[href*='going-further/']").first
    link.scroll_into_view_if_needed()
    name = link.get_attribute("href").split("going-further/")[1].split("?")[0].split("#")[0]
    link.click()
    page.wait_for_function(f"() => document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current')"
                           f"?.innerText.trim() === '{name}'")
    lab.wait(lambda: len(lab.api("sessions") or []) == 2 and lab.kernels_idle(), 90, "its kernel to start")
    run_all(page, lab, first_output=".jp-NotebookPanel:visible .quiz-question")
    questions = yaml.safe_load((ROOT / "data" / "quizzes" / f"{Path(name).stem}.yml").read_text())["questions"]
    first = next(q for q in questions if q["type"] == "single")
    right = next(o["text"] for o in first["options"] if o.get("correct"))
    question = page.locator(".jp-NotebookPanel:visible .quiz-question", has_text=first["prompt"][:40]).first
    question.scroll_into_view_if_needed()
    question.get_by_label(right, exact=True).check()
    question.locator(".quiz-check").click()
    page.wait_for_function("el => el.innerText.includes('Right.')",
                           arg=question.locator(".quiz-feedback").element_handle())
    page.screenshot(path=str(ARTIFACTS / "going_further_answered.png"))


def serious_violations(page, context) -> list[str]:
    """axe-core's serious and critical findings inside ``context`` (a CSS selector), one line each."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, context=context, options={"resultTypes": ["violations"]}).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
            for v in found if v["impact"] in ("serious", "critical")]


def press(page, *keys):
    for key in keys:
        page.keyboard.press(key)


def keyboard_answer(page, question, kind: str, right) -> None:
    """Answer one question with the keyboard alone, starting with the focus on its first control:
    arrows move through a radio group, Space ticks a box, arrows choose in a list, Tab moves on, Enter checks."""
    controls = question.locator("input, select")
    controls.first.focus()
    if kind in ("single", "truefalse"):
        labels = [t.strip() for t in question.locator(".quiz-choice").all_inner_texts()]
        press(page, "Space", *["ArrowDown"] * labels.index(right), "Tab")
    elif kind == "multiple":
        labels = [t.strip() for t in question.locator(".quiz-choice").all_inner_texts()]
        for i, label in enumerate(labels):
            press(page, *(["Space"] if label in right else []), "Tab")
        assert page.evaluate("document.activeElement.className") == "quiz-check"
    elif kind == "numeric":
        page.keyboard.type(str(right))
    else:  # ordering and matching: one list per line, each choice found by its place in the list
        for i, wanted in enumerate(right):
            options = controls.nth(i).locator("option").all_inner_texts()
            press(page, *["ArrowDown"] * options.index(wanted), "Tab")
    press(page, "Enter")


EVERY_KIND = {"single", "multiple", "truefalse", "numeric", "ordering", "matching"}


def answer_every_kind_by_keyboard(page) -> set[str]:
    """Answer Start here's practice quiz (one question of each type) with the keyboard alone, each rightly;
    return the types answered. The same quiz runs in JupyterLab and on the site."""
    import yaml

    questions = yaml.safe_load((ROOT / "data" / "quizzes" / "00_start_here.yml").read_text())["questions"]
    answers = {"single": lambda q: next(o["text"] for o in q["options"] if o.get("correct")),
               "truefalse": lambda q: str(q["answer"]),
               "multiple": lambda q: {o["text"] for o in q["options"] if o.get("correct")},
               "numeric": lambda q: f"{q['answer']:g}", "ordering": lambda q: q["items"],
               "matching": lambda q: None}
    kinds = set()
    for q in questions:
        question = page.locator(".quiz-question", has_text=q["prompt"][:40]).first
        question.scroll_into_view_if_needed()
        right = answers[q["type"]](q)
        if q["type"] == "matching":  # the lines are shown in the learner's order
            lefts = [t.strip() for t in question.locator(".quiz-pair > span").all_inner_texts()]
            right = [next(p["right"] for p in q["pairs"] if p["left"] == left) for left in lefts]
        keyboard_answer(page, question, q["type"], right)
        page.wait_for_function("el => el.dataset.status === 'correct'", arg=question.element_handle(), timeout=5_000)
        assert "Right." in question.locator(".quiz-feedback").inner_text()
        kinds.add(q["type"])
    return kinds


def test_every_kind_of_question_can_be_answered_with_the_keyboard_alone(lab, page):
    """Start here's practice quiz has one question of each type; each is answered without the mouse, and the
    notebook's own shortcuts (arrows move between cells, Enter edits one) never take the keys."""
    page.goto(lab.address)
    page.locator(".jp-Notebook").first.wait_for(state="visible")
    lab.wait(lab.kernels_idle, 90, "the kernel to start")
    run_all(page, lab)
    assert answer_every_kind_by_keyboard(page) == EVERY_KIND
    assert page.locator(".jp-Notebook.jp-mod-editMode").count() == 0, "Enter in a quiz opened a cell for editing"
    assert "Score: 6 of 6 correct" in page.locator(".quiz-score").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "start_here_answered_by_keyboard.png"))


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_a_lesson_in_jupyterlab_has_no_serious_accessibility_violations(lab, page, theme):
    """axe-core on lesson 02's outputs, quizzes and the course's other widgets among them, after a wrong answer
    has put feedback on the page, in JupyterLab's light and dark themes."""
    settings = lab.settings / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"theme": theme}))  # as the Settings menu's Theme item saves it
    page.goto(f"{lab.url}/lab/tree/notebooks/02_how_we_got_here.ipynb?token={lab.token}")
    page.locator(".jp-Notebook").first.wait_for(state="visible")
    lab.wait(lab.kernels_idle, 90, "the kernel to start")
    dark = page.evaluate("getComputedStyle(document.body).getPropertyValue('--jp-layout-color0').trim()")
    assert (dark in ("#111111", "#111")) == theme.endswith("Dark"), f"{theme} is not the theme shown ({dark})"
    run_all(page, lab)
    question = page.locator(".quiz-type-single").first
    question.scroll_into_view_if_needed()
    question.locator("input[type=radio]").first.check()
    question.locator(".quiz-check").click()
    page.wait_for_function("el => el.dataset.status", arg=question.element_handle())
    question.screenshot(path=str(ARTIFACTS / f"02_quiz_{theme.split()[-1].lower()}.png"))
    problems = serious_violations(page, ".jp-OutputArea-output")
    assert not problems, "\n".join(problems)


def test_a_learner_fills_a_documents_sourcing_organiser_and_finds_it_again(lab, page, tmp_path):
    """In Going further 05 a learner reads the Pentagon's statement with its headnote, saves a note in the
    organiser, and after running the notebook again the note is still there (and in the progress file)."""
    name = "05g_in_their_own_words.ipynb"
    page.goto(f"{lab.url}/lab/tree/notebooks/going-further/{name}?token={lab.token}")
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible")
    lab.wait(lambda: (lab.api("sessions") or []) and lab.kernels_idle(), 90, "its kernel to start")
    run_all(page, lab, first_output=".document")
    sheet = page.locator(".document", has_text="The Pentagon announces the strike").first
    sheet.scroll_into_view_if_needed()
    assert "For whom" in sheet.locator(".headnote").inner_text()
    sheet.locator("textarea").first.fill("The Pentagon, for reporters and for Iran, on the night of the strike.")
    sheet.get_by_role("button", name="Save my sourcing notes").click()
    page.wait_for_function("el => el.innerText.includes('Saved (1 of 4 boxes)')",
                           arg=sheet.locator(".activity-status").element_handle())
    page.screenshot(path=str(ARTIFACTS / "document_organiser_saved.png"))
    run_all(page, lab, first_output=".document")
    again = page.locator(".document", has_text="The Pentagon announces the strike").first
    assert again.locator("textarea").first.input_value().startswith("The Pentagon, for reporters")
    saved = json.loads((tmp_path / "progress" / "progress.json").read_text())
    assert saved["texts"]["05g_in_their_own_words"]["sourcing-d01"]["value"]["author"].startswith("The Pentagon")


def test_the_decision_room_saves_group_role_position_and_decision_and_the_tally_flags_a_split(lab, page, tmp_path):
    """Lesson 08 in JupyterLab: a learner picks group B and a role, saves the position in round 1, records the
    group's decision in round 4; the saved record (format version 2) goes into the class tally beside a
    classmate of group B who recorded another decision, and the tally flags group B."""
    from twopowers.progress import ProgressStore
    from twopowers.teach.tally import class_tally

    name = "08_the_decision_room.ipynb"
    page.goto(f"{lab.url}/lab/tree/notebooks/{name}?token={lab.token}")
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible")
    lab.wait(lambda: (lab.api("sessions") or []) and lab.kernels_idle(), 90, "its kernel to start")
    run_all(page, lab, first_output=".decision-room")
    room = page.locator(".decision-room").first
    room.scroll_into_view_if_needed()
    status = room.locator(".activity-status").first
    room.get_by_role("button", name="Save").click()
    page.wait_for_function("el => el.innerText.includes('Choose your group first')",
                           arg=room.locator(".widget-html").last.element_handle())
    selects = room.locator("select")
    selects.nth(0).select_option(label="Group B")
    selects.nth(1).select_option(label="Caretaker prime minister")
    room.locator("h4", has_text="Caretaker prime minister").wait_for(state="visible")  # the kernel showed the role
    room.get_by_label("Ask Washington to work with Iraq on a gradual exit plan", exact=True).check()
    room.locator("textarea").fill("A timetable keeps the vote alive without a sudden gap in the fight against "
                                  "Islamic State or a rush into sanctions.")
    room.locator("textarea").press("Tab")
    time.sleep(1)  # let the widgets' values reach the kernel before the button does
    room.get_by_role("button", name="Save").click()
    status = room.locator(".activity-status").first
    page.wait_for_function("el => el.innerText.includes('Saved for group B')", arg=status.element_handle())
    assert "comes in round 4" in status.inner_text()
    room.get_by_label("Negotiate a timed withdrawal with the United States", exact=True).check()
    # The choice reaches the kernel as a widget message; on a busy machine it may arrive after a click sent at
    # once, so save again (as a learner would) until the status shows the decision, for at most 90 s.
    deadline = time.monotonic() + 90
    while "Negotiate a timed withdrawal" not in status.inner_text():
        assert time.monotonic() < deadline, f"the group's decision was never saved: {status.inner_text()!r}"
        time.sleep(1)
        room.get_by_role("button", name="Save").click()
        time.sleep(2)
    page.screenshot(path=str(ARTIFACTS / "08_decision_room_saved.png"))

    saved = json.loads((tmp_path / "progress" / "progress.json").read_text())
    decision = saved["choices"]["08_the_decision_room"]["decision"]["value"]
    assert decision == {"version": 2, "group": "B", "role": "prime-minister", "option": "pm-2",
                        "justification": decision["justification"], "group_decision": "room-2"}
    ProgressStore(tmp_path / "progress").export(tmp_path / "class", "Ana")
    classmate = ProgressStore(tmp_path / "classmate")
    classmate.save("choices", "08_the_decision_room", "decision",
                   {"version": 2, "group": "B", "role": "kdp-mp", "option": "kdp-1", "justification": "Because.",
                    "group_decision": "room-3"})
    classmate.export(tmp_path / "class", "Bo")
    tally = class_tally(tmp_path / "class")
    group_b = tally.groups.set_index("group").loc["B"]
    assert group_b["members"] == 2 and "recorded different decisions" in group_b["flag"]
    assert tally.role_votes.loc["prime-minister", "room-2"] == 1
