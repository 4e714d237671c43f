"""Chat-room text that cannot ping or disguise a link. Pure.

Anyone who can publish a headline writes part of every alert, so in a chat service it must
stay text: `@everyone` or `<!channel>` would page the whole newsroom, and
`[legit.example](http://evil)` would show one address and open another. Slack's own format
is escaped where it is built (``payloads.slack_json``: &amp; &lt; &gt;, Slack's rule) and
Apprise escapes Slack text the same way when told the body is text; Discord has no escape
for mentions, so its text gets the usual zero-width break after ``@`` and backslashes
before its link and mention markup. The article's own URLs are passed through untouched:
the link in an alert is always the real one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
