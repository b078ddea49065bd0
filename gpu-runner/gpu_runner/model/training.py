"""Trainer callback that reports training as events, and helpers around Trainer."""

from __future__ import annotations

import time
from typing import Any

from transformers import TrainerCallback

from gpu_runner.events import EventEmitter


class EventsCallback(TrainerCallback):
    """Send a progress event at each Trainer log step and a metric event for each evaluation.

    The ETA is the mean time per step since this process started training (or
    resumed it) times the steps left.
    """

    def __init__(self, events: EventEmitter, clock: Any = time.monotonic) -> None:
        self.events = events
        self.clock = clock
        self.started_at: float | None = None
        self.first_step = 0

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.started_at = self.clock()
        self.first_step = state.global_step

    def eta_seconds(self, state: Any) -> float | None:
        steps_done = state.global_step - self.first_step
        if self.started_at is None or steps_done <= 0 or not state.max_steps:
            return None
        seconds_per_step = (self.clock() - self.started_at) / steps_done
        return round(seconds_per_step * max(0, state.max_steps - state.global_step), 1)

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, float] | None = None, **kwargs: Any) -> None:
        logs = logs or {}
        if "eval_loss" in logs:
            self.events.metric("eval_loss", logs["eval_loss"], split="validation")
            return
        if "loss" not in logs:
            return
        self.events.progress(
            state.global_step,
            state.max_steps,
            loss=logs["loss"],
            lr=logs.get("learning_rate"),
            eta_s=self.eta_seconds(state),
            epoch=round(state.epoch, 4) if state.epoch is not None else None,
            unit="steps",
        )


class ListDataset:
    """A map-style dataset over a list of records, for Trainer's DataLoader."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.records[index]
