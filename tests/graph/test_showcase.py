"""Showcase editing: update semantics, validation of hostile values, and the YAML file workflow."""

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry import UNSET

from db.data_version import read_data_version
from db.showcase import Showcase
from graph.schema.showcase import (
    ImportResult,
    ShowcaseEntry,
    ShowcaseError,
    export_showcase,
    import_showcase,
    update_showcase,
)

Sessions = async_sessionmaker[AsyncSession]


async def update(sessionmaker: Sessions, owner: str, name: str, **changes: object) -> Showcase:
    async with sessionmaker() as session, session.begin():
        return await update_showcase(session, owner, name, changes)


async def rows(sessionmaker: Sessions) -> list[dict[str, object]]:
    async with sessionmaker() as session:
        found = (await session.scalars(select(Showcase).order_by(Showcase.key))).all()
        return [
            {c: getattr(row, c) for c in ("key", "owner", "name", "featured", "hidden", "position", "summary")}
            | {"demo_url": row.demo_url, "image_url": row.image_url, "video_url": row.video_url}
            for row in found
        ]


async def data_version(sessionmaker: Sessions) -> int:
    async with sessionmaker() as session:
        return await read_data_version(session)


async def test_update_creates_curation_for_a_repository_not_in_the_cache(sessionmaker: Sessions) -> None:
    """An update for an unknown repository is stored under lower(owner/name) and bumps the data version."""
    before = await data_version(sessionmaker)
    row = await update(sessionmaker, "Octo", "Hello-World", featured=True, demo_url="https://demo.example/")
    assert row.key == "octo/hello-world"
    assert (row.featured, row.demo_url, row.hidden, row.summary) == (True, "https://demo.example/", False, None)
    assert row.updated_at is not None
    assert await data_version(sessionmaker) == before + 1
    assert [r["key"] for r in await rows(sessionmaker)] == ["octo/hello-world"]


async def test_omitted_fields_keep_and_null_clears(sessionmaker: Sessions) -> None:
    """A field left out keeps its value; None clears it, and a cleared featured/hidden is False."""
    await update(
        sessionmaker,
        "octo",
        "site",
        featured=True,
        hidden=True,
        position=3,
        summary="Hi",
        video_url="https://v.example",
    )
    row = await update(sessionmaker, "octo", "site", summary="New")
    assert (row.featured, row.hidden, row.position, row.summary, row.video_url) == (
        True,
        True,
        3,
        "New",
        "https://v.example",
    )
    row = await update(sessionmaker, "octo", "site", featured=None, hidden=None, position=None, video_url=None)
    assert (row.featured, row.hidden, row.position, row.summary, row.video_url) == (False, False, None, "New", None)


async def test_api_names_and_unset_are_accepted(sessionmaker: Sessions) -> None:
    """`demoUrl` works like `demo_url`, and strawberry.UNSET means left out."""
    await update(sessionmaker, "octo", "site", summary="kept")
    async with sessionmaker() as session, session.begin():
        row = await update_showcase(
            session, "octo", "site", {"demoUrl": "https://d.example", "imageUrl": UNSET, "summary": UNSET}
        )
    assert (row.demo_url, row.image_url, row.summary) == ("https://d.example", None, "kept")


async def test_the_key_ignores_case(sessionmaker: Sessions) -> None:
    """Octo/Site and octo/site are the same repository; the latest spelling is kept."""
    await update(sessionmaker, "Octo", "Site", position=1)
    await update(sessionmaker, "octo", "site", position=2)
    (row,) = await rows(sessionmaker)
    assert (row["key"], row["owner"], row["name"], row["position"]) == ("octo/site", "octo", "site", 2)


async def test_an_update_that_changes_nothing_keeps_the_data_version(sessionmaker: Sessions) -> None:
    """Setting the values a row already has writes nothing."""
    await update(sessionmaker, "octo", "site", featured=True)
    before = await data_version(sessionmaker)
    row = await update(sessionmaker, "octo", "site", featured=True)
    assert row.featured is True
    await update(sessionmaker, "octo", "other", featured=False)  # all defaults: nothing to store
    assert await data_version(sessionmaker) == before
    assert [r["key"] for r in await rows(sessionmaker)] == ["octo/site"]


HOSTILE_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://files.example/x",
    "/relative/path",
    "relative.example/path",
    "//evil.example/x",
    "https:evil.example",
    "https:/evil.example",
    "http://",
    "https://",
    " https://space.example",
    "https://space.example ",
    "https://spa ce.example",
    "https://x.example/\n",
    "https://x.example/\u202egpj.exe",
    "https://x.example/\u200b",
    "https://trusted.example\\@evil.example",
    "https://trusted.example@evil.example",
    "https://user:password@x.example",
    "https://x.example:99999",
    "https://x.example:port",
    "https://[::1",
    "",
    "https://long.example/" + "a" * 2_000,
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
async def test_a_bad_url_is_refused_and_nothing_is_written(sessionmaker: Sessions, url: str) -> None:
    """Only absolute http(s) URLs are stored; anything else names the field and leaves the row as it was."""
    await update(sessionmaker, "octo", "site", demo_url="https://ok.example", summary="before")
    before, version = await rows(sessionmaker), await data_version(sessionmaker)
    with pytest.raises(ShowcaseError) as refused:
        await update(sessionmaker, "octo", "site", summary="after", image_url=url)
    assert refused.value.field == "imageUrl"
    assert str(refused.value).startswith("imageUrl: ")
    assert await rows(sessionmaker) == before
    assert await data_version(sessionmaker) == version


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "http://localhost:3000/demo?x=1&y=2#top",
        "HTTPS://EXAMPLE.COM/Path",
        "https://bücher.example/straße?q=日本",
        "https://[2001:db8::1]:8443/x",
        "https://long.example/" + "a" * (2_000 - len("https://long.example/")),
    ],
)
async def test_absolute_http_urls_are_stored_as_given(sessionmaker: Sessions, url: str) -> None:
    """http and https URLs, unicode included, up to 2,000 characters, are stored unchanged."""
    row = await update(sessionmaker, "octo", "site", video_url=url)
    assert row.video_url == url


async def test_unicode_and_long_summaries(sessionmaker: Sessions) -> None:
    """A summary may hold any text up to 2,000 characters; beyond, or with control characters, it is refused."""
    text = "Портфолио 🚀 日本語のテキスト — ünïcödé\nsecond line\tand a tab"
    assert (await update(sessionmaker, "octo", "site", summary=text)).summary == text
    longest = "é" * 2_000
    assert (await update(sessionmaker, "octo", "site", summary=longest)).summary == longest
    for bad in ("é" * 2_001, "nul\x00byte", "bell\x07"):
        with pytest.raises(ShowcaseError, match="^summary: "):
            await update(sessionmaker, "octo", "site", summary=bad)
    assert (await rows(sessionmaker))[0]["summary"] == longest


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"featured": "yes"}, "featured"),
        ({"position": "3"}, "position"),
        ({"position": 2**31}, "position"),
        ({"summary": 42}, "summary"),
        ({"homepage": "https://x.example"}, "homepage"),
        ({"owner": "someone-else"}, "owner"),
    ],
)
async def test_wrong_types_and_unknown_fields_are_refused(
    sessionmaker: Sessions, changes: dict[str, object], field: str
) -> None:
    """Values are taken as they are typed, never coerced; unknown fields are refused by name."""
    with pytest.raises(ShowcaseError) as refused:
        async with sessionmaker() as session, session.begin():
            await update_showcase(session, "octo", "site", changes)
    assert refused.value.field == field
    assert await rows(sessionmaker) == []


@pytest.mark.parametrize(("owner", "name"), [("../etc", "passwd"), ("octo", "a/b"), ("", "x"), ("octo", "..")])
async def test_bad_owner_or_name_is_refused(sessionmaker: Sessions, owner: str, name: str) -> None:
    """owner and name must look like a GitHub login and repository name."""
    with pytest.raises(ShowcaseError):
        await update(sessionmaker, owner, name, featured=True)
    assert await rows(sessionmaker) == []


async def seed(sessionmaker: Sessions) -> None:
    await update(sessionmaker, "octo", "zeta", featured=True, position=2, demo_url="https://zeta.example")
    await update(sessionmaker, "Octo", "Alpha", featured=True, position=1, summary="Première ligne\nDeuxième 🚀")
    await update(sessionmaker, "octo", "secret", hidden=True)
    await update(sessionmaker, "octo", "plain", featured=True)
    await update(sessionmaker, "octo", "plain", featured=False)  # back at every default


async def test_export_lists_non_default_fields_in_a_stable_order(sessionmaker: Sessions) -> None:
    """Entries sorted by owner/name, only non-default fields, API field names, unicode kept."""
    await seed(sessionmaker)
    async with sessionmaker() as session:
        text = await export_showcase(session)
    assert "🚀" in text
    assert yaml.safe_load(text) == [
        {"owner": "Octo", "name": "Alpha", "featured": True, "position": 1, "summary": "Première ligne\nDeuxième 🚀"},
        {"owner": "octo", "name": "secret", "hidden": True},
        {"owner": "octo", "name": "zeta", "featured": True, "position": 2, "demoUrl": "https://zeta.example"},
    ]


async def test_export_then_import_round_trips(sessionmaker: Sessions, tmp_path: object) -> None:
    """A file exported from one database and imported into an empty one recreates the same data."""
    await seed(sessionmaker)
    async with sessionmaker() as session:
        text = await export_showcase(session)
    async with sessionmaker() as session, session.begin():
        await session.execute(Showcase.__table__.delete())
    result = await import_showcase(sessionmaker, text)
    assert result == ImportResult(created=3, updated=0, unchanged=0)
    async with sessionmaker() as session:
        assert await export_showcase(session) == text


async def test_importing_the_same_file_twice_changes_nothing(sessionmaker: Sessions) -> None:
    """The second import writes nothing and leaves the data version alone."""
    text = yaml.safe_dump(
        [
            {"owner": "octo", "name": "a", "featured": True, "summary": "ünïcödé"},
            {"owner": "octo", "name": "b", "demoUrl": "https://b.example"},
        ],
        allow_unicode=True,
    )
    assert await import_showcase(sessionmaker, text) == ImportResult(created=2, updated=0, unchanged=0)
    before, version = await rows(sessionmaker), await data_version(sessionmaker)
    assert await import_showcase(sessionmaker, text) == ImportResult(created=0, updated=0, unchanged=2)
    assert await rows(sessionmaker) == before
    assert await data_version(sessionmaker) == version


async def test_an_import_replaces_each_entry_and_leaves_others_alone(sessionmaker: Sessions) -> None:
    """A field missing from an entry returns to its default; repositories not in the file keep their data."""
    await update(sessionmaker, "octo", "a", featured=True, summary="old", demo_url="https://a.example")
    await update(sessionmaker, "octo", "untouched", hidden=True)
    version = await data_version(sessionmaker)
    result = await import_showcase(sessionmaker, "- owner: octo\n  name: a\n  summary: new\n")
    assert result == ImportResult(created=0, updated=1, unchanged=0)
    assert await data_version(sessionmaker) == version + 1
    a, untouched = await rows(sessionmaker)
    assert (a["featured"], a["summary"], a["demo_url"]) == (False, "new", None)
    assert untouched["hidden"] is True


async def test_one_bad_url_among_good_entries_writes_nothing(sessionmaker: Sessions) -> None:
    """The whole file is validated first: one javascript: URL refuses the file, naming the entry and field."""
    text = """
- owner: octo
  name: good-one
  featured: true
- owner: octo
  name: evil
  demoUrl: "javascript:alert(document.cookie)"
- owner: octo
  name: good-two
  summary: fine
"""
    version = await data_version(sessionmaker)
    with pytest.raises(ShowcaseError) as refused:
        await import_showcase(sessionmaker, text)
    assert str(refused.value) == "entry 2 (octo/evil): demoUrl: must be an absolute http or https URL"
    assert await rows(sessionmaker) == []
    assert await data_version(sessionmaker) == version


async def test_every_bad_entry_is_named(sessionmaker: Sessions) -> None:
    """All problems of a file are reported at once, one line each."""
    text = yaml.safe_dump(
        [
            {"owner": "octo", "name": "a", "imageUrl": "ftp://x.example"},
            "not a mapping",
            {"owner": "octo", "name": "b", "featured": "sure", "colour": "red"},
            {"owner": "octo", "name": "A"},
            {"name": "orphan"},
        ]
    )
    with pytest.raises(ShowcaseError) as refused:
        await import_showcase(sessionmaker, text)
    assert str(refused.value).splitlines() == [
        "entry 1 (octo/a): imageUrl: must be an absolute http or https URL",
        "entry 2: entry: must be a mapping with owner and name",
        "entry 3 (octo/b): featured: Input should be a valid boolean",
        "entry 3 (octo/b): colour: is not a showcase field",
        "entry 5: owner: Field required",
    ]


async def test_a_repeated_repository_is_refused(sessionmaker: Sessions) -> None:
    """Two entries for one repository (in any case) are ambiguous."""
    with pytest.raises(ShowcaseError, match=r"entry 2 \(Octo/A\): name: repeats entry 1 \(octo/a\)"):
        await import_showcase(sessionmaker, "- {owner: octo, name: a}\n- {owner: Octo, name: A}\n")


@pytest.mark.parametrize(
    ("text", "reason"),
    [("- owner: [unclosed\n", "is not valid YAML"), ("owner: octo\nname: a\n", "must be a YAML list")],
)
async def test_a_malformed_file_is_refused(sessionmaker: Sessions, text: str, reason: str) -> None:
    """Broken YAML or a file that isn't a list is refused before anything else."""
    with pytest.raises(ShowcaseError, match=f"^file: {reason}"):
        await import_showcase(sessionmaker, text)


async def test_an_empty_file_imports_nothing(sessionmaker: Sessions) -> None:
    """An empty file (or `[]`) is valid and changes nothing."""
    assert await import_showcase(sessionmaker, "") == ImportResult(created=0, updated=0, unchanged=0)
    assert await import_showcase(sessionmaker, "[]\n") == ImportResult(created=0, updated=0, unchanged=0)
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Showcase)) == 0


def test_entries_validate_with_either_spelling() -> None:
    """ShowcaseEntry accepts the API's camelCase and the Python names."""
    assert ShowcaseEntry.model_validate({"owner": "o", "name": "n", "demoUrl": "https://x.example"}).demo_url
    assert ShowcaseEntry(owner="o", name="n", demo_url="https://x.example").key == "o/n"
