"""The static site in headless Chromium: opened from disk with the network blocked, and read on a 390 px phone.

Every page must load with no console error and ask for nothing outside the site folder. On the phone, text is
16 px, the page never scrolls sideways, and nothing runs off its edge: code and tables scroll inside their own
box, chart descriptions wrap between words, and the locator map stays wide enough to read (its box scrolls).
A screenshot of lesson 02 goes to test-artifacts/. Without Chromium the test is skipped; under CI it must run.
"""
import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM_FLAGS, chromium_or_skip
from twopowers.site import build

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
