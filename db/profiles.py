"""What GitHub's GraphQL API alone tells about an owner's profile: its pins, organizations and status."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
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


class OrganizationMembership(Base):
    """A configured user's organization, at its place in GitHub's order (position 0 first).

    The organization is a contributor row: the configured owner's when it is one, else a light row (login,
    name, description, avatar, url) that nothing but this table points at. Light rows are not owners and have
    no contributions, so no listing, lookup, search, stat or `node` of the API finds them; they go when no
    membership points at them any more.
    """

    __tablename__ = "organization_membership"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("contributor.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organization_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("contributor.id", ondelete="CASCADE"), index=True
    )


class OwnerStatus(Base):
    """A configured user's status as GitHub answers it (`User.status`); no row when the user set none."""

    __tablename__ = "owner_status"

    owner_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("contributor.id", ondelete="CASCADE"), primary_key=True
    )
    emoji: Mapped[str | None] = mapped_column(String(100))  # GitHub's shortcode, e.g. ":dart:"
    emoji_html: Mapped[str | None] = mapped_column(Text)  # GitHub's rendering of it
    message: Mapped[str | None] = mapped_column(Text)
    indicates_limited_availability: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
