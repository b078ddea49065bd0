#!/usr/bin/env python3
"""Time the smoke pipeline (prepare, finetune, infer, evaluate) stage by stage.

Each stage runs as `python -m gpu_runner <stage> --smoke` in a fresh run folder,
with the python that runs this script, so the figures include process start and
imports as a user sees them. Prints one line per stage and the total.

    python gpu-runner/scripts/bench.py [--out DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
STAGES = ("prepare", "finetune", "infer", "evaluate")


def run_stage(stage: str, out: Path) -> float:
    """Run one smoke stage and return its wall-clock seconds; exit on failure."""
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT), "HF_HUB_OFFLINE": "1"}
    env.pop("MLLM_EVENTS_PATH", None)
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "gpu_runner", stage, "--out", str(out), "--smoke"],
        cwd=PACKAGE_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        sys.exit(f"bench: stage {stage} failed with exit code {completed.returncode}")
    return elapsed


def describe_machine() -> str:
    import torch

    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA GPU"
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, {device}; "
        f"Python {platform.python_version()}, torch {torch.__version__}, torch threads {torch.get_num_threads()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=None, help="run folder to use; it is deleted first (default: a temporary folder)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="number of complete pipeline runs (default: 1)")
    args = parser.parse_args()

    print(describe_machine())
    for attempt in range(1, args.repeat + 1):
        with tempfile.TemporaryDirectory(prefix="mllm-bench-") as temporary:
            out = args.out or Path(temporary) / "run"
            if out.exists():
                shutil.rmtree(out)
            timings = {stage: run_stage(stage, out) for stage in STAGES}
        print(f"run {attempt}:")
        for stage, seconds in timings.items():
            print(f"  {stage:<9} {seconds:6.1f} s")
        print(f"  {'total':<9} {sum(timings.values()):6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
