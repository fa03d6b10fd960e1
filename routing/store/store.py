"""The plan store: plans kept in a database (SQLite file or PostgreSQL) through SQLAlchemy.

Several planning processes may write at once and none loses a plan: every save is one
transaction; on SQLite the database runs in WAL mode, each transaction takes the write lock
up front (``BEGIN IMMEDIATE``) and waits up to :data:`BUSY_TIMEOUT_S` for it instead of
failing; on PostgreSQL rows get their ids from sequences, so concurrent inserts never collide.
Opening a store brings its schema to the newest Alembic revision (see :mod:`.migrate`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Engine, Text, cast, create_engine, event, func, insert, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, defer

from ..exceptions import StoreError
from .tables import PlanRow, PlanVersionRow, RouteRow, StopRow, UnservedRow

#: Environment variable naming the default store URL.
STORE_ENV = "ROUTING_STORE_URL"
#: Seconds a SQLite writer waits for another writer's lock before giving up.
BUSY_TIMEOUT_S = 60.0
#: Seconds to wait for a PostgreSQL server to answer a connection attempt.
CONNECT_TIMEOUT_S = 5
DIALECTS = ("sqlite", "postgresql")


def default_store_url() -> str:
    """``$ROUTING_STORE_URL``, else the SQLite file ``$XDG_DATA_HOME/routing/plans.sqlite``.

    A per-user file rather than one in the working folder, so the history does not depend on
    where a dispatcher happens to run the command.
    """
    env = os.environ.get(STORE_ENV)
    if env:
        return env
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'routing' / 'plans.sqlite'}"


def parse_store_url(url: str) -> URL:
    """The SQLAlchemy URL of a store; ``postgresql://`` and ``postgres://`` mean psycopg 3.

    Raises
    ------
    StoreError
        The URL is malformed or names a database other than {"sqlite", "postgresql"}.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"store URL '{url}': not a database URL ({exc}); expected e.g. "
                         "sqlite:///plans.sqlite or postgresql+psycopg://user:pw@host/db") \
            from None
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in DIALECTS:
        raise StoreError(f"store URL '{_masked(parsed)}': database must be one of "
                         f"{{{', '.join(DIALECTS)}}}; got '{backend}'.")
    if backend == "postgresql" and "+" not in parsed.drivername:
        # psycopg 3 is the driver we ship; SQLAlchemy 2.0's default for postgresql:// is
        # psycopg2 (and postgres:// is not a name SQLAlchemy knows).
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def absolute_url(url: str, base: Path | None = None) -> str:
    """The store URL with a SQLite file's relative path made absolute against ``base`` (else
    the working folder), for processes that run elsewhere: sweep workers.

    Raises
    ------
    StoreError
        As :func:`parse_store_url`.
    """
    parsed = parse_store_url(url)
    db = parsed.database
    if parsed.get_backend_name() == "sqlite" and db and db != ":memory:" \
            and not db.startswith("file:") and not Path(db).is_absolute():
        parsed = parsed.set(database=str((base or Path.cwd()) / db))
    return parsed.render_as_string(hide_password=False)


def _masked(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling would defer it),
    # and make writers queue for the lock instead of failing with "database is locked".
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    _wal(cur)
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _wal(cur: Any) -> None:
    """Switch to WAL (readers do not block the writer, nor it them). Changing the journal mode
    needs the database to itself and SQLite does not wait for that through the busy timeout,
    so a store opened by several processes at once retries here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.01
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(0.5, pause * 2)


#: Execution option of the store's read-only connections (:attr:`PlanStore.reader`).
READ_ONLY = "routing_read_only"


def _sqlite_begin(conn: Any) -> None:
    # Take the write lock at BEGIN: a deferred transaction that reads first (as a migration
    # does) and writes later fails at once if another writer got in between, busy timeout
    # or not. A read-only transaction takes no lock: in WAL mode it reads its snapshot
    # while a writer writes (queueing readers for the write lock made every page view wait
    # for every save, and SQLite's busy handler sleeps up to 100 ms between tries).
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY)
                         else "BEGIN IMMEDIATE")


def _engine(url: URL) -> Engine:
    try:
        if url.get_backend_name() == "sqlite":
            # Documents kept as compact UTF-8 JSON (not \u-escaped): GET /api/plans/{id}
            # answers with the stored text as it is.
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S},
                                   json_serializer=_compact_json)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        args = {} if "connect_timeout" in url.query else {"connect_timeout": CONNECT_TIMEOUT_S}
        return create_engine(url, connect_args=args, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise StoreError(f"store URL '{_masked(url)}': driver not installed ({exc}); "
                         "PostgreSQL needs psycopg 3: pip install 'psycopg[binary]'") from None
    except ArgumentError as exc:
        raise StoreError(f"store URL '{_masked(url)}': {exc}") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepTag:
    """Which sweep job made a plan: the job's key, kind (baseline | variant | coalition) and
    option (carrier, variant, or members joined by "+"), and the plan's place among the job's
    plans, from 1."""

    job: str
    kind: str
    option: str
    part: int = 1


class StaleVersionError(StoreError):
    """Another edit took the version this one meant to store: the edit was made on a stale
    version (see :meth:`PlanStore.save_version`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanVersion:
    """A plan's place in its line of edits: the line's first plan, the version (from 1),
    the plan it was edited from, who saved it and when (None: a plan stored outside the web
    workspace, version 1 of its own line)."""

    plan_id: int
    lineage_id: int
    version: int
    parent_id: int | None = None
    author: str = ""
    created_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPlan:
    """One line of the history: a stored plan's identity and totals (money CNY, km)."""

    id: int
    scenario: str
    scenario_hash: str
    plan_date: dt.date
    created_at: dt.datetime  # UTC
    engine: str
    seed: int
    status: str
    structure: str
    cost: float
    distance_km: float
    vehicles: int
    routes: int
    stops: int
    unserved: int
    violations: int | None
    sweep: SweepTag | None = None  # None: not made by a sweep


def _plan_date(doc: dict[str, Any], now: dt.datetime) -> dt.date:
    """The day the plan is for: the scenario's date, or the day it was saved if it has none."""
    try:
        return dt.date.fromisoformat(doc["scenario"].get("date") or "")
    except ValueError:
        return now.date()


def _sum(amounts: list[dict[str, Any]], key: str) -> Any:
    return sum(a[key] for a in amounts)


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None, "an INSERT of one row names its key"
    return int(key[0])


def _insert(session: Session, doc: dict[str, Any], *, violations: int | None,
            now: dt.datetime, sweep: SweepTag | None = None) -> int:
    """Insert the rows of one plan document — the plan, its routes with their stops, its
    unserved — with Core statements (one per route, the stops and the unserved as one
    executemany each: an edited county's thousand stops as ORM objects cost more than its
    re-timing); the plan's id."""
    totals = doc["totals"]
    tag = {} if sweep is None else {"sweep_job": sweep.job, "sweep_kind": sweep.kind,
                                    "sweep_option": sweep.option, "sweep_part": sweep.part}
    conn = session.connection()
    plan_id = _new_id(conn.execute(insert(PlanRow).values(
        **tag,
        scenario=doc["scenario"]["name"], scenario_hash=doc["scenario"]["hash"],
        plan_date=_plan_date(doc, now), created_at=now, engine=doc["engine"], seed=doc["seed"],
        status=doc["status"], structure=str(doc.get("meta", {}).get("structure", "direct")),
        cost=totals["cost"], distance_km=totals["distance_km"], vehicles=totals["vehicles"],
        routes=totals.get("routes", len(doc["routes"])), stops=totals["stops"],
        unserved=totals.get("unserved_stations", len({u["station_id"] for u in doc["unserved"]})),
        violations=violations, document=doc)))
    stops = []
    for no, r in enumerate(doc["routes"], start=1):
        route_id = _new_id(conn.execute(insert(RouteRow).values(
            plan_id=plan_id, route_no=no, vehicle_id=r["vehicle_id"],
            vehicle_type=r["vehicle_type"], trip=r.get("trip", 1),
            echelon=r.get("echelon", "direct"), depot_id=r.get("depot_id", ""),
            start_min=r["start_min"], end_min=r["end_min"], distance_km=r["distance_km"],
            cost=r["cost"]["total"])))
        stops += [{"route_id": route_id, "plan_id": plan_id, "seq": s.get("seq", k),
                   "station_id": s["station_id"], "station_name": s.get("station_name", ""),
                   "arrival_min": s["arrival_min"], "departure_min": s["departure_min"],
                   "parcels_delivered": _sum(s["delivered"], "parcels"),
                   "parcels_picked_up": _sum(s["picked_up"], "parcels"),
                   "kg_delivered": round(_sum(s["delivered"], "kg"), 3),
                   "kg_picked_up": round(_sum(s["picked_up"], "kg"), 3)}
                  for k, s in enumerate(r["stops"], start=1)]
    if stops:
        conn.execute(insert(StopRow), stops)
    if doc["unserved"]:
        conn.execute(insert(UnservedRow),
                     [{"plan_id": plan_id, "station_id": u["station_id"], "reason": u["reason"]}
                      for u in doc["unserved"]])
    return plan_id


def _stored(row: PlanRow) -> StoredPlan:
    created = row.created_at
    if created.tzinfo is None:  # SQLite keeps no zone; we always write UTC
        created = created.replace(tzinfo=dt.UTC)
    return StoredPlan(id=row.id, scenario=row.scenario, scenario_hash=row.scenario_hash,
                      plan_date=row.plan_date, created_at=created, engine=row.engine,
                      seed=row.seed, status=row.status, structure=row.structure, cost=row.cost,
                      distance_km=row.distance_km, vehicles=row.vehicles, routes=row.routes,
                      stops=row.stops, unserved=row.unserved, violations=row.violations,
                      sweep=None if row.sweep_job is None else SweepTag(
                          job=row.sweep_job, kind=row.sweep_kind or "",
                          option=row.sweep_option or "", part=row.sweep_part or 1))


def _version(row: PlanVersionRow) -> PlanVersion:
    created = row.created_at
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    return PlanVersion(plan_id=row.plan_id, lineage_id=row.lineage_id, version=row.version,
                       parent_id=row.parent_id, author=row.author, created_at=created)


class PlanStore:
    """An open plan store. Use :func:`open_store`; close it (or use ``with``) when done."""

    def __init__(self, url: URL, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        #: The same connections for transactions that only read (SQLite: no write lock).
        self.reader = engine.execution_options(**{READ_ONLY: True})

    @property
    def where(self) -> str:
        """The store's URL with the password hidden, for messages."""
        return _masked(self.url)

    def __enter__(self) -> PlanStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _reading(self) -> Session:
        return Session(self.reader, expire_on_commit=False)

    def _failed(self, exc: SQLAlchemyError) -> StoreError:
        return StoreError(f"store {self.where}: {_first_line(exc)}")

    def save(self, doc: dict[str, Any], *, violations: int | None = None,
             sweep: SweepTag | None = None) -> int:
        """Store a plan document (as written to plan.json) in one transaction; return its id.

        ``violations``: how many violations the independent checker found (None: not checked);
        ``sweep``: the sweep job that made it.
        """
        return self.save_all([(doc, violations, sweep)])[0]

    def save_all(self, plans: Sequence[tuple[dict[str, Any], int | None, SweepTag | None]]
                 ) -> list[int]:
        """Store several plans — (document, violations, sweep tag) each — in one transaction,
        so that a job's plans are kept all or none; return their ids in order."""
        now = dt.datetime.now(dt.UTC)
        try:
            with self._session() as session, session.begin():
                return [_insert(session, doc, violations=violations, now=now, sweep=sweep)
                        for doc, violations, sweep in plans]
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None

    def save_job(self, job: str, plans: Sequence[tuple[dict[str, Any], int | None, SweepTag]]
                 ) -> tuple[list[int], bool]:
        """Store a sweep job's plans once: in one transaction, the ids of the plans already
        stored under the job key ``job`` if there are any (an earlier run of the job, whose
        results row was lost to an interrupted sweep), else those of ``plans``, stored now.
        Returns the ids, in part order, and whether they were stored now.

        Writers of the same key queue for each other (SQLite: the write lock taken at BEGIN;
        PostgreSQL: a transaction-scoped advisory lock on the key), so two runs of a job never
        both store.
        """
        now = dt.datetime.now(dt.UTC)
        before = (select(PlanRow.id).where(PlanRow.sweep_job == job)
                  .order_by(PlanRow.sweep_part, PlanRow.id))
        try:
            with self._session() as session, session.begin():
                if self.url.get_backend_name() == "postgresql":
                    lock = int.from_bytes(hashlib.sha256(job.encode()).digest()[:8], "big",
                                          signed=True)
                    session.execute(select(func.pg_advisory_xact_lock(lock)))
                stored = list(session.scalars(before))
                if stored:
                    return stored, False
                return [_insert(session, doc, violations=violations, now=now, sweep=sweep)
                        for doc, violations, sweep in plans], True
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None

    def save_version(self, doc: dict[str, Any], *, violations: int | None,
                     lineage_id: int | None, version: int, parent_id: int | None,
                     author: str) -> int:
        """Store an edited plan as ``version`` of the line of edits that began with plan
        ``lineage_id`` (None: a new line, this plan its version 1), plan and version row in
        one transaction; return its id.

        Raises
        ------
        StaleVersionError
            That version of the line is stored already (another edit got in first).
        """
        now = dt.datetime.now(dt.UTC)
        taken = select(PlanVersionRow.plan_id).where(PlanVersionRow.lineage_id == lineage_id,
                                                     PlanVersionRow.version == version)
        try:
            with self._session() as session, session.begin():
                # Refused before writing a row when the version is taken (SQLite: this
                # transaction holds the write lock; else the unique key refuses it below).
                if lineage_id is not None and session.scalar(taken) is not None:
                    raise StaleVersionError(f"version {version} of plan {lineage_id} is "
                                            "stored already")
                plan_id = _insert(session, doc, violations=violations, now=now)
                session.add(PlanVersionRow(plan_id=plan_id, lineage_id=lineage_id or plan_id,
                                           version=version, parent_id=parent_id,
                                           author=author, created_at=now))
                session.flush()
                return plan_id
        except IntegrityError:
            raise StaleVersionError(f"version {version} of plan {lineage_id} is stored "
                                    "already") from None
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None

    def version(self, plan_id: int) -> PlanVersion:
        """Where plan ``plan_id`` stands in its line of edits (version 1 of its own line
        when it was never edited nor made by the web workspace)."""
        try:
            with self._reading() as session, session.begin():
                row = session.get(PlanVersionRow, plan_id)
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None
        return PlanVersion(plan_id=plan_id, lineage_id=plan_id, version=1) if row is None \
            else _version(row)

    def versions(self, plan_ids: Sequence[int]) -> dict[int, PlanVersion]:
        """:meth:`version` of many plans in one query (the history)."""
        ids = list(plan_ids)
        query = select(PlanVersionRow).where(PlanVersionRow.plan_id.in_(ids))
        try:
            with self._reading() as session, session.begin():
                found = {r.plan_id: _version(r) for r in session.scalars(query)}
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None
        return {i: found.get(i) or PlanVersion(plan_id=i, lineage_id=i, version=1) for i in ids}

    def head(self, lineage_id: int) -> PlanVersion:
        """The newest version of the line of edits that began with plan ``lineage_id``."""
        query = (select(PlanVersionRow).where(PlanVersionRow.lineage_id == lineage_id)
                 .order_by(PlanVersionRow.version.desc()).limit(1))
        try:
            with self._reading() as session, session.begin():
                row = session.scalar(query)
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None
        return PlanVersion(plan_id=lineage_id, lineage_id=lineage_id, version=1) \
            if row is None else _version(row)

    def position(self, plan_id: int) -> tuple[PlanVersion, PlanVersion] | None:
        """:meth:`version` of plan ``plan_id`` and :meth:`head` of its line, read in one
        transaction; None when no plan has that id."""
        try:
            with self._reading() as session, session.begin():
                if session.scalar(select(PlanRow.id).where(PlanRow.id == plan_id)) is None:
                    return None
                row = session.get(PlanVersionRow, plan_id)
                lineage = plan_id if row is None else row.lineage_id
                top = session.scalar(select(PlanVersionRow)
                                     .where(PlanVersionRow.lineage_id == lineage)
                                     .order_by(PlanVersionRow.version.desc()).limit(1))
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None
        own = PlanVersion(plan_id=plan_id, lineage_id=plan_id, version=1) if row is None \
            else _version(row)
        head = PlanVersion(plan_id=lineage, lineage_id=lineage, version=1) if top is None \
            else _version(top)
        return own, head

    def line(self, lineage_id: int) -> list[PlanVersion]:
        """Every stored version of a line of edits, oldest first."""
        query = (select(PlanVersionRow).where(PlanVersionRow.lineage_id == lineage_id)
                 .order_by(PlanVersionRow.version))
        try:
            with self._reading() as session, session.begin():
                rows = [_version(r) for r in session.scalars(query)]
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None
        if not rows or rows[0].version != 1:
            rows.insert(0, PlanVersion(plan_id=lineage_id, lineage_id=lineage_id, version=1))
        return rows

    def get(self, plan_id: int) -> dict[str, Any]:
        """The plan document stored under ``plan_id``, exactly as saved.

        Raises
        ------
        StoreError
            No plan has that id.
        """
        try:
            with self._reading() as session, session.begin():
                doc: dict[str, Any] | None = session.scalar(
                    select(PlanRow.document).where(PlanRow.id == plan_id))
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None
        if doc is None:
            raise StoreError(f"plan {plan_id}: not in the store {self.where}; "
                             "`routing history` lists the stored plans.")
        return doc

    def get_json(self, plan_id: int) -> bytes:
        """The plan document stored under ``plan_id`` as JSON text (UTF-8), as the database
        holds it: no parsing, for answers that only pass it on. It reads back as
        :meth:`get` does (PostgreSQL's JSONB may order the keys differently).

        Raises
        ------
        StoreError
            No plan has that id.
        """
        try:
            with self._reading() as session, session.begin():
                text: str | None = session.scalar(
                    select(cast(PlanRow.document, Text)).where(PlanRow.id == plan_id))
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None
        if text is None:
            raise StoreError(f"plan {plan_id}: not in the store {self.where}; "
                             "`routing history` lists the stored plans.")
        return text.encode()

    def has(self, plan_id: int) -> bool:
        """Whether a plan is stored under ``plan_id`` (its document left unread)."""
        try:
            with self._reading() as session, session.begin():
                return session.scalar(select(PlanRow.id).where(PlanRow.id == plan_id)) \
                    is not None
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None

    def latest(self, scenario: str) -> tuple[int, dict[str, Any]]:
        """Id and document of the newest plan saved for ``scenario`` (by name).

        Raises
        ------
        StoreError
            The store holds no plan of that scenario.
        """
        query = (select(PlanRow.id, PlanRow.document).where(PlanRow.scenario == scenario)
                 .order_by(PlanRow.created_at.desc(), PlanRow.id.desc()).limit(1))
        try:
            with self._reading() as session, session.begin():
                found = session.execute(query).first()
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None
        if found is None:
            raise StoreError(f"scenario '{scenario}': no stored plan in {self.where} to take "
                             "as the reference; plan once with --store first.")
        return found[0], found[1]

    def find(self, ref: str, *, scenario: str) -> tuple[int, dict[str, Any]]:
        """Id and document for a reference: ``"latest"`` (of ``scenario``) or a plan id."""
        if ref == "latest":
            return self.latest(scenario)
        try:
            plan_id = int(ref)
        except ValueError:
            raise StoreError(f"plan reference '{ref}': must be 'latest' or a plan id.") from None
        return plan_id, self.get(plan_id)

    def history(self, *, scenario: str | None = None, since: dt.date | None = None,
                until: dt.date | None = None, sweep_job: str | None = None
                ) -> list[StoredPlan]:
        """Stored plans, oldest first, filtered by scenario name, plan day (inclusive) and the
        key of the sweep job that made them."""
        query = select(PlanRow).order_by(PlanRow.created_at, PlanRow.id)
        if scenario is not None:
            query = query.where(PlanRow.scenario == scenario)
        if sweep_job is not None:
            query = query.where(PlanRow.sweep_job == sweep_job)
        if since is not None:
            query = query.where(PlanRow.plan_date >= since)
        if until is not None:
            query = query.where(PlanRow.plan_date <= until)
        # Only the summary columns: the documents can be large.
        query = query.options(defer(PlanRow.document))
        try:
            with self._reading() as session, session.begin():
                return [_stored(r) for r in session.scalars(query)]
        except SQLAlchemyError as exc:
            raise self._failed(exc) from None


def open_store(url: str | None = None) -> PlanStore:
    """Open (creating and migrating as needed) the plan store at ``url``.

    Parameters
    ----------
    url
        ``sqlite:///path/plans.sqlite`` (relative to the working folder; four slashes for an
        absolute path) or ``postgresql+psycopg://user:password@host:5432/db``; default
        :func:`default_store_url`.

    Raises
    ------
    StoreError
        Bad URL, unknown database, server unreachable or refusing us, file not writable.
    """
    from .migrate import upgrade

    text = url or default_store_url()
    parsed = parse_store_url(text)
    if url is None and parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(parsed)
    try:
        upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"store {_masked(parsed)}: cannot open ({_first_line(exc)})") from None
    except CommandError as exc:  # e.g. a revision this version of routing does not know
        engine.dispose()
        raise StoreError(f"store {_masked(parsed)}: schema cannot be migrated ({exc}); was it "
                         "written by a newer version of routing?") from None
    return PlanStore(parsed, engine)


def _sweep_cell(tag: SweepTag | None) -> str:
    """A plan's sweep job as the history shows it: key (shortened), kind, option, part."""
    if tag is None:
        return "-"
    return f"{tag.job[:10]} {tag.kind} {tag.option} #{tag.part}"


def history_table(plans: list[StoredPlan]) -> str:
    """The history as a fixed-width text table: one line per plan, saved time in local time,
    the scenario's hash shortened, and for a sweep's plans the job that made them."""
    head = ("id", "saved", "scenario", "day", "hash", "engine", "seed", "vehicles", "stops",
            "km", "cost CNY", "unserved", "violations", "sweep job")
    rows = [head] + [(
        str(p.id), p.created_at.astimezone().strftime("%Y-%m-%d %H:%M"), p.scenario,
        p.plan_date.isoformat(), p.scenario_hash[:8], p.engine, str(p.seed), str(p.vehicles),
        str(p.stops), f"{p.distance_km:,.1f}", f"{p.cost:,.2f}", str(p.unserved),
        "-" if p.violations is None else str(p.violations), _sweep_cell(p.sweep))
        for p in plans]
    widths = [max(len(r[k]) for r in rows) for k in range(len(head))]
    left = {1, 2, 3, 4, 5, 13}  # text columns; numbers align right
    return "\n".join("  ".join(c.ljust(w) if k in left else c.rjust(w)
                               for k, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
                     for r in rows)
