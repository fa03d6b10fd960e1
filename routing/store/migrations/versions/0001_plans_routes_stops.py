"""Plans with their totals and document; routes, stops and unserved stations as rows.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Written out in full rather than imported from routing.store.tables: a migration describes
the schema as it was at this revision, whatever the models become later.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete="CASCADE",
                                   name=f"fk_{table}_{column}_{target}")


def _index(table: str, *columns: str) -> None:
    for c in columns:
        op.create_index(f"ix_{table}_{c}", table, [c])


def upgrade() -> None:
    """Create plans, routes, stops and unserved."""
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario", sa.String(), nullable=False),
        sa.Column("scenario_hash", sa.String(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("engine", sa.String(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("structure", sa.String(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("vehicles", sa.Integer(), nullable=False),
        sa.Column("routes", sa.Integer(), nullable=False),
        sa.Column("stops", sa.Integer(), nullable=False),
        sa.Column("unserved", sa.Integer(), nullable=False),
        sa.Column("violations", sa.Integer(), nullable=True),
        sa.Column("document", DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
    )
    _index("plans", "scenario", "plan_date", "created_at")
    op.create_table(
        "routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("route_no", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.String(), nullable=False),
        sa.Column("vehicle_type", sa.String(), nullable=False),
        sa.Column("trip", sa.Integer(), nullable=False),
        sa.Column("echelon", sa.String(), nullable=False),
        sa.Column("depot_id", sa.String(), nullable=False),
        sa.Column("start_min", sa.Float(), nullable=False),
        sa.Column("end_min", sa.Float(), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        _fk("routes", "plan_id", "plans"),
        sa.PrimaryKeyConstraint("id", name="pk_routes"),
    )
    _index("routes", "plan_id", "vehicle_id")
    op.create_table(
        "stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("station_name", sa.String(), nullable=False),
        sa.Column("arrival_min", sa.Float(), nullable=False),
        sa.Column("departure_min", sa.Float(), nullable=False),
        sa.Column("parcels_delivered", sa.Integer(), nullable=False),
        sa.Column("parcels_picked_up", sa.Integer(), nullable=False),
        sa.Column("kg_delivered", sa.Float(), nullable=False),
        sa.Column("kg_picked_up", sa.Float(), nullable=False),
        _fk("stops", "route_id", "routes"),
        _fk("stops", "plan_id", "plans"),
        sa.PrimaryKeyConstraint("id", name="pk_stops"),
    )
    _index("stops", "route_id", "plan_id", "station_id")
    op.create_table(
        "unserved",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _fk("unserved", "plan_id", "plans"),
        sa.PrimaryKeyConstraint("id", name="pk_unserved"),
    )
    _index("unserved", "plan_id", "station_id")


def downgrade() -> None:
    """Drop them again (indexes go with their tables)."""
    for table in ("unserved", "stops", "routes", "plans"):
        op.drop_table(table)
