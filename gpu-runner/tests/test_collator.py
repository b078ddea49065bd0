"""Training batches: which token positions the loss counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpu_runner.errors import ExitCode, StageError
from gpu_runner.model.collator import (
    IGNORE_INDEX,
    SpecialTokenIds,
    TrainingCollator,
    check_sequence_lengths,
    sequence_lengths,
)
from gpu_runner.smoke.tiny_model import TOKENS_PER_IMAGE, build_tiny_model


@pytest.fixture(scope="module")
def processor(tmp_path_factory: pytest.TempPathFactory):
    from transformers import AutoProcessor

    return AutoProcessor.from_pretrained(build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", seed=0))


def make_record(tmp_path: Path, name: str, question: str, answer: str, views: int = 2) -> dict:
    from PIL import Image

    paths = []
    for view in range(views):
        path = tmp_path / f"{name}-{view}.png"
        Image.new("L", (64, 64), 100 + view).save(path)
        paths.append(str(path))
    return {
        "id": name,
        "question": question,
        "answer": answer,
        "images": paths,
        "messages": [
            {
                "role": "user",
                "content": [*({"type": "image", "path": path} for path in paths), {"type": "text", "text": question}],
            },
            {"role": "assistant", "content": [{"type": "text", "text": answer}]},
        ],
    }


def counted_text(processor, batch, row: int) -> str:
    ids = batch["labels"][row]
    return processor.tokenizer.decode(ids[ids != IGNORE_INDEX].tolist())


def test_labels_cover_answer_only(processor, tmp_path: Path) -> None:
    record = make_record(tmp_path, "a", "How is the heart?", "The heart size is normal.")
    batch = TrainingCollator(processor, image_size=None, images_per_sample=1, max_length=512)([record])
    assert counted_text(processor, batch, 0) == "The heart size is normal.<end_of_turn>\n"


def test_counted_positions_are_a_suffix(processor, tmp_path: Path) -> None:
    record = make_record(tmp_path, "a", "How is the heart?", "The heart size is normal.")
    batch = TrainingCollator(processor, image_size=None, images_per_sample=1, max_length=512)([record])
    labels = batch["labels"][0].tolist()
    counted = [index for index, label in enumerate(labels) if label != IGNORE_INDEX]
    assert counted == list(range(counted[0], len(labels)))
    assert [batch["input_ids"][0][index].item() for index in counted] == [labels[index] for index in counted]
    answer_ids = processor.tokenizer.encode("The heart size is normal.<end_of_turn>\n", add_special_tokens=False)
    assert len(counted) == len(answer_ids)


def test_padding_and_image_tokens_masked(processor, tmp_path: Path) -> None:
    short = make_record(tmp_path, "s", "Heart?", "Normal.")
    long = make_record(
        tmp_path,
        "l",
        "What are the findings in the lungs and pleura?",
        "Small left pleural effusion with adjacent atelectasis.",
    )
    batch = TrainingCollator(processor, image_size=None, images_per_sample=1, max_length=512)([short, long])
    ids = SpecialTokenIds.from_processor(processor)
    input_ids, labels, attention = batch["input_ids"], batch["labels"], batch["attention_mask"]

    assert (attention[0] == 0).any(), "the shorter row should be right-padded"
    assert attention[0].tolist() == sorted(attention[0].tolist(), reverse=True)
    assert (labels[attention == 0] == IGNORE_INDEX).all()
    assert (labels[input_ids == ids.image] == IGNORE_INDEX).all()
    assert (labels[input_ids == ids.begin_of_image] == IGNORE_INDEX).all()
    assert counted_text(processor, batch, 0) == "Normal.<end_of_turn>\n"
    assert counted_text(processor, batch, 1) == "Small left pleural effusion with adjacent atelectasis.<end_of_turn>\n"


def test_images_per_sample_limits_images(processor, tmp_path: Path) -> None:
    record = make_record(tmp_path, "a", "Heart?", "Normal.", views=2)
    image_token = processor.tokenizer.image_token_id
    one = TrainingCollator(processor, image_size=None, images_per_sample=1, max_length=512)([record])
    two = TrainingCollator(processor, image_size=None, images_per_sample=2, max_length=512)([record])
    assert one["input_ids"][0].tolist().count(image_token) == TOKENS_PER_IMAGE
    assert two["input_ids"][0].tolist().count(image_token) == 2 * TOKENS_PER_IMAGE
    assert two["pixel_values"].shape[0] == 2


def test_too_long_raises_instead_of_truncating(processor, tmp_path: Path) -> None:
    record = make_record(tmp_path, "too-long", "Heart?", "Normal.")
    collator = TrainingCollator(processor, image_size=None, images_per_sample=1, max_length=TOKENS_PER_IMAGE)
    with pytest.raises(StageError, match="'too-long' is [0-9]+ tokens long") as raised:
        collator([record])
    assert raised.value.exit_code == ExitCode.USAGE
    assert "--max-length" in raised.value.hint


@pytest.mark.parametrize("images_per_sample", [1, 2])
def test_sequence_lengths_match_batches(processor, tmp_path: Path, images_per_sample: int) -> None:
    records = [
        make_record(tmp_path, "s", "Heart?", "Normal."),
        make_record(tmp_path, "l", "What are the findings in the lungs and pleura?", "Small left pleural effusion."),
    ]
    batch = TrainingCollator(processor, image_size=None, images_per_sample=images_per_sample, max_length=512)(records)
    assert sequence_lengths(processor, records, images_per_sample) == batch["attention_mask"].sum(dim=1).tolist()


def test_length_check_names_longest_record(processor, tmp_path: Path) -> None:
    records = [
        make_record(tmp_path, "short", "Heart?", "Normal."),
        make_record(
            tmp_path, "longest", "What are the findings in the lungs and pleura?", "Small left pleural effusion."
        ),
    ]
    longest = max(sequence_lengths(processor, records, 1))
    assert check_sequence_lengths(processor, records, 1, longest) == longest
    with pytest.raises(StageError, match="1 of 2 records exceed --max-length") as raised:
        check_sequence_lengths(processor, records, 1, longest - 1)
    assert "'longest'" in raised.value.message
    assert raised.value.code == "sequence_too_long"
