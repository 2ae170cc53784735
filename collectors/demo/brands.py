"""The brands the demo listens for: Northwind and two competitors, how posts write their names,
and the brand match each mention records.

The written form and the match rule are drawn together so that a mention's text always contains
what its rule claims to have matched, as it would after the real matcher.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BRANDS = ("Northwind", "Summitline", "Kestrel Gear")
COMPETITOR = (False, True, True)
BRAND_SHARE = (0.45, 0.35, 0.20)
# How each brand is written in a post, and the rule that a match on that form records.
BRAND_FORMS = (
    (
        ("Northwind", "keyword:Northwind"),
        ("@northwind", "handle:@northwind"),
        ("#northwind", "keyword:#northwind"),
        ("Northwind Outfitters", "phrase:Northwind Outfitters"),
    ),
    (("Summitline", "keyword:Summitline"), ("@summitline", "handle:@summitline")),
    (
        ("Kestrel Gear", "phrase:Kestrel Gear"),
        ("#kestrelgear", "keyword:#kestrelgear"),
        ("@kestrelgear", "handle:@kestrelgear"),
    ),
)


def brand_text_forms(rng: np.random.Generator, brand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per mention, the brand name as written and the match rule it triggers."""
    form = np.empty(len(brand), dtype=object)
    rule = np.empty(len(brand), dtype=object)
    for b, forms in enumerate(BRAND_FORMS):
        rows = np.flatnonzero(brand == b)
        pick = rng.integers(0, len(forms), len(rows))
        form[rows] = np.asarray([f for f, _ in forms], dtype=object)[pick]
        rule[rows] = np.asarray([r for _, r in forms], dtype=object)[pick]
    return form, rule


def brand_matches(post_id: np.ndarray, brand: np.ndarray, rule: np.ndarray) -> pd.DataFrame:
    """The ``brand_matches`` rows: one per matched post, with the brand given by its index."""
    return pd.DataFrame(
        {
            "post_id": post_id,
            "brand": np.asarray(BRANDS, dtype=object)[brand],
            "is_competitor": np.asarray(COMPETITOR)[brand],
            "rule": rule,
        }
    )
