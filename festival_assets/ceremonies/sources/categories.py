"""What a category's name says about what it rewards, for the sources that say nothing else (the
IMDb award events name a title and its category, never whether the title is a film)."""

from __future__ import annotations

import re

# Words that name television in the award or category names of the award events: "bafta tv
# award: best actor", "golden globe: best television series - drama", "best miniseries".
TELEVISION_WORDS = re.compile(
    r"\b(?:tv|television|(?:mini-?)?series|serials?|soaps?|sitcoms?|programmes?)\b"
)
# A film made for television is a film (TMDb files it under /movie): those words alone do not
# make a category a television one.
FILM_FOR_TELEVISION = re.compile(r"\b(?:motion picture|movie|film)s? made for (?:television|tv)\b")


def rewards_television(category: str) -> bool:
    """Whether a category's name (award and category, as the award events' importer joins them)
    says that it rewards television titles: series, serials, programmes and shows on TV."""
    return TELEVISION_WORDS.search(FILM_FOR_TELEVISION.sub("", category.lower())) is not None


# What a category names when it rewards whoever directed the nominated title.
DIRECTING_WORDS = re.compile(r"\bdirect(?:or|ors|or's|ion|ing)\b")
# Names in which those words reward something else: a crew role ("art direction", "production
# director"), a festival section whose prizes go to a film ("directors' fortnight",
# "quinzaine des réalisateurs"), or a prize shared with other trades ("writer, director or
# producer", "producer/director", and an editor's award named after a director).
NOT_DIRECTING = re.compile(
    r"\b(?:art|technical) direction\b"
    r"|\bproduction director\b"
    r"|\bdirector'?s'? fortnight\b"
    r"|\bproducer\b"
    r"|\beditor\b"
)


def rewards_directing(category: str) -> bool:
    """Whether a category's name (award and category, as the award events' importer joins them)
    says that it rewards the director of the nominated title: "best director", "best
    direction", "silver lion: best director", "david lean award for direction", a television
    award's "best director - fiction"."""
    name = category.lower()
    return DIRECTING_WORDS.search(name) is not None and NOT_DIRECTING.search(name) is None
