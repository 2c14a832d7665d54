"""A week keeps its inputs: the validated rows it was scored from, so a new session can reopen and rescore it.

Revision 0007, after 0006. One row per upload: the valid input rows (contract names, patient ids as the trial
gives them) as a gzip-compressed CSV. Uploads stored before it have none: they cannot be reopened, only listed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "week_inputs",
        sa.Column("upload_id", sa.Integer, nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["uploads.id"], name="fk_week_inputs_upload_id_uploads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("upload_id", name="pk_week_inputs"),
    )


def downgrade() -> None:
    op.drop_table("week_inputs")
