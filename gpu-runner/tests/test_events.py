from __future__ import annotations

import io
import itertools
import math
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import read_events, strict_json_loads

from gpu_runner.events import EVENTS_PATH_ENV, EventEmitter, Sequence, encode_event


def make_emitter(path: Path | None, stderr: io.StringIO | None = None, stage: str = "finetune") -> EventEmitter:
    ticks = itertools.count(1000)
    return EventEmitter(stage, events_path=path, stderr=stderr, sequence=Sequence(), clock=lambda: float(next(ticks)))


def test_events_file_has_one_json_object_per_line(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with make_emitter(path) as events:
        events.start("training", total=10)
        events.progress(1, 10, loss=0.5, lr=2e-4, eta_s=12.0, epoch=0.1)
        events.metric("green", 0.8, model="base", split="validation")
        events.artifact(tmp_path / "adapter", "adapter")
        events.done("finished")
        events.error("failed", hint="retry", code="oom")

    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6
    parsed = [strict_json_loads(line) for line in lines]
    assert [event["kind"] for event in parsed] == ["start", "progress", "metric", "artifact", "done", "error"]
    for event in parsed:
        assert event["v"] == 1
        assert event["stage"] == "finetune"
        assert isinstance(event["ts"], float)


def test_seq_starts_at_one_and_increases(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    events = make_emitter(path)
    for step in range(1, 6):
        events.progress(step, 5)
    events.close()

    assert [event["seq"] for event in read_events(path)] == [1, 2, 3, 4, 5]


def test_seq_is_shared_between_emitters(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    sequence = Sequence()
    first = EventEmitter("prepare", events_path=path, sequence=sequence)
    second = EventEmitter("finetune", events_path=path, sequence=sequence)
    first.start("a")
    second.start("b")
    first.done("a")
    first.close()
    second.close()

    assert [(event["stage"], event["seq"]) for event in read_events(path)] == [
        ("prepare", 1),
        ("finetune", 2),
        ("prepare", 3),
    ]


def test_nan_loss_is_null_and_listed(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with make_emitter(path) as events:
        events.progress(3, 10, loss=math.nan, lr=1e-4)

    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text
    event = strict_json_loads(text)
    assert event["loss"] is None
    assert event["lr"] == 1e-4
    assert event["nonfinite"] == ["loss"]


def test_infinities_and_numpy_values_are_null(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with make_emitter(path) as events:
        events.metric("crimson", float("inf"), model="finetuned")
        events.progress(1, 2, loss=np.float32("nan"), eta_s=-math.inf)
        events.emit("metric", name="spread", value={"low": 0.1, "high": math.inf})

    text = path.read_text(encoding="utf-8")
    assert "Infinity" not in text
    assert "NaN" not in text
    metric, progress, nested = read_events(path)
    assert metric["value"] is None
    assert metric["nonfinite"] == ["value"]
    assert progress["loss"] is None
    assert progress["eta_s"] is None
    assert progress["nonfinite"] == ["loss", "eta_s"]
    assert nested["value"] == {"low": 0.1, "high": None}
    assert nested["nonfinite"] == ["value.high"]


def test_finite_numpy_scalar_becomes_number(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with make_emitter(path) as events:
        events.progress(np.int64(4), np.int64(8), loss=np.float64(0.25))

    event = read_events(path)[0]
    assert event["step"] == 4
    assert event["total"] == 8
    assert event["loss"] == 0.25
    assert "nonfinite" not in event


def test_optional_fields_left_out_when_none(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with make_emitter(path) as events:
        events.progress(1, None)
        events.error("broken")

    progress, error = read_events(path)
    assert progress["total"] is None
    assert "loss" not in progress
    assert "message" not in progress
    assert "hint" not in error
    assert "code" not in error


def test_done_reports_elapsed_since_start(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with make_emitter(path) as events:
        events.start("go")
        events.progress(1, 1)
        event = events.done("ok")

    # The fake clock advances one second per reading: start time, start ts, progress ts, then done.
    assert event["elapsed_s"] == 3.0


def test_each_event_is_on_disk_before_close(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    events = make_emitter(path)
    events.start("go")
    assert len(read_events(path)) == 1
    events.progress(1, 2)
    assert len(read_events(path)) == 2
    events.close()


def test_events_are_appended_to_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"v":1,"seq":1,"ts":1.0,"stage":"prepare","kind":"done","message":"x"}\n', encoding="utf-8")
    with make_emitter(path) as events:
        events.start("again")

    assert [event["kind"] for event in read_events(path)] == ["done", "start"]


def test_path_taken_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nested" / "events.jsonl"
    monkeypatch.setenv(EVENTS_PATH_ENV, str(path))
    stderr = io.StringIO()
    with EventEmitter("infer", stderr=stderr, sequence=Sequence()) as events:
        events.start("sampling")

    assert events.writes_file
    assert read_events(path)[0]["message"] == "sampling"
    assert stderr.getvalue() == ""


def test_stderr_lines_without_events_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EVENTS_PATH_ENV, raising=False)
    stderr = io.StringIO()
    events = make_emitter(None, stderr, stage="finetune")
    events.start("training 122 steps")
    events.progress(5, 122, loss=1.25, eta_s=30.4, unit="steps")
    events.metric("green", 0.5, model="base")
    events.error("CUDA out of memory", hint="lower --batch-size")

    assert not events.writes_file
    assert stderr.getvalue().splitlines() == [
        "[finetune] training 122 steps",
        "[finetune] 5/122 steps  loss 1.25  eta 30 s",
        "[finetune] green (base): 0.5",
        "error: CUDA out of memory",
        "hint: lower --batch-size",
    ]


def test_encode_rejects_bare_nan() -> None:
    with pytest.raises(ValueError):
        encode_event({"v": 1, "loss": math.nan})


def test_threads_write_events_in_seq_order(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    events = EventEmitter("prepare", events_path=path, sequence=Sequence())

    def report(worker: int) -> None:
        for step in range(200):
            events.progress(step, 200, unit="bytes", message=f"worker {worker}")

    workers = [threading.Thread(target=report, args=(index,)) for index in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    events.close()

    assert [event["seq"] for event in read_events(path)] == list(range(1, 801))
