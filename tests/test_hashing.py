"""The shared file digest."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tutor.hashing import file_sha256


def test_a_file_longer_than_one_block_digests_as_its_whole_bytes(tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000  # 1.28 MB: two blocks
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()
    path.write_bytes(data[:-1] + b"\x00")
    assert file_sha256(path) != hashlib.sha256(data).hexdigest()
