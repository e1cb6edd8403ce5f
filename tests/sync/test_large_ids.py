"""GitHub ids past 32 bits: stored whole on every database (PostgreSQL's INTEGER would refuse them)."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.github import FakeGitHub
from tests.sync.conftest import SyncOnce, accounts, repositories

Maker = async_sessionmaker[AsyncSession]
FIRST_ACCOUNT_ID = 2**31 + 7
FIRST_REPO_ID = 2**40 + 3


@pytest.fixture
def fake() -> FakeGitHub:
    fake = FakeGitHub(first_account_id=FIRST_ACCOUNT_ID, first_repo_id=FIRST_REPO_ID)
    fake.add_user("octocat")
    fake.add_org("acme")
    fake.add_repo("octocat", "hello", language_bytes={"Python": 3 * 2**31}, contributors=[("alice", 2)])
    fake.add_repo("acme", "anvil", contributors=[("octocat", 1)])
    return fake


async def test_ids_beyond_32_bits_survive_a_sync_and_a_rename(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """Accounts and repositories keep their 64-bit ids, and a later sync matches them to update in place."""
    first = await sync_once()
    assert first.succeeded and first.added == 2, first.error
    repos = await repositories(sessionmaker)
    assert {name: repo.id for name, repo in repos.items()} == {
        "octocat/hello": fake.repo("octocat", "hello").id,
        "acme/anvil": fake.repo("acme", "anvil").id,
    }
    assert min(repo.id for repo in repos.values()) >= FIRST_REPO_ID
    people = await accounts(sessionmaker)
    assert min(person.id for person in people.values()) >= FIRST_ACCOUNT_ID
    assert repos["octocat/hello"].owner_id == people["octocat"].id

    fake.rename_repo("octocat", "hello", "hi")
    second = await sync_once()
    assert second.succeeded and (second.added, second.updated, second.removed) == (0, 1, 0), second.error
    assert (await repositories(sessionmaker))["octocat/hi"].id == repos["octocat/hello"].id
