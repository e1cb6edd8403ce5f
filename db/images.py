"""The image model: copies of avatars and social cards the API serves from its own origin (issue 15)."""

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class StoredImage(Base):
    """One fetched image: the bytes, what they are, and the upstream's entity tag to revalidate them with.

    Kept in the database rather than on disk beside it: one store to back up and restore, the same for
    SQLite and for a PostgreSQL several processes share (no shared directory needed), and the bytes and
    their tags change in one transaction. Avatars are tens of kilobytes and every copy is capped (5 MB).
    """

    __tablename__ = "image"

    # The opaque id the API issues (graph/schema/images.py) and the avatar size asked for, 0 for none.
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source_url: Mapped[str] = mapped_column(String(2000))  # what was fetched: a new one is fetched anew
    content_type: Mapped[str] = mapped_column(String(20))  # sniffed from the bytes
    body: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))  # our entity tag, of the bytes
    upstream_etag: Mapped[str | None] = mapped_column(String(300))
    fetched_at: Mapped[datetime]
    checked_at: Mapped[datetime]  # the last revalidation
