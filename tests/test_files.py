import os
import stat

import pytest

from binarydream.files import write_bytes_atomic, write_text_atomic


def test_atomic_write_refuses_to_replace_unless_asked(tmp_path):
    path = write_text_atomic(tmp_path / "a.txt", "first")
    with pytest.raises(FileExistsError, match="overwrite"):
        write_text_atomic(path, "second")
    assert path.read_text() == "first"
    write_text_atomic(path, "second", overwrite=True)
    assert path.read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_written_files_get_the_usual_mode_not_a_private_one(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_bytes_atomic(tmp_path / "b.bin", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
