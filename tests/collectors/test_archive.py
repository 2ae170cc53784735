"""Reading exports safely: the same names from a folder or a zip, traversal and bombs refused."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from collectors.exports.archive import DamagedMember, open_export, unsafe_name
from collectors.exports.errors import ExportError
from tests.samples import SLACK_EXPORT

EXPORT = SLACK_EXPORT


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_a_folder_and_its_zip_give_the_same_names_and_bytes(tmp_path):
    archive = zip_folder(EXPORT, tmp_path / "export.zip")
    with open_export(EXPORT) as folder, open_export(archive) as zipped:
        assert folder.names() == zipped.names()
        assert "general/2026-03-02.json" in folder.names()
        for name in folder.names():
            assert folder.read_bytes(name) == zipped.read_bytes(name)
        assert zipped.where("users.json") == "export.zip:users.json"
        assert folder.modified("users.json") is not None
        assert zipped.modified("users.json") is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip"]  # nothing extracted


@pytest.mark.parametrize(
    "name",
    [
        "../evil.json",
        "general/../../evil.json",
        "/etc/evil.json",
        "..\\evil.json",
        "C:/evil.json",
        "C:\\evil.json",
    ],
)
def test_a_member_climbing_out_refuses_the_zip(tmp_path, name):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("users.json", "[]")
        handle.writestr(zipfile.ZipInfo(name), "[]")
    with pytest.raises(ExportError) as error:
        open_export(archive)
    assert one_line(error).startswith(f"export.zip:{name}: refused")
    assert "traversal" in one_line(error)


def test_unsafe_names():
    assert not unsafe_name("general/2026-03-02.json")
    assert not unsafe_name("a..b/2026.json")  # dots inside a name are fine
    assert unsafe_name("") and unsafe_name("a/\x00") and unsafe_name("a/../../b")


def test_a_member_inflating_too_much_is_refused_as_a_bomb(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("users.json", "[]")
        handle.writestr("general/2026-03-02.json", b"[" + b" " * 8 * 1024**2 + b"]")
    with pytest.raises(ExportError) as error:
        open_export(archive)
    assert one_line(error).startswith("bomb.zip:general/2026-03-02.json: refused as a zip bomb")


def test_an_export_inflating_past_the_total_is_refused(tmp_path):
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as handle:
        for day in range(1, 4):
            handle.writestr(f"general/2026-03-0{day}.json", b"[" + b" " * 400 + b"]")
    assert len(open_export(archive).names()) == 3
    with pytest.raises(ExportError) as error:
        open_export(archive, max_total=1_000)
    assert "refused as a zip bomb" in one_line(error)
    assert one_line(error).startswith("big.zip:general/2026-03-03.json")


def test_small_members_that_compress_well_are_fine(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("general/2026-03-02.json", b"[" + b" " * 100_000 + b"]")
    with open_export(archive) as files:
        assert len(files.read_bytes("general/2026-03-02.json")) == 100_002


def test_a_member_longer_than_its_header_says_is_stopped(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("general/2026-03-02.json", b"[" + b"1," * 5_000 + b"1]")
    with open_export(archive) as files:
        files.members["general/2026-03-02.json"].file_size = 100  # a header that lies
        with pytest.raises(ExportError) as error:
            files.read_bytes("general/2026-03-02.json")
    assert one_line(error).startswith("export.zip:general/2026-03-02.json:")


def test_a_corrupt_member_is_damaged_not_fatal(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("general/2026-03-02.json", b'[{"text": "hello"}]' * 200)
        handle.writestr("general/2026-03-03.json", b"[]")
    data = bytearray(archive.read_bytes())
    start = data.index(b"general/2026-03-02.json") + len("general/2026-03-02.json")
    for offset in range(start + 10, start + 40):
        data[offset] ^= 0x5A
    archive.write_bytes(bytes(data))
    with open_export(archive) as files:
        with pytest.raises(DamagedMember) as error:
            files.read_bytes("general/2026-03-02.json")
        assert one_line(error).startswith("export.zip:general/2026-03-02.json: damaged")
        assert files.read_bytes("general/2026-03-03.json") == b"[]"


def test_not_a_zip_and_missing_paths_are_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("not a zip")
    with pytest.raises(ExportError) as error:
        open_export(tmp_path / "notes.txt")
    assert one_line(error).startswith("notes.txt: neither a folder nor a readable zip")
    with pytest.raises(ExportError) as error:
        open_export(tmp_path / "absent.zip")
    assert one_line(error) == "absent.zip: no such file or folder"


def test_a_folder_refuses_names_and_links_that_leave_it(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text("[]")
    export = tmp_path / "export"
    export.mkdir()
    (export / "users.json").write_text("[]")
    with open_export(export) as files:
        with pytest.raises(ExportError) as error:
            files.open("../secret.json")
        assert "leaves the export" in one_line(error)
    os.symlink(secret, export / "linked.json")
    with pytest.raises(ExportError) as error:
        open_export(export).names()
    assert one_line(error) == "export:linked.json: refused: a link leading out of the export"


def test_a_linked_folder_leading_out_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2026-03-02.json").write_text("[]")
    export = tmp_path / "export"
    export.mkdir()
    os.symlink(outside, export / "general")
    with open_export(export) as files:
        assert files.names() == []  # a linked folder is not walked into
        with pytest.raises(ExportError) as error:
            files.open("general/2026-03-02.json")
    assert "a link leading out of the export" in one_line(error)
