"""Option values are range-checked at parse time and rejected as usage errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import read_events

from gpu_runner import cli
from gpu_runner.events import EVENTS_PATH_ENV


@pytest.fixture
def events_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "events.jsonl"
    monkeypatch.setenv(EVENTS_PATH_ENV, str(path))
    return path


BAD_VALUES = [
    ("prepare", "--seed", "-1", "from 0 to 4294967295"),
    ("prepare", "--seed", "4294967296", "from 0 to 4294967295"),
    ("prepare", "--seed", "abc", "from 0 to 4294967295"),
    ("prepare", "--repo", "", "must not be empty"),
    ("prepare", "--revision", " ", "must not be empty"),
    ("prepare", "--source", "", "must not be empty"),
    ("finetune", "--lr", "nan", "finite number above 0"),
    ("finetune", "--lr", "inf", "finite number above 0"),
    ("finetune", "--lr", "0", "finite number above 0"),
    ("finetune", "--lr", "-1e-4", "finite number above 0"),
    ("finetune", "--epochs", "0", "finite number above 0"),
    ("finetune", "--epochs", "-1", "finite number above 0"),
    ("finetune", "--lora-dropout", "2", "from 0 up to but not including 1"),
    ("finetune", "--lora-dropout", "1", "from 0 up to but not including 1"),
    ("finetune", "--lora-dropout", "-0.1", "from 0 up to but not including 1"),
    ("finetune", "--lora-dropout", "nan", "from 0 up to but not including 1"),
    ("finetune", "--max-steps", "0", "at least 1"),
    ("finetune", "--max-steps", "-5", "at least 1"),
    ("finetune", "--image-size", "0", "from 1 to 4096"),
    ("finetune", "--image-size", "100000", "from 1 to 4096"),
    ("finetune", "--batch-size", "0", "at least 1"),
    ("finetune", "--grad-accum", "0", "at least 1"),
    ("finetune", "--lora-r", "0", "at least 1"),
    ("finetune", "--lora-alpha", "0", "at least 1"),
    ("finetune", "--images-per-sample", "0", "at least 1"),
    ("finetune", "--max-length", "0", "at least 1"),
    ("finetune", "--eval-steps", "-1", "at least 0"),
    ("finetune", "--eval-samples", "0", "at least 1"),
    ("finetune", "--save-steps", "0", "at least 1"),
    ("finetune", "--logging-steps", "0", "at least 1"),
    ("finetune", "--data-workers", "-1", "at least 0"),
    ("finetune", "--model", "", "must not be empty"),
    ("finetune", "--target-modules", "", "must not be empty"),
    ("finetune", "--optim", "", "must not be empty"),
    ("finetune", "--optim", "adamw_bogus", "unknown optimizer 'adamw_bogus'; choose one of adamw_torch"),
    ("infer", "--samples", "0", "at least 1"),
    ("infer", "--batch-size", "0", "at least 1"),
    ("infer", "--max-new-tokens", "0", "at least 1"),
    ("infer", "--image-size", "-3", "from 1 to 4096"),
    ("infer", "--images-per-sample", "0", "at least 1"),
    ("infer", "--adapter", "", "must not be empty"),
    ("evaluate", "--batch-size", "0", "at least 1"),
    ("evaluate", "--crimson-max-new-tokens", "0", "at least 1"),
    ("evaluate", "--green-model", "", "must not be empty"),
    ("evaluate", "--judge-model", "/nonexistent-judge", "folder not found"),
]


@pytest.mark.parametrize(("stage", "option", "value", "allowed"), BAD_VALUES)
def test_bad_value_is_usage_error(
    events_path: Path, tmp_path: Path, stage: str, option: str, value: str, allowed: str
) -> None:
    exit_code = cli.main([stage, "--out", str(tmp_path / "run"), f"{option}={value}"])

    assert exit_code == 2
    (error,) = read_events(events_path)
    assert error["kind"] == "error"
    assert error["code"] == "usage"
    assert error["message"].startswith(f"argument {option}: ")
    assert allowed in error["message"]
    assert not (tmp_path / "run").exists()


GOOD_VALUES = [
    ("finetune", "--lr", "1e-3", "lr", 1e-3),
    ("finetune", "--lora-dropout", "0", "lora_dropout", 0.0),
    ("finetune", "--epochs", "0.5", "epochs", 0.5),
    ("finetune", "--eval-steps", "0", "eval_steps", 0),
    ("finetune", "--data-workers", "0", "data_workers", 0),
    ("finetune", "--image-size", "4096", "image_size", 4096),
    ("prepare", "--seed", "4294967295", "seed", 4294967295),
    ("finetune", "--optim", "paged_adamw_8bit", "optim", "paged_adamw_8bit"),
]


@pytest.mark.parametrize(("stage", "option", "value", "name", "expected"), GOOD_VALUES)
def test_edge_values_are_accepted(stage: str, option: str, value: str, name: str, expected: object) -> None:
    args = cli.build_stage_parser(stage).parse_args([option, value])

    assert getattr(args, name) == expected


def test_finetune_bad_value_in_subprocess(run_cli) -> None:
    result = run_cli("finetune", "--smoke", "--lr", "nan")

    assert result.returncode == 2
    assert "argument --lr: must be a finite number above 0, got 'nan'" in result.stderr
    assert "This is a bug" not in result.stderr
    assert "Traceback" not in result.stderr
