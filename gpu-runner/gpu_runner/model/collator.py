"""Batch SFT records for training, with labels that cover only the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gpu_runner.errors import ExitCode, StageError
from gpu_runner.model.records import Record, load_images, training_messages

IGNORE_INDEX = -100
"""Label value that the cross-entropy loss of transformers skips."""

MODEL_TURN_ROLE = "model\n"


@dataclass(frozen=True)
class SpecialTokenIds:
    """Token ids that label masking needs, read from the processor's tokenizer."""

    pad: int
    start_of_turn: int
    begin_of_image: int
    end_of_image: int
    image: int

    @classmethod
    def from_processor(cls, processor: Any) -> SpecialTokenIds:
        tokenizer = processor.tokenizer
        return cls(
            pad=tokenizer.pad_token_id,
            start_of_turn=tokenizer.convert_tokens_to_ids("<start_of_turn>"),
            begin_of_image=tokenizer.convert_tokens_to_ids(tokenizer.boi_token),
            end_of_image=tokenizer.convert_tokens_to_ids(tokenizer.eoi_token),
            image=tokenizer.convert_tokens_to_ids(tokenizer.image_token),
        )


def answer_start(input_ids: list[int], tokenizer: Any, ids: SpecialTokenIds) -> int:
    """Return the index of the first token after the last "<start_of_turn>model\\n".

    The role text is decoded token by token instead of matched as fixed ids,
    because how "model\\n" splits into tokens depends on the tokenizer.
    """
    if ids.start_of_turn not in input_ids:
        raise ValueError("The sequence has no <start_of_turn> token, so it has no model turn.")
    turn_start = len(input_ids) - 1 - input_ids[::-1].index(ids.start_of_turn)
    role = ""
    position = turn_start + 1
    while position < len(input_ids) and len(role) < len(MODEL_TURN_ROLE):
        role += tokenizer.decode([input_ids[position]])
        position += 1
    if not role.startswith(MODEL_TURN_ROLE):
        raise ValueError(f"The last turn is {role!r}, expected the model turn {MODEL_TURN_ROLE!r}.")
    return position


def mask_labels(input_ids: Any, attention_mask: Any, tokenizer: Any, ids: SpecialTokenIds) -> Any:
    """Return labels: a copy of `input_ids` with everything but the answer set to -100.

    Masked: padding, begin-of-image and image soft tokens, and every position up
    to and including the model turn's "<start_of_turn>model\\n". What remains is
    the answer and the turn's closing "<end_of_turn>\\n".
    """
    labels = input_ids.clone()
    labels[attention_mask == 0] = IGNORE_INDEX
    for token_id in (ids.pad, ids.begin_of_image, ids.image):
        labels[input_ids == token_id] = IGNORE_INDEX
    for row in range(input_ids.shape[0]):
        row_ids = input_ids[row][attention_mask[row] == 1].tolist()
        # Right padding: the real tokens are the row's first len(row_ids) positions.
        labels[row, : answer_start(row_ids, tokenizer, ids)] = IGNORE_INDEX
    return labels


def sequence_lengths(processor: Any, records: list[Record], images_per_sample: int) -> list[int]:
    """Return the token count of each record as the collator will build it, without loading images.

    Each image placeholder is expanded the way Gemma3Processor expands it, so the
    count includes the image tokens.
    """
    tokenizer = processor.tokenizer
    texts = [
        processor.apply_chat_template(training_messages(record, images_per_sample), tokenize=False).replace(
            tokenizer.boi_token, processor.full_image_sequence
        )
        for record in records
    ]
    encoded = tokenizer(texts, add_special_tokens=False)
    return [len(ids) for ids in encoded["input_ids"]]


def check_sequence_lengths(processor: Any, records: list[Record], images_per_sample: int, max_length: int) -> int:
    """Raise StageError naming the longest record when any record exceeds `max_length`; return the longest length."""
    lengths = sequence_lengths(processor, records, images_per_sample)
    longest = max(range(len(lengths)), key=lengths.__getitem__)
    if lengths[longest] > max_length:
        too_long = sum(1 for length in lengths if length > max_length)
        raise StageError(
            f"{too_long} of {len(records)} records exceed --max-length {max_length} tokens, and records with "
            f"image tokens are never truncated. The longest, {records[longest].get('id')!r}, has {lengths[longest]}.",
            hint="Raise --max-length or lower --images-per-sample.",
            exit_code=ExitCode.USAGE,
            code="sequence_too_long",
        )
    return lengths[longest]


class TrainingCollator:
    """Turn SFT records into a padded batch with `labels` for the causal LM loss.

    Sequences are never truncated, because cutting through the image tokens
    breaks Gemma 3's image-token count check. A batch with a sequence longer than
    `max_length` raises StageError naming the record instead.
    """

    def __init__(self, processor: Any, *, image_size: int | None, images_per_sample: int, max_length: int) -> None:
        self.processor = processor
        self.image_size = image_size
        self.images_per_sample = images_per_sample
        self.max_length = max_length
        self.ids = SpecialTokenIds.from_processor(processor)

    def __call__(self, records: list[Record]) -> Any:
        texts = [
            self.processor.apply_chat_template(training_messages(record, self.images_per_sample), tokenize=False)
            for record in records
        ]
        images = [load_images(record, self.images_per_sample, self.image_size) for record in records]
        self.processor.tokenizer.padding_side = "right"
        batch = self.processor(text=texts, images=images, padding=True, truncation=False, return_tensors="pt")

        lengths = batch["attention_mask"].sum(dim=1).tolist()
        for record, length in zip(records, lengths, strict=True):
            if length > self.max_length:
                raise StageError(
                    f"Record {record.get('id')!r} is {length} tokens long, more than --max-length {self.max_length}, "
                    "and it is not truncated because it contains image tokens.",
                    hint="Raise --max-length or lower --images-per-sample.",
                    exit_code=ExitCode.USAGE,
                    code="sequence_too_long",
                )

        batch["labels"] = mask_labels(batch["input_ids"], batch["attention_mask"], self.processor.tokenizer, self.ids)
        return batch
