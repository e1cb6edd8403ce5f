"""What GitHub's GraphQL API alone tells about an owner's profile: the repositories pinned on it."""

from sqlalchemy import BigInteger, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class PinnedItem(Base):
    """A repository an owner pinned on GitHub, at its place in GitHub's order (position 0 first).

    Only repositories the cache holds are kept (gists and other owners' repositories are skipped when the
    pins are synced); a repository or owner leaving the cache takes its pins with it.
    """

    __tablename__ = "pinned_item"

    owner_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("contributor.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    repository_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("repository.id", ondelete="CASCADE"), index=True)
