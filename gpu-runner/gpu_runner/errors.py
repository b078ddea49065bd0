"""Exit codes and the error type that stages raise for expected failures."""

from __future__ import annotations

import errno
import os
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Process exit status of `python -m gpu_runner`, shared with the TypeScript runner."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    """Bad command line or bad input data."""
    ENVIRONMENT = 3
    """No GPU, no bf16, a gated repository, no token, a missing package."""
    INTERRUPTED = 130
    """Stopped by SIGINT (Ctrl+C), following the shell's 128 + signal number."""


class StageError(Exception):
    """An expected failure with a message for the user and the next step to take.

    The command line catches it, sends an `error` event and exits with `exit_code`.
    `code` is a short stable identifier (such as ``gated_repo``) that readers of the
    event stream may switch on; the message is for people.
    """

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        exit_code: int = ExitCode.FAILURE,
        *,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = int(exit_code)
        self.code = code


class UsageError(StageError):
    """A command line that argparse rejected."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint, ExitCode.USAGE, code="usage")



OS_ERROR_FIXES: dict[int, tuple[str, str, int]] = {
    errno.ENOSPC: ("disk_full", "Free space on that file system", ExitCode.ENVIRONMENT),
    errno.EDQUOT: ("disk_full", "Free space within your disk quota", ExitCode.ENVIRONMENT),
    errno.EACCES: ("permission_denied", "Give your user access to that path", ExitCode.ENVIRONMENT),
    errno.EPERM: ("permission_denied", "Give your user access to that path", ExitCode.ENVIRONMENT),
    errno.EROFS: ("read_only", "Use a folder on a writable file system", ExitCode.ENVIRONMENT),
    errno.ENAMETOOLONG: ("bad_path", "Use shorter folder and file names", ExitCode.USAGE),
    errno.ENOTDIR: ("bad_path", "Move the file that is in the way of a folder", ExitCode.USAGE),
    errno.EISDIR: ("bad_path", "Move the folder that is in the way of a file", ExitCode.USAGE),
}
"""File system errors that the user can fix: error code, first part of the fix, exit code."""


def os_error_as_stage_error(error: OSError, out: Path | None = None) -> StageError | None:
    """Return a StageError naming the path, what failed and the fix, or None for other OS errors.

    When the path is inside the run folder `out`, the hint also offers another --out.
    """
    if error.errno not in OS_ERROR_FIXES:
        return None
    code, fix, exit_code = OS_ERROR_FIXES[error.errno]
    path = os.fsdecode(error.filename) if error.filename is not None else None
    reason = error.strerror or os.strerror(error.errno)
    message = f"file system error on {path}: {reason}" if path else f"file system error: {reason}"
    if error.filename2 is not None:
        message += f" (with {os.fsdecode(error.filename2)})"

    inside_out = False
    if path is not None and out is not None:
        inside_out = Path(os.path.abspath(path)).is_relative_to(Path(os.path.abspath(out)))
    hint = f"{fix}, or choose another --out." if inside_out or path is None else f"{fix}."
    return StageError(message, hint, exit_code, code=code)
