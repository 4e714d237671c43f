"""Is the service healthy? ``oiswatch status --check`` for container and systemd checks.

Pure: it judges a ``Status`` already read from the store, so each rule is tested on its own.
"""

from __future__ import annotations

from datetime import timedelta

from oiswatch.status import Status

# Polls missed before the service counts as stalled: one slow or failed poll is not news.
MISSED_POLLS = 3


def unhealthy(status: Status) -> list[str]:
    """Why the service is unhealthy; empty when it is healthy."""
    found = []
    if status.poll_minutes is not None:
        window = timedelta(minutes=status.poll_minutes * MISSED_POLLS)
        last = status.last_successful_poll_at
        if last is None or status.now - last > window:
            since = f"since {last:%Y-%m-%d %H:%M} UTC" if last else "ever"
            found.append(
                f"no successful poll {since} (expected every {status.poll_minutes:g} minutes)"
            )
    enabled = [f for f in status.feeds if f.enabled]
    if enabled and all(f.consecutive_failures > 0 for f in enabled):
        found.append(f"every feed is failing ({len(enabled)} enabled)")
    dead = status.alerts.get("dead", 0)
    if dead:
        found.append(
            f"{dead} dead alert(s) nobody has dealt with: `oiswatch alerts list --status dead`, "
            "then `oiswatch alerts resend ID` or `oiswatch alerts dismiss ID`"
        )
    return found
