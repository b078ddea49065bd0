"""The stages and how the command line loads them.

Each stage is a module `gpu_runner.stages.<name>` with two functions:

- `add_arguments(parser: argparse.ArgumentParser) -> None` adds the stage's own
  options. The common options `--out`, `--smoke` and `--seed` are already there.
- `run(args: argparse.Namespace, events: EventEmitter) -> int` does the work and
  returns an exit code (0 on success). It sends `start` first and `done` last, and
  raises `StageError` for a failure that the user can fix.

A stage module must not import torch, transformers or other heavy packages at
module level: the command line imports only the stage it runs, and `--help` has
to work before those packages are installed.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from gpu_runner.errors import ExitCode, StageError

STAGES: dict[str, str] = {
    "prepare": "download FLARE-MLLM-2D IU X-ray and build the SFT records",
    "finetune": "QLoRA fine-tuning of MedGemma 1.5 4B on the prepared records",
    "infer": "answer the validation sample with the base and the fine-tuned model",
    "evaluate": "score the predictions with CRIMSON and GREEN",
}
"""Stage names in pipeline order, with the one-line summary shown by --help."""

VENV_HINT = "Build the environment with gpu-runner/scripts/venv.sh and run the stage with the python it prints."


def load_stage(name: str) -> ModuleType:
    """Import the module of stage `name`.

    Raises StageError when the module does not exist (exit 1) or when a package
    it imports is missing (exit 3, an environment problem).
    """
    if name not in STAGES:
        raise StageError(f"unknown stage {name!r}", f"Choose one of: {', '.join(STAGES)}.", ExitCode.USAGE)
    module_name = f"{__name__}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            raise StageError(
                f"stage {name!r} is not available in this copy of gpu_runner ({module_name} not found)",
                "Update the checkout of gpu-runner.",
                ExitCode.FAILURE,
                code="stage_missing",
            ) from error
        raise StageError(
            f"stage {name!r} needs the Python package {error.name!r}, which is not installed",
            VENV_HINT,
            ExitCode.ENVIRONMENT,
            code="missing_package",
        ) from error

    for attribute in ("add_arguments", "run"):
        if not callable(getattr(module, attribute, None)):
            raise StageError(
                f"stage module {module_name} has no {attribute}() function",
                "Every stage module must define add_arguments(parser) and run(args, events).",
                ExitCode.FAILURE,
                code="stage_missing",
            )
    return module
