"""Charts that every learner can read: one colour-blind-safe palette, labelled axes, and a text description.

Every lesson chart ends with ``finish(ax, "one sentence saying what the chart shows")``: it refuses a chart
without a title or axis labels, shows it, and prints the description for screen-reader users (and for
anyone who would rather read than look). Lessons draw their charts with one call to a helper that says what
it draws (``bar_chart``, ``dot_chart``, ``place_map``; see CHART_HELPERS): each labels the chart and ends
with ``finish``. Nothing here imports pyplot: charts are drawn on their own Figure. A helper called again
with the same data shows the image it drew before, without drawing (chart_cache.py).
"""
from __future__ import annotations

import json

from .chart_cache import KEY_FIELD, cached, record, running_key
from .errors import CourseError, friendly_errors

# Okabe & Ito's palette, distinguishable with the common forms of colour blindness
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
CHART_CLASS = "course-chart"  # the CSS class of every chart image the course shows
STANCE_COLOURS = {"leave": "#D55E00", "leave-later": "#E69F00", "conditional": "#F0E442", "stay": "#0072B2",
                  "neither-power": "#009E73", "unclear": "#999999"}
# The colours of the groups lessons chart, one dict per column of data/ that they group by
POSITION_COLOURS = {"expel-now": STANCE_COLOURS["leave"], "keep-coalition": STANCE_COLOURS["stay"],  # arguments
                    "symbolic-vote": STANCE_COLOURS["unclear"], "neither-power": STANCE_COLOURS["neither-power"]}
VERDICT_COLOURS = {"supported": PALETTE[2], "differs": PALETTE[1], "unverifiable": PALETTE[4]}  # article_claims
COMMUNITY_COLOURS = {"Shia": PALETTE[0], "Kurdish": PALETTE[1], "Sunni Arab": PALETTE[2],  # parliament_2018
                     "other or unclear": PALETTE[3]}
FIGURE_KIND_COLOURS = {"yearly average": PALETTE[0], "count or other": PALETTE[1], "peak": PALETTE[5],  # us_troops
                       "announced cap": PALETTE[2]}
FIGURE_KIND_MARKERS = {"announced cap": "v"}  # a cap is an upper limit: a triangle pointing down


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
    html = image_html(fig, description)
    display_chart(html, description, running_key())
    record(html, description)  # a chart helper keeps it (chart_cache.py), to show it again without drawing
    _close(fig)


def display_chart(html: str, description: str, key: str | None = None) -> None:
    """Display a chart's image (from image_html), with its description for front ends that show no HTML;
    a chart helper's output names its key in the chart cache (chart_cache.py)."""
    from IPython.display import display

    metadata = {KEY_FIELD: key} if key else None
    display({"text/html": html, "text/plain": f"[chart] {description}"}, raw=True, metadata=metadata)


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


# The course's chart helpers: each draws one kind of chart, labels it and ends with finish(), so a lesson's
# chart cell says what is drawn, not how. tests/test_lessons.py accepts a chart cell that calls one of them.
CHART_HELPERS = ("bar_chart", "dot_chart", "place_map")


@cached
def bar_chart(values, *, title: str, xlabel: str, ylabel: str, description: str, labels=None,
              groups=None, colours=PALETTE[0], horizontal: bool = False, size=(7, 3.5), outlined: bool = False,
              value_ticks=None, reference_line=None, legend=None) -> None:
    """Draw one bar per value, label the chart and show it with ``finish(ax, description)``.

    ``values`` is a pandas Series: its index names the bars (or give ``labels``, one per bar) and its values
    are the bars' lengths, drawn in the Series' order; two bars may share a label. ``colours`` is one colour
    for every bar, a dict from a bar's label to its colour, or a list of colours, one per bar. With ``groups``
    (a Series beside ``values``, such as each speaker's stance), ``colours`` is a dict from a group to its
    colour, and ``legend=True`` names the colours of the groups drawn. ``horizontal=True`` draws bars across
    (the first value on top, as in a table) instead of up. ``size`` is the figure's (width, height) in inches;
    ``outlined=True`` draws a black edge round each bar; ``value_ticks`` sets the marks on the axis of the
    values; ``reference_line`` draws a grey dotted line at that value; ``legend`` (a dict from a name to a
    colour) adds a legend that names each colour.
    """
    keys = list(values.index if labels is None else labels)
    group_of = None if groups is None else [str(group) for group in groups]
    if group_of is not None and (not isinstance(colours, dict) or len(group_of) != len(keys)):
        raise CourseError("bar_chart with groups needs one group per bar and colours as a dict from a group "
                          "to its colour.")
    # before the figure: a missing colour leaves no empty chart
    style = {"color": _bar_colours(colours, keys if group_of is None else group_of)}
    if legend is True:
        drawn = set(group_of or [])
        legend = {name: colour for name, colour in colours.items() if name in drawn}
    fig, ax = new_chart(size)
    if outlined:
        style["edgecolor"] = "black"
    draw = ax.barh if horizontal else ax.bar
    positions = range(len(keys))  # by position, so that two bars with one label stay two bars
    draw(positions, list(values), **style)
    (ax.set_yticks if horizontal else ax.set_xticks)(positions, [str(key) for key in keys])
    if horizontal:
        ax.invert_yaxis()  # the first value on top, as in the table it comes from
    if value_ticks is not None:
        (ax.set_xticks if horizontal else ax.set_yticks)(list(value_ticks))
    if reference_line is not None:
        (ax.axvline if horizontal else ax.axhline)(reference_line, color="grey", linestyle=":")
    if legend:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=colour, label=name) for name, colour in legend.items()])
    _label(ax, title, xlabel, ylabel)
    finish(ax, description)


@cached
def dot_chart(x, y, *, title: str, xlabel: str, ylabel: str, description: str, groups=None,
              colours=PALETTE[0], markers=None, dot_size=None, see_through: bool = False, join=None,
              legend=None, legend_place: str = "best", x_ticks=None, y_limits=None, size=(8, 4)) -> None:
    """Draw one dot per row at (``x``, ``y``), label the chart and show it with ``finish(ax, description)``.

    Without ``groups`` every dot has the one colour ``colours``. With ``groups`` (a Series beside ``x`` and
    ``y``), ``colours`` is a dict from a group to its colour: the groups are drawn in that order, and a
    row whose group has no colour is an error. ``markers`` (a dict from a group to a matplotlib marker
    such as ``"v"``, a triangle) changes a group's shape from a round dot; ``dot_size`` sets the dots' area
    (triangles are drawn half as large again, so they look as big). ``see_through=True`` lets dots that
    overlap show through each other. ``join`` names a group whose dots are joined by a dashed line in its
    colour (the legend calls it "<group>s joined"). ``legend=True`` adds a legend of the groups, or give a
    dict from a group to the words the legend uses; ``legend_place`` is where it goes ("lower left"...).
    ``x_ticks`` sets the marks along the x-axis, ``y_limits`` the (lowest, highest) value of the y-axis,
    ``size`` the figure's (width, height) in inches.
    """
    fig, ax = new_chart(size)
    if groups is None:
        ax.scatter(x, y, color=colours, s=dot_size, alpha=0.7 if see_through else None)
    else:
        group_of = [str(group) for group in groups]
        unknown = sorted(set(group_of) - set(colours))
        if unknown:
            _close(fig)
            raise CourseError(f"dot_chart has no colour for the group(s) {', '.join(map(repr, unknown))}: "
                              "add them to colours.")
        if join is not None:
            rows = [group == join for group in group_of]
            ax.plot(x[rows], y[rows], linestyle="--", color=colours[join], label=f"{join}s joined")
        for group, colour in colours.items():
            rows = [each == group for each in group_of]
            if not any(rows):  # a group with no dots gets no entry in the legend
                continue
            marker = (markers or {}).get(group, "o")
            area = dot_size * 1.5 if dot_size and marker in ("v", "^", "<", ">") else dot_size
            name = legend.get(group, group) if isinstance(legend, dict) else group
            ax.scatter(x[rows], y[rows], color=colour, marker=marker, s=area,
                       alpha=0.7 if see_through else None, label=name)
    if x_ticks is not None:
        ax.set_xticks(list(x_ticks))
    if y_limits is not None:
        ax.set_ylim(*y_limits)
    if legend:
        ax.legend(loc=legend_place)
    _label(ax, title, xlabel, ylabel)
    finish(ax, description)


@cached
def place_map(places, *, title: str, description: str, longitudes=(34, 52), latitudes=(28, 39),
              size=(8, 6)) -> None:
    """Draw a locator map of ``places`` on Iraq and its neighbours and show it with ``finish``.

    ``places`` is a table with the columns ``name``, ``kind``, ``longitude`` and ``latitude`` (as
    ``table("places")``): air bases (kind ``air-base``) are orange triangles with their name to the left,
    every other place a blue dot with its name to the right. The map shows ``longitudes`` (across, °E)
    and ``latitudes`` (up, °N); ``size`` is the figure's (width, height) in inches.
    """
    fig, ax = new_chart(size)
    draw_borders(ax)
    bases = places[places["kind"] == "air-base"]
    towns = places[places["kind"] != "air-base"]
    ax.scatter(towns["longitude"], towns["latitude"], color=PALETTE[0], zorder=3)
    ax.scatter(bases["longitude"], bases["latitude"], color=PALETTE[5], marker="^", zorder=3)
    for name, longitude, latitude in zip(towns["name"], towns["longitude"], towns["latitude"]):
        ax.annotate(name, (longitude, latitude), xytext=(5, 3), textcoords="offset points")
    for name, longitude, latitude in zip(bases["name"], bases["longitude"], bases["latitude"]):
        ax.annotate(name, (longitude, latitude), xytext=(-5, 3), textcoords="offset points", ha="right")
    ax.set_xlim(*longitudes)
    ax.set_ylim(*latitudes)
    _label(ax, title, "longitude (°E)", "latitude (°N)")
    finish(ax, description)


def new_chart(size):
    """A new figure of ``size`` (width, height in inches) with one set of axes, made without pyplot: the
    notebook never draws it on its own, and a lesson does not pay pyplot's import (about 0.15 s)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    return fig, fig.subplots()


def _close(fig) -> None:
    """Close a figure that will not be shown again (one a learner made with pyplot included)."""
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(fig)


def _label(ax, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def _bar_colours(colours, keys) -> list:
    """One colour per bar: ``colours`` is one colour, a dict from a bar's label to its colour, or a list."""
    if isinstance(colours, str):
        return [colours] * len(keys)
    if isinstance(colours, dict):
        missing = [str(key) for key in keys if key not in colours and str(key) not in colours]
        if missing:
            raise CourseError(f"bar_chart has no colour for {', '.join(map(repr, missing))}: add it to colours.")
        return [colours[key] if key in colours else colours[str(key)] for key in keys]
    colours = list(colours)
    if len(colours) != len(keys):
        raise CourseError(f"bar_chart got {len(colours)} colours for {len(keys)} bars: give one colour per bar.")
    return colours


# ----- the learner's own progress (progress.py keeps it; this draws it) ----------------------------------
def show_progress(store=None):
    """Show your score in each lesson as a table and a bar chart."""
    from IPython.display import display

    from .progress import progress_table

    table = progress_table(store)
    display(table.set_index("lesson"))
    progress_chart(table)
    print("Your answers are saved on this computer as you go; export_progress() writes a copy to hand in.")


@cached
def progress_chart(table) -> None:
    """The progress table as bars: each lesson's questions, and those answered correctly."""
    fig, ax = new_chart((7, 1.1 + 0.45 * max(len(table), 1)))
    ax.barh(table["lesson"], table["questions"], color="#dddddd", label="questions in the lesson")
    ax.barh(table["lesson"], table["correct"], color="#0072B2", label="answered correctly")
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)  # whole questions: no 0.5 marks
    ax.set_xlabel("number of quiz questions")
    ax.set_ylabel("lesson")
    # the legend sits between the title and the bars, so it never covers a bar
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize="small", frameon=False)
    ax.set_title("Your quiz progress", pad=24)
    done, total = int(table["correct"].sum()), int(table["questions"].sum())
    description = f"a bar for each lesson; you have answered {done} of {total} quiz questions correctly."
    show(fig, description)
    print(f"Text description: {description}")
