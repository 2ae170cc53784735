"""The words of the demo organisation: templates that read like real posts and move VADER.

Templates are grouped by tone so the demo's sentiment has a known shape (the crisis is negative,
the launch positive), and they carry what real posts carry: negations ("not bad", "isn't
great"), emphasis, hashtags, emoji, @handles and links.
"""

from __future__ import annotations

import numpy as np

PRODUCTS = (
    "Trailhead jacket",
    "Ridge tent",
    "Summit pack",
    "Alpine boots",
    "Cascade sleeping bag",
    "Basecamp stove",
    "Drift rain shell",
    "Canyon trail shoes",
    "Glacier gloves",
    "Ember headlamp",
)
CITIES = (
    ("US", "Portland", 45.52, -122.68),
    ("US", "Denver", 39.74, -104.99),
    ("US", "Seattle", 47.61, -122.33),
    ("US", "Chicago", 41.88, -87.63),
    ("CA", "Toronto", 43.65, -79.38),
    ("CA", "Vancouver", 49.28, -123.12),
    ("FR", "Lyon", 45.76, 4.84),
    ("FR", "Paris", 48.86, 2.35),
    ("GB", "London", 51.51, -0.13),
    ("DE", "Munich", 48.14, 11.58),
)
POSITIVE_EMOJI = ("😍", "🙌", "👍", "🔥", "😊", "")
NEGATIVE_EMOJI = ("😡", "👎", "😞", "🤬", "")
LINKS = ("https://t.co/aX91kd", "https://bit.ly/3nwTrail", "https://example.com/review", "")

EXTERNAL: dict[str, tuple[str, ...]] = {
    "positive": (
        "Just got my new {brand} {product} and I love it! {pos}",
        "{brand} customer service was amazing, they replaced my {product} in two days. {tag}",
        "Honestly the {brand} {product} is not bad at all for the price.",
        "Can't recommend {brand} enough, best {product} I've owned. {link}",
        "Three weeks in {city} with the {brand} {product} and it is still great {pos}",
        "The {brand} {product} kept me dry all weekend. Very happy with it! {tag}",
        "Shoutout to the {brand} store in {city}, super helpful staff {pos}",
        "{brand} really nailed the fit this season, the {product} is excellent.",
    ),
    "neutral": (
        "Does anyone know if the {brand} {product} runs small?",
        "{brand} is opening a new store in {city} next month. {link}",
        "Comparing the {brand} {product} with the {other} one, any thoughts?",
        "Ordered the {brand} {product} today, will report back after the trip.",
        "Is the {brand} {product} available in green? {tag}",
        "{brand} announced its spring catalogue. {link}",
        "Picked up a {brand} {product} at the {city} outlet.",
    ),
    "negative": (
        "My {brand} {product} fell apart after two weeks. Really disappointed {neg}",
        "{brand} support is terrible, still waiting on a refund for my {product}.",
        "The {brand} {product} isn't great in the rain. Not impressed.",
        "Worst purchase this year: the {brand} {product}. Never again {neg}",
        "Why is {brand} shipping so slow? Ordered my {product} a month ago {tag}",
        "The {brand} {product} is overpriced and uncomfortable. {neg}",
    ),
    "crisis": (
        "The {brand} Trailhead jacket zipper broke on day one, this recall is a disaster #northwindfail {neg}",
        "Heard {brand} is recalling the Trailhead jackets?? Awful quality control {neg}",
        "{brand} won't answer about the Trailhead recall. Angry customer here {neg} #northwindfail",
        "Returned my {brand} Trailhead jacket, the zipper failure is dangerous on a mountain {neg}",
        "So {brand} sold faulty jackets and now hides it. Shameful. {link}",
    ),
    "launch": (
        "The new {brand} Trailhead 2 jacket just launched and it looks amazing! #trailhead2 {pos}",
        "Pre-ordered the {brand} Trailhead 2, so excited {pos} #trailhead2",
        "{brand} Trailhead 2 review: lighter, warmer, great pockets. {link}",
    ),
}
HEADLINES: dict[str, tuple[str, ...]] = {
    "positive": (
        "{brand} reports a record quarter as outdoor sales climb",
        "Review: the {brand} {product} is the best value of the year",
    ),
    "neutral": (
        "{brand} opens flagship store in {city}",
        "{brand} names new head of retail",
        "Outdoor brands, including {brand}, prepare for the winter season",
    ),
    "negative": (
        "{brand} faces criticism over late deliveries",
        "Customers complain about {brand} {product} quality",
    ),
    "crisis": (
        "{brand} recalls Trailhead jackets after zipper failures",
        "Safety concerns grow over {brand} Trailhead jacket recall",
    ),
    "launch": ("{brand} launches the Trailhead 2 jacket",),
}
BRAND_REPLIES = (
    "Sorry to hear that! Please DM us your order number and we'll make it right.",
    "Thanks for letting us know, our team is looking into it now.",
    "We're so glad you love it! Thanks for sharing.",
)
OWNED_POSTS = (
    "New season, new trails. Meet the {product}. {link} #northwind",
    "Tips for your first winter hike, from our {city} store team. {link}",
    "Thank you for 10 years of adventures together! #northwind",
)

INTERNAL: dict[str, tuple[str, ...]] = {
    "post": (
        "Has anyone got the latest {metric} numbers for {place}?",
        "Great job on the {project} launch, team! 🎉",
        "The {system} is down again, this is frustrating.",
        "Reminder: {project} review tomorrow at 10.",
        "Who knows how to export reports from the {system}?",
        "Sharing the {project} retrospective notes, feedback welcome.",
        "Customers in {place} are asking about the {product} again.",
        "Huge thanks to the {place} team for helping with the {project} demo!",
    ),
    "reply": (
        "Thanks, that helps!",
        "I can take a look this afternoon.",
        "+1, same issue here.",
        "Try the export button under Settings, it works for me.",
        "Great work, well done everyone!",
        "Not sure, maybe ask the {place} team?",
        "That's annoying, I'll raise a ticket.",
    ),
    "post_fr": (
        "Quelqu'un a les chiffres de {metric} pour {place} ?",
        "Bravo à toute l'équipe pour le lancement de {project} !",
        "Le {system} est encore en panne, c'est pénible.",
    ),
    "reply_fr": ("Merci, c'est très utile !", "Je regarde ça cet après-midi.", "Pareil ici."),
    "announcement": (
        "Announcement: our {project} programme starts next month. Read the details and react to show you've seen it.",
        "Announcement: new travel policy for {place}. Please read it before your next trip.",
        "Announcement: quarterly results are in, thank you all for a strong quarter!",
    ),
    "answer": (
        "Confirmed, I can work tomorrow.",
        "Yes, available tomorrow.",
        "Confirmed.",
        "I can work, but from home.",
        "Sorry, I cannot work tomorrow.",
    ),
}
CHECK_IN_TEXT = (
    "Check-in: because of the Trailhead recall we need all hands tomorrow. "
    "Please reply to confirm you can work tomorrow."
)
METRICS = ("sales", "returns", "footfall", "NPS", "inventory")
PROJECTS = ("Trailhead 2", "spring catalogue", "loyalty app", "store refit", "ERP migration")
SYSTEMS = ("ERP", "VPN", "POS system", "intranet", "expense tool")


def fill(
    rng: np.random.Generator,
    templates: tuple[str, ...],
    n: int,
    **slots: np.ndarray | tuple[str, ...] | str,
) -> list[str]:
    """``n`` texts from random ``templates``, each slot drawn per text (or fixed per call).

    A slot may be a per-row array (the row's brand), a tuple to sample from, or one string.
    """
    choice = rng.integers(0, len(templates), n)
    columns: dict[str, np.ndarray] = {}
    for name, value in slots.items():
        if isinstance(value, np.ndarray):
            columns[name] = value
        elif isinstance(value, tuple):
            columns[name] = np.asarray(value, dtype=object)[rng.integers(0, len(value), n)]
        else:
            columns[name] = np.full(n, value, dtype=object)
    names = list(columns)
    rows = zip(choice, *(columns[name] for name in names), strict=True)
    texts = [
        " ".join(templates[t].format(**dict(zip(names, values, strict=True))).split())
        for t, *values in rows
    ]
    return texts
