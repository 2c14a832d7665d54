"""Scores keep the observed outcome: whether the patient dropped out, when the upload said so.

Revision 0004, after 0003. Existing scores keep no outcome (NULL: not known). Batch mode, so SQLite
can take it like PostgreSQL (a plain ALTER TABLE ADD COLUMN there); Alembic runs it in one transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scores") as batch:
        batch.add_column(sa.Column("dropped_out", sa.Boolean, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scores") as batch:
        batch.drop_column("dropped_out")
