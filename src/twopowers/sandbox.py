"""Where a submission's code runs: an OS sandbox with limits, or, where there is none, a plain process.

On Linux with bubblewrap (Debian: ``apt install bubblewrap``) each submission runs with
  * no network (its own network namespace) and its own process namespace;
  * the whole file system read-only, and the course folder, the results folder and the solutions hidden
    behind empty folders; only the package (src/), data/ and the Python environment are shown again,
    read-only;
  * one writable place: a private temporary folder, which holds the copy of the notebook it runs;
  * a memory limit (address space, set with prlimit before any learner code runs) and a process limit.
Without bubblewrap the command says which of these protections are off; results are still written only
by the parent process, and the parent checks after each submission that solutions/ is unchanged.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .data import course_root

MEMORY_MB = 1536
MAX_PROCESSES = 256


@dataclass
class Sandbox:
    kind: str  # "bubblewrap" or "none"
    missing: list[str]

    def describe(self) -> str:
        if self.kind == "bubblewrap":
            return "Sandbox: bubblewrap (no network; read-only system; course, solutions and results hidden)."
        return ("No sandbox is available (install bubblewrap on Linux for one). Protections OFF: "
                + "; ".join(self.missing) + ". Still on: results are written only by the grader itself, "
                "and solutions/ is checked for changes after each submission.")


def detect() -> Sandbox:
    if sys.platform.startswith("linux") and shutil.which("bwrap") and shutil.which("prlimit"):
        return Sandbox("bubblewrap", [])
    missing = ["network isolation", "hiding solutions/ and the results from the submission's code",
               "a read-only file system"]
    if not (sys.platform.startswith("linux") and shutil.which("prlimit")):
        missing.append("the memory limit")
    return Sandbox("none", missing)


def wrapper(workdir: Path, hidden: list[Path], sandbox: Sandbox, memory_mb: int = MEMORY_MB) -> list[str]:
    """The start of a command line that runs what follows it in the sandbox, with ``workdir`` as its only
    writable place (the grader puts the kernel's command after it)."""
    limits = ([shutil.which("prlimit"), f"--as={memory_mb * 1024 * 1024}", f"--nproc={MAX_PROCESSES}", "--"]
              if shutil.which("prlimit") and sys.platform.startswith("linux") else [])
    if sandbox.kind != "bubblewrap":
        return limits
    root = course_root()
    args = [shutil.which("bwrap"), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", "/tmp", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
            "--new-session"]
    for path in {root, *hidden}:
        if path.exists():
            args += ["--tmpfs", str(path)]
    # shown again, read-only: what the submission's kernel needs from the course folder
    for needed in (root / "src", root / "data", Path(sys.prefix)):
        if needed.exists() and (needed == root / "src" or needed == root / "data" or root in needed.parents):
            args += ["--ro-bind", str(needed), str(needed)]
    args += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir),
             "--setenv", "HOME", str(workdir), "--setenv", "TMPDIR", str(workdir),
             # a kernel whose parent is the namespace's init would think its parent had gone and stop;
             # bubblewrap's --die-with-parent already ends it when the grader ends
             "--unsetenv", "JPY_PARENT_PID"]
    return args + ["--"] + limits


def fingerprint(folder: Path) -> str:
    """A hash of every file in a folder (names and contents): to notice any change to solutions/."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def child_environment(workdir: Path) -> dict[str, str]:
    """A small environment for the submission: no secrets from the grader's, threads kept to one."""
    keep = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({"HOME": str(workdir), "TMPDIR": str(workdir), "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1", "MPLBACKEND": "agg", "PYTHONDONTWRITEBYTECODE": "1",
                "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"), "JUPYTER_DATA_DIR": str(workdir / "jupyter"),
                "IPYTHONDIR": str(workdir / "ipython"), "MPLCONFIGDIR": str(workdir / "mpl"),
                "TWOPOWERS_PROGRESS_DIR": str(workdir / "progress"), "TWOPOWERS_EXPORT_DIR": str(workdir)})
    return env
