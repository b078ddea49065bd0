"""Download of the IU X-ray part of FLARE-MLLM-2D from the Hugging Face Hub.

huggingface_hub reads its settings from the environment: HF_ENDPOINT (another
Hub server), HF_TOKEN or the token file at HF_TOKEN_PATH (authentication),
HF_HUB_OFFLINE=1 (no network). The token is never passed on a command line and
never logged here.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gpu_runner.errors import ExitCode, StageError

ProgressCallback = Callable[[int, int | None, str], None]
"""Called with (amount done, total or None while unknown, unit: "files" or "bytes")."""

TOKEN_HINT = (
    "Set a Hugging Face token with read access: log in with 'hf auth login', or let the tutor "
    "pass it through HF_TOKEN_PATH. A fine-grained token also needs "
    "'Read access to contents of all public gated repos you can access'."
)


def hub_endpoint() -> str:
    """Return the Hub's base URL: https://huggingface.co unless HF_ENDPOINT names another."""
    from huggingface_hub import constants

    return constants.ENDPOINT.rstrip("/")


def dataset_url(repo_id: str) -> str:
    return f"{hub_endpoint()}/datasets/{repo_id}"


def has_token() -> bool:
    """Check whether huggingface_hub finds a token (HF_TOKEN, HF_TOKEN_PATH or the default token file)."""
    from huggingface_hub import get_token

    return get_token() is not None


def map_hub_error(error: BaseException, repo_id: str) -> StageError | None:
    """Translate a huggingface_hub or OS error into a StageError; None when it is not one we know."""
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        IncompleteSnapshotError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    url = dataset_url(repo_id)
    token_present = has_token()

    # snapshot_download wraps a refused repository lookup (403, 5xx) in LocalEntryNotFoundError
    # when no local copy exists. The HTTP error it came from is more specific.
    if isinstance(error, LocalEntryNotFoundError) and isinstance(error.__cause__, HfHubHTTPError):
        error = error.__cause__

    if isinstance(error, IncompleteSnapshotError):
        return StageError(
            f"the local copy of {repo_id} is incomplete and the Hub cannot be reached: {error}",
            "Connect to the network and run prepare again; the download resumes where it stopped.",
            ExitCode.ENVIRONMENT,
            code="incomplete_download",
        )

    if isinstance(error, GatedRepoError):
        if not token_present:
            return StageError(
                f"{repo_id} is a gated dataset and no Hugging Face token was found",
                f"Accept its terms at {url}, then: {TOKEN_HINT}",
                ExitCode.ENVIRONMENT,
                code="no_token",
            )
        return StageError(
            f"access to the gated dataset {repo_id} was denied for this token",
            f"Accept the dataset's terms at {url} with the account of the token and wait for access; "
            "a fine-grained token also needs 'Read access to contents of all public gated repos you can access'.",
            ExitCode.ENVIRONMENT,
            code="gated_repo",
        )
    if isinstance(error, RevisionNotFoundError):
        return StageError(
            f"revision not found in dataset {repo_id}: {error}",
            "Check --revision, or leave it out to use the main branch.",
            ExitCode.USAGE,
            code="revision_not_found",
        )
    if isinstance(error, RepositoryNotFoundError):
        hint = f"Check the name given with --repo, open {url} in a browser to see whether it exists"
        hint += "." if token_present else f", and: {TOKEN_HINT}"
        return StageError(
            f"dataset {repo_id} not found on the Hub, or not visible without authentication",
            hint,
            ExitCode.ENVIRONMENT,
            code="repo_not_found",
        )
    if isinstance(error, (LocalEntryNotFoundError, OfflineModeIsEnabled)):
        return StageError(
            f"cannot download {repo_id}: the Hub at {hub_endpoint()} is not "
            "reachable (no network, or HF_HUB_OFFLINE=1) and no copy is on disk",
            "Connect to the network and unset HF_HUB_OFFLINE, or pass --source DIR with an already downloaded copy.",
            ExitCode.ENVIRONMENT,
            code="offline",
        )
    if isinstance(error, HfHubHTTPError):
        status = error.response.status_code if error.response is not None else None
        if status in (401, 403):
            reason = "unauthorized (401)" if status == 401 else "forbidden (403)"
            return StageError(
                f"the Hub rejected the download of {repo_id}: {reason}",
                f"Accept the dataset's terms at {url}. {TOKEN_HINT}",
                ExitCode.ENVIRONMENT,
                code="unauthorized" if status == 401 else "forbidden",
            )
        return StageError(
            f"download of {repo_id} failed: HTTP {status}: {error}",
            "Run prepare again later; finished files are kept and the download resumes.",
            ExitCode.ENVIRONMENT,
            code="hub_http",
        )
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return StageError(
            f"no space left on the disk while downloading {repo_id}",
            "Free some space (the IU X-ray part needs about 112 MB, twice that with extracted images) and run prepare again.",
            ExitCode.ENVIRONMENT,
            code="disk_full",
        )
    return None


class NullStream:
    """A text stream that drops everything, so that tqdm keeps counting without drawing a bar."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


BYTES_REPORT_INTERVAL_S = 1.0


def make_tqdm_class(on_progress: ProgressCallback) -> type[Any]:
    """A tqdm class that forwards snapshot_download's progress to `on_progress`.

    snapshot_download creates three bars from it (huggingface_hub 1.33): files
    fetched, bytes received ("Downloading bytes") and bytes written. The first two
    are forwarded, the bytes at most once per BYTES_REPORT_INTERVAL_S.
    """
    from tqdm.auto import tqdm

    class EventTqdm(tqdm):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["file"] = NullStream()
            kwargs["disable"] = False
            super().__init__(*args, **kwargs)
            self.last_report_s = 0.0
            self.forward()

        def update(self, n: float | None = 1) -> bool | None:
            shown = super().update(n)
            self.forward()
            return shown

        def forward(self) -> None:
            total = int(self.total) if self.total else None
            if self.unit != "B":
                on_progress(int(self.n), total, "files")
            elif str(self.desc).startswith("Downloading bytes"):
                now = time.monotonic()
                if now - self.last_report_s >= BYTES_REPORT_INTERVAL_S:
                    self.last_report_s = now
                    on_progress(int(self.n), total, "bytes")

    return EventTqdm


def download_dataset(
    repo_id: str,
    local_dir: Path,
    patterns: list[str],
    *,
    revision: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> Path:
    """Download the files matching `patterns` into `local_dir` and return it.

    Files already there are checked and kept, so an interrupted download resumes.
    Known Hub failures are raised as StageError with the fix.
    """
    try:
        from huggingface_hub import snapshot_download
    except ImportError as error:
        raise StageError(
            "the Python package huggingface_hub is not installed",
            "Build the environment with gpu-runner/scripts/venv.sh, or pass --source DIR with a downloaded copy.",
            ExitCode.ENVIRONMENT,
            code="missing_package",
        ) from error

    local_dir.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {}
    if on_progress is not None:
        options["tqdm_class"] = make_tqdm_class(on_progress)
    try:
        snapshot_download(
            repo_id,
            repo_type="dataset",
            revision=revision,
            local_dir=local_dir,
            allow_patterns=patterns,
            **options,
        )
    except Exception as error:
        mapped = map_hub_error(error, repo_id)
        if mapped is None:
            raise
        raise mapped from error
    return local_dir
