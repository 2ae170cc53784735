"""Stop words: the words that say nothing about what a brand's mentions are about.

Topics and spike alerts name what people say by the words they use most, so both drop the same
words first: scikit-learn's English list, plus the French that many audiences write and the filler
and fragments of social posts. One list for both, so a word that never names a topic never names
an alert either.
"""

from __future__ import annotations

from collections.abc import Iterable

# Word fragments left by the cleaning, filler words of social posts, and the French words the
# demo's and many brands' audiences write.
SOCIAL_STOP_WORDS = frozenset(
    {
        "amp",
        "rt",
        "http",
        "https",
        "www",
        "com",
        "isn",
        "aren",
        "wasn",
        "don",
        "doesn",
        "didn",
        "won",
        "wouldn",
        "couldn",
        "shouldn",
        "ve",
        "ll",
        "re",
        "im",
        "just",
        "got",
        "really",
    }
)
FRENCH_STOP_WORDS = frozenset(
    {
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cette",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "est",
        "et",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "mes",
        "mon",
        "ne",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sont",
        "sur",
        "ta",
        "te",
        "tes",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "très",
        "été",
        "être",
        "ai",
        "avez",
        "avons",
    }
)


def stop_words(extra: Iterable[str] = ()) -> list[str]:
    """English, French and social stop words, with ``extra`` words (a brand's own names), sorted.

    scikit-learn takes about a second to import, so its English list is loaded only here: the
    modules that hold stop words start fast, and only a fit or a scan pays for it.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | FRENCH_STOP_WORDS | SOCIAL_STOP_WORDS | set(extra))
