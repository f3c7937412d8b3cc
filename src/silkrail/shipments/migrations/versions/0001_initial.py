"""Shipments, events, forecasts and API keys.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "shipments",
        sa.Column("container", sa.String(11), primary_key=True),
        sa.Column("origin", sa.String(100), nullable=False),
        sa.Column("destination", sa.String(100), nullable=False),
        sa.Column("depart", sa.DateTime(), nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("route_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(100), primary_key=True),
        sa.Column("container", sa.String(11), sa.ForeignKey("shipments.container"), nullable=False),
        sa.Column("event_type", sa.String(16), nullable=False),
        sa.Column("code", sa.String(4), nullable=False),
        sa.Column("classifier", sa.String(3), nullable=False),
        sa.Column("event_time", sa.DateTime(), nullable=False),
        sa.Column("location", sa.String(100), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_events_container_time", "events", ["container", "event_time"])
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("container", sa.String(11), sa.ForeignKey("shipments.container"), nullable=False),
        sa.Column("basis_event_id", sa.String(100), nullable=False),
        sa.Column("forecast_json", sa.Text(), nullable=False),
        sa.Column("p50", sa.DateTime(), nullable=False),
        sa.Column("next_p95", sa.DateTime(), nullable=True),
        sa.Column("arrived", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("container", "basis_event_id", name="uq_forecasts_basis"),
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop the tables."""
    for table in ("api_keys", "forecasts", "events", "shipments"):
        op.drop_table(table)
