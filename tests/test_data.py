"""The data package: valid, every fact sourced, and faithful to the article where it describes it."""
import re
from pathlib import Path

import pytest

from twopowers.data import CourseError, describe_table, package, table, table_names

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT.parent / "shared" / "seed" / "000_56b6d714b9aac142.txt"
SKIPPED_LINES = {"Islamic State", "Firepower and Clout", "Economic Embargo", "unnamed (1)a", "Source link"}
# the list of sources itself, the course's own summaries, the article's own words (checked against it below),
# and the hosts the course never cites
NOT_FACTUAL = {"sources", "article_paragraphs", "quotes", "blocked_hosts"}
FACTUAL = [name for name in table_names() if name not in NOT_FACTUAL]
needs_article = pytest.mark.skipif(not ARTICLE.exists(), reason=(
    "the article is not part of this repository (it is not ours to redistribute); these checks run where it "
    "lies beside the repository, in ../shared/seed/, as in CI"))


def article_paragraphs() -> dict[int, str]:
    """The article's body paragraphs, numbered as the course numbers them (see data/README.md)."""
    lines = [line.strip() for line in ARTICLE.read_text(encoding="utf-8").splitlines()]
    body = [line for line in lines if line and not line.startswith("By ") and line not in SKIPPED_LINES]
    return dict(enumerate(body, start=1))


def words(text: str) -> int:
    return len(text.split())


def test_frictionless_validates_the_package_with_its_foreign_keys():
    from frictionless import Package

    report = Package(str(ROOT / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_table_listed_in_the_package_loads_with_types():
    for name in table_names():
        assert len(table(name)) > 0, name
    actors = table("actors")
    assert str(actors["stance"].dtype) == "category"
    assert isinstance(actors.loc[0, "source_ids"], list)
    assert str(table("quotes")["paragraph"].dtype) == "Int64"
    assert str(table("sources")["date"].dtype).startswith("datetime64")


def test_a_wrong_table_name_is_explained():
    with pytest.raises(CourseError, match="The tables are: sources"):
        table("actor")
    assert "meaning" in describe_table("actors").columns


@pytest.mark.parametrize("name", FACTUAL)
def test_every_factual_row_names_its_sources_and_a_short_supporting_quote(name):
    known = set(table("sources")["source_id"])
    for _, row in table(name).iterrows():
        where = f"{name} row {row.iloc[0]}"
        assert row["source_ids"], f"{where}: no source"
        assert set(row["source_ids"]) <= known, f"{where}: unknown source {set(row['source_ids']) - known}"
        evidence = row["evidence"]
        if row["source_ids"][0] == "article":
            assert re.fullmatch(r"¶([1-9]|1\d|2[0-3])", evidence), f"{where}: cite the ¶, do not quote the article"
        else:
            assert evidence and words(evidence) < 25, f"{where}: evidence must be a quote under 25 words"


def test_actor_ids_named_in_lists_exist():
    actors = set(table("actors")["actor_id"])
    for speakers in table("article_paragraphs")["speakers"]:
        assert set(speakers) <= actors


def test_every_paragraph_is_summarised_once_in_at_most_40_words():
    paragraphs = table("article_paragraphs")
    assert sorted(paragraphs["paragraph"]) == list(range(1, 24))
    for _, row in paragraphs.iterrows():
        assert words(row["summary"]) <= 40, f"¶{row['paragraph']} summary is too long"


def test_the_package_says_as_of_when_and_under_which_licence():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", package()["x-as-of"])
    assert package()["licenses"][0]["name"] == "CC-BY-4.0"


def test_data_readme_explains_tables_corrections_and_disagreements():
    text = (ROOT / "data" / "README.md").read_text()
    for name in table_names():
        assert f"`{name}`" in text, f"data/README.md does not describe {name}"
    for heading in ("## Paragraph numbers", "## When sources disagree", "## Report or correct an error"):
        assert heading in text


@needs_article
def test_the_paragraph_count_matches_the_article():
    assert len(article_paragraphs()) == 23


@needs_article
def test_quotes_are_word_for_word_and_every_quoted_span_is_listed_once():
    paragraphs = article_paragraphs()
    quotes = table("quotes")
    assert quotes["span_count"].sum() == 17
    listed = []
    for _, row in quotes.iterrows():
        spans = [s.strip() for s in row["words"].split("…")]
        assert len(spans) == row["span_count"], row["quote_id"]
        for span in spans:
            assert span in paragraphs[row["paragraph"]], f"{row['quote_id']}: not in ¶{row['paragraph']}: {span}"
        listed += spans
    in_article = [s.strip() for text in paragraphs.values() for s in re.findall(r"“([^”]*)”", text)]
    assert len(in_article) == 17
    for span in in_article:
        assert sum(1 for s in listed if s == span) == 1, f"quoted span not listed exactly once: {span}"


@needs_article
def test_each_speaker_is_quoted_in_the_paragraph_the_summaries_say():
    paragraphs = table("article_paragraphs").set_index("paragraph")
    for _, row in table("quotes").iterrows():
        if row["speaker"] != "us-military-letter":
            assert row["speaker"] in paragraphs.loc[row["paragraph"], "speakers"], row["quote_id"]


MINIMUM_ROWS = {"article_paragraphs": 23, "quotes": 11, "statements": 15, "glossary": 40, "timeline": 45,
                "parliament_2018": 10, "vote_2020": 10, "us_troops": 21, "us_military_deaths": 3, "war_costs": 5}


@pytest.mark.parametrize("name", sorted(MINIMUM_ROWS))
def test_each_table_has_at_least_its_minimum_contents(name):
    assert name in table_names(), f"data/datapackage.json has no table {name}"
    assert len(table(name)) >= MINIMUM_ROWS[name]


def test_the_actors_include_those_the_article_implies():
    ids = set(table("actors")["actor_id"])
    assert {"abu-mahdi-al-muhandis", "kataib-hezbollah", "quds-force-irgc", "muqtada-al-sadr", "sairoon",
            "kurdistan-democratic-party", "popular-mobilization-forces", "tishreen-protesters"} <= ids


def test_every_source_is_used_by_some_row():
    used = {"article"}
    for name in FACTUAL:
        for ids in table(name)["source_ids"]:
            used |= set(ids)
    unused = set(table("sources")["source_id"]) - used
    assert not unused, f"sources no row cites: {sorted(unused)}"


def test_no_source_is_on_a_mirror_or_copy_site():
    """Mirror and copy sites (data/blocked_hosts.csv says why each) are never a source: cite the publisher's own
    page, or an encyclopedia's own dated permalink."""
    from urllib.parse import urlparse

    hosts = list(table("blocked_hosts")["host"])
    assert len(hosts) >= 20 and all(table("blocked_hosts")["why"])
    on_mirrors = [(row.source_id, host) for row in table("sources").itertuples()
                  for host in hosts if host in urlparse(row.url).netloc.lower()]
    assert not on_mirrors, on_mirrors


def _resting_on(ids, *kinds) -> bool:
    """True when every source a row or question cites (other than the article itself) is of the given kinds."""
    kind = dict(zip(table("sources")["source_id"], table("sources")["kind"]))
    others = [i for i in ids if i != "article"]
    return bool(others) and all(kind[i] in kinds for i in others)


@pytest.mark.parametrize("name", FACTUAL)
def test_no_fact_row_rests_on_weak_sources_alone(name):
    """A blog, an opinion page or an aggregator may back up a fact, never carry it alone (data/README.md)."""
    weak_only = [row.iloc[0] for _, row in table(name).iterrows() if _resting_on(row["source_ids"], "weak")]
    assert not weak_only, f"{name}: rows whose only sources are weak: {weak_only}"


def test_no_quiz_question_rests_on_an_encyclopedia_or_weak_source_alone():
    """An encyclopedia may give context but is never the only source of a fact a quiz rests on."""
    from twopowers.data import lessons_with_quizzes, quiz_path
    from twopowers.questions import load_quiz_file

    thin = [(lesson, q.id) for lesson in lessons_with_quizzes() for q in load_quiz_file(quiz_path(lesson)).questions
            if _resting_on(q.sources, "weak", "encyclopedia")]
    assert not thin, f"questions whose only sources are encyclopedias or weak sites: {thin}"


def test_glossary_definitions_are_short_and_statements_quote_briefly():
    assert all(words(d) <= 40 for d in table("glossary")["definition"])
    statements = table("statements")
    quoted = statements[statements["text_kind"] == "quotation"]["text"]
    assert all(words(t) < 30 for t in quoted)
    assert statements["speaker"].nunique() >= 10, "each side should speak in its own words"


def test_us_troops_cover_every_year_from_2003_to_2023_and_flag_estimates():
    troops = table("us_troops")
    assert set(range(2003, 2024)) <= set(troops["year"])
    caps = troops[troops["as_of"].str.contains("cap")]
    assert caps["estimate"].all(), "announced caps are not counts"


def test_sources_that_disagree_are_kept_side_by_side():
    vote = table("vote_2020")
    assert vote.query("aspect == 'members_present'")["value"].nunique() > 1
    assert vote.query("aspect == 'total_seats'")["value"].nunique() > 1
    assert (table("article_claims")["verdict"] == "differs").any()


OWN_WORDS = {"actors": ["role_jan2020", "stance_reason"], "article_claims": ["claim", "note"], "statements": ["context"],
             "glossary": ["definition"], "timeline": ["event"], "parliament_2018": ["main_constituency", "note"],
             "us_troops": ["as_of", "note"], "us_military_deaths": ["note"], "war_costs": ["what_is_counted", "note"],
             "iraqi_civilian_deaths": ["what_is_counted", "note"], "opinion_surveys": ["cannot_tell", "note"]}


@pytest.mark.parametrize("name", sorted(OWN_WORDS))
def test_own_words_columns_do_not_copy_their_sources_sentences(name, n=10):
    """Copy facts, never sentences: a row's own text shares no run of 10 words with its evidence quote."""
    def tokens(text):
        return re.findall(r"[a-z0-9']+", (text if isinstance(text, str) else "").lower())

    for _, row in table(name).iterrows():
        quote = tokens(row["evidence"])
        runs = {tuple(quote[i:i + n]) for i in range(len(quote) - n + 1)}
        for column in OWN_WORDS[name]:
            text = tokens(row[column])
            copied = [i for i in range(len(text) - n + 1) if tuple(text[i:i + n]) in runs]
            assert not copied, f"{name} {row.iloc[0]} {column} copies its source: {' '.join(text[copied[0]:][:n])}"


def test_each_disputed_stance_is_another_valid_coding_of_the_quote():
    """quotes.stance is the course's one coding; stance_disputed, where filled, is a different valid stance."""
    fields = next(r for r in package()["resources"] if r["name"] == "quotes")["schema"]["fields"]
    stances = set(next(f for f in fields if f["name"] == "stance")["constraints"]["enum"])
    quotes = table("quotes")
    disputed = quotes[quotes["stance_disputed"].notna()]
    assert len(disputed) >= 2, "the quotes lessons 05 and 07 read differently (q02, q09) record their other coding"
    for _, row in disputed.iterrows():
        assert row["stance_disputed"] in stances, f"{row['quote_id']}: {row['stance_disputed']!r} is not a stance"
        assert row["stance_disputed"] != row["stance"], f"{row['quote_id']}: the other coding repeats stance"


# the stance a quotation must show for the argument map to use it for a position
POSITION_STANCE = {"expel-now": "leave", "keep-coalition": "stay", "neither-power": "neither-power",
                   "symbolic-vote": "unclear"}


def test_the_argument_map_reads_each_quote_by_its_one_coding_or_its_recorded_other_coding():
    """A quote the map uses for a position shows that position's stance in quotes, in stance or stance_disputed,
    so no lesson can count the room each side gets with a coding that data/ does not hold."""
    quotes = table("quotes").set_index("quote_id")
    for _, row in table("arguments").explode("quote_ids").dropna(subset=["quote_ids"]).iterrows():
        if not row["quote_ids"].startswith("q"):
            continue
        quote = quotes.loc[row["quote_ids"]]
        wanted = POSITION_STANCE[row["position"]]
        assert wanted in (quote["stance"], quote["stance_disputed"]), (
            f"{row['argument_id']} ({row['position']}) uses {row['quote_ids']}, coded {quote['stance']!r}: "
            f"record {wanted!r} in its stance_disputed or change the map")


# The labels some lessons group by, stored once in data/ so that no lesson derives them from text on its own.
def test_each_troop_figure_kind_agrees_with_what_its_as_of_says():
    for _, row in table("us_troops").iterrows():
        text = row["as_of"]
        expected = ("announced cap" if "cap" in text else "peak" if "peak" in text
                    else "yearly average" if "average" in text else "count or other")
        assert row["kind"] == expected, f"{row['year']} {text!r}: kind {row['kind']!r}, but as_of says {expected!r}"


def test_each_list_has_the_community_label_its_main_constituency_gives_and_nothing_else_has_one():
    for _, row in table("parliament_2018").iterrows():
        if row["kind"] != "list":
            assert row["community"] is None or row["community"] != row["community"], f"{row['row_id']} is not a list"
            continue
        text = row["main_constituency"]
        expected = ("Sunni Arab" if "Sunni" in text else "Kurdish" if "Kurdish" in text
                    else "Shia" if "Shia" in text else "other or unclear")
        assert row["community"] == expected, f"{row['row_id']}: community {row['community']!r}, expected {expected!r}"


def test_actors_outside_the_debate_are_exactly_those_whose_stance_reason_says_so():
    actors = table("actors")
    outside = actors[~actors["in_debate"]]
    assert set(outside["actor_id"]) == set(actors[actors["stance_reason"].str.startswith("Not ")]["actor_id"])
    assert len(outside) == 15 and (outside["stance"] == "unclear").all()
