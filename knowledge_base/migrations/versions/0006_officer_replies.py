"""Officers' replies kept per conversation, so the web chat shows them in the open page and its history.

Revision ID: 0006
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "officer_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("example_id", sa.Integer(), nullable=True),
        sa.Column("officer", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"],
                                name=op.f("fk_officer_reply_conversation_id_conversation"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["example_id"], ["review_example.id"],
                                name=op.f("fk_officer_reply_example_id_review_example"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer_reply")),
    )
    op.create_index(op.f("ix_officer_reply_conversation_id"), "officer_reply", ["conversation_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_officer_reply_conversation_id"), table_name="officer_reply")
    op.drop_table("officer_reply")
