"""The map's land, region and city names, without a browser."""

import pandas as pd

from dashboard.components import basemap


def cities(*rows):
    return pd.DataFrame(rows, columns=["city", "lon", "lat", "mentions"])


def test_the_land_ships_with_the_dashboard_and_names_every_country():
    shapes = basemap.land(basemap.projection_for(cities())).to_dict()["data"]["values"]
    assert len(shapes["objects"]["countries"]["geometries"]) == 177


def test_the_map_fits_the_places_with_a_margin_or_the_world_without_them():
    region = basemap.projection_for(cities(("Denver", -105.0, 39.7, 3), ("Munich", 11.6, 48.1, 2)))
    assert region["fit"]["geometry"]["coordinates"][0] == [-117.0, 27.700000000000003]
    assert region["fit"]["geometry"]["coordinates"][2] == [23.6, 60.1]
    assert basemap.projection_for(cities())["fit"]["geometry"]["coordinates"][0] == [-180.0, -85.0]


def test_a_name_that_would_touch_a_bigger_citys_is_left_to_its_tooltip():
    shown = basemap.spaced_labels(
        cities(
            ("Seattle", -122.3, 47.6, 8),
            ("Vancouver", -123.1, 49.3, 9),
            ("Denver", -105.0, 39.7, 11),
            ("London", -0.1, 51.5, 16),
            ("Paris", 2.35, 48.9, 12),
        )
    )
    assert shown["city"].tolist() == ["London", "Denver", "Vancouver"]
