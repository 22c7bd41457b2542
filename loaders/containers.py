"""What kind of container a file is, and whether a zip would unpack too far; stdlib only, no judgement messages."""
from __future__ import annotations

import io
import zipfile

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UNCOMPRESSED_FACTOR = 20  # a zip may unpack to at most this many times the upload limit
MAX_RATIO = 200  # and no member may be compressed more than this (bombs reach 1000:1)


def zip_problem(data: bytes, max_upload_mb: int) -> tuple[str, dict] | None:
    """Why a zip container must not be opened (a message code and its fields), or None when it may be."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return "unreadable", {"detail": f"zip: {exc}"}
    total = sum(i.file_size for i in infos)
    limit = max_upload_mb * UNCOMPRESSED_FACTOR * 1024 * 1024
    if total > limit:
        return "uncompressed_too_large", {"size_mb": total / 2**20, "limit_mb": limit // 2**20}
    for info in infos:
        if info.file_size > 10 * 2**20 and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            return "compression_ratio", {"ratio": info.file_size / info.compress_size}
    return None


def is_encrypted_ole(data: bytes) -> bool:
    """An OOXML file saved with a password is an OLE container holding an EncryptedPackage stream."""
    head = data[: 1 << 20]
    return data.startswith(OLE_MAGIC) and ("EncryptedPackage".encode("utf-16-le") in head
                                           or "EncryptionInfo".encode("utf-16-le") in head)
