"""Reading what Microsoft Graph export tools write: the files, the records, the values.

Graph documents its shapes, but export tools save them in several ways (a list, a Graph page,
one message; UTF-8 or UTF-16; sometimes cut short), and a field may be missing or of another
type, so every value is read through ``value_at`` and the ``as_*`` checks.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from collectors.exports.json_salvage import list_body, records_before_damage

PLATFORM = "teams"
CONTEXT_CONVERSATION = re.compile(r"\b(channels|chats)\('([^']+)'\)")
VALUE_ARRAY = re.compile(r'"value"\s*:\s*\[')
REPLACEMENT = "\ufffd"


class SingleFile:
    """One JSON file given on its own, read like an export of one file."""

    def __init__(self, path: Path) -> None:
        self.path, self.label = path, path.name

    def names(self) -> list[str]:
        return [self.path.name]

    def read_bytes(self, name: str) -> bytes:
        return self.path.read_bytes()


def decode(data: bytes) -> tuple[str, int | None]:
    """Graph JSON is UTF-8 (a BOM, or UTF-16 from a Windows tool, is accepted). Bytes that are
    not become U+FFFD so the rest of the file still parses; the offset of the first is returned
    and the messages holding them are reported, not loaded."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        return text, (text.index(REPLACEMENT) if REPLACEMENT in text else None)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return data.decode("utf-8-sig", errors="replace"), error.start


def records_in(text: str, name: str) -> tuple[list, str | None, str | None]:
    """The records of a file (a list, a Graph page, or one message) and the page's
    ``@odata.context``; a file that breaks off keeps the records before the break."""
    try:
        document = json.loads(text)
    except ValueError as error:
        items, context_url = _salvage(text)
        where = (
            f"line {error.lineno} column {error.colno}"
            if isinstance(error, json.JSONDecodeError)
            else "somewhere"
        )
        return (
            items,
            context_url,
            (
                f"{name}: not valid JSON at {where} (truncated?); "
                f"{len(items)} records before it read"
            ),
        )
    if isinstance(document, list):
        return document, None, None
    if isinstance(document, dict) and isinstance(document.get("value"), list):
        return document["value"], as_string(document.get("@odata.context")), None
    if isinstance(document, dict) and "id" in document:
        return [document], None, None
    return [], None, f"{name}: neither a list of chatMessages nor a Graph page"


def _salvage(text: str) -> tuple[list, str | None]:
    """The complete records at the start of a broken list or page, decoded one at a time."""
    position = list_body(text)
    if position is None and (match := VALUE_ARRAY.search(text)):
        position = match.end()
    if position is None:
        return [], None
    context = re.search(r'"@odata\.context"\s*:\s*"([^"]*)"', text[:position])
    items = records_before_damage(text, position, strict_commas=False)
    return items, context.group(1) if context else None


def conversation_from_context(url: str | None) -> tuple[str, str] | None:
    """The channel or chat a Graph page is about, for messages that do not say."""
    matches = CONTEXT_CONVERSATION.findall(url or "")
    return (matches[-1][0], unquote(matches[-1][1])) if matches else None


def value_at(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...`` or None wherever the shape is not what Graph documents."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def as_id(value: Any) -> str | None:
    """An id as text (Graph writes some as numbers); None for a missing, blank or odd one."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    value = str(value).strip()
    return value or None


def as_string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []
