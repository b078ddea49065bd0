"""Read SFT records and build the chat messages and images that the model sees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gpu_runner.errors import ExitCode, StageError

Record = dict[str, Any]


def read_records(path: Path, *, stage_hint: str) -> list[Record]:
    """Read a JSONL file of SFT records, raising StageError when it is missing or invalid."""
    if not path.is_file():
        raise StageError(
            f"Input file not found: {path}",
            hint=stage_hint,
            exit_code=ExitCode.USAGE,
            code="missing_input",
        )
    records: list[Record] = []
    with path.open(encoding="utf-8") as stream:
        for line_number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise StageError(
                    f"Invalid JSON on line {line_number} of {path}: {error.msg}",
                    hint="Delete the file and run the stage that writes it again.",
                    exit_code=ExitCode.USAGE,
                    code="invalid_input",
                ) from error
    return records


def image_paths(record: Record, images_per_sample: int) -> list[str]:
    """Return the first `images_per_sample` image paths of a record (frontal view first)."""
    paths = list(record.get("images") or [])
    if not paths:
        for message in record.get("messages", []):
            if message.get("role") != "user":
                continue
            paths.extend(item["path"] for item in message["content"] if item.get("type") == "image")
    if not paths:
        raise StageError(
            f"Record {record.get('id')!r} has no image.",
            hint="Run the prepare stage again; every SFT record needs at least one image.",
            exit_code=ExitCode.USAGE,
            code="invalid_input",
        )
    return paths[:images_per_sample]


def prompt_messages(record: Record, images_per_sample: int) -> list[dict[str, Any]]:
    """Return the user turn of a record with at most `images_per_sample` image parts."""
    user = next(message for message in record["messages"] if message["role"] == "user")
    content: list[dict[str, Any]] = []
    images_kept = 0
    for item in user["content"]:
        if item.get("type") == "image":
            if images_kept == images_per_sample:
                continue
            images_kept += 1
            # The template only needs the type; images go to the processor separately.
            content.append({"type": "image"})
        else:
            content.append(item)
    return [{"role": "user", "content": content}]


def training_messages(record: Record, images_per_sample: int) -> list[dict[str, Any]]:
    """Return the user turn and the assistant's answer of a record."""
    assistant = next(
        (message for message in record["messages"] if message["role"] == "assistant"),
        {"role": "assistant", "content": [{"type": "text", "text": record["answer"]}]},
    )
    return prompt_messages(record, images_per_sample) + [assistant]


def load_images(record: Record, images_per_sample: int, image_size: int | None) -> list[Any]:
    """Open the record's images as RGB, resized to `image_size` x `image_size` pixels when set."""
    from PIL import Image

    images = []
    for path in image_paths(record, images_per_sample):
        try:
            with Image.open(path) as image:
                rgb = image.convert("RGB")
        except FileNotFoundError as error:
            raise StageError(
                f"Image not found: {path} (record {record.get('id')!r})",
                hint="Run the prepare stage again to restore the images.",
                exit_code=ExitCode.USAGE,
                code="missing_image",
            ) from error
        if image_size:
            rgb = rgb.resize((image_size, image_size), Image.Resampling.BILINEAR)
        images.append(rgb)
    return images
