"""Brand rules: which mentions are about which brand.

A brand is described in configuration by keywords, phrases, @handles, exclusions and, optionally,
a boolean rule such as ``(Northwind OR "Trail Runner") AND NOT recall``. Matching is
case- and accent-insensitive and on whole words ("Acme" does not match "acmeology"):

- a plain keyword matches the word, its #hashtag and its @handle (``Acme`` matches "#acme");
- ``#tag`` matches only the hashtag, ``@handle`` only the handle;
- a quoted or multi-word phrase matches the words in order, whatever the spaces between them;
- an exclusion vetoes a match, whatever else matched.

Rules are evaluated over a whole column of texts at once (one vectorised regex per term), so
tagging a batch of 100,000 mentions costs a few scans, not 100,000 Python loops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce

import numpy as np
import pandas as pd

OPERATORS = {"AND", "OR", "NOT"}
_TOKEN = re.compile(r'\s*(\(|\)|"[^"]*"|[^\s()"]+)')


class RuleError(ValueError):
    """A rule that does not parse; the message says where."""


@dataclass(frozen=True)
class Term:
    text: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


Node = Term | Not | And | Or


def _tokens(rule: str) -> list[str]:
    tokens, position = [], 0
    rule = rule.strip()
    while position < len(rule):
        found = _TOKEN.match(rule, position)
        if not found:
            raise RuleError(f"unclosed quote at character {position + 1} of {rule!r}")
        tokens.append(found.group(1))
        position = found.end()
    return tokens


def parse_rule(rule: str) -> Node:
    """Parse ``rule`` (AND / OR / NOT in capitals, parentheses, "quoted phrases")."""
    tokens = _tokens(rule)
    if not tokens:
        raise RuleError("empty rule")
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def parse_or() -> Node:
        node = parse_and()
        while peek() == "OR":
            take()
            node = Or(node, parse_and())
        return node

    def parse_and() -> Node:
        node = parse_not()
        while peek() == "AND":
            take()
            node = And(node, parse_not())
        return node

    def parse_not() -> Node:
        if peek() == "NOT":
            take()
            return Not(parse_not())
        return parse_atom()

    def parse_atom() -> Node:
        token = peek()
        if token is None:
            raise RuleError(f"rule ends too early: {rule!r}")
        if token == "(":
            take()
            node = parse_or()
            if peek() != ")":
                raise RuleError(f"missing ')' in {rule!r}")
            take()
            return node
        if token == ")" or token in OPERATORS:
            raise RuleError(f"unexpected {token!r} in {rule!r}")
        take()
        text = token[1:-1] if token.startswith('"') else token
        if not text.strip():
            raise RuleError(f"empty phrase in {rule!r}")
        return Term(text)

    node = parse_or()
    if peek() is not None:
        raise RuleError(f"unexpected {peek()!r} in {rule!r}; join terms with AND or OR")
    return node


def normalise(texts: pd.Series) -> pd.Series:
    """Case-folded, accent-free text: what every pattern is matched against."""
    return (
        texts.fillna("")
        .astype(str)
        .str.normalize("NFKD")
        .str.replace(r"[\u0300-\u036f]", "", regex=True)
        .str.casefold()
    )


def _normalise_term(term: str) -> str:
    return normalise(pd.Series([term])).iloc[0].strip()


def term_pattern(term: str) -> str:
    """The regex for one term, on normalised text, with whole-word boundaries."""
    text = _normalise_term(term)
    if text[0] in "#@":
        return rf"(?<![\w#@]){re.escape(text[0])}{re.escape(text[1:])}(?!\w)"
    words = r"\s+".join(re.escape(word) for word in text.split())
    return rf"(?<![\w#@])[#@]?{words}(?!\w)"


def terms_of(node: Node) -> list[str]:
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, Not):
        return terms_of(node.operand)
    return terms_of(node.left) + terms_of(node.right)


@dataclass(frozen=True)
class BrandRule:
    """A brand compiled for matching: its expression, its exclusions, how to label a match."""

    brand: str
    is_competitor: bool
    expression: Node
    excludes: tuple[str, ...] = ()
    rule_text: str | None = None
    labels: tuple[tuple[str, str], ...] = ()  # (term, "keyword:term"), in configured order

    @classmethod
    def from_config(cls, brand) -> BrandRule:
        """From a configured brand: its ``rule`` if given, else any of its terms."""
        if brand.rule:
            return cls(
                brand.name,
                brand.competitor,
                parse_rule(brand.rule),
                tuple(brand.exclude),
                brand.rule,
            )
        labelled = [(t, f"keyword:{t}") for t in brand.keywords]
        labelled += [(t, f"phrase:{t}") for t in brand.phrases]
        labelled += [(t, f"handle:{t}") for t in brand.handles]
        labelled = labelled or [(brand.name, f"keyword:{brand.name}")]
        expression = reduce(Or, (Term(term) for term, _ in labelled))
        return cls(
            brand.name, brand.competitor, expression, tuple(brand.exclude), None, tuple(labelled)
        )


def _evaluate(node: Node, masks: dict[str, pd.Series]) -> pd.Series:
    if isinstance(node, Term):
        return masks[node.text]
    if isinstance(node, Not):
        return ~_evaluate(node.operand, masks)
    left, right = _evaluate(node.left, masks), _evaluate(node.right, masks)
    return (left & right) if isinstance(node, And) else (left | right)


def match_brands(posts: pd.DataFrame, rules: list[BrandRule]) -> pd.DataFrame:
    """Rows of ``brand_matches`` (post_id, brand, is_competitor, rule) for ``posts``.

    ``posts`` needs ``post_id`` and ``text``. The rule recorded is the brand's boolean rule, or
    else the first of its terms found in the text (``keyword:Northwind``, ``handle:@northwind``).
    """
    columns = ["post_id", "brand", "is_competitor", "rule"]
    if posts.empty or not rules:
        return pd.DataFrame(columns=columns)
    text = normalise(posts["text"])
    masks: dict[str, pd.Series] = {}
    for rule in rules:
        for term in [*terms_of(rule.expression), *rule.excludes]:
            if term not in masks:
                masks[term] = text.str.contains(term_pattern(term), regex=True)
    frames = []
    for rule in rules:
        matched = _evaluate(rule.expression, masks)
        for exclude in rule.excludes:
            matched &= ~masks[exclude]
        if not matched.any():
            continue
        if rule.rule_text:
            label = np.full(int(matched.sum()), f"rule:{rule.rule_text}", dtype=object)
        else:
            label = np.select(
                [masks[term][matched].to_numpy() for term, _ in rule.labels],
                [text for _, text in rule.labels],
                default="rule",
            )
        frames.append(
            pd.DataFrame(
                {
                    "post_id": posts.loc[matched, "post_id"].to_numpy(),
                    "brand": rule.brand,
                    "is_competitor": rule.is_competitor,
                    "rule": label,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
