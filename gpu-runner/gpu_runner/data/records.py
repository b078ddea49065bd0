"""Supervised fine-tuning records built from FLARE-MLLM-2D rows.

A record is one JSON line:

    {"id", "split", "dataset", "case", "task", "question", "answer",
     "images": [absolute paths, frontal view first],
     "messages": [{"role": "user", "content": [{"type": "image", "path": ...}, ...,
                                               {"type": "text", "text": instruction + question}]},
                  {"role": "assistant", "content": [{"type": "text", "text": answer}]}]}

`messages` contains every view. The stages that use fewer images (the course trains
and infers on the frontal view alone) cut them with `limit_images`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from gpu_runner.data.flare import DATASET, FlareRow, QuestionFile

INSTRUCTION = (
    "You are a radiologist reading this {modality} study. "
    "Answer the question with the matching findings of the report, in one or two sentences."
)

VIEW_SUFFIX = re.compile(r"-(\d+)$")
"""IU X-ray file stems end in the view number: -0 is the frontal view, -1 the lateral one."""

MISSING_EXAMPLES = 20
"""How many missing image paths the summary lists per split."""


def task_slug(task_type: str) -> str:
    """'Report Generation' -> 'report_generation'."""
    return re.sub(r"[^a-z0-9]+", "_", task_type.lower()).strip("_") or "unknown"


def view_number(image_name: str) -> int | None:
    match = VIEW_SUFFIX.search(PurePosixPath(image_name).stem)
    return int(match.group(1)) if match else None


def order_views(image_names: tuple[str, ...]) -> list[str]:
    """Put the frontal view (-0) first and keep the given order otherwise."""
    return sorted(image_names, key=lambda name: 0 if view_number(name) == 0 else 1)


def case_id(image_names: list[str]) -> str:
    """Study id: the first image's stem without its view number (CXR1_1_IM-0001-0 -> CXR1_1_IM-0001)."""
    stem = PurePosixPath(image_names[0].replace("\\", "/")).stem
    return VIEW_SUFFIX.sub("", stem) or stem


def user_text(row: FlareRow) -> str:
    return f"{INSTRUCTION.format(modality=row.modality)}\n\n{row.question}"


def build_record(
    row: FlareRow,
    *,
    split: str,
    json_stem: str,
    question_index: int,
    image_paths: list[Path],
) -> dict[str, Any]:
    """Build the record of one row whose images are already resolved (frontal first)."""
    ordered_names = order_views(row.image_names)
    case = case_id(ordered_names)
    task = task_slug(row.task_type)
    images = [str(path) for path in image_paths]
    text = user_text(row)
    return {
        "id": f"{split}:{DATASET}:{json_stem}:{case}:{task}:{question_index}",
        "split": split,
        "dataset": DATASET,
        "case": case,
        "task": task,
        "question": row.question,
        "answer": row.answer,
        "images": images,
        "messages": [
            {
                "role": "user",
                "content": [*({"type": "image", "path": path} for path in images), {"type": "text", "text": text}],
            },
            {"role": "assistant", "content": [{"type": "text", "text": row.answer}]},
        ],
    }


def limit_images(record: dict[str, Any], max_images: int) -> dict[str, Any]:
    """Return a copy of `record` that keeps only its first `max_images` images, in `images` and in `messages`."""
    kept = record["images"][:max_images]
    messages = []
    for message in record["messages"]:
        content = []
        image_count = 0
        for part in message["content"]:
            if part.get("type") == "image":
                image_count += 1
                if image_count > max_images:
                    continue
            content.append(part)
        messages.append({**message, "content": content})
    return {**record, "images": kept, "messages": messages}


@dataclass
class SplitResult:
    """The records of one split and the counts that go into summary.json."""

    split: str
    records: list[dict[str, Any]] = field(default_factory=list)
    rows_in_files: int = 0
    bad_rows: list[str] = field(default_factory=list)
    missing_images: list[str] = field(default_factory=list)
    records_dropped: int = 0
    json_files: list[str] = field(default_factory=list)

    @property
    def studies(self) -> int:
        return len({record["case"] for record in self.records})

    def summary(self) -> dict[str, Any]:
        return {
            "rows": len(self.records),
            "studies": self.studies,
            "images_missing": len(self.missing_images),
            "rows_in_files": self.rows_in_files,
            "rows_invalid": len(self.bad_rows),
            "rows_dropped_missing_images": self.records_dropped,
            "missing_image_examples": self.missing_images[:MISSING_EXAMPLES],
            "invalid_row_examples": self.bad_rows[:MISSING_EXAMPLES],
            "json_files": self.json_files,
        }


def build_split(split: str, question_files: list[QuestionFile]) -> SplitResult:
    """Build the records of one split; rows with a missing image are counted and left out."""
    result = SplitResult(split)
    missing: dict[str, None] = {}  # ordered set of missing image paths
    for question_file in question_files:
        folder = question_file.path.parent.resolve()
        result.json_files.append(str(question_file.path.resolve()))
        result.rows_in_files += question_file.row_count
        result.bad_rows.extend(problem.describe() for problem in question_file.problems)

        questions_per_case: dict[str, int] = defaultdict(int)
        for row in question_file.rows:
            names = order_views(row.image_names)
            case = case_id(names)
            question_index = questions_per_case[case]
            questions_per_case[case] += 1

            paths = [folder.joinpath(*PurePosixPath(name.replace("\\", "/")).parts) for name in names]
            absent = [path for path in paths if not path.is_file()]
            if absent:
                for path in absent:
                    missing[str(path)] = None
                result.records_dropped += 1
                continue
            result.records.append(
                build_record(
                    row,
                    split=split,
                    json_stem=question_file.path.stem,
                    question_index=question_index,
                    image_paths=paths,
                )
            )
    result.missing_images = list(missing)
    return result
