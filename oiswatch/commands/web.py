"""oiswatch web: serve the editors' desk alone; `web add-user NAME` makes an editor's hash."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

HELP = "serve the editors' desk alone (`web add-user NAME`: a [[web.users]] entry)"

MIN_PASSWORD = 8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="web_action", metavar="ACTION")
    add = sub.add_parser(
        "add-user",
        help="print a [[web.users]] TOML entry for an editor (asks for the password twice)",
    )
    add.add_argument("name", help="the editor's login name")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking",
    )
    parser.add_argument("--host", help="listen on this address instead of [web] host")
    parser.add_argument("--port", type=int, help="listen on this port instead of [web] port")
    parser.add_argument("--log-level", default="INFO", help="log level (default INFO)")


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        print("oiswatch: the two passwords differ", file=sys.stderr)
        return None
    return first


def add_user(args: argparse.Namespace) -> int:
    from desk.auth import hash_password

    name = args.name.strip()
    if not name or len(name) > 100:
        print("oiswatch: a name is 1 to 100 characters", file=sys.stderr)
        return 2
    password = _password(args)
    if password is None:
        return 2
    if len(password) < MIN_PASSWORD:
        print(f"oiswatch: a password has at least {MIN_PASSWORD} characters", file=sys.stderr)
        return 2
    # json.dumps writes a valid TOML basic string (same escapes) for any name.
    print("[[web.users]]")
    print(f"name = {json.dumps(name)}")
    print(f"password_hash = {json.dumps(hash_password(password))}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.web_action == "add-user":
        return add_user(args)
    from oiswatch.cli import load
    from oiswatch.logs import setup_logging

    config = load(args)
    setup_logging(args.log_level, False)
    web = config.web.model_copy(
        update={k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    )
    config = config.model_copy(update={"web": web})
    from desk.server import Desk, DeskBindError, bind
    from oiswatch.status import gather
    from store import Store

    try:
        sock = bind(config.web.host, config.web.port)  # first: a port in use is one line
    except DeskBindError as exc:
        print(f"oiswatch: {exc}", file=sys.stderr)
        return 2
    store = Store(config.storage.url)
    try:
        desk = Desk(config, store, gather, sock)
        if not config.web.users and not config.web.proxy_user_header:
            print(
                "oiswatch: no editor can log in: add [[web.users]] (oiswatch web add-user) "
                "or [web] proxy_user_header",
                file=sys.stderr,
            )
        print(f"desk: {desk.url}", flush=True)
        desk.serve()
    finally:
        store.close()
    return 0
