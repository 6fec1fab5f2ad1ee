"""Charts as a learner sees them: labelled, described, drawn once and cropped to what they show."""
import base64
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from twopowers import charts  # noqa: E402
from twopowers.errors import CourseError  # noqa: E402


def svg_of(markup: str) -> str:
    return base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', markup).group(1)).decode()


def labelled_chart(long_label: str = "a long label that reaches beyond the figure's left edge"):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.barh([long_label, "short"], [3, 1])
    ax.set_title("A title")
    ax.set_xlabel("x label")
    ax.set_ylabel("y label")
    return fig, ax


def test_finish_refuses_an_unlabelled_chart_and_names_what_is_missing():
    fig, ax = plt.subplots()
    ax.set_title("Only a title")
    with pytest.raises(CourseError, match="an x-axis label and a y-axis label"):
        charts.finish(ax, "A description.")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    with pytest.raises(CourseError, match="Describe the chart"):
        charts.finish(ax, "  ")
    plt.close(fig)


def test_the_image_carries_its_description_as_alternative_text():
    fig, _ = labelled_chart()
    markup = charts.image_html(fig, 'Two bars: "long" is 3, short is 1 & <done>.')
    plt.close(fig)
    assert 'alt="Two bars: &quot;long&quot; is 3, short is 1 &amp; &lt;done&gt;."' in markup
    assert 'class="course-chart"' in markup


def test_the_drawing_is_cropped_to_include_labels_that_stick_out_of_the_figure():
    fig, _ = labelled_chart()
    svg = svg_of(charts.image_html(fig, "Two bars."))
    plt.close(fig)
    x, y, width, height = map(float, re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    assert x < 0, "the long label to the left of a 3-inch figure is inside the view"
    assert width > 3 * 72, "the view is wider than the figure itself"
    assert "reaches beyond the figure" in svg, "text stays text, so it can be read aloud, found and copied"


def test_the_drawing_is_the_same_each_time():
    drawings = []
    for _ in range(2):
        fig, _ = labelled_chart()
        drawings.append(charts.image_html(fig, "Two bars."))
        plt.close(fig)
    assert drawings[0] == drawings[1], "no date or random ids in the picture, so a re-run changes nothing"


def test_finish_shows_the_chart_closes_it_and_prints_the_description(capsys, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw=False, metadata=None: shown.append(bundle))
    fig, ax = labelled_chart()
    charts.finish(ax, "Two bars, one long and one short.")
    assert not plt.fignum_exists(fig.number), "closed, so the notebook does not draw it a second time"
    assert len(shown) == 1 and 'alt="Two bars, one long and one short."' in shown[0]["text/html"]
    assert shown[0]["text/plain"] == "[chart] Two bars, one long and one short."
    assert capsys.readouterr().out.strip() == "Text description: Two bars, one long and one short."


@pytest.fixture
def shown(monkeypatch, no_kept_charts):
    """What the chart helpers show: each entry is (the figure's first axes, its description). No chart is
    kept, so every helper draws."""
    drawn = []

    def keep(fig, description):
        drawn.append((fig.axes[0], description))
        plt.close(fig)

    monkeypatch.setattr(charts, "show", keep)
    return drawn


def bar_colours(ax):
    return [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in ax.patches]


def test_bar_chart_labels_the_chart_and_its_description_becomes_the_alt_text(monkeypatch, capsys, no_kept_charts):
    import pandas as pd

    bundles = []
    open_before = set(plt.get_fignums())  # figures other tests left open are not this helper's
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw=False, metadata=None: bundles.append(bundle))
    charts.bar_chart(pd.Series([3, 1], index=["stay", "leave"]), title="Two sides", xlabel="Side",
                     ylabel="Count", description="Two bars: stay 3, leave 1.")
    assert len(bundles) == 1 and 'alt="Two bars: stay 3, leave 1."' in bundles[0]["text/html"]
    assert capsys.readouterr().out.strip() == "Text description: Two bars: stay 3, leave 1."
    assert set(plt.get_fignums()) <= open_before, "the helper closes its figure once it is shown"


def test_bar_chart_draws_vertical_or_horizontal_bars_with_their_labels(shown):
    import pandas as pd
    counts = pd.Series([3, 1], index=["stay", "leave"])
    charts.bar_chart(counts, title="Up", xlabel="Side", ylabel="Count", description="Vertical bars.")
    charts.bar_chart(counts, title="Across", xlabel="Count", ylabel="Side", description="Horizontal bars.",
                     horizontal=True, value_ticks=range(4))
    (up, _), (across, description) = shown
    assert (up.get_title(), up.get_xlabel(), up.get_ylabel()) == ("Up", "Side", "Count")
    assert [bar.get_height() for bar in up.patches] == [3, 1]
    assert [label.get_text() for label in up.get_xticklabels()] == ["stay", "leave"]
    assert [bar.get_width() for bar in across.patches] == [3, 1]
    assert [label.get_text() for label in across.get_yticklabels()] == ["stay", "leave"]
    assert list(across.get_xticks()) == [0, 1, 2, 3]
    assert description == "Horizontal bars."


def test_bar_chart_colours_each_bar_from_a_dict_a_list_or_one_colour(shown):
    import pandas as pd
    counts = pd.Series([3, 1], index=["stay", "leave"])
    labels = dict(title="T", xlabel="x", ylabel="y", description="Two bars.")
    charts.bar_chart(counts, colours=charts.STANCE_COLOURS, outlined=True, **labels)
    charts.bar_chart(counts, colours=["#000000", "#009E73"], **labels)
    charts.bar_chart(counts, colours=charts.PALETTE[1], **labels)
    by_dict, by_list, one = (ax for ax, _ in shown)
    assert bar_colours(by_dict) == [charts.STANCE_COLOURS["stay"].lower(), charts.STANCE_COLOURS["leave"].lower()]
    assert all(matplotlib.colors.to_hex(bar.get_edgecolor()) == "#000000" for bar in by_dict.patches)
    assert bar_colours(by_list) == ["#000000", "#009e73"]
    assert bar_colours(one) == [charts.PALETTE[1].lower()] * 2
    plt.close("all")
    with pytest.raises(CourseError, match="no colour for 'leave'"):
        charts.bar_chart(counts, colours={"stay": "#000000"}, **labels)
    assert not plt.get_fignums(), "a chart that cannot be drawn leaves no empty figure behind"


def test_bar_chart_can_add_a_legend_of_colours_and_a_reference_line(shown):
    import pandas as pd
    charts.bar_chart(pd.Series([500, 1500], index=["a", "b"]), colours=["#0072B2", "#E69F00"], horizontal=True,
                     legend={"cheap": "#0072B2", "dear": "#E69F00"}, reference_line=1000,
                     title="T", xlabel="x", ylabel="y", description="Two bars and a line.")
    ax, _ = shown[0]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["cheap", "dear"]
    assert [list(line.get_xdata()) for line in ax.get_lines()] == [[1000, 1000]]


def test_bar_chart_still_refuses_an_unlabelled_chart():
    import pandas as pd
    with pytest.raises(CourseError, match="a title"):
        charts.bar_chart(pd.Series([1]), title="", xlabel="x", ylabel="y", description="One bar.")
    plt.close("all")


def test_dot_chart_draws_each_group_in_its_colour_joins_one_and_names_them_in_a_legend(shown):
    import pandas as pd
    rows = pd.DataFrame({"year": [2003, 2004, 2005, 2007], "troops": [100, 120, 90, 170],
                         "kind": ["yearly average", "yearly average", "count", "peak"]})
    charts.dot_chart(rows["year"], rows["troops"], groups=rows["kind"],
                     colours={"yearly average": "#0072B2", "count": "#E69F00", "peak": "#D55E00"},
                     markers={"peak": "v"}, dot_size=60, join="yearly average", legend=True,
                     x_ticks=range(2003, 2008, 2), y_limits=(0, 200),
                     title="Troops", xlabel="Year", ylabel="Troops", description="Four dots, two joined.")
    ax, description = shown[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), description) == \
        ("Troops", "Year", "Troops", "Four dots, two joined.")
    dots = ax.collections
    assert [len(group.get_offsets()) for group in dots] == [2, 1, 1]
    assert [matplotlib.colors.to_hex(group.get_facecolor()[0]) for group in dots] == ["#0072b2", "#e69f00", "#d55e00"]
    assert list(dots[0].get_sizes()) == [60] and list(dots[2].get_sizes()) == [90], "triangles half as large again"
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == [2003, 2004] and line.get_linestyle() == "--"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == \
        ["yearly averages joined", "yearly average", "count", "peak"]
    assert list(ax.get_xticks()) == [2003, 2005, 2007] and ax.get_ylim() == (0, 200)


def test_dot_chart_without_groups_and_with_a_group_it_has_no_colour_for(shown):
    import pandas as pd
    charts.dot_chart(pd.Series([1, 2]), pd.Series(["a", "b"]), see_through=True,
                     title="T", xlabel="x", ylabel="y", description="Two dots.")
    (dots,) = shown[0][0].collections
    assert len(dots.get_offsets()) == 2 and dots.get_alpha() == 0.7
    with pytest.raises(CourseError, match="no colour for the group"):
        charts.dot_chart(pd.Series([1]), pd.Series([1]), groups=pd.Series(["peak"]), colours={"count": "#000000"},
                         title="T", xlabel="x", ylabel="y", description="One dot.")
    assert not plt.get_fignums(), "a chart that cannot be drawn leaves no figure behind"


def test_place_map_draws_every_place_with_its_name_on_the_borders(shown):
    from twopowers.data import table
    places = table("places")
    charts.place_map(places, title="Places", description="A map of every place.")
    ax, description = shown[0]
    towns, bases = ax.collections[-2:]
    assert len(towns.get_offsets()) + len(bases.get_offsets()) == len(places)
    assert len(bases.get_offsets()) == (places["kind"] == "air-base").sum()
    names = {text.get_text() for text in ax.texts}
    assert set(places["name"]) <= names and "Iran" in names, "every place is named, and the neighbours too"
    assert (ax.get_xlim(), ax.get_ylim()) == ((34, 52), (28, 39))
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Places", "longitude (°E)", "latitude (°N)")
    assert description == "A map of every place."


def test_the_chart_helpers_are_what_the_lesson_gate_accepts_and_import_no_pyplot():
    import subprocess
    import sys
    assert all(callable(getattr(charts, name)) for name in charts.CHART_HELPERS)
    code = "import sys, twopowers.charts; print('matplotlib.pyplot' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


@pytest.fixture
def cache(no_kept_charts, monkeypatch):
    """An empty chart cache for this test, and what the helpers display."""
    bundles = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw=False, metadata=None: bundles.append(bundle))
    return no_kept_charts, bundles


def draw_sides(values):
    import pandas as pd

    charts.bar_chart(pd.Series(values, index=["stay", "leave"]), title="Two sides", xlabel="Side", ylabel="Count",
                     description=f"Two bars: stay {values[0]}, leave {values[1]}.")


def test_a_chart_drawn_again_with_the_same_data_is_shown_from_the_cache_exactly_as_drawn(cache, capsys,
                                                                                         monkeypatch):
    folder, bundles = cache
    draw_sides([3, 1])
    first = capsys.readouterr().out
    assert len(list(folder.glob("*.json"))) == 1
    monkeypatch.setattr(charts, "image_html", lambda *a: pytest.fail("a cached chart is drawn again"))
    draw_sides([3, 1])
    assert bundles[0] == bundles[1] and capsys.readouterr().out == first


def test_new_data_draws_a_new_chart_never_the_old_one(cache):
    folder, bundles = cache
    draw_sides([3, 1])
    draw_sides([3, 2])
    assert bundles[0]["text/html"] != bundles[1]["text/html"] and len(list(folder.glob("*.json"))) == 2
    assert svg_of(bundles[1]["text/html"]) != svg_of(bundles[0]["text/html"])


def test_a_damaged_entry_or_a_folder_that_cannot_be_written_only_means_drawing_again(cache, tmp_path, monkeypatch):
    from twopowers.chart_cache import CACHE_ENV

    folder, bundles = cache
    draw_sides([3, 1])
    for entry in folder.glob("*.json"):
        entry.write_text("{not json")
    draw_sides([3, 1])
    assert bundles[0] == bundles[1]
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocked / "charts"))  # a folder inside a file: cannot be made
    draw_sides([3, 1])
    assert bundles[2] == bundles[0]


def test_a_chart_that_is_refused_is_not_kept(cache):
    import pandas as pd

    folder, _ = cache
    with pytest.raises(CourseError):
        charts.bar_chart(pd.Series([1]), title="", xlabel="x", ylabel="y", description="One bar.")
    assert list(folder.glob("*.json")) == []


def test_a_chart_stored_in_a_notebook_is_shown_on_a_first_run_without_drawing(cache, tmp_path, monkeypatch, capsys):
    """The course's notebooks are stored with their charts, each output naming its key: a learner's first run
    finds a lesson's chart there, exactly as drawn, when the cache folder has none."""
    import nbformat

    from twopowers import chart_cache, data
    from twopowers.chart_cache import KEY_FIELD

    folder, bundles = cache
    saved = []
    monkeypatch.setattr("IPython.display.display",
                        lambda bundle, raw=False, metadata=None: (bundles.append(bundle), saved.append(metadata)))
    draw_sides([3, 1])
    drawn_text = capsys.readouterr().out
    assert saved[0] and KEY_FIELD in saved[0]
    lessons = tmp_path / "notebooks"
    lessons.mkdir()
    output = nbformat.v4.new_output("display_data", data=bundles[0], metadata=saved[0])
    cell = nbformat.v4.new_code_cell("bar_chart(...)", outputs=[output])
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), lessons / "lesson.ipynb")
    monkeypatch.setattr(data, "notebooks_dir", lambda: lessons)
    monkeypatch.setattr(chart_cache, "_stored", None)
    for entry in folder.glob("*.json"):
        entry.unlink()
    monkeypatch.setattr(charts, "image_html", lambda *a: pytest.fail("a stored chart is drawn again"))
    draw_sides([3, 1])
    assert bundles[1] == bundles[0] and saved[1] == saved[0] and capsys.readouterr().out == drawn_text
    assert len(list(folder.glob("*.json"))) == 1, "found once, then kept in the cache folder"


def test_every_chart_a_lesson_draws_with_a_helper_names_its_key_in_the_stored_notebook():
    import nbformat

    from twopowers.chart_cache import KEY_FIELD
    from twopowers.data import course_notebooks

    keyed = unkeyed = 0
    for path in course_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                if charts.is_chart(output):
                    if output.get("metadata", {}).get(KEY_FIELD):
                        keyed += 1
                    else:
                        unkeyed += 1
    assert keyed >= 10 and unkeyed == 0
