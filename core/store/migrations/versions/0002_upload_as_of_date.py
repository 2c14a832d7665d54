"""Uploads get an as-of date: a scoring of a trial's history is as of a past day, not the day it ran.

Revision 0002, after 0001. Existing uploads keep no date (they were scored as of the day they ran).
Batch mode, so SQLite can take it like PostgreSQL (a plain ALTER TABLE ADD COLUMN there).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("as_of", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("as_of")
