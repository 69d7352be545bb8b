"""All tables of Loa's database. SQL is the source of truth; Alembic owns the schema."""

from knowledge_base.models.base import Base, utcnow
from knowledge_base.models.channels import ChannelToken, InboundMessage, InboundStatus, OutboundSend, SeenDelivery
from knowledge_base.models.conversations import (
    Conversation,
    Feedback,
    Message,
    OfficerReply,
    ReviewExample,
    ReviewItem,
    ReviewState,
)
from knowledge_base.models.documents import Document, DocumentKind, DocumentStatus, DocumentVersion, Passage
from knowledge_base.models.faq import Faq, FaqCitation, FaqStatus
from knowledge_base.models.revision import KbState
from knowledge_base.models.users import AuditLog, ConsoleSession, Role, User

__all__ = [
    "AuditLog",
    "Base",
    "ChannelToken",
    "ConsoleSession",
    "Conversation",
    "Document",
    "DocumentKind",
    "DocumentStatus",
    "DocumentVersion",
    "Faq",
    "FaqCitation",
    "FaqStatus",
    "Feedback",
    "InboundMessage",
    "InboundStatus",
    "KbState",
    "Message",
    "OfficerReply",
    "OutboundSend",
    "Passage",
    "ReviewExample",
    "ReviewItem",
    "ReviewState",
    "Role",
    "SeenDelivery",
    "User",
    "utcnow",
]
