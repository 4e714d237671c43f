"""oiswatch alerts: test every destination; list, resend and dispatch queued alerts."""

from __future__ import annotations

import argparse

from oiswatch.cli import load
from records import OutboxStatus, codec

HELP = "test alert destinations; list, resend and dispatch queued alerts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("test", help="send a clearly marked test alert to every destination")
    lister = sub.add_parser("list", help="show pending, sent and dead alerts")
    lister.add_argument("--status", choices=[s.value for s in OutboxStatus])
    lister.add_argument("--limit", type=int, default=200)
    lister.add_argument("--json", action="store_true", help="one JSON object per line")
    resend = sub.add_parser(
        "resend",
        help="send one outbox row again, now; or in bulk, the failed and/or dead ones",
    )
    resend.add_argument(
        "id", type=int, nargs="?", help="the outbox id shown by `oiswatch alerts list`"
    )
    resend.add_argument("--failed", action="store_true", help="every alert waiting for a retry")
    resend.add_argument("--dead", action="store_true", help="every dead alert")
    resend.add_argument(
        "--to",
        metavar="NAME",
        help="only those for this destination (its name, or the key `alerts list` shows); "
        "alone: its failed and dead ones",
    )
    sub.add_parser("dispatch", help="send the alerts that are due now")
    dismiss = sub.add_parser(
        "dismiss", help="mark dead alerts as seen (kept, resendable; `status --check` passes)"
    )
    which = dismiss.add_mutually_exclusive_group(required=True)
    which.add_argument("ids", nargs="*", type=int, default=[], metavar="ID", help="outbox ids")
    which.add_argument("--all", action="store_true", help="every dead alert")


def _test(config) -> int:
    from alerts import send_test

    results = send_test(config)
    if not results:
        print("no alert destinations are configured ([alerts.email], [[alerts.webhooks]], ...)")
        return 1
    for dest, result in results:
        print(f"{'ok  ' if result.ok else 'FAIL'}  {dest.label}: {result.detail}")
    return 0 if all(r.ok for _, r in results) else 1


def _list(store, args: argparse.Namespace) -> int:
    from store import outbox

    with store.engine.connect() as conn:
        rows = outbox.entries(conn, args.status, args.limit)
    if args.json:
        for row in rows:
            print(codec.dumps(row))
        return 0
    if not rows:
        print("no alerts" + (f" with status {args.status}" if args.status else ""))
        return 0
    print(
        f"{'id':>6}  {'status':8} {'tries':>5}  {'event':16} {'alert':14} destination / last error"
    )
    for r in rows:
        when = r.sent_at if r.status == OutboxStatus.SENT else r.next_attempt_at
        line = f"{r.id:>6}  {r.status:8} {r.attempts:>5}  {r.event:16} {r.key:14} {r.destination}"
        print(f"{line}  {when:%Y-%m-%d %H:%M}")
        if r.last_error and r.status != OutboxStatus.SENT:
            print(f"{'':8}last error: {r.last_error[:160]}")
    return 0


def _resend(store, config, args: argparse.Namespace) -> int:
    from alerts import resend, resend_many

    bulk = args.failed or args.dead or args.to is not None
    if (args.id is None) == (not bulk):
        print("oiswatch: alerts resend takes an ID, or --failed, --dead and/or --to NAME")
        return 2
    if args.id is not None:
        try:
            return _report(resend(store, config, args.id))
        except KeyError as exc:
            print(f"oiswatch: {exc.args[0]}")
            return 1
    # --to alone means everything of that destination that did not get through.
    failed, dead = (args.failed, args.dead) if args.failed or args.dead else (True, True)
    n, stats = resend_many(store, config, failed=failed, dead=dead, to=args.to)
    which = " and ".join(k for k, on in (("failed", failed), ("dead", dead)) if on)
    print(f"{n} {which} alert(s) re-queued" + (f" for {args.to}" if args.to else ""))
    return _report(stats)


def _report(stats) -> int:
    print(f"sent {stats.sent}, failed {stats.failed} (will retry), dead {stats.dead}")
    for err in stats.errors:
        print(f"  {err}")
    return 0 if not (stats.failed or stats.dead) else 1


def run(args: argparse.Namespace) -> int:
    from oiswatch.service import exit_now_if_stuck

    # An Apprise service past its deadline may leave its thread waiting on the receiver:
    # the outcome is recorded, so the command does not wait for it.
    return exit_now_if_stuck(_run(args))


def _run(args: argparse.Namespace) -> int:
    config = load(args)
    if args.action == "test":
        return _test(config)
    from alerts import dispatch_due
    from store import Store

    store = Store(config.storage.url)
    try:
        if args.action == "list":
            return _list(store, args)
        if args.action == "dismiss":
            from store import outbox

            with store.begin() as conn:
                n = outbox.dismiss(conn, None if args.all else args.ids)
            print(f"{n} dead alert(s) dismissed")
            return 0 if n else 1
        if args.action == "resend":
            return _resend(store, config, args)
        return _report(dispatch_due(store, config))
    finally:
        store.close()
