import time
from collections import Counter
from statistics import mean

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.data_version import read_data_version
from db.models import Contributor, Language, Repository, RepositoryContributor, RepositoryLanguage
from db.showcase import Showcase
from graph.demo.generator import ANCHOR, DEMO_VIEWER, generate
from graph.demo.load import load_demo, load_rows
from sync.linguist import language_color

TABLES = (Contributor, Language, Repository, RepositoryLanguage, RepositoryContributor, Showcase)


async def _counts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessionmaker() as session:
        counts = {m.__tablename__: await session.scalar(select(func.count()).select_from(m)) or 0 for m in TABLES}
        counts["data_version"] = await read_data_version(session)
    return counts


async def test_load_demo_fills_an_empty_database(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """An empty database gets ~40 repositories with languages, shared contributors and a showcase."""
    before = await _counts(sessionmaker)
    assert await load_demo(sessionmaker) is True
    after = await _counts(sessionmaker)
    assert after["repository"] == 43  # 40, and 3 light records of outside repositories (graph/demo/contributed.py)
    assert after["data_version"] == before["data_version"] + 1
    async with sessionmaker() as session:
        owners = (await session.scalars(select(Contributor).where(Contributor.is_owner))).all()
        assert {(o.login, o.type) for o in owners} == {
            (DEMO_VIEWER, "User"),
            ("fictional-demo-labs", "Organization"),
        }
        viewer = next(o for o in owners if o.login == DEMO_VIEWER)
        assert viewer.name and viewer.bio and viewer.location and viewer.blog and viewer.created_at
        repositories = (await session.scalars(select(Repository))).all()
        with_languages = set(await session.scalars(select(RepositoryLanguage.repository_id)))
        assert len(with_languages) >= 35
        assert all(r.primary_language_id is not None for r in repositories if r.id in with_languages)
        links = (await session.execute(select(RepositoryContributor.contributor_id))).scalars().all()
        assert len(set(links)) >= 20
        assert Counter(links).most_common(2)[1][1] >= 5  # besides the viewer, someone works on many repositories
        assert {r.type for r in (await session.scalars(select(Contributor))).all()} == {
            "User",
            "Organization",
            "Bot",
        }
        assert sum(r.is_fork for r in repositories) >= 2 and sum(r.is_archived for r in repositories) >= 2
        assert any(r.is_template for r in repositories)
        featured = (await session.scalars(select(Showcase).order_by(Showcase.position))).all()
        assert [(s.featured, s.position) for s in featured] == [(True, 1), (True, 2), (True, 3), (False, 4)]
        assert {s.key for s in featured} <= {r.full_name_key for r in repositories}
        assert any(s.image_url for s in featured) and any(s.video_url for s in featured)


async def test_second_load_does_nothing(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Once the database holds repositories, load_demo returns False and changes no row or version."""
    assert await load_demo(sessionmaker) is True
    loaded = await _counts(sessionmaker)
    assert await load_demo(sessionmaker) is False
    assert await _counts(sessionmaker) == loaded


async def test_language_colors_are_linguists(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Every language carries Linguist's color, even one stored before with another id and color."""
    async with sessionmaker.begin() as session:
        # The database numbers it (1, the demo's Python): an explicit id would leave PostgreSQL's sequence behind.
        session.add(Language(name="Zig", color="#000000"))
    await load_demo(sessionmaker)
    async with sessionmaker() as session:
        languages = (await session.scalars(select(Language))).all()
        assert len(languages) > 20
        assert all(language.color == language_color(language.name) for language in languages)
        zig = await session.scalar(select(Language.id).where(Language.name == "Zig"))
        links = await session.scalar(
            select(func.count())
            .select_from(RepositoryLanguage)
            .join(Repository, Repository.id == RepositoryLanguage.repository_id)
            .where(Repository.name == "ziggurat", RepositoryLanguage.language_id == zig)
        )
        assert links == 1


def test_generate_is_deterministic_and_dated_in_utc_seconds() -> None:
    """The same seed gives the same rows; timestamps are aware UTC, whole seconds, not after ANCHOR."""
    data = generate()
    assert data == generate()
    assert generate(seed=8).repositories != data.repositories
    stamps = [r[c] for r in data.repositories for c in ("created_at", "updated_at", "pushed_at")]
    assert all(s.utcoffset() is not None and s.microsecond == 0 and s <= ANCHOR for s in stamps)
    assert all(r["created_at"] <= r["pushed_at"] <= r["updated_at"] for r in data.repositories)


def test_generate_scales_with_realistic_averages_and_unique_ids() -> None:
    """generate(300, 0): 300 repositories, about 3 languages and 4 contributors each, no id clash."""
    data = generate(300, 0)
    assert len(data.repositories) == 300
    languages = Counter(r["repository_id"] for r in data.repository_languages)
    contributors = Counter(r["repository_id"] for r in data.repository_contributors)
    assert 2.6 <= mean(languages[r["id"]] for r in data.repositories) <= 3.4
    assert 3.5 <= mean(contributors[r["id"]] for r in data.repositories) <= 4.5
    ids = [r["id"] for r in data.repositories + data.contributors]
    node_ids = [r["node_id"] for r in data.repositories + data.contributors]
    assert len(set(ids)) == len(ids) and len(set(node_ids)) == len(node_ids)
    assert len({r["full_name_key"] for r in data.repositories}) == 300
    assert len({r["login_key"] for r in data.contributors}) == len(data.contributors)
    sizes: dict[int, list[int]] = {}
    for link in data.repository_languages:
        sizes.setdefault(link["repository_id"], []).append(link["bytes"])
    for repository in data.repositories:
        primary = [
            link["bytes"]
            for link in data.repository_languages
            if link["repository_id"] == repository["id"] and link["language_id"] == repository["primary_language_id"]
        ]
        assert primary == ([max(sizes[repository["id"]])] if repository["id"] in sizes else [])


async def test_load_rows_writes_thousands_of_repositories_quickly(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """3,000 generated repositories load in one transaction in a few seconds."""
    data = generate(3000, 0)
    started = time.perf_counter()
    await load_rows(sessionmaker, data)
    assert time.perf_counter() - started < 15
    counts = await _counts(sessionmaker)
    assert counts["repository"] == 3000 + len(data.contributed.repositories)  # and the light records
    assert counts["repository_language"] == len(data.repository_languages)
    assert counts["repository_contributor"] == len(data.repository_contributors)
