"""Charts that every learner can read: one colour-blind-safe palette, labelled axes, and a text description.

Every lesson chart ends with ``finish(ax, "one sentence saying what the chart shows")``: it refuses a chart
without a title or axis labels, shows it, and prints the description for screen-reader users (and for
anyone who would rather read than look).
"""
from __future__ import annotations

import json

from .errors import CourseError, friendly_errors

# Okabe & Ito's palette, distinguishable with the common forms of colour blindness
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
CHART_CLASS = "course-chart"  # the CSS class of every chart image the course shows
STANCE_COLOURS = {"leave": "#D55E00", "leave-later": "#E69F00", "conditional": "#F0E442", "stay": "#0072B2",
                  "neither-power": "#009E73", "unclear": "#999999"}


def finish(ax, description: str) -> None:
    """Check the chart is labelled, show it, and print its text description."""
    friendly_errors()
    missing = [name for name, text in (("a title", ax.get_title()), ("an x-axis label", ax.get_xlabel()),
                                       ("a y-axis label", ax.get_ylabel())) if not text]
    if missing:
        raise CourseError(f"This chart needs {' and '.join(missing)} before it is shown "
                          "(ax.set_title(...), ax.set_xlabel(...), ax.set_ylabel(...)).")
    if not description or not description.strip():
        raise CourseError("Describe the chart in one sentence for readers who cannot see it.")
    show(ax.figure, description.strip())
    print(f"Text description: {description.strip()}")


def show(fig, description: str) -> None:
    """Display a figure as an image whose alternative text is ``description``, then close it."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display({"text/html": image_html(fig, description), "text/plain": f"[chart] {description}"}, raw=True)
    plt.close(fig)


def is_chart(output) -> bool:
    """Whether a stored notebook output is a chart shown by show() or finish()."""
    return f'class="{CHART_CLASS}"' in output.get("data", {}).get("text/html", "")


def image_html(fig, description: str) -> str:
    """A matplotlib Figure as an <img> that carries its text description as alternative text.

    The figure is drawn once, as SVG with its text kept as text, and cropped to what it shows (as
    ``bbox_inches="tight"`` would, which draws it twice). An <img> with a data: address shows in
    JupyterLab before a notebook is trusted, unlike SVG output, and is sharp at any zoom.
    """
    import base64
    import html

    svg = _svg(fig)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img class="{CHART_CLASS}" src="data:image/svg+xml;base64,{data}" alt="{html.escape(description)}" '
            'style="max-width:100%;height:auto;background:#fff">')


def _svg(fig, pad_inches: float = 0.1) -> str:
    """One SVG drawing of ``fig``, its view cropped to the drawn content plus ``pad_inches``."""
    import io
    import re

    from matplotlib import rc_context
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import RendererSVG

    buffer = io.StringIO()
    dpi = fig.dpi
    width, height = fig.get_size_inches()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "between-two-powers"}):
        try:
            fig.dpi = 72  # SVG is laid out in points, as matplotlib's own SVG writer does
            renderer = MixedModeRenderer(fig, width, height, dpi,
                                         RendererSVG(width * 72, height * 72, buffer, image_dpi=dpi,
                                                     metadata={"Date": None}))
            fig.draw(renderer)
            renderer.finalize()
            # measured with the renderer that drew, so every text extent comes from its cache
            box = fig.get_tightbbox(renderer).padded(pad_inches)
        finally:
            fig.dpi = dpi
    x, y, w, h = box.x0 * 72, (height - box.y1) * 72, box.width * 72, box.height * 72
    view = f'width="{w:.1f}pt" height="{h:.1f}pt" viewBox="{x:.1f} {y:.1f} {w:.1f} {h:.1f}"'
    return re.sub(r'width="[^"]*" height="[^"]*" viewBox="[^"]*"', view, buffer.getvalue(), count=1)


def draw_borders(ax, highlight: str = "Iraq") -> None:
    """Draw Iraq and its neighbours from data/map/middle_east.geojson (Natural Earth, public domain)."""
    from matplotlib.collections import PolyCollection

    from .data import data_dir

    features = json.loads((data_dir() / "map" / "middle_east.geojson").read_text(encoding="utf-8"))["features"]
    rings, colours = [], []
    for feature in features:
        name = feature["properties"]["name"]
        outers = [polygon[0] for polygon in feature["geometry"]["coordinates"]]
        rings += outers
        colours += ["#f2e6c9" if name == highlight else "#eeeeee"] * len(outers)
        if name != highlight:
            xs = [x for ring in outers for x, _ in ring]
            ys = [y for ring in outers for _, y in ring]
            ax.annotate(name, _label_point(name, xs, ys), fontsize=8, color="#555555", ha="center")
    ax.add_collection(PolyCollection(rings, facecolors=colours, edgecolors="#777777", linewidths=0.6))
    ax.autoscale_view()
    ax.set_aspect("equal")


def _label_point(name, xs, ys):
    """Where to write a neighbour's name: inside the map window, not in the middle of Iraq."""
    spots = {"Iran": (49.5, 34.5), "Syria": (38.5, 35.2), "Turkey": (39.5, 38.4), "Jordan": (37.0, 31.3),
             "Saudi Arabia": (42.5, 29.0), "Kuwait": (47.7, 29.2)}
    return spots.get(name, (sum(xs) / len(xs), sum(ys) / len(ys)))
