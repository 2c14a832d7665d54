"""Manage the app's users from the server's command line (passwords are asked for, never taken from the command):

    python -m core.cli.users add NAME --role coordinator|manager [--no-password]
    python -m core.cli.users list
    python -m core.cli.users set-role NAME coordinator|manager
    python -m core.cli.users disable NAME
    python -m core.cli.users enable NAME
    python -m core.cli.users reset-password NAME
    python -m core.cli.users add-key NAME --role coordinator|manager   (prints the new API key once, on its last line)
    python -m core.cli.users revoke-key NAME
    python -m core.cli.users list-keys

The users live in the database of the settings in force (RRADAR_DATABASE_URL or ``[database] url``).
``--no-password``: the person signs in only through the identity provider (their NAME is their e-mail
address there). Every change is written to the audit trail as made by this server account. Exit codes:
0 done, 1 refused or failed (the reason is printed), 2 the command was not understood.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable
from typing import Any

from core.settings import Settings, SettingsError, load_settings
from core.store import Store, StoreError
from core.store.api_keys import ApiKey
from core.trust.accounts import AccountChange, AccountError, Accounts, check_password
from core.trust.api_keys import key_hash, new_key
from core.trust.audit import AuditError, AuditLog
from core.trust.gate_choice import remember_named_users
from core.trust.passwords import ITERATIONS
from core.trust.roles import ROLES

log = logging.getLogger("core.cli.users")
HASH_ITERATIONS = ITERATIONS  # PBKDF2's work factor for the passwords set here


class Cancelled(Exception):
    """The person stopped at a password prompt."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.cli.users", description="Manage the app's users.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = commands.add_parser("add", help="add a user (asks for their first password)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--no-password", action="store_true", help="signs in only through the identity provider")
    commands.add_parser("list", help="list the users")
    set_role = commands.add_parser("set-role", help="change a user's role")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=ROLES)
    for command, text in (("disable", "stop a user signing in"), ("enable", "let a disabled user sign in again")):
        commands.add_parser(command, help=text).add_argument("name")
    commands.add_parser("reset-password", help="give a user a new password (asks for it)").add_argument("name")
    add_key = commands.add_parser("add-key", help="make an API key for a program (printed once)")
    add_key.add_argument("name")
    add_key.add_argument("--role", required=True, choices=ROLES)
    commands.add_parser("revoke-key", help="stop an API key working").add_argument("name")
    commands.add_parser("list-keys", help="list the API keys (never the keys themselves)")
    return parser


def read_new_password(name: str, ask: Callable[[str], str] | None = None) -> str:
    """A new password typed twice without echo; raises AccountError when too short or the two differ."""
    ask = ask or getpass.getpass
    try:
        password = ask(f"New password for {name}: ")
        check_password(password)
        if ask("Repeat it: ") != password:
            raise AccountError("The two entries differ: nothing was changed.")
    except (EOFError, KeyboardInterrupt):
        raise Cancelled from None
    return password


def _operator() -> str:
    """Who made a change from the command line: the server account running it."""
    try:
        return f"{getpass.getuser()} (server account)"
    except (KeyError, OSError):  # no user name known to the system
        return "server account"


def _list(accounts: Accounts, address: str) -> int:
    users = accounts.all()
    if not users:
        print(
            f"No users yet in {address}. Add the first manager with: python -m core.cli.users add NAME --role manager"
        )
        return 0
    width = max(len(u.name) for u in users)
    print(f"Users in {address}:")
    for user in users:
        state = "disabled" if user.disabled else "enabled"
        print(f"  {user.name:<{width}}  {user.role:<11}  {state:<8}  added {user.created_at:%Y-%m-%d %H:%M} UTC")
    return 0


def _change(args: argparse.Namespace, accounts: Accounts) -> AccountChange:
    if args.command == "add":
        accounts.check_new(args.name, args.role)  # before asking for a password
        password = None if args.no_password else read_new_password(args.name)
        return accounts.add(args.name, args.role, password)
    if args.command == "set-role":
        return accounts.set_role(args.name, args.role)
    if args.command == "disable":
        return accounts.disable(args.name)
    if args.command == "enable":
        return accounts.enable(args.name)
    user = accounts.find(args.name)
    if user is None:  # say so before asking for a password
        raise AccountError(f"There is no user named {args.name!r}. See the names with: python -m core.cli.users list")
    return accounts.reset_password(user.name, read_new_password(user.name))


DONE = {
    "user_added": "Added {user} ({role}).",
    "user_role_changed": "{user} is now a {role}.",
    "user_disabled": "{user} is disabled: they can no longer sign in.",
    "user_enabled": "{user} is enabled: they can sign in again.",
    "user_password_reset": "{user} has a new password.",
}


def _list_keys(keys: list[ApiKey], address: str) -> int:
    if not keys:
        print(f"No API keys yet in {address}. Make one with: python -m core.cli.users add-key NAME --role coordinator")
        return 0
    width = max(len(k.name) for k in keys)
    print(f"API keys in {address}:")
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M} UTC" if key.revoked_at else "in use"
        print(f"  {key.name:<{width}}  {key.role:<11}  made {key.created_at:%Y-%m-%d %H:%M} UTC  {state}")
    return 0


def _keys(args: argparse.Namespace, store: Store) -> tuple[int, dict[str, str]]:
    """Run a key command; returns its exit code and what the audit trail records (empty: nothing changed)."""
    if args.command == "list-keys":
        return _list_keys(store.api_keys.all(), store.address), {}
    if args.command == "revoke-key":
        store.api_keys.revoke(args.name)
        print(f"The API key {args.name} is revoked: calls with it are refused from now on.")
        return 0, {"event": "api_key_revoked", "key": args.name}
    key = new_key()
    store.api_keys.add(args.name, args.role, key_hash(key))
    print(f"Made the API key {args.name} ({args.role}). It is shown only now: keep it where the program reads it.")
    print(key)  # alone on the last line, so a script can take it with `tail -n 1`
    return 0, {"event": "api_key_added", "key": args.name, "role": args.role}


def _audit(settings: Settings, event: str, **fields: Any) -> int:
    try:
        AuditLog.open(settings.log_dir, settings.audit_salt).record(event, **fields, via="command line")
    except AuditError as error:
        print(f"The change was made, but it could not be recorded in the audit trail: {error}.", file=sys.stderr)
        return 1
    return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command in ("add-key", "revoke-key", "list-keys"):
        with Store.open(settings.database_url) as store:
            code, event = _keys(args, store)
        return _audit(settings, event.pop("event"), **event, by=_operator()) if event else code
    with Store.open(settings.database_url) as store:
        accounts = Accounts(store.users, iterations=HASH_ITERATIONS)
        if args.command == "list":
            return _list(accounts, store.address)
        change = _change(args, accounts)
    print(DONE[change.event].format(user=change.user, **change.details))
    if change.event == "user_added":
        remember_named_users(settings.log_dir)
    return _audit(settings, change.event, **change.audit_fields(by=_operator()))


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as stop:  # argparse has printed the usage and the problem (or the help)
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return _run(args, load_settings())
    except (SettingsError, StoreError, AccountError) as error:
        print(str(error), file=sys.stderr)
    except Cancelled:
        print("Cancelled: nothing was changed.", file=sys.stderr)
    except Exception as error:  # never a traceback for the person at the prompt
        log.debug("python -m core.cli.users failed", exc_info=True)
        print(f"The command failed ({type(error).__name__}); nothing more is known. Try again.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    logging.getLogger().addHandler(logging.NullHandler())  # the printed message is the whole story
    raise SystemExit(main())
