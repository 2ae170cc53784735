"""The land under the mentions map, shipped with the dashboard (no tile server, nothing fetched
when a page runs), the region to show, and which city names fit without overlapping."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import altair as alt
import pandas as pd

COUNTRIES = Path(__file__).resolve().parents[1] / "assets" / "countries-110m.json"
LAND, BORDER, SEA = "#dfe6ec", "#ffffff", "#f4f8fb"
MARGIN_DEGREES = 12.0  # around the places shown, so a lone city is not at the very edge
# How big a city's name is drawn (11 px bold), against the plot's width on a narrow screen.
CHARACTER_PIXELS, LINE_PIXELS, NARROWEST_MAP_PIXELS = 7.0, 16.0, 560.0


@cache
def _countries() -> dict:
    return json.loads(COUNTRIES.read_text(encoding="utf-8"))


def land(projection: dict) -> alt.Chart:
    """Every country, filled, with white borders."""
    shapes = alt.Data(
        values=_countries(), format=alt.DataFormat(type="topojson", feature="countries")
    )
    return (
        alt.Chart(shapes)
        .mark_geoshape(fill=LAND, stroke=BORDER, strokeWidth=0.6, clip=True)
        .project(**projection)
    )


def region(places: pd.DataFrame) -> tuple[float, float, float, float] | None:
    """West, south, east and north of the places, with a margin; None for no place."""
    if places.empty:
        return None
    return (
        max(float(places["lon"].min()) - MARGIN_DEGREES, -180.0),
        max(float(places["lat"].min()) - MARGIN_DEGREES, -85.0),
        min(float(places["lon"].max()) + MARGIN_DEGREES, 180.0),
        min(float(places["lat"].max()) + MARGIN_DEGREES, 85.0),
    )


def projection_for(places: pd.DataFrame) -> dict:
    """An Equal Earth projection fitted to the places (with a margin), or to the whole world
    when there are none: the map shows where the mentions are, whole, never cut at the top."""
    west, south, east, north = region(places) or (-180.0, -85.0, 180.0, 85.0)
    corners = [[west, south], [east, south], [east, north], [west, north]]
    fitted = {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": corners}}
    return {"type": "equalEarth", "fit": {**fitted, "properties": {}}}


def spaced_labels(places: pd.DataFrame) -> pd.DataFrame:
    """The places whose names are drawn: biggest first, each kept only when its name's box
    would not touch a bigger city's (the others keep their tooltip). Boxes are reckoned in
    degrees from the region's width over the narrowest map the page draws."""
    bounds = region(places)
    if bounds is None:
        return places
    per_degree = NARROWEST_MAP_PIXELS / max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1.0)
    ranked = places.sort_values("mentions", ascending=False, kind="stable")
    half_width = ranked["city"].fillna("").str.len() * CHARACTER_PIXELS / 2 / per_degree
    kept: list = []
    for index, row in ranked.iterrows():  # a few dozen cities at most: presentation only
        apart_x = (ranked.loc[kept, "lon"] - row["lon"]).abs() >= (
            half_width.loc[kept] + half_width.loc[index]
        )
        apart_y = (ranked.loc[kept, "lat"] - row["lat"]).abs() >= LINE_PIXELS / per_degree
        if (apart_x | apart_y).all():
            kept.append(index)
    return ranked.loc[kept]
