"""The records of a Slack export file and the values in them, read without trusting them.

Every file of the export (listings and day-files alike) is a JSON list written by Slack, but
damaged exports, hand-edited files and old formats all occur, so each value is checked for its
type before it is used.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from collectors.exports.json_salvage import list_body, records_before_damage

PLATFORM = "slack"


def parse_records(data: bytes) -> tuple[list, str | None]:
    """The JSON list in one file, and what was wrong with it: bytes that are not UTF-8 are
    replaced, and a truncated or damaged list keeps the records before the damage."""
    problems = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(f"byte {error.start} is not UTF-8 (replaced)")
        text = data.decode("utf-8-sig", "replace")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        body = list_body(text)
        value = [] if body is None else records_before_damage(text, body, strict_commas=True)
        problems.append(
            f"invalid JSON at line {error.lineno} column {error.colno} "
            f"({error.msg}); the {len(value)} record(s) before it kept"
        )
    except RecursionError:
        value = []
        problems.append("JSON nested too deeply; file skipped")
    if not isinstance(value, list):
        problems.append("not a JSON list of records")
        value = []
    if "\\ud" in text or "\\uD" in text:  # lone surrogates cannot be stored as UTF-8
        value = _without_surrogates(value)
    return value, "; ".join(problems) or None


def _without_surrogates(value: object) -> object:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def microseconds(ts: str) -> int:
    """A Slack ``ts`` (seconds.micros) as an integer, exactly: a float would round it."""
    seconds, _, fraction = ts.partition(".")
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0") or 0)


def nonblank(value: object) -> str | None:
    """A string with something in it, stripped; None for anything else."""
    return value.strip() or None if isinstance(value, str) else None


def reactions_of(record: dict) -> Iterator[tuple[str, str]]:
    """(emoji, user id) for each person's reaction to a message, well-formed ones only."""
    reactions = record.get("reactions")
    for reaction in reactions if isinstance(reactions, list) else ():
        if not isinstance(reaction, dict) or not nonblank(reaction.get("name")):
            continue
        users = reaction.get("users")
        for user in users if isinstance(users, list) else ():
            if isinstance(user, str) and user:
                yield reaction["name"], user
