"""The tiny random Gemma 3 model that smoke runs use."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpu_runner.smoke.tiny_model import (
    GEMMA3_CHAT_TEMPLATE,
    IMAGE_SIZE_PX,
    TOKENS_PER_IMAGE,
    build_tiny_model,
    ensure_tiny_model,
)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", seed=0)


def test_loads_with_auto_classes(tiny_dir: Path) -> None:
    from transformers import AutoModelForImageTextToText, AutoProcessor

    processor = AutoProcessor.from_pretrained(tiny_dir)
    model = AutoModelForImageTextToText.from_pretrained(tiny_dir)
    assert type(processor).__name__ == "Gemma3Processor"
    assert type(model).__name__ == "Gemma3ForConditionalGeneration"
    assert model.config.mm_tokens_per_image == TOKENS_PER_IMAGE


def test_has_gemma3_special_tokens(tiny_dir: Path) -> None:
    from transformers import AutoProcessor

    tokenizer = AutoProcessor.from_pretrained(tiny_dir).tokenizer
    for token in (
        "<bos>",
        "<eos>",
        "<pad>",
        "<start_of_turn>",
        "<end_of_turn>",
        "<start_of_image>",
        "<end_of_image>",
        "<image_soft_token>",
    ):
        assert tokenizer.convert_tokens_to_ids(token) != tokenizer.unk_token_id, token
    assert tokenizer.pad_token_id == 0
    assert tokenizer.eos_token_id == 1
    assert tokenizer.bos_token_id == 2
    assert tokenizer.image_token_id == len(tokenizer) - 1


def test_chat_template_renders_gemma3_turns(tiny_dir: Path) -> None:
    from transformers import AutoProcessor

    processor = AutoProcessor.from_pretrained(tiny_dir)
    assert processor.chat_template == GEMMA3_CHAT_TEMPLATE
    messages = [
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "How is the heart?"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Normal."}]},
    ]
    text = processor.apply_chat_template(messages, tokenize=False)
    assert text == (
        "<bos><start_of_turn>user\n<start_of_image>How is the heart?<end_of_turn>\n"
        "<start_of_turn>model\nNormal.<end_of_turn>\n"
    )


def test_processor_expands_image_tokens(tiny_dir: Path) -> None:
    from PIL import Image
    from transformers import AutoProcessor

    processor = AutoProcessor.from_pretrained(tiny_dir)
    text = processor.apply_chat_template(
        [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Heart?"}]}],
        tokenize=False,
        add_generation_prompt=True,
    )
    batch = processor(text=[text], images=[[Image.new("RGB", (40, 30), "grey")]], return_tensors="pt")
    assert batch["pixel_values"].shape[-2:] == (IMAGE_SIZE_PX, IMAGE_SIZE_PX)
    assert batch["input_ids"][0].tolist().count(processor.tokenizer.image_token_id) == TOKENS_PER_IMAGE
    assert int(batch["token_type_ids"].sum()) == TOKENS_PER_IMAGE


def test_weights_depend_only_on_seed(tmp_path: Path, tiny_dir: Path) -> None:
    again = build_tiny_model(tmp_path / "again", seed=0)
    other = build_tiny_model(tmp_path / "other", seed=1)
    weights = (tiny_dir / "model.safetensors").read_bytes()
    assert (again / "model.safetensors").read_bytes() == weights
    assert (other / "model.safetensors").read_bytes() != weights


def test_ensure_reuses_complete_build(tmp_path: Path) -> None:
    directory = ensure_tiny_model(tmp_path)
    weights = directory / "model.safetensors"
    built_at = weights.stat().st_mtime_ns
    assert ensure_tiny_model(tmp_path) == directory
    assert weights.stat().st_mtime_ns == built_at


def test_ensure_rebuilds_without_marker(tmp_path: Path) -> None:
    directory = ensure_tiny_model(tmp_path)
    (directory / "smoke-model.json").unlink()
    (directory / "config.json").write_text("{broken")
    ensure_tiny_model(tmp_path)
    assert (directory / "config.json").read_text().startswith("{")
    assert (directory / "smoke-model.json").is_file()
    assert "broken" not in (directory / "config.json").read_text()
