"""Load MedGemma (or the tiny smoke model) and its processor for training and inference."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from gpu_runner.errors import ExitCode, StageError

DEFAULT_MODEL_ID = "google/medgemma-1.5-4b-it"

T = TypeVar("T")

TOKEN_HINT = (
    "Set a Hugging Face token with read access: log in with 'hf auth login', or let the tutor "
    "pass it through HF_TOKEN_PATH. A fine-grained token also needs "
    "'Read access to contents of all public gated repos you can access'."
)


def require_bf16_gpu() -> str:
    """Return the CUDA device name, or raise StageError (exit 3) when there is no GPU with bf16.

    Gemma 3 gives NaN or empty output in fp16, so a GPU without bf16 (T4, V100)
    cannot run the course. Call this before loading anything.
    """
    import torch

    if not torch.cuda.is_available():
        raise StageError(
            "No CUDA GPU is visible to PyTorch.",
            hint="Run on a machine with an NVIDIA GPU with bf16 and at least 40 GB (A100, H100, L40S, "
            "RTX PRO 6000), or add --smoke to try the pipeline on the CPU with a tiny model.",
            exit_code=ExitCode.ENVIRONMENT,
            code="no_gpu",
        )
    name = torch.cuda.get_device_name(0)
    if not torch.cuda.is_bf16_supported():
        raise StageError(
            f"The GPU {name} does not support bf16, and Gemma 3 produces NaN or empty output in fp16.",
            hint="Use an Ampere or newer GPU with at least 40 GB (A100, L40S, H100, RTX PRO 6000); "
            "T4 and V100 cannot run this stage. --smoke runs the pipeline on the CPU with a tiny model.",
            exit_code=ExitCode.ENVIRONMENT,
            code="no_bf16",
        )
    return name


def map_model_hub_error(error: BaseException, repo_id: str) -> StageError | None:
    """Translate a Hub error raised while loading a model into a StageError; None when unknown."""
    from huggingface_hub import get_token
    from huggingface_hub.errors import GatedRepoError, LocalEntryNotFoundError, RepositoryNotFoundError

    url = f"https://huggingface.co/{repo_id}"
    if isinstance(error, GatedRepoError):
        if get_token() is None:
            return StageError(
                f"{repo_id} is a gated model and no Hugging Face token was found.",
                hint=f"Accept its terms at {url}, then: {TOKEN_HINT}",
                exit_code=ExitCode.ENVIRONMENT,
                code="no_token",
            )
        return StageError(
            f"The Hub denied this token access to the gated model {repo_id}.",
            hint=f"Accept the terms at {url} with the token's account and wait for access. {TOKEN_HINT}",
            exit_code=ExitCode.ENVIRONMENT,
            code="gated_repo",
        )
    if isinstance(error, RepositoryNotFoundError):
        return StageError(
            f"Model {repo_id} not found on the Hub, or not visible without a token.",
            hint=f"Check the name given with --model or open {url}. {TOKEN_HINT}",
            exit_code=ExitCode.ENVIRONMENT,
            code="repo_not_found",
        )
    if isinstance(error, LocalEntryNotFoundError):
        return StageError(
            f"Cannot download {repo_id}: the Hub is not reachable and no copy is in the local cache.",
            hint="Connect to the network and unset HF_HUB_OFFLINE, or pass a local folder with --model.",
            exit_code=ExitCode.ENVIRONMENT,
            code="offline",
        )
    return None


def from_hub(load: Callable[[], T], repo_id: str) -> T:
    """Call `load`, turning known Hub errors about `repo_id` into StageError."""
    try:
        return load()
    except OSError as error:
        mapped = map_model_hub_error(error, repo_id)
        if mapped is None:
            raise
        raise mapped from error


def load_processor(source: str | Path) -> Any:
    from transformers import AutoProcessor

    return from_hub(lambda: AutoProcessor.from_pretrained(str(source)), str(source))


def load_training_model(source: str | Path, *, smoke: bool, lora: dict[str, Any]) -> Any:
    """Load the base model and wrap it in a trainable LoRA adapter.

    The real model is quantized to 4-bit NF4 with double quantization and bf16
    compute (QLoRA) on GPU 0. The smoke model stays in fp32 on the CPU, without
    quantization, but gets the same LoRA configuration.
    """
    import torch
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import AutoModelForImageTextToText, BitsAndBytesConfig

    if smoke:
        model = AutoModelForImageTextToText.from_pretrained(str(source), dtype=torch.float32)
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    else:
        quantization = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
            bnb_4bit_quant_storage=torch.bfloat16,
        )
        model = from_hub(
            lambda: AutoModelForImageTextToText.from_pretrained(
                str(source),
                quantization_config=quantization,
                dtype=torch.bfloat16,
                device_map={"": 0},
            ),
            str(source),
        )
        model = prepare_model_for_kbit_training(
            model,
            use_gradient_checkpointing=True,
            gradient_checkpointing_kwargs={"use_reentrant": False},
        )
    config = LoraConfig(task_type="CAUSAL_LM", bias="none", **lora)
    return get_peft_model(model, config)


def load_inference_model(source: str | Path, *, smoke: bool) -> Any:
    """Load the base model for generation: bf16 on GPU 0, or fp32 on the CPU for --smoke."""
    import torch
    from transformers import AutoModelForImageTextToText

    if smoke:
        model = AutoModelForImageTextToText.from_pretrained(str(source), dtype=torch.float32)
    else:
        model = from_hub(
            lambda: AutoModelForImageTextToText.from_pretrained(str(source), dtype=torch.bfloat16, device_map={"": 0}),
            str(source),
        )
    model.eval()
    return model


@contextmanager
def out_of_memory_as_stage_error(hint: str) -> Iterator[None]:
    """Turn CUDA out-of-memory inside the block into a StageError with `hint`."""
    import torch

    try:
        yield
    except torch.OutOfMemoryError as error:
        raise StageError(
            "CUDA ran out of GPU memory.",
            hint=hint,
            exit_code=ExitCode.FAILURE,
            code="cuda_oom",
        ) from error
