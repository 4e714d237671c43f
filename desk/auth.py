"""Who is at the desk: editors' passwords, the reverse proxy's header, and CSRF tokens.

Pure functions over the configuration and the request's session; the app (``desk.app``)
calls them on every request. Passwords are Argon2id hashes made by
``oiswatch web add-user``; the password itself is never stored.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from config.model import WebConfig

_HASHER = PasswordHasher()
# Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password anyone has")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password(web: WebConfig, name: str, password: str) -> bool:
    """Whether `name` is a configured editor and `password` is theirs."""
    user = next((u for u in web.users if hmac.compare_digest(u.name, name)), None)
    try:
        ok = _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and user is not None


def _trusted(web: WebConfig, client: str | None) -> bool:
    if client is None:
        return False
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    for entry in web.trusted_proxies:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def editor(web: WebConfig, session: dict[str, Any], headers: Any, client: str | None) -> str | None:
    """The editor making the request, or None.

    The proxy's header counts only from a trusted proxy's address (anyone else could set
    it); a session counts only while its user is still in the configuration, so removing
    an editor from the file logs them out.
    """
    if web.proxy_user_header and _trusted(web, client):
        name = headers.get(web.proxy_user_header)
        if name and name.strip():
            return str(name.strip())[:200]
    name = session.get("user")
    if isinstance(name, str) and any(u.name == name for u in web.users):
        return name
    return None


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, made the first time a form needs one."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(session: dict[str, Any], sent: object) -> bool:
    token = session.get("csrf")
    return (
        isinstance(token, str)
        and isinstance(sent, str)
        and bool(sent)
        and hmac.compare_digest(token.encode(), sent.encode())
    )
