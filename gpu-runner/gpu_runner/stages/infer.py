"""infer: answer the same validation sample with the base model and the fine-tuned adapter.

Output under --out: infer/predictions.jsonl, one object per record with
id, image, question, reference, base and finetuned. The file is rewritten after
every batch, so a rerun skips the answers already there. infer/settings.json
records what produced them: a rerun with another base model or generation
setting answers everything again, and one with a retrained adapter redoes the
fine-tuned answers.

The base model is loaded once in bf16, without 4-bit quantization, because
generation is faster that way; its base answers come with the LoRA layers
bypassed. NOTE: the adapter was trained on the NF4-quantized weights, so its
answers here can differ slightly from those of the quantized training model.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from gpu_runner import atomic, options
from gpu_runner.errors import ExitCode, StageError
from gpu_runner.events import EventEmitter
from gpu_runner.model.generation import DEFAULT_MAX_NEW_TOKENS
from gpu_runner.model.loading import DEFAULT_MODEL_ID
from gpu_runner.model.records import Record, image_paths, read_records
from gpu_runner.model.sample import SAMPLE_MODES, select_sample
from gpu_runner.paths import RunPaths

DEFAULT_SAMPLE_SIZE = 16
DEFAULT_BATCH_SIZE = 8
DEFAULT_IMAGE_SIZE = 896
MODEL_KEYS = ("base", "finetuned")
SETTINGS_NAME = "settings.json"

OOM_HINT = (
    "Lower --batch-size (for example to 4 or 2) and check with nvidia-smi that no other process holds GPU memory."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        type=options.non_empty,
        default=DEFAULT_MODEL_ID,
        help=f"base model, Hub id or folder (default: {DEFAULT_MODEL_ID})",
    )
    parser.add_argument(
        "--adapter",
        type=options.non_empty_path,
        default=None,
        metavar="DIR",
        help="LoRA adapter folder (default: finetune/adapter in --out)",
    )
    parser.add_argument(
        "--samples",
        type=options.positive_int,
        metavar="N",
        default=DEFAULT_SAMPLE_SIZE,
        help=f"validation records to answer (default: {DEFAULT_SAMPLE_SIZE})",
    )
    parser.add_argument(
        "--sample",
        choices=SAMPLE_MODES,
        default="seeded",
        help="how records are chosen: 'seeded' draws normal and abnormal findings half and half with --seed, "
        "'first' takes the first rows as the course does (default: seeded)",
    )
    parser.add_argument(
        "--batch-size",
        type=options.positive_int,
        metavar="N",
        default=DEFAULT_BATCH_SIZE,
        help=f"records per generate() call (default: {DEFAULT_BATCH_SIZE})",
    )
    parser.add_argument(
        "--max-new-tokens",
        type=options.positive_int,
        metavar="N",
        default=DEFAULT_MAX_NEW_TOKENS,
        help=f"maximum new tokens per answer (default: {DEFAULT_MAX_NEW_TOKENS})",
    )
    parser.add_argument(
        "--image-size",
        type=options.image_size,
        metavar="N",
        default=None,
        help=(
            f"resize images to this many pixels square before the processor (default: {DEFAULT_IMAGE_SIZE}, the tiny "
            "model's size with --smoke)"
        ),
    )
    parser.add_argument(
        "--images-per-sample",
        type=options.positive_int,
        metavar="N",
        default=1,
        help="images per record, frontal first (default: 1)",
    )


def resolve_image_size(args: argparse.Namespace) -> int:
    if args.image_size:
        return args.image_size
    if args.smoke:
        from gpu_runner.smoke.tiny_model import IMAGE_SIZE_PX

        return IMAGE_SIZE_PX
    return DEFAULT_IMAGE_SIZE


def read_predictions(path: Path) -> dict[str, dict[str, Any]]:
    """Return the rows of an existing predictions file by id, or {} when there is none."""
    if not path.is_file():
        return {}
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows[row["id"]] = row
    return rows


def prediction_row(
    record: Record, images_per_sample: int, previous: dict[str, Any] | None, stale: set[str]
) -> dict[str, Any]:
    """Build the output row of a record, keeping the previous answers that are still valid."""
    row = {
        "id": record["id"],
        "image": image_paths(record, images_per_sample)[0],
        "question": record["question"],
        "reference": record["answer"],
        "base": None,
        "finetuned": None,
    }
    if previous is not None:
        for key in MODEL_KEYS:
            if key not in stale:
                row[key] = previous.get(key)
    return row


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def generation_settings(args: argparse.Namespace, adapter_dir: Path, image_size: int) -> dict[str, Any]:
    """Return what the answers depend on: the base model and generation settings, and the adapter's weights."""
    weights = sorted(adapter_dir.glob("adapter_model.*"))
    return {
        "base": {
            "model": "tiny smoke model" if args.smoke else str(args.model),
            "max_new_tokens": args.max_new_tokens,
            "image_size": image_size,
            "images_per_sample": args.images_per_sample,
        },
        "adapter": {path.name: file_digest(path) for path in weights},
    }


def stale_keys(previous: dict[str, Any] | None, current: dict[str, Any]) -> set[str]:
    """Return the answer keys ("base", "finetuned") that must be generated again."""
    if previous is None or previous.get("base") != current["base"]:
        return set(MODEL_KEYS)
    if previous.get("adapter") != current["adapter"]:
        return {"finetuned"}
    return set()


def run(args: argparse.Namespace, events: EventEmitter) -> int:
    paths = RunPaths.from_out(args.out)
    adapter_dir = (args.adapter or paths.adapter_dir).expanduser().resolve()
    if not (adapter_dir / "adapter_config.json").is_file():
        raise StageError(
            f"Fine-tuned adapter not found: {adapter_dir / 'adapter_config.json'}",
            hint="Run the finetune stage first (with the same --out), or pass --adapter DIR.",
            exit_code=ExitCode.USAGE,
            code="missing_input",
        )
    if not args.smoke:
        from gpu_runner.model.loading import require_bf16_gpu

        require_bf16_gpu()

    prepare_hint = "Run the prepare stage first (with the same --out" + (" and --smoke)." if args.smoke else ").")
    records = select_sample(
        read_records(paths.validation_jsonl, stage_hint=prepare_hint), args.samples, args.sample, args.seed
    )

    settings = generation_settings(args, adapter_dir, resolve_image_size(args))
    settings_path = paths.infer_dir / SETTINGS_NAME
    previous_settings = json.loads(settings_path.read_text(encoding="utf-8")) if settings_path.is_file() else None
    stale = stale_keys(previous_settings, settings)
    previous = read_predictions(paths.predictions)
    rows = [prediction_row(record, args.images_per_sample, previous.get(record["id"]), stale) for record in records]
    atomic.write_json(settings_path, settings)
    pending = {key: [index for index, row in enumerate(rows) if row[key] is None] for key in MODEL_KEYS}
    total = len(rows) * len(MODEL_KEYS)
    done = total - sum(len(indexes) for indexes in pending.values())

    events.start(
        f"answering {len(rows)} validation records ({args.sample} sample) with the base and fine-tuned model",
        total=total,
    )
    if done == total:
        atomic.write_jsonl(paths.predictions, rows)
        events.artifact(paths.predictions, "predictions")
        events.done(f"all {len(rows)} records already answered")
        return ExitCode.OK

    generate_pending(args, paths, events, records, rows, pending, adapter_dir, done, total)
    events.artifact(paths.predictions, "predictions")
    events.done(f"answered {len(rows)} records with the base and the fine-tuned model")
    return ExitCode.OK


def generate_pending(
    args: argparse.Namespace,
    paths: RunPaths,
    events: EventEmitter,
    records: list[Record],
    rows: list[dict[str, Any]],
    pending: dict[str, list[int]],
    adapter_dir: Path,
    done: int,
    total: int,
) -> None:
    """Generate the missing answers: the base model with the adapter turned off, then with it on."""
    from peft import PeftModel

    from gpu_runner.model.generation import generate_answers
    from gpu_runner.model.loading import load_inference_model, load_processor, out_of_memory_as_stage_error

    if args.smoke:
        from gpu_runner.smoke.tiny_model import ensure_tiny_model

        source: str | Path = ensure_tiny_model(paths.root)
    else:
        source = args.model
    image_size = resolve_image_size(args)

    processor = load_processor(source)
    with out_of_memory_as_stage_error(OOM_HINT):
        model = PeftModel.from_pretrained(load_inference_model(source, smoke=args.smoke), str(adapter_dir))
        model.eval()
        for key in MODEL_KEYS:
            # The base answers come from the same weights with the LoRA layers bypassed.
            adapter_state = model.disable_adapter() if key == "base" else contextlib.nullcontext()
            with adapter_state:
                indexes = pending[key]
                for start in range(0, len(indexes), args.batch_size):
                    batch = indexes[start : start + args.batch_size]
                    answers = generate_answers(
                        model,
                        processor,
                        [records[index] for index in batch],
                        image_size=image_size,
                        images_per_sample=args.images_per_sample,
                        max_new_tokens=args.max_new_tokens,
                    )
                    for index, answer in zip(batch, answers, strict=True):
                        rows[index][key] = answer
                    atomic.write_jsonl(paths.predictions, rows)
                    done += len(batch)
                    events.progress(done, total, unit="answers", message=f"{key} model, {len(batch)} records")
