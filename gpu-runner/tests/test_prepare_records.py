from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import flare_row

from gpu_runner.data.flare import find_question_files, parse_row, read_question_file
from gpu_runner.data.records import INSTRUCTION, build_split, case_id, limit_images, order_views, task_slug
from gpu_runner.errors import ExitCode, StageError

FolderFactory = Callable[..., Path]


# Question files


def test_parse_row_with_image_list() -> None:
    row = parse_row(flare_row(["imagesTr/CXR1_1_IM-0001-0.png", "imagesTr/CXR1_1_IM-0001-1.png"]), 3)

    assert row.index == 3
    assert row.image_names == ("imagesTr/CXR1_1_IM-0001-0.png", "imagesTr/CXR1_1_IM-0001-1.png")
    assert row.task_type == "Report Generation"
    assert row.modality == "X-ray"
    assert row.split == "train"


def test_parse_row_with_single_image_string() -> None:
    row = parse_row(flare_row("imagesVal/CXR9_IM-0009-0.png", split="val"), 0)

    assert row.image_names == ("imagesVal/CXR9_IM-0009-0.png",)
    assert row.split == "val"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (["not", "an", "object"], "expected an object"),
        ({k: v for k, v in flare_row("a-0.png").items() if k != "Answer"}, "missing field(s) Answer"),
        (flare_row("a-0.png", answer=""), "Answer is ''"),
        (flare_row("a-0.png", answer=3), "Answer is 3"),
        (flare_row([]), "ImageName is an empty list"),
        (flare_row(["a-0.png", 7]), "ImageName entry 7"),
        (flare_row("/etc/passwd"), "not a path inside the dataset folder"),
        (flare_row("../other/a-0.png"), "not a path inside the dataset folder"),
    ],
)
def test_parse_row_rejects_invalid_rows(raw: object, reason: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_row(raw, 0)

    assert reason in str(raised.value)


def test_invalid_rows_reported_with_file_and_index(tmp_path: Path) -> None:
    rows = [flare_row(f"images/CXR{index}-0.png") for index in range(30)]
    rows[7] = {"TaskType": "Report Generation"}
    path = tmp_path / "IU_XRay_all_train.json"
    path.write_text(json.dumps(rows), encoding="utf-8")

    question_file = read_question_file(path)

    assert len(question_file.rows) == 29
    assert question_file.row_count == 30
    assert [problem.describe() for problem in question_file.problems] == [
        "IU_XRay_all_train.json[7]: missing field(s) Modality, ImageName, Question, Answer, Split"
    ]


def test_too_many_invalid_rows_is_an_error(tmp_path: Path) -> None:
    rows = [flare_row("images/a-0.png")] * 10 + [{"Question": "x"}] * 2
    path = tmp_path / "IU_XRay_questions_train.json"
    path.write_text(json.dumps(rows), encoding="utf-8")

    with pytest.raises(StageError) as raised:
        read_question_file(path)

    assert raised.value.code == "bad_rows"
    assert raised.value.exit_code == ExitCode.USAGE
    assert "2 of 12 rows" in raised.value.message
    assert "IU_XRay_questions_train.json[10]" in raised.value.message


@pytest.mark.parametrize(
    ("content", "code"),
    [('{"rows": []}', "bad_json"), ("[{", "bad_json")],
)
def test_unreadable_question_file_is_an_error(tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / "IU_XRay_all_val.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(StageError) as raised:
        read_question_file(path)

    assert raised.value.code == code
    assert str(path) in raised.value.message


def test_question_files_found_by_pattern(tmp_path: Path) -> None:
    for name in ("IU_XRay_questions_train.json", "IU_XRay_all_train.json", ".partial.json", "README.md"):
        (tmp_path / name).write_text("[]", encoding="utf-8")
    (tmp_path / "imagesTr").mkdir()
    (tmp_path / "imagesTr" / "nested.json").write_text("[]", encoding="utf-8")

    assert [path.name for path in find_question_files(tmp_path)] == [
        "IU_XRay_all_train.json",
        "IU_XRay_questions_train.json",
    ]


def test_missing_dataset_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StageError) as raised:
        find_question_files(tmp_path / "training" / "Xray" / "IU_XRay")

    assert raised.value.code == "missing_folder"
    assert "--source" in (raised.value.hint or "")


def test_folder_without_question_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StageError) as raised:
        find_question_files(tmp_path)

    assert raised.value.code == "missing_json"


# Records


def test_helpers_for_ids_and_views() -> None:
    assert task_slug("Report Generation") == "report_generation"
    assert task_slug("  ") == "unknown"
    assert order_views(("imagesTr/X-1.png", "imagesTr/X-0.png")) == ["imagesTr/X-0.png", "imagesTr/X-1.png"]
    assert order_views(("b.png", "a.png")) == ["b.png", "a.png"]
    assert case_id(["imagesTr/CXR1_1_IM-0001-0.png"]) == "CXR1_1_IM-0001"
    assert case_id(["imagesTr/scan.png"]) == "scan"


def test_records_from_list_and_string_rows(flare_folder: FolderFactory) -> None:
    rows = [
        flare_row(["imagesTr/CXR1_1_IM-0001-1.png", "imagesTr/CXR1_1_IM-0001-0.png"], "Bones?", "No fracture."),
        flare_row(["imagesTr/CXR1_1_IM-0001-0.png", "imagesTr/CXR1_1_IM-0001-1.png"], "Heart?", "Cardiomegaly."),
        flare_row("imagesTr/CXR2_IM-0002-0.png", "Lungs?", "Clear lungs."),
    ]
    folder = flare_folder("training", "IU_XRay_all_train.json", rows)
    question_file = read_question_file(folder / "IU_XRay_all_train.json")

    result = build_split("train", [question_file])

    assert [record["id"] for record in result.records] == [
        "train:IU_XRay:IU_XRay_all_train:CXR1_1_IM-0001:report_generation:0",
        "train:IU_XRay:IU_XRay_all_train:CXR1_1_IM-0001:report_generation:1",
        "train:IU_XRay:IU_XRay_all_train:CXR2_IM-0002:report_generation:0",
    ]
    first = result.records[0]
    frontal = str((folder / "imagesTr" / "CXR1_1_IM-0001-0.png").resolve())
    lateral = str((folder / "imagesTr" / "CXR1_1_IM-0001-1.png").resolve())
    assert first["images"] == [frontal, lateral]
    assert first["split"] == "train"
    assert first["dataset"] == "IU_XRay"
    assert first["case"] == "CXR1_1_IM-0001"
    assert first["task"] == "report_generation"
    assert first["question"] == "Bones?"
    assert first["answer"] == "No fracture."
    assert first["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "image", "path": frontal},
                {"type": "image", "path": lateral},
                {"type": "text", "text": INSTRUCTION.format(modality="X-ray") + "\n\nBones?"},
            ],
        },
        {"role": "assistant", "content": [{"type": "text", "text": "No fracture."}]},
    ]
    assert result.records[2]["images"] == [str((folder / "imagesTr" / "CXR2_IM-0002-0.png").resolve())]
    assert result.studies == 2
    assert result.missing_images == []


def test_record_ids_are_unique_across_files(flare_folder: FolderFactory) -> None:
    rows = [flare_row(["images/CXR1-0.png", "images/CXR1-1.png"], question=f"Q{index}") for index in range(4)]
    folder = flare_folder("training", "IU_XRay_all_train.json", rows)
    flare_folder("training", "IU_XRay_questions_train.json", rows)
    files = [read_question_file(path) for path in find_question_files(folder)]

    records = build_split("train", files).records

    assert len(records) == 8
    assert len({record["id"] for record in records}) == 8


def test_image_paths_relative_to_json_folder(flare_folder: FolderFactory, tmp_path: Path) -> None:
    folder = flare_folder("validation-public", "IU_XRay_questions_val.json", [flare_row("imagesVal/CXR5-0.png")])
    # The same name at the dataset root must not be picked up.
    (tmp_path / "source" / "imagesVal").mkdir()

    record = build_split("validation", [read_question_file(folder / "IU_XRay_questions_val.json")]).records[0]

    assert record["images"] == [str(folder.resolve() / "imagesVal" / "CXR5-0.png")]
    assert Path(record["images"][0]).is_absolute()


def test_missing_image_drops_row_and_is_counted(flare_folder: FolderFactory) -> None:
    rows = [
        flare_row(["images/CXR1-0.png", "images/CXR1-1.png"], "A?"),
        flare_row(["images/CXR1-0.png", "images/CXR1-1.png"], "B?"),
        flare_row(["images/CXR2-0.png", "images/CXR2-1.png"], "C?"),
    ]
    folder = flare_folder(
        "training", "IU_XRay_all_train.json", rows, images=["images/CXR1-0.png", "images/CXR2-0.png", "images/CXR2-1.png"]
    )

    result = build_split("train", [read_question_file(folder / "IU_XRay_all_train.json")])

    assert [record["question"] for record in result.records] == ["C?"]
    assert result.missing_images == [str(folder.resolve() / "images" / "CXR1-1.png")]
    assert result.records_dropped == 2
    summary = result.summary()
    assert summary["rows"] == 1
    assert summary["studies"] == 1
    assert summary["images_missing"] == 1
    assert summary["rows_dropped_missing_images"] == 2
    assert summary["missing_image_examples"] == result.missing_images


def test_limit_images_keeps_the_frontal_view(flare_folder: FolderFactory) -> None:
    folder = flare_folder("training", "t.json", [flare_row(["images/CXR1-1.png", "images/CXR1-0.png"])])
    record = build_split("train", [read_question_file(folder / "t.json")]).records[0]

    limited = limit_images(record, 1)

    assert limited["images"] == [record["images"][0]]
    assert limited["images"][0].endswith("CXR1-0.png")
    user_parts = limited["messages"][0]["content"]
    assert [part["type"] for part in user_parts] == ["image", "text"]
    assert user_parts[0]["path"].endswith("CXR1-0.png")
    assert len(record["messages"][0]["content"]) == 3
