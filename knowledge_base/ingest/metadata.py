"""Metadata read from a legal text, proposed when an officer imports a file without filling it in.

The header of a Vietnamese legal text names the issuer (the upper-case line above "CỘNG HÒA XÃ HỘI…"), the number
("Số: 11/2022/TT-BLĐTBXH") and the place and date of issue ("Hà Nội, ngày 30 tháng 6 năm 2022"); the effective
date is usually in the last article ("Thông tư này có hiệu lực thi hành từ ngày 15 tháng 8 năm 2022"), so the last
such sentence wins. Nothing is guessed beyond what the text says: a field not found stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_HEADER_LINES = 40
_DATE = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
_ISSUED = re.compile(r"^[^\d,]{2,40},\s*" + _DATE, re.IGNORECASE)
_EFFECTIVE = re.compile(r"có\s+hiệu\s+lực(?:\s+thi\s+hành)?(?:\s+kể)?\s+từ\s+" + _DATE, re.IGNORECASE)
_NUMBER = re.compile(r"^Số\s*:\s*(\S+/\S+)")
_ISSUER = re.compile(r"^(BỘ|CHÍNH PHỦ|QUỐC HỘI|THỦ TƯỚNG|ỦY BAN|UỶ BAN|HỘI ĐỒNG|SỞ|NGÂN HÀNG|BẢO HIỂM|TỔNG CỤC)\b")


@dataclass(frozen=True)
class ProposedMetadata:
    number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    effective_from: date | None = None

    def described(self) -> list[str]:
        """The proposals in Vietnamese, one per field found, for the officer to check."""
        parts = [(label, value) for label, value in (
            ("số hiệu", self.number), ("cơ quan ban hành", self.issuer),
            ("ngày ban hành", self.issued_on and self.issued_on.strftime("%d/%m/%Y")),
            ("hiệu lực từ", self.effective_from and self.effective_from.strftime("%d/%m/%Y"))) if value]
        return [f"{label}: {value}" for label, value in parts]


def propose_metadata(text: str) -> ProposedMetadata:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    header = [line for line in lines if line][:_HEADER_LINES]
    number = next((m.group(1).rstrip(".,;") for line in header if (m := _NUMBER.match(line))), None)
    issuer = next((line for line in header if _ISSUER.match(line) and line.isupper()), None)
    issued = next((d for line in header if (m := _ISSUED.match(line)) and (d := _date(m.groups()))), None)
    effective = [d for m in _EFFECTIVE.finditer(" ".join(lines)) if (d := _date(m.groups()))]
    return ProposedMetadata(number, issuer, issued, effective[-1] if effective else None)


def _date(parts: tuple[str | None, ...]) -> date | None:
    day, month, year = (int(part or 0) for part in parts)
    try:
        return date(year, month, day)
    except ValueError:
        return None
