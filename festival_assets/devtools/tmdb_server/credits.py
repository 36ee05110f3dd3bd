"""Who made each title the server knows: directors, writers and billed cast, in the shapes TMDb
appends to a title's details (``append_to_response=credits`` on ``/movie``,
``aggregate_credits`` on ``/tv``, where the series' creators are ``created_by``).

A catalog seed names its title's people with the hints ``_directors``, ``_writers`` and
``_cast``: each entry an IMDb person id the catalog knows, or a dict ``{"id": tmdb_id, "name":
...}`` for a person TMDb's person endpoint does not know. A role without a hint gets generated
people, deterministic from the title's IMDb id: one director (two for one title in five, none
for one in twenty-five), one or two writers and three to five actors. A generated person has a
TMDb id of its own range, an IMDb id ``nm{tmdb_id}``, and is served at ``/person/{tmdb_id}``,
except one generated director in twenty, whom the person endpoint does not know."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from festival_assets.devtools.tmdb_server.records import default_person, digits, hash64

# Above every person id derived from an IMDb id, and below 2**31 for every title number of
# fewer than nine digits times SLOTS.
GENERATED_PERSON_TMDB_ID_BASE = 1_000_000_000
# Generated people per title: slots 0-1 directors, 2-3 writers, 4-8 cast, and 9 a director of
# a TV title's episodes who is not one of its creators.
SLOTS = 10
ROLE_SLOTS = {"director": range(0, 2), "writer": range(2, 4), "cast": range(4, 9)}
EPISODE_DIRECTOR_SLOT = 9
WRITING_JOBS = ("Screenplay", "Writer", "Story")
GENERATED_PROFILE_PREFIX = "/g"

_FIRST_NAMES = [
    "Ana", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi", "Ines", "Jonas",
    "Kasia", "Luca", "Mira", "Nuno", "Olga", "Pablo", "Rosa", "Sven", "Tala", "Yusuf",
]  # fmt: skip
_LAST_NAMES = [
    "Almeida", "Berg", "Costa", "Dufour", "Eriksen", "Ferrari", "Garcia", "Hansen", "Ito",
    "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Rossi",
    "Schmidt", "Tanaka", "Weber",
]  # fmt: skip


@dataclass(frozen=True)
class Credit:
    """One person credited on a title in one role (``director``, ``writer`` or ``cast``)."""

    tmdb_id: int
    name: str
    profile_path: str | None
    role: str
    job: str
    character: str = ""


def generated_tmdb_id(title_imdb_id: str, slot: int) -> int:
    return GENERATED_PERSON_TMDB_ID_BASE + digits(title_imdb_id) * SLOTS + slot


def generated_slot(tmdb_id: int) -> tuple[str, int] | None:
    """The title IMDb id and slot of a generated person's TMDb id, None for another id."""
    if tmdb_id < GENERATED_PERSON_TMDB_ID_BASE:
        return None
    number, slot = divmod(tmdb_id - GENERATED_PERSON_TMDB_ID_BASE, SLOTS)
    return f"tt{number:07d}", slot


def generated_count(title_imdb_id: str, role: str) -> int:
    h = hash64(f"credits:{role}:{title_imdb_id}")
    if role == "director":
        return 0 if h % 25 == 0 else 2 if h % 5 == 0 else 1
    if role == "writer":
        return 1 + h % 2
    return 3 + h % 3


def generated_person_known(tmdb_id: int) -> bool:
    """Whether TMDb's person endpoint knows a generated person: all but one director in
    twenty."""
    found = generated_slot(tmdb_id)
    assert found is not None
    _, slot = found
    return slot not in ROLE_SLOTS["director"] or hash64(f"person:{tmdb_id}") % 20 != 0


def generated_person(tmdb_id: int) -> dict[str, Any]:
    """The TMDb person details of a generated person."""
    _, slot = generated_slot(tmdb_id) or ("", 0)
    role = next((role for role, slots in ROLE_SLOTS.items() if slot in slots), "director")
    h = hash64(f"name:{tmdb_id}")
    imdb_id = f"nm{tmdb_id}"
    department = {"director": "Directing", "writer": "Writing", "cast": "Acting"}[role]
    name = f"{_FIRST_NAMES[h % len(_FIRST_NAMES)]} {_LAST_NAMES[(h >> 8) % len(_LAST_NAMES)]}"
    seed = {"name": name, "known_for_department": department, "id": tmdb_id}
    profile_path = None if h % 7 == 0 else f"{GENERATED_PROFILE_PREFIX}{tmdb_id}.jpg"
    return {
        **default_person(imdb_id, seed),
        "id": tmdb_id,
        "name": name,
        "profile_path": profile_path,
    }


def generated_profile(file_path: str) -> int | None:
    """The TMDb id of the generated person whose profile photo ``file_path`` is."""
    number = file_path.removeprefix(GENERATED_PROFILE_PREFIX).removesuffix(".jpg")
    if not file_path.startswith(GENERATED_PROFILE_PREFIX) or not number.isdigit():
        return None
    return int(number)


def title_credits(
    title_imdb_id: str,
    seed: Mapping[str, Any],
    person: Callable[[str], dict[str, Any] | None],
) -> list[Credit]:
    """The title's credits in TMDb's order within each role. ``person`` gives the catalog's
    record of an IMDb person id."""
    credits: list[Credit] = []
    for role, hint in (("director", "_directors"), ("writer", "_writers"), ("cast", "_cast")):
        entries: list[Any] = (
            list(seed[hint])
            if hint in seed
            else [
                generated_tmdb_id(title_imdb_id, slot)
                for slot in ROLE_SLOTS[role][: generated_count(title_imdb_id, role)]
            ]
        )
        for position, entry in enumerate(entries):
            if isinstance(entry, int):
                record = generated_person(entry)
            elif isinstance(entry, str):
                record = person(entry)
                if record is None:  # an id TMDb does not know is credited on no title
                    continue
            else:
                record = {"profile_path": None, **entry}
            job = (
                "Director"
                if role == "director"
                else WRITING_JOBS[position % len(WRITING_JOBS)]
                if role == "writer"
                else ""
            )
            character = ""
            if role == "cast":
                character = (seed.get("_characters") or {}).get(entry, f"Character {position + 1}")
            credits.append(
                Credit(
                    tmdb_id=int(record["id"]),
                    name=str(record["name"]),
                    profile_path=record.get("profile_path"),
                    role=role,
                    job=job,
                    character=character,
                )
            )
    return credits


def credit_id(title_imdb_id: str, credit: Credit, position: int) -> str:
    return f"{hash64(f'{title_imdb_id}:{credit.role}:{position}:{credit.tmdb_id}'):024x}"


def credited_person(
    tmdb_id: int, name: str, profile_path: str | None, department: str
) -> dict[str, Any]:
    """What every entry of a title's cast and crew says of its person."""
    return {
        "adult": False,
        "id": tmdb_id,
        "known_for_department": department,
        "name": name,
        "original_name": name,
        "profile_path": profile_path,
    }


def movie_credits(title_imdb_id: str, tmdb_id: int, credits: list[Credit]) -> dict[str, Any]:
    """``credits`` as ``/movie/{id}?append_to_response=credits`` holds it."""
    cast = [c for c in credits if c.role == "cast"]
    crew = [c for c in credits if c.role != "cast"]
    return {
        "id": tmdb_id,
        "cast": [
            {
                **credited_person(c.tmdb_id, c.name, c.profile_path, "Acting"),
                "cast_id": order + 1,
                "character": c.character,
                "credit_id": credit_id(title_imdb_id, c, order),
                "order": order,
            }
            for order, c in enumerate(cast)
        ],
        "crew": [
            {
                **credited_person(
                    c.tmdb_id,
                    c.name,
                    c.profile_path,
                    "Directing" if c.role == "director" else "Writing",
                ),
                "credit_id": credit_id(title_imdb_id, c, position),
                "department": "Directing" if c.role == "director" else "Writing",
                "job": c.job,
            }
            for position, c in enumerate(crew)
        ],
    }


def tv_creators(title_imdb_id: str, credits: list[Credit]) -> list[dict[str, Any]]:
    """``created_by`` of ``/tv/{id}``: the title's directors stand for its creators."""
    return [
        {
            "id": c.tmdb_id,
            "credit_id": credit_id(title_imdb_id, c, position),
            "name": c.name,
            "original_name": c.name,
            "gender": 0,
            "profile_path": c.profile_path,
        }
        for position, c in enumerate(c for c in credits if c.role == "director")
    ]


def tv_aggregate_credits(title_imdb_id: str, credits: list[Credit]) -> dict[str, Any]:
    """``aggregate_credits`` of ``/tv/{id}``: cast with their roles, crew with their jobs (the
    writers, and a director of episodes who is not a creator)."""
    cast = [c for c in credits if c.role == "cast"]
    writers = [c for c in credits if c.role == "writer"]
    episode_director = generated_person(generated_tmdb_id(title_imdb_id, EPISODE_DIRECTOR_SLOT))
    crew = [
        (c.tmdb_id, c.name, c.profile_path, "Writing", "Writer", position)
        for position, c in enumerate(writers)
    ] + [
        (
            episode_director["id"],
            episode_director["name"],
            episode_director["profile_path"],
            "Directing",
            "Director",
            len(writers),
        )
    ]
    return {
        "cast": [
            {
                **credited_person(c.tmdb_id, c.name, c.profile_path, "Acting"),
                "roles": [
                    {
                        "credit_id": credit_id(title_imdb_id, c, order),
                        "character": c.character,
                        "episode_count": 10 - order % 10,
                    }
                ],
                "total_episode_count": 10 - order % 10,
                "order": order,
            }
            for order, c in enumerate(cast)
        ],
        "crew": [
            {
                **credited_person(tmdb_id, name, profile_path, department),
                "jobs": [{"credit_id": f"{tmdb_id:024x}", "job": job, "episode_count": 4}],
                "department": department,
                "total_episode_count": 4,
            }
            for tmdb_id, name, profile_path, department, job, _ in crew
        ],
        "id": 0,
    }
