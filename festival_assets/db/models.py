"""The application database. Every id is derived from a natural key, so any run that writes the
same content writes the same rows, whatever the order or overlap of runs. Text that comes from
the sources or TMDb (names, titles, credits, categories) is unbounded, as SQLite stores it; only
ids, codes and paths have a length."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Dagster's own storage keeps its Alembic version in `alembic_version`; both may share a database.
VERSION_TABLE = "festival_alembic_version"

ID_NAMESPACE = uuid.UUID("7f0b6c1e-2f43-4b4f-9d8e-5a3c1f2b9e61")

JSONType = JSON().with_variant(JSONB(), "postgresql")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def natural_id(kind: str, *parts: str) -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, "\x1f".join((kind, *parts)))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSONType, list[Any]: JSONType}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FestivalRow(Timestamped, Base):
    __tablename__ = "festivals"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class CeremonyRow(Timestamped, Base):
    __tablename__ = "ceremonies"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    partition_key: Mapped[str] = mapped_column(String(100), unique=True)
    festival_id: Mapped[str] = mapped_column(ForeignKey("festivals.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    edition: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    held_on: Mapped[date | None] = mapped_column(Date)
    film_year: Mapped[str] = mapped_column(String(20))
    source_fingerprint: Mapped[str] = mapped_column(String(64))
    # The version of the source file the ceremony was read from: its URL or local path, the
    # sha256 of its content, and the ETag and Last-Modified its host sent.
    source_location: Mapped[str | None] = mapped_column(Text)
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    source_etag: Mapped[str | None] = mapped_column(Text)
    source_last_modified: Mapped[str | None] = mapped_column(Text)


class CategoryRow(Timestamped, Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("ceremony_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    canonical_name: Mapped[str] = mapped_column(Text)
    category_class: Mapped[str] = mapped_column(Text)
    names_people: Mapped[bool] = mapped_column(Boolean)


class TMDbEnriched:
    """What TMDb enrichment records on a person or movie. `tmdb_status` is `pending` until a
    lookup ends, then `enriched`, `not_found` (TMDb does not know the IMDb id) or `failed`."""

    tmdb_id: Mapped[int | None] = mapped_column(Integer)
    tmdb_status: Mapped[str] = mapped_column(String(20), default="pending")
    tmdb_error: Mapped[str | None] = mapped_column(Text)
    enriched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    popularity: Mapped[float | None] = mapped_column(Float)


class PersonRow(Timestamped, TMDbEnriched, Base):
    __tablename__ = "people"
    # A title's credits name their people by TMDb id.
    __table_args__ = (Index("ix_people_tmdb_id", "tmdb_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    imdb_id: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(Text)
    tmdb_name: Mapped[str | None] = mapped_column(Text)
    birthday: Mapped[date | None] = mapped_column(Date)
    deathday: Mapped[date | None] = mapped_column(Date)
    biography: Mapped[str | None] = mapped_column(Text)
    place_of_birth: Mapped[str | None] = mapped_column(Text)
    known_for_department: Mapped[str | None] = mapped_column(String(100))
    profile_path: Mapped[str | None] = mapped_column(String(300))


class MovieRow(Timestamped, TMDbEnriched, Base):
    __tablename__ = "movies"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    imdb_id: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(Text)
    # "movie" or "tv": what TMDb files the title as (TV films, miniseries, series).
    tmdb_media_type: Mapped[str | None] = mapped_column(String(10))
    tmdb_title: Mapped[str | None] = mapped_column(Text)
    release_date: Mapped[date | None] = mapped_column(Date)
    runtime: Mapped[int | None] = mapped_column(Integer)
    overview: Mapped[str | None] = mapped_column(Text)
    genres: Mapped[list[Any] | None] = mapped_column()
    poster_path: Mapped[str | None] = mapped_column(String(300))
    backdrop_path: Mapped[str | None] = mapped_column(String(300))


class NominationRow(Timestamped, Base):
    __tablename__ = "nominations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ceremonies.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    won: Mapped[bool] = mapped_column(Boolean)
    credited: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    citation: Mapped[str] = mapped_column(Text)
    unlinked_nominees: Mapped[list[Any]] = mapped_column()
    unlinked_films: Mapped[list[Any]] = mapped_column()


class NominationPersonRow(Base):
    __tablename__ = "nomination_people"

    nomination_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id"), primary_key=True, index=True
    )
    credited_as: Mapped[str] = mapped_column(Text)
    # NULL for a link the source makes; for a link inferred from TMDb's credits, the rule that
    # made it (see `db.credits`).
    inferred_by: Mapped[str | None] = mapped_column(Text)


class NominationMovieRow(Base):
    __tablename__ = "nomination_movies"

    nomination_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    movie_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("movies.id"), primary_key=True, index=True
    )
    credited_as: Mapped[str] = mapped_column(Text)


class CreditRow(Base):
    """Who TMDb credits on a title, from the request that enriched it: its directors (for a TV
    title, the series' creators), writers and billed cast, each role in TMDb's order
    (`position`). A director's IMDb id is resolved from TMDb's person record when a
    nomination needs the director: `person_resolved_at` says when, `person_imdb_id` stays NULL
    for a person TMDb does not know or knows without an IMDb id."""

    __tablename__ = "credits"

    movie_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    tmdb_person_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(Text)
    job: Mapped[str] = mapped_column(Text)
    character: Mapped[str | None] = mapped_column(Text)
    profile_path: Mapped[str | None] = mapped_column(String(300))
    person_imdb_id: Mapped[str | None] = mapped_column(String(20))
    person_resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ImageRow(Timestamped, Base):
    """A poster or profile photo. `status` is `stored` (the file at `path` is valid and matches
    `sha256`) or `invalid`/`failed` with the reason in `error`; nothing is stored for those."""

    __tablename__ = "images"
    __table_args__ = (UniqueConstraint("owner_type", "owner_id", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    source_url: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(500))
    thumbnail_path: Mapped[str | None] = mapped_column(String(500))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str | None] = mapped_column(String(20))
    bytes: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TitleAwardRecordRow(Base):
    """What one title was nominated for and won at one ceremony: the rows of a title, over
    festivals and years, are its award record. Kept from the nominations by the
    `title_award_records` asset, ceremony by ceremony as they are imported; `categories_won`
    names the categories it won, `; `-separated."""

    __tablename__ = "title_award_records"

    movie_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True
    )
    ceremony_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ceremonies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    festival_id: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer)
    nominations: Mapped[int] = mapped_column(Integer)
    wins: Mapped[int] = mapped_column(Integer)
    categories_won: Mapped[str] = mapped_column(Text)


# The tables, for the Core statements (upserts, joins) that the writes and the checks run.
festivals = FestivalRow.__table__
ceremonies = CeremonyRow.__table__
categories = CategoryRow.__table__
people = PersonRow.__table__
movies = MovieRow.__table__
nominations = NominationRow.__table__
nomination_people = NominationPersonRow.__table__
nomination_movies = NominationMovieRow.__table__
credits = CreditRow.__table__
images = ImageRow.__table__
title_award_records = TitleAwardRecordRow.__table__
