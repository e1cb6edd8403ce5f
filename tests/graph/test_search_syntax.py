"""What a user writes in a repository search means what GitHub means (graph/read/search_syntax.py)."""

from datetime import UTC, datetime

import pytest

from graph.read.search_syntax import (
    DEFAULT_FIELDS,
    Condition,
    Field,
    Forks,
    Kind,
    Range,
    RepositoryQuery,
    SearchSyntaxError,
    Sort,
    SortField,
    Word,
    parse,
)


def at(day: str, hour: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def only(*conditions: Condition, **more: object) -> RepositoryQuery:
    return RepositoryQuery(conditions=conditions, **more)  # type: ignore[arg-type]


MEANINGS = [
    # free words and phrases: case-insensitive, over name, description and topics without in:
    ("Hello", RepositoryQuery(words=(Word("hello"),))),
    ('"hello world" tool', RepositoryQuery(words=(Word("hello world"), Word("tool")))),
    ("hello NOT world", RepositoryQuery(words=(Word("hello"), Word("world", negated=True)))),
    ("hello AND world", RepositoryQuery(words=(Word("hello"), Word("world")))),
    # owners: user: and org: name the owner, case-insensitively
    ("user:OctoCat", only(Condition(Kind.OWNER, "octocat"))),
    ("org:acme", only(Condition(Kind.OWNER, "acme"))),
    ("-user:octocat", only(Condition(Kind.OWNER, "octocat", negated=True))),
    ("repo:Octocat/Hello", only(Condition(Kind.REPO, "octocat/hello"))),
    ("topic:Demo", only(Condition(Kind.TOPIC, "demo"))),
    ("-topic:demo", only(Condition(Kind.TOPIC, "demo", negated=True))),
    ("topics:>2", only(Condition(Kind.TOPICS, Range(low=2, low_inclusive=False)))),
    ("language:Python", only(Condition(Kind.LANGUAGE, "python"))),
    ('language:"Jupyter Notebook"', only(Condition(Kind.LANGUAGE, "jupyter notebook"))),
    ("-language:go", only(Condition(Kind.LANGUAGE, "go", negated=True))),
    # forks: excluded by default, as on GitHub
    ("fork:true", RepositoryQuery(forks=Forks.INCLUDE)),
    ("fork:only", RepositoryQuery(forks=Forks.ONLY)),
    ("-fork:only", RepositoryQuery(forks=Forks.EXCLUDE)),
    ("archived:true", only(Condition(Kind.ARCHIVED, True))),
    ("archived:false", only(Condition(Kind.ARCHIVED, False))),
    ("-archived:true", only(Condition(Kind.ARCHIVED, True, negated=True))),
    ("is:template", only(Condition(Kind.TEMPLATE, True))),
    ("-is:template", only(Condition(Kind.TEMPLATE, True, negated=True))),
    ("is:public", only(Condition(Kind.NOTHING, True, negated=True))),  # all cached repositories are public
    ("is:private", only(Condition(Kind.NOTHING, True))),
    # numbers: N, >N, >=N, <N, <=N, N..M, with * open
    ("stars:10", only(Condition(Kind.STARS, Range(10, 10)))),
    ("stars:>10", only(Condition(Kind.STARS, Range(low=10, low_inclusive=False)))),
    ("stars:>=10", only(Condition(Kind.STARS, Range(low=10)))),
    ("forks:<5", only(Condition(Kind.FORKS, Range(high=5, high_inclusive=False)))),
    ("forks:<=5", only(Condition(Kind.FORKS, Range(high=5)))),
    ("size:100..200", only(Condition(Kind.SIZE, Range(100, 200)))),
    ("stars:10..*", only(Condition(Kind.STARS, Range(low=10)))),
    ("stars:*..10", only(Condition(Kind.STARS, Range(high=10)))),
    ("-stars:>10", only(Condition(Kind.STARS, Range(low=10, low_inclusive=False), negated=True))),
    # dates are whole UTC days
    ("pushed:2020-01-05", only(Condition(Kind.PUSHED, Range(at("2020-01-05"), at("2020-01-06"), True, False)))),
    ("pushed:>2020-01-05", only(Condition(Kind.PUSHED, Range(low=at("2020-01-06"))))),
    ("pushed:>=2020-01-05", only(Condition(Kind.PUSHED, Range(low=at("2020-01-05"))))),
    ("created:<2020-01-05", only(Condition(Kind.CREATED, Range(high=at("2020-01-05"), high_inclusive=False)))),
    ("created:<=2020-01-05", only(Condition(Kind.CREATED, Range(high=at("2020-01-06"), high_inclusive=False)))),
    (
        "created:2020-01-01..2020-01-31",
        only(Condition(Kind.CREATED, Range(at("2020-01-01"), at("2020-02-01"), True, False))),
    ),
    ("created:2020-01-01..*", only(Condition(Kind.CREATED, Range(low=at("2020-01-01"))))),
    (
        "pushed:>2020-01-05T10:00:00Z",
        only(Condition(Kind.PUSHED, Range(low=at("2020-01-05", 10), low_inclusive=False))),
    ),
    ("pushed:>=2020-01-05T12:00:00+02:00", only(Condition(Kind.PUSHED, Range(low=at("2020-01-05", 10))))),
    # where words are looked for
    ("tool in:name", RepositoryQuery(words=(Word("tool"),), fields=frozenset({Field.NAME}))),
    (
        "tool in:name,description",
        RepositoryQuery(words=(Word("tool"),), fields=frozenset({Field.NAME, Field.DESCRIPTION})),
    ),
    ("tool in:topic", RepositoryQuery(words=(Word("tool"),), fields=frozenset({Field.TOPICS}))),
    # order
    ("sort:stars", RepositoryQuery(sort=Sort(SortField.STARS))),
    ("sort:forks-asc", RepositoryQuery(sort=Sort(SortField.FORKS, descending=False))),
    ("sort:updated-desc", RepositoryQuery(sort=Sort(SortField.UPDATED))),
    # combinations
    (
        "user:me fork:true project in:name sort:stars",
        RepositoryQuery(
            words=(Word("project"),),
            conditions=(Condition(Kind.OWNER, "me"),),
            fields=frozenset({Field.NAME}),
            forks=Forks.INCLUDE,
            sort=Sort(SortField.STARS),
        ),
    ),
]


@pytest.mark.parametrize(("text", "meaning"), MEANINGS, ids=[text for text, _ in MEANINGS])
def test_a_query_means_what_github_means(text: str, meaning: RepositoryQuery) -> None:
    assert parse(text) == meaning


def test_free_words_look_in_name_description_and_topics_without_in() -> None:
    assert parse("tool").fields == DEFAULT_FIELDS == {Field.NAME, Field.DESCRIPTION, Field.TOPICS}


ERRORS = [
    ("", "The search query is empty"),
    ("   ", "The search query is empty"),
    ("tool in:readme", "`in:readme` is not supported yet: README text is not cached (issue 13 adds it)"),
    ("in:body", "`in:body` is not supported"),
    ("license:mit", "The `license:` qualifier is not supported"),
    ("followers:>10", "The `followers:` qualifier is not supported"),
    ("stars:many", "`stars:many` is not supported"),
    ("stars:1..", "`stars:1..` is not a range"),
    ("size:>-1", "`size:>-1` is not supported"),
    ("pushed:yesterday", "`pushed:yesterday` is not supported"),
    ("pushed:2020-13-01", "`pushed:2020-13-01` is not supported"),
    ("pushed:>2020-01-05T10:00:00", "`pushed:>2020-01-05T10:00:00` is not supported"),  # no zone: ambiguous
    ("sort:name", "`sort:name` is not supported"),
    ("sort:stars-up", "`sort:stars-up` is not supported"),
    ("sort:stars sort:forks", "Only one `sort:` qualifier is supported"),
    ("fork:false", "`fork:false` is not supported"),
    ("archived:maybe", "`archived:maybe` is not supported"),
    ("is:sponsorable", "`is:sponsorable` is not supported"),
    ("repo:justname", "`repo:justname` is not supported"),
    ("user:not/a/login", "`user:not/a/login` is not a GitHub login"),
    ("topic:", "`topic:` needs a value"),
    ("a OR b", "`OR` is not supported"),
    ("NOT", "`NOT` must be followed by the word it excludes"),
    ("NOT topic:x", "negate a qualifier with a hyphen, `-topic:x`"),
    ('"open phrase', "A quoted phrase is not closed"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[text or "empty" for text, _ in ERRORS])
def test_what_the_cache_cannot_answer_is_named_in_the_error(text: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError) as raised:
        parse(text)
    assert message in str(raised.value)


def test_an_unsupported_qualifier_error_lists_the_supported_ones() -> None:
    with pytest.raises(SearchSyntaxError, match="Supported: user:, org:, repo:, topic:, topics:, language:"):
        parse("mirror:true")


@pytest.mark.parametrize(
    ("bounds", "inside", "outside"),
    [
        (Range(10, 10), [10], [9, 11, None]),
        (Range(low=10, low_inclusive=False), [11, 10**6], [10, 0]),
        (Range(high=5, high_inclusive=False), [0, 4], [5, 6]),
        (Range(100, 200), [100, 150, 200], [99, 201]),
    ],
)
def test_a_range_holds_exactly_its_bounds(bounds: Range, inside: list[int], outside: list[int | None]) -> None:
    assert [bounds.contains(v) for v in inside] == [True] * len(inside)
    assert [bounds.contains(v) for v in outside] == [False] * len(outside)
