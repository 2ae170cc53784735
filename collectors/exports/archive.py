"""Reading an export's files safely, from a folder or a zip, without extracting anything.

Exports come from outside (an admin's download, a vendor's tool, an email attachment), so the
archive itself is untrusted input:

- nothing is ever written to disk: members are read as streams, so a member name is never a
  path we create, and one day-file at a time is the most an importer has to hold;
- a member name that climbs out of the export (``..``, an absolute path, a drive letter,
  backslash tricks) refuses the whole archive: an archive built to do that is not an export;
- a zip bomb is refused before anything is inflated: declared sizes over ``max_total`` in
  all, or a member inflating more than ``max_ratio`` times its compressed size; and since
  headers can lie, every stream also stops at the size its header declared;
- a folder is read the same way (same names, ``/``-separated), and a symlink leading outside
  it is refused too.

Refusals raise ``collectors.exports.errors.ExportError`` with one line naming the file. A member
that turns out damaged while it is read (bad CRC, corrupt deflate data) raises
``DamagedMember``, a subclass, so an importer can report that one file and read the rest.

Usage::

    with open_export(path) as files:
        for name in files.names():
            with files.open(name) as stream:
                ...
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from collectors.exports.errors import ExportError

MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200
# Tiny members compress absurdly well (a day of "[]", a run of spaces) and cannot hurt anyone:
# the ratio check applies from this inflated size up.
RATIO_FLOOR_BYTES = 1024**2
_DRIVE = re.compile(r"^[A-Za-z]:")


class DamagedMember(ExportError):
    """One member of the export cannot be read (corrupt data); the others may still be fine."""


def unsafe_name(name: str) -> bool:
    """True when ``name`` would leave the export's root if it were ever used as a path."""
    if not name or "\x00" in name:
        return True
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        return True
    return ".." in PurePosixPath(unified).parts


class ExportFiles(AbstractContextManager):
    """The files of one export: ``names()`` lists them, ``open(name)`` streams one."""

    label: str

    def names(self) -> list[str]:
        """Every file's name, ``/``-separated and relative to the export's root, sorted."""
        raise NotImplementedError

    def open(self, name: str) -> IO[bytes]:
        """A binary stream of one file; raises ``ExportError`` for an unsafe or unknown name."""
        raise NotImplementedError

    def read_bytes(self, name: str) -> bytes:
        """The whole of one file (meant for one day-file or one small listing, not the export)."""
        with self.open(name) as stream:
            return stream.read()

    def exists(self, name: str) -> bool:
        return name in self._known()

    def modified(self, name: str) -> datetime | None:
        """When the file was last written (naive UTC, or the zip's local time), if known: the
        closest thing an export has to "when was this collected"."""
        raise NotImplementedError

    def where(self, name: str) -> str:
        """How to name a member in a one-line problem: ``export.zip:general/2026-03-02.json``."""
        return f"{self.label}:{name}"

    def close(self) -> None:
        """Release the underlying archive, if any."""

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _known(self) -> set[str]:
        if not hasattr(self, "_names"):
            self._names = set(self.names())
        return self._names


class FolderExport(ExportFiles):
    """An export already unpacked into a folder."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = root.name

    def names(self) -> list[str]:
        found = []
        for folder, _dirs, files in os.walk(self.root):
            for file in files:
                path = Path(folder, file)
                name = path.relative_to(self.root).as_posix()
                self._check_inside(name, path)
                found.append(name)
        return sorted(found)

    def open(self, name: str) -> IO[bytes]:
        if unsafe_name(name):
            raise ExportError(f"{self.where(name)}: refused: the name leaves the export")
        path = self.root / name
        self._check_inside(name, path)
        try:
            return path.open("rb")
        except OSError as error:
            raise ExportError(f"{self.where(name)}: cannot open: {error.strerror}") from None

    def modified(self, name: str) -> datetime | None:
        try:
            stamp = (self.root / name).stat().st_mtime
        except OSError:
            return None
        return datetime.fromtimestamp(stamp, UTC).replace(tzinfo=None)

    def _check_inside(self, name: str, path: Path) -> None:
        if not path.resolve().is_relative_to(self.root):
            raise ExportError(f"{self.where(name)}: refused: a link leading out of the export")


class ZipExport(ExportFiles):
    """An export read inside its zip: every name checked and sizes vetted when it is opened."""

    def __init__(
        self, path: Path, *, max_total: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO
    ) -> None:
        self.label = path.name
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise ExportError(
                f"{path.name}: neither a folder nor a readable zip: {error}"
            ) from None
        try:
            self.members = self._vet(self.archive.infolist(), max_total, max_ratio)
        except ExportError:
            self.archive.close()
            raise

    def _vet(
        self, infos: list[zipfile.ZipInfo], max_total: int, max_ratio: float
    ) -> dict[str, zipfile.ZipInfo]:
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            if unsafe_name(info.filename):
                raise ExportError(
                    f"{self.where(info.filename)}: refused: the name leaves the "
                    "export (path traversal)"
                )
            if info.is_dir():
                continue
            total += info.file_size
            if total > max_total:
                raise ExportError(
                    f"{self.where(info.filename)}: refused as a zip bomb: the "
                    f"export would inflate past {max_total:,} bytes"
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size >= RATIO_FLOOR_BYTES and ratio > max_ratio:
                raise ExportError(
                    f"{self.where(info.filename)}: refused as a zip bomb: "
                    f"{info.compress_size:,} bytes inflate to "
                    f"{info.file_size:,} ({ratio:,.0f}:1)"
                )
            members[info.filename.replace("\\", "/")] = info
        return members

    def names(self) -> list[str]:
        return sorted(self.members)

    def open(self, name: str) -> IO[bytes]:
        info = self.members.get(name)
        if info is None:
            problem = "the name leaves the export" if unsafe_name(name) else "no such member"
            raise ExportError(f"{self.where(name)}: {problem}")
        if info.flag_bits & 0x1:
            raise DamagedMember(f"{self.where(name)}: encrypted; cannot be read")
        try:
            inner = self.archive.open(info)
        except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as error:
            raise DamagedMember(f"{self.where(name)}: cannot open: {error}") from None
        return io.BufferedReader(
            _Guarded(inner, info.file_size, self.where(name)), buffer_size=1024**2
        )

    def modified(self, name: str) -> datetime | None:
        info = self.members.get(name)
        try:
            return datetime(*info.date_time) if info else None
        except ValueError:
            return None

    def close(self) -> None:
        self.archive.close()


class _Guarded(io.RawIOBase):
    """A member stream that stops at its declared size and turns corrupt data into one line."""

    def __init__(self, inner: IO[bytes], limit: int, label: str) -> None:
        self.inner, self.left, self.label = inner, limit, label

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:
        try:
            data = self.inner.read(min(len(buffer), self.left + 1))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise DamagedMember(f"{self.label}: damaged in the zip: {error}") from None
        if len(data) > self.left:
            raise ExportError(
                f"{self.label}: refused as a zip bomb: inflates past the size its header declares"
            )
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def open_export(
    path: Path, *, max_total: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO
) -> ExportFiles:
    """The files of the export at ``path`` (a folder or a zip), to use in a ``with`` block.

    Raises ``ExportError`` (one line) when ``path`` is missing, not a zip, or refused.
    """
    path = Path(path)
    if path.is_dir():
        return FolderExport(path)
    if not path.exists():
        raise ExportError(f"{path.name}: no such file or folder")
    return ZipExport(path, max_total=max_total, max_ratio=max_ratio)
