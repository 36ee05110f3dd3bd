"""drop columns nothing reads: images.etag, people.tmdb_attempts, movies.tmdb_attempts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of `people` or `movies`
    # would drop a table that nomination links refer to.
    op.drop_column("images", "etag")
    op.drop_column("people", "tmdb_attempts")
    op.drop_column("movies", "tmdb_attempts")


def downgrade() -> None:
    op.add_column(
        "movies", sa.Column("tmdb_attempts", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "people", sa.Column("tmdb_attempts", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("images", sa.Column("etag", sa.String(length=200), nullable=True))
