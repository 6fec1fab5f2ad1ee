#!/usr/bin/env python3
"""Set up and run the "Between Two Powers" course with nothing but Python 3.11 or newer.

    python3 course.py start      set up .venv (first time only) and open the course in JupyterLab
    python3 course.py test       set up .venv with the test tools and run the whole test suite
    python3 course.py validate   check every quiz file against its schema
    python3 course.py refresh    re-run notebooks in place so their stored outputs are current
    python3 course.py exercises  write the learners' exercises/ from solutions/ (the one source)
    python3 course.py sources    number the lessons' source references; rewrite their source lists and the
                                 sources page, notebooks/sources.ipynb, from data/sources.csv
    python3 course.py handout    build the student hand-out zip (lessons, exercises, data; no solutions)
    python3 course.py grade DIR  grade a class's submissions (a folder or zip) with the solutions
    python3 course.py site       build a static HTML copy of the course in site/ (no Python needed to read)
    python3 course.py report     print the course's figures in one table (lessons, exercises, data, speed)
    python3 course.py plans      write docs/lesson-plans.md: each core lesson minute by minute (time model)
    python3 course.py hub --roster class.csv   serve the course to a class with JupyterHub (Linux, as root;
                                 needs Node.js for its proxy): one account per roster row, address printed
    python3 course.py collect OUT        every learner's exercises from the hub, into OUT/<learner>/ for grade
    python3 course.py return-feedback RESULTS  each learner's feedback page into their folder on the hub
    python3 course.py bench      measure notebook run times and the package's import cost
    python3 course.py bench-grading  time our grader against nbgrader 0.9.6 on 100 submissions
    python3 course.py bench-hub  load-test the hub: 5 to 40 learners through lesson 02 (Linux, root, Node.js)
    python3 course.py lock       re-pin requirements*.txt from requirements*.in, keeping pins that fit
                                 (--upgrade: all afresh); and hub/package-lock.json (maintainers)

`start` serves this whole folder (notebooks/, exercises/ and data/ are in JupyterLab's file browser) on
127.0.0.1, port 8888 or else a free one, with a new random token, and the course's JupyterLab defaults from
jupyter-settings/ (no "Jupyter news?" pop-up). It opens Start here in your browser and prints the address
that opens it, "Open the course at: http://127.0.0.1:PORT/lab/tree/notebooks/00_start_here.ipynb?token=...";
Ctrl+C twice in its window stops it. Other arguments go to JupyterLab (`start --no-browser`, `start --port=8890`);
a port or token you give is the one in the printed address.

On Windows, type `py course.py start` instead. This script uses only Python's standard library.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "course-installed.json"
MIN_PYTHON = (3, 11)
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
LAB_SETTINGS = ROOT / "jupyter-settings"  # the course's JupyterLab defaults: overrides.json5
DEFAULT_PORT = 8888


def say(message: str) -> None:
    print(f"[course] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[course] {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args, **kwargs) -> None:
    result = subprocess.run([str(a) for a in args], **kwargs)
    if result.returncode != 0:
        fail(f"This step failed (exit code {result.returncode}): {' '.join(str(a) for a in args)}")


def requirement_files(dev: bool) -> list[Path]:
    return [ROOT / "requirements.txt"] + ([ROOT / "requirements-dev.txt"] if dev else [])


def requirements_digest(dev: bool) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for path in requirement_files(dev) + [ROOT / "pyproject.toml"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_env(dev: bool = False) -> Path:
    """Create .venv and install the pinned requirements, unless that was already done for these files."""
    if sys.version_info < MIN_PYTHON:
        fail(f"This course needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; this is {sys.version.split()[0]}. "
             "Install a newer Python from python.org (or your system's package manager) and run this again.")
    python = venv_python()
    if not python.exists():
        say(f"Creating a virtual environment in {VENV.name}/ (first run only) ...")
        try:
            venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
        except (subprocess.CalledProcessError, OSError) as err:
            shutil.rmtree(VENV, ignore_errors=True)
            fail(f"Could not create the virtual environment ({err}). On Debian or Ubuntu, first run: "
                 "sudo apt install python3-venv   (then run this command again).")
    done = json.loads(STAMP.read_text()) if STAMP.exists() else {}
    wanted = {"learner": requirements_digest(False)} | ({"dev": requirements_digest(True)} if dev else {})
    if all(done.get(k) == v for k, v in wanted.items()):
        say("Environment is up to date: nothing to install.")
        return python
    say("Installing the course's packages (a few minutes the first time) ...")
    started = time.monotonic()
    requirements = [arg for path in requirement_files(dev) for arg in ("-r", path)]
    run(python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", *requirements, "-e", ROOT)
    # matplotlib builds its font cache on first use: do it now, not in the middle of a lesson
    run(python, "-c", "import matplotlib.pyplot")
    STAMP.write_text(json.dumps(done | wanted, indent=1))
    say(f"Installed in {time.monotonic() - started:.0f} s.")
    return python


def option(args: list[str], *names: str) -> str | None:
    """The value given on the command line for one of these options (--name=value or --name value), or None."""
    value = None
    for i, arg in enumerate(args):
        name, equals, given = arg.partition("=")
        if name in names:
            value = given if equals else (args[i + 1] if i + 1 < len(args) else "")
    return value


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int | None:
    """8888 if it is free on this computer, else any free port; None if there is none."""
    if port_is_free(DEFAULT_PORT):
        return DEFAULT_PORT
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", 0))
        except OSError:
            return None
        return probe.getsockname()[1]


def lab_command(python: Path, args: list[str]) -> tuple[list[str], dict[str, str], str]:
    """The command that serves the course folder in JupyterLab on Start here, its environment, and the address
    that opens Start here. The user's arguments come last; a port, address or token they give is kept."""
    command = [str(python), "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}",
               f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}",  # where the browser and Jupyter's own URL lead
               f"--LabApp.app_settings_dir={LAB_SETTINGS}", "--ServerApp.port_retries=0"]
    env = dict(os.environ)
    ip = option(args, "--ip", "--ServerApp.ip")
    if ip is None:
        command.append("--ServerApp.ip=127.0.0.1")
    port = option(args, "--port", "--ServerApp.port") or env.get("JUPYTER_PORT")
    if port:
        if not port.isdigit():
            fail(f"The port must be a number, not {port!r}.")
        if not port_is_free(int(port)):
            fail(f"Port {port} is already in use on this computer (is the course already open in another window?). "
                 "Leave out --port to let course.py choose a free one.")
    else:
        port = free_port()
        if port is None:
            fail("No free network port was found on this computer to serve the course on. "
                 "Close other programs that serve web pages, or restart the computer, and try again.")
        command.append(f"--ServerApp.port={port}")
    token = option(args, "--IdentityProvider.token", "--ServerApp.token")
    if token is None:
        token = env.get("JUPYTER_TOKEN") or secrets.token_hex(24)
        env["JUPYTER_TOKEN"] = token  # in the environment, not in the command line other users can list
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        command.append("--allow-root")  # e.g. inside a container, where everything runs as root
    host = "127.0.0.1" if ip in (None, "", "localhost", "0.0.0.0", "::", "*") else (f"[{ip}]" if ":" in ip else ip)
    address = f"http://{host}:{port}/lab/tree/{FIRST_NOTEBOOK}" + (f"?token={token}" if token else "")
    return [*command, *args], env, address


def start(args: list[str]) -> None:
    python = ensure_env(dev=False)
    command, env, address = lab_command(python, args)
    say("Starting JupyterLab on the course folder: lessons in notebooks/, exercises in exercises/, data in data/.")
    say(f"Open the course at: {address}")
    say("If no browser opens by itself, copy that address into your browser.")
    say("To stop JupyterLab, press Ctrl+C twice in this window.")
    if os.name == "nt":
        try:
            sys.exit(subprocess.call(command, cwd=ROOT, env=env))
        except KeyboardInterrupt:
            say("JupyterLab stopped.")
            sys.exit(0)
    os.chdir(ROOT)
    os.execve(command[0], command, env)


def test(args: list[str]) -> None:
    python = ensure_env(dev=True)
    workers = os.environ.get("COURSE_TEST_WORKERS", "auto")
    say("Running the test suite ...")
    code = subprocess.call([str(python), "-m", "pytest", "-n", workers, "--dist", "loadscope", *args], cwd=ROOT)
    sys.exit(code)


def package_command(name: str, dev: bool = False, in_course_folder: bool = True):
    """A command that runs `python -m twopowers NAME ...` in the course's environment."""
    def command(args: list[str]) -> None:
        python = ensure_env(dev=dev)
        sys.exit(subprocess.call([str(python), "-m", "twopowers", name, *args],
                                 cwd=ROOT if in_course_folder else None))
    return command


def script_command(path: str):
    """A command that runs one of the course's maintenance scripts in the test environment."""
    def command(args: list[str]) -> None:
        python = ensure_env(dev=True)
        sys.exit(subprocess.call([str(python), str(ROOT / path), *args], cwd=ROOT))
    return command


LOCKS = ("requirements", "requirements-dev", "requirements-hub")  # each *.in has its pinned *.txt


def lock(args: list[str]) -> None:
    """Resolve requirements*.in in a scratch environment and write the pinned requirements*.txt.

    The pins already written are kept where they still fit (they are given to pip as constraints), so adding
    one package does not move every other; `lock --upgrade` resolves everything afresh."""
    upgrade = "--upgrade" in args
    with tempfile.TemporaryDirectory() as scratch:
        pins = {}
        for name in LOCKS:  # each set in its own scratch environment, so that no set's pins leak into another's
            python = Path(scratch, name) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
            venv.EnvBuilder(with_pip=True).create(Path(scratch, name))
            constraints = []
            pinned = [ROOT / lock_file for lock_file in dict.fromkeys(("requirements.txt", f"{name}.txt"))
                      if (ROOT / lock_file).exists()]
            if not upgrade and pinned:
                kept = Path(scratch) / f"{name}-constraints.txt"
                kept.write_text("\n".join(line for path in pinned for line in path.read_text().splitlines()
                                          if "==" in line) + "\n")
                constraints = ["-c", kept]
            installed = subprocess.run(
                [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                 "-r", str(ROOT / "requirements.in"), "-r", str(ROOT / f"{name}.in"), *map(str, constraints)])
            if installed.returncode != 0:
                fail(f"{name}.in could not be resolved with the pins in {name}.txt. "
                     "Run python3 course.py lock --upgrade to resolve every package afresh.")
            frozen = subprocess.run([str(python), "-m", "pip", "freeze", "--exclude-editable"], check=True,
                                    capture_output=True, text=True).stdout.split()
            pins[name] = [line for line in frozen if line.split("==")[0].lower() not in ("pip", "setuptools", "wheel")]
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        learners = pins["requirements"]
        learner_names = {p.split("==")[0].lower() for p in learners}
        for name in LOCKS[1:]:
            clashes = [p for p in pins[name] if p not in learners and p.split("==")[0].lower() in learner_names]
            if clashes:
                fail(f"{name}.in needs other versions of learners' packages: {', '.join(clashes)}. "
                     "Pin compatible versions in requirements.in, then lock again.")
        (ROOT / "requirements.txt").write_text(
            f"# Pinned learners' set, generated from requirements.in by 'python3 course.py lock' (Python {version}). "
            "Do not edit by hand.\n" + "\n".join(learners) + "\n")
        (ROOT / "requirements-dev.txt").write_text(
            "# Pinned test-only set, generated from requirements-dev.in by 'python3 course.py lock'. "
            "Do not edit by hand.\n-r requirements.txt\n"
            + "\n".join(p for p in pins["requirements-dev"] if p not in learners) + "\n")
        (ROOT / "requirements-hub.txt").write_text(
            "# Pinned set for 'python3 course.py hub' (JupyterHub), generated from requirements-hub.in by "
            "'python3 course.py lock'. Do not edit by hand.\n-r requirements.txt\n"
            + "\n".join(p for p in pins["requirements-hub"] if p not in learners) + "\n")
    hub = ROOT / "hub"
    if shutil.which("npm") and (hub / "package.json").exists():
        run("npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--prefix", hub)
        say("Wrote hub/package-lock.json (the hub's proxy, from npm).")
    say("Wrote requirements.txt, requirements-dev.txt and requirements-hub.txt. "
        "Run python3 course.py test to try them.")


COMMANDS = {
    "start": start, "test": test, "lock": lock,
    "validate": package_command("validate"), "refresh": package_command("refresh"),
    "exercises": package_command("exercises"), "sources": package_command("sources"),
    "handout": package_command("handout"),
    "grade": package_command("grade", in_course_folder=False),  # the submissions' path is the user's
    "site": package_command("site"), "plans": package_command("plans"), "report": package_command("report", dev=True),
    "hub": package_command("hub"),
    "collect": package_command("collect", in_course_folder=False),  # the folders given are the user's
    "return-feedback": package_command("return-feedback", in_course_folder=False),
    "bench": script_command("bench/run.py"), "bench-grading": script_command("bench/grading.py"),
    "bench-hub": script_command("bench/hub_load.py"),
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(0 if len(sys.argv) >= 2 and sys.argv[1] in ("-h", "--help") else 2)
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
