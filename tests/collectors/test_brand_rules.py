"""The brand rule engine on its own, one small case at a time."""

import re

import pandas as pd
import pytest

from socialpulse.brand_rules import BrandRule, RuleError, match_brands, parse_rule
from socialpulse.config import Brand


def matches(text: str, **brand) -> list[str]:
    rule = BrandRule.from_config(Brand(name=brand.pop("name", "Acme"), **brand))
    found = match_brands(pd.DataFrame({"post_id": ["p"], "text": [text]}), [rule])
    return found["rule"].tolist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I love Acme", ["keyword:Acme"]),
        ("i love ACME!", ["keyword:Acme"]),
        ("Acme, again.", ["keyword:Acme"]),
        ("(acme)", ["keyword:Acme"]),
        ("acmeology is a word", []),
        ("superacme", []),
        ("acme_corp", []),
        ("#acme rocks", ["keyword:Acme"]),
        ("thanks @acme", ["keyword:Acme"]),
        ("email me at support.acme.example", ["keyword:Acme"]),
        ("", []),
    ],
)
def test_keyword_is_a_whole_word_and_covers_its_hashtag_and_handle(text, expected):
    assert matches(text, keywords=["Acme"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café Olé opens today", ["keyword:Café Olé"]),
        ("cafe ole opens today", ["keyword:Café Olé"]),
        ("CAFÉ   OLÉ", ["keyword:Café Olé"]),
        ("cafe olé-ish", ["keyword:Café Olé"]),
        ("cafeole", []),
    ],
)
def test_matching_ignores_case_accents_and_spacing(text, expected):
    assert matches(text, keywords=["Café Olé"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#acme is trending", ["keyword:#acme"]),
        ("acme is trending", []),
        ("#acmefans", []),
        ("@acme said", []),
    ],
)
def test_a_hashtag_term_matches_only_the_hashtag(text, expected):
    assert matches(text, keywords=["#acme"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@acme_help please answer", ["handle:@acme_help"]),
        ("acme_help", []),
        ("@acme_helpdesk", []),
    ],
)
def test_a_handle_term_matches_only_the_handle(text, expected):
    assert matches(text, handles=["@acme_help"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme Rocket Skates are fast", ["phrase:Acme Rocket Skates"]),
        ("Acme Rocket\nSkates", ["phrase:Acme Rocket Skates"]),
        ("Rocket Skates by Acme", []),
    ],
)
def test_phrases_match_words_in_order(text, expected):
    assert matches(text, phrases=["Acme Rocket Skates"]) == expected


def test_exclusions_veto_a_match():
    assert matches("Acme Airlines lost my bag", keywords=["Acme"], exclude=["Acme Airlines"]) == []
    assert (
        matches("Acme skates and Acme Airlines", keywords=["Acme"], exclude=["Acme Airlines"]) == []
    )
    assert matches("Acme skates", keywords=["Acme"], exclude=["Acme Airlines"]) == ["keyword:Acme"]


def test_the_first_configured_term_found_is_recorded():
    assert matches("#acme and Acme", keywords=["Acme", "#acme"]) == ["keyword:Acme"]
    assert matches("only #acme", keywords=["Acme Corp", "#acme"]) == ["keyword:#acme"]


@pytest.mark.parametrize(
    ("rule", "text", "hit"),
    [
        ("acme AND skates", "acme skates", True),
        ("acme AND skates", "acme only", False),
        ("acme OR roadrunner", "beep beep roadrunner", True),
        ("acme AND NOT recall", "acme recall notice", False),
        ("acme AND NOT recall", "acme new skates", True),
        ("NOT acme", "nothing here", True),
        ('(acme OR "road runner") AND skates', "road runner skates", True),
        ('(acme OR "road runner") AND skates', "road runner", False),
        ("acme OR roadrunner AND skates", "acme", True),  # AND binds tighter than OR
        ("(acme OR roadrunner) AND skates", "acme", False),
        ("NOT NOT acme", "acme", True),
        ('"acme skates"', "acme   skates", True),
        ("#acme AND @coyote", "#acme vs @coyote", True),
    ],
)
def test_boolean_rules(rule, text, hit):
    assert bool(matches(text, rule=rule)) is hit


def test_a_rule_is_recorded_as_the_rule():
    assert matches("acme skates", rule="acme AND skates") == ["rule:acme AND skates"]


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ("(acme OR skates", "missing ')'"),
        ("acme OR", "ends too early"),
        ("acme skates", "join terms with AND or OR"),
        ('"acme', "unclosed quote"),
        ("AND acme", "unexpected 'AND'"),
        ('""', "empty phrase"),
        ("", "empty rule"),
        (")", "unexpected ')'"),
    ],
)
def test_bad_rules_say_what_is_wrong(rule, error):
    with pytest.raises(RuleError, match=re.escape(error)):
        parse_rule(rule)


def test_several_brands_and_posts_at_once():
    rules = [
        BrandRule.from_config(Brand(name="Acme", keywords=["Acme"])),
        BrandRule.from_config(Brand(name="Coyote", competitor=True, keywords=["Coyote"])),
    ]
    posts = pd.DataFrame(
        {"post_id": ["1", "2", "3"], "text": ["Acme vs Coyote", "just Coyote", "neither"]}
    )
    found = match_brands(posts, rules).sort_values(["post_id", "brand"])
    assert found[["post_id", "brand", "is_competitor"]].values.tolist() == [
        ["1", "Acme", False],
        ["1", "Coyote", True],
        ["2", "Coyote", True],
    ]


def test_a_brand_with_no_terms_matches_its_name():
    assert matches("Acme!", name="Acme") == ["keyword:Acme"]
