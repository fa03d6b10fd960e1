"""Accounts of the web workspace in the plan store's database: users with Argon2 password
hashes, their sessions, failed logins (for the limit on attempts) and solve jobs.

Everything lives in the database rather than in a server process, so several ``routing serve``
processes on one store (and the Dask workers running the solves) see the same sessions, the
same login limit and the same job progress.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..exceptions import StoreError
from .store import PlanStore
from .tables import JobRow, LoginFailureRow, SessionRow, UserRow

ROLES = ("admin", "dispatcher", "planner", "carrier")
#: Hours a login lasts.
SESSION_H = 12.0
#: Failed logins allowed per account name and client address within LOGIN_WINDOW_S.
LOGIN_FAILURES = 5
LOGIN_WINDOW_S = 300
JOB_STATES = ("queued", "running", "done", "failed")
#: Longest account name and password accepted (Argon2 would hash a megabyte, slowly).
MAX_NAME = 64
MAX_PASSWORD = 256


@dataclass(frozen=True, slots=True)
class User:
    """An account: id, name, role and, for a carrier account, its carrier's id."""

    id: int
    name: str
    role: str
    carrier_id: str | None = None

    @property
    def label(self) -> str:
        """The role as ``routing user add`` takes it: ``carrier:ID`` for a carrier."""
        return f"carrier:{self.carrier_id}" if self.role == "carrier" else self.role


@dataclass(frozen=True, slots=True)
class Job:
    """A solve job as every process sees it (see :class:`~routing.store.tables.JobRow`)."""

    id: str
    user_id: int | None
    scenario: str
    time_limit_s: float | None
    state: str
    stage: str
    progress: float
    best_cost: float | None
    message: str
    plan_id: int | None
    violations: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


def parse_role(text: str) -> tuple[str, str | None]:
    """``admin``, ``dispatcher``, ``planner`` or ``carrier:ID`` as (role, carrier id).

    Raises
    ------
    ValueError
        Anything else, naming what is valid.
    """
    role, _, carrier = text.strip().partition(":")
    if role not in ROLES or (role == "carrier") != bool(carrier.strip()):
        raise ValueError(f"role must be one of admin, dispatcher, planner or carrier:ID (the "
                         f"carrier's id in the scenarios); got {text!r}")
    return role, carrier.strip() or None


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()  # Argon2id, 64 MiB, 3 passes: RFC 9106's second recommendation


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (salted; encodes its own parameters)."""
    return str(_hasher().hash(password))


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@contextmanager
def _tx(store: PlanStore, *, read: bool = False) -> Iterator[Session]:
    """One transaction on the store (``read``: one that only reads, which on SQLite waits for
    no writer); database errors become StoreError naming the store."""
    try:
        with Session(store.reader if read else store.engine, expire_on_commit=False) \
                as session, session.begin():
            yield session
    except IntegrityError:
        raise
    except SQLAlchemyError as exc:
        text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise StoreError(f"store {store.where}: {text[0] if text else type(exc).__name__}") \
            from None


def _user(row: UserRow) -> User:
    return User(row.id, row.name, row.role, row.carrier_id)


def add_user(store: PlanStore, name: str, role: str, password: str) -> User:
    """Create an account; ``role`` as :func:`parse_role` reads it.

    Raises
    ------
    ValueError
        A bad name, role or password (empty, too long), or the name is taken.
    """
    kind, carrier = parse_role(role)
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c.isspace() for c in name):
        raise ValueError(f"account name must be 1..{MAX_NAME} characters without spaces; "
                         f"got {name!r}")
    if not password or len(password) > MAX_PASSWORD:
        raise ValueError(f"password must be 1..{MAX_PASSWORD} characters")
    row = UserRow(name=name, role=kind, carrier_id=carrier, password_hash=hash_password(password),
                  created_at=_now())
    try:
        with _tx(store) as session:
            session.add(row)
            session.flush()
            return _user(row)
    except IntegrityError:
        raise ValueError(f"account '{name}' exists already") from None


def users(store: PlanStore) -> list[User]:
    """Every account, by name."""
    with _tx(store, read=True) as session:
        return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]


def authenticate(store: PlanStore, name: str, password: str) -> User | None:
    """The account when ``password`` is its password, else None. An unknown name costs the
    same hash as a known one, so timing does not tell which names exist."""
    from argon2.exceptions import InvalidHashError, VerificationError

    with _tx(store, read=True) as session:
        row = session.scalar(select(UserRow).where(UserRow.name == name))
    hasher = _hasher()
    stored = row.password_hash if row is not None else _dummy_hash()
    try:
        hasher.verify(stored, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    return _user(row) if row is not None else None


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
    return _DUMMY[0]


def login_failures(store: PlanStore, name: str, address: str) -> int:
    """Failed logins for ``name`` from ``address`` within the last LOGIN_WINDOW_S."""
    since = _now() - dt.timedelta(seconds=LOGIN_WINDOW_S)
    query = select(func.count()).select_from(LoginFailureRow).where(
        LoginFailureRow.username == name[:MAX_NAME], LoginFailureRow.address == address,
        LoginFailureRow.at >= since)
    with _tx(store, read=True) as session:
        return int(session.scalar(query) or 0)


def record_failure(store: PlanStore, name: str, address: str) -> None:
    """Count a failed login (and forget those older than the window)."""
    now = _now()
    with _tx(store) as session:
        session.execute(delete(LoginFailureRow).where(
            LoginFailureRow.at < now - dt.timedelta(seconds=LOGIN_WINDOW_S)))
        session.add(LoginFailureRow(username=name[:MAX_NAME], address=address, at=now))


def clear_failures(store: PlanStore, name: str, address: str) -> None:
    """A successful login forgets that account's failures from that address."""
    with _tx(store) as session:
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.username == name,
                                                      LoginFailureRow.address == address))


def open_session(store: PlanStore, user: User) -> tuple[str, str]:
    """A new session for ``user``: (cookie token, CSRF token). Only the token's hash is kept."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    with _tx(store) as session:
        session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
        session.add(SessionRow(token_hash=_digest(token), user_id=user.id, csrf_token=csrf,
                               created_at=now,
                               expires_at=now + dt.timedelta(hours=SESSION_H)))
    return token, csrf


def session_user(store: PlanStore, token: str) -> tuple[User, str] | None:
    """The account and CSRF token of a live session, or None (unknown or expired)."""
    query = (select(UserRow, SessionRow.csrf_token, SessionRow.expires_at)
             .join(SessionRow, SessionRow.user_id == UserRow.id)
             .where(SessionRow.token_hash == _digest(token)))
    with _tx(store, read=True) as session:
        found = session.execute(query).first()
    if found is None or _utc(found[2]) <= _now():
        return None
    return _user(found[0]), found[1]


def close_session(store: PlanStore, token: str) -> None:
    """Log out: the session is gone."""
    with _tx(store) as session:
        session.execute(delete(SessionRow).where(SessionRow.token_hash == _digest(token)))


def _job(row: JobRow) -> Job:
    return Job(row.id, row.user_id, row.scenario, row.time_limit_s, row.state, row.stage,
               row.progress, row.best_cost, row.message, row.plan_id, row.violations,
               _utc(row.created_at), _utc(row.updated_at))


def create_job(store: PlanStore, *, scenario: str, time_limit_s: float | None,
               user_id: int | None) -> Job:
    """A new queued job with a random id."""
    now = _now()
    row = JobRow(id=secrets.token_hex(12), user_id=user_id, scenario=scenario,
                 time_limit_s=time_limit_s, state="queued", stage="queued", progress=0.0,
                 best_cost=None, message="", plan_id=None, violations=None, created_at=now,
                 updated_at=now)
    with _tx(store) as session:
        session.add(row)
    return _job(row)


def update_job(store: PlanStore, job_id: str, **fields: Any) -> bool:
    """Set fields of a job (state, stage, progress, best_cost, message, plan_id, violations).
    A job that is done or failed stays so: returns False and changes nothing then."""
    unknown = set(fields) - {"state", "stage", "progress", "best_cost", "message", "plan_id",
                             "violations"}
    if unknown or fields.get("state", "queued") not in JOB_STATES:
        raise ValueError(f"job fields {sorted(unknown)} or state {fields.get('state')!r}")
    with _tx(store) as session:
        row = session.get(JobRow, job_id)
        if row is None or row.state in ("done", "failed"):
            return False
        for key, value in fields.items():
            setattr(row, key, value)
        row.updated_at = _now()
    return True


def get_job(store: PlanStore, job_id: str) -> Job | None:
    """The job, or None."""
    with _tx(store, read=True) as session:
        row = session.get(JobRow, job_id)
        return None if row is None else _job(row)


def recent_jobs(store: PlanStore, limit: int = 50) -> list[Job]:
    """The newest jobs first."""
    with _tx(store, read=True) as session:
        return [_job(r) for r in session.scalars(
            select(JobRow).order_by(JobRow.created_at.desc()).limit(limit))]
