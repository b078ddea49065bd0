"""The settings that a fine-tuned adapter and its checkpoints were trained with.

finetune writes them to finetune/settings.json before training. A later run
reuses the adapter, or resumes from the checkpoints, only when its own settings
are equal. Otherwise the old finetune/ folder is moved aside and training
starts from scratch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path
from typing import Any

from gpu_runner import atomic
from gpu_runner.paths import RunPaths

SETTINGS_FORMAT = 1
"""Bump when the meaning of a stored setting changes, so that older outputs are not reused."""

SMOKE_MODEL = "tiny smoke model"
MAX_LISTED_DIFFERENCES = 4


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def current_settings(args: argparse.Namespace, paths: RunPaths, lora: dict[str, Any]) -> dict[str, Any] | None:
    """Return what the trained weights depend on, or None when the prepared records are missing.

    The options that change only logging, checkpoint frequency, data-loader
    workers or the validation loss (--eval-steps, --eval-samples) are left out.
    """
    if not (paths.train_jsonl.is_file() and paths.validation_jsonl.is_file()):
        return None
    return {
        "format": SETTINGS_FORMAT,
        "model": SMOKE_MODEL if args.smoke else str(args.model),
        "smoke": bool(args.smoke),
        "data": {
            "train.jsonl": file_sha256(paths.train_jsonl),
            "validation.jsonl": file_sha256(paths.validation_jsonl),
        },
        "training": training_settings(args, lora),
    }


def training_settings(args: argparse.Namespace, lora: dict[str, Any]) -> dict[str, Any]:
    """Return the training options that change the trained weights, as stored and reported."""
    return {
        "epochs": args.epochs,
        "max_steps": args.max_steps,
        "batch_size": args.batch_size,
        "grad_accum": args.grad_accum,
        "lr": args.lr,
        "image_size": args.image_size,
        "images_per_sample": args.images_per_sample,
        "max_length": args.max_length,
        "lora": lora,
        "optim": args.optim,
        "seed": args.seed,
    }


def read_settings(path: Path) -> dict[str, Any] | None:
    """Return the stored settings, or None when the file is missing, unreadable or not a JSON object."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) else None


def write_settings(path: Path, settings: dict[str, Any]) -> None:
    atomic.write_json(path, settings)


def has_outputs(paths: RunPaths) -> bool:
    """Check whether finetune/ contains anything a run could reuse: checkpoints, an adapter or a summary."""
    return paths.checkpoints_dir.exists() or paths.adapter_dir.exists() or paths.train_summary.exists()


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(value, dict):
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, item in value.items():
        flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def describe_differences(stored: dict[str, Any] | None, current: dict[str, Any]) -> str:
    """Describe how `current` differs from `stored`, such as "training.lr 0.0002 -> 0.001"."""
    if stored is None:
        return "finetune/settings.json is missing or unreadable, so the options of those outputs are unknown"
    old, new = _flatten(stored), _flatten(current)
    changed = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    parts = []
    for key in changed[:MAX_LISTED_DIFFERENCES]:
        if key.startswith("data."):
            parts.append(f"{key.removeprefix('data.')} changed")
        else:
            parts.append(f"{key} {old.get(key)!r} -> {new.get(key)!r}")
    if len(changed) > MAX_LISTED_DIFFERENCES:
        parts.append(f"{len(changed) - MAX_LISTED_DIFFERENCES} more")
    return ", ".join(parts)


def move_aside(paths: RunPaths) -> Path:
    """Rename finetune/ to finetune.replaced-<UTC time>/ beside it, and return the new path."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = paths.root / f"{paths.finetune_dir.name}.replaced-{stamp}"
    counter = 1
    while target.exists():
        counter += 1
        target = paths.root / f"{paths.finetune_dir.name}.replaced-{stamp}-{counter}"
    paths.finetune_dir.rename(target)
    return target
