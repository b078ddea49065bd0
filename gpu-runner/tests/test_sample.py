"""Choice of the validation sample for inference."""

from __future__ import annotations

import pytest

from gpu_runner.model.sample import is_normal_answer, select_sample


@pytest.mark.parametrize(
    ("answer", "normal"),
    [
        ("The heart size is normal.", True),
        ("Lungs are clear. No pneumothorax or pleural effusion.", True),
        ("No acute osseous abnormality.", True),
        ("The mediastinum is unremarkable.", True),
        ("Without focal consolidation.", True),
        ("The visualized bones are intact.", True),
        ("Small left pleural effusion.", False),
        ("Stable cardiomegaly.", False),
        ("No pneumothorax. Mild degenerative changes of the thoracic spine.", False),
        ("Abnormal contour of the aortic knob.", False),
        ("Heart size normal; calcified granuloma in the right upper lobe.", False),
    ],
)
def test_is_normal_answer(answer: str, normal: bool) -> None:
    assert is_normal_answer(answer) is normal


def make_records(answers: list[str]) -> list[dict[str, str]]:
    return [{"id": f"r{index}", "answer": answer} for index, answer in enumerate(answers)]


NORMAL = "The lungs are clear."
ABNORMAL = "Moderate cardiomegaly."


def test_first_takes_leading_rows() -> None:
    records = make_records([NORMAL] * 10 + [ABNORMAL] * 10)
    chosen = select_sample(records, 4, "first", seed=42)
    assert [record["id"] for record in chosen] == ["r0", "r1", "r2", "r3"]


def test_seeded_mixes_normal_and_abnormal() -> None:
    records = make_records([NORMAL] * 30 + [ABNORMAL] * 30)
    chosen = select_sample(records, 16, "seeded", seed=42)
    assert len(chosen) == 16
    assert sum(1 for record in chosen if record["answer"] == ABNORMAL) == 8
    assert sum(1 for record in chosen if record["answer"] == NORMAL) == 8


def test_seeded_odd_size_favours_abnormal() -> None:
    records = make_records([NORMAL] * 10 + [ABNORMAL] * 10)
    chosen = select_sample(records, 5, "seeded", seed=1)
    assert sum(1 for record in chosen if record["answer"] == ABNORMAL) == 3


def test_seeded_keeps_file_order() -> None:
    records = make_records([NORMAL, ABNORMAL] * 20)
    ids = [int(record["id"][1:]) for record in select_sample(records, 10, "seeded", seed=7)]
    assert ids == sorted(ids)


def test_seeded_is_deterministic_per_seed() -> None:
    records = make_records([NORMAL, ABNORMAL] * 20)
    first = [record["id"] for record in select_sample(records, 8, "seeded", seed=3)]
    again = [record["id"] for record in select_sample(records, 8, "seeded", seed=3)]
    other = [record["id"] for record in select_sample(records, 8, "seeded", seed=4)]
    assert first == again
    assert first != other


def test_seeded_fills_from_the_larger_group() -> None:
    records = make_records([NORMAL] * 20 + [ABNORMAL] * 2)
    chosen = select_sample(records, 8, "seeded", seed=42)
    assert len(chosen) == 8
    assert sum(1 for record in chosen if record["answer"] == ABNORMAL) == 2


def test_sample_larger_than_records_returns_all() -> None:
    records = make_records([NORMAL, ABNORMAL, NORMAL])
    assert select_sample(records, 16, "seeded", seed=42) == records


def test_unknown_mode_raises() -> None:
    with pytest.raises(ValueError, match="Unknown sample mode"):
        select_sample(make_records([NORMAL] * 3), 2, "random", seed=0)
