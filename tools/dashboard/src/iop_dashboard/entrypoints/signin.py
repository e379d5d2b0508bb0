"""Sign-in and sign-out: OIDC authorization-code flow (authlib) in production, configured users in development."""

# No `from __future__ import annotations`: FastAPI must see the local Annotated dependencies eagerly.
from typing import Annotated, Any

from authlib.integrations.starlette_client import OAuth, OAuthError  # type: ignore[import-untyped]
from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from iop_shared.logging import get_logger

from ..domain.users import User, clinics_from_claims, password_matches, user_id_from_subject
from ..settings import Settings
from .guard import check_csrf, check_origin, csrf_token, sign_in
from .views import render_login

log = get_logger(__name__)
HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; "
           "form-action 'self'", "X-Content-Type-Options": "nosniff"}


def oidc_client(settings: Settings) -> Any:
    """The authlib Starlette client of the configured issuer (its discovery document is read on first use)."""
    oauth = OAuth()
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    oauth.register("oidc", client_id=settings.oidc_client_id, client_secret=secret,
                   server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
                   client_kwargs={"scope": settings.oidc_scope, "code_challenge_method": "S256"})
    return oauth.create_client("oidc")


def router(settings: Settings) -> APIRouter:
    """GET/POST /login, GET /auth/callback (OIDC), POST /logout."""
    r = APIRouter(tags=["sign-in"])
    oidc = oidc_client(settings) if settings.uses_oidc else None

    @r.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request) -> Response:
        """The identity provider's sign-in (OIDC), or the development form."""
        if oidc is not None:
            redirect_uri = _callback_url(request, settings)
            response: Response = await oidc.authorize_redirect(request, redirect_uri)
            return response
        return HTMLResponse(render_login(csrf_token(request), error=None), headers=HEADERS)

    @r.post("/login", response_class=HTMLResponse)
    async def login_form(request: Request, username: Annotated[str, Form(max_length=128)],
                         password: Annotated[str, Form(max_length=256)],
                         csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=128)] = "") -> Response:
        """Development and test sign-in from DASHBOARD_DEV_USERS."""
        if oidc is not None or not settings.dev_users:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "development sign-in is not enabled")
        check_origin(request, settings.public_url)
        check_csrf(request, csrf_token_)
        known = settings.dev_users.get(username)
        if not password_matches(password, known.password.get_secret_value() if known else None) or known is None:
            log.info("sign_in_refused", method="dev")
            return HTMLResponse(render_login(csrf_token(request), error="Unknown user or wrong password."),
                                status_code=status.HTTP_401_UNAUTHORIZED, headers=HEADERS)
        sign_in(request, User(username, known.name or username, tuple(sorted(set(known.clinics)))))
        log.info("signed_in", method="dev")
        return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)

    @r.get("/auth/callback", include_in_schema=False)
    async def callback(request: Request) -> Response:
        """Back from the identity provider: exchange the code, read the user's clinics from the ID token."""
        if oidc is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "OIDC is not configured")
        try:
            token = await oidc.authorize_access_token(request)
        except OAuthError as exc:
            log.warning("sign_in_refused", method="oidc", error=exc.error)
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign-in failed") from None
        claims = dict(token.get("userinfo") or {})
        clinics = clinics_from_claims(claims, settings.oidc_clinics_claim)
        if not claims.get("sub") or not clinics:
            log.warning("sign_in_refused", method="oidc", error="no clinics claim")
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"the identity names no clinics ({settings.oidc_clinics_claim})")
        user_id = user_id_from_subject(str(claims["sub"]))  # stable and opaque: what flag actions record
        sign_in(request, User(user_id, str(claims.get("name") or claims.get("preferred_username") or user_id), clinics))
        log.info("signed_in", method="oidc")
        return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)

    @r.post("/logout")
    async def logout(request: Request, csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=128)] = "",
                     ) -> RedirectResponse:
        """End the session."""
        check_origin(request, settings.public_url)
        check_csrf(request, request.headers.get("x-csrf-token") or csrf_token_)
        request.session.clear()
        return RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)

    return r


def _callback_url(request: Request, settings: Settings) -> str:
    if settings.public_url:
        return settings.public_url.rstrip("/") + "/auth/callback"
    return str(request.url_for("callback"))
