"""What Loa says when it is not quoting a document: small talk, refusals, errors (polite Vietnamese)."""

from __future__ import annotations

from datetime import date

from bot.engine.contracts import Button

OFFICER_BUTTON = Button("Gặp cán bộ", "h:officer")
SELF_CHECK_BUTTON = Button("Tự kiểm tra hộ nghèo", "e:start")

SMALLTALK = {
    "greet": (
        "Xin chào! Mình là Loa, trợ lý hỏi đáp về chính sách giảm nghèo: chuẩn nghèo, rà soát hộ nghèo, hộ cận "
        "nghèo và các chương trình hỗ trợ. Bạn cứ đặt câu hỏi, hoặc bấm \"Tự kiểm tra hộ nghèo\" để ước lượng hộ "
        "nhà mình thuộc diện nào."
    ),
    "thanks": "Dạ không có gì ạ! Nếu còn thắc mắc về chính sách giảm nghèo, bạn cứ hỏi Loa nhé.",
    "goodbye": "Chào bạn, chúc bạn và gia đình mạnh khỏe! Khi cần, bạn cứ nhắn cho Loa.",
    "bot_challenge": (
        "Mình là Loa, một trợ lý ảo (chương trình máy tính, không phải người) trả lời câu hỏi về chính sách giảm "
        "nghèo dựa trên văn bản pháp luật và tin bài chính thức. Khi cần người thật, bạn bấm \"Gặp cán bộ\"."
    ),
    "help": (
        "Bạn có thể hỏi Loa về: chuẩn nghèo và cách xác định hộ nghèo, hộ cận nghèo; quy trình rà soát hằng năm; "
        "quyền lợi và các chương trình hỗ trợ (nhà ở, việc làm, sinh kế, thông tin). Ví dụ: \"Chuẩn nghèo ở nông "
        "thôn là bao nhiêu?\". Gõ \"bắt đầu lại\" để xóa cuộc trò chuyện, \"gặp cán bộ\" để nhờ cán bộ trả lời."
    ),
    "chitchat": (
        "Loa là trợ lý về chính sách giảm nghèo nên chỉ trò chuyện được đôi chút thôi ạ. Nếu bạn có thắc mắc về hộ "
        "nghèo, hộ cận nghèo hay các chương trình hỗ trợ, Loa sẵn lòng giúp."
    ),
}
SMALLTALK_BUTTONS = {
    "greet": (SELF_CHECK_BUTTON,),
    "bot_challenge": (OFFICER_BUTTON,),
    "help": (SELF_CHECK_BUTTON, OFFICER_BUTTON),
}
RESTARTED = "Mình đã xóa nội dung cuộc trò chuyện trước. Bạn cứ hỏi lại từ đầu nhé."
FEEDBACK_THANKS = "Cảm ơn bạn đã góp ý!"
FEEDBACK_NEGATIVE = (
    "Cảm ơn bạn đã góp ý. Mình đã ghi lại để cán bộ xem và sửa câu trả lời. Nếu cần người hỗ trợ ngay, bạn bấm "
    "\"Gặp cán bộ\"."
)
OUT_OF_SCOPE = (
    "Xin lỗi, câu hỏi này nằm ngoài phạm vi của Loa. Loa chỉ trả lời về chính sách giảm nghèo: chuẩn nghèo, rà "
    "soát và công nhận hộ nghèo, hộ cận nghèo, quyền lợi và các chương trình hỗ trợ. Nếu việc của bạn liên quan "
    "đến giảm nghèo, bạn có thể gặp cán bộ."
)
NOT_FOUND = (
    "Xin lỗi, mình chưa tìm thấy thông tin đủ chắc chắn trong các văn bản mình có để trả lời câu này. Bạn có thể "
    "hỏi lại ngắn gọn hơn và nêu rõ chính sách hoặc chương trình (ví dụ: chuẩn nghèo, rà soát hộ nghèo, hỗ trợ "
    "nhà ở, hỗ trợ việc làm), hoặc bấm \"Gặp cán bộ\" để cán bộ trả lời."
)
def rule_ended(ended_on: date) -> str:
    """When the only rule Loa knows on the topic has stopped applying: say so rather than quote it."""
    return (
        f"Quy định mà Loa biết về việc này chỉ áp dụng đến hết ngày {ended_on:%d/%m/%Y} và Loa chưa có quy định "
        "thay thế, nên Loa không trích lại quy định cũ. Bạn vui lòng hỏi cán bộ phụ trách chính sách xã hội ở Ủy ban "
        "nhân dân xã, hoặc bấm \"Gặp cán bộ\"."
    )


CLARIFY = "Ý bạn là nội dung nào dưới đây? Bạn chọn một mục để mình trả lời cho đúng."
EMPTY = "Bạn muốn hỏi gì về chính sách giảm nghèo? Bạn cứ gõ câu hỏi nhé."
UNKNOWN_BUTTON = "Nút này đã hết hạn. Bạn vui lòng gõ lại câu hỏi nhé."
FAILURE = (
    "Xin lỗi, hệ thống đang gặp sự cố nên chưa trả lời được. Bạn vui lòng thử lại sau ít phút hoặc bấm "
    "\"Gặp cán bộ\"."
)
