"""Where a submission's code runs: an OS sandbox with limits, or, where there is none, a plain process.

On Linux with bubblewrap (Debian: ``apt install bubblewrap``) each submission runs with
  * no network (its own network namespace) and its own process namespace;
  * only what a kernel needs, read-only (``kernel_needs``): the system's program and library folders, the
    Python installation and the course environment, and the course's src/ and data/. No home folder, no
    other part of the course checkout (solutions/, results), no other submission;
  * one writable place: a private temporary folder, which holds the copy of the notebook it runs;
  * a memory limit (address space, set with prlimit before any learner code runs) and a process limit.
Without bubblewrap, grading refuses unless the teacher passes --no-sandbox, and then says which of these
protections are off; results are still written only by the parent process, submissions run one at a time,
and after each one the parent checks solutions/ and data/ against a copy kept in memory and puts them back.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ..data import course_root

MEMORY_MB = 1536
MAX_PROCESSES = 256


@dataclass
class Sandbox:
    kind: str  # "bubblewrap" or "none"
    missing: list[str]

    def describe(self) -> str:
        if self.kind == "bubblewrap":
            return ("Sandbox: bubblewrap (no network; only the system, Python and the course's src/ and data/ are "
                    "shown, read-only; no home folder, solutions, results or other submissions).")
        return ("No sandbox is available (install bubblewrap on Linux for one). Protections OFF: "
                + "; ".join(self.missing) + ". Still on: results are written only by the grader itself, "
                "submissions run one at a time, and solutions/ and data/ are checked after each one and put "
                "back if it changed them (that submission is marked, no one else's grade changes).")

    def refusal(self) -> str:
        return ("Grading needs a sandbox, and this computer has none: " + "; ".join(self.missing) + " would be "
                "OFF, so a submission could read files on this computer (other students' work among them) and "
                "send them over the network. On Linux, install bubblewrap (Debian or Ubuntu: sudo apt install "
                "bubblewrap) and grade again. On Windows or macOS, grade in a Linux container or on your "
                "school's JupyterHub (docs/instructor-guide.md says how). To grade here anyway, knowing this, "
                "add --no-sandbox.")


def detect() -> Sandbox:
    if sys.platform.startswith("linux") and shutil.which("bwrap") and shutil.which("prlimit"):
        return Sandbox("bubblewrap", [])
    missing = ["network isolation", "hiding solutions/ and the results from the submission's code",
               "a read-only file system"]
    if not (sys.platform.startswith("linux") and shutil.which("prlimit")):
        missing.append("the memory limit")
    return Sandbox("none", missing)


def wrapper(workdir: Path, sandbox: Sandbox, memory_mb: int = MEMORY_MB) -> list[str]:
    """The start of a command line that runs what follows it in the sandbox, with ``workdir`` as its only
    writable place (the grader puts the kernel's command after it)."""
    limits = ([shutil.which("prlimit"), f"--as={memory_mb * 1024 * 1024}", f"--nproc={MAX_PROCESSES}", "--"]
              if shutil.which("prlimit") and sys.platform.startswith("linux") else [])
    if sandbox.kind != "bubblewrap":
        return limits
    args = [shutil.which("bwrap"), "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
            "--new-session", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for place in kernel_needs():
        if place.is_symlink():  # /bin -> usr/bin on a merged-/usr system: the same link inside
            args += ["--symlink", os.readlink(place), str(place)]
        else:
            args += ["--ro-bind", str(place), str(place)]
    args += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir),
             "--setenv", "HOME", str(workdir), "--setenv", "TMPDIR", str(workdir),
             # a kernel whose parent is the namespace's init would think its parent had gone and stop;
             # bubblewrap's --die-with-parent already ends it when the grader ends
             "--unsetenv", "JPY_PARENT_PID"]
    return args + ["--"] + limits


SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")  # programs and the libraries they load
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/nsswitch.conf",
                "/etc/passwd", "/etc/group")  # how those find each other, the time zone, the user's name


def kernel_needs() -> list[Path]:
    """Everything a submission's kernel is shown, read-only: the system's program and library folders, the
    Python installation and the course environment the kernel runs from, and the course's src/ and data/.
    Nothing else: no home folder, no other part of the course checkout, no other submission."""
    root = course_root()
    places = [Path(p) for p in (*SYSTEM, *SYSTEM_FILES)]
    places += [Path(sys.base_prefix), Path(sys.prefix), root / "src", root / "data"]
    found, seen = [], set()
    for place in places:
        if (place.exists() or place.is_symlink()) and place not in seen:
            seen.add(place)
            found.append(place)
    return found


class Snapshot:
    """The files of the folders grading depends on (solutions/ and data/), kept in memory before any submission
    runs: without a sandbox, a submission that changes them is found out and the folders are put back, so no
    other student's grade depends on what one submission did."""

    def __init__(self, folders: list[Path]):
        self.files = {folder: self._read(folder) for folder in folders}

    @staticmethod
    def _read(folder: Path) -> dict[Path, bytes]:
        return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    def changed(self) -> list[str]:
        """The folders whose files differ from the snapshot (by name and content)."""
        return [folder.name for folder, files in self.files.items() if self._read(folder) != files]

    def restore(self) -> None:
        """Put every file back as it was, and remove files a submission added."""
        for folder, files in self.files.items():
            for path in sorted(folder.rglob("*"), reverse=True):
                if path.is_file() and path.relative_to(folder) not in files:
                    path.unlink()
            for relative, content in files.items():
                target = folder / relative
                if not target.is_file() or target.read_bytes() != content:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content)


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
