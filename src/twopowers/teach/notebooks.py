"""Running the course's notebooks from a fresh kernel, and keeping them free of editor noise.

Used by ``python -m twopowers refresh`` (re-run notebooks in place so their stored outputs,
which nbval compares, are current), by the benchmark and by the tests.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

NOTEBOOK_METADATA = {"kernelspec", "language_info"}
# course: the kind of an exercise's question (judgement or mechanics), beside nbgrader's metadata
CELL_METADATA = {"tags", "jupyter", "nbgrader", "editable", "deletable", "course"}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(nb) -> None:
    """Drop what editors add (widget state, timings, scroll positions), keep what the course uses."""
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in NOTEBOOK_METADATA}
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in CELL_METADATA}
        if "jupyter" in cell.metadata:
            cell.metadata["jupyter"] = {k: v for k, v in cell.metadata["jupyter"].items()
                                        if k in ("source_hidden", "outputs_hidden")}
            if not cell.metadata["jupyter"]:
                del cell.metadata["jupyter"]


@contextlib.contextmanager
def fresh_learner():
    """Point saved progress and exports at empty temporary folders, as for a learner's first run."""
    keys = ("TWOPOWERS_PROGRESS_DIR", "TWOPOWERS_EXPORT_DIR")
    old = {k: os.environ.get(k) for k in keys}
    with tempfile.TemporaryDirectory() as progress, tempfile.TemporaryDirectory() as exports:
        os.environ.update(dict(zip(keys, (progress, exports))))
        try:
            yield
        finally:
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def execute(path: Path, timeout: int = 300):
    """Run a notebook top to bottom in a fresh kernel, then shut the kernel down; returns (notebook, seconds).

    Where the system has them (not on Windows), the kernel talks over Unix sockets in a private temporary
    folder: no TCP port can be taken by another program between being chosen and being bound, and nothing
    listens on the network.
    """
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as sockets:
        unix_sockets = {} if os.name == "nt" else {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}
        manager = AsyncKernelManager(kernel_name="python3", connection_file=str(Path(sockets) / "kernel.json"),
                                     **unix_sockets)
        client = NotebookClient(nb, km=manager, timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
        started = time.perf_counter()
        client.execute(cleanup_kc=True)  # the client shuts the kernel down (it would not, with our manager)
        return nb, time.perf_counter() - started


def refresh(paths: list[Path]) -> int:
    """Re-run each notebook as a new learner would and save it with its outputs."""
    import nbformat

    for path in paths:
        with fresh_learner():
            nb, seconds = execute(path)
        clean(nb)
        nbformat.write(nb, path)
        print(f"refreshed {path} ({seconds:.1f} s)")
    return 0
