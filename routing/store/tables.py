"""The plan store's tables: plans with their totals, and their routes, stops and unserved
stations as rows so that SQL can query them.

The plan document itself (plan.json, as a JSON column) is the record; the other columns and
tables are copies of its parts for queries. Changing a table here needs a migration in
``migrations/versions`` (a test compares the two).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Explicit constraint names, so later migrations can address them on every dialect.
NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "pk": "pk_%(table_name)s"}

# JSONB on PostgreSQL so the document can be queried and indexed there; dict equality of the
# document survives both (JSONB reorders keys, which a dict does not see).
DOCUMENT = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Declarative base with the naming convention above."""

    metadata = MetaData(naming_convention=NAMING)


class PlanRow(Base):
    """One stored plan: who made it for which scenario and day, its totals, the document."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario: Mapped[str] = mapped_column(String(), index=True)
    scenario_hash: Mapped[str] = mapped_column(String())
    plan_date: Mapped[dt.date] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    engine: Mapped[str] = mapped_column(String())
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String())
    structure: Mapped[str] = mapped_column(String())
    cost: Mapped[float] = mapped_column(Float)
    distance_km: Mapped[float] = mapped_column(Float)
    vehicles: Mapped[int] = mapped_column(Integer)
    routes: Mapped[int] = mapped_column(Integer)
    stops: Mapped[int] = mapped_column(Integer)
    unserved: Mapped[int] = mapped_column(Integer)
    violations: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document: Mapped[dict[str, Any]] = mapped_column(DOCUMENT)
    # The sweep job that made the plan (all None for `routing plan`): its key (the results
    # table's job_key), kind, option, and the plan's place among the job's plans, from 1 (a
    # schedule visiting every k days has one plan per visiting day).
    sweep_job: Mapped[str | None] = mapped_column(String(), nullable=True, index=True)
    sweep_kind: Mapped[str | None] = mapped_column(String(), nullable=True)
    sweep_option: Mapped[str | None] = mapped_column(String(), nullable=True)
    sweep_part: Mapped[int | None] = mapped_column(Integer, nullable=True)

    route_rows: Mapped[list[RouteRow]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="RouteRow.route_no")
    unserved_rows: Mapped[list[UnservedRow]] = relationship(
        back_populates="plan", cascade="all, delete-orphan")


class RouteRow(Base):
    """One route (one trip of one vehicle) of a stored plan."""

    __tablename__ = "routes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    route_no: Mapped[int] = mapped_column(Integer)  # position in plan.json's routes, from 1
    vehicle_id: Mapped[str] = mapped_column(String(), index=True)
    vehicle_type: Mapped[str] = mapped_column(String())
    trip: Mapped[int] = mapped_column(Integer)
    echelon: Mapped[str] = mapped_column(String())
    depot_id: Mapped[str] = mapped_column(String())
    start_min: Mapped[float] = mapped_column(Float)
    end_min: Mapped[float] = mapped_column(Float)
    distance_km: Mapped[float] = mapped_column(Float)
    cost: Mapped[float] = mapped_column(Float)

    plan: Mapped[PlanRow] = relationship(back_populates="route_rows")
    stop_rows: Mapped[list[StopRow]] = relationship(
        back_populates="route", cascade="all, delete-orphan", order_by="StopRow.seq")


class StopRow(Base):
    """One stop of a stored route; ``plan_id`` repeated so stops can be queried per plan."""

    __tablename__ = "stops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"),
                                          index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    station_id: Mapped[str] = mapped_column(String(), index=True)
    station_name: Mapped[str] = mapped_column(String())
    arrival_min: Mapped[float] = mapped_column(Float)
    departure_min: Mapped[float] = mapped_column(Float)
    parcels_delivered: Mapped[int] = mapped_column(Integer)
    parcels_picked_up: Mapped[int] = mapped_column(Integer)
    kg_delivered: Mapped[float] = mapped_column(Float)
    kg_picked_up: Mapped[float] = mapped_column(Float)

    route: Mapped[RouteRow] = relationship(back_populates="stop_rows")
    plan: Mapped[PlanRow] = relationship()


class UnservedRow(Base):
    """A station a stored plan leaves unserved, with the reason."""

    __tablename__ = "unserved"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[str] = mapped_column(String(), index=True)
    reason: Mapped[str] = mapped_column(String())

    plan: Mapped[PlanRow] = relationship(back_populates="unserved_rows")


# The web workspace (routing serve): accounts, their sessions, failed logins, solve jobs and
# the versions of plans edited on the page. Revision 0003.


class UserRow(Base):
    """An account of the web workspace: a role (admin | dispatcher | planner | carrier), the
    carrier a carrier account belongs to, and an Argon2 hash of its password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(), unique=True)
    role: Mapped[str] = mapped_column(String())
    carrier_id: Mapped[str | None] = mapped_column(String(), nullable=True)
    password_hash: Mapped[str] = mapped_column(String())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A logged-in session: the SHA-256 of its cookie token (the token itself is never
    stored), its CSRF token and when it expires."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailureRow(Base):
    """One failed login, for the limit on attempts per account name and client address."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(), index=True)
    address: Mapped[str] = mapped_column(String())
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class JobRow(Base):
    """A solve job of the web workspace, where every server process and the Dask worker
    running it see it: state (queued | running | done | failed), stage, progress 0..1, the
    best search cost so far, a message, and the stored plan once done."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    scenario: Mapped[str] = mapped_column(String())
    time_limit_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    state: Mapped[str] = mapped_column(String())
    stage: Mapped[str] = mapped_column(String())
    progress: Mapped[float] = mapped_column(Float)
    best_cost: Mapped[float | None] = mapped_column(Float, nullable=True)
    message: Mapped[str] = mapped_column(String())
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), nullable=True)
    violations: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PlanVersionRow(Base):
    """A plan's place in a line of edits: the first plan of the line (``lineage_id``), its
    version there (1, 2, …; one plan per version, so two edits of one version cannot both be
    stored), the plan it was edited from, who saved it and when. A plan without a row is
    version 1 of its own line."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("lineage_id", "version",
                                       name="uq_plan_versions_lineage_id_version"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"),
                                         primary_key=True)
    lineage_id: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str] = mapped_column(String())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
