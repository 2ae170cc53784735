"""Keeping what a broken JSON export still holds.

Exports get cut short (a full disk, a download that stopped, a tool that died mid-write): the
file then fails to parse as a whole although every record before the break is intact. Rather
than lose the file, the importers decode its list one record at a time and keep the records
that precede the damage; the caller reports where the damage is.
"""

from __future__ import annotations

import json

WHITESPACE = " \t\r\n"


def list_body(text: str) -> int | None:
    """Where the records of a top-level JSON list begin (just past its ``[``); None when the
    text is not a list."""
    start = text.lstrip()
    if not start.startswith("["):
        return None
    return len(text) - len(start) + 1


def records_before_damage(text: str, position: int, *, strict_commas: bool) -> list:
    """The complete records of a JSON list whose body starts at ``position``, up to the first
    that does not parse. With ``strict_commas`` a missing comma between two records counts as
    damage; without it, commas and whitespace between records are skipped in any number, so a
    stray or missing comma does not end the salvage."""
    decoder = json.JSONDecoder()
    between = WHITESPACE if strict_commas else WHITESPACE + ","
    records: list = []
    while True:
        position = _skip(text, position, between)
        try:
            record, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            return records
        records.append(record)
        if strict_commas:
            position = _skip(text, position, WHITESPACE)
            if not text.startswith(",", position):
                return records
            position += 1


def _skip(text: str, position: int, characters: str) -> int:
    while position < len(text) and text[position] in characters:
        position += 1
    return position
