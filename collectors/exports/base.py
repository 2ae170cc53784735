"""The importer contract.

An importer reads one export (a file, a folder or a zip) and yields ``ImportBatch``es of rows
named after warehouse tables. It never stores an identity: every employee id, email or name
goes through ``ImportContext.person`` (a keyed pseudonym) before it lands in a row, and the raw
payload it keeps is built from the already pseudonymised record. What it cannot read becomes a
one-line problem naming the file and the record, and the rest is imported.

The runner (``collectors/exports/runner.py``) does what is common to every platform: channel
rules, masking emails and phone numbers in text, reply edges, announcements, check-ins and
their answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from socialpulse.config import Settings
from socialpulse.privacy import pseudonymise


@dataclass
class ImportBatch:
    """Rows for some tables, the problems met while reading them, and what was skipped."""

    rows: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)


@dataclass
class ImportContext:
    """What an importer needs besides its file: the pseudonym key, settings, known aliases."""

    key: bytes
    settings: Settings
    aliases: dict[str, str] = field(default_factory=dict)  # alias pseudonym -> person

    def person(
        self, *, email: str | None = None, user_id: str | None = None, platform: str = ""
    ) -> str | None:
        """The pseudonym of an employee: of their email when known (so every platform and the
        directory agree), else of the platform's user id, mapped through the directory's
        aliases. None when the record names nobody."""
        if email and email.strip():
            return pseudonymise(email, self.key)
        if user_id and str(user_id).strip():
            alias = pseudonymise(f"{platform}:{user_id}", self.key)
            return self.aliases.get(alias, alias)
        return None


Importer = Callable[[Path, ImportContext], Iterator[ImportBatch]]
IMPORTERS: dict[str, Importer] = {}
MODULES = ("csv_export", "directory", "slack", "teams", "viva")


def importer(kind: str) -> Callable[[Importer], Importer]:
    """Register ``fn`` as the importer of ``pulse import KIND``."""

    def register(fn: Importer) -> Importer:
        IMPORTERS[kind] = fn
        return fn

    return register


def importer_for(kind: str) -> Importer:
    import importlib

    for module in MODULES:
        importlib.import_module(f"collectors.exports.{module}")
    if kind not in IMPORTERS:
        raise KeyError(f"unknown export kind {kind!r}; known: {', '.join(sorted(IMPORTERS))}")
    return IMPORTERS[kind]


def kinds() -> list[str]:
    importer_for("directory")
    return sorted(IMPORTERS)
