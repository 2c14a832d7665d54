"""A week belongs to a trial: each upload names its trial and the day it stands for.

Revision 0005, after 0004. ``trial`` is the name the user gave the trial (uploads stored before it have
none: they form one unnamed trial); ``week_day`` is the day a scoring stands for: a history's as-of day,
else the day it was scored, filled in for the uploads already stored. "Last week" is then the latest
earlier day of the same trial, and scoring a trial's day again is the same week, not a new one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("trial", sa.String(200), nullable=True))
        batch.add_column(sa.Column("week_day", sa.Date, nullable=True))
    uploads = sa.table(
        "uploads", sa.column("as_of", sa.Date), sa.column("scored_at", sa.DateTime), sa.column("week_day", sa.Date)
    )
    op.execute(uploads.update().values(week_day=sa.func.coalesce(uploads.c.as_of, sa.func.date(uploads.c.scored_at))))
    op.create_index("ix_uploads_trial_week_day", "uploads", ["trial", "week_day"])


def downgrade() -> None:
    op.drop_index("ix_uploads_trial_week_day", table_name="uploads")
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("week_day")
        batch.drop_column("trial")
