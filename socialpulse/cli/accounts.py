"""``pulse users``: the dashboard's accounts, every change audited."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from socialpulse.cli.common import (
    ByOption,
    JsonOption,
    actor,
    console,
    fail,
    one_line_errors,
    warehouse_or_fail,
)

users_app = typer.Typer(
    help="Dashboard accounts (bcrypt-hashed, in a file outside the repo).", no_args_is_help=True
)


def new_password(generate: bool, from_stdin: bool) -> str:
    import secrets

    if generate:
        return secrets.token_urlsafe(12)
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str, typer.Option(help="admin, marketing, internal-comms, executive or auditor.")
    ],
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
    generate_password: Annotated[
        bool, typer.Option(help="Make up a strong password and print it once.")
    ] = False,
    unless_accounts: Annotated[
        bool, typer.Option(help="Do nothing when any account exists (first run of `make run`).")
    ] = False,
    by: ByOption = None,
) -> None:
    """Create an account (or replace its password and role); audited."""
    from socialpulse import audit, users

    if unless_accounts and users.list_users():
        return
    password = new_password(generate_password, password_stdin)
    with one_line_errors(ValueError):
        user = users.add_user(name, role, password)
    with warehouse_or_fail(ValueError) as con:
        audit.record(con, actor(by), None, "user_add", target=name, detail=f"role {role}")
    console.print(f"{user.name}: {user.role} ({users.users_file()})", highlight=False)
    if generate_password:
        typer.echo(
            f"Sign in as {user.name} with the password {password} (shown once; change it "
            f"with `pulse users add {user.name} --role {user.role}`)."
        )


@users_app.command("list")
def users_list(as_json: JsonOption = False, by: ByOption = None) -> None:
    """Every account and its role; audited."""
    from socialpulse import audit, users

    with one_line_errors(ValueError):
        listed = users.list_users()
    with warehouse_or_fail(ValueError) as con:
        audit.record(con, actor(by), None, "user_list")
    if as_json:
        typer.echo(json.dumps([{"name": u.name, "role": u.role} for u in listed], indent=2))
    else:
        for user in listed:
            typer.echo(f"{user.name}\t{user.role}")


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument()], by: ByOption = None) -> None:
    """Delete an account; audited."""
    from socialpulse import audit, users

    if not users.remove_user(name):
        fail(f"{name}: no such user in {users.users_file()}")
    with warehouse_or_fail() as con:
        audit.record(con, actor(by), None, "user_remove", target=name)
    console.print(f"{name}: removed", highlight=False)
