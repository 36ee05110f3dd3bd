"""names, titles, credits and categories from the sources and TMDb as unbounded text

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, length before, nullable)
COLUMNS = (
    ("festivals", "name", 200, False),
    ("ceremonies", "name", 300, False),
    ("categories", "name", 300, False),
    ("categories", "canonical_name", 300, False),
    ("categories", "category_class", 50, False),
    ("people", "name", 300, False),
    ("people", "tmdb_name", 300, True),
    ("people", "place_of_birth", 300, True),
    ("movies", "title", 500, False),
    ("movies", "tmdb_title", 500, True),
    ("nomination_people", "credited_as", 300, False),
    ("nomination_movies", "credited_as", 500, False),
)


def on_sqlite() -> bool:
    # SQLite never enforces a VARCHAR length, and changing a column type there means a batch
    # copy of the table, which would drop tables the nomination links refer to.
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if on_sqlite():
        return
    for table, column, length, nullable in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.Text(),
            existing_type=sa.String(length=length),
            existing_nullable=nullable,
        )


def downgrade() -> None:
    if on_sqlite():
        return
    for table, column, length, nullable in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.String(length=length),
            existing_type=sa.Text(),
            existing_nullable=nullable,
        )
