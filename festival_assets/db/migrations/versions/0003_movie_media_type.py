"""movies.tmdb_media_type: what TMDb files a title as, movie or tv

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("movies", sa.Column("tmdb_media_type", sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.drop_column("movies", "tmdb_media_type")
