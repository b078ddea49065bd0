"""Run a judge language model over prompts, batched and greedy, on one device."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def pin_first_gpu() -> str:
    """Narrow CUDA_VISIBLE_DEVICES to the first visible device, and return the value set.

    The judges run on one GPU (GREEN's upstream code starts a distributed group
    when it sees several). The setting has no effect once CUDA is initialised in
    this process, as in `all` after infer, but the judges load on cuda:0 anyway.
    """
    visible = os.environ.get("CUDA_VISIBLE_DEVICES", "").strip()
    first = visible.split(",")[0].strip() if visible else "0"
    os.environ["CUDA_VISIBLE_DEVICES"] = first
    return first


class Judge:
    """A causal language model loaded once, answering chat prompts with greedy decoding."""

    def __init__(
        self,
        source: str | Path,
        *,
        dtype: str,
        device: str,
        chat_template: str | None = None,
        add_special_tokens: bool = False,
        tokenizer_options: dict[str, Any] | None = None,
        pad_with_eos: bool = False,
    ) -> None:
        """Load the judge from a Hub id or folder.

        `add_special_tokens`, `tokenizer_options` and `pad_with_eos` reproduce how
        the metric's own code tokenizes. GREEN's adds the tokenizer's BOS and EOS
        to its template output and pads with EOS, while Gemma's chat template
        writes BOS itself.
        """
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from gpu_runner.model.loading import from_hub

        self.device = device
        self.add_special_tokens = add_special_tokens
        torch_dtype = getattr(torch, dtype)
        self.tokenizer = from_hub(
            lambda: AutoTokenizer.from_pretrained(str(source), **(tokenizer_options or {})), str(source)
        )
        if chat_template is not None:
            self.tokenizer.chat_template = chat_template
        if pad_with_eos or self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.tokenizer.padding_side = "left"
        self.model = from_hub(
            lambda: AutoModelForCausalLM.from_pretrained(str(source), dtype=torch_dtype, device_map={"": device}),
            str(source),
        )
        self.model.eval()

    def generate(
        self,
        conversations: list[list[dict[str, str]]],
        *,
        batch_size: int,
        max_new_tokens: int | None = None,
        max_length: int | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> list[str]:
        """Return the decoded new tokens for each conversation, in order."""
        import torch

        outputs: list[str] = []
        for start in range(0, len(conversations), batch_size):
            batch = conversations[start : start + batch_size]
            texts = [
                self.tokenizer.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)
                for conversation in batch
            ]
            inputs = self.tokenizer(
                texts, return_tensors="pt", padding=True, add_special_tokens=self.add_special_tokens
            ).to(self.device)
            limits: dict[str, Any] = (
                {"max_new_tokens": max_new_tokens} if max_new_tokens else {"max_length": max_length}
            )
            with torch.inference_mode():
                generated = self.model.generate(
                    **inputs,
                    do_sample=False,
                    pad_token_id=self.tokenizer.pad_token_id,
                    **limits,
                )
            new_tokens = generated[:, inputs["input_ids"].shape[1] :]
            outputs.extend(self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True))
            if on_batch is not None:
                on_batch(len(batch))
        return outputs

    def close(self) -> None:
        """Free the model's memory before the next judge loads."""
        import gc

        import torch

        del self.model
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
