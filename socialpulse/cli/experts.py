"""``pulse experts``: who knows about a topic, with the posts that show it."""

from __future__ import annotations

import json
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from socialpulse.cli.common import JsonOption, settings_or_fail, warehouse_or_fail


def experts_command(
    topic: Annotated[str, typer.Argument(help='Words every post must contain: "ERP export".')],
    limit: Annotated[int, typer.Option(min=1, help="People to list.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Who knows about a topic: people ranked by what they wrote on it, the responses it drew and
    the questions on it they answered, with the posts that show it."""
    from analysis.experts import find_experts

    floor = settings_or_fail().privacy.min_group_size
    with warehouse_or_fail(read_only=True) as con:
        experts = find_experts(con, topic, limit=limit, min_group_size=floor)
    if as_json:
        typer.echo(json.dumps(experts.to_dict(orient="records"), indent=2, default=str))
        return
    if experts.empty:
        typer.echo(f"no one has written about {topic} yet")
        return
    print_experts(topic, experts)


def print_experts(topic: str, experts: pd.DataFrame) -> None:
    table = Table(title=Text(f"Experts on {topic}"), box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("person", no_wrap=True)
    for name in ("score", "posts", "replies", "reactions", "answers"):
        table.add_column(name, justify="right")
    evidence = []
    for rank, row in enumerate(experts.itertuples(index=False), start=1):
        table.add_row(
            *(
                Text(str(value))
                for value in (
                    rank,
                    row.person,
                    f"{row.score:g}",
                    row.posts,
                    row.replies_received,
                    row.reactions_received,
                    row.answers,
                )
            )
        )
        where = ", ".join(value for value in (row.department, row.location) if value)
        evidence += [Text(f"{rank}. {row.person} ({where or 'no department'})", style="bold")]
        evidence += [Text(f"   {item['post_id']}: {item['snippet']}") for item in row.evidence]
    out = Console()
    out.print(table)
    out.print(*evidence, sep="\n")
