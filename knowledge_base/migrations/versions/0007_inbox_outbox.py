"""The durable inbox of webhook deliveries and the outbox record of every platform send.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("delivery_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_message")),
        sa.UniqueConstraint("channel", "delivery_id", name=op.f("uq_inbound_message_channel")),
    )
    op.create_index("ix_inbound_message_status_id", "inbound_message", ["status", "id"], unique=False)
    op.create_table(
        "outbound_send",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inbound_id"], ["inbound_message.id"],
                                name=op.f("fk_outbound_send_inbound_id_inbound_message"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_send")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbound_send_idempotency_key")),
    )
    op.create_index(op.f("ix_outbound_send_inbound_id"), "outbound_send", ["inbound_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outbound_send_inbound_id"), table_name="outbound_send")
    op.drop_table("outbound_send")
    op.drop_index("ix_inbound_message_status_id", table_name="inbound_message")
    op.drop_table("inbound_message")
