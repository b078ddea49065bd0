"""finetune: GPU checks before loading, out-of-memory messages, progress events."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from gpu_runner.cli import build_stage_parser
from gpu_runner.errors import ExitCode, StageError
from gpu_runner.events import EventEmitter
from gpu_runner.model.loading import out_of_memory_as_stage_error
from gpu_runner.model.training import EventsCallback
from gpu_runner.stages import finetune


def emitter(tmp_path: Path) -> EventEmitter:
    return EventEmitter("finetune", events_path=tmp_path / "events.jsonl")


def read_events(tmp_path: Path) -> list[dict]:
    path = tmp_path / "events.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_rejects_gpu_without_bf16(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: False)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *args: "Tesla T4")
    args = build_stage_parser("finetune").parse_args(["--out", str(tmp_path / "run")])
    # No prepared data exists, so reaching the data would fail with exit 2 instead.
    with pytest.raises(StageError) as raised:
        finetune.run(args, emitter(tmp_path))
    assert raised.value.exit_code == ExitCode.ENVIRONMENT
    assert raised.value.code == "no_bf16"
    assert "Tesla T4" in raised.value.message
    assert "A100" in raised.value.hint
    assert read_events(tmp_path) == []


def test_rejects_missing_gpu(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    args = build_stage_parser("finetune").parse_args(["--out", str(tmp_path / "run")])
    with pytest.raises(StageError) as raised:
        finetune.run(args, emitter(tmp_path))
    assert raised.value.exit_code == ExitCode.ENVIRONMENT
    assert raised.value.code == "no_gpu"
    assert "--smoke" in raised.value.hint


def test_smoke_skips_gpu_check(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    args = build_stage_parser("finetune").parse_args(["--out", str(tmp_path / "run"), "--smoke"])
    with pytest.raises(StageError) as raised:
        finetune.run(args, emitter(tmp_path))
    assert raised.value.code == "missing_input"
    assert raised.value.exit_code == ExitCode.USAGE


def test_out_of_memory_becomes_stage_error() -> None:
    with pytest.raises(StageError) as raised:
        with out_of_memory_as_stage_error(finetune.OOM_HINT):
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    assert raised.value.code == "cuda_oom"
    assert raised.value.exit_code == ExitCode.FAILURE
    for flag in ("--batch-size", "--grad-accum"):
        assert flag in raised.value.hint


def test_other_errors_pass_through() -> None:
    with pytest.raises(RuntimeError, match="shape mismatch"):
        with out_of_memory_as_stage_error(finetune.OOM_HINT):
            raise RuntimeError("shape mismatch")


def test_course_defaults() -> None:
    args = build_stage_parser("finetune").parse_args([])
    finetune.resolve_defaults(args)
    assert (args.epochs, args.batch_size, args.grad_accum, args.lr) == (0.25, 8, 2, 2e-4)
    assert (args.image_size, args.images_per_sample) == (896, 1)
    assert (args.lora_r, args.lora_alpha, args.lora_dropout, args.target_modules) == (16, 16, 0.05, "all-linear")
    assert args.seed == 42
    assert args.max_steps is None


def test_course_step_count() -> None:
    args = build_stage_parser("finetune").parse_args([])
    finetune.resolve_defaults(args)
    # 7,797 training rows, batch 8 x accumulation 2, 0.25 epochs: the course's 122 steps.
    assert finetune.planned_steps(args, 7797) == 122


def test_callback_sends_progress_and_eval(tmp_path: Path) -> None:
    clock = iter([100.0, 110.0])
    callback = EventsCallback(emitter(tmp_path), clock=lambda: next(clock))
    state = SimpleNamespace(global_step=0, max_steps=10, epoch=0.0)
    callback.on_train_begin(None, state, None)
    state.global_step, state.epoch = 2, 0.05
    callback.on_log(None, state, None, logs={"loss": 1.5, "learning_rate": 2e-4, "epoch": 0.05})
    callback.on_log(None, state, None, logs={"eval_loss": 0.7})
    progress, metric = read_events(tmp_path)
    assert progress["kind"] == "progress"
    assert (progress["step"], progress["total"], progress["loss"], progress["lr"]) == (2, 10, 1.5, 2e-4)
    # 10 s for 2 steps, 8 steps left.
    assert progress["eta_s"] == 40.0
    assert metric == {**metric, "kind": "metric", "name": "eval_loss", "value": 0.7, "split": "validation"}


def test_callback_nan_loss_is_null(tmp_path: Path) -> None:
    callback = EventsCallback(emitter(tmp_path))
    state = SimpleNamespace(global_step=1, max_steps=4, epoch=0.1)
    callback.on_log(None, state, None, logs={"loss": float("nan"), "learning_rate": 1e-4})
    (event,) = read_events(tmp_path)
    assert event["loss"] is None
    assert event["nonfinite"] == ["loss"]


def remove_outputs(out: Path) -> None:
    """Delete the adapter and summary, as a run that stopped after its last checkpoint leaves it."""
    import shutil

    shutil.rmtree(out / "finetune" / "adapter")
    (out / "finetune" / "train_summary.json").unlink()


SMOKE_TRAINING = ("--smoke", "--max-steps", "4", "--save-steps", "2", "--eval-steps", "0")


def trained_steps(result) -> list[int]:
    return [event["step"] for event in result.events if event["kind"] == "progress" and "loss" in event]


def progress_messages(result) -> list[str]:
    return [event.get("message", "") for event in result.events if event["kind"] == "progress"]


def test_rerun_resumes_from_checkpoint(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert run_cli("prepare", "--out", str(out), "--smoke").returncode == 0
    first = run_cli("finetune", "--out", str(out), *SMOKE_TRAINING)
    assert first.returncode == 0, first.stderr
    assert (out / "finetune" / "checkpoints" / "checkpoint-2").is_dir()
    # Leave the folder as a run stopped between checkpoint-2 and checkpoint-4 leaves it.
    import shutil

    shutil.rmtree(out / "finetune" / "checkpoints" / "checkpoint-4")
    remove_outputs(out)

    resumed = run_cli("finetune", "--out", str(out), *SMOKE_TRAINING)
    assert resumed.returncode == 0, resumed.stderr
    messages = progress_messages(resumed)
    assert any(message.startswith("resuming from") and message.endswith("checkpoint-2") for message in messages)
    assert trained_steps(resumed) == [3, 4]
    summary = json.loads((out / "finetune" / "train_summary.json").read_text())
    assert summary["steps"] == 4
    assert summary["resumed_from"].endswith("checkpoint-2")

    remove_outputs(out)
    finished = run_cli("finetune", "--out", str(out), *SMOKE_TRAINING)
    assert finished.returncode == 0, finished.stderr
    assert not [event for event in finished.events if event["kind"] == "progress" and "loss" in event]
    assert (out / "finetune" / "adapter" / "adapter_model.safetensors").is_file()
    assert json.loads((out / "finetune" / "train_summary.json").read_text())["steps"] == 4


def test_same_settings_reuse_changed_retrain(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert run_cli("prepare", "--out", str(out), "--smoke").returncode == 0
    assert run_cli("finetune", "--out", str(out), *SMOKE_TRAINING).returncode == 0
    old_adapter = (out / "finetune" / "adapter" / "adapter_model.safetensors").read_bytes()

    # Logging and data-loader options do not change the weights, so the adapter is reused.
    again = run_cli("finetune", "--out", str(out), *SMOKE_TRAINING, "--logging-steps", "2", "--data-workers", "1")

    assert again.returncode == 0, again.stderr
    assert trained_steps(again) == []
    assert "trained with the same model, data and options" in again.events[-1]["message"]
    assert (out / "finetune" / "adapter" / "adapter_model.safetensors").read_bytes() == old_adapter
    assert not list(out.glob("finetune.replaced-*"))

    changed = run_cli("finetune", "--out", str(out), *SMOKE_TRAINING, "--lr", "1e-3", "--lora-r", "4")

    assert changed.returncode == 0, changed.stderr
    assert trained_steps(changed) == [1, 2, 3, 4]
    (moved,) = [message for message in progress_messages(changed) if "other settings" in message]
    assert "training.lr 0.0002 -> 0.001" in moved
    assert "training.lora.r 16 -> 4" in moved
    (replaced,) = out.glob("finetune.replaced-*")
    assert str(replaced) in moved
    assert str(replaced) in changed.events[-1]["message"]
    assert (replaced / "adapter" / "adapter_model.safetensors").read_bytes() == old_adapter
    settings = json.loads((out / "finetune" / "settings.json").read_text())
    assert settings["training"]["lr"] == 1e-3
    assert settings["training"]["lora"]["r"] == 4
    summary = json.loads((out / "finetune" / "train_summary.json").read_text())
    assert summary["settings"]["lr"] == 1e-3
    assert summary["settings"]["lora"]["r"] == 4


def test_checkpoint_with_other_options_not_resumed(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert run_cli("prepare", "--out", str(out), "--smoke").returncode == 0
    assert run_cli("finetune", "--out", str(out), *SMOKE_TRAINING).returncode == 0
    remove_outputs(out)

    changed = run_cli("finetune", "--out", str(out), *SMOKE_TRAINING, "--lora-alpha", "32")

    assert changed.returncode == 0, changed.stderr
    reused = [message for message in progress_messages(changed) if message.startswith(("resuming", "training"))]
    assert reused == []
    assert trained_steps(changed) == [1, 2, 3, 4]
    assert json.loads((out / "finetune" / "train_summary.json").read_text())["resumed_from"] is None
    (replaced,) = out.glob("finetune.replaced-*")
    assert (replaced / "checkpoints" / "checkpoint-4").is_dir()


def test_unknown_or_changed_data_retrain(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert run_cli("prepare", "--out", str(out), "--smoke").returncode == 0
    assert run_cli("finetune", "--out", str(out), *SMOKE_TRAINING).returncode == 0
    (out / "finetune" / "settings.json").unlink()

    unknown = run_cli("finetune", "--out", str(out), *SMOKE_TRAINING)

    assert unknown.returncode == 0, unknown.stderr
    assert any("options of those outputs are unknown" in message for message in progress_messages(unknown))
    assert trained_steps(unknown) == [1, 2, 3, 4]
    assert len(list(out.glob("finetune.replaced-*"))) == 1

    records = (out / "data" / "train.jsonl").read_text().splitlines()
    (out / "data" / "train.jsonl").write_text("\n".join(records[:-1]) + "\n")

    changed = run_cli("finetune", "--out", str(out), *SMOKE_TRAINING)

    assert changed.returncode == 0, changed.stderr
    assert any("train.jsonl changed" in message for message in progress_messages(changed))
    assert trained_steps(changed) == [1, 2, 3, 4]
    assert len(list(out.glob("finetune.replaced-*"))) == 2


def test_too_long_records_fail_before_training(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert run_cli("prepare", "--out", str(out), "--smoke").returncode == 0
    result = run_cli("finetune", "--out", str(out), "--smoke", "--max-length", "40", "--data-workers", "2")
    assert result.returncode == 2
    error = result.events[-1]
    assert error["kind"] == "error"
    assert error["code"] == "sequence_too_long"
    assert "--max-length" in error["hint"]
    assert not [event for event in result.events if event["kind"] == "progress"]
    assert not (out / "finetune" / "checkpoints").exists()
