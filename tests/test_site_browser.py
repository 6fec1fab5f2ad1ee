"""The static site in headless Chromium: opened from disk with the network blocked, and read on a 390 px phone.

Every page must load with no console error and ask for nothing outside the site folder. On the phone, text is
16 px, the page never scrolls sideways, and nothing runs off its edge: code and tables scroll inside their own
box, chart descriptions wrap between words, and the locator map stays wide enough to read (its box scrolls).
A screenshot of lesson 02 goes to test-artifacts/. Without Chromium the test is skipped; under CI it must run.
"""
import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM_FLAGS, chromium_or_skip
from twopowers.teach.site import build

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# The locator map in lesson 02 is drawn 501 pt wide with its place names in 8 pt type. Drawn N px wide, the names
# are 8 x N / 501 px high: at 560 px that is about 9 px, the least we count as readable on a phone (shrunk to the
# 354 px a 390 px screen leaves, they would be under 6 px).
MAP_MIN_WIDTH = 560

# Elements a reader cannot see whole: they reach past the right edge of the screen, and no box of their own
# (a code block, a table, a chart's figure) scrolls to show the rest; or a box that scrolls is a prose box.
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const own = el => el.matches("pre, table, .course-figure");
  const name = el => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 60)}"`;
  const cut = [];
  for (const el of document.querySelectorAll("body *")) {
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 1 && !own(el)) cut.push("scrolls: " + name(el));
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    let parent = el.parentElement;
    while (parent && parent !== document.body && !(own(parent) && scrolls(parent)
                                                   && parent.getBoundingClientRect().right <= width + 0.5)) {
      parent = parent.parentElement;
    }
    if (!parent || parent === document.body) cut.push("runs off: " + name(el));
  }
  return cut;
}"""
# Words of a chart's text description broken across two lines (a line may end after a hyphen or dash).
SPLIT_WORDS = """pre => {
  const split = [];
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/[^\\s\\u002d\\u2010-\\u2014]+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) split.push(word[0]);
    }
  }
  return split;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


def offline_page(browser, site):
    """A phone-sized tab that may load files from the site folder only, and the list of everything else it did."""
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    problems = []
    inside = site.resolve().as_uri() + "/"

    def route(request_route):
        url = request_route.request.url
        if url.startswith(inside):
            request_route.continue_()
        else:
            problems.append(f"asked for {url[:100]}")
            request_route.abort()

    context.route("**/*", route)
    tab.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("requestfailed", lambda request: problems.append(f"failed: {request.url[:100]}"))
    return tab, problems


def test_every_page_works_offline_from_disk_and_reads_well_on_a_phone(site, browser):
    pages = ["index.html"] + sorted(p.name for p in site.glob("[0-9][0-9]*_*.html"))  # Going further pages too
    pages += ["glossary.html", "data.html", "sources.html", "toolbox.html"]
    assert len(pages) >= 13
    tab, problems = offline_page(browser, site)
    for name in pages:
        problems.clear()
        tab.goto((site / name).as_uri())
        assert problems == [], f"{name} opened offline from disk: {problems}"

        assert tab.evaluate("getComputedStyle(document.body).fontSize") == "16px", name
        prose = tab.locator("main :is(p, li, td)").first
        assert prose.evaluate("text => getComputedStyle(text).fontSize") == "16px", name
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} scrolls sideways"
        cut = tab.evaluate(CUT_OFF)
        assert cut == [], f"{name} at {PHONE['width']} px: {cut[:5]}"

        for description in tab.locator("pre", has_text="Text description:").all():
            split = description.evaluate(SPLIT_WORDS)
            assert split == [], f"{name}: a chart description breaks words across lines: {split[:5]}"
    tab.context.close()


def test_lesson_02_on_a_phone_scrolls_its_code_and_its_map_in_their_own_boxes(site, browser):
    tab, problems = offline_page(browser, site)
    tab.goto((site / "02_how_we_got_here.html").as_uri())
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "site_02_phone_top.png"))

    code = tab.locator(".jp-InputArea pre")
    assert code.count() >= 10
    wide = [block for block in code.all() if block.evaluate("pre => pre.scrollWidth > pre.clientWidth")]
    assert wide, "lesson 02 has code lines longer than a phone is wide"
    for block in wide:
        box = block.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert block.evaluate("pre => (pre.scrollLeft = 80, pre.scrollLeft) > 0"), "the code block scrolls sideways"

    place_map = tab.locator("img.course-chart[alt^='Map of Iraq']")
    assert place_map.count() == 1
    place_map.scroll_into_view_if_needed()
    assert place_map.evaluate("img => img.complete && img.naturalWidth > 0")
    assert place_map.bounding_box()["width"] >= MAP_MIN_WIDTH, "the map is drawn too small to read its labels"
    figure = place_map.locator("xpath=..")
    figure_box = figure.bounding_box()
    assert figure_box["x"] + figure_box["width"] <= PHONE["width"], "the map scrolls inside its own box"
    hint = figure.locator("xpath=following-sibling::p[1]")
    assert hint.is_visible() and "Swipe the chart sideways" in hint.inner_text(), "the phone reader is told to swipe"
    figure.evaluate("box => box.scrollIntoView({block: 'start'})")
    tab.screenshot(path=str(ARTIFACTS / "site_02_phone_map.png"))
    figure.evaluate("box => box.scrollLeft = box.scrollWidth")
    tab.screenshot(path=str(ARTIFACTS / "site_02_phone_map_scrolled.png"))
    assert problems == []
    tab.context.close()


def start_here_questions() -> dict:
    import yaml

    from twopowers.data import quiz_path

    return {q["type"]: q for q in yaml.safe_load(quiz_path("00_start_here").read_text(encoding="utf-8"))["questions"]}


def test_a_quiz_on_the_site_marks_a_wrong_then_a_right_answer_and_keeps_it_after_a_reload(site, browser):
    """No kernel and no network: the page marks the answer, says where to look, and the browser keeps it."""
    q = start_here_questions()["single"]
    right = next(o["text"] for o in q["options"] if o.get("correct"))
    wrong = next(o["text"] for o in q["options"] if not o.get("correct"))
    tab, problems = offline_page(browser, site)
    tab.goto((site / "00_start_here.html").as_uri())
    question = tab.locator(".quiz-question", has_text=q["prompt"][:40]).first
    question.get_by_label(wrong, exact=True).check()
    question.locator(".quiz-check").click()
    feedback = question.locator(".quiz-feedback")
    assert question.get_attribute("data-status") == "wrong"
    assert feedback.inner_text().startswith("✗ Not right yet.") and "Try again." in feedback.inner_text()
    question.get_by_label(right, exact=True).check()
    question.locator(".quiz-check").click()
    assert question.get_attribute("data-status") == "correct" and "Right." in feedback.inner_text()
    assert q["explanation"][:30] in feedback.inner_text()

    tab.reload()
    question = tab.locator(".quiz-question", has_text=q["prompt"][:40]).first
    assert question.get_attribute("data-status") == "correct"
    assert "Your saved answer is shown (after 2 tries)" in question.locator(".quiz-feedback").inner_text()
    assert question.get_by_label(right, exact=True).is_checked()
    assert problems == []
    tab.context.close()


def test_every_kind_of_question_on_the_site_can_be_answered_with_the_keyboard_alone(site, browser):
    from tests.test_browser import EVERY_KIND, answer_every_kind_by_keyboard

    tab, problems = offline_page(browser, site)
    tab.goto((site / "00_start_here.html").as_uri())
    assert answer_every_kind_by_keyboard(tab) == EVERY_KIND
    assert "Score: 6 of 6 correct" in tab.locator(".quiz-score").first.inner_text()
    assert problems == []
    tab.context.close()


@pytest.mark.parametrize("name", ["index.html", "00_start_here.html", "02_how_we_got_here.html", "sources.html"])
def test_site_pages_have_no_serious_accessibility_violations(site, browser, name):
    """axe-core on the page's own content (quizzes with feedback showing, the export form), not the nav alone."""
    from tests.test_browser import serious_violations

    tab, problems = offline_page(browser, site)
    tab.goto((site / name).as_uri())
    for question in tab.locator(".quiz-question").all()[:3]:  # feedback of each kind on the page: unchecked
        question.locator(".quiz-check").click()
    assert serious_violations(tab, "body") == []
    assert problems == []
    tab.context.close()


def test_answers_exported_from_the_site_are_read_by_the_instructor_tools(site, browser, tmp_path):
    """A learner answers on two lessons' pages and exports once: the class tally and the progress table read it."""
    import shutil

    from twopowers.progress import ProgressStore, progress_table
    from twopowers.teach.tally import class_tally

    q = start_here_questions()["single"]
    right = next(o["text"] for o in q["options"] if o.get("correct"))
    tab, problems = offline_page(browser, site)
    tab.goto((site / "00_start_here.html").as_uri())
    question = tab.locator(".quiz-question", has_text=q["prompt"][:40]).first
    question.get_by_label(right, exact=True).check()
    question.locator(".quiz-check").click()
    tab.goto((site / "02_how_we_got_here.html").as_uri())
    other = tab.locator(".quiz-question").first
    other.locator("input").first.check()
    other.locator(".quiz-check").click()

    form = tab.locator("form.quiz-export")
    form.locator("button").click()  # no name yet: the learner is asked for one, nothing is saved
    assert "Type your name first" in form.locator(".quiz-export-status").inner_text()
    form.get_by_label("Your name").fill("Sara K.")
    with tab.expect_download() as download:
        form.locator("button").click()
    assert download.value.suggested_filename == "my-progress-sara-k.json"
    handed_in = tmp_path / "class"
    handed_in.mkdir()
    download.value.save_as(handed_in / download.value.suggested_filename)
    assert "my-progress-sara-k.json" in form.locator(".quiz-export-status").inner_text()
    assert problems == []
    tab.context.close()

    tally = class_tally(handed_in)
    assert (tally.files_read, tally.problems) == (1, [])
    rows = tally.quizzes.set_index("lesson")
    assert rows.loc["00_start_here", "correct"] == 1 and rows.loc["00_start_here", "learner"] == "Sara K."
    assert rows.loc["02_how_we_got_here", "answered"] == 1

    store = ProgressStore(tmp_path / "record")  # the export, loaded as a learner's progress record
    store.directory.mkdir(parents=True)
    shutil.copy(handed_in / "my-progress-sara-k.json", store.path)
    table = progress_table(store).set_index("lesson")
    assert (table.loc["00_start_here", "answered"], table.loc["00_start_here", "correct"]) == (1, 1)
