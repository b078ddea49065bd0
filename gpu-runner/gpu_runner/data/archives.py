"""Safe, resumable extraction of the image zips of FLARE-MLLM-2D."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from gpu_runner.data.flare import REDOWNLOAD
from gpu_runner.errors import ExitCode, StageError

MARKER_SUFFIX = ".extracted.json"
COPY_CHUNK_BYTES = 1 << 20

ProgressCallback = Callable[[int, int], None]
"""Called with (members extracted so far, member count)."""


class UnsafeArchiveError(StageError):
    """An archive member that would be written outside the extraction folder."""

    def __init__(self, archive: Path, member: str, reason: str, repair: str = REDOWNLOAD) -> None:
        super().__init__(
            f"rejected archive {archive}: member {member!r} {reason}",
            f"The file is damaged or not the published dataset. {repair}",
            ExitCode.USAGE,
            code="unsafe_archive",
        )
        self.member = member


def marker_path(archive: Path) -> Path:
    """Marker written next to `archive` once every member is extracted."""
    return archive.with_name(f".{archive.name}{MARKER_SUFFIX}")


def archive_stamp(archive: Path) -> dict[str, int]:
    status = archive.stat()
    return {"size": status.st_size, "mtime_ns": status.st_mtime_ns}


def is_extracted(archive: Path) -> bool:
    """Check that the marker exists and was written for this exact archive (same size and mtime)."""
    marker = marker_path(archive)
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(recorded, dict) and recorded.get("archive") == archive_stamp(archive)


def check_member(
    archive: Path, info: zipfile.ZipInfo, destination: Path, repair: str = REDOWNLOAD
) -> Path | None:
    """Return where `info` goes under `destination`, None for a folder entry.

    Raises UnsafeArchiveError for absolute names, `..` components, symbolic links
    and anything else that resolves outside `destination` (zip slip).
    """
    name = info.filename
    normalized = name.replace("\\", "/")
    member_path = PurePosixPath(normalized)
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        raise UnsafeArchiveError(archive, name, "has an absolute path", repair)
    if not member_path.parts or member_path.parts == (".",):
        raise UnsafeArchiveError(archive, name, "has an empty name", repair)
    if ".." in member_path.parts:
        raise UnsafeArchiveError(archive, name, "contains '..'", repair)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UnsafeArchiveError(archive, name, "is a symbolic link", repair)

    target = destination.joinpath(*member_path.parts)
    resolved_root = destination.resolve()
    if not target.resolve().is_relative_to(resolved_root):
        raise UnsafeArchiveError(archive, name, f"resolves outside {destination}", repair)
    if info.is_dir():
        return None
    return target


def extract_archive(
    archive: Path,
    destination: Path | None = None,
    on_progress: ProgressCallback | None = None,
    repair: str = REDOWNLOAD,
) -> int:
    """Extract `archive` into `destination` (default: its own folder) and return the member count.

    Every member is checked before the first one is written, so a rejected archive
    leaves nothing behind. The marker is written last: an interrupted extraction
    has no marker and starts again from the beginning on the next run. `repair`
    is the next step named for a damaged or unsafe archive.
    """
    destination = destination or archive.parent
    try:
        with zipfile.ZipFile(archive) as zip_file:
            members = zip_file.infolist()
            targets = [(info, check_member(archive, info, destination, repair)) for info in members]
            files = [(info, target) for info, target in targets if target is not None]
            for index, (info, target) in enumerate(files, start=1):
                target.parent.mkdir(parents=True, exist_ok=True)
                with zip_file.open(info) as source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink, COPY_CHUNK_BYTES)
                if on_progress is not None:
                    on_progress(index, len(files))
    except zipfile.BadZipFile as error:
        raise StageError(
            f"cannot read archive {archive}: {error}",
            f"The file is incomplete or damaged. {repair}",
            ExitCode.USAGE,
            code="bad_archive",
        ) from error

    marker = {"archive": archive_stamp(archive), "files": len(files)}
    marker_path(archive).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    return len(files)


def find_archives(folder: Path) -> list[Path]:
    """Zip files directly inside `folder`, sorted by name."""
    return sorted(path for path in folder.glob("*.zip") if path.is_file() and not path.name.startswith("."))
