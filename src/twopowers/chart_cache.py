"""Charts drawn once: a chart helper called again with the same data shows the image it drew before.

Drawing a lesson's first chart costs about a third of a second, most of it importing matplotlib. A learner
re-runs a lesson often (Restart and Run All), with the same tables, so each chart helper's image and text
description are kept in a cache folder, under a key made from everything that decides the drawing: the
helper's name and arguments (tables by their content), the code of charts.py and of the helper's module, the
map data, the matplotlib version, and matplotlib's settings if the notebook changed them. A changed table,
helper or package makes a new key, so an old image is never shown for new data. The cache only saves time:
an argument it cannot read, a folder it cannot write or a damaged entry means the chart is drawn as usual,
with no message.

Each chart output carries its key in its metadata (KEY_FIELD), so the course's notebooks, stored with their
outputs, already hold every lesson chart: on a first run, a chart not in the cache folder is looked up there
before it is drawn (the notebooks are read once per kernel, in about 20 ms).

The folder is $TWOPOWERS_CHART_CACHE, else the user's cache folder ($XDG_CACHE_HOME or ~/.cache) /
between-two-powers/charts. Deleting it is always safe.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

CACHE_ENV = "TWOPOWERS_CHART_CACHE"
KEY_FIELD = "twopowers-chart"  # in a chart output's metadata: its key
_versions: dict[Path, str] = {}
_stored: dict[str, dict] | None = None  # the charts in the course's stored notebooks, by key (read once)
_running: list[str] = []  # the key of the cached helper drawing now


def cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "between-two-powers" / "charts"


class Unkeyable(Exception):
    """An argument the cache cannot describe exactly: the chart is drawn without the cache."""


def _canonical(value):
    """A JSON-ready description of ``value`` that changes whenever the drawing could."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return [type(value).__name__, value]
    if isinstance(value, (list, tuple, range)):
        return [type(value).__name__, [_canonical(v) for v in value]]
    if isinstance(value, dict):
        return ["dict", [[_canonical(k), _canonical(v)] for k, v in value.items()]]
    module = type(value).__module__
    if module.startswith("pandas") and hasattr(value, "to_json"):
        import pandas as pd

        frame = value.to_frame() if isinstance(value, pd.Series) else value
        if not isinstance(frame, pd.DataFrame):
            raise Unkeyable(type(value).__name__)
        content = frame.to_json(orient="split", date_format="iso", date_unit="ns", double_precision=15)
        kinds = [str(t) for t in frame.dtypes] + [str(frame.index.dtype), str(getattr(value, "name", ""))]
        return [type(value).__name__, content, kinds]
    if module == "numpy" and hasattr(value, "item"):  # a numpy number
        return _canonical(value.item())
    raise Unkeyable(type(value).__name__)


def _code_version(module: Path) -> str:
    """What the drawing code is: charts.py, the helper's own module, the map data and the matplotlib installed."""
    if module not in _versions:
        from importlib.metadata import version

        from .data import data_dir

        digest = hashlib.sha256(version("matplotlib").encode())
        for path in (Path(__file__).with_name("charts.py"), module, data_dir() / "map" / "middle_east.geojson"):
            digest.update(path.read_bytes())
        _versions[module] = digest.hexdigest()
    return _versions[module]


NOT_DRAWING = ("backend", "interactive", "figure.max_open_warning")  # settings that never change a drawing


def _settings() -> list:
    """matplotlib's settings that differ from its defaults, if this notebook imported matplotlib."""
    if "matplotlib" not in sys.modules:
        return []
    import matplotlib

    return sorted((k, repr(v)) for k, v in matplotlib.rcParams.items()
                  if not k.startswith(NOT_DRAWING) and v != matplotlib.rcParamsDefault.get(k))


def key(helper, args: tuple, kwargs: dict) -> str:
    module = Path(sys.modules[helper.__module__].__file__)
    material = [helper.__name__, _code_version(module), _canonical(list(args)),
                _canonical(dict(sorted(kwargs.items()))), _settings()]
    return hashlib.sha256(json.dumps(material, default=repr).encode()).hexdigest()


def running_key() -> str | None:
    """The key of the chart a cached helper is drawing now (charts.show puts it in the output's metadata)."""
    return _running[-1] if _running else None


def stored_charts() -> dict[str, dict]:
    """The charts in the course's notebooks as stored, by key: read once, and never a reason to fail."""
    global _stored
    if _stored is None:
        _stored = {}
        try:
            from .data import notebooks_dir

            paths = sorted(notebooks_dir().rglob("*.ipynb"))
        except OSError:
            paths = []
        for path in paths:
            try:
                cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
                for cell in cells:
                    for output in cell.get("outputs", []) if isinstance(cell, dict) else []:
                        found = _stored_chart(output)
                        if found:
                            _stored[found[0]] = found[1]
            except (OSError, ValueError, AttributeError, TypeError):
                continue
    return _stored


def _stored_chart(output) -> tuple[str, dict] | None:
    chart_key = (output.get("metadata") or {}).get(KEY_FIELD)
    data = output.get("data") or {}
    html, plain = data.get("text/html"), data.get("text/plain")
    html = "".join(html) if isinstance(html, list) else html
    plain = "".join(plain) if isinstance(plain, list) else plain
    if isinstance(chart_key, str) and isinstance(html, str) and isinstance(plain, str) and plain.startswith("[chart] "):
        return chart_key, {"html": html, "description": plain.removeprefix("[chart] ")}
    return None


def _read(path: Path) -> dict | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(entry, dict) and isinstance(entry.get("html"), str) and isinstance(entry.get("description"), str):
        return entry
    return None


def _write(path: Path, entry: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as out:
            json.dump(entry, out)
        os.replace(out.name, path)
    except OSError:
        try:
            os.unlink(out.name)
        except (OSError, NameError):
            pass


_recording: list[dict] | None = None


def record(html: str, description: str) -> None:
    """Called by charts.show: note what a helper being cached displayed."""
    if _recording is not None:
        _recording.append({"html": html, "description": description})


def cached(helper):
    """Wrap a chart helper that ends by showing one chart (through charts.finish) so its result is kept."""

    @functools.wraps(helper)
    def wrapper(*args, **kwargs):
        global _recording
        try:
            chart_key = key(helper, args, kwargs)
            path = cache_dir() / f"{chart_key}.json"
        except (Unkeyable, OSError, ValueError, TypeError):
            return helper(*args, **kwargs)
        entry = _read(path)
        if entry is None:
            entry = stored_charts().get(chart_key)
            if entry is not None:
                _write(path, entry)
        if entry is not None:
            from .charts import display_chart

            display_chart(entry["html"], entry["description"], chart_key)
            print(f"Text description: {entry['description']}")
            return None
        outer, _recording = _recording, []
        _running.append(chart_key)
        try:
            result = helper(*args, **kwargs)
            shown = _recording
        finally:
            _recording = outer
            _running.pop()
        if len(shown) == 1:  # one chart, shown whole: worth keeping
            _write(path, shown[0])
        return result

    return wrapper
