"""title_award_records: each title's nominations and wins at each ceremony, by festival

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "title_award_records",
        sa.Column("movie_id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("festival_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("nominations", sa.Integer(), nullable=False),
        sa.Column("wins", sa.Integer(), nullable=False),
        sa.Column("categories_won", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["movie_id"],
            ["movies.id"],
            name=op.f("fk_title_award_records_movie_id_movies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ceremony_id"],
            ["ceremonies.id"],
            name=op.f("fk_title_award_records_ceremony_id_ceremonies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("movie_id", "ceremony_id", name=op.f("pk_title_award_records")),
    )
    op.create_index(
        op.f("ix_title_award_records_ceremony_id"), "title_award_records", ["ceremony_id"]
    )
    op.create_index(
        op.f("ix_title_award_records_festival_id"), "title_award_records", ["festival_id"]
    )


def downgrade() -> None:
    op.drop_table("title_award_records")
