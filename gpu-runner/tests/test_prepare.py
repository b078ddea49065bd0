from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CliResult, flare_row

from gpu_runner.data.flare import read_question_file
from gpu_runner.data.smoke import SECTIONS
from gpu_runner.errors import StageError

RunCli = Callable[..., CliResult]
FolderFactory = Callable[..., Path]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def kinds(result: CliResult) -> list[str]:
    return [event["kind"] for event in result.events]


def test_smoke_prepare_writes_records(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "out"

    result = run_cli("prepare", "--out", str(out), "--smoke")

    assert result.returncode == 0, result.stderr
    assert kinds(result)[0] == "start"
    assert kinds(result)[-1] == "done"
    assert "progress" in kinds(result)
    artifacts = {event["label"]: event["path"] for event in result.events if event["kind"] == "artifact"}
    assert artifacts == {
        "training records": str(out / "data" / "train.jsonl"),
        "validation records": str(out / "data" / "validation.jsonl"),
        "data summary": str(out / "data" / "summary.json"),
    }

    summary = json.loads((out / "data" / "summary.json").read_text())
    assert (summary["train"]["rows"], summary["train"]["studies"], summary["train"]["images_missing"]) == (32, 8, 0)
    assert (summary["validation"]["rows"], summary["validation"]["studies"]) == (20, 5)
    assert summary["smoke"] is True

    source = out / "smoke-source"
    assert (source / "training" / "Xray" / "IU_XRay" / "imagesTr.zip").is_file()
    assert (source / "training" / "Xray" / "IU_XRay" / "IU_XRay_questions_train.json").is_file()
    assert (source / "validation-public" / "Xray" / "IU_XRay" / "imagesVal.zip").is_file()
    assert (source / "validation-public" / "Xray" / "IU_XRay" / "IU_XRay_all_val.json").is_file()

    validation = read_jsonl(out / "data" / "validation.jsonl")
    for record in validation:
        assert Path(record["images"][0]).name.endswith("-0.png")
        assert all(Path(path).is_file() for path in record["images"])
    normal = {answer for content in SECTIONS.values() for answer in content["normal"]}
    answers = [record["answer"] for record in validation]
    assert any(answer in normal for answer in answers)
    assert any(answer not in normal for answer in answers)
    assert {len(record["images"]) for record in validation} == {1, 2}


def test_smoke_source_rows_follow_the_flare_schema(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("prepare", "--out", str(out), "--smoke").returncode == 0

    rows = json.loads((out / "smoke-source" / "validation-public" / "Xray" / "IU_XRay" / "IU_XRay_all_val.json").read_text())

    assert len(rows) >= 16
    assert all(set(row) == {"TaskType", "Modality", "ImageName", "Question", "Answer", "Split"} for row in rows)
    assert any(isinstance(row["ImageName"], str) for row in rows)
    assert sum(isinstance(row["ImageName"], list) for row in rows) > len(rows) / 2


def test_smoke_data_depends_only_on_seed(run_cli: RunCli, tmp_path: Path) -> None:
    def answers(out: Path) -> list[str]:
        return [record["answer"] for record in read_jsonl(out / "data" / "train.jsonl")]

    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        assert run_cli("prepare", "--out", str(tmp_path / name), "--smoke", "--seed", seed).returncode == 0

    assert answers(tmp_path / "a") == answers(tmp_path / "b")
    assert answers(tmp_path / "a") != answers(tmp_path / "c")
    zip_a = (tmp_path / "a" / "smoke-source" / "training" / "Xray" / "IU_XRay" / "imagesTr.zip").read_bytes()
    zip_b = (tmp_path / "b" / "smoke-source" / "training" / "Xray" / "IU_XRay" / "imagesTr.zip").read_bytes()
    assert zip_a == zip_b


def test_rerun_with_same_inputs_skips(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("prepare", "--out", str(out), "--smoke").returncode == 0
    train = out / "data" / "train.jsonl"
    written_at = train.stat().st_mtime_ns

    again = run_cli("prepare", "--out", str(out), "--smoke")

    assert again.returncode == 0
    assert kinds(again) == ["start", "progress", "done"]
    assert "up to date" in again.events[-1]["message"]
    assert train.stat().st_mtime_ns == written_at


def test_rerun_after_question_file_change_rebuilds(
    run_cli: RunCli, flare_folder: FolderFactory, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    rows = [flare_row(["images/CXR1-0.png", "images/CXR1-1.png"], f"Q{index}?") for index in range(4)]
    train_folder = flare_folder("training", "IU_XRay_all_train.json", rows)
    flare_folder("validation-public", "IU_XRay_all_val.json", rows)
    out = tmp_path / "out"
    assert run_cli("prepare", "--out", str(out), "--source", str(source)).returncode == 0

    (train_folder / "IU_XRay_all_train.json").write_text(json.dumps(rows[:2]), encoding="utf-8")
    again = run_cli("prepare", "--out", str(out), "--source", str(source))

    assert again.returncode == 0
    assert "artifact" in kinds(again)
    assert len(read_jsonl(out / "data" / "train.jsonl")) == 2


def test_source_with_image_folders_and_missing_image(
    run_cli: RunCli, flare_folder: FolderFactory, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    train_rows = [flare_row(["imagesTr/CXR1-0.png", "imagesTr/CXR1-1.png"], f"Q{index}?") for index in range(4)]
    flare_folder("training", "IU_XRay_all_train.json", train_rows)
    val_rows = [
        flare_row("imagesVal/CXR2-0.png", "Heart?", split="val"),
        flare_row("imagesVal/CXR3-0.png", "Lungs?", split="val"),
    ]
    val_folder = flare_folder("validation-public", "IU_XRay_all_val.json", val_rows, images=["imagesVal/CXR2-0.png"])
    out = tmp_path / "out"

    result = run_cli("prepare", "--out", str(out), "--source", str(source))

    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "data" / "summary.json").read_text())
    assert summary["validation"]["rows"] == 1
    assert summary["validation"]["images_missing"] == 1
    missing = str(val_folder.resolve() / "imagesVal" / "CXR3-0.png")
    assert summary["validation"]["missing_image_examples"] == [missing]
    assert any(missing in event.get("message", "") for event in result.events if event["kind"] == "progress")
    assert summary["repo"] is None


def test_strict_images_fails_on_missing_image(
    run_cli: RunCli, flare_folder: FolderFactory, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    flare_folder("training", "IU_XRay_all_train.json", [flare_row(["imagesTr/CXR1-0.png"])])
    flare_folder("validation-public", "IU_XRay_all_val.json", [flare_row("imagesVal/CXR2-0.png")], images=[])
    out = tmp_path / "out"

    result = run_cli("prepare", "--out", str(out), "--source", str(source), "--strict-images")

    assert result.returncode == 2
    error = result.events[-1]
    assert error["kind"] == "error"
    assert error["code"] == "missing_image"
    assert "CXR2-0.png" in error["message"]
    assert "error: " in result.stderr
    assert "hint: " in result.stderr
    assert not (out / "data" / "summary.json").exists()


def test_missing_source_folder_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("prepare", "--out", str(tmp_path / "out"), "--source", str(tmp_path / "nowhere"))

    assert result.returncode == 2
    assert result.events[-1]["code"] == "missing_folder"
    assert str(tmp_path / "nowhere") in result.events[-1]["message"]


def test_source_file_is_not_a_folder(run_cli: RunCli, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "passwd"
    not_a_folder.write_text("root:x:0:0::/root:/bin/sh\n")

    result = run_cli("prepare", "--out", str(tmp_path / "out"), "--source", str(not_a_folder))

    assert result.returncode == 2
    error = result.events[-1]
    assert error["message"] == f"--source {not_a_folder} is a file, not a folder"
    assert "not found" not in error["message"]


def test_strict_images_hint_for_source_copy(run_cli: RunCli, flare_folder: FolderFactory, tmp_path: Path) -> None:
    source = tmp_path / "source"
    flare_folder("training", "IU_XRay_all_train.json", [flare_row(["imagesTr/CXR1-0.png"])])
    flare_folder("validation-public", "IU_XRay_all_val.json", [flare_row("imagesVal/CXR2-0.png")], images=[])

    result = run_cli("prepare", "--out", str(tmp_path / "out"), "--source", str(source), "--strict-images")

    hint = result.events[-1]["hint"]
    assert f"The copy in --source {source} is incomplete" in hint
    assert "run prepare without --source to download it" in hint
    assert "run prepare again" not in hint


def test_damaged_source_file_hint(run_cli: RunCli, flare_folder: FolderFactory, tmp_path: Path) -> None:
    source = tmp_path / "source"
    flare_folder("training", "IU_XRay_all_train.json", [flare_row(["imagesTr/CXR1-0.png"])])
    val_folder = flare_folder("validation-public", "IU_XRay_all_val.json", [flare_row("imagesVal/CXR2-0.png")])
    (val_folder / "IU_XRay_all_val.json").write_text('[{"TaskType": ')

    result = run_cli("prepare", "--out", str(tmp_path / "out"), "--source", str(source))

    assert result.returncode == 2
    error = result.events[-1]
    assert error["code"] == "bad_json"
    assert "Copy it again from the original dataset into the --source folder" in error["hint"]
    assert "run prepare again to download it" not in error["hint"]


def test_damaged_source_zip_hint(run_cli: RunCli, flare_folder: FolderFactory, tmp_path: Path) -> None:
    source = tmp_path / "source"
    train_folder = flare_folder("training", "IU_XRay_all_train.json", [flare_row(["imagesTr/CXR1-0.png"])])
    flare_folder("validation-public", "IU_XRay_all_val.json", [flare_row("imagesVal/CXR2-0.png")])
    (train_folder / "imagesTr.zip").write_bytes(b"PK\x03\x04 cut short")

    result = run_cli("prepare", "--out", str(tmp_path / "out"), "--source", str(source))

    assert result.returncode == 2
    error = result.events[-1]
    assert error["code"] == "bad_archive"
    assert "Copy it again from the original dataset into the --source folder" in error["hint"]
    assert "run prepare again to download it" not in error["hint"]


def test_damaged_download_keeps_download_hint(tmp_path: Path) -> None:
    path = tmp_path / "IU_XRay_all_train.json"
    path.write_text("[1, 2")

    with pytest.raises(StageError) as raised:
        read_question_file(path)

    assert raised.value.hint == "The file is damaged or incomplete. Delete it and run prepare again to download it."


def test_smoke_and_source_together_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("prepare", "--out", str(tmp_path / "out"), "--smoke", "--source", str(tmp_path))

    assert result.returncode == 2
    assert result.events[-1]["kind"] == "error"


def test_prepare_runs_without_torch(run_cli: RunCli, tmp_path: Path) -> None:
    # Setting sys.modules["torch"] to None makes every `import torch` raise ImportError.
    block_torch = [
        "-c",
        "import sys; sys.modules['torch'] = None; from gpu_runner.cli import main; sys.exit(main(sys.argv[1:]))",
    ]

    result = run_cli("prepare", "--out", str(tmp_path / "out"), "--smoke", python_prefix=block_torch)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "data" / "train.jsonl").is_file()
