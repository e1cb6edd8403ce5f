"""A repository's releases as REST /releases lists them, and when that list was last asked (issue 13)."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Release(Base):
    """One published release (drafts are never stored: GitHub lists them to callers with push access only)."""

    __tablename__ = "release"
    __table_args__ = (Index("ix_release_repository_created", "repository_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # GitHub's databaseId
    node_id: Mapped[str] = mapped_column(String(100), unique=True)
    repository_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("repository.id", ondelete="CASCADE"))
    tag_name: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)  # REST's `body`, Markdown
    description_html: Mapped[str | None] = mapped_column(Text)  # REST's `body_html`, GitHub's rendering
    html_url: Mapped[str] = mapped_column(String(1000))
    is_draft: Mapped[bool] = mapped_column(default=False)
    is_prerelease: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]  # the date of the tagged commit, by which GitHub picks the latest release
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]


class ReleaseCheck(Base):
    """When a repository's releases were last asked, and GitHub's answer: 200 (the list, maybe empty) or why
    there is none (404, 409, 451, 403), an absence asked again sparingly (sync/releases.py)."""

    __tablename__ = "release_check"

    repository_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("repository.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[int]
    checked_at: Mapped[datetime]
