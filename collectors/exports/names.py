"""Display names written out in message text: found, and replaced by pseudonyms.

A plain-text export writes mentions as names, and names are identities; the same trie-built
pattern serves both scrubbing the text and reading ``@Full Name`` mentions out of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd


def names_pattern(names: Iterable[str]) -> re.Pattern | None:
    """One regex matching any of ``names`` (full names of two words or more), built as a trie
    so that it stays fast with a whole network's names; group 1 is an optional ``@``."""
    trie: dict = {}
    for name in {_name_key(n) for n in names if isinstance(n, str)}:
        if " " not in name:
            continue  # a one-word name is too often an ordinary word
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    if not trie:
        return None
    return re.compile(r"(?<!\w)(@?)(" + _trie_regex(trie) + r")(?!\w)", re.IGNORECASE)


def scrub_names(texts: pd.Series, names: dict[str, str]) -> pd.Series:
    """Display names in message text replaced by the person's pseudonym (``@Ana Silva`` becomes
    ``@emp_...``): a plain-text export writes mentions as names, and names are identities."""
    lookup = {_name_key(name): person for name, person in names.items() if person}
    pattern = names_pattern(lookup)
    if pattern is None or texts.empty:
        return texts
    return texts.str.replace(
        pattern, lambda m: m.group(1) + lookup.get(_name_key(m.group(2)), "[name]"), regex=True
    )


def name_mentions(texts: pd.Series, names: dict[str, str]) -> pd.DataFrame:
    """``@Full Name`` mentions in text: the row index of the message and the pseudonym named."""
    lookup = {_name_key(name): person for name, person in names.items() if person}
    pattern = names_pattern(lookup)
    if pattern is None or texts.empty:
        return pd.DataFrame({"row": pd.Series(dtype=object), "target_id": pd.Series(dtype=object)})
    found = texts.str.extractall(pattern)
    found = found[found[0] == "@"]
    return pd.DataFrame(
        {
            "row": found.index.get_level_values(0),
            "target_id": [lookup.get(_name_key(n)) for n in found[1]],
        }
    )


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _trie_regex(node: dict) -> str:
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_regex(node[char])
        for char in sorted(c for c in node if c)
    ]
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{group})?" if "" in node else group
