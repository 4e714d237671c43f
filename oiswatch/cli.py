"""The ``oiswatch`` command: a thin dispatcher over ``oiswatch/commands/*.py``.

Each command module defines ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int``; dropping a module into that folder adds the subcommand.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from importlib import metadata
from types import ModuleType

from classifier.rules import RulesError
from config import ENV_VAR, Config, ConfigError, load_config
from oiswatch import commands
from store import StoreError


def command_modules() -> dict[str, ModuleType]:
    found = {}
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            found[info.name] = importlib.import_module(f"oiswatch.commands.{info.name}")
    return found


def version() -> str:
    try:
        return metadata.version("oiswatch")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def hoist_config(argv: Sequence[str]) -> list[str]:
    """Move ``--config PATH`` to the front wherever it was given.

    argparse only sees an option at the level of the parser that defines it, so
    ``oiswatch alerts test --config x.toml`` would fail; every command loads the same file,
    so its place on the line must not matter.
    """
    rest: list[str] = []
    found: list[str] = []
    items = iter(argv)
    for item in items:
        if item == "--":
            rest += [item, *items]
        elif item == "--config":
            value = next(items, None)
            if value is None:
                rest.append(item)  # let argparse say the value is missing
            else:
                found = ["--config", value]
        elif item.startswith("--config="):
            found = [item]
        else:
            rest.append(item)
    return found + rest


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oiswatch",
        description="Watch local news feeds and alert editors to officer-involved shootings.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help=f"configuration file (default: ${ENV_VAR}, else the bundled config/oiswatch.toml)",
    )
    parser.add_argument("--version", action="version", version=f"oiswatch {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in command_modules().items():
        cmd = sub.add_parser(name.replace("_", "-"), help=module.HELP, description=module.HELP)
        # Listed in each command's --help; main() moves it to the front wherever it is.
        cmd.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def load(args: argparse.Namespace) -> Config:
    """The configuration named by --config / $OISWATCH_CONFIG, validated."""
    return load_config(args.config)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(hoist_config(argv))
    try:
        code = int(args._run(args) or 0)
        sys.stdout.flush()  # here, where a closed pipe can still be handled
        return code
    except BrokenPipeError:
        # The reader went away (`oiswatch status | head`): not an error worth a traceback.
        # Point stdout at /dev/null so the interpreter's last flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a process stopped by SIGPIPE
    except (ConfigError, RulesError) as exc:
        print(f"oiswatch: configuration error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"oiswatch: storage error: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
