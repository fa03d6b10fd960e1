"""Who is calling: the session cookie, the CSRF token and the roles' permissions.

- The session cookie (``routing_session``) is HttpOnly, SameSite=Strict, Secure over HTTPS;
  the database keeps only its SHA-256 (:mod:`routing.store.accounts`).
- Every state-changing request (POST, PUT, PATCH, DELETE) of a session must carry its CSRF
  token, which ``POST /api/login`` returns, in the ``X-CSRF-Token`` header (403 otherwise).
- Roles: ``admin`` everything; ``dispatcher`` reads, runs solves and edits plans;
  ``planner`` reads and runs solves; ``carrier:ID`` reads its own lines only.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request, status

from ..store.accounts import User, session_user

COOKIE = "routing_session"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "run", "edit", "admin"}),
    "dispatcher": frozenset({"read", "run", "edit"}),
    "planner": frozenset({"read", "run"}),
    "carrier": frozenset({"read_own"}),
}


@dataclass(frozen=True, slots=True)
class Caller:
    """A logged-in caller: the account, its session's CSRF token and cookie token."""

    user: User
    csrf: str
    token: str

    def can(self, what: str) -> bool:
        return what in PERMISSIONS.get(self.user.role, frozenset())


def caller(request: Request) -> Caller:
    """The logged-in caller (401 without a live session; 403 when a state-changing request
    lacks the session's CSRF token)."""
    token = request.cookies.get(COOKIE)
    found = session_user(request.app.state.web.store, token) if token else None
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "log in first (POST /api/login)")
    user, csrf = found
    if request.method in UNSAFE:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent.encode(), csrf.encode()):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"missing or wrong {CSRF_HEADER} header (the csrf_token "
                                "POST /api/login returned)")
    assert token is not None
    return Caller(user, csrf, token)


def need(*any_of: str) -> Callable[..., Any]:
    """A dependency: the caller, who must have one of the permissions ``any_of`` (403)."""

    def check(who: Caller = Depends(caller)) -> Caller:  # noqa: B008 (FastAPI's idiom)
        if not any(who.can(p) for p in any_of):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"the role {who.user.label} may not do this "
                                f"(needs {' or '.join(any_of)})")
        return who

    return check
