"""The banners a console page may show after a redirect: ``?msg=`` carries a code from this fixed set, never text,
so a crafted link cannot put its own words in a system banner."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote


class Notice(StrEnum):
    DOCUMENT_SAVED = "document-saved"
    DOCUMENT_RETIRED = "document-retired"
    DOCUMENT_RESTORED = "document-restored"
    FAQ_SAVED = "faq-saved"
    FAQ_TO_DRAFT = "faq-draft"
    FAQ_STATUS_CHANGED = "faq-status"
    FAQ_STATUS_REFUSED = "faq-status-refused"
    PUBLISH_STARTED = "publish-started"
    PUBLISH_QUEUED = "publish-queued"
    REVIEW_STATE_CHANGED = "review-state"
    REVIEW_IGNORED = "review-ignored"
    REVIEW_FAQ_LINKED = "review-faq"
    REVIEW_PASSAGE_LINKED = "review-passage"
    REVIEW_REPLY_SENT = "review-reply-sent"
    REVIEW_PERSON_MISSING = "review-person-missing"
    USER_CREATED = "user-created"
    USER_UPDATED = "user-updated"
    PASSWORD_CHANGED = "password-changed"


TEXTS_VI: dict[Notice, str] = {
    Notice.DOCUMENT_SAVED: "Đã lưu thông tin văn bản. Hãy xuất bản để Loa dùng thông tin mới.",
    Notice.DOCUMENT_RETIRED: "Đã ngừng dùng văn bản. Hãy xuất bản để áp dụng.",
    Notice.DOCUMENT_RESTORED: "Đã dùng lại văn bản. Hãy xuất bản để áp dụng.",
    Notice.FAQ_SAVED: "Đã lưu.",
    Notice.FAQ_TO_DRAFT: "Đã chuyển về bản nháp.",
    Notice.FAQ_STATUS_CHANGED: "Đã đổi trạng thái câu hỏi thường gặp. Loa đang cập nhật chỉ mục.",
    Notice.FAQ_STATUS_REFUSED: "Chưa đổi được trạng thái: câu hỏi thường gặp này chưa đủ điều kiện.",
    Notice.PUBLISH_STARTED: "Đã bắt đầu cập nhật chỉ mục.",
    Notice.PUBLISH_QUEUED: "Đang có một lần cập nhật; lần tiếp theo đã được xếp hàng.",
    Notice.REVIEW_STATE_CHANGED: "Đã đổi trạng thái của mục xem xét.",
    Notice.REVIEW_IGNORED: "Đã bỏ qua mục này.",
    Notice.REVIEW_FAQ_LINKED: "Đã gắn câu hỏi thường gặp và thêm các cách hỏi này; Loa đang cập nhật chỉ mục.",
    Notice.REVIEW_PASSAGE_LINKED: "Đã gắn đoạn văn trả lời. Muốn Loa tự trả lời lần sau, hãy viết câu hỏi "
                                  "thường gặp.",
    Notice.REVIEW_REPLY_SENT: "Đã gửi câu trả lời cho người hỏi.",
    Notice.REVIEW_PERSON_MISSING: "Không tìm thấy người hỏi này.",
    Notice.USER_CREATED: "Đã tạo tài khoản.",
    Notice.USER_UPDATED: "Đã cập nhật tài khoản.",
    Notice.PASSWORD_CHANGED: "Đã đổi mật khẩu; mọi phiên đăng nhập của tài khoản đã kết thúc.",
}


def notice_text(code: str | None) -> str | None:
    """The banner for ``code``; None for anything not in the set."""
    try:
        return TEXTS_VI[Notice(code)] if code else None
    except ValueError:
        return None


def with_notice(url: str, notice: Notice) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}msg={quote(notice.value)}"
