"""VADER, faster, with the same answers.

`vaderSentiment` spends most of its time lower-casing the whole token list again for every
sentiment word it checks (``_negation_check`` and ``_special_idioms_check``), and building each
text character by character while it looks for emoji. This subclass lower-cases the tokens once
per text and finds emoji with one regular expression. Nothing else changes, so its
scores are identical to ``SentimentIntensityAnalyzer().polarity_scores`` (the tests compare
them on thousands of texts).
"""

from __future__ import annotations

import re

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    SentiText,
    scalar_inc_dec,
)

_NEGATE = frozenset(NEGATE)


def _negated(word: str) -> bool:
    """``vaderSentiment.negated([word])`` for one word."""
    word = str(word).lower()
    return word in _NEGATE or "n't" in word


class FastSentimentIntensityAnalyzer(SentimentIntensityAnalyzer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # VADER looks emoji up one character at a time, so only one-character keys can match.
        singles = sorted(k for k in self.emojis if len(k) == 1)
        self._emoji_chars = frozenset(singles)
        self._emoji = re.compile("[" + "".join(re.escape(k) for k in singles) + "]")

    def polarity_scores(self, text: str) -> dict[str, float]:
        if not self._emoji_chars.isdisjoint(text):
            text = self._describe_emoji(text)
        return self._scores_without_emoji(text.strip())

    def _describe_emoji(self, text: str) -> str:
        """VADER's emoji loop: each emoji becomes its description, preceded by a space unless
        the text so far ends with one (a previous emoji's description does not)."""

        def describe(match: re.Match) -> str:
            start = match.start()
            before = text[start - 1] if start else " "
            space = "" if before == " " and before not in self._emoji_chars else " "
            return space + self.emojis[match.group()]

        return self._emoji.sub(describe, text)

    def _scores_without_emoji(self, text: str) -> dict[str, float]:
        # The body of SentimentIntensityAnalyzer.polarity_scores after its emoji loop, with
        # the tokens lower-cased once instead of once per check.
        sentitext = SentiText(text)
        words = sentitext.words_and_emoticons
        lower = [str(word).lower() for word in words]
        is_cap_diff = sentitext.is_cap_diff
        last = len(words) - 1
        sentiments: list[float] = []
        for i, item in enumerate(words):
            low = lower[i]
            if low in BOOSTER_DICT or (i < last and low == "kind" and lower[i + 1] == "of"):
                sentiments.append(0)
                continue
            sentiments.append(self._valence(words, lower, is_cap_diff, item, i))
        sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)

    def _valence(
        self, words: list, lower: list[str], is_cap_diff: bool, item: str, i: int
    ) -> float:
        """``sentiment_valence`` for token ``i``, reading the lower-cased tokens."""
        lexicon = self.lexicon
        low = lower[i]
        if low not in lexicon:
            return 0
        valence = lexicon[low]
        if low == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ["or", "nor"])
        ):
            valence = lexicon[low] * N_SCALAR
        if item.isupper() and is_cap_diff:
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for start_i in range(0, 3):
            if i > start_i and lower[i - (start_i + 1)] not in lexicon:
                s = scalar_inc_dec(words[i - (start_i + 1)], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _negation(valence, lower, start_i, i)
                if start_i == 2:
                    valence = _special_idioms(valence, lower, i)
        return _least(valence, lower, i, lexicon)


def _negation(valence: float, lower: list[str], start_i: int, i: int) -> float:
    """``SentimentIntensityAnalyzer._negation_check`` on lower-cased tokens."""
    if start_i == 0 and _negated(lower[i - 1]):
        valence = valence * N_SCALAR
    if start_i == 1:
        if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if (
            lower[i - 3] == "never"
            and (lower[i - 2] == "so" or lower[i - 2] == "this")
            or (lower[i - 1] == "so" or lower[i - 1] == "this")
        ):
            valence = valence * 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _negated(lower[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms(valence: float, lower: list[str], i: int) -> float:
    """``SentimentIntensityAnalyzer._special_idioms_check``; only called for i >= 3, so every
    index is the one VADER reads."""
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for sequence in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if sequence in SPECIAL_CASES:
            valence = SPECIAL_CASES[sequence]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _least(valence: float, lower: list[str], i: int, lexicon: dict) -> float:
    """``SentimentIntensityAnalyzer._least_check`` on lower-cased tokens."""
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence
