"""Line protocol that stages use to report progress, metrics, artifacts and errors.

Each event is one JSON object on one line. When the environment variable
MLLM_EVENTS_PATH names a file, events are appended to it and flushed one by one,
so a reader can follow the file while the stage runs. Otherwise each event is
printed as a short human-readable line on stderr. PROTOCOL.md describes the
format for readers.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

PROTOCOL_VERSION = 1
EVENTS_PATH_ENV = "MLLM_EVENTS_PATH"

KINDS = ("start", "progress", "metric", "artifact", "done", "error")


class Sequence:
    """Thread-safe counter for `seq`, starting at 1.

    One instance is shared by every emitter of a process, so that `all`, which runs
    four stages in one process, still numbers its events 1, 2, 3, ...
    """

    def __init__(self) -> None:
        self._counter: Iterator[int] = itertools.count(1)
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            return next(self._counter)


PROCESS_SEQUENCE = Sequence()


def sanitize(value: Any, path: str, nonfinite: list[str]) -> Any:
    """Return `value` with NaN and infinities replaced by None.

    The dotted path of each replaced value is appended to `nonfinite`, so that
    the reader can tell a missing value from one that was not a number.
    """
    if isinstance(value, float) and not math.isfinite(value):
        nonfinite.append(path)
        return None
    if isinstance(value, dict):
        return {key: sanitize(item, f"{path}.{key}", nonfinite) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(item, f"{path}.{index}", nonfinite) for index, item in enumerate(value)]
    return value


def to_json_value(value: Any) -> Any:
    """Convert numpy and torch scalars, and paths, to plain JSON types."""
    if isinstance(value, Path):
        return str(value)
    # numpy.float32, torch.Tensor with one element and friends all have item().
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, (str, bytes, dict, list, tuple)):
        try:
            return item()
        except (TypeError, ValueError):
            return value
    return value


def encode_event(event: dict[str, Any]) -> str:
    """Serialize one event to a JSON line without a trailing newline.

    `allow_nan=False` raises ValueError on any NaN that `sanitize` missed, so a
    bare NaN token can never reach a reader.
    """
    return json.dumps(event, allow_nan=False, ensure_ascii=False, separators=(",", ":"))


class EventEmitter:
    """Sends the events of one stage.

    Optional fields passed as None are left out of the event. Float fields that
    are NaN or infinite are sent as null and named in the event's `nonfinite` list.
    """

    def __init__(
        self,
        stage: str,
        *,
        events_path: str | os.PathLike[str] | None = None,
        stderr: TextIO | None = None,
        sequence: Sequence = PROCESS_SEQUENCE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.stage = stage
        if events_path is None:
            events_path = os.environ.get(EVENTS_PATH_ENV) or None
        self.events_path = Path(events_path) if events_path is not None else None
        self._stderr = stderr
        self._sequence = sequence
        self._clock = clock
        self._stream: TextIO | None = None
        self._started_at: float | None = None
        self._lock = threading.Lock()

    @property
    def writes_file(self) -> bool:
        """Whether events go to the file named by MLLM_EVENTS_PATH rather than to stderr."""
        return self.events_path is not None

    def start(self, message: str, total: int | None = None) -> dict[str, Any]:
        self._started_at = self._clock()
        return self.emit("start", message=message, total=total)

    def progress(
        self,
        step: int,
        total: int | None,
        *,
        loss: float | None = None,
        lr: float | None = None,
        eta_s: float | None = None,
        epoch: float | None = None,
        message: str | None = None,
        unit: str | None = None,
    ) -> dict[str, Any]:
        """Report `step` of `total` (total may be None while it is unknown)."""
        return self.emit(
            "progress",
            step=step,
            total=total,
            loss=loss,
            lr=lr,
            eta_s=eta_s,
            epoch=epoch,
            message=message,
            unit=unit,
            _required=("step", "total"),
        )

    def metric(
        self,
        name: str,
        value: float | None,
        *,
        model: str | None = None,
        split: str | None = None,
    ) -> dict[str, Any]:
        return self.emit("metric", name=name, value=value, model=model, split=split, _required=("value",))

    def artifact(self, path: str | os.PathLike[str], label: str) -> dict[str, Any]:
        return self.emit("artifact", path=str(path), label=label)

    def done(self, message: str, elapsed_s: float | None = None) -> dict[str, Any]:
        """Report success. `elapsed_s` defaults to the time since `start`."""
        if elapsed_s is None and self._started_at is not None:
            elapsed_s = round(self._clock() - self._started_at, 3)
        return self.emit("done", message=message, elapsed_s=elapsed_s)

    def error(self, message: str, hint: str | None = None, code: str | None = None) -> dict[str, Any]:
        return self.emit("error", message=message, hint=hint, code=code)

    def emit(self, kind: str, _required: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
        """Build, send and return one event. Fields in `_required` are kept even when None."""
        body: dict[str, Any] = {}
        nonfinite: list[str] = []
        for name, value in fields.items():
            if value is None and name not in _required:
                continue
            body[name] = sanitize(to_json_value(value), name, nonfinite)
        if nonfinite:
            body["nonfinite"] = nonfinite

        # seq is taken under the lock, so that events from several threads (the download
        # workers report bytes) reach the file in seq order.
        with self._lock:
            event: dict[str, Any] = {
                "v": PROTOCOL_VERSION,
                "seq": self._sequence.next(),
                "ts": round(self._clock(), 3),
                "stage": self.stage,
                "kind": kind,
                **body,
            }
            line = encode_event(event)
            if self.events_path is not None:
                stream = self._open()
                stream.write(line + "\n")
                stream.flush()
            else:
                stream = self._stderr or sys.stderr
                stream.write(format_human(event) + "\n")
                stream.flush()
        return event

    def close(self) -> None:
        with self._lock:
            if self._stream is not None:
                self._stream.close()
                self._stream = None

    def _open(self) -> TextIO:
        if self._stream is None:
            assert self.events_path is not None
            self.events_path.parent.mkdir(parents=True, exist_ok=True)
            # Line buffering plus the explicit flush in emit() puts each event on disk
            # before the next one is built, which the TypeScript runner relies on to tail the file.
            self._stream = open(self.events_path, "a", encoding="utf-8", buffering=1)
        return self._stream

    def __enter__(self) -> EventEmitter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def format_number(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def format_human(event: dict[str, Any]) -> str:
    """Render an event as one line for a person reading stderr."""
    stage = event["stage"]
    kind = event["kind"]
    match kind:
        case "start":
            return f"[{stage}] {event.get('message', 'started')}"
        case "progress":
            total = event.get("total")
            position = f"{event['step']}/{total}" if total is not None else f"{event['step']}"
            if event.get("unit"):
                position += f" {event['unit']}"
            parts = [f"[{stage}] {position}"]
            for name in ("loss", "lr", "epoch"):
                if name in event:
                    parts.append(f"{name} {format_number(event[name])}")
            if event.get("eta_s") is not None:
                parts.append(f"eta {event['eta_s']:.0f} s")
            if event.get("message"):
                parts.append(event["message"])
            return "  ".join(parts)
        case "metric":
            scope = ", ".join(str(event[name]) for name in ("model", "split") if event.get(name))
            scope = f" ({scope})" if scope else ""
            return f"[{stage}] {event['name']}{scope}: {format_number(event['value'])}"
        case "artifact":
            return f"[{stage}] wrote {event['label']}: {event['path']}"
        case "done":
            elapsed = f" ({event['elapsed_s']:.1f} s)" if event.get("elapsed_s") is not None else ""
            return f"[{stage}] done: {event.get('message', '')}{elapsed}"
        case "error":
            line = f"error: {event['message']}"
            if event.get("hint"):
                line += f"\nhint: {event['hint']}"
            return line
        case _:
            return f"[{stage}] {kind}: {json.dumps(event, ensure_ascii=False)}"
