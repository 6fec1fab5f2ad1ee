"""Serving a class with `course.py hub`: the roster, the hub's configuration, and a real JupyterHub with its
proxy serving three learners (the short version of bench/hub_load.py).

The class tests start a real JupyterHub from requirements-hub.txt with configurable-http-proxy from npm, as
`sudo python3 course.py hub` does, on loopback, with Unix accounts made for the test and removed after it. They
need Linux, root (the hub makes one account per learner) and Node.js; elsewhere they are skipped with the
reason, and under CI (CI=true) they must run.
"""
from __future__ import annotations

import asyncio
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from twopowers.errors import CourseError
from twopowers.teach import hub

from .hub_client import TEST_SRV, ClassHub, write_roster

ROOT = Path(__file__).resolve().parents[1]
LESSON = "notebooks/01_reading_the_article.ipynb"
EXERCISE = "ex01_reading_the_article"


# ----- the roster, the settings and the configuration (any machine) ---------------------------------------------
def test_a_roster_with_problems_is_refused_with_every_problem_and_its_row(tmp_path):
    roster = write_roster(tmp_path / "class.csv", [("Ana", "learner", ""), ("ben", "student", ""),
                                                    ("ben", "learner", ""), ("root;rm", "learner", "")])
    with pytest.raises(CourseError) as refused:
        hub.read_roster(roster)
    message = str(refused.value)
    for expected in ("row 2: the username 'Ana'", "row 3: the role 'student'", "row 4: ben is in the roster twice",
                     "row 5: the username 'root;rm'", "names no teacher"):
        assert expected in message


def test_a_roster_needs_its_columns_and_a_readable_file(tmp_path):
    (tmp_path / "names.csv").write_text("name\nAna\n")
    with pytest.raises(CourseError, match="needs the columns username and role"):
        hub.read_roster(tmp_path / "names.csv")
    with pytest.raises(CourseError, match="There is no roster file"):
        hub.read_roster(tmp_path / "missing.csv")


def test_the_example_roster_is_a_valid_class_with_a_teacher():
    members = hub.read_roster(ROOT / "hub" / "roster-example.csv")
    assert [m.role for m in members].count("teacher") == 1 and len(members) >= 3


def test_the_hub_refuses_to_start_without_root_and_says_how(monkeypatch, tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("the hub runs on Linux only")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(CourseError, match="sudo python3 course.py hub"):
        hub.check_can_serve(tmp_path)


def test_a_private_folder_is_refused_as_the_hubs_folder(tmp_path):
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("checked where the hub can run: Linux, as root")
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    with pytest.raises(CourseError, match="is private"):
        hub.check_can_serve(private / "srv")


def test_the_hub_refuses_while_learners_could_read_the_course_folder(monkeypatch):
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("checked where the hub can run: Linux, as root")
    base = Path(tempfile.mkdtemp(dir="/var/tmp"))  # reachable by everyone, unlike pytest's own tmp_path
    try:
        open_folder = base / "course"
        open_folder.mkdir()
        base.chmod(0o755)
        open_folder.chmod(0o755)
        monkeypatch.setattr("twopowers.data.course_root", lambda: open_folder)
        srv = base / "srv"
        with pytest.raises(CourseError, match=f"sudo chmod o-rwx {open_folder}"):
            hub.check_can_serve(srv)
        open_folder.chmod(0o750)
        hub.check_can_serve(srv)  # closed to others: nothing to say
    finally:
        shutil.rmtree(base)


def test_memory_limits_read_as_people_write_them():
    assert hub.memory_bytes("2G") == 2 * 1024 ** 3
    assert hub.memory_bytes("1500M") == 1500 * 1024 ** 2
    assert hub.memory_bytes("1.5GiB") == int(1.5 * 1024 ** 3)
    with pytest.raises(CourseError, match="should look like 2G"):
        hub.memory_bytes("lots")


def test_the_hub_configuration_makes_the_roster_admin_limits_culler_and_pull(tmp_path, monkeypatch):
    from traitlets.config import Config

    settings = {"srv": str(tmp_path), "state": str(tmp_path / "state"), "bind_url": "http://:8000", "hub_port": 8081, "proxy_api_port": 8001,
                "proxy": "/x/configurable-http-proxy", "singleuser": "/x/jupyterhub-singleuser", "python": "/x/python",
                "learners": ["10b-ana", "10b-ben"], "teachers": ["msrahimi"], "memory_bytes": 2 * 1024 ** 3,
                "max_processes": 512, "idle_seconds": 3600, "repo": "/srv/x/course",
                "default_url": "/" + hub.gitpuller_path(Path("/srv/x/course")), "ssl_cert": None, "ssl_key": None}
    (tmp_path / "hub-settings.json").write_text(json.dumps(settings))
    monkeypatch.setenv("TWOPOWERS_HUB_SETTINGS", str(tmp_path / "hub-settings.json"))
    monkeypatch.delenv("TWOPOWERS_HUB_SERVICE_TOKEN", raising=False)
    c = Config()
    exec(compile((ROOT / "hub" / "jupyterhub_config.py").read_text(), "jupyterhub_config.py", "exec"), {"c": c})
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.Authenticator.allowed_users == {"10b-ana", "10b-ben", "msrahimi"}
    assert c.Authenticator.admin_users == {"msrahimi"}
    assert c.Spawner.cmd[:3] == ["prlimit", f"--as={2 * 1024 ** 3}", "--nproc=512"]
    assert c.Spawner.cmd[-1] == "/x/jupyterhub-singleuser"
    assert c.Spawner.args == ["--KernelManager.transport=ipc"], "kernels on Unix sockets: no port races"
    assert c.Spawner.default_url.startswith("/git-pull?repo=file%3A%2F%2F%2Fsrv%2Fx%2Fcourse&branch=main")
    assert "urlpath=lab%2Ftree%2Fbetween-two-powers%2Fnotebooks%2F00_start_here.ipynb" in c.Spawner.default_url
    culler = c.JupyterHub.services[0]
    assert culler["name"] == "idle-culler" and "--timeout=3600" in culler["command"]
    assert [s["name"] for s in c.JupyterHub.services] == ["idle-culler"], "no tools' token unless the tests ask"
    assert "ssl_cert" not in c.JupyterHub


def test_collect_and_return_say_what_is_missing_instead_of_failing(tmp_path):
    with pytest.raises(CourseError, match="No class has been served from"):
        hub.collect(tmp_path / "out", tmp_path / "srv")
    with pytest.raises(CourseError, match="Give the results folder of course.py grade"):
        hub.return_feedback(tmp_path / "no-results", tmp_path / "srv")


def test_the_hub_command_reports_a_bad_roster_as_a_message(tmp_path, capsys):
    from twopowers.teach.cli import main

    bad = write_roster(tmp_path / "class.csv", [("ana", "learner", "Ana")])
    srv = Path("/var/tmp") / f"twopowers-unused-{os.getpid()}"
    try:
        assert main(["hub", "--roster", str(bad), "--srv", str(srv)]) == 1
    finally:
        shutil.rmtree(srv, ignore_errors=True)
    assert "names no teacher" in capsys.readouterr().err
    assert not srv.exists(), "nothing is made before the roster is right"


# ----- a real hub serving three learners (Linux, root, Node.js) ------------------------------------------------
def hub_or_skip() -> None:
    problem = None
    if not sys.platform.startswith("linux"):
        problem = "it needs Linux"
    elif os.geteuid() != 0:
        problem = "it needs root, to make one Unix account per learner"
    elif not (shutil.which("node") and shutil.which("npm")):
        problem = "it needs Node.js and npm for the hub's proxy"
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"The hub test must run in CI, but {problem}.")
        pytest.skip(f"Hub test skipped: {problem}.")


@pytest.fixture(scope="module")
def class_hub():
    hub_or_skip()
    served = ClassHub(learners=5)  # three for the class test, two fresh ones for the browser test
    try:
        served.wait_ready()
    except BaseException:
        served.stop()
        raise
    yield served
    served.stop()


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def home(username: str) -> Path:
    return Path(hub.account(username).pw_dir)


def test_three_learners_work_privately_and_their_work_survives_a_server_restart(class_hub, tmp_path):
    """Each learner logs in with their own password, gets the course by its git-pull link, runs lesson 01 and
    answers a quiz, and writes an exercise answer. No one can log in as a classmate, reach a classmate's
    server or read their files; after a server restart each finds their own work. Then the round trip:
    collect, grade, return feedback."""
    from .hub_client import Hub, HubError, Learner, code_cells, right_answer

    trio = class_hub.learners[:3]

    async def scenario():
        tools = Hub(class_hub.url, class_hub.token, class_hub.process, class_hub.log)
        await tools.wait_ready()
        learners = [Learner(tools, name, class_hub.passwords[name]) for name in trio]
        ana, ben, chidi = learners
        with pytest.raises(HubError):
            await Learner(tools, ana.username, class_hub.passwords[ben.username]).login()  # ben claims ana's name
        with pytest.raises(HubError):
            await Learner(tools, "someone-else", class_hub.passwords[ben.username]).login()  # not on the roster
        for learner in learners:
            await learner.login()
            assert await learner.whoami_with_cookie() == learner.username
            await learner.get_token()
        await asyncio.gather(*(learner.start_server() for learner in learners))
        repo = f"file://{TEST_SRV / 'course'}"
        await asyncio.gather(*(learner.pull_course(repo) for learner in learners))

        # the hand-out, not the answer key
        listing = json.loads((await ana.contents("between-two-powers")).body)
        names = {item["name"] for item in listing["content"]}
        assert {"notebooks", "exercises", "data"} <= names and "solutions" not in names and "tests" not in names

        # each learner runs lesson 01 and answers its first quiz question as the quiz's page does
        lesson = ROOT / LESSON
        saved = {}
        for learner in learners:
            kernel = await learner.open_kernel(f"between-two-powers/{LESSON}")
            for code in code_cells(lesson):
                _, found = await kernel.run(code)
                assert found["error"] is None, f"{learner.username}: {found['error']}"
            comm_id, quiz = kernel.quizzes[0]
            question = quiz["questions"][0]
            await kernel.answer(comm_id, right_answer(question, quiz["lesson"]))
            _, found = await kernel.run("from twopowers.progress import ProgressStore\n"
                                        f"print(ProgressStore().answer({quiz['lesson']!r}, {question['id']!r}))")
            assert "'status': 'correct'" in found["text"], found
            saved[learner.username] = (quiz["lesson"], question["id"])
            # a classmate's progress file cannot be opened from this learner's kernel
            other = next(o for o in learners if o is not learner)
            _, found = await kernel.run(f"open({str(home(other.username) / '.between-two-powers/progress.json')!r})")
            assert found["error"] and found["error"].startswith("PermissionError"), found
            await kernel.close()

        # each writes their own answer into exercise 01
        path = f"between-two-powers/exercises/{EXERCISE}/{EXERCISE}.ipynb"
        for learner in learners:
            notebook = json.loads((await learner.contents(path)).body)["content"]
            written = next(c for c in notebook["cells"] if "Write your answer here." in "".join(c["source"]))
            written["source"] = f"My own answer, by {learner.username}."
            await learner.server("PUT", f"api/contents/{path}", {"type": "notebook", "content": notebook})

        # no learner reaches another's server through the hub, nor their files as a Unix user
        for learner in learners:
            for other in learners:
                if other is learner:
                    continue
                reply = await learner.contents(path, owner=other.username)
                assert reply.code in (302, 403, 404), f"{learner.username} reached {other.username}'s server"
                denied = subprocess.run(["runuser", "-u", learner.username, "--", "cat",
                                         str(home(other.username) / path)], capture_output=True)
                assert denied.returncode != 0 and b"Permission denied" in denied.stderr

        # nor the class's passwords, the roster or the hub's state
        for secret in ("passwords.csv", "roster.csv", "hub-state/jupyterhub.sqlite"):
            denied = subprocess.run(["runuser", "-u", ana.username, "--", "cat", str(TEST_SRV / secret)],
                                    capture_output=True)
            assert denied.returncode != 0 and b"Permission denied" in denied.stderr, secret

        # a server restart loses nothing
        await ana.stop_server()
        await ana.start_server()
        notebook = json.loads((await ana.contents(path)).body)["content"]
        assert any(f"by {ana.username}" in "".join(c["source"]) for c in notebook["cells"])
        kernel = await ana.open_kernel(f"between-two-powers/{LESSON}")
        lesson_id, question_id = saved[ana.username]
        _, found = await kernel.run("from twopowers.progress import ProgressStore\n"
                                    f"print(ProgressStore().answer({lesson_id!r}, {question_id!r})['status'])")
        assert found["text"].strip() == "correct"
        await kernel.close()
        tools.close()

    run(scenario())

    # collect -> grade -> return feedback, as the guide shows
    collected = hub.collect(tmp_path / "collected", TEST_SRV, EXERCISE)
    assert set(trio) <= set(collected["notebooks"])
    for name in trio:
        text = (tmp_path / "collected" / name / f"{EXERCISE}.ipynb").read_text()
        assert f"by {name}." in text and all(f"by {o}." not in text for o in trio if o != name)
        progress = json.loads((tmp_path / "collected-progress" / f"my-progress-{name}.json").read_text())
        assert progress["learner"]["name"] == name and progress["answers"]
    graded = subprocess.run([sys.executable, "-m", "twopowers", "grade", str(tmp_path / "collected"),
                             "--out", str(tmp_path / "results")], capture_output=True, text=True, timeout=600)
    assert graded.returncode == 0, graded.stderr
    with open(tmp_path / "results" / "written_answers.csv", encoding="utf-8") as sheet:
        written = {row["student"]: row["answer"] for row in csv.DictReader(sheet)}
    assert all(written[name] == f"My own answer, by {name}." for name in trio), written
    returned = hub.return_feedback(tmp_path / "results", TEST_SRV)
    assert set(trio) <= set(returned["returned"])
    for name in trio:
        page = home(name) / "between-two-powers" / "feedback" / f"{name}.html"
        assert page.stat().st_uid == hub.account(name).pw_uid and name in page.read_text()
        assert all(other not in page.read_text() for other in trio if other != name)


def test_collect_takes_only_a_learners_own_regular_files(class_hub, tmp_path):
    """A learner who links their exercise to a classmate's (or to a system file) hands in nothing by it."""
    thief = class_hub.learners[1]
    folder = home(thief) / "between-two-powers" / "exercises" / "ex02_how_we_got_here"
    subprocess.run(["runuser", "-u", thief, "--", "mkdir", "-p", str(folder)], check=True)
    subprocess.run(["runuser", "-u", thief, "--", "ln", "-sf", "/etc/shadow",
                    str(folder / "ex02_how_we_got_here.ipynb")], check=True)
    collected = hub.collect(tmp_path / "out", TEST_SRV, "ex02_how_we_got_here")
    assert not (tmp_path / "out" / thief).exists()
    assert any(line.startswith(thief) for line in collected["skipped"])
    assert b"root:" not in b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())


@pytest.mark.browser
def test_two_learners_log_in_in_their_browsers_and_each_answers_a_quiz(class_hub):
    """Two browsers at once, as two learners at their desks: each logs in with their own password, lands on
    Start here in their own copy of the course, opens lesson 01, runs it and answers its first question. Each
    answer is saved in that learner's own progress file and in no one else's."""
    import urllib.request

    import yaml
    from playwright.sync_api import sync_playwright

    from .test_browser import ARTIFACTS, CHROMIUM_FLAGS, chromium_or_skip, menu

    executable = chromium_or_skip()
    ARTIFACTS.mkdir(exist_ok=True)
    lesson = ROOT / LESSON
    questions = yaml.safe_load((ROOT / "data" / "quizzes" / f"{lesson.stem}.yml").read_text())["questions"]
    first = next(q for q in questions if q["type"] == "single")
    right = next(o["text"] for o in first["options"] if o.get("correct"))
    ana, ben = class_hub.learners[3:5]  # not used by the other tests: what they saved, they saved here

    def lesson_kernel_idle(name: str) -> bool:
        """The lesson's own kernel has started and is idle (Start here's, opened at login, is another)."""
        request = urllib.request.Request(f"{class_hub.url}/user/{name}/api/sessions",
                                         headers={"Authorization": f"token {class_hub.token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                sessions = json.load(reply)
        except OSError:
            return False
        return any(s["path"].endswith(lesson.name) and s["kernel"]["execution_state"] == "idle" for s in sessions)

    def wait(condition, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.5)
        raise AssertionError(f"Timed out after {seconds} s waiting for {what}")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        pages = {}
        for name in (ana, ben):  # both log in before either answers: two learners on the hub at once
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(120_000)
            page.goto(f"{class_hub.url}/hub/login")
            page.fill("#username_input", name)
            page.fill("#password_input", class_hub.passwords[name])
            page.click("#login_submit")
            page.wait_for_url(f"**/user/{name}/lab/tree/between-two-powers/notebooks/00_start_here.ipynb*",
                              timeout=240_000)  # the hub starts the server, the git-pull link fetches the course
            page.locator(".jp-Notebook").first.wait_for(state="visible")
            pages[name] = page
        for name, page in pages.items():
            page.goto(f"{class_hub.url}/user/{name}/lab/tree/between-two-powers/{LESSON}")
            page.locator(".jp-Notebook").first.wait_for(state="visible")
            wait(lambda: lesson_kernel_idle(name), 120, f"{name}'s lesson kernel to start")
            menu(page, "Run", "Run All Cells")
            question = page.locator(".quiz-question", has_text=first["prompt"][:40]).first
            try:
                question.wait_for(state="visible")
            except Exception:
                page.screenshot(path=str(ARTIFACTS / "hub_quiz_missing.png"))
                raise
            question.scroll_into_view_if_needed()
            question.get_by_label(right, exact=True).check()
            question.locator(".quiz-check").click()
            page.wait_for_function("el => el.innerText.includes('Right.')",
                                   arg=question.locator(".quiz-feedback").element_handle())
            page.screenshot(path=str(ARTIFACTS / f"hub_{'ana' if name == ana else 'ben'}_answered.png"))
        browser.close()
    for name in (ana, ben):
        record = json.loads((home(name) / ".between-two-powers" / "progress.json").read_text())
        saved = record["answers"][lesson.stem]
        assert any(a.get("status") == "correct" for a in saved.values()), saved
