"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "festivals",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_festivals")),
    )
    op.create_table(
        "images",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_type", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("thumbnail_path", sa.String(length=500), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=20), nullable=True),
        sa.Column("bytes", sa.Integer(), nullable=True),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_images")),
        sa.UniqueConstraint("owner_type", "owner_id", "kind", name=op.f("uq_images_owner_type")),
    )
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_images_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "movies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("imdb_id", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("tmdb_title", sa.String(length=500), nullable=True),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("runtime", sa.Integer(), nullable=True),
        sa.Column("overview", sa.Text(), nullable=True),
        sa.Column(
            "genres",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("poster_path", sa.String(length=300), nullable=True),
        sa.Column("backdrop_path", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tmdb_id", sa.Integer(), nullable=True),
        sa.Column("tmdb_status", sa.String(length=20), nullable=False),
        sa.Column("tmdb_error", sa.Text(), nullable=True),
        sa.Column("tmdb_attempts", sa.Integer(), nullable=False),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("popularity", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movies")),
        sa.UniqueConstraint("imdb_id", name=op.f("uq_movies_imdb_id")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("imdb_id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("tmdb_name", sa.String(length=300), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("deathday", sa.Date(), nullable=True),
        sa.Column("biography", sa.Text(), nullable=True),
        sa.Column("place_of_birth", sa.String(length=300), nullable=True),
        sa.Column("known_for_department", sa.String(length=100), nullable=True),
        sa.Column("profile_path", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tmdb_id", sa.Integer(), nullable=True),
        sa.Column("tmdb_status", sa.String(length=20), nullable=False),
        sa.Column("tmdb_error", sa.Text(), nullable=True),
        sa.Column("tmdb_attempts", sa.Integer(), nullable=False),
        sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("popularity", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("imdb_id", name=op.f("uq_people_imdb_id")),
    )
    op.create_table(
        "ceremonies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partition_key", sa.String(length=100), nullable=False),
        sa.Column("festival_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("edition", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("film_year", sa.String(length=20), nullable=False),
        sa.Column("source_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["festival_id"], ["festivals.id"], name=op.f("fk_ceremonies_festival_id_festivals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ceremonies")),
        sa.UniqueConstraint("partition_key", name=op.f("uq_ceremonies_partition_key")),
    )
    with op.batch_alter_table("ceremonies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ceremonies_festival_id"), ["festival_id"], unique=False
        )

    op.create_table(
        "categories",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("canonical_name", sa.String(length=300), nullable=False),
        sa.Column("category_class", sa.String(length=50), nullable=False),
        sa.Column("names_people", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ceremony_id"],
            ["ceremonies.id"],
            name=op.f("fk_categories_ceremony_id_ceremonies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("ceremony_id", "name", name=op.f("uq_categories_ceremony_id")),
    )
    op.create_table(
        "nominations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("won", sa.Boolean(), nullable=False),
        sa.Column("credited", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column(
            "unlinked_nominees",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "unlinked_films",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_nominations_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ceremony_id"],
            ["ceremonies.id"],
            name=op.f("fk_nominations_ceremony_id_ceremonies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nominations_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_nominations_ceremony_id"), ["ceremony_id"], unique=False
        )

    op.create_table(
        "nomination_movies",
        sa.Column("nomination_id", sa.Uuid(), nullable=False),
        sa.Column("movie_id", sa.Uuid(), nullable=False),
        sa.Column("credited_as", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["movie_id"], ["movies.id"], name=op.f("fk_nomination_movies_movie_id_movies")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_nomination_movies_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("nomination_id", "movie_id", name=op.f("pk_nomination_movies")),
    )
    with op.batch_alter_table("nomination_movies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nomination_movies_movie_id"), ["movie_id"], unique=False
        )

    op.create_table(
        "nomination_people",
        sa.Column("nomination_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("credited_as", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_nomination_people_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_nomination_people_person_id_people")
        ),
        sa.PrimaryKeyConstraint("nomination_id", "person_id", name=op.f("pk_nomination_people")),
    )
    with op.batch_alter_table("nomination_people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nomination_people_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("nomination_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nomination_people_person_id"))

    op.drop_table("nomination_people")
    with op.batch_alter_table("nomination_movies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nomination_movies_movie_id"))

    op.drop_table("nomination_movies")
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nominations_ceremony_id"))
        batch_op.drop_index(batch_op.f("ix_nominations_category_id"))

    op.drop_table("nominations")
    op.drop_table("categories")
    with op.batch_alter_table("ceremonies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ceremonies_festival_id"))

    op.drop_table("ceremonies")
    op.drop_table("people")
    op.drop_table("movies")
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_images_owner_id"))

    op.drop_table("images")
    op.drop_table("festivals")
