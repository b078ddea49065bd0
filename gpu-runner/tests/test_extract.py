from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from gpu_runner.data.archives import (
    UnsafeArchiveError,
    extract_archive,
    find_archives,
    is_extracted,
    marker_path,
)
from gpu_runner.errors import ExitCode, StageError


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return path


def make_symlink_zip(path: Path, name: str, target: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.create_system = 3  # Unix, so that external_attr carries the file mode
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, target)
    return path


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_extracts_in_place_and_writes_marker(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "IU_XRay" / "imagesTr.zip",
        {"imagesTr/": b"", "imagesTr/CXR1-0.png": b"front", "imagesTr/CXR1-1.png": b"side"},
    )

    count = extract_archive(archive)

    assert count == 2
    assert (tmp_path / "IU_XRay" / "imagesTr" / "CXR1-0.png").read_bytes() == b"front"
    assert (tmp_path / "IU_XRay" / "imagesTr" / "CXR1-1.png").read_bytes() == b"side"
    assert marker_path(archive).is_file()
    assert is_extracted(archive)


def test_progress_reports_every_file(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {f"images/{index}.png": b"x" for index in range(3)})
    calls: list[tuple[int, int]] = []

    extract_archive(archive, on_progress=lambda done, total: calls.append((done, total)))

    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_changed_archive_is_not_marked_extracted(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"images/a.png": b"x"})
    extract_archive(archive)
    make_zip(archive, {"images/a.png": b"x", "images/b.png": b"longer content"})

    assert not is_extracted(archive)


def test_interrupted_extraction_has_no_marker(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"images/a.png": b"x", "images/b.png": b"y"})

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        extract_archive(archive, on_progress=interrupt)

    assert not is_extracted(archive)
    extract_archive(archive)
    assert is_extracted(archive)
    assert files_under(tmp_path / "images") == ["a.png", "b.png"]


@pytest.mark.parametrize(
    "member",
    [
        "../evil.png",
        "images/../../evil.png",
        "/tmp/evil.png",
        "..\\evil.png",
        "C:/evil.png",
    ],
)
def test_rejects_member_escaping_the_folder(tmp_path: Path, member: str) -> None:
    archive = make_zip(tmp_path / "data" / "bad.zip", {"images/good.png": b"ok", member: b"evil"})

    with pytest.raises(UnsafeArchiveError) as raised:
        extract_archive(archive)

    assert raised.value.exit_code == ExitCode.USAGE
    assert raised.value.code == "unsafe_archive"
    assert str(archive) in raised.value.message
    # Nothing is written, not even the safe member, and no marker.
    assert files_under(tmp_path) == ["data/bad.zip"]


def test_rejects_symlink_member(tmp_path: Path) -> None:
    archive = make_symlink_zip(tmp_path / "data" / "link.zip", "images/passwd", "/etc/passwd")

    with pytest.raises(UnsafeArchiveError) as raised:
        extract_archive(archive)

    assert "symbolic link" in raised.value.message
    assert not (tmp_path / "data" / "images").exists()


def test_rejects_member_through_existing_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "data"
    folder.mkdir()
    os.symlink(outside, folder / "images")
    archive = make_zip(folder / "a.zip", {"images/x.png": b"x"})

    with pytest.raises(UnsafeArchiveError) as raised:
        extract_archive(archive)

    assert "resolves outside" in raised.value.message
    assert list(outside.iterdir()) == []


def test_damaged_archive_is_a_stage_error(tmp_path: Path) -> None:
    archive = tmp_path / "imagesTr.zip"
    archive.write_bytes(b"this is not a zip file")

    with pytest.raises(StageError) as raised:
        extract_archive(archive)

    assert raised.value.code == "bad_archive"
    assert str(archive) in raised.value.message


def test_find_archives_lists_zips_only(tmp_path: Path) -> None:
    make_zip(tmp_path / "imagesVal.zip", {"a": b""})
    make_zip(tmp_path / "imagesTr.zip", {"a": b""})
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".hidden.zip").write_bytes(b"")

    assert [path.name for path in find_archives(tmp_path)] == ["imagesTr.zip", "imagesVal.zip"]
