"""A learner as the hub sees one, without a browser: log in with a password, start a server, pull the course,
open a notebook's kernel, run its cells and answer its quizzes over the kernel's websocket, as JupyterLab does.

Used by the hub tests (tests/test_hub.py) and the load benchmark (bench/hub_load.py). Everything goes to the
hub on this machine (loopback); every wait has a time limit.
"""
from __future__ import annotations

import asyncio
import csv
import fcntl
import json
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from twopowers.data import course_root
from twopowers.teach.hub import closed_to_others, free_port, prepare, remove_accounts

ROOT = Path(__file__).resolve().parents[1]
TEST_SRV = Path("/var/tmp/twopowers-test-hub")  # the tests' and benchmark's hub folder: its environment installs once
NAMES = ("ana", "ben", "chidi", "dana", "emil", "fatima", "goran", "hana", "ivo", "jamal")


def write_roster(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["username", "role", "name"])
        writer.writerows(rows)
    return path




class HubError(AssertionError):
    pass


class Hub:
    """A running `course.py hub` (from twopowers.teach.hub.prepare), driven by the course-tools service token."""

    def __init__(self, url: str, token: str, process: subprocess.Popen | None = None, log: Path | None = None):
        self.url, self.token, self.process, self.log = url.rstrip("/"), token, process, log
        # as many requests at once as a class sends (tornado's default queues all but 10 of them)
        self.http = AsyncHTTPClient(force_instance=True, max_clients=500,
                                    defaults={"request_timeout": 300, "connect_timeout": 60})

    async def api(self, method: str, path: str, body=None, token: str | None = None, ok=(200, 201, 202, 204)):
        request = HTTPRequest(f"{self.url}/hub/api/{path}", method=method,
                              headers={"Authorization": f"token {token or self.token}"},
                              body=None if body is None and method in ("GET", "DELETE") else json.dumps(body or {}),
                              allow_nonstandard_methods=True)
        reply = await self.http.fetch(request, raise_error=False)
        if reply.code not in ok:
            raise HubError(f"{method} /hub/api/{path} answered {reply.code}: {reply.body[:300]!r}")
        return json.loads(reply.body) if reply.body else None

    async def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise HubError(f"The hub stopped:\n{self.log.read_text()[-3000:] if self.log else ''}")
            try:
                await self.api("GET", "")  # the version: answers once the hub is up
                return
            except (HubError, OSError, HTTPClientError):
                await asyncio.sleep(0.5)
        raise HubError(f"The hub did not answer within {seconds} s")

    def close(self):
        self.http.close()


class ClassHub:
    """A hub as `course.py hub` starts it, on loopback, for a class made up for the test."""

    def __init__(self, learners: int = 3):
        prefix = f"tp{secrets.token_hex(2)}"
        self.learners = [f"{prefix}-{NAMES[i % len(NAMES)]}{i // len(NAMES) or ''}" for i in range(learners)]
        self.teacher = f"{prefix}-teacher"
        TEST_SRV.mkdir(parents=True, exist_ok=True)
        self.lock = open(TEST_SRV / ".in-use", "w")
        try:  # one test hub at a time: a second would rewrite the first one's state under it
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise HubError(f"Another hub test or benchmark is using {TEST_SRV}: wait until it ends.") from None
        self.course, self.course_mode = course_root(), None
        if closed_to_others(self.course) is None:  # as the guide asks of a teacher; reopened by stop()
            self.course_mode = self.course.stat().st_mode & 0o7777
            self.course.chmod(self.course_mode & ~0o007)
        for stale in ("passwords.csv", "roster.csv", "hub-state/jupyterhub.sqlite", "hub-state/jupyterhub_cookie_secret"):
            (TEST_SRV / stale).unlink(missing_ok=True)
        self.roster = write_roster(TEST_SRV.parent / f"{prefix}-roster.csv",
                                   [(self.teacher, "teacher", "Teacher")] + [(n, "learner", n) for n in self.learners])
        self.token = secrets.token_hex(32)
        port = free_port()
        try:
            self.setup = prepare(self.roster, TEST_SRV, port=port, ip="127.0.0.1", service_token=self.token)
        except BaseException:
            remove_accounts(self.learners + [self.teacher])  # the ones made before the failure
            self.release()
            raise
        with open(TEST_SRV / "passwords.csv", encoding="utf-8") as slips:
            self.passwords = {row["username"]: row["password"] for row in csv.DictReader(slips)}
        self.url = f"http://127.0.0.1:{port}"
        self.log = TEST_SRV / "hub.log"
        self.process = subprocess.Popen(self.setup["command"], env=self.setup["env"], cwd=self.setup["cwd"],
                                        stdout=open(self.log, "w"), stderr=subprocess.STDOUT)

    def wait_ready(self, seconds: float = 120) -> None:
        """Wait until the hub answers (its API's version), or say why not."""
        import urllib.request

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"The hub stopped:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=5):
                    return
            except OSError:
                time.sleep(0.5)
        raise HubError(f"The hub did not answer within {seconds} s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        remove_accounts(self.learners + [self.teacher])
        self.roster.unlink(missing_ok=True)
        self.release()

    def release(self):
        """Give the course folder back its own permissions, and the test folder to the next hub."""
        if self.course_mode is not None:
            self.course.chmod(self.course_mode)
        self.lock.close()


class Learner:
    """One learner: `login` with their password (as the login page does), then their server through the proxy."""

    def __init__(self, hub: Hub, username: str, password: str):
        self.hub, self.username, self.password = hub, username, password
        self.cookies: dict[str, str] = {}
        self.token: str | None = None

    # ----- the hub ------------------------------------------------------------------------------------------
    def _remember(self, reply) -> None:
        for header in reply.headers.get_list("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            self.cookies.update({k: v.value for k, v in jar.items()})

    async def login(self, password: str | None = None) -> float:
        """Log in through the hub's login form; returns the seconds it took. Raises if the hub says no."""
        started = time.monotonic()
        page = await self.hub.http.fetch(f"{self.hub.url}/hub/login", raise_error=False)
        self._remember(page)
        xsrf = re.search(rb'name="_xsrf" value="([^"]+)"', page.body)
        form = {"username": self.username, "password": password or self.password}
        if xsrf:
            form["_xsrf"] = xsrf.group(1).decode()
        reply = await self.hub.http.fetch(
            f"{self.hub.url}/hub/login", method="POST", body=urllib.parse.urlencode(form), follow_redirects=False,
            headers={"Cookie": self.cookie_header(), "Content-Type": "application/x-www-form-urlencoded"},
            raise_error=False)
        self._remember(reply)
        if reply.code != 302 or "jupyterhub-session-id" not in self.cookies:
            raise HubError(f"{self.username} could not log in (the hub answered {reply.code})")
        return time.monotonic() - started

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def whoami_with_cookie(self) -> str | None:
        reply = await self.hub.http.fetch(f"{self.hub.url}/hub/api/user", headers={"Cookie": self.cookie_header()},
                                          raise_error=False)
        return json.loads(reply.body)["name"] if reply.code == 200 else None

    async def get_token(self) -> str:
        """A token for this learner's own server (what JupyterLab's page holds after login)."""
        made = await self.hub.api("POST", f"users/{self.username}/tokens",
                                  {"note": "course tests", "expires_in": 7200})
        self.token = made["token"]
        return self.token

    async def start_server(self, seconds: float = 240) -> float:
        """Start this learner's server as the hub's Start button does; returns seconds until it answers."""
        started = time.monotonic()
        await self.hub.api("POST", f"users/{self.username}/server", ok=(201, 202, 400))
        deadline = started + seconds
        while time.monotonic() < deadline:
            user = await self.hub.api("GET", f"users/{self.username}")
            server = user.get("servers", {}).get("")
            if server and server.get("ready"):
                return time.monotonic() - started
            await asyncio.sleep(0.25)
        raise HubError(f"{self.username}'s server did not start within {seconds} s")

    async def stop_server(self, seconds: float = 60) -> None:
        await self.hub.api("DELETE", f"users/{self.username}/server", ok=(202, 204, 400))
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            user = await self.hub.api("GET", f"users/{self.username}")
            if not user.get("servers"):
                return
            await asyncio.sleep(0.25)
        raise HubError(f"{self.username}'s server did not stop within {seconds} s")

    # ----- the learner's server -----------------------------------------------------------------------------
    def server_url(self, path: str, owner: str | None = None) -> str:
        return f"{self.hub.url}/user/{owner or self.username}/{path.lstrip('/')}"

    async def server(self, method: str, path: str, body=None, owner: str | None = None, ok=(200, 201, 204)):
        """A request to a server's REST API with this learner's token (another learner's, with `owner`)."""
        reply = await self.hub.http.fetch(HTTPRequest(
            self.server_url(path, owner), method=method, headers={"Authorization": f"token {self.token}"},
            body=None if body is None else json.dumps(body), follow_redirects=False,
            allow_nonstandard_methods=True), raise_error=False)
        if ok and reply.code not in ok:
            raise HubError(f"{method} {path} as {self.username} answered {reply.code}: {reply.body[:300]!r}")
        return reply

    async def pull_course(self, repo: str, target: str = "between-two-powers", seconds: float = 180) -> None:
        """What the hub's nbgitpuller link does on login: clone the course, or merge its fixes into the copy."""
        query = urllib.parse.urlencode({"repo": repo, "branch": "main", "targetpath": target})
        reply = await self.hub.http.fetch(HTTPRequest(
            self.server_url(f"git-pull/api?{query}"), headers={"Authorization": f"token {self.token}"},
            request_timeout=seconds), raise_error=False)
        events = [json.loads(line[5:]) for line in reply.body.decode().splitlines() if line.startswith("data:")]
        if reply.code != 200 or not events or events[-1].get("phase") != "finished":
            raise HubError(f"{self.username}: git-pull did not finish ({reply.code}): {reply.body[-500:]!r}")

    async def contents(self, path: str, owner: str | None = None):
        return await self.server("GET", f"api/contents/{urllib.parse.quote(path)}", owner=owner, ok=None)

    async def open_kernel(self, notebook: str) -> "Kernel":
        reply = await self.server("POST", "api/sessions", {"path": notebook, "type": "notebook",
                                                           "kernel": {"name": "python3"}})
        kernel = Kernel(self, json.loads(reply.body)["kernel"]["id"])
        await kernel.connect()
        return kernel


class Kernel:
    """One notebook's kernel, over the websocket JupyterLab uses: run code, answer a quiz's widget."""

    def __init__(self, learner: Learner, kernel_id: str):
        self.learner, self.id, self.session = learner, kernel_id, uuid.uuid4().hex
        self.socket = None
        self.quizzes: list[tuple[str, dict]] = []  # (comm id, the quiz's data) of every quiz shown so far

    async def connect(self, seconds: float = 300) -> None:
        url = self.learner.server_url(f"api/kernels/{self.id}/channels?session_id={self.session}")
        request = HTTPRequest(url.replace("http", "ws", 1), headers={"Authorization": f"token {self.learner.token}"},
                              connect_timeout=seconds, request_timeout=seconds)
        self.socket = await websocket_connect(request)

    def _message(self, msg_type: str, content: dict, channel: str = "shell") -> dict:
        return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": self.session,
                           "username": self.learner.username, "date": "", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}

    async def _until_idle(self, msg_id: str, seconds: float) -> dict:
        """Read the kernel's messages until it is idle after `msg_id`; returns the outputs seen."""
        found = {"text": "", "error": None, "reply": None}
        deadline = time.monotonic() + seconds
        idle = False
        while not (idle and found["reply"]):
            left = deadline - time.monotonic()
            if left <= 0:
                raise HubError(f"{self.learner.username}'s kernel did not finish within {seconds} s")
            raw = await asyncio.wait_for(self.socket.read_message(), left)
            if raw is None:
                raise HubError(f"{self.learner.username}'s kernel connection closed")
            if isinstance(raw, bytes):
                continue
            message = json.loads(raw)
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "comm_open":
                state = content.get("data", {}).get("state", {})
                if isinstance(state.get("quiz"), dict):
                    self.quizzes.append((content["comm_id"], state["quiz"]))
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "stream":
                found["text"] += content.get("text", "")
            elif kind == "error":
                found["error"] = f"{content.get('ename')}: {content.get('evalue')}"
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind in ("execute_reply", "comm_info_reply"):
                found["reply"] = content
            elif kind == "status" and content.get("execution_state") == "busy" and found["reply"] is None:
                pass
        return found

    async def run(self, code: str, seconds: float = 120) -> tuple[float, dict]:
        """Run one cell; (seconds until the kernel is idle again, what it printed and any error)."""
        message = self._message("execute_request", {"code": code, "silent": False, "store_history": True,
                                                    "user_expressions": {}, "allow_stdin": False,
                                                    "stop_on_error": True})
        started = time.monotonic()
        await self.socket.write_message(json.dumps(message))
        found = await self._until_idle(message["header"]["msg_id"], seconds)
        return time.monotonic() - started, found

    async def answer(self, comm_id: str, answer: dict, seconds: float = 60) -> float:
        """Send one quiz answer as the quiz's page does (an anywidget message); seconds until the kernel is idle."""
        message = self._message("comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": answer}})
        started = time.monotonic()
        await self.socket.write_message(json.dumps(message))
        found = {"reply": True}
        deadline = time.monotonic() + seconds
        idle = False
        while not idle:  # a comm message has no reply: the kernel's idle status after it marks the end
            raw = await asyncio.wait_for(self.socket.read_message(), max(0.01, deadline - time.monotonic()))
            if raw is None:
                raise HubError("the kernel connection closed")
            if isinstance(raw, bytes):
                continue
            reply = json.loads(raw)
            if (reply.get("parent_header", {}).get("msg_id") == message["header"]["msg_id"]
                    and reply["header"]["msg_type"] == "status"
                    and reply["content"].get("execution_state") == "idle"):
                idle = True
        del found
        return time.monotonic() - started

    async def close(self) -> None:
        if self.socket:
            self.socket.close()
        await self.learner.server("DELETE", f"api/kernels/{self.id}", ok=None)


def right_answer(question: dict, lesson: str) -> dict:
    """The answer message the quiz page sends for a right first try of a question (from its page data)."""
    kind = question.get("type")
    options = question.get("options") or question.get("choices") or []
    if kind == "single":
        response = next((o.get("id", o.get("text")) for o in options if o.get("correct")), None)
    elif kind == "multiple":
        response = [o.get("id", o.get("text")) for o in options if o.get("correct")]
    else:
        response = question.get("answer")
    return {"event": "answer", "lesson": lesson, "id": question["id"], "response": response, "status": "correct",
            "score": 1, "tries": 1, "revealed": False, "attempt": True}


def code_cells(notebook: Path) -> list[str]:
    """A notebook's code cells, in order, as JupyterLab's Run All sends them."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


if __name__ == "__main__":  # pragma: no cover - imported, not run
    sys.exit("Import this module (tests.hub_client): tests/test_hub.py and bench/hub_load.py use it.")
