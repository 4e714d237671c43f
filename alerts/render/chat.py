"""Chat-room text that cannot ping or disguise a link. Pure.

Anyone who can publish a headline writes part of every alert, so in a chat service it must
stay text: `@everyone` or `<!channel>` would page the whole newsroom, and
`[legit.example](http://evil)` would show one address and open another. Slack's own format
is escaped where it is built (``payloads.slack_json``: &amp; &lt; &gt;, Slack's rule) and
Apprise escapes Slack text the same way when told the body is text; Discord has no escape
for mentions, so its text gets the usual zero-width break after ``@`` and backslashes
before its link and mention markup, and our own Discord message (``discord_json``) also
tells Discord to parse no mention at all (``allowed_mentions``). The article's own URLs
are passed through untouched: the link in an alert is always the real one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from alerts.records import Alert
from alerts.render.common import article_urls, facts, highlight, one_line, when
from alerts.render.mail import desk_lines, subject

# Discord refuses a message's content over this many characters.
DISCORD_LIMIT = 2000

# "@everyone", "@here", "<@123>", "<@&role>", "<#channel>": a zero-width space after the
# "@" keeps the text readable and the mention dead.
_AT = re.compile(r"@(?=[^\s\u200b])")
_DISCORD_MARKUP = re.compile(r"([\\\[\]<>])")


def _discord_plain(text: str) -> str:
    return _AT.sub("@\u200b", _DISCORD_MARKUP.sub(r"\\\1", text))


def discord_escape(text: str, keep: Iterable[str] = ()) -> str:
    """``text`` as Discord shows it literally, leaving each URL in ``keep`` as it is."""
    urls = sorted({u for u in keep if u}, key=len, reverse=True)
    if not urls:
        return _discord_plain(text)
    pieces = re.split("(" + "|".join(map(re.escape, urls)) + ")", text)
    # re.split with one group: odd pieces are the kept URLs themselves.
    return "".join(p if i % 2 else _discord_plain(p) for i, p in enumerate(pieces))


def discord_json(alert: Alert) -> dict[str, Any]:
    """A Discord webhook message: the alert as text, no mention parsed, no link disguised."""
    keep = article_urls(alert)
    art, v = alert.article, alert.verdict
    lines = [f"**{discord_escape(subject(alert), keep)}**"]
    if art:
        lines.append(f"{discord_escape(one_line(art.outlet), keep)} · {when(art.published)}")
        lines.append(art.url)  # the real URL, as it is: Discord shows and links it as such
    if v and v.evidence:
        ev = v.evidence[0]
        quote = highlight(
            ev.sentence, ev.spans, lambda s: f"**{discord_escape(s)}**", discord_escape
        )
        lines.append("> " + one_line(quote, 1000))
    if v:
        lines.append(" · ".join(f"{k}: {discord_escape(val)}" for k, val in facts(alert)[:7]))
    if alert.incident:
        lines.append(f"Incident {alert.incident.uid}")
    if alert.links:
        lines += desk_lines(alert.links)
    content = "\n".join(lines)
    if len(content) > DISCORD_LIMIT:
        content = content[: DISCORD_LIMIT - 1] + "…"
    # Discord's own switch: whatever the text says, nobody is pinged.
    return {"content": content, "allowed_mentions": {"parse": []}}
