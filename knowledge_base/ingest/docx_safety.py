"""Checks a ``.docx`` (a zip of XML parts) before python-docx opens it, so a hostile file is refused cheaply.

- A zip bomb (parts that inflate far beyond the file) is refused from the sizes the zip directory declares, before
  anything is decompressed; zipfile never returns more bytes than a part declares (a lie fails its CRC check).
- XML parts may not carry a DOCTYPE: Word never writes one, and entity definitions ("billion laughs", external
  entities) can only come through it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from knowledge_base.ingest.parsed import IngestError

MAX_PART_BYTES = 32 * 1024 * 1024
"""Largest decompressed size of one part (a 1,000-page Word text is a few MB of XML)."""
MAX_TOTAL_BYTES = 64 * 1024 * 1024
"""Largest decompressed size of all parts together."""
MAX_PARTS = 2_000
_CHUNK = 1024 * 1024
_DOCTYPE = b"<!DOCTYPE"


def check_docx(path: Path, data: bytes) -> None:
    """Raise ``IngestError`` unless ``data`` is a zip whose parts stay within the caps and carry no DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise IngestError(path, "tệp Word (.docx) bị hỏng hoặc không đúng định dạng.") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_PARTS:
            raise IngestError(path, f"tệp Word có {len(members)} thành phần, quá nhiều (tối đa {MAX_PARTS}).")
        total = sum(member.file_size for member in members)
        largest = max((member.file_size for member in members), default=0)
        if largest > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise IngestError(
                path, f"tệp Word khi giải nén lên tới {total / 1_000_000:.0f} MB (tối đa "
                f"{MAX_TOTAL_BYTES // 1_000_000} MB): có thể là tệp độc hại (zip bomb), Loa không mở."
            )
        for member in members:
            if member.filename.endswith((".xml", ".rels")) and _has_doctype(archive, member):
                raise IngestError(path, f"tệp Word có khai báo DOCTYPE trong «{member.filename}», điều Word không "
                                  "bao giờ tạo ra: có thể là tệp độc hại, Loa không mở.")


def _has_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether the part declares a DOCTYPE (read in chunks, overlapping so the marker is never split)."""
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                if _DOCTYPE in (tail + chunk).upper():
                    return True
                tail = chunk[-len(_DOCTYPE):]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise IngestError(None, f"thành phần «{member.filename}» của tệp Word bị hỏng ({error}).") from error
    return False
