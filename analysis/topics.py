"""Topics of brand mentions: what people say about each brand, per period, and what is new.

Per brand and calendar period, the mentions' texts become TF-IDF vectors and NMF splits them into
a few topics, each named by its top terms. Every post goes to its strongest topic, so a topic has
a volume, a net sentiment and example posts, like a brand.

Growth compares a topic with the previous period through the same model: the previous period's
posts are assigned to this period's topics, and ``previous_posts`` counts those that land in the
topic. Topics of two separate NMF runs rarely line up one to one (one month's "rain, shell" topic
is the next month's "rain, drift, jacket"), so matching topic to topic would call half of them
new every month; counting last month's posts with this month's model does not. The topics with the
largest growth, big enough to matter, are flagged ``emerging``: that is how a recall shows up in
the list before anyone has named it.

Reposts repeat a text word for word, so each distinct text is vectorised once and its row weighted
by its number of posts (``sqrt(n)`` on the row for NMF's squared loss, ``n`` in the document
frequencies): the topics of every post, at the cost of the distinct texts. NMF starts from an SVD
(``nndsvda``) with a fixed seed, so the same data gives the same topics on every run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from analysis.period import Period
from analysis.stop_words import FRENCH_STOP_WORDS as FRENCH_STOP_WORDS
from analysis.stop_words import SOCIAL_STOP_WORDS as SOCIAL_STOP_WORDS
from analysis.stop_words import stop_words
from socialpulse.warehouse import transaction, upsert

# scikit-learn and SciPy take about a second to import: only the fitting functions load them, so
# the dashboard's topic reads start fast.
if TYPE_CHECKING:
    import scipy.sparse as sp
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import CountVectorizer

log = logging.getLogger(__name__)

# Period name -> the DuckDB date_trunc part and the length of one period.
PERIODS: dict[str, tuple[str, pd.DateOffset]] = {
    "week": ("week", pd.DateOffset(weeks=1)),
    "month": ("month", pd.DateOffset(months=1)),
    "quarter": ("quarter", pd.DateOffset(months=3)),
}
MIN_POSTS = 10  # fewer posts in a brand's period: no topics, a split would be noise
MIN_DF = 2  # a term must appear in at least this many posts
MAX_DF = 0.95  # ...and in at most this share of them (a word in every post separates nothing)
TOP_TERMS = 10  # terms kept per topic
LABEL_TERMS = 3
EXAMPLES = 3
WEIGHT_FLOOR = 0.05  # a post whose strongest topic weighs less has no topic (no usable terms)
MIN_GROWTH = 1.0  # emerging: at least twice the previous period's posts...
MIN_EMERGING_POSTS = 10  # ...at least this many posts...
MIN_EMERGING_SHARE = 0.05  # ...and this share of the brand's posts in the period;
EMERGING_PER_PERIOD = 3  # the fastest growing few of those, so the flag stays news

TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\w*\b"  # words of two letters or more; "trailhead2" counts
TOPIC_COLUMNS = [
    "topic_id",
    "brand",
    "period_start",
    "period_end",
    "label",
    "top_terms",
    "posts",
    "net_sentiment",
    "previous_posts",
    "growth",
    "emerging",
    "example_post_ids",
    "computed_at",
]

# Lower-case, drop links and @handles, keep letters and digits: reposts and replies that only
# differ by the handle they address become one distinct text.
_CLEAN_TEXT = (
    r"trim(regexp_replace(regexp_replace(lower(p.text), '(https?://|www\.)\S+|@[\pL\pN_]+', ' ',"
    r" 'g'), '[^\pL\pN]+', ' ', 'g'))"
)


def compute_topics(
    con: duckdb.DuckDBPyConnection,
    period: str = "month",
    topics_per_brand: int = 6,
    periods: int | None = None,
) -> pd.DataFrame:
    """Compute and store the topics of every brand in every period; return the topic rows.

    Args:
        con: a read-write warehouse connection.
        period: "week", "month" (default) or "quarter", calendar-aligned.
        topics_per_brand: topics per brand and period (fewer when the texts are too few).
        periods: recompute only the most recent ``periods`` periods and keep older ones, so
            ``pulse analyze`` stays incremental (2 recomputes the current and the previous one).

    Growth is (posts - previous_posts) / max(previous_posts, 1): 1.0 means the topic doubled.
    The recomputed periods' topics and post assignments are replaced as a whole, because a
    rerun on more data may find fewer topics than were stored.
    """
    if period not in PERIODS:
        raise ValueError(f"{period!r}: expected one of {', '.join(PERIODS)}")
    if periods is not None and periods < 1:
        raise ValueError("periods must be at least 1")
    since = _first_period(con, period, periods)
    if since is None:
        return pd.DataFrame(columns=TOPIC_COLUMNS)
    try:
        docs = _collect_docs(con, period, _shift(since, period, -1))
        names = _brand_names(con)
        groups = dict(list(docs.groupby(["brand", "period_start"], sort=True)))
        found, assigned = [], []
        # The matrices are small: one BLAS thread is faster, and threads waiting on each other
        # (or on DuckDB's) made the fits up to 8x slower on a busy two-core machine.
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            for (brand, start), group in groups.items():
                if start < since:
                    continue
                before = groups.get((brand, _shift(start, period, -1)))
                topics, texts = _topics_of_period(
                    group, before, names.get(brand, set()), topics_per_brand
                )
                found += [dict(t, brand=brand, period_start=start) for t in topics]
                assigned.append(texts.assign(brand=brand, period_start=start))
        rows = _topic_rows(found, period)
        post_topics = _post_topics(con, assigned, rows)
        rows = _add_sentiment(con, rows, post_topics)
        _store(con, since, rows, post_topics)
    finally:
        con.execute("DROP TABLE IF EXISTS _topic_docs")
    log.info("topics: %d topics from %s", len(rows), since)
    return rows


def topics_for(
    con: duckdb.DuckDBPyConnection, brand: str, period_start: date | str
) -> pd.DataFrame:
    """The stored topics of one brand in one period, largest first, for the dashboard."""
    return con.execute(
        "SELECT * FROM topics WHERE brand = ? AND period_start = ?::DATE "
        "ORDER BY posts DESC, topic_id",
        [brand, str(period_start)],
    ).df()


def _shift(start: date, period: str, periods: int) -> date:
    return (pd.Timestamp(start) + PERIODS[period][1] * periods).date()


def _first_period(con: duckdb.DuckDBPyConnection, period: str, periods: int | None) -> date | None:
    """The start of the oldest period to recompute: the first with data, or ``periods`` back
    from the latest."""
    part = PERIODS[period][0]
    first, last = con.execute(
        f"SELECT date_trunc('{part}', min(p.created_at))::DATE, "
        f"date_trunc('{part}', max(p.created_at))::DATE "
        "FROM posts p WHERE p.post_id IN (SELECT post_id FROM brand_matches)"
    ).fetchall()[0]
    if last is None:
        return None
    if periods is None:
        return first
    return max(first, _shift(last, period, 1 - periods))


def _collect_docs(con: duckdb.DuckDBPyConnection, period: str, since: date) -> pd.DataFrame:
    """Distinct cleaned texts per brand and period, with their post count and first post.

    The post-to-text mapping stays in a temporary table, to turn text topics into post topics.
    """
    part = PERIODS[period][0]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _topic_docs AS
        SELECT m.brand, date_trunc('{part}', p.created_at)::DATE AS period_start,
               p.post_id, p.created_at, {_CLEAN_TEXT} AS doc
        FROM brand_matches m JOIN posts p USING (post_id)
        WHERE p.created_at >= ?
        """,
        [since],
    )
    docs = con.execute(
        """
        SELECT brand, period_start, doc, count(*) AS n,
               arg_min(post_id, (created_at, post_id)) AS first_post
        FROM _topic_docs GROUP BY ALL ORDER BY brand, period_start, doc
        """
    ).df()
    return docs.assign(period_start=docs["period_start"].dt.date)


def _brand_names(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """The words of each brand's own names (its name and the keywords, phrases and handles that
    matched it): every mention contains them, so as topic terms they would say nothing."""
    names: dict[str, set[str]] = {}
    for brand, rule in con.execute("SELECT DISTINCT brand, rule FROM brand_matches").fetchall():
        kind, _, term = (rule or "").partition(":")
        for form in (brand, term if kind in ("keyword", "phrase", "handle") else ""):
            words = re.findall(r"[^\W\d_]+", form.lower())
            names.setdefault(brand, set()).update([*words, "".join(words)] if words else [])
    return names


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


def _topics_of_period(
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
        topics.append(
            {
                "index": int(topic),
                "top_terms": [str(terms[i]) for i in order if components[topic, i] > 0],
                "posts": int(n[mine].sum()),
                "previous_posts": None if previous is None else int(previous[topic]),
                "example_post_ids": _examples(docs_in_order[mine], first_post[mine], brand_words),
            }
        )
    _flag_emerging(topics, int(counts.sum()))
    return topics, assigned[["doc", "index", "weight"]]


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


def _topic_rows(found: list[dict], period: str) -> pd.DataFrame:
    """One row per topic, numbered by volume within its brand and period (1 = largest)."""
    if not found:
        return pd.DataFrame(columns=[*TOPIC_COLUMNS, "index"])
    rows = pd.DataFrame(found)
    rows["label"] = rows["top_terms"].map(lambda terms: ", ".join(terms[:LABEL_TERMS]))
    rows = rows.sort_values(
        ["brand", "period_start", "posts", "label"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    rank = rows.groupby(["brand", "period_start"]).cumcount() + 1
    rows["topic_id"] = (
        rows["brand"] + "|" + rows["period_start"].astype(str) + "|" + rank.astype(str)
    )
    rows["period_end"] = [
        _shift(start, period, 1) - timedelta(days=1) for start in rows["period_start"]
    ]
    rows["previous_posts"] = rows["previous_posts"].astype("Int64")
    rows["growth"] = rows["growth"].astype("Float64")
    return rows.reset_index(drop=True)


def _post_topics(
    con: duckdb.DuckDBPyConnection, assigned: list[pd.DataFrame], rows: pd.DataFrame
) -> pd.DataFrame:
    """Every post's topic and weight, from its distinct text's topic."""
    if rows.empty:
        return pd.DataFrame(columns=["post_id", "topic_id", "weight"])
    texts = pd.concat(assigned, ignore_index=True).merge(
        rows[["brand", "period_start", "index", "topic_id"]], on=["brand", "period_start", "index"]
    )
    con.register("_topic_texts", texts[["brand", "period_start", "doc", "topic_id", "weight"]])
    try:
        return con.execute(
            """
            SELECT d.post_id, t.topic_id, t.weight
            FROM _topic_docs d JOIN _topic_texts t USING (brand, period_start, doc)
            ORDER BY t.topic_id, d.post_id
            """
        ).df()
    finally:
        con.unregister("_topic_texts")


def _add_sentiment(
    con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, post_topics: pd.DataFrame
) -> pd.DataFrame:
    """Net sentiment of each topic's posts: (positive - negative) / scored x 100, where a human
    correction overrides the model (the ``post_sentiment`` view), as for a brand."""
    if rows.empty:
        return rows.reindex(columns=TOPIC_COLUMNS)
    con.register("_post_topics", post_topics)
    try:
        net = con.execute(
            """
            SELECT t.topic_id,
                   round(100.0 * (count(*) FILTER (s.label = 'positive')
                                  - count(*) FILTER (s.label = 'negative'))
                         / nullif(count(*) FILTER (s.label IN ('positive', 'neutral',
                                                                 'negative')), 0),
                         1) AS net_sentiment
            FROM _post_topics t LEFT JOIN post_sentiment s USING (post_id)
            GROUP BY t.topic_id
            """
        ).df()
    finally:
        con.unregister("_post_topics")
    rows = rows.merge(net, on="topic_id", how="left")
    rows["computed_at"] = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s")
    return rows[TOPIC_COLUMNS]


def _store(
    con: duckdb.DuckDBPyConnection, since: date, rows: pd.DataFrame, post_topics: pd.DataFrame
) -> None:
    """Replace the topics of every period from ``since`` on, and their post assignments.

    Only assignments that the new ones do not repeat are deleted; the rest are upserted in place,
    because deleting from an indexed table costs DuckDB about ten times as much as inserting.
    """
    con.register("_new_post_topics", post_topics)
    try:
        with transaction(con):
            con.execute(
                """
                DELETE FROM post_topics o
                WHERE topic_id IN (SELECT topic_id FROM topics WHERE period_start >= ?)
                  AND NOT EXISTS (SELECT 1 FROM _new_post_topics n
                                  WHERE n.post_id = o.post_id AND n.topic_id = o.topic_id)
                """,
                [since],
            )
            con.execute("DELETE FROM topics WHERE period_start >= ?", [since])
            if not rows.empty:
                upsert(con, "topics", rows)
                upsert(con, "post_topics", post_topics)
    finally:
        con.unregister("_new_post_topics")


def topics_in_period(
    con: duckdb.DuckDBPyConnection, period: Period, brands: Sequence[str] | None = None
) -> pd.DataFrame:
    """The stored topics of every period that overlaps the reporting period, newest
    period first and largest topic first, for the dashboard's topic list."""
    return con.execute(
        """
        SELECT topic_id, brand, period_start, period_end, label, top_terms, posts,
               net_sentiment, previous_posts, growth, emerging, example_post_ids
        FROM topics
        WHERE period_start <= ? AND period_end >= ?
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], brand))
        ORDER BY period_start DESC, brand, posts DESC, topic_id
        """,
        [period.end, period.start, list(brands or []) or None, list(brands or []) or None],
    ).df()
