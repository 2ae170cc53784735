"""Every collector, registered in one place and built from the configuration."""

from __future__ import annotations

from collections.abc import Callable

from collectors.base import Collector
from socialpulse.config import Settings

Factory = Callable[[Settings], Collector]
MODULES = ("bluesky", "mastodon", "reddit", "reddit_inbox", "rss", "twitter", "x_inbox", "youtube")
COLLECTORS: dict[str, Factory] = {}


def register(name: str) -> Callable[[Factory], Factory]:
    """Register a factory that builds the collector ``name`` from settings."""

    def add(factory: Factory) -> Factory:
        COLLECTORS[name] = factory
        return factory

    return add


def build(name: str, settings: Settings) -> Collector:
    _load_all()
    if name not in COLLECTORS:
        raise KeyError(f"unknown collector {name!r}; known: {', '.join(sorted(COLLECTORS))}")
    return COLLECTORS[name](settings)


def names() -> list[str]:
    _load_all()
    return sorted(COLLECTORS)


def _load_all() -> None:
    """Import the collector modules so their ``@register`` lines run."""
    import importlib

    for module in MODULES:
        importlib.import_module(f"collectors.{module}")
