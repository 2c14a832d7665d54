"""Initial schema: uploads, scores, settings, outreach, users.

Revision 0001, the first. Tables are written out here as they were at this revision (not imported from
core/store/schema.py, which follows the latest revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scored_by", sa.String(200), nullable=False),
        sa.Column("source_file", sa.String(500), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("model_sha256", sa.String(64), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("patients_scored", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_uploads"),
    )
    op.create_index("ix_uploads_scored_at", "uploads", ["scored_at"])
    op.create_table(
        "scores",
        sa.Column("upload_id", sa.Integer, nullable=False),
        sa.Column("patient_id", sa.String(200), nullable=False),
        sa.Column("site_id", sa.String(200), nullable=True),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("risk_band", sa.String(50), nullable=False),
        sa.Column("flagged", sa.Boolean, nullable=False),
        sa.Column("days_in_trial", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("upload_id", "patient_id", name="pk_scores"),
        sa.ForeignKeyConstraint(["upload_id"], ["uploads.id"], name="fk_scores_upload_id_uploads", ondelete="CASCADE"),
    )
    op.create_index("ix_scores_patient_id", "scores", ["patient_id"])
    op.create_table(
        "settings",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_settings"),
    )
    op.create_index("ix_settings_key_changed_at", "settings", ["key", "changed_at"])
    op.create_table(
        "outreach",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("patient_id", sa.String(200), nullable=False),
        sa.Column("site_id", sa.String(200), nullable=True),
        sa.Column("contact_date", sa.Date, nullable=False),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column("contacted_by", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outreach"),
        sa.CheckConstraint(
            "outcome IN ('reached', 'no answer', 'declined', 'rescheduled')", name="ck_outreach_outcome"
        ),
    )
    op.create_index("ix_outreach_patient_id", "outreach", ["patient_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.CheckConstraint("role IN ('coordinator', 'manager')", name="ck_users_role"),
    )


def downgrade() -> None:
    for table in ("users", "outreach", "settings", "scores", "uploads"):
        op.drop_table(table)
