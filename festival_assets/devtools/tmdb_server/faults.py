"""Faults that can be injected into the server's answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

API_FAULTS = frozenset({"500", "502", "503", "cdn_html_502", "reset", "429", "401", "huge_answer"})
IMAGE_FAULTS = frozenset(
    {
        "image_html",
        "image_empty",
        "image_truncated",
        "image_bomb",
        "image_wrong_type",
        "image_huge_bytes",
    }
)


@dataclass
class Fault:
    pattern: re.Pattern[str]
    fault: str
    remaining: int


def validate_fault(fault: str) -> None:
    if fault in API_FAULTS or fault in IMAGE_FAULTS:
        return
    prefix, _, value = fault.partition(":")
    if prefix in ("slow", "drip"):
        try:
            seconds = float(value)
        except ValueError:
            seconds = -1.0
        if seconds >= 0:
            return
    raise ValueError(
        f"unknown fault {fault!r}; expected one of {sorted(API_FAULTS | IMAGE_FAULTS)}, "
        "'slow:SECONDS' (answer that late) or 'drip:SECONDS' (each byte of the answer that "
        "long after the one before)"
    )
