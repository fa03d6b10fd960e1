"""Which sweep job made a plan: plans.sweep_job, sweep_kind, sweep_option, sweep_part.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Nullable columns, so the plans stored before keep their rows (they were not made by a sweep).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

COLUMNS = (("sweep_job", sa.String()), ("sweep_kind", sa.String()),
           ("sweep_option", sa.String()), ("sweep_part", sa.Integer()))


def upgrade() -> None:
    """Add the four columns (ALTER TABLE ADD COLUMN on both databases) and index the job."""
    for name, kind in COLUMNS:
        op.add_column("plans", sa.Column(name, kind, nullable=True))
    op.create_index("ix_plans_sweep_job", "plans", ["sweep_job"])


def downgrade() -> None:
    """Drop them again. Plain ALTER TABLE DROP COLUMN (SQLite >= 3.35): a batch rebuild of
    plans would drop the old table, and with foreign keys on SQLite deletes its routes and
    stops with it."""
    op.drop_index("ix_plans_sweep_job", table_name="plans")
    for name, _ in reversed(COLUMNS):
        op.drop_column("plans", name)
