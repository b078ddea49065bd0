"""Exit codes and the error type that stages raise for expected failures."""

from __future__ import annotations

from enum import IntEnum


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
