"""The models of the cached graph. GitHub's numeric ids are the natural keys."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base


class Contributor(Base):
    """Every GitHub account we know: contributors and owners (owners carry their profile)."""

    __tablename__ = "contributor"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    node_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    login: Mapped[str] = mapped_column(String(100))
    login_key: Mapped[str] = mapped_column(String(100), unique=True)  # lower(login): logins are case-insensitive
    type: Mapped[str] = mapped_column(String(20), default="User")  # User | Organization | Bot
    avatar_url: Mapped[str] = mapped_column(String(500), default="")
    html_url: Mapped[str] = mapped_column(String(500), default="")
    # Profile, filled for configured owners only.
    is_owner: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str | None] = mapped_column(String(255))
    bio: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(String(255))
    location: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    blog: Mapped[str | None] = mapped_column(String(500))
    twitter_username: Mapped[str | None] = mapped_column(String(100))
    followers_count: Mapped[int | None]  # REST's `followers`; null until a sync read the profile
    following_count: Mapped[int | None]  # REST's `following`
    members_count: Mapped[int | None]  # an organization's membersWithRole totalCount (GraphQL: needs the token)
    created_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]

    repositories: Mapped[list["Repository"]] = relationship(back_populates="owner", lazy="raise")


class Language(Base):
    __tablename__ = "language"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    color: Mapped[str | None] = mapped_column(String(7))


class Repository(Base):
    """A public repository owned by a configured owner, with GitHub's metadata."""

    __tablename__ = "repository"
    __table_args__ = (
        Index("ix_repository_owner_pushed", "owner_id", "pushed_at"),
        Index("ix_repository_pushed_at", "pushed_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    node_id: Mapped[str] = mapped_column(String(100), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("contributor.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str] = mapped_column(String(200))
    full_name_key: Mapped[str] = mapped_column(String(200), unique=True)  # lower(full_name)
    description: Mapped[str | None] = mapped_column(Text)
    homepage: Mapped[str | None] = mapped_column(String(500))
    html_url: Mapped[str] = mapped_column(String(500))
    is_fork: Mapped[bool] = mapped_column(default=False)
    is_archived: Mapped[bool] = mapped_column(default=False)
    is_template: Mapped[bool] = mapped_column(default=False)
    has_issues: Mapped[bool] = mapped_column(default=True)
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    stargazers_count: Mapped[int] = mapped_column(default=0)
    forks_count: Mapped[int] = mapped_column(default=0)
    subscribers_count: Mapped[int | None]  # watchers, from the single repository GET; null until fetched
    # Issues and pull requests by state (sync/counts.py); null until read (closed and merged: with a token).
    open_issues: Mapped[int | None]
    closed_issues: Mapped[int | None]
    open_pull_requests: Mapped[int | None]
    closed_pull_requests: Mapped[int | None]
    merged_pull_requests: Mapped[int | None]
    disk_usage: Mapped[int | None]  # kilobytes, GitHub's `size`
    default_branch: Mapped[str | None] = mapped_column(String(255))
    primary_language_id: Mapped[int | None] = mapped_column(ForeignKey("language.id", ondelete="SET NULL"), index=True)
    license: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # GitHub's license object
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    pushed_at: Mapped[datetime | None]
    synced_at: Mapped[datetime | None]  # last fetch of languages and contributors

    owner: Mapped[Contributor] = relationship(back_populates="repositories", lazy="raise")


class RepositoryLanguage(Base):
    __tablename__ = "repository_language"

    repository_id: Mapped[int] = mapped_column(ForeignKey("repository.id", ondelete="CASCADE"), primary_key=True)
    language_id: Mapped[int] = mapped_column(
        ForeignKey("language.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    bytes: Mapped[int] = mapped_column(BigInteger)


class RepositoryContributor(Base):
    __tablename__ = "repository_contributor"

    repository_id: Mapped[int] = mapped_column(ForeignKey("repository.id", ondelete="CASCADE"), primary_key=True)
    contributor_id: Mapped[int] = mapped_column(
        ForeignKey("contributor.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    contributions: Mapped[int]


class RepositoryReadme(Base):
    """A repository's README as REST /readme answered it, or its absence (status 404, 409, 451 or 403)."""

    __tablename__ = "repository_readme"

    repository_id: Mapped[int] = mapped_column(ForeignKey("repository.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[int]  # 200: present; otherwise why there is none, re-checked sparingly (sync/depth.py)
    path: Mapped[str | None] = mapped_column(String(1000))  # as git spells it: matched case-sensitively
    oid: Mapped[str | None] = mapped_column(String(40))
    byte_size: Mapped[int | None]  # of the whole file, truncated or not
    text: Mapped[str | None] = mapped_column(Text)  # null for a binary README
    is_binary: Mapped[bool] = mapped_column(default=False)
    is_truncated: Mapped[bool] = mapped_column(default=False)
    checked_at: Mapped[datetime]


def showcase_key(full_name: str) -> str:
    """The case-insensitive key that ties curated data to a repository by owner/name."""
    return full_name.lower()
