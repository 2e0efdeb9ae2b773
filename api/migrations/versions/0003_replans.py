"""replans: what a re-plan's plan was made from, and its booking changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "replans",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("replans", sa.Integer(), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.plan_id"]),
        sa.ForeignKeyConstraint(["replans"], ["plans.plan_id"]),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_index(op.f("ix_replans_replans"), "replans", ["replans"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_replans_replans"), table_name="replans")
    op.drop_table("replans")
