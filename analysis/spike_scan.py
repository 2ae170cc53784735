"""The scan: hours when a brand's volume, or its negative volume, leaves its own baseline.

Method: a seasonal Poisson expectation, and a prospective scan of the windows ending each hour.

- **Counts**: original mentions per brand and hour, and the negative ones among them. Reposts are
  left out (``count_reposts`` puts them back): a repost repeats a mention word for word, so a
  burst of them is one post travelling, which reach measures, not more people speaking; on the
  demo year, counting them turns each viral post into an alert.
- **Expected count** of a brand's hour = its mean per day over ``baseline_days`` x the share of
  the day's mentions that falls in this hour of the day (pooled over brands, same days). The
  baseline ends ``max_window_hours`` before the hour, so a burst never raises its own
  expectation while it is scanned. Counts and baselines are DuckDB window functions.
- **Score**: each window of 1 to ``max_window_hours`` hours ending at an hour is compared with
  its expectation by the Poisson likelihood ratio ``LLR = O ln(O/E) - (O - E)``; the hour's score
  is the best window's ``sqrt(2 LLR)``, a z-score (6: about one chance in a billion). This is
  Kulldorff's prospective scan statistic in time only: short windows catch a crisis in its
  first hour or two, long ones a slower peak (a launch) that no single hour shows.
- An hour is **hot** when its score passes ``threshold`` with at least ``min_count`` mentions in
  the window and ``min_ratio`` times the expected count (at high volume a rise of a fifth is
  already "significant", and no one should be woken for it). Hot windows less than
  ``merge_gap_hours`` apart are one **episode**. Its window is the most likely cluster inside
  it (the interval of highest LLR), so observed and expected are the burst's own, and it
  **closes** once ``merge_gap_hours`` pass after that window with no more excess.
- **Kind**: what leads the excess names the episode. When negative mentions make at least half
  of the excess volume of the burst, it is a 'crisis' (and the volume episode of those hours is
  the crisis's, not a second alert); otherwise a 'peak', and the complaints a launch brings
  too are the peak's, not a crisis.

Why not a rolling median and MAD: at the volumes most brands have per hour (a few mentions, often
none) the median and the MAD are both 0 most of the time, so a robust z-score is undefined or
infinite, while the Poisson likelihood ratio stays meaningful at counts of 0, 1 and 2 and needs
no tuning per volume. The hour-of-day profile is pooled because one brand's hours are too few to
estimate 24 shares; the weekly rhythm (quieter weekends) is left out, as it moves expectations by
far less than the threshold does.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import numpy as np
import pandas as pd

from socialpulse.config import Alerts

MEASURES = {"mentions": "peak", "negative": "crisis"}
NEGATIVE_LED = 0.5  # share of the excess volume that makes an episode a crisis
HOUR = pd.Timedelta(hours=1)


def _baseline_gap(config: Alerts) -> int:
    """Hours between an hour and the end of its baseline: the longest window that can hold it."""
    return config.max_window_hours


def history_needed(config: Alerts, scan_from: pd.Timestamp | None) -> pd.Timestamp | None:
    """Where counting must start so that the first judged hour has its windows and baseline."""
    if scan_from is None:
        return None
    hours = config.max_window_hours + _baseline_gap(config) + 24 * config.baseline_days
    return scan_from - pd.Timedelta(hours=hours)


def hourly_expectations(
    con: duckdb.DuckDBPyConnection,
    config: Alerts,
    now: datetime,
    since: datetime | None = None,
) -> pd.DataFrame:
    """Mentions and negative mentions per brand and hour (zero-filled), each with its expected
    count, for every hour before ``now`` that has a full baseline behind it.

    A post naming two brands counts for both. Negative means the post's label in
    ``post_sentiment`` (a human correction first).
    """
    gap, days = _baseline_gap(config), config.baseline_days
    frame = (
        f"RANGE BETWEEN INTERVAL {gap + 24 * days - 1} HOUR PRECEDING AND INTERVAL {gap} HOUR"
        " PRECEDING"
    )
    return con.execute(
        f"""
        WITH first_seen AS (
            SELECT m.brand, date_trunc('hour', min(p.created_at)) AS first_hour
            FROM posts p JOIN brand_matches m USING (post_id)
            WHERE p.created_at < $now::TIMESTAMP GROUP BY m.brand
        ),
        counts AS (
            SELECT m.brand, date_trunc('hour', p.created_at) AS hour,
                   count(*) AS mentions, count(*) FILTER (WHERE s.label = 'negative') AS negative
            FROM posts p JOIN brand_matches m USING (post_id)
            LEFT JOIN post_sentiment s USING (post_id)
            WHERE p.created_at < $now::TIMESTAMP
              AND ($since::TIMESTAMP IS NULL OR p.created_at >= $since::TIMESTAMP)
              AND ($reposts OR p.kind <> 'share')
            GROUP BY ALL
        ),
        grid AS (
            SELECT brand, first_hour, unnest(generate_series(
                greatest(first_hour, coalesce(date_trunc('hour', $since::TIMESTAMP), first_hour)),
                $now::TIMESTAMP - INTERVAL 1 MICROSECOND, INTERVAL 1 HOUR)) AS hour
            FROM first_seen
        ),
        hourly AS (
            SELECT g.brand, g.first_hour, g.hour, coalesce(c.mentions, 0) AS mentions,
                   coalesce(c.negative, 0) AS negative
            FROM grid g LEFT JOIN counts c USING (brand, hour)
        ),
        profile AS (
            SELECT hour,
                   sum(total) OVER (PARTITION BY hour(hour) ORDER BY hour {frame}) AS same_hour,
                   sum(total) OVER (ORDER BY hour {frame}) AS whole_day
            FROM (SELECT hour, sum(mentions) AS total FROM hourly GROUP BY hour)
        ),
        baseline AS (
            SELECT *, sum(mentions) OVER w / {days} AS daily_mentions,
                   sum(negative) OVER w / {days} AS daily_negative
            FROM hourly WINDOW w AS (PARTITION BY brand ORDER BY hour {frame})
        )
        SELECT b.brand, b.hour, b.mentions, b.negative,
               greatest(b.daily_mentions * s.share, $floor) AS expected_mentions,
               greatest(b.daily_negative * s.share, $floor) AS expected_negative
        FROM baseline b JOIN (
            SELECT hour, CASE WHEN whole_day > 0 THEN same_hour / whole_day ELSE 1 / 24 END AS share
            FROM profile
        ) s USING (hour)
        WHERE b.hour >= greatest(b.first_hour,
                                 coalesce(date_trunc('hour', $since::TIMESTAMP), b.first_hour))
                        + INTERVAL {gap + 24 * days} HOUR
        ORDER BY b.brand, b.hour
        """,
        {"now": now, "since": since, "floor": 1 / (24 * days), "reposts": config.count_reposts},
    ).df()


def scan_windows(
    observed: np.ndarray,
    expected: np.ndarray,
    series_start: np.ndarray,
    max_window: int,
    min_count: int,
    min_ratio: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """For every hour, the best window ending there: its score ``sqrt(2 LLR)`` and its length.

    ``series_start[i]`` is the index of the first hour of hour ``i``'s series: windows never
    reach across it. Windows with fewer than ``min_count`` mentions, or fewer than
    ``min_ratio`` times their expectation, score 0.
    """
    counts = np.concatenate([[0.0], np.cumsum(observed, dtype=float)])
    means = np.concatenate([[0.0], np.cumsum(expected, dtype=float)])
    score = np.zeros(len(observed))
    length = np.ones(len(observed), dtype=np.int64)
    for chunk in np.array_split(np.arange(len(observed)), max(1, len(observed) // 100_000)):
        starts = chunk[:, None] - np.arange(max_window)[None, :]
        valid = starts >= series_start[chunk, None]
        starts = np.maximum(starts, 0)
        o = counts[chunk + 1, None] - counts[starts]
        e = means[chunk + 1, None] - means[starts]
        llr = np.where(valid & (o >= min_count) & (o >= min_ratio * e), _llr(o, e), 0.0)
        best = llr.argmax(axis=1)
        score[chunk] = np.sqrt(2 * llr[np.arange(len(chunk)), best])
        length[chunk] = best + 1
    return score, length


def _llr(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Poisson log likelihood ratio of rate O/E against E; 0 where there is no excess."""
    excess = (observed > expected) & (observed > 0)
    safe_o = np.where(excess, observed, 1.0)
    safe_e = np.where(excess, np.maximum(expected, 1e-12), 1.0)
    return np.where(excess, safe_o * np.log(safe_o / safe_e) - (safe_o - safe_e), 0.0)


def find_episodes(
    hourly: pd.DataFrame, config: Alerts, now: datetime, scan_from: datetime | None = None
) -> pd.DataFrame:
    """Episodes of both kinds from ``hourly_expectations``, judging hours from ``scan_from``.

    One row per episode: brand, kind, window_start/window_end (the burst), observed, expected,
    span_start/span_end (all its hot windows), status and closed_at.
    """
    columns = [
        "brand",
        "kind",
        "window_start",
        "window_end",
        "observed",
        "expected",
        "span_start",
        "span_end",
        "status",
        "closed_at",
    ]
    if hourly.empty:
        return pd.DataFrame(columns=columns)
    series = _series(hourly)
    score, length = scan_windows(
        series["observed"],
        series["expected"],
        series["start"],
        config.max_window_hours,
        config.min_count,
        config.min_ratio,
    )
    hot = score >= config.threshold
    if scan_from is not None:
        hot &= series["hour"] >= np.datetime64(pd.Timestamp(scan_from))
    rows = []
    for first, last in _merge_spans(
        np.flatnonzero(hot), length, series["start"], config.merge_gap_hours
    ):
        rows.append(_episode(series, first, last, config))
    episodes = pd.DataFrame([row for row in rows if row], columns=columns)
    if episodes.empty:
        return episodes
    closed = episodes["window_end"] + pd.Timedelta(hours=config.merge_gap_hours) <= now
    return episodes.assign(
        status=np.where(closed, "closed", "open"), closed_at=episodes["window_end"].where(closed)
    )


def _series(hourly: pd.DataFrame) -> dict[str, np.ndarray]:
    """The hourly frame as one long array per field: every brand's volume, then every brand's
    negative volume, each series knowing where it starts."""
    n = len(hourly)
    brand_start = hourly.groupby("brand", sort=False).cumcount().to_numpy()
    start = np.arange(n) - brand_start
    return {
        "brand": np.concatenate([hourly["brand"].to_numpy(object)] * 2),
        "hour": np.concatenate([hourly["hour"].to_numpy("datetime64[us]")] * 2),
        "measure": np.repeat(np.array(list(MEASURES), dtype=object), n),
        "observed": np.concatenate([hourly["mentions"], hourly["negative"]]).astype(float),
        "expected": np.concatenate([hourly["expected_mentions"], hourly["expected_negative"]]),
        "start": np.concatenate([start, start + n]),  # also names the series
        "twin": np.concatenate([np.arange(n) + n, np.arange(n)]),  # same hour, other measure
    }


def _merge_spans(
    hot_rows: np.ndarray, length: np.ndarray, series_id: np.ndarray, gap: int
) -> list[tuple[int, int]]:
    """Merge the hot windows (each hot hour's best window) of a series that overlap or leave at
    most ``gap`` quiet hours between them; return each episode's first and last row."""
    if not len(hot_rows):
        return []
    spans = pd.DataFrame(
        {"series": series_id[hot_rows], "first": hot_rows - length[hot_rows] + 1, "last": hot_rows}
    ).sort_values(["series", "first"])
    reach = spans.groupby("series")["last"].cummax().groupby(spans["series"]).shift()
    spans["episode"] = (reach.isna() | (spans["first"] > reach + gap + 1)).cumsum()
    merged = spans.groupby("episode").agg(first=("first", "min"), last=("last", "max"))
    return list(merged.itertuples(index=False, name=None))


def _episode(series: dict[str, np.ndarray], first: int, last: int, config: Alerts) -> dict | None:
    """The burst inside one episode's span (the interval of highest LLR), or None when the
    other measure leads those hours: the episode of that measure reports them."""
    start, end = _most_likely_cluster(
        series["observed"][first : last + 1], series["expected"][first : last + 1], config
    )
    a, b = first + start, first + end
    kind = MEASURES[series["measure"][a]]
    own, twin = np.arange(a, b + 1), series["twin"][a : b + 1]
    volume, negative = (own, twin) if kind == "peak" else (twin, own)
    if _negative_led(series, negative, volume) != (kind == "crisis"):
        return None
    hours = series["hour"]
    observed = float(series["observed"][own].sum())
    expected = float(series["expected"][own].sum())
    return {
        "brand": series["brand"][a],
        "kind": kind,
        "window_start": pd.Timestamp(hours[a]),
        "window_end": pd.Timestamp(hours[b]) + HOUR,
        "observed": observed,
        "expected": round(expected, 3),
        "span_start": pd.Timestamp(hours[first]),
        "span_end": pd.Timestamp(hours[last]) + HOUR,
    }


def _negative_led(series: dict[str, np.ndarray], negative: np.ndarray, volume: np.ndarray) -> bool:
    """Whether negative mentions make at least ``NEGATIVE_LED`` of the excess volume of rows."""

    def excess(rows: np.ndarray) -> float:
        return float(series["observed"][rows].sum() - series["expected"][rows].sum())

    return excess(negative) >= NEGATIVE_LED * excess(volume)


def _most_likely_cluster(observed: np.ndarray, expected: np.ndarray, config: Alerts):
    """First and last index of the interval with the highest LLR (every interval that has
    ``min_count`` mentions and ``min_ratio`` times its expectation is tried)."""
    counts = np.concatenate([[0.0], np.cumsum(observed)])
    means = np.concatenate([[0.0], np.cumsum(expected)])
    o = counts[None, 1:] - counts[:-1, None]  # o[i, j]: hours i..j
    e = means[None, 1:] - means[:-1, None]
    upper = np.triu(np.ones_like(o, dtype=bool))
    allowed = upper & (o >= config.min_count) & (o >= config.min_ratio * e)
    llr = np.where(allowed, _llr(o, e), -1.0)
    return np.unravel_index(int(llr.argmax()), llr.shape)
