"""Shared fixtures: FLARE-style trees on disk, and running the command line in a subprocess."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def strict_json_loads(text: str) -> Any:
    """json.loads that rejects the NaN, Infinity and -Infinity tokens Python would accept."""

    def reject(token: str) -> Any:
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=reject)


def read_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [strict_json_loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_png(path: Path, grey: int = 90) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (8, 8), grey).save(path, format="PNG")


def flare_row(image_name: str | list[str], question: str = "How is the heart?", answer: str = "Normal heart size.",
              split: str = "train", **overrides: Any) -> dict[str, Any]:
    row = {
        "TaskType": "Report Generation",
        "Modality": "X-ray",
        "ImageName": image_name,
        "Question": question,
        "Answer": answer,
        "Split": split,
    }
    row.update(overrides)
    return row


@pytest.fixture
def flare_folder(tmp_path: Path) -> Callable[..., Path]:
    """Write a question file and its images (all named in the rows, or only `images`) into a FLARE dataset folder."""

    def write(
        split_folder: str,
        json_name: str,
        rows: list[Any],
        *,
        root: Path | None = None,
        images: list[str] | None = None,
    ) -> Path:
        folder = (root or tmp_path / "source") / split_folder / "Xray" / "IU_XRay"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / json_name).write_text(json.dumps(rows), encoding="utf-8")
        if images is None:
            images = []
            for row in rows:
                if isinstance(row, dict):
                    names = row.get("ImageName")
                    images.extend(names if isinstance(names, list) else [names])
        for name in images:
            if isinstance(name, str):
                write_png(folder / name)
        return folder

    return write


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str
    events: list[dict[str, Any]]


@pytest.fixture
def run_cli(tmp_path: Path) -> Callable[..., CliResult]:
    """Run `python -m gpu_runner ARGS` in a subprocess with an events file, offline and with no token."""

    counter = itertools.count(1)

    def run(*args: str, env: dict[str, str] | None = None, python_prefix: list[str] | None = None) -> CliResult:
        events_path = tmp_path / f"events-{next(counter)}.jsonl"
        full_env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("HF_", "HUGGING_FACE_", "MLLM_EVENTS"))
        }
        full_env.update({
            "MLLM_EVENTS_PATH": str(events_path),
            "HF_HOME": str(tmp_path / "hf-home"),
            "HF_HUB_OFFLINE": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "PYTHONPATH": str(PACKAGE_ROOT),
        })
        full_env.update(env or {})
        command = [sys.executable, *(python_prefix or ["-m", "gpu_runner"]), *args]
        completed = subprocess.run(
            command, cwd=PACKAGE_ROOT, env=full_env, capture_output=True, text=True, timeout=300, check=False
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr, read_events(events_path))

    return run
