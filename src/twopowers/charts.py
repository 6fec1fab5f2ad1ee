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
STANCE_COLOURS = {"leave": "#D55E00", "leave-later": "#E69F00", "conditional": "#F0E442", "stay": "#0072B2",
                  "neither-power": "#009E73", "unclear": "#999999"}


def finish(ax, description: str) -> None:
    """Check the chart is labelled, show it, and print its text description."""
    import matplotlib.pyplot as plt

    friendly_errors()
    missing = [name for name, text in (("a title", ax.get_title()), ("an x-axis label", ax.get_xlabel()),
                                       ("a y-axis label", ax.get_ylabel())) if not text]
    if missing:
        raise CourseError(f"This chart needs {' and '.join(missing)} before it is shown "
                          "(ax.set_title(...), ax.set_xlabel(...), ax.set_ylabel(...)).")
    if not description or not description.strip():
        raise CourseError("Describe the chart in one sentence for readers who cannot see it.")
    plt.show()
    print(f"Text description: {description.strip()}")


def image_html(fig, description: str, dpi: int = 80) -> str:
    """A matplotlib Figure as an <img> that carries its text description as alternative text."""
    import base64
    import html
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(description)}" style="max-width:100%">'


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
