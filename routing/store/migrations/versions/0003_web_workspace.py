"""The web workspace: users, sessions, login_failures, jobs and plan_versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

New tables only, so the plans stored before keep their rows; a plan without a plan_versions
row is version 1 of its own line of edits.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=f"fk_{table}_{column}_{target}")


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the five tables and their indexes."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("carrier_id", sa.String(), nullable=True),
        sa.Column("password_hash", sa.String(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(), nullable=False),
        _when("created_at"), _when("expires_at"),
        _fk("sessions", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        _when("at"),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_username", "login_failures", ["username"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    _jobs_and_versions()


def _jobs_and_versions() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("scenario", sa.String(), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("best_cost", sa.Float(), nullable=True),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("violations", sa.Integer(), nullable=True),
        _when("created_at"), _when("updated_at"),
        _fk("jobs", "user_id", "users", "SET NULL"),
        _fk("jobs", "plan_id", "plans", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )
    op.create_index("ix_jobs_created_at", "jobs", ["created_at"])
    op.create_table(
        "plan_versions",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("lineage_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(), nullable=False),
        _when("created_at"),
        _fk("plan_versions", "plan_id", "plans", "CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", name="pk_plan_versions"),
        sa.UniqueConstraint("lineage_id", "version", name="uq_plan_versions_lineage_id_version"),
    )
    op.create_index("ix_plan_versions_lineage_id", "plan_versions", ["lineage_id"])


def downgrade() -> None:
    """Drop them again (indexes go with their tables)."""
    for table in ("plan_versions", "jobs", "login_failures", "sessions", "users"):
        op.drop_table(table)
