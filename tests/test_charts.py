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
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw=False: shown.append(bundle))
    fig, ax = labelled_chart()
    charts.finish(ax, "Two bars, one long and one short.")
    assert not plt.fignum_exists(fig.number), "closed, so the notebook does not draw it a second time"
    assert len(shown) == 1 and 'alt="Two bars, one long and one short."' in shown[0]["text/html"]
    assert shown[0]["text/plain"] == "[chart] Two bars, one long and one short."
    assert capsys.readouterr().out.strip() == "Text description: Two bars, one long and one short."
