"""Each trial's column matching: which of the user's headers each history field is read from.

Revision 0006, after 0005. A new table; every save adds a row (the latest per trial wins), as settings do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "history_columns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trial", sa.String(500), nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_columns")),
    )
    op.create_index(op.f("ix_history_columns_trial_changed_at"), "history_columns", ["trial", "changed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_history_columns_trial_changed_at"), table_name="history_columns")
    op.drop_table("history_columns")
