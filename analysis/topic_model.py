"""The topic model of one brand's period: TF-IDF vectors of its texts, split into topics by NMF.

Reposts repeat a text word for word, so each distinct text is vectorised once and its row weighted
by its number of posts (``sqrt(n)`` on the row for NMF's squared loss, ``n`` in the document
frequencies): the topics of every post, at the cost of the distinct texts. NMF starts from an SVD
(``nndsvda``) with a fixed seed, so the same data gives the same topics on every run.

Growth is counted through the same model: the previous period's texts are weighed against this
period's topics (see ``analysis.topics`` for why topics of two fits are never matched).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.stop_words import stop_words

# scikit-learn and SciPy take about a second to import: only the fitting functions load them, so
# the dashboard's topic reads start fast.
if TYPE_CHECKING:
    import scipy.sparse as sp
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import CountVectorizer

PHRASE_WORD = re.compile(r"[\w']+")
MIN_POSTS = 10  # fewer posts in a brand's period: no topics, a split would be noise
MIN_DF = 2  # a term must appear in at least this many posts
MAX_DF = 0.95  # ...and in at most this share of them (a word in every post separates nothing)
TOP_TERMS = 10  # terms kept per topic
EXAMPLES = 3
WEIGHT_FLOOR = 0.05  # a post whose strongest topic weighs less has no topic (no usable terms)
MIN_GROWTH = 1.0  # emerging: at least twice the previous period's posts...
MIN_EMERGING_POSTS = 10  # ...at least this many posts...
MIN_EMERGING_SHARE = 0.05  # ...and this share of the brand's posts in the period;
EMERGING_PER_PERIOD = 3  # the fastest growing few of those, so the flag stays news
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\w*\b"  # words of two letters or more; "trailhead2" counts


def _tfidf(tf: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """TF-IDF rows of unit length from term counts; sublinear, because a word said three times
    is not three times the topic."""
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    tf = tf.tocsr(copy=True)
    tf.data = 1.0 + np.log(tf.data)
    return normalize(tf @ sp.diags(idf)).tocsr()


@dataclass(frozen=True)
class _Model:
    """A fitted vocabulary and NMF, to weigh any texts against the topics."""

    vectorizer: CountVectorizer
    keep: np.ndarray  # the vocabulary's columns that passed the document-frequency limits
    idf: np.ndarray
    nmf: NMF
    norms: np.ndarray  # length of each topic vector, to make them unit length

    def weights(self, docs: pd.Series) -> np.ndarray:
        tf = self.vectorizer.transform(docs)[:, self.keep]
        return self.nmf.transform(_tfidf(tf, self.idf)) * self.norms


def _fit(
    docs: pd.Series, counts: np.ndarray, brand_words: set[str], k: int
) -> tuple[_Model, np.ndarray] | None:
    """Fit TF-IDF and NMF on distinct texts as if each were repeated ``counts`` times, and return
    the model with each text's topic weights; None when no term is left.

    Document frequencies count posts, not texts, and each row is scaled by ``sqrt(count)``: NMF's
    squared loss on that row equals its loss on ``count`` identical rows.
    """
    import scipy.sparse as sp
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(
        token_pattern=TOKEN_PATTERN,
        stop_words=stop_words(brand_words),
        lowercase=False,
        dtype=np.float64,
    )
    try:
        tf = vectorizer.fit_transform(docs)
    except ValueError:  # no text has a word outside the stop words
        return None
    df = np.asarray((tf > 0).T @ counts).ravel()
    keep = (df >= MIN_DF) & (df <= MAX_DF * counts.sum())
    if not keep.any():
        return None
    idf = np.log((1.0 + counts.sum()) / (1.0 + df[keep])) + 1.0
    nmf = NMF(
        n_components=min(k, len(docs), int(keep.sum())),
        init="nndsvda",
        random_state=0,
        max_iter=1000,
    )
    root = np.sqrt(counts)
    weights = nmf.fit_transform(sp.diags(root) @ _tfidf(tf[:, keep], idf)) / root[:, None]
    # Unit-length topic vectors: a weight is then how far a (unit-length) text lies along a topic.
    norms = np.linalg.norm(nmf.components_, axis=1)
    norms[norms == 0] = 1.0
    return _Model(vectorizer, keep, idf, nmf, norms), weights * norms


def _assign(docs: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Each text's strongest topic (``index``) and its weight; texts below the floor have none."""
    best, weight = weights.argmax(axis=1), weights.max(axis=1)
    has_topic = weight >= WEIGHT_FLOOR
    return docs[has_topic].assign(index=best[has_topic], weight=weight[has_topic])


def _count_by_topic(model: _Model, docs: pd.DataFrame) -> np.ndarray:
    """Posts per topic of ``model`` among ``docs`` (another period's texts)."""
    assigned = _assign(docs, model.weights(docs["doc"]))
    return np.bincount(assigned["index"], assigned["n"], len(model.norms)).astype(int)


def topics_of_period(
    docs: pd.DataFrame, before: pd.DataFrame | None, brand_words: set[str], k: int
) -> tuple[list[dict], pd.DataFrame]:
    """Topics of one brand's period and each distinct text's topic and weight (``doc``,
    ``index``, ``weight``); none when there is too little text to split.

    ``before`` holds the previous period's texts, counted against these topics for growth.
    """
    none = pd.DataFrame(columns=["doc", "index", "weight"])
    counts = docs["n"].to_numpy(dtype=float)
    fitted = _fit(docs["doc"], counts, brand_words, k) if counts.sum() >= MIN_POSTS else None
    if fitted is None:
        return [], none
    model, weights = fitted
    assigned = _assign(docs, weights)
    previous = None if before is None else _count_by_topic(model, before)
    # Strongest texts first (ties by text), so each topic's examples are its first rows.
    assigned = assigned.iloc[np.lexsort((assigned["doc"].to_numpy(), -assigned["weight"]))]
    index, n = assigned["index"].to_numpy(), assigned["n"].to_numpy()
    first_post, docs_in_order = assigned["first_post"].to_numpy(), assigned["doc"].to_numpy()
    terms = model.vectorizer.get_feature_names_out()[model.keep]
    components = model.nmf.components_ / model.norms[:, None]
    topics = []
    for topic in np.unique(index):
        mine = index == topic
        order = np.argsort(-components[topic], kind="stable")[:TOP_TERMS]
        top_terms = [str(terms[i]) for i in order if components[topic, i] > 0]
        topics.append(
            {
                "index": int(topic),
                "top_terms": top_terms,
                "posts": int(n[mine].sum()),
                "previous_posts": None if previous is None else int(previous[topic]),
                "example_post_ids": _examples(docs_in_order[mine], first_post[mine], brand_words),
                "label": topic_phrase(docs_in_order[mine], n[mine], top_terms),
            }
        )
    _flag_emerging(topics, int(counts.sum()))
    return topics, assigned[["doc", "index", "weight"]]


def topic_phrase(docs: np.ndarray, counts: np.ndarray, top_terms: list[str]) -> str:
    """The topic's name: the phrase its texts say most often, made of its own top terms
    ("trailhead jacket zipper"), since a reader knows a phrase where a bag of words must be
    decoded. The longest run of adjacent top terms that holds at least half the uses of the most
    used pair wins; without any pair the three top terms are the name."""
    wanted = set(top_terms[:TOP_TERMS])
    runs: Counter[tuple[str, ...]] = Counter()
    for doc, n in zip(docs, counts, strict=True):
        words = PHRASE_WORD.findall(str(doc).lower())
        for size in (2, 3):
            for start in range(len(words) - size + 1):
                run = tuple(words[start : start + size])
                if set(run) <= wanted and len(set(run)) == size:
                    runs[run] += int(n)
    pairs = [(run, uses) for run, uses in runs.most_common() if len(run) == 2]
    if not pairs:
        return ", ".join(top_terms[:3])
    best, uses = pairs[0]
    longer = [
        (run, more)
        for run, more in runs.items()
        if len(run) == 3 and more * 2 >= uses and (run[:2] == best or run[1:] == best)
    ]
    if longer:
        best = max(longer, key=lambda item: (item[1], item[0]))[0]
    return " ".join(best).capitalize()


def _examples(docs: np.ndarray, first_posts: np.ndarray, brand_words: set[str]) -> list[str]:
    """The first posts of the strongest texts (``docs`` come strongest first), preferring texts
    that say different things: texts differing only in how they name the brand count once."""
    seen: set[str] = set()
    chosen: list[int] = []
    for i, doc in enumerate(docs):
        key = " ".join(word for word in doc.split() if word not in brand_words)
        if key not in seen:
            seen.add(key)
            chosen.append(i)
            if len(chosen) == EXAMPLES:
                break
    chosen += [i for i in range(min(len(docs), 2 * EXAMPLES)) if i not in chosen]
    return [str(first_posts[i]) for i in chosen[:EXAMPLES]]


def _flag_emerging(topics: list[dict], period_posts: int) -> None:
    """Set ``growth`` = (posts - previous_posts) / max(previous_posts, 1), NULL without a
    previous period, and flag the fastest growing topics that are big enough to matter."""
    floor = max(MIN_EMERGING_POSTS, MIN_EMERGING_SHARE * period_posts)
    for topic in topics:
        previous = topic["previous_posts"]
        topic["growth"] = (
            None if previous is None else round((topic["posts"] - previous) / max(previous, 1), 3)
        )
        topic["emerging"] = False
    candidates = [
        t
        for t in topics
        if t["growth"] is not None and t["growth"] >= MIN_GROWTH and t["posts"] >= floor
    ]
    candidates.sort(key=lambda t: (-t["growth"], -t["posts"], t["index"]))
    for topic in candidates[:EMERGING_PER_PERIOD]:
        topic["emerging"] = True
