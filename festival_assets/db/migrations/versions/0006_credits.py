"""credits: who TMDb credits on each title; nomination_people.inferred_by; people by TMDb id;
enriched titles due for the lookup that brings their credits

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credits",
        sa.Column("movie_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tmdb_person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("job", sa.Text(), nullable=False),
        sa.Column("character", sa.Text(), nullable=True),
        sa.Column("profile_path", sa.String(length=300), nullable=True),
        sa.Column("person_imdb_id", sa.String(length=20), nullable=True),
        sa.Column("person_resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["movie_id"],
            ["movies.id"],
            name="fk_credits_movie_id_movies",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("movie_id", "role", "position", name="pk_credits"),
    )
    op.create_index("ix_credits_tmdb_person_id", "credits", ["tmdb_person_id"])
    op.create_index("ix_people_tmdb_id", "people", ["tmdb_id"])
    with op.batch_alter_table("nomination_people") as batch:
        batch.add_column(sa.Column("inferred_by", sa.Text(), nullable=True))
    # Titles enriched before credits were stored are due for one more lookup, which brings
    # their credits; what they hold stays until it answers.
    op.execute("UPDATE movies SET enriched_at = NULL WHERE tmdb_status = 'enriched'")


def downgrade() -> None:
    with op.batch_alter_table("nomination_people") as batch:
        batch.drop_column("inferred_by")
    op.drop_index("ix_people_tmdb_id", table_name="people")
    op.drop_index("ix_credits_tmdb_person_id", table_name="credits")
    op.drop_table("credits")
