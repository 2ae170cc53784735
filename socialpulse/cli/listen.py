"""`pulse listen`: WebSub push and the Bluesky and Mastodon streams, alerts on arrival."""

from __future__ import annotations

import contextlib
import signal
from typing import Annotated

import typer

from socialpulse.cli.common import State, console, fail, settings_or_fail


def streaming_collectors(settings, wanted: list[str] | None) -> list:
    """The streaming collectors to run: those named, else every one the settings configure."""
    from collectors import registry
    from collectors.base import StreamingCollector

    available = {}
    for name in registry.names():
        collector = registry.build(name, settings)
        if isinstance(collector, StreamingCollector):
            available[name] = collector
    if wanted:
        unknown = sorted(set(wanted) - set(available))
        if unknown:
            fail(f"no stream named {', '.join(unknown)}; streams: {', '.join(sorted(available))}")
        return [available[name] for name in wanted]
    return [collector for collector in available.values() if collector.configured()]


def listen_command(
    stream: Annotated[
        list[str] | None, typer.Option(help="Only these streams (bluesky, mastodon).")
    ] = None,
    no_streams: Annotated[bool, typer.Option("--no-streams", help="WebSub push only.")] = False,
    no_push: Annotated[bool, typer.Option("--no-push", help="Streams only, no callback.")] = False,
    host: Annotated[str | None, typer.Option(help="Interface of the callback server.")] = None,
    port: Annotated[int | None, typer.Option(help="Port of the callback server.")] = None,
    public_url: Annotated[
        str | None, typer.Option(help="The callback's address as the hubs reach it.")
    ] = None,
) -> None:
    """Take pushed feeds (WebSub) and streamed posts as they are written; alert on arrival."""
    from socialpulse.live.listener import Listener

    settings = settings_or_fail()
    streams = [] if no_streams else streaming_collectors(settings, stream)
    listener = Listener(
        State.db,
        settings,
        streams=streams,
        push=not no_push,
        host=host,
        port=port,
        public_url=public_url,
    ).start()
    signal.signal(signal.SIGTERM, lambda *_: listener.request_stop())
    if not no_push:
        console.print(f"WebSub callback on {listener.url}/websub/", highlight=False)
    for collector in streams:
        console.print(f"streaming {collector.name}", highlight=False)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops it as SIGTERM does
        listener.wait()
    listener.stop()
    console.print("stopped: everything received was committed", highlight=False)
