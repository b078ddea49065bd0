"""Batched greedy generation of answers for SFT records."""

from __future__ import annotations

from typing import Any

from gpu_runner.model.records import Record, load_images, prompt_messages
from gpu_runner.model.thoughts import THOUGHT_END, THOUGHT_START, strip_thought, strip_thought_ids

DEFAULT_MAX_NEW_TOKENS = 256


def token_id_or_none(tokenizer: Any, token: str) -> int | None:
    """Return the id of `token`, or None when the vocabulary does not have it."""
    token_id = tokenizer.convert_tokens_to_ids(token)
    if token_id is None or token_id == tokenizer.unk_token_id:
        return None
    return token_id


def generate_answers(
    model: Any,
    processor: Any,
    records: list[Record],
    *,
    image_size: int | None,
    images_per_sample: int,
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
) -> list[str]:
    """Return the model's answer to each record, greedy, with any thinking block removed.

    Prompts are left-padded so that every row's new tokens start at the same
    column; only those new tokens are decoded, with special tokens skipped.
    """
    import torch

    tokenizer = processor.tokenizer
    texts = [
        processor.apply_chat_template(
            prompt_messages(record, images_per_sample), tokenize=False, add_generation_prompt=True
        )
        for record in records
    ]
    images = [load_images(record, images_per_sample, image_size) for record in records]
    tokenizer.padding_side = "left"
    inputs = processor(text=texts, images=images, padding=True, truncation=False, return_tensors="pt")
    inputs = inputs.to(model.device)
    if "pixel_values" in inputs:
        inputs["pixel_values"] = inputs["pixel_values"].to(model.dtype)

    with torch.inference_mode():
        output = model.generate(
            **inputs,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            pad_token_id=tokenizer.pad_token_id,
        )

    prompt_length = inputs["input_ids"].shape[1]
    start_id = token_id_or_none(tokenizer, THOUGHT_START)
    end_id = token_id_or_none(tokenizer, THOUGHT_END)
    answers = []
    for row in output[:, prompt_length:].tolist():
        answer_ids = strip_thought_ids(row, start_id, end_id)
        answers.append(strip_thought(tokenizer.decode(answer_ids, skip_special_tokens=True)))
    return answers
