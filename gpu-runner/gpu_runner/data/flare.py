"""Layout and JSON schema of FLARE-MLLM-2D, and reading its question files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from gpu_runner.errors import ExitCode, StageError

DEFAULT_REPO = "FLARE-MedFM/FLARE-MLLM-2D"
MODALITY_FOLDER = "Xray"
DATASET = "IU_XRay"

SPLIT_FOLDERS = {"train": "training", "validation": "validation-public"}
"""Record split name -> top-level folder of the dataset repository."""

REQUIRED_FIELDS = ("TaskType", "Modality", "ImageName", "Question", "Answer", "Split")

REDOWNLOAD = "Delete it and run prepare again to download it."
"""Default repair step for a damaged dataset file: the downloaded copy. Callers that read
a --source copy or the smoke tree pass their own."""

MAX_BAD_ROW_FRACTION = 0.05
"""More invalid rows than this share of a file is treated as a wrong file, not as noise."""


def dataset_folder(source: Path, split: str) -> Path:
    return source / SPLIT_FOLDERS[split] / MODALITY_FOLDER / DATASET


def allow_patterns() -> list[str]:
    """Hub path patterns of the IU X-ray part of the training and public validation splits."""
    return [f"{folder}/{MODALITY_FOLDER}/{DATASET}/**" for folder in SPLIT_FOLDERS.values()]


def find_question_files(folder: Path, incomplete_hint: str | None = None) -> list[Path]:
    """The question JSON files of one dataset folder, sorted by name.

    The file name changed between releases (IU_XRay_all_train.json and
    IU_XRay_questions_train.json have both been published), so every visible
    `*.json` in the folder counts. `incomplete_hint` replaces the default next step
    when the folder has no question file.
    """
    if not folder.is_dir():
        raise StageError(
            f"dataset folder not found: {folder}",
            "Point --source at the folder that contains training/ and validation-public/ "
            f"(with {MODALITY_FOLDER}/{DATASET}/ inside each), or run prepare without --source to download it.",
            ExitCode.USAGE,
            code="missing_folder",
        )
    files = sorted(
        path for path in folder.glob("*.json") if path.is_file() and not path.name.startswith(".")
    )
    if not files:
        raise StageError(
            f"no question file (*.json) found in {folder}",
            incomplete_hint or "The download is incomplete: run prepare again to finish it.",
            ExitCode.USAGE,
            code="missing_json",
        )
    return files


@dataclass(frozen=True)
class FlareRow:
    """One validated row of a question file."""

    index: int
    task_type: str
    modality: str
    image_names: tuple[str, ...]
    question: str
    answer: str
    split: str


@dataclass(frozen=True)
class RowProblem:
    """An invalid row: which file, which position in its list, and why."""

    file: Path
    index: int
    reason: str

    def describe(self) -> str:
        return f"{self.file.name}[{self.index}]: {self.reason}"


@dataclass
class QuestionFile:
    """The valid rows of one question file and the problems of the others."""

    path: Path
    rows: list[FlareRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.rows) + len(self.problems)


def check_image_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"ImageName entry {value!r} is not a non-empty string")
    name = value.strip()
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"ImageName {name!r} is not a path inside the dataset folder")
    return name


def parse_row(raw: Any, index: int) -> FlareRow:
    """Validate one JSON row; raises ValueError with the reason."""
    if not isinstance(raw, dict):
        raise ValueError(f"expected an object, got {type(raw).__name__}")
    missing = [name for name in REQUIRED_FIELDS if name not in raw]
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}")

    texts: dict[str, str] = {}
    for name in ("TaskType", "Modality", "Question", "Answer", "Split"):
        value = raw[name]
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} is {value!r}, expected a non-empty string")
        texts[name] = value.strip()

    image_value = raw["ImageName"]
    if isinstance(image_value, list):
        if not image_value:
            raise ValueError("ImageName is an empty list")
        image_names = tuple(check_image_name(item) for item in image_value)
    else:
        image_names = (check_image_name(image_value),)

    return FlareRow(
        index=index,
        task_type=texts["TaskType"],
        modality=texts["Modality"],
        image_names=image_names,
        question=texts["Question"],
        answer=texts["Answer"],
        split=texts["Split"],
    )


def read_question_file(path: Path, repair: str = REDOWNLOAD) -> QuestionFile:
    """Read and validate a question file.

    Invalid rows are collected, not raised. A file that is not a JSON list, or
    has more invalid rows than MAX_BAD_ROW_FRACTION, raises StageError. `repair`
    is the next step named for a file that is not valid JSON or UTF-8.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise StageError(
            f"invalid JSON in {path}: {error}",
            f"The file is damaged or incomplete. {repair}",
            ExitCode.USAGE,
            code="bad_json",
        ) from error
    except UnicodeDecodeError as error:
        raise StageError(
            f"{path} is not UTF-8 text: {error}",
            f"The file is damaged. {repair}",
            ExitCode.USAGE,
            code="bad_json",
        ) from error
    if not isinstance(data, list):
        raise StageError(
            f"{path} contains a JSON {type(data).__name__}, expected a list of rows",
            f"Each row needs the fields {', '.join(REQUIRED_FIELDS)}.",
            ExitCode.USAGE,
            code="bad_json",
        )

    result = QuestionFile(path)
    for index, raw in enumerate(data):
        try:
            result.rows.append(parse_row(raw, index))
        except ValueError as error:
            result.problems.append(RowProblem(path, index, str(error)))

    if result.problems and len(result.problems) > MAX_BAD_ROW_FRACTION * result.row_count:
        examples = "; ".join(problem.describe() for problem in result.problems[:3])
        raise StageError(
            f"{len(result.problems)} of {result.row_count} rows in {path} are invalid, for example {examples}",
            f"Each row needs the fields {', '.join(REQUIRED_FIELDS)}; check that this is a FLARE-MLLM-2D question file.",
            ExitCode.USAGE,
            code="bad_rows",
        )
    return result
