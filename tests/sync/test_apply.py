"""The write half on hand-built snapshots: the unique keys survive swaps GitHub allows."""

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sync.apply import apply_snapshot
from sync.collect import Details, Snapshot
from sync.records import Account, ContributorRecord, Owner, RepositoryRecord
from tests.sync.conftest import accounts, repositories

Maker = async_sessionmaker[AsyncSession]
WHEN = datetime(2024, 1, 1, tzinfo=UTC)
OWNER = Account(1, "U_1", "octocat", "User", "", "")
PROFILE = Owner(OWNER, None, None, None, None, None, None, None, None, WHEN, WHEN)


def repo(repo_id: int, name: str) -> RepositoryRecord:
    return RepositoryRecord(
        id=repo_id, node_id=f"R_{repo_id}", owner=OWNER, name=name, full_name=f"octocat/{name}",
        description=None, homepage=None, html_url="", fork=False, archived=False, is_template=False,
        has_issues=True, private=False, visibility="public", stargazers_count=0, forks_count=0, size=1,
        default_branch="main", language=None, license=None, topics=(), created_at=WHEN, updated_at=WHEN,
        pushed_at=WHEN,
    )  # fmt: skip


def person(account_id: int, login: str) -> ContributorRecord:
    return ContributorRecord(Account(account_id, f"U_{account_id}", login, "User", "", ""), 1)


async def apply(sessionmaker: Maker, snapshot: Snapshot) -> None:
    async with sessionmaker() as session, session.begin():
        await apply_snapshot(session, snapshot, WHEN)


async def test_two_repositories_swapping_names_keep_their_ids(sessionmaker: Maker) -> None:
    await apply(sessionmaker, Snapshot(owners=[PROFILE], repositories=[repo(10, "a"), repo(11, "b")]))
    await apply(sessionmaker, Snapshot(owners=[PROFILE], repositories=[repo(10, "b"), repo(11, "a")]))
    assert {name: row.id for name, row in (await repositories(sessionmaker)).items()} == {
        "octocat/b": 10,
        "octocat/a": 11,
    }


async def test_a_login_taken_over_by_another_account_does_not_clash(sessionmaker: Maker) -> None:
    """alice renames herself to alice2 and a new account takes "alice": both rows stay distinct."""
    first = Snapshot(owners=[PROFILE], repositories=[repo(10, "a")])
    first.details[10] = Details({}, [person(50, "alice")])
    await apply(sessionmaker, first)
    second = Snapshot(owners=[PROFILE], repositories=[replace(repo(10, "a"), pushed_at=datetime.now(UTC))])
    second.details[10] = Details({}, [person(50, "alice2"), person(51, "alice")])
    await apply(sessionmaker, second)
    people = await accounts(sessionmaker)
    assert (people["alice2"].id, people["alice"].id) == (50, 51)
    assert people["alice"].login_key == "alice" and people["alice2"].login_key == "alice2"
