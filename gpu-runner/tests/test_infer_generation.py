"""Batched generation: left padding, decoding of the new tokens only, thought stripping."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from gpu_runner.model.generation import generate_answers
from gpu_runner.smoke.tiny_model import build_tiny_model


@pytest.fixture(scope="module")
def processor(tmp_path_factory: pytest.TempPathFactory):
    from transformers import AutoProcessor

    return AutoProcessor.from_pretrained(build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", seed=0))


class ScriptedModel:
    """Stands in for the model: appends fixed new tokens to each prompt row."""

    device = torch.device("cpu")
    dtype = torch.float32

    def __init__(self, new_tokens: list[list[int]]) -> None:
        self.new_tokens = torch.tensor(new_tokens)
        self.inputs: dict | None = None

    def generate(self, input_ids, attention_mask, **rest):
        self.inputs = {"input_ids": input_ids, "attention_mask": attention_mask, **rest}
        return torch.cat([input_ids, self.new_tokens], dim=1)


def make_record(tmp_path: Path, name: str, question: str) -> dict:
    from PIL import Image

    path = tmp_path / f"{name}.png"
    Image.new("L", (32, 32), 120).save(path)
    return {
        "id": name,
        "question": question,
        "answer": "unused",
        "images": [str(path)],
        "messages": [
            {"role": "user", "content": [{"type": "image", "path": str(path)}, {"type": "text", "text": question}]},
            {"role": "assistant", "content": [{"type": "text", "text": "unused"}]},
        ],
    }


def encode(processor, text: str) -> list[int]:
    return processor.tokenizer.encode(text, add_special_tokens=False)


def pad_to(ids: list[int], length: int, pad_id: int) -> list[int]:
    return ids + [pad_id] * (length - len(ids))


def test_generation_decodes_new_tokens(processor, tmp_path: Path) -> None:
    tokenizer = processor.tokenizer
    thinking = encode(processor, "<unused94>thought\nThe heart looks fine.<unused95>The heart size is normal.") + [
        tokenizer.eos_token_id
    ]
    plain = encode(processor, "Lungs are clear.") + [tokenizer.convert_tokens_to_ids("<end_of_turn>")]
    length = max(len(thinking), len(plain))
    model = ScriptedModel(
        [pad_to(thinking, length, tokenizer.pad_token_id), pad_to(plain, length, tokenizer.pad_token_id)]
    )
    records = [
        make_record(tmp_path, "a", "Heart?"),
        make_record(tmp_path, "b", "What are the findings in the lungs and pleura?"),
    ]

    answers = generate_answers(model, processor, records, image_size=None, images_per_sample=1, max_new_tokens=7)

    assert answers == ["The heart size is normal.", "Lungs are clear."]
    assert model.inputs["max_new_tokens"] == 7
    assert model.inputs["do_sample"] is False


def test_generation_pads_prompts_left(processor, tmp_path: Path) -> None:
    tokenizer = processor.tokenizer
    model = ScriptedModel([[tokenizer.eos_token_id], [tokenizer.eos_token_id]])
    records = [
        make_record(tmp_path, "a", "Heart?"),
        make_record(tmp_path, "b", "What are the findings in the lungs and pleura?"),
    ]

    generate_answers(model, processor, records, image_size=None, images_per_sample=1)

    input_ids, attention = model.inputs["input_ids"], model.inputs["attention_mask"]
    assert attention[0, 0].item() == 0, "the shorter prompt should start with padding"
    assert attention[1].all()
    assert input_ids[0, 0].item() == tokenizer.pad_token_id
    for row in range(2):
        assert tokenizer.decode(input_ids[row, -8:].tolist()).endswith("<start_of_turn>model\n")


BASE_SETTINGS = {"model": "google/medgemma-1.5-4b-it", "max_new_tokens": 256, "image_size": 896, "images_per_sample": 1}


def test_stale_keys_cases() -> None:
    from gpu_runner.stages.infer import stale_keys

    current = {"base": BASE_SETTINGS, "adapter": {"adapter_model.safetensors": "abc"}}
    assert stale_keys(current, current) == set()
    assert stale_keys(None, current) == {"base", "finetuned"}
    assert stale_keys({**current, "adapter": {"adapter_model.safetensors": "old"}}, current) == {"finetuned"}
    assert stale_keys({**current, "base": {**BASE_SETTINGS, "max_new_tokens": 128}}, current) == {"base", "finetuned"}
