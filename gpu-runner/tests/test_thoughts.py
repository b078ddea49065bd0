"""Removal of MedGemma 1.5's thinking block from generated answers."""

from __future__ import annotations

import pytest

from gpu_runner.model.thoughts import strip_thought, strip_thought_ids

ANSWER = "The heart size is normal. No pleural effusion."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (ANSWER, ANSWER),
        (f"  {ANSWER}\n", ANSWER),
        (f"<unused94>thought\nThe user asks about the heart. The silhouette looks normal.<unused95>{ANSWER}", ANSWER),
        (f"<unused94>thought\nFirst pass.<unused95>draft<unused95>\n{ANSWER}", ANSWER),
        ("<unused94>thought\nThe image shows a frontal chest radiograph and I need to", ""),
        (f"thought\nThe user wants the heart findings.\nLook at the silhouette.\n\n{ANSWER}", ANSWER),
        ("thought\nReasoning that never reaches an answer", ""),
        ("Thoughtful review: no acute findings.", "Thoughtful review: no acute findings."),
        ("The thought was clear.\n\nLungs are clear.", "The thought was clear.\n\nLungs are clear."),
    ],
)
def test_strip_thought_cases(raw: str, expected: str) -> None:
    assert strip_thought(raw) == expected


def test_strip_thought_ids_after_end_marker() -> None:
    assert strip_thought_ids([94, 7, 8, 95, 11, 12], start_id=94, end_id=95) == [11, 12]


def test_strip_thought_ids_unclosed_thought() -> None:
    assert strip_thought_ids([94, 7, 8], start_id=94, end_id=95) == []


def test_strip_thought_ids_without_markers() -> None:
    assert strip_thought_ids([5, 6, 7], start_id=94, end_id=95) == [5, 6, 7]


def test_strip_thought_ids_unknown_marker_ids() -> None:
    assert strip_thought_ids([5, 95, 7], start_id=None, end_id=None) == [5, 95, 7]
