"""What every desk handler shares: rendering a page, and reading a POSTed form safely."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from desk import auth

# A form bigger than this is not an editor's: refused before it is parsed.
MAX_FORM_BYTES = 64 * 1024


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    env = request.app.state.templates
    html = env.get_template(template).render(
        request=request,
        editor=getattr(request.state, "editor", None),
        csrf=auth.csrf_token(request.session),
        web=request.app.state.config.web,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


async def checked_form(request: Request) -> FormData:
    """The request's form, once its CSRF token matches the session's; else 403."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise HTTPException(413, "form too large")
    form = await request.form(max_files=0, max_fields=50)
    if not auth.csrf_ok(request.session, form.get("csrf")):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return form


async def refusal(request: Request, exc: Exception) -> HTMLResponse:
    """An HTTPException as a page that says what went wrong (escaped like everything)."""
    assert isinstance(exc, HTTPException)
    return page(request, "message.html", status_code=exc.status_code, message=exc.detail,
                status=exc.status_code)  # fmt: skip
