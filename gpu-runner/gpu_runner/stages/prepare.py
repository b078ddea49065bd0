"""prepare: get the IU X-ray part of FLARE-MLLM-2D and write the SFT records.

Outputs under --out: data/train.jsonl, data/validation.jsonl and data/summary.json.
summary.json is written last and records a fingerprint of the inputs, so a rerun
with the same inputs and complete outputs does nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpu_runner import atomic, options
from gpu_runner.data.archives import archive_stamp, extract_archive, find_archives, is_extracted
from gpu_runner.data.flare import (
    DEFAULT_REPO,
    REDOWNLOAD,
    SPLIT_FOLDERS,
    allow_patterns,
    dataset_folder,
    find_question_files,
    read_question_file,
)
from gpu_runner.data.hub import dataset_url, download_dataset
from gpu_runner.data.records import SplitResult, build_split
from gpu_runner.data.smoke import generate_smoke_source
from gpu_runner.errors import ExitCode, StageError
from gpu_runner.events import EventEmitter
from gpu_runner.paths import RunPaths

RECORD_FORMAT_VERSION = 1
"""Bump when the records change, so that existing outputs are rebuilt."""

EXTRACT_PROGRESS_EVERY = 500
"""Archive members between two progress events."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo",
        type=options.non_empty,
        default=DEFAULT_REPO,
        help=f"Hugging Face dataset repository to download from (default: {DEFAULT_REPO})",
    )
    parser.add_argument(
        "--revision", type=options.non_empty, default=None, help="branch, tag or commit of --repo (default: main)"
    )
    parser.add_argument(
        "--source",
        type=options.non_empty_path,
        default=None,
        metavar="DIR",
        help="read an already downloaded copy (the folder holding training/ and validation-public/) "
        "instead of the Hub",
    )
    parser.add_argument(
        "--strict-images",
        action="store_true",
        help="fail when an image named in a question file is missing, instead of leaving out its rows",
    )


@dataclass(frozen=True)
class RepairSteps:
    """Next steps for a damaged or incomplete dataset, which depend on where the data came from."""

    damaged: str
    """Step for one damaged file, a sentence that refers to the file as "it"."""
    incomplete: str
    """Step for missing question files or images."""


def repair_steps(args: argparse.Namespace, paths: RunPaths) -> RepairSteps:
    if args.smoke:
        step = f"Delete {paths.smoke_source} and run prepare --smoke again to generate it."
        return RepairSteps(damaged=step, incomplete=step)
    if args.source is not None:
        return RepairSteps(
            damaged="Copy it again from the original dataset into the --source folder, "
            "or run prepare without --source to download it.",
            incomplete=f"The copy in --source {args.source} is incomplete: copy the missing files again "
            "from the original dataset, or run prepare without --source to download it.",
        )
    return RepairSteps(
        damaged=REDOWNLOAD,
        incomplete="The download or extraction is incomplete: run prepare again to finish it.",
    )


def resolve_source(args: argparse.Namespace, paths: RunPaths, events: EventEmitter) -> Path:
    """Return the dataset root: generated (--smoke), given (--source) or downloaded."""
    if args.smoke and args.source is not None:
        raise StageError(
            "--smoke and --source cannot be combined",
            "Use --smoke for generated data, or --source DIR for a downloaded copy.",
            ExitCode.USAGE,
            code="usage",
        )

    if args.smoke:
        created = generate_smoke_source(paths.smoke_source, args.seed)
        state = "generated" if created else "reused"
        events.progress(1, 1, unit="steps", message=f"{state} synthetic FLARE tree in {paths.smoke_source}")
        return paths.smoke_source

    if args.source is not None:
        source = args.source.expanduser().resolve()
        if source.exists() and not source.is_dir():
            raise StageError(
                f"--source {source} is a file, not a folder",
                "Pass the folder that holds training/ and validation-public/ of FLARE-MLLM-2D.",
                ExitCode.USAGE,
                code="missing_folder",
            )
        if not source.is_dir():
            raise StageError(
                f"--source folder not found: {source}",
                "Pass the folder that holds training/ and validation-public/ of FLARE-MLLM-2D.",
                ExitCode.USAGE,
                code="missing_folder",
            )
        return source

    def on_download(done: int, total: int | None, unit: str) -> None:
        events.progress(done, total, unit=unit, message=f"downloading {args.repo}")

    download_dataset(
        args.repo,
        paths.dataset_dir,
        allow_patterns(),
        revision=args.revision,
        on_progress=on_download,
    )
    for split in SPLIT_FOLDERS:
        if not dataset_folder(paths.dataset_dir, split).is_dir():
            raise StageError(
                f"the download of {args.repo} has no folder {dataset_folder(paths.dataset_dir, split).relative_to(paths.dataset_dir)}",
                f"Check that --repo names FLARE-MLLM-2D ({dataset_url(DEFAULT_REPO)}); its layout may have changed.",
                ExitCode.USAGE,
                code="missing_folder",
            )
    return paths.dataset_dir


def extract_images(folders: dict[str, Path], events: EventEmitter, repair: RepairSteps) -> None:
    for folder in folders.values():
        for archive in find_archives(folder):
            if is_extracted(archive):
                continue

            def on_member(done: int, total: int, archive: Path = archive) -> None:
                if done == total or done % EXTRACT_PROGRESS_EVERY == 0:
                    events.progress(done, total, unit="files", message=f"extracting {archive.name}")

            events.progress(0, None, unit="files", message=f"extracting {archive}")
            extract_archive(archive, on_progress=on_member, repair=repair.damaged)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def input_fingerprint(
    args: argparse.Namespace, folders: dict[str, Path], question_files: dict[str, list[Path]]
) -> dict[str, Any]:
    """Return what the outputs depend on: the record format, the options, the question files and the archives."""
    return {
        "record_format": RECORD_FORMAT_VERSION,
        "strict_images": bool(args.strict_images),
        "question_files": {
            str(path): file_sha256(path) for files in question_files.values() for path in files
        },
        "archives": {
            str(archive): archive_stamp(archive) for folder in folders.values() for archive in find_archives(folder)
        },
    }


def outputs_current(paths: RunPaths, fingerprint: dict[str, Any]) -> bool:
    """Check that all outputs exist, were built from the same inputs, and had no missing image.

    A missing image may have appeared since (a finished download), so such a
    summary is never taken as current.
    """
    if not (paths.train_jsonl.is_file() and paths.validation_jsonl.is_file()):
        return False
    try:
        summary = json.loads(paths.data_summary.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(summary, dict) or summary.get("inputs") != fingerprint:
        return False
    return all(summary.get(split, {}).get("images_missing", 1) == 0 for split in SPLIT_FOLDERS)


def build_records(split: str, files: list[Path], events: EventEmitter, repair: RepairSteps) -> SplitResult:
    question_files = []
    for index, path in enumerate(files, start=1):
        question_file = read_question_file(path, repair.damaged)
        question_files.append(question_file)
        message = f"{split}: read {question_file.row_count} rows from {path.name}"
        if question_file.problems:
            first = question_file.problems[0].describe()
            message += f", {len(question_file.problems)} invalid (first: {first})"
        events.progress(index, len(files), unit="files", message=message)

    result = build_split(split, question_files)
    if result.missing_images:
        events.progress(
            len(files),
            len(files),
            unit="files",
            message=f"{split}: {len(result.missing_images)} images missing, {result.records_dropped} rows left out "
            f"(first: {result.missing_images[0]})",
        )
    return result


def check_results(results: dict[str, SplitResult], strict_images: bool, repair: RepairSteps) -> None:
    for split, result in results.items():
        if strict_images and result.missing_images:
            raise StageError(
                f"{len(result.missing_images)} images named in the {split} question files are missing, "
                f"first: {result.missing_images[0]}",
                f"{repair.incomplete} Or leave out --strict-images to skip those rows.",
                ExitCode.USAGE,
                code="missing_image",
            )
        if not result.records:
            first = f" (first missing image: {result.missing_images[0]})" if result.missing_images else ""
            raise StageError(
                f"no usable {split} rows in {', '.join(result.json_files)}{first}",
                f"Check that the images were extracted next to the question file. {repair.incomplete}",
                ExitCode.USAGE,
                code="no_records",
            )


def write_outputs(
    paths: RunPaths,
    results: dict[str, SplitResult],
    summary_header: dict[str, Any],
    fingerprint: dict[str, Any],
) -> dict[str, Any]:
    atomic.write_jsonl(paths.train_jsonl, results["train"].records)
    atomic.write_jsonl(paths.validation_jsonl, results["validation"].records)
    summary = {
        **summary_header,
        **{split: result.summary() for split, result in results.items()},
        "inputs": fingerprint,
    }
    # Written last: its fingerprint is what marks the outputs as complete.
    atomic.write_json(paths.data_summary, summary)
    return summary


def run(args: argparse.Namespace, events: EventEmitter) -> int:
    paths = RunPaths.from_out(args.out)
    if args.smoke:
        origin = "synthetic smoke data"
    elif args.source is not None:
        origin = str(args.source)
    else:
        origin = args.repo
    events.start(f"preparing IU X-ray records from {origin}")

    source = resolve_source(args, paths, events)
    repair = repair_steps(args, paths)
    folders = {split: dataset_folder(source, split) for split in SPLIT_FOLDERS}
    question_files = {split: find_question_files(folder, repair.incomplete) for split, folder in folders.items()}
    extract_images(folders, events, repair)

    fingerprint = input_fingerprint(args, folders, question_files)
    if outputs_current(paths, fingerprint):
        events.done(f"records in {paths.data_dir} are up to date with {source}; nothing to do")
        return ExitCode.OK

    results = {split: build_records(split, files, events, repair) for split, files in question_files.items()}
    check_results(results, args.strict_images, repair)

    header = {
        "source": str(source),
        "repo": None if (args.smoke or args.source) else args.repo,
        "smoke": bool(args.smoke),
    }
    summary = write_outputs(paths, results, header, fingerprint)
    events.artifact(paths.train_jsonl, "training records")
    events.artifact(paths.validation_jsonl, "validation records")
    events.artifact(paths.data_summary, "data summary")

    counts = ", ".join(
        f"{split} {summary[split]['rows']} rows / {summary[split]['studies']} studies"
        + (f" / {summary[split]['images_missing']} images missing" if summary[split]["images_missing"] else "")
        for split in SPLIT_FOLDERS
    )
    events.done(f"wrote {counts}")
    return ExitCode.OK
