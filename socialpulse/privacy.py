"""Pseudonymisation: employee identities become keyed HMAC pseudonyms before they are stored.

A keyed hash (not a plain one) because a plain hash of a known email is reversed by hashing the
directory; without the key nobody can link a pseudonym back to a person, and the same key gives
the same pseudonym on every import so people can still be counted and followed over time.
"""

from __future__ import annotations

import hashlib
import hmac


def pseudonymise(identity: str, key: bytes) -> str:
    """The stable pseudonym of an employee id, email or name (case and spaces ignored)."""
    normalised = identity.strip().lower().encode("utf-8")
    return "emp_" + hmac.new(key, normalised, hashlib.sha256).hexdigest()[:16]
