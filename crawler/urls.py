"""URL hygiene: one spelling per article, so the store can tell a repeat from a new story.

Pure functions. None of them raises on odd input: a link we cannot read is passed through
(stripped of its fragment) rather than dropped, because losing a story is worse than keeping
a messy URL.
"""

from __future__ import annotations

import base64
import binascii
from functools import cache
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

import tldextract

# Query parameters that only say how the reader arrived (campaign, click and session ids).
# Matched case-insensitively; any parameter starting with "utm_" is dropped as well.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",  # Facebook click id
        "gclid",  # Google Ads click id
        "gclsrc",
        "dclid",  # Google Display click id
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads click id
        "yclid",  # Yandex click id
        "twclid",  # X/Twitter click id
        "ttclid",  # TikTok click id
        "li_fat_id",  # LinkedIn
        "igshid",  # Instagram share id
        "igsh",
        "mc_cid",  # Mailchimp campaign id
        "mc_eid",  # Mailchimp subscriber id
        "_ga",  # Google Analytics cross-domain linker
        "_gl",
        "_hsenc",  # HubSpot
        "_hsmi",
        "mkt_tok",  # Marketo
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "s_cid",  # Adobe campaign id
        "wt_mc",  # Webtrends
        "wt_zmc",
        "ocid",  # Microsoft/MSN origin id
        "cmpid",  # Gannett/Hearst campaign id
        "cmp",
        "ncid",
        "ito",
        "sr_share",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "ref_src",  # twitter widget referrer
        "ref_url",
        "__twitter_impression",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "spref",
    }
)

_DEFAULT_PORTS = {"http": 80, "https": 443}

# The bundled Public Suffix List snapshot: no network fetch, no disk cache.
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _is_tracking(key: str) -> bool:
    name = unquote(key).strip().lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def _clean_netloc(scheme: str, netloc: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    # Careful with IPv6 literals: only a colon after the closing bracket is a port.
    colon = hostport.rfind(":")
    if colon > hostport.rfind("]"):
        host, port = hostport[:colon], hostport[colon + 1 :]
    host = host.lower().rstrip(".")
    if port and port.isdigit() and int(port) == _DEFAULT_PORTS.get(scheme):
        port = ""
    return f"{userinfo}{at}{host}{':' + port if port else ''}"


def clean_url(url: str) -> str:
    """The link without fragment or tracking parameters, scheme and host in lower case.

    Other query parameters keep their order and their exact spelling (re-encoding them could
    change what the server returns). An empty http(s) path becomes "/".
    """
    if not isinstance(url, str):
        return ""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return url.partition("#")[0]
    scheme = parts.scheme.lower()
    netloc = _clean_netloc(scheme, parts.netloc) if parts.netloc else ""
    path = parts.path
    if not path and netloc and scheme in _DEFAULT_PORTS:
        path = "/"
    kept = [
        piece for piece in parts.query.split("&") if piece and not _is_tracking(piece.split("=")[0])
    ]
    return urlunsplit((scheme, netloc, path, "&".join(kept), ""))


def _http_url(candidate: str | None) -> str | None:
    if not candidate:
        return None
    candidate = candidate.strip()
    if candidate.lower().startswith(("http://", "https://")) and len(candidate) > len("https://"):
        return candidate
    return None


def _bing_ck_target(u: str) -> str | None:
    # bing.com/ck/a?...&u=a1<base64url of the target>
    if not u.startswith("a1"):
        return None
    payload = u[2:]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def _unwrap_once(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = parts.hostname or ""
    path = parts.path.lower()
    # parse_qsl percent-decodes the values, which is what a redirector's target needs.
    params = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    if host == "bing.com" or host.endswith(".bing.com"):
        if path == "/news/apiclick.aspx" or path.startswith("/news/"):
            return _http_url(params.get("url"))
        if path == "/ck/a":
            return _http_url(_bing_ck_target(params.get("u", "")))
        return None
    if host == "news.google.com" or host.startswith("news.google."):
        return _http_url(params.get("url"))
    if (host.startswith("google.") or ".google." in f".{host}") and path == "/url":
        return _http_url(params.get("url") or params.get("q"))
    return None


def unwrap_redirector(url: str) -> str:
    """The publisher's URL behind a news aggregator's click-tracking link, else `url` itself.

    Handles bing.com/news/apiclick.aspx?...&url=..., bing.com/ck/a?...&u=a1<base64>,
    news.google.*/...?url=... and google.*/url?q=... . Google News' /rss/articles/<token>
    links cannot be decoded offline and are returned unchanged.
    """
    if not isinstance(url, str):
        return ""
    current = url
    for _ in range(3):  # a redirector may wrap another one
        target = _unwrap_once(current)
        if target is None:
            break
        current = target
    return current


@cache
def _site(host: str) -> str:
    parts = _TLD(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    # IP addresses, localhost and unknown suffixes: the host itself is the site.
    return host


def registrable_domain(url: str) -> str:
    """The site part of a URL's host ("kshb.com" for https://www.kshb.com/news), or ""."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except (ValueError, AttributeError):
        return ""
    return _site(host.rstrip(".")) if host else ""


def same_site(a: str, b: str) -> bool:
    """Whether two URLs belong to the same registrable domain (www.x.com and m.x.com do)."""
    site_a = registrable_domain(a)
    return bool(site_a) and site_a == registrable_domain(b)
