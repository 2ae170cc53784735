"""Pseudonymisation: employee identities become keyed HMAC pseudonyms before they are stored.

A keyed hash (not a plain one) because a plain hash of a known email is reversed by hashing the
directory; without the key nobody can link a pseudonym back to a person, and the same key gives
the same pseudonym on every import so people can still be counted and followed over time.

The key never lives in the repository: ``SOCIALPULSE_PSEUDONYM_KEY`` (hex or text), else a key
file (``SOCIALPULSE_KEY_FILE``, default ``~/.config/socialpulse/pseudonym.key``) created with
0600 permissions on first use. Losing the key means new imports no longer link to old ones.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

KEY_VARIABLE = "SOCIALPULSE_PSEUDONYM_KEY"
KEY_FILE_VARIABLE = "SOCIALPULSE_KEY_FILE"
DEFAULT_KEY_FILE = Path("~/.config/socialpulse/pseudonym.key")

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
# Phone numbers: 8+ characters of digits and the usual separators, starting with +, ( or a
# digit; ISO dates (2026-09-15) and version numbers (2.1.0) are left alone.
PHONE = r"(?<![\w/.\-])(?!\d{4}-\d{2}-\d{2})(?:\+|\()?\d[\d \-().]{6,}\d(?![\w/])"


def pseudonymise(identity: str, key: bytes) -> str:
    """The stable pseudonym of an employee id, email or name (case and spaces ignored)."""
    normalised = identity.strip().lower().encode("utf-8")
    return "emp_" + hmac.new(key, normalised, hashlib.sha256).hexdigest()[:16]


def key_file() -> Path:
    return Path(os.environ.get(KEY_FILE_VARIABLE, DEFAULT_KEY_FILE)).expanduser()


def load_key() -> bytes:
    """The pseudonymisation key: from the environment, else the key file (created if absent)."""
    if value := os.environ.get(KEY_VARIABLE):
        return value.encode("utf-8")
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def mask_contacts(texts: pd.Series) -> pd.Series:
    """Emails and phone numbers in message text replaced by placeholders."""
    return texts.str.replace(EMAIL, "[email]", regex=True).str.replace(PHONE, "[phone]", regex=True)
