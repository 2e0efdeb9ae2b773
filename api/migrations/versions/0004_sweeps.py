"""sweeps: a what-if sweep's progress on its job, and its variants' results

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("variants_done", sa.Integer(), nullable=True))
    op.add_column("jobs", sa.Column("variants_total", sa.Integer(), nullable=True))
    op.create_table(
        "sweeps",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("variants_total", sa.Integer(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.job_id"]),
        sa.ForeignKeyConstraint(["office_id"], ["offices.office_id"]),
        sa.ForeignKeyConstraint(["scenario_id"], ["scenarios.scenario_id"]),
        sa.PrimaryKeyConstraint("job_id"),
    )
    op.create_index(op.f("ix_sweeps_office_id"), "sweeps", ["office_id"], unique=False)
    op.create_index(op.f("ix_sweeps_scenario_id"), "sweeps", ["scenario_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sweeps_scenario_id"), table_name="sweeps")
    op.drop_index(op.f("ix_sweeps_office_id"), table_name="sweeps")
    op.drop_table("sweeps")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("variants_total")
        batch.drop_column("variants_done")
