"""Charts drawn once: a chart helper called again with the same data shows the image it drew before.

Drawing a lesson's first chart costs about a third of a second, most of it importing matplotlib. A learner
re-runs a lesson often (Restart and Run All), with the same tables, so each chart helper's image and text
description are kept in a cache folder, under a key made from everything that decides the drawing: the
helper's name and arguments (tables by their content), the code of charts.py, the map data, the matplotlib
version, and matplotlib's settings if the notebook changed them. A changed table, helper or package makes a
new key, so an old image is never shown for new data. The cache only saves time: an argument it cannot
read, a folder it cannot write or a damaged entry means the chart is drawn as usual, with no message.

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
_version: str | None = None


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


def _code_version() -> str:
    """What the drawing code is: charts.py, the map data and the matplotlib installed."""
    global _version
    if _version is None:
        from importlib.metadata import version

        from .data import data_dir

        digest = hashlib.sha256(version("matplotlib").encode())
        for path in (Path(__file__).with_name("charts.py"), data_dir() / "map" / "middle_east.geojson"):
            digest.update(path.read_bytes())
        _version = digest.hexdigest()
    return _version


def _settings() -> object:
    """matplotlib's settings, if this notebook imported matplotlib and may have changed them."""
    if "matplotlib" not in sys.modules:
        return None
    import matplotlib

    changed = {k: v for k, v in matplotlib.rcParams.items() if v != matplotlib.rcParamsDefault.get(k)}
    return sorted((k, repr(v)) for k, v in changed.items())


def key(helper: str, args: tuple, kwargs: dict) -> str:
    material = [helper, _code_version(), _canonical(list(args)), _canonical(dict(sorted(kwargs.items()))),
                repr(_settings())]
    return hashlib.sha256(json.dumps(material, default=repr).encode()).hexdigest()


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
            path = cache_dir() / f"{key(helper.__name__, args, kwargs)}.json"
        except (Unkeyable, OSError, ValueError, TypeError):
            return helper(*args, **kwargs)
        entry = _read(path)
        if entry is not None:
            from .charts import display_chart

            display_chart(entry["html"], entry["description"])
            print(f"Text description: {entry['description']}")
            return None
        outer, _recording = _recording, []
        try:
            result = helper(*args, **kwargs)
            shown = _recording
        finally:
            _recording = outer
        if len(shown) == 1:  # one chart, shown whole: worth keeping
            _write(path, shown[0])
        return result

    return wrapper
