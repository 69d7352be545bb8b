"""Masking, splitting, periods and follow-up detection: the engine's pure text tools."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine.dialogue import DialogueMemory, DialogueState, is_follow_up
from bot.engine.periods import (
    STANDARD_2022_2025,
    STANDARD_2026_2030,
    document_warnings,
    reorganisation_notes,
    standard_on,
)
from bot.engine.split import sentences, split_blocks
from nlu.privacy import ID_MASK, PHONE_MASK, mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gọi tôi số 0912 345 678 nhé", f"gọi tôi số {PHONE_MASK} nhé"),
        ("sđt +84 912.345.678", f"sđt {PHONE_MASK}"),
        ("CCCD 001203004567, CMND 123456789", f"CCCD {ID_MASK}, CMND {ID_MASK}"),
        ("thu nhập 1.500.000 đồng, 2000000 đ", "thu nhập 1.500.000 đồng, 2000000 đ"),
        ("Nghị định 07/2021/NĐ-CP ngày 27/01/2021", "Nghị định 07/2021/NĐ-CP ngày 27/01/2021"),
        ("hỗ trợ 150000000 đồng", "hỗ trợ 150000000 đồng"),
    ],
)
def test_mask_hides_phone_and_identity_numbers_but_keeps_money_and_dates(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_split_keeps_sentences_whole_and_blocks_under_the_limit() -> None:
    sentence = "Hộ nghèo có thu nhập không quá 1.500.000 đồng mỗi người một tháng. "
    text = sentence * 80
    blocks = split_blocks(text, 2000)
    assert len(blocks) > 1
    assert all(len(block) <= 2000 for block in blocks)
    assert all(block.endswith("tháng.") for block in blocks)
    assert " ".join(blocks) == text.strip()


def test_split_keeps_numbered_items_with_their_sentence() -> None:
    assert sentences("Điều kiện như sau. 2. Hộ nghèo là hộ có thu nhập thấp.") == [
        "Điều kiện như sau.",
        "2. Hộ nghèo là hộ có thu nhập thấp.",
    ]


def test_standard_by_date_follows_decree_351() -> None:
    assert standard_on(date(2026, 12, 31)) is STANDARD_2022_2025
    assert standard_on(date(2027, 1, 1)) is STANDARD_2026_2030
    assert STANDARD_2026_2030.rural == 2_200_000
    assert STANDARD_2026_2030.urban == 2_800_000


def test_ended_period_and_superseded_document_are_flagged() -> None:
    warnings = document_warnings(
        number="1676/VBHN-BLĐTBXH", status="superseded", superseded_by="03/2024/TT-BLĐTBXH",
        period="2021-2025", day=date(2026, 6, 1),
    )
    assert any("03/2024/TT-BLĐTBXH" in w for w in warnings)
    assert any("giai đoạn 2021–2025" in w for w in warnings)
    assert document_warnings(number="x", status="in_force", superseded_by=None, period="2021-2025",
                             day=date(2025, 6, 1)) == []
    standard = document_warnings(number="1315/VBHN-BLĐTBXH", status="in_force", superseded_by=None,
                                 period="2022-2025", day=date(2026, 6, 1))
    assert "vẫn được dùng đến hết năm 2026" in standard[0]


def test_reorganisation_notes_for_old_province_and_ministry() -> None:
    notes = reorganisation_notes("Sở Lao động - Thương binh và Xã hội Bạc Liêu", ["Bạc Liêu", "Cao Bằng"])
    assert any("Bộ Nội vụ" in n for n in notes)
    assert any("Bạc Liêu" in n and "Cà Mau" in n for n in notes)
    assert not any("Cao Bằng" in n for n in notes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("còn hộ cận nghèo thì sao?", True),
        ("ở Cao Bằng thì sao?", True),
        ("con ho can ngheo thi sao", True),
        ("con hộ nghèo đi học có được miễn học phí không", False),
        ("Hộ nghèo được hỗ trợ những gì khi đi học nghề?", False),
    ],
)
def test_follow_up_detection(text: str, expected: bool) -> None:
    assert is_follow_up(text) is expected


def test_dialogue_memory_expires_and_resets() -> None:
    now = [0.0]
    memory = DialogueMemory(ttl_seconds=60, clock=lambda: now[0])
    memory.put("web", "u1", DialogueState(topic_question="Chuẩn nghèo là gì?"))
    now[0] = 59
    assert memory.get("web", "u1").topic_question == "Chuẩn nghèo là gì?"
    assert memory.get("telegram", "u1").topic_question is None
    now[0] = 200
    assert memory.get("web", "u1").topic_question is None
    memory.put("web", "u1", DialogueState(topic_question="x"))
    memory.reset("web", "u1")
    assert memory.get("web", "u1") == DialogueState()
