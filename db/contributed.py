"""Users' contributed-to and top repository lists, and the marks of light records of outside repositories.

A light record is a repository row of an owner that is not configured, held because a list points at it."""

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

# The lists a user's rows belong to: GitHub's answer to repositoriesContributedTo without contributionTypes
# (ALL), one answer per RepositoryContributionType, and topRepositories (TOP).
ALL = "ALL"
TOP = "TOP"
CONTRIBUTION_TYPES = ("COMMIT", "ISSUE", "PULL_REQUEST", "PULL_REQUEST_REVIEW", "REPOSITORY")


class ContributedRepository(Base):
    """A repository in one of a user's lists, at its place in GitHub's answer (position 0 first)."""

    __tablename__ = "contributed_repository"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("contributor.id", ondelete="CASCADE"), primary_key=True)
    list: Mapped[str] = mapped_column(String(30), primary_key=True)
    repository_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("repository.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class OutsideRepository(Base):
    """Marks a light record: a public repository of an owner that is not configured, held only because a
    user's list points at it. It fills GitHub's non-null Repository fields (no languages, contributors or
    README) and appears in no cache-wide listing, count, search or lookup; a sync deletes it once no list
    points at it, and makes it a full record when its owner becomes configured."""

    __tablename__ = "outside_repository"

    repository_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("repository.id", ondelete="CASCADE"), primary_key=True
    )
