"""The showcase model: curated data for a repository, written by hand and never by a sync."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Showcase(Base):
    """Curated data for one repository, written by hand and never by a sync.

    Keyed by lower(owner/name) rather than by GitHub id, so it outlives the repository leaving the cache
    and is found again when the repository reappears (or is curated before it is first synced).
    """

    __tablename__ = "showcase"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    featured: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int | None]
    summary: Mapped[str | None] = mapped_column(Text)
    demo_url: Mapped[str | None] = mapped_column(String(2000))
    image_url: Mapped[str | None] = mapped_column(String(2000))
    video_url: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[datetime | None]
