"""The smoke pipeline end to end on the CPU: prepare, finetune, infer, evaluate.

The tests share one run folder and build on each other in file order, as a user
runs the stages one after another.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gpu_runner.stages.evaluate import SMOKE_REASON


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("smoke") / "run"


def test_smoke_pipeline(run_cli, smoke_run: Path) -> None:
    out = str(smoke_run)
    assert run_cli("prepare", "--out", out, "--smoke").returncode == 0

    trained = run_cli("finetune", "--out", out, "--smoke")
    assert trained.returncode == 0, trained.stderr
    progress = [event for event in trained.events if event["kind"] == "progress" and event.get("loss") is not None]
    assert [event["step"] for event in progress] == [1, 2, 3, 4]
    assert all(event["total"] == 4 for event in progress)
    assert any(event["kind"] == "metric" and event["name"] == "eval_loss" for event in trained.events)
    assert (smoke_run / "finetune" / "adapter" / "adapter_config.json").is_file()
    summary = json.loads((smoke_run / "finetune" / "train_summary.json").read_text())
    assert summary["steps"] == 4
    assert summary["settings"]["lora"]["r"] == 16

    inferred = run_cli(
        "infer", "--out", out, "--smoke", "--samples", "6", "--batch-size", "3", "--max-new-tokens", "12"
    )
    assert inferred.returncode == 0, inferred.stderr
    rows = read_jsonl(smoke_run / "infer" / "predictions.jsonl")
    assert len(rows) == 6
    for row in rows:
        assert set(row) == {"id", "image", "question", "reference", "base", "finetuned"}
        assert isinstance(row["base"], str) and isinstance(row["finetuned"], str)
        assert Path(row["image"]).is_file()
    steps = [event["step"] for event in inferred.events if event["kind"] == "progress"]
    assert steps == [3, 6, 9, 12]

    evaluated = run_cli("evaluate", "--out", out, "--smoke")
    assert evaluated.returncode == 0, evaluated.stderr
    scores = json.loads((smoke_run / "evaluate" / "scores.json").read_text())
    for metric in ("green", "crimson"):
        assert scores["judges"][metric]["ran"] is False
        assert scores["judges"][metric]["reason"] == SMOKE_REASON
        for model in ("base", "finetuned"):
            assert scores["metrics"][metric][model]["mean"] is None
    assert read_jsonl(smoke_run / "evaluate" / "details.jsonl") == []
    assert not [event for event in evaluated.events if event["kind"] == "metric"]


def test_reruns_skip_finished_work(run_cli, smoke_run: Path) -> None:
    out = str(smoke_run)
    before = (smoke_run / "infer" / "predictions.jsonl").read_text()

    trained = run_cli("finetune", "--out", out, "--smoke")
    assert trained.returncode == 0
    assert "nothing to do" in trained.events[0]["message"]

    inferred = run_cli("infer", "--out", out, "--smoke", "--samples", "6", "--max-new-tokens", "12")
    assert inferred.returncode == 0
    assert not [event for event in inferred.events if event["kind"] == "progress"]
    assert (smoke_run / "infer" / "predictions.jsonl").read_text() == before


def test_infer_resumes_missing_answers(run_cli, smoke_run: Path) -> None:
    path = smoke_run / "infer" / "predictions.jsonl"
    rows = read_jsonl(path)
    rows[0]["finetuned"] = None
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))

    inferred = run_cli("infer", "--out", str(smoke_run), "--smoke", "--samples", "6", "--max-new-tokens", "12")
    assert inferred.returncode == 0
    progress = [event for event in inferred.events if event["kind"] == "progress"]
    assert [event["step"] for event in progress] == [12]
    assert read_jsonl(path)[0]["finetuned"] is not None


def test_evaluate_with_local_judge_counts_parse_failures(run_cli, smoke_run: Path) -> None:
    judged = run_cli(
        "evaluate",
        "--out",
        str(smoke_run),
        "--smoke",
        "--metrics",
        "crimson",
        "--judge-model",
        str(smoke_run / "smoke-model"),
        "--crimson-max-new-tokens",
        "8",
    )
    assert judged.returncode == 0, judged.stderr
    scores = json.loads((smoke_run / "evaluate" / "scores.json").read_text())
    assert scores["judges"]["crimson"]["ran"] is True
    details = read_jsonl(smoke_run / "evaluate" / "details.jsonl")
    assert len(details) == 12
    # Eight random tokens are not CRIMSON JSON: every output is a parse failure, none a score.
    assert all(row["score"] is None and row["parse_error"] for row in details)
    assert scores["metrics"]["crimson"]["base"] == {"mean": None, "n": 0, "parse_failures": 6}


def test_infer_without_adapter_fails(run_cli, tmp_path: Path) -> None:
    result = run_cli("infer", "--out", str(tmp_path / "empty"), "--smoke")
    assert result.returncode == 2
    assert result.events[-1]["kind"] == "error"
    assert "finetune" in result.events[-1]["hint"]


def test_evaluate_rejudges_changed_answer(run_cli, smoke_run: Path) -> None:
    arguments = (
        "evaluate",
        "--out",
        str(smoke_run),
        "--smoke",
        "--metrics",
        "crimson",
        "--judge-model",
        str(smoke_run / "smoke-model"),
        "--crimson-max-new-tokens",
        "8",
    )
    unchanged = run_cli(*arguments)
    assert unchanged.returncode == 0
    assert not [event for event in unchanged.events if event["kind"] == "progress"]

    path = smoke_run / "infer" / "predictions.jsonl"
    rows = read_jsonl(path)
    rows[0]["base"] = "A different answer."
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    changed = run_cli(*arguments)
    assert changed.returncode == 0
    assert [event["step"] for event in changed.events if event["kind"] == "progress"] == [12]
    assert len(read_jsonl(smoke_run / "evaluate" / "details.jsonl")) == 12


def test_infer_redoes_answers_after_setting_change(run_cli, smoke_run: Path) -> None:
    changed = run_cli("infer", "--out", str(smoke_run), "--smoke", "--samples", "6", "--max-new-tokens", "5")
    assert changed.returncode == 0
    steps = [event["step"] for event in changed.events if event["kind"] == "progress"]
    assert steps[-1] == 12
    assert len(steps) == 2
    settings = json.loads((smoke_run / "infer" / "settings.json").read_text())
    assert settings["base"]["max_new_tokens"] == 5
