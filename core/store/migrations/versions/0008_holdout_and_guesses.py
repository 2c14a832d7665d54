"""The fair test's random hold-out draws, and the sign-in guess counts kept in the database.

Revision 0008, after 0007. Four new tables: ``holdout_draws`` (one per week drawn: share, seed, who) and
``held_out`` (the patients each draw held out from the call list); ``guess_failures`` and ``guess_lockouts``
(wrong passwords within the window and the lockouts in force, as salted hashes), so counting a guess and
checking the lock are one transaction in the store.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holdout_draws",
        sa.Column("upload_id", sa.Integer, nullable=False),
        sa.Column("trial", sa.String(200), nullable=True),
        sa.Column("share", sa.Float, nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("flagged", sa.Integer, nullable=False),
        sa.Column("drawn_by", sa.String(200), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["uploads.id"], name="fk_holdout_draws_upload_id_uploads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("upload_id", name="pk_holdout_draws"),
    )
    op.create_table(
        "held_out",
        sa.Column("upload_id", sa.Integer, nullable=False),
        sa.Column("patient_id", sa.String(200), nullable=False),
        sa.Column("site_id", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["holdout_draws.upload_id"], name="fk_held_out_upload_id_holdout_draws", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("upload_id", "patient_id", name="pk_held_out"),
    )
    op.create_table(
        "guess_failures",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_guess_failures"),
        sa.UniqueConstraint("token", name="uq_guess_failures_token"),
    )
    for column in ("client", "name", "at"):
        op.create_index(f"ix_guess_failures_{column}", "guess_failures", [column])
    op.create_table(
        "guess_lockouts",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("until", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_guess_lockouts"),
    )


def downgrade() -> None:
    op.drop_table("guess_lockouts")
    for column in ("client", "name", "at"):
        op.drop_index(f"ix_guess_failures_{column}", table_name="guess_failures")
    op.drop_table("guess_failures")
    op.drop_table("held_out")
    op.drop_table("holdout_draws")
