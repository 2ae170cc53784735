"""VADER, faster, with the same answers.

`vaderSentiment` spends most of its time lower-casing the whole token list again for every
sentiment word it checks (``_negation_check`` and ``_special_idioms_check``), and walking every
character of every text looking for emoji. This subclass lower-cases only the tokens those
checks read and skips the emoji walk for texts without emoji. Nothing else changes, so its
scores are identical to ``SentimentIntensityAnalyzer().polarity_scores`` (the tests compare
them on thousands of texts).
"""

from __future__ import annotations

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

_NEGATE = frozenset(NEGATE)


def _negated(word: str) -> bool:
    """``vaderSentiment.negated([word])`` for one word."""
    word = str(word).lower()
    return word in _NEGATE or "n't" in word


class FastSentimentIntensityAnalyzer(SentimentIntensityAnalyzer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._emoji_chars = frozenset(self.emojis)

    def polarity_scores(self, text: str) -> dict[str, float]:
        if self._emoji_chars.isdisjoint(text):
            return self._scores_without_emoji(text.strip())
        return super().polarity_scores(text)

    def _scores_without_emoji(self, text: str) -> dict[str, float]:
        # The body of SentimentIntensityAnalyzer.polarity_scores after its emoji loop, which
        # leaves a text without emoji unchanged but for strip().
        from vaderSentiment.vaderSentiment import SentiText

        sentitext = SentiText(text)
        sentiments: list[float] = []
        words = sentitext.words_and_emoticons
        for i, item in enumerate(words):
            lower = item.lower()
            if lower in BOOSTER_DICT:
                sentiments.append(0)
                continue
            if i < len(words) - 1 and lower == "kind" and words[i + 1].lower() == "of":
                sentiments.append(0)
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)

    @staticmethod
    def _negation_check(valence, words_and_emoticons, start_i, i):
        def low(k: int) -> str:
            return str(words_and_emoticons[k]).lower()

        if start_i == 0 and _negated(low(i - 1)):
            valence = valence * N_SCALAR
        if start_i == 1:
            if low(i - 2) == "never" and (low(i - 1) == "so" or low(i - 1) == "this"):
                valence = valence * 1.25
            elif low(i - 2) == "without" and low(i - 1) == "doubt":
                pass
            elif _negated(low(i - 2)):
                valence = valence * N_SCALAR
        if start_i == 2:
            if (low(i - 3) == "never" and (low(i - 2) == "so" or low(i - 2) == "this")
                    or (low(i - 1) == "so" or low(i - 1) == "this")):
                valence = valence * 1.25
            elif low(i - 3) == "without" and (low(i - 2) == "doubt" or low(i - 1) == "doubt"):
                pass
            elif _negated(low(i - 3)):
                valence = valence * N_SCALAR
        return valence

    @staticmethod
    def _special_idioms_check(valence, words_and_emoticons, i):
        # Called only for i >= 3 (start_i == 2), so every index below is the one VADER reads.
        size = len(words_and_emoticons)
        w = {k: str(words_and_emoticons[k]).lower()
             for k in range(i - 3, min(i + 3, size))}
        onezero = f"{w[i - 1]} {w[i]}"
        twoonezero = f"{w[i - 2]} {w[i - 1]} {w[i]}"
        twoone = f"{w[i - 2]} {w[i - 1]}"
        threetwoone = f"{w[i - 3]} {w[i - 2]} {w[i - 1]}"
        threetwo = f"{w[i - 3]} {w[i - 2]}"
        for sequence in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if sequence in SPECIAL_CASES:
                valence = SPECIAL_CASES[sequence]
                break
        if size - 1 > i:
            zeroone = f"{w[i]} {w[i + 1]}"
            if zeroone in SPECIAL_CASES:
                valence = SPECIAL_CASES[zeroone]
        if size - 1 > i + 1:
            zeroonetwo = f"{w[i]} {w[i + 1]} {w[i + 2]}"
            if zeroonetwo in SPECIAL_CASES:
                valence = SPECIAL_CASES[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):
            if n_gram in BOOSTER_DICT:
                valence = valence + BOOSTER_DICT[n_gram]
        return valence
