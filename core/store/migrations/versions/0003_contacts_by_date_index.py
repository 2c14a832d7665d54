"""Contacts indexed by date: the weekly outreach summaries read a range of days.

Revision 0003, after 0002.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outreach_contact_date", "outreach", ["contact_date"])


def downgrade() -> None:
    op.drop_index("ix_outreach_contact_date", table_name="outreach")
