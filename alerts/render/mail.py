"""Alert emails: subject, threading headers, plain text and HTML bodies. Pure functions.

Every value taken from an article is HTML-escaped in the HTML part and flattened to one
line in headers, so a headline cannot inject markup or a header.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate
from html import escape

from alerts.records import Alert, DeskLinks
from alerts.render.common import facts, headline, highlight, local, one_line, web_link, when
from records import Event, IncidentRef

_PREFIX = {
    Event.INCIDENT_NEW: "[OIS]",
    Event.INCIDENT_UPDATE: "[OIS update]",
    Event.INCIDENT_EARLIER: "[OIS earlier report]",
    Event.TEST: "[OIS TEST]",
    Event.DIGEST: "[OIS digest]",
}


EARLIER_NOTE = (
    "An earlier report of an incident you were already alerted to: it was published before "
    "the report that opened the incident, and is now its first report. Not a new shooting."
)


def subject(alert: Alert) -> str:
    prefix = _PREFIX.get(alert.event, "[OIS]")
    if alert.event == Event.DIGEST:
        n = len(alert.incidents)
        day = local(alert.created_at).date().isoformat()
        return f"{prefix} {day}: {n} incident{'s' * (n != 1)} in the last day"
    outlet = one_line(alert.article.outlet if alert.article else None)
    title = one_line(headline(alert), 200)
    return f"{prefix} {title} — {outlet}" if outlet else f"{prefix} {title}"


def message_id(alert: Alert, domain: str) -> str:
    """Deterministic per alert, so a retried send carries the same Message-ID.

    The incident's first alert takes the incident's own id, which is what updates reply to.
    """
    inc = alert.incident
    if inc is None:
        return f"<oiswatch.{alert.event}.{alert.id}.{alert.delivery_id}@{domain}>"
    if alert.event == Event.INCIDENT_NEW:
        return thread_root(inc, domain)
    return f"<oiswatch.{inc.uid}.{alert.id}@{domain}>"


def thread_root(incident: IncidentRef, domain: str) -> str:
    return f"<oiswatch.{incident.uid}@{domain}>"


def _text_articles(incident: IncidentRef) -> list[str]:
    return [
        f"  - {one_line(a.title) or a.url} — {one_line(a.outlet) or '?'}"
        f" ({when(a.published)}{', copy' if a.relation == 'copy' else ''})\n    {a.url}"
        for a in incident.articles
    ]


def render_text(alert: Alert) -> str:
    if alert.event == Event.DIGEST:
        return render_digest_text(alert)
    lines = []
    if alert.is_test:
        lines += ["THIS IS A TEST ALERT from oiswatch. No shooting was reported.", ""]
    art = alert.article
    lines.append(headline(alert))
    if art:
        lines += [
            f"Outlet: {one_line(art.outlet) or 'unknown'}",
            f"Published: {when(art.published)}",
        ]
        lines.append(f"Link: {art.url}")
    if alert.links:
        lines += ["", *desk_lines(alert.links)]
    if alert.event == "incident.earlier":
        lines += ["", EARLIER_NOTE]
    if alert.changes:
        lines += ["", "What changed:"] + [f"  {one_line(c)}" for c in alert.changes]
    v = alert.verdict
    if v and v.evidence:
        lines += ["", "Why:"]
        for ev in v.evidence:
            # Spans count the sentence as extracted: mark first, then flatten it to one line.
            marked = highlight(ev.sentence, ev.spans, lambda s: f"*{s}*")
            lines.append("  " + one_line(marked, 2000))
    if v:
        lines += ["", "Facts:"] + [f"  {k}: {val}" for k, val in facts(alert)]
    if alert.incident:
        inc = alert.incident
        lines += ["", f"Incident {inc.uid} (opened {when(inc.opened_at)})"]
        others = _text_articles(inc)
        lines += ["Other articles about it:", *others] if others else ["No other articles yet."]
    return "\n".join(lines) + "\n"


def desk_lines(links: DeskLinks) -> list[str]:
    """The desk's links as plain text lines (email text part, Apprise)."""
    return [
        f"On the desk: {links.article}",
        f"Its incident: {links.incident}",
        f"Not a police shooting? One click marks it a false alarm: {links.false_alarm}",
        f"Not this incident? One click says so: {links.wrong_incident}",
    ]


def _desk_html(links: DeskLinks) -> str:
    return (
        f"<p>{_link(links.article, 'Open on the desk')} · "
        f"{_link(links.incident, 'its incident')}<br>"
        f"{_link(links.false_alarm, 'False alarm (not a police shooting)')} · "
        f"{_link(links.wrong_incident, 'Wrong incident')}</p>"
    )


def _link(url: str, label: str) -> str:
    href = web_link(url)
    return f'<a href="{escape(href)}">{escape(label)}</a>' if href else escape(label)


def _html_articles(incident: IncidentRef) -> str:
    items = "".join(
        f"<li>{_link(a.url, one_line(a.title) or a.url)} — "
        f"{escape(one_line(a.outlet) or '?')} ({escape(when(a.published))}"
        f"{', copy' if a.relation == 'copy' else ''})</li>"
        for a in incident.articles
    )
    return f"<ul>{items}</ul>" if items else "<p>No other articles yet.</p>"


def render_html(alert: Alert) -> str:
    if alert.event == Event.DIGEST:
        return render_digest_html(alert)
    parts = ["<!DOCTYPE html><html><body>"]
    if alert.is_test:
        parts.append("<p><strong>THIS IS A TEST ALERT from oiswatch.</strong></p>")
    art = alert.article
    parts.append(f"<h2>{escape(headline(alert))}</h2>")
    if art:
        parts.append(
            f"<p>{escape(one_line(art.outlet) or 'unknown outlet')} · "
            f"{escape(when(art.published))} · "
            f"{_link(art.url, 'read the article')}</p>"
        )
    if alert.links:
        parts.append(_desk_html(alert.links))
    if alert.event == "incident.earlier":
        parts.append(f"<p><strong>{escape(EARLIER_NOTE)}</strong></p>")
    if alert.changes:
        items = "".join(f"<li>{escape(one_line(c))}</li>" for c in alert.changes)
        parts.append(f"<h3>What changed</h3><ul>{items}</ul>")
    v = alert.verdict
    if v and v.evidence:
        parts.append("<h3>Why</h3>")
        for ev in v.evidence:
            marked = highlight(ev.sentence, ev.spans, lambda s: f"<mark>{escape(s)}</mark>", escape)
            parts.append(f"<blockquote>{marked}</blockquote>")
    if v:
        rows = "".join(
            f"<tr><th align=left>{escape(k)}</th><td>{escape(val)}</td></tr>"
            for k, val in facts(alert)
        )
        parts.append(f"<h3>Facts</h3><table>{rows}</table>")
    if alert.incident:
        inc = alert.incident
        parts.append(f"<h3>Incident {inc.uid}</h3>{_html_articles(inc)}")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_digest_text(alert: Alert) -> str:
    lines = [subject(alert), ""]
    for inc in alert.incidents:
        lines.append(
            f"Incident {inc.uid} — {inc.place or 'place unknown'}, opened {when(inc.opened_at)}"
        )
        lines += _text_articles(inc)
        lines.append("")
    if not alert.incidents:
        lines.append("No incidents.")
    return "\n".join(lines) + "\n"


def render_digest_html(alert: Alert) -> str:
    parts = [f"<!DOCTYPE html><html><body><h2>{escape(subject(alert))}</h2>"]
    for inc in alert.incidents:
        place = escape(inc.place or "place unknown")
        parts.append(f"<h3>Incident {inc.uid} — {place}</h3>{_html_articles(inc)}")
    if not alert.incidents:
        parts.append("<p>No incidents.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def build_message(alert: Alert, sender: str, recipients: tuple[str, ...]) -> EmailMessage:
    """The whole email: multipart text + HTML, threaded under the incident's first alert."""
    domain = sender.rpartition("@")[2] or "oiswatch.invalid"
    msg = EmailMessage()
    msg["Subject"] = one_line(subject(alert), 250)
    msg["From"] = one_line(sender)
    msg["To"] = ", ".join(one_line(r) for r in recipients)
    msg["Date"] = formatdate(alert.created_at.timestamp(), usegmt=True)
    msg["Message-ID"] = message_id(alert, domain)
    if alert.incident and alert.event in (Event.INCIDENT_UPDATE, Event.INCIDENT_EARLIER):
        root = thread_root(alert.incident, domain)
        msg["In-Reply-To"] = root
        msg["References"] = root
    if alert.delivery_id:
        msg["X-Oiswatch-Delivery"] = one_line(alert.delivery_id)
    msg.set_content(render_text(alert))
    msg.add_alternative(render_html(alert), subtype="html")
    return msg
