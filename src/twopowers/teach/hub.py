"""Serve the course to a class from one Linux machine with JupyterHub, then collect and return exercises.

    sudo python3 course.py hub --roster class.csv     start the hub; print its address and how to stop it
    sudo python3 course.py collect OUT                every learner's exercises into OUT/<learner>/<exercise>.ipynb
    sudo python3 course.py return-feedback RESULTS    each learner's feedback page into their course folder

What ``hub`` sets up, each step skipped when it is already done (so a second run starts in seconds):

* **The hand-out as a git repository**, ``SRV/course``: the student build of ``handout.py`` (no solutions, no
  hidden tests; the leak check runs first), committed again whenever the course changes. Learners get it with
  an nbgitpuller link, the hub's default page, so each login merges the course's fixes into their copy
  without overwriting their work.
* **One Python environment for everyone**, ``SRV/venv``: requirements.txt and requirements-hub.txt (JupyterHub,
  its idle culler) with the course package from ``SRV/course``: readable by every learner, writable by none.
* **The proxy**, JupyterHub's configurable-http-proxy, from npm into ``hub/node_modules`` (``npm ci`` on
  hub/package-lock.json): the only step that needs Node.js.
* **One Unix account per roster row**, made by the hub machine's root: a private home folder (mode 700), so
  no learner can read another's work or progress, and a password printed once into ``SRV/passwords.csv``
  (readable by root only) for the teacher to hand out. Logging in checks that password (PAM), so no one can
  log in as a classmate. An account that exists already and was not made by the course is never taken over.
* **JupyterHub itself**, configured by hub/jupyterhub_config.py from ``SRV/hub-settings.json``: the teacher as
  admin, an idle culler, each learner's server and kernels under ``prlimit`` (memory per process, number of
  processes per learner), HTTPS when given a certificate.

``SRV`` is /srv/between-two-powers unless ``--srv`` says otherwise; it must be a folder every learner can
reach (not inside /root or a private home folder).
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError

DEFAULT_SRV = Path("/srv/between-two-powers")
COURSE_FOLDER = "between-two-powers"  # the folder nbgitpuller makes in each learner's home
MARKER = "between-two-powers"  # in the account's comment field: the course made this account
USERNAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
ROLES = ("learner", "teacher")
DEFAULT_MEMORY = "2G"  # per process (a learner's server, each kernel): see "Sizing" in the instructor guide
MAX_PROCESSES = 512  # per learner: processes and threads together
PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed from a slip
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
START_HERE = "notebooks/00_start_here.ipynb"


@dataclass(frozen=True)
class Member:
    username: str
    role: str
    name: str


# ----- the roster ---------------------------------------------------------------------------------------------
def read_roster(path: Path | str) -> list[Member]:
    """The class from a CSV file with the columns username, role (learner or teacher) and, optionally, name.
    Every problem is reported at once, with its row, and nothing is changed until the file is right."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CourseError(f"There is no roster file at {path}. Write one (see hub/roster-example.csv): "
                          "one row per person, with the columns username, role and name.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise CourseError(f"The roster {path} could not be read ({err}). Save it as a UTF-8 CSV file.") from None
    rows = list(csv.DictReader(text.splitlines()))
    columns = {c.strip().lower() for c in (rows[0].keys() if rows else []) if c}
    if not {"username", "role"} <= columns:
        raise CourseError(f"The roster {path} needs the columns username and role (and, if you like, name); "
                          f"it has {', '.join(sorted(columns)) or 'none'}.")
    members, problems, seen = [], [], set()
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        username, role = row.get("username", ""), row.get("role", "").lower()
        if not USERNAME.match(username):
            problems.append(f"row {number}: the username {username!r} must start with a small letter and hold "
                            "only small letters, digits, - and _ (at most 31 characters)")
        elif username in seen:
            problems.append(f"row {number}: {username} is in the roster twice")
        if role not in ROLES:
            problems.append(f"row {number}: the role {role!r} must be learner or teacher")
        seen.add(username)
        members.append(Member(username, role, row.get("name", "") or username))
    if not members:
        problems.append("it names no one")
    elif not any(m.role == "teacher" for m in members):
        problems.append("it names no teacher: add a row with the role teacher (the hub's admin)")
    if problems:
        raise CourseError(f"The roster {path} was not used, because:\n" + "\n".join(f"  - {p}" for p in problems))
    return members


# ----- Unix accounts --------------------------------------------------------------------------------------------
def account(username: str):
    import pwd

    try:
        return pwd.getpwnam(username)
    except KeyError:
        return None


def new_password() -> str:
    return "-".join("".join(secrets.choice(PASSWORD_LETTERS) for _ in range(4)) for _ in range(3))


def ensure_accounts(members: list[Member], srv: Path, python: Path | None = None) -> list[Member]:
    """Make the Unix account of every member who has none; return those made. Existing course accounts keep
    their password and files. An account the course did not make stops the command, with its name."""
    taken = [m.username for m in members if account(m.username) and MARKER not in account(m.username).pw_gecos]
    if taken:
        raise CourseError("These usernames belong to accounts on this machine that the course did not make: "
                          f"{', '.join(taken)}. Choose other usernames in the roster (for example with a class "
                          "suffix, such as ana-10b).")
    made = []
    slips = srv / "passwords.csv"
    for member in members:
        if account(member.username):
            continue
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--comment",
                        f"{MARKER} {member.role}", member.username], check=True, capture_output=True)
        home = Path(account(member.username).pw_dir)
        home.chmod(0o700)  # no one else can list or read this learner's work and progress
        password = new_password()
        subprocess.run(["chpasswd"], input=f"{member.username}:{password}\n", text=True, check=True,
                       capture_output=True)
        fresh = not slips.exists()
        handle = os.open(slips, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(handle, "a", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            if fresh:
                writer.writerow(["username", "name", "role", "password"])
            writer.writerow([member.username, member.name, member.role, password])
        if python:  # matplotlib's font cache, built now rather than in everyone's first lesson at once
            as_user(member.username, [str(python), "-c", "import matplotlib.pyplot"], check=False)
        made.append(member)
    return made


def trust_course_repository(members: list[Member], repo: Path) -> None:
    """Let each member's git (nbgitpuller) read the course's repository, which belongs to root: git reads
    another user's repository only when the reader's own configuration names it as safe."""
    for member in members:
        known = as_user(member.username, ["git", "config", "--global", "--get-all", "safe.directory"], check=False)
        if f"{repo}/.git" not in known.stdout.decode().split("\n"):
            as_user(member.username, ["git", "config", "--global", "--add", "safe.directory", f"{repo}/.git"])


def remove_accounts(usernames: list[str]) -> None:
    """Delete course-made accounts and their home folders (for tests and the end of a course)."""
    for username in usernames:
        found = account(username)
        if found and MARKER in found.pw_gecos:
            for _ in range(20):  # userdel refuses while a process of the account is still ending
                subprocess.run(["pkill", "-KILL", "-u", username], capture_output=True)
                if subprocess.run(["userdel", "--remove", username], capture_output=True).returncode in (0, 6):
                    break
                time.sleep(0.5)


def as_user(username: str, command: list[str], input: bytes | None = None, check: bool = True,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a command with one learner's own rights (so a link they made cannot reach another's files)."""
    return subprocess.run(["runuser", "-u", username, "--", *command], input=input, capture_output=True,
                          check=check, timeout=timeout, cwd="/")


# ----- the hand-out as a git repository ---------------------------------------------------------------------
def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "Between Two Powers", "GIT_AUTHOR_EMAIL": "course@localhost",
                               "GIT_COMMITTER_NAME": "Between Two Powers", "GIT_COMMITTER_EMAIL": "course@localhost"})
    if done.returncode != 0:
        raise CourseError(f"git {' '.join(args)} failed in {repo}: {done.stderr.strip()}")
    return done.stdout


def publish_handout(srv: Path) -> tuple[Path, bool]:
    """Write the student build into SRV/course and commit it if anything changed; (the repository, changed)."""
    from .handout import checked_contents

    repo = srv / "course"
    contents = checked_contents()  # refuses, with the reason, if a solution line would go in
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "--quiet", "--initial-branch=main")
    wanted = {name for name, _ in contents}
    for path in sorted(repo.rglob("*"), reverse=True):
        relative = path.relative_to(repo).as_posix()
        if relative.startswith(".git") or ".egg-info" in relative or "__pycache__" in relative:
            continue
        if path.is_file() and relative not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for name, source in contents:
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.encode("utf-8") if isinstance(source, str) else source.read_bytes()
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    (repo / ".gitignore").write_text("*.egg-info/\n__pycache__/\n.ipynb_checkpoints/\n")
    git(repo, "add", "--all")
    changed = bool(git(repo, "status", "--porcelain").strip())
    if changed:
        git(repo, "commit", "--quiet", "-m", f"Course update {time.strftime('%Y-%m-%d %H:%M')}")
    for path in [srv, *repo.rglob("*")]:  # every learner reads it; only root writes it
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o444 | (0o111 if path.is_dir() else 0))
    return repo, changed


def gitpuller_path(repo: Path, lab_path: str = START_HERE) -> str:
    """The hub-relative nbgitpuller link that clones (or updates) the course and opens Start here."""
    from urllib.parse import quote

    return (f"git-pull?repo={quote(f'file://{repo}', safe='')}&branch=main"
            f"&urlpath={quote(f'lab/tree/{COURSE_FOLDER}/{lab_path}', safe='')}&targetPath={COURSE_FOLDER}")


# ----- environment and proxy ------------------------------------------------------------------------------------
def ensure_environment(srv: Path, root: Path) -> Path:
    """SRV/venv with the pinned learners' and hub packages and the course package from SRV/course."""
    import venv

    target = srv / "venv"
    python = target / "bin" / "python"
    stamp = target / "course-installed.json"
    digest = hashlib.sha256(sys.version.encode())
    for name in ("requirements.txt", "requirements-hub.txt", "pyproject.toml"):
        digest.update((root / name).read_bytes())
    if stamp.exists() and json.loads(stamp.read_text()).get("digest") == digest.hexdigest():
        return python
    print("[course] Installing the hub's environment (a few minutes the first time) ...", flush=True)
    if not python.exists():
        venv.EnvBuilder(with_pip=True).create(target)
    subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                    "-r", str(root / "requirements.txt"), "-r", str(root / "requirements-hub.txt"),
                    "-e", str(srv / "course")], check=True)
    settings = target / "share" / "jupyter" / "lab" / "settings"  # the course's JupyterLab defaults
    settings.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "jupyter-settings" / "overrides.json5", settings / "overrides.json5")
    stamp.write_text(json.dumps({"digest": digest.hexdigest()}))
    return python


def ensure_proxy(root: Path) -> Path:
    """configurable-http-proxy from npm, as hub/package-lock.json pins it, in hub/node_modules."""
    hub = root / "hub"
    proxy = hub / "node_modules" / ".bin" / "configurable-http-proxy"
    lock = hub / "package-lock.json"
    stamp = hub / "node_modules" / ".course-installed"
    if proxy.exists() and stamp.exists() and stamp.read_text() == hashlib.sha256(lock.read_bytes()).hexdigest():
        return proxy
    if not (shutil.which("node") and shutil.which("npm")):
        raise CourseError("course.py hub needs Node.js and npm for JupyterHub's proxy (configurable-http-proxy); "
                          "nothing else in the course does. On Debian or Ubuntu: sudo apt install nodejs npm")
    print("[course] Installing JupyterHub's proxy from npm ...", flush=True)
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(hub)], capture_output=True,
                          text=True)
    if done.returncode != 0 or not proxy.exists():
        raise CourseError(f"npm could not install the proxy:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    stamp.write_text(hashlib.sha256(lock.read_bytes()).hexdigest())
    return proxy


# ----- the hub ----------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory_bytes(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)i?B?\s*", str(text), re.I)
    if not match:
        raise CourseError(f"The memory limit {text!r} should look like 2G or 1500M.")
    return int(float(match.group(1)) * 1024 ** " KMG".index(match.group(2).upper() or " "))


def check_can_serve(srv: Path) -> None:
    if not sys.platform.startswith("linux"):
        raise CourseError("course.py hub runs on Linux (it makes one Unix account per learner). On another "
                          "system, use Binder or a school's JupyterHub: see 'Serving the course to a class' in "
                          "docs/instructor-guide.md.")
    if os.geteuid() != 0:
        raise CourseError("course.py hub makes one Unix account per learner, so it must run as root: "
                          "sudo python3 course.py hub --roster class.csv")
    missing = [tool for tool in ("git", "prlimit", "useradd", "chpasswd", "runuser") if not shutil.which(tool)]
    if missing:
        raise CourseError(f"course.py hub needs these programs, which this machine lacks: {', '.join(missing)}.")
    private = closed_to_others(srv)
    if private:
        raise CourseError(f"Learners could not reach {srv}, because {private} is private. Give --srv a folder "
                          "outside any private folder, such as the default /srv/between-two-powers.")
    from ..data import course_root

    root = course_root()
    if not closed_to_others(root):
        raise CourseError(f"Learners get accounts on this machine, and they could read this course folder, {root}: "
                          "its solutions, hidden tests and any grades. Close it to other users first, then run "
                          f"this again:\n  sudo chmod o-rwx {root}")


def closed_to_others(path: Path) -> Path | None:
    """The first folder on the way to `path` (itself included) that users other than its owner cannot enter,
    or None if anyone can reach it."""
    for folder in [*reversed(path.parents), path]:
        if folder.exists() and not folder.stat().st_mode & 0o001:
            return folder
    return None


def prepare(roster: Path | str, srv: Path = DEFAULT_SRV, port: int = 8000, ip: str = "", memory: str = DEFAULT_MEMORY,
            idle_minutes: int = 60, ssl_cert: str | None = None, ssl_key: str | None = None,
            service_token: str | None = None) -> dict:
    """Everything ``hub`` does before JupyterHub starts. Returns the hub's command, environment, folder and
    address, and the accounts made now (``made``)."""
    from ..data import course_root

    srv = Path(srv).resolve()
    members = read_roster(roster)  # first, so a mistake in it is reported on any machine, and before anything changes
    check_can_serve(srv)
    if bool(ssl_cert) != bool(ssl_key):
        raise CourseError("Give both --ssl-cert and --ssl-key (the certificate and its private key), or neither.")
    for given in filter(None, (ssl_cert, ssl_key)):
        if not Path(given).is_file():
            raise CourseError(f"There is no file {given}.")
    limit = memory_bytes(memory)
    root = course_root()
    srv.mkdir(parents=True, exist_ok=True)
    srv.chmod(0o755)
    repo, _ = publish_handout(srv)
    python = ensure_environment(srv, root)
    proxy = ensure_proxy(root)
    made = ensure_accounts(members, srv, python)
    trust_course_repository(members, repo)
    state = srv / "hub-state"  # JupyterHub's database, cookie secret and proxy pid: root's alone
    state.mkdir(exist_ok=True)
    state.chmod(0o700)
    (srv / "roster.csv").touch(mode=0o600)
    with open(srv / "roster.csv", "w", encoding="utf-8", newline="") as out:  # what collect reads
        writer = csv.writer(out)
        writer.writerow(["username", "role", "name"])
        writer.writerows([m.username, m.role, m.name] for m in members)
    settings = {
        "srv": str(srv), "state": str(state), "bind_url": f"{'https' if ssl_cert else 'http'}://{ip}:{port}",
        "hub_port": free_port(), "proxy_api_port": free_port(), "proxy": str(proxy),
        "singleuser": str(srv / "venv" / "bin" / "jupyterhub-singleuser"), "python": str(python),
        "learners": [m.username for m in members if m.role == "learner"],
        "teachers": [m.username for m in members if m.role == "teacher"],
        "memory_bytes": limit, "max_processes": MAX_PROCESSES, "idle_seconds": idle_minutes * 60,
        "default_url": "/" + gitpuller_path(repo), "repo": str(repo),
        "ssl_cert": ssl_cert and str(Path(ssl_cert).resolve()), "ssl_key": ssl_key and str(Path(ssl_key).resolve()),
    }
    (srv / "hub-settings.json").write_text(json.dumps(settings, indent=1))
    env = {**os.environ, "TWOPOWERS_HUB_SETTINGS": str(srv / "hub-settings.json")}
    if service_token:
        env["TWOPOWERS_HUB_SERVICE_TOKEN"] = service_token
    command = [str(srv / "venv" / "bin" / "jupyterhub"), "-f", str(root / "hub" / "jupyterhub_config.py")]
    host = ip if ip not in ("", "0.0.0.0", "::") else socket.gethostname()
    address = f"{'https' if ssl_cert else 'http'}://{host}:{port}/"
    return {"command": command, "env": env, "cwd": state, "srv": srv, "address": address, "made": made, "members": members,
            "settings": settings}


def serve(args) -> int:
    try:
        hub = prepare(args.roster, args.srv, args.port, args.ip, args.memory, args.idle_minutes, args.ssl_cert,
                      args.ssl_key)
    except CourseError as err:
        print(err, file=sys.stderr)
        return 1
    srv, made = hub["srv"], hub["made"]
    learners = sum(m.role == "learner" for m in hub["members"])
    print(f"[course] The class: {learners} learner(s), teacher(s) "
          f"{', '.join(m.username for m in hub['members'] if m.role == 'teacher')} (admin).")
    if made:
        print(f"[course] Made {len(made)} new account(s). Their passwords are in {srv / 'passwords.csv'} "
              "(readable by root only): print it and give each person their own line.")
    if not args.ssl_cert and args.ip not in ("127.0.0.1", "localhost"):
        print("[course] No HTTPS: passwords cross the network unencrypted. On a school network, give "
              "--ssl-cert and --ssl-key (see 'HTTPS' in docs/instructor-guide.md).")
    print(f"[course] Open the course at: {hub['address']}")
    print("[course] Learners log in with their username and password; the course opens on Start here.")
    print("[course] To stop the hub and every learner's server, press Ctrl+C in this window. Their work stays "
          "in their home folders for the next time.")
    os.chdir(hub["cwd"])
    os.execve(hub["command"][0], hub["command"], hub["env"])
    return 0  # not reached


# ----- collect and return -----------------------------------------------------------------------------------------
def roster_in(srv: Path) -> list[Member]:
    path = Path(srv) / "roster.csv"
    if not path.exists():
        raise CourseError(f"No class has been served from {srv} yet (there is no {path}). Run "
                          "sudo python3 course.py hub --roster class.csv first, or give --srv.")
    return read_roster(path)


def collect(out: Path, srv: Path = DEFAULT_SRV, exercise: str | None = None) -> dict:
    """Copy every learner's exercise notebooks into OUT/<learner>/<exercise>.ipynb (the layout ``grade``
    takes) and their quiz progress into OUT-progress/ (what ``show_class_tally`` reads). Each file is read
    with the learner's own rights, only as a regular file of theirs, and at most 20 MB; what is skipped is
    said, and nothing stops the rest."""
    out = Path(out)
    progress_out = out.with_name(out.name + "-progress")
    found, skipped = {}, []
    for member in roster_in(srv):
        if member.role != "learner":
            continue
        home = account(member.username)
        if not home:
            skipped.append(f"{member.username}: has no account on this machine")
            continue
        folder = f"{home.pw_dir}/{COURSE_FOLDER}/exercises"
        listing = as_user(member.username, ["find", folder, "-mindepth", "2", "-maxdepth", "2", "-type", "f",
                                            "-name", "*.ipynb", "-not", "-path", "*/.ipynb_checkpoints/*"],
                          check=False)
        names = sorted(line for line in listing.stdout.decode(errors="replace").splitlines() if line)
        mine = [n for n in names if Path(n).stem == Path(n).parent.name and (not exercise or Path(n).stem == exercise)]
        if not mine:
            skipped.append(f"{member.username}: no exercise notebook" + (f" {exercise}" if exercise else "")
                           + " in their course folder")
        for name in mine:
            data = read_as(member.username, name)
            if data is None:
                skipped.append(f"{member.username}: {Path(name).name} could not be read or is over 20 MB")
                continue
            target = out / member.username / Path(name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            found.setdefault(member.username, []).append(Path(name).stem)
        progress = read_as(member.username, f"{home.pw_dir}/.between-two-powers/progress.json")
        if progress is not None:
            try:
                record = json.loads(progress)
                record.setdefault("learner", {}).setdefault("name", member.username)
                record["learner"]["name"] = record["learner"].get("name") or member.username
                progress_out.mkdir(parents=True, exist_ok=True)
                (progress_out / f"my-progress-{member.username}.json").write_text(
                    json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
            except (ValueError, AttributeError):
                skipped.append(f"{member.username}: their quiz progress file is damaged (left where it is)")
    (out / ".gitignore").parent.mkdir(parents=True, exist_ok=True)
    (out / ".gitignore").write_text("*\n")  # learners' names and work never show in git status
    return {"notebooks": found, "skipped": skipped, "out": out, "progress": progress_out}


def read_as(username: str, path: str) -> bytes | None:
    """A regular file's bytes, read with the learner's rights; None if it is not one or is too big."""
    done = as_user(username, ["sh", "-c", 'test -f "$1" && ! test -L "$1" && head -c $2 "$1"', "_", path,
                              str(MAX_NOTEBOOK_BYTES + 1)], check=False)
    if done.returncode != 0 or len(done.stdout) > MAX_NOTEBOOK_BYTES:
        return None
    return done.stdout


def return_feedback(results: Path, srv: Path = DEFAULT_SRV) -> dict:
    """Put RESULTS/feedback/<learner>.html into each learner's course folder as feedback/<learner>.html,
    written with the learner's own rights."""
    results = Path(results)
    folder = results / "feedback"
    if not folder.is_dir():
        raise CourseError(f"There is no {folder}. Give the results folder of course.py grade "
                          "(grading-results, or the --out you gave it).")
    returned, skipped = [], []
    for member in roster_in(srv):
        page = folder / f"{member.username}.html"
        home = account(member.username)
        if member.role != "learner":
            continue
        if not page.exists() or not home:
            skipped.append(f"{member.username}: no feedback page" if home else f"{member.username}: no account")
            continue
        target = f"{home.pw_dir}/{COURSE_FOLDER}/feedback"
        done = as_user(member.username, ["sh", "-c", 'mkdir -p "$1" && cat > "$1/$2"', "_", target, page.name],
                       input=page.read_bytes(), check=False)
        (returned if done.returncode == 0 else skipped).append(
            member.username if done.returncode == 0 else f"{member.username}: {done.stderr.decode().strip()}")
    return {"returned": returned, "skipped": skipped}


def collect_command(args) -> int:
    try:
        summary = collect(args.out, args.srv, args.exercise)
    except CourseError as err:
        print(err, file=sys.stderr)
        return 1
    count = sum(len(v) for v in summary["notebooks"].values())
    print(f"Collected {count} notebook(s) from {len(summary['notebooks'])} learner(s) into {summary['out']}.")
    for line in summary["skipped"]:
        print(f"  skipped {line}")
    if summary["progress"].exists():
        print(f"Quiz progress: {summary['progress']} (show_class_tally reads it).")
    print(f"Next: python3 course.py grade {summary['out']}")
    return 0


def return_command(args) -> int:
    try:
        summary = return_feedback(args.results, args.srv)
    except CourseError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"Returned feedback to {len(summary['returned'])} learner(s): in their course folder, "
          f"{COURSE_FOLDER}/feedback/.")
    for line in summary["skipped"]:
        print(f"  skipped {line}")
    return 0
