"""Choose the validation records that inference and evaluation compare.

`first` takes the first N rows, as the course does. On IU X-ray those are four
studies with four questions each, all normal, and a sample without abnormal
findings cannot tell a good model from one that always answers "normal".

`seeded` (the default) labels every record normal or abnormal from its
reference answer, then draws half of the N records from each group (the
abnormal group gets the odd one) with a seeded random generator, filling from
the other group when one runs short. The chosen records keep their file order.

A reference answer is normal when every sentence in it is normal, and a
sentence is normal when it starts with "no" or "without" (a negated finding,
"No pneumothorax") or says normal, clear, unremarkable, negative or intact
without saying abnormal. "Small left pleural effusion" and "Stable
cardiomegaly" are abnormal.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

SAMPLE_MODES = ("seeded", "first")

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_NEGATED = re.compile(r"^(no|without)\b", re.IGNORECASE)
_NORMAL_WORDS = re.compile(r"\b(normal|clear|unremarkable|negative|intact)\b", re.IGNORECASE)
_ABNORMAL_WORD = re.compile(r"\babnormal", re.IGNORECASE)


def is_normal_sentence(sentence: str) -> bool:
    sentence = sentence.strip().strip(".").strip()
    if not sentence:
        return True
    if _NEGATED.match(sentence):
        return True
    return bool(_NORMAL_WORDS.search(sentence)) and not _ABNORMAL_WORD.search(sentence)


def is_normal_answer(answer: str) -> bool:
    """Return whether a reference answer reports only normal findings."""
    sentences = [part for part in _SENTENCE_END.split(answer) if part.strip()]
    return all(is_normal_sentence(sentence) for sentence in sentences)


def select_sample(records: Sequence[dict[str, Any]], size: int, mode: str, seed: int) -> list[dict[str, Any]]:
    """Return `size` records chosen by `mode` (see the module docstring), in file order."""
    if mode not in SAMPLE_MODES:
        raise ValueError(f"Unknown sample mode {mode!r}; expected one of {', '.join(SAMPLE_MODES)}.")
    if size >= len(records):
        return list(records)
    if mode == "first":
        return list(records[:size])

    normal = [index for index, record in enumerate(records) if is_normal_answer(record["answer"])]
    abnormal = [index for index, record in enumerate(records) if not is_normal_answer(record["answer"])]
    generator = random.Random(seed)
    generator.shuffle(normal)
    generator.shuffle(abnormal)

    abnormal_count = min(len(abnormal), size - size // 2)
    normal_count = min(len(normal), size - abnormal_count)
    abnormal_count = size - normal_count
    chosen = sorted(abnormal[:abnormal_count] + normal[:normal_count])
    return [records[index] for index in chosen]
