"""Layout of a run folder (`--out`), shared by all stages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_OUT = "./mllm-course-out"


@dataclass(frozen=True)
class RunPaths:
    """Every file and folder that a stage reads or writes under the run folder."""

    root: Path

    @classmethod
    def from_out(cls, out: str | Path) -> RunPaths:
        return cls(Path(out).expanduser().resolve())

    # prepare
    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def train_jsonl(self) -> Path:
        return self.data_dir / "train.jsonl"

    @property
    def validation_jsonl(self) -> Path:
        return self.data_dir / "validation.jsonl"

    @property
    def data_summary(self) -> Path:
        return self.data_dir / "summary.json"

    @property
    def dataset_dir(self) -> Path:
        """Download folder of the Hub dataset (kept between runs, so downloads resume)."""
        return self.root / "dataset"

    @property
    def smoke_source(self) -> Path:
        return self.root / "smoke-source"

    # finetune
    @property
    def finetune_dir(self) -> Path:
        return self.root / "finetune"

    @property
    def checkpoints_dir(self) -> Path:
        return self.finetune_dir / "checkpoints"

    @property
    def adapter_dir(self) -> Path:
        return self.finetune_dir / "adapter"

    @property
    def train_summary(self) -> Path:
        return self.finetune_dir / "train_summary.json"

    @property
    def finetune_settings(self) -> Path:
        """Settings the adapter and checkpoints were trained with, written before training."""
        return self.finetune_dir / "settings.json"

    # infer
    @property
    def infer_dir(self) -> Path:
        return self.root / "infer"

    @property
    def predictions(self) -> Path:
        return self.infer_dir / "predictions.jsonl"

    # evaluate
    @property
    def evaluate_dir(self) -> Path:
        return self.root / "evaluate"

    @property
    def scores(self) -> Path:
        return self.evaluate_dir / "scores.json"

    @property
    def details(self) -> Path:
        return self.evaluate_dir / "details.jsonl"
