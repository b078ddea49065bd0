"""GREEN and CRIMSON: parsing of judge outputs in their real formats, scores and means.

Expected scores are worked out by hand from the published formulas:
GREEN = matched / (matched + clinically significant errors), 0 without matches;
CRIMSON as in crimson-score 0.2.2 (formula in gpu_runner/metrics/crimson.py).
"""

from __future__ import annotations

import json

import pytest

from gpu_runner.metrics import crimson, green
from gpu_runner.metrics.aggregate import detail_row, scores_document, summarize

GREEN_ONE_MISSING = """[Explanation]:
The candidate reports the normal heart size and the absent pneumothorax, but it misses the small left pleural effusion. It also calls the effusion mild where the reference says small.

[Clinically Significant Errors]:
(a) False report of a finding in the candidate: 0.
(b) Missing a finding present in the reference: 1. Small left pleural effusion
(c) Misidentification of a finding's anatomic location/position: 0.
(d) Misassessment of the severity of a finding: 0.
(e) Mentioning a comparison that isn't in the reference: 0.
(f) Omitting a comparison detailing a change from a prior study: 0.

[Clinically Insignificant Errors]:
(a) False report of a finding in the candidate: 0.
(b) Missing a finding present in the reference: 0.
(c) Misidentification of a finding's anatomic location/position: 0.
(d) Misassessment of the severity of a finding: 1. Mild instead of small
(e) Mentioning a comparison that isn't in the reference: 0.
(f) Omitting a comparison detailing a change from a prior study: 0.

[Matched Findings]:
2. Normal heart size; No pneumothorax
"""

GREEN_NO_ERRORS = """[Explanation]:
Both reports say the lungs are clear.

[Clinically Significant Errors]:
No clinically significant errors.

[Clinically Insignificant Errors]:
No clinically insignificant errors.

[Matched Findings]:
1. Lungs are clear
"""

GREEN_NOTHING_MATCHED = """[Explanation]:
The candidate describes cardiomegaly that the reference does not mention.

[Clinically Significant Errors]:
(a) False report of a finding in the candidate: 1. Cardiomegaly
(b) Missing a finding present in the reference: 0.

[Matched Findings]:
0.
"""

GREEN_NUMBERED = """[Explanation]:
Two findings are missing and one is on the wrong side.

[Clinically Significant Errors]:
(1) False report of a finding in the candidate: 0.
(2) Missing a finding present in the reference: 2. Effusion; Atelectasis
(3) Misidentification of a finding's anatomic location/position: 1. Right instead of left
(4) Misassessment of the severity of a finding: 0.
(5) Mentioning a comparison that isn't in the reference: 0.
(6) Omitting a comparison detailing a change from a prior study: 0.

[Matched Findings]:
3. Opacity; Cardiomegaly; Sternotomy wires
"""


def test_green_missing_finding_score() -> None:
    result = green.parse_output(GREEN_ONE_MISSING)
    # 2 matched, 1 significant error: 2 / (2 + 1); the insignificant severity error does not count.
    assert result.score == pytest.approx(2 / 3)
    assert result.matched_findings == 2
    assert result.significant_errors["missing_finding"] == 1
    assert sum(result.significant_errors.values()) == 1
    assert result.insignificant_errors["wrong_severity"] == 1
    assert result.explanation.startswith("The candidate reports the normal heart size")
    assert "[Clinically" not in result.explanation


def test_green_no_errors_scores_one() -> None:
    result = green.parse_output(GREEN_NO_ERRORS)
    assert result.score == 1.0
    assert sum(result.significant_errors.values()) == 0


def test_green_no_match_scores_zero() -> None:
    result = green.parse_output(GREEN_NOTHING_MATCHED)
    assert result.score == 0.0
    assert result.significant_errors["false_finding"] == 1


def test_green_numbered_subtypes() -> None:
    result = green.parse_output(GREEN_NUMBERED)
    # 3 matched, 2 missing + 1 location error: 3 / (3 + 3).
    assert result.score == pytest.approx(0.5)
    assert result.significant_errors["missing_finding"] == 2
    assert result.significant_errors["wrong_location"] == 1


def test_green_missing_section_is_parse_failure() -> None:
    with pytest.raises(green.GreenParseError, match=r"\[Matched Findings\]"):
        green.parse_output("[Explanation]:\nThe reports agree.\n\n[Clinically Significant Errors]:\nNo errors.\n")


def test_green_prompt_contains_both_reports() -> None:
    prompt = green.make_prompt("Small left effusion.", "Lungs are clear.")
    assert "2. Reference Report:\n    Small left effusion.\n" in prompt
    assert "3. Candidate Report:\n    Lungs are clear.\n" in prompt


def crimson_output(references, predictions, matched, false=(), missing=(), attributes=()) -> str:
    return json.dumps(
        {
            "reference_findings": [
                {"id": finding_id, "finding": f"finding {finding_id}", "clinical_significance": label}
                for finding_id, label in references
            ],
            "predicted_findings": [
                {"id": finding_id, "finding": f"finding {finding_id}", "clinical_significance": label}
                for finding_id, label in predictions
            ],
            "matched_findings": [{"ref_id": ref_id, "pred_id": pred_id} for ref_id, pred_id in matched],
            "errors": {
                "false_findings": list(false),
                "missing_findings": list(missing),
                "attribute_errors": [
                    {
                        "ref_id": ref_id,
                        "pred_id": pred_id,
                        "severity": severity,
                        "error_types": types,
                        "explanation": "differs",
                    }
                    for ref_id, pred_id, severity, types in attributes
                ],
            },
        }
    )


CRIMSON_CASES = {
    # Normal reference, nothing false or missing: N_G = 0, so S = 1.
    "normal_perfect": (crimson_output([], [], []), 1.0),
    # N_G = 1.0 + 0.5; correct = 1.0 (R1); E_false = 0.25 (P2); S = 0.75 / 1.5.
    "one_missing_one_false": (
        crimson_output(
            [("R1", "urgent"), ("R2", "actionable_not_urgent")],
            [("P1", "urgent"), ("P2", "not_actionable_not_urgent")],
            [("R1", "P1")],
            false=["P2"],
            missing=["R2"],
        ),
        0.5,
    ),
    # R1 weighs 0.5 with a significant attribute error (0.5): credit 0.5 * 0.5 / 1.0 = 0.25; S = 0.25 / 0.5.
    "attribute_error_partial_credit": (
        crimson_output(
            [("R1", "actionable_not_urgent")],
            [("P1", "actionable_not_urgent")],
            [("R1", "P1")],
            attributes=[("R1", "P1", "significant", ["severity"])],
        ),
        0.5,
    ),
    # A negligible attribute error weighs 0, so R1 keeps full credit.
    "negligible_attribute_error": (
        crimson_output(
            [("R1", "urgent")],
            [("P1", "urgent")],
            [("R1", "P1")],
            attributes=[("R1", "P1", "negligible", ["location"])],
        ),
        1.0,
    ),
    # N_G = 0.25; correct = 0; E_false = 2.0; S < 0, so x = 2.0 and the score is -2 / 3.
    "negative_branch": (
        crimson_output(
            [("R1", "not_actionable_not_urgent")],
            [("P1", "urgent"), ("P2", "urgent")],
            [],
            false=["P1", "P2"],
            missing=["R1"],
        ),
        -0.6667,
    ),
    # Only benign reference findings: N_G = 0; a false urgent finding gives S = -(1 + 0 + 1),
    # then x = 1.0 - 0 and the score is -1 / 2.
    "benign_reference_false_finding": (
        crimson_output([("R1", "benign_expected")], [("P1", "urgent")], [], false=["P1"], missing=["R1"]),
        -0.5,
    ),
    # One reference finding matched twice counts once: correct = 1.0 = N_G.
    "one_to_many_match": (
        crimson_output([("R1", "urgent")], [("P1", "urgent"), ("P2", "urgent")], [("R1", "P1"), ("R1", "P2")]),
        1.0,
    ),
    # An unknown significance label weighs 0.25: correct 0.25, N_G 0.25.
    "unknown_label": (crimson_output([("R1", "moderate")], [("P1", "moderate")], [("R1", "P1")]), 1.0),
}


@pytest.mark.parametrize("case", sorted(CRIMSON_CASES))
def test_crimson_hand_computed(case: str) -> None:
    output, expected = CRIMSON_CASES[case]
    assert crimson.parse_output(output).score == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("case", sorted(CRIMSON_CASES))
def test_crimson_matches_package_formula(case: str) -> None:
    from CRIMSON.generate_score import CRIMSONScore

    output, _ = CRIMSON_CASES[case]
    evaluation = json.loads(output)
    package_scorer = CRIMSONScore.__new__(CRIMSONScore)  # skips __init__, which loads a judge model
    assert crimson.parse_output(output).score == package_scorer._calculate_crimson(evaluation)["crimson_score"]


def test_crimson_error_counts_and_explanation() -> None:
    output, _ = CRIMSON_CASES["one_missing_one_false"]
    result = crimson.parse_output(output)
    assert result.error_counts["false_findings"] == 1
    assert result.error_counts["missing_findings"] == 1
    assert result.error_counts["attribute_errors"] == 0
    assert "false: P2 finding P2" in result.explanation
    assert "missing: R2 finding R2" in result.explanation


def test_crimson_attribute_error_types_counted() -> None:
    output, _ = CRIMSON_CASES["attribute_error_partial_credit"]
    result = crimson.parse_output(output)
    assert result.error_counts["severity_errors"] == 1
    assert result.error_counts["location_errors"] == 0


def test_crimson_invalid_json_is_parse_failure() -> None:
    with pytest.raises(crimson.CrimsonParseError, match="not valid JSON"):
        crimson.parse_output("The reports agree; no errors were found.")


def test_crimson_prompt_without_guidelines() -> None:
    prompt = crimson.make_prompt("Small left effusion.", "Lungs are clear.")
    assert "Reference Findings (Ground Truth):\nSmall left effusion." in prompt
    assert "Predicted Findings (Candidate):\nLungs are clear." in prompt
    assert prompt != crimson.make_prompt("Small left effusion.", "Lungs are clear.", include_guidelines=True)


def rows_for(metric: str, model: str, scores: list[float | None]) -> list[dict]:
    return [
        detail_row(
            f"s{index}",
            metric,
            model,
            score=score,
            errors={},
            explanation="",
            parse_error=None if score is not None else "bad",
        )
        for index, score in enumerate(scores)
    ]


def test_summarize_mean_excludes_parse_failures() -> None:
    rows = rows_for("green", "base", [1.0, 0.5, None]) + rows_for("green", "finetuned", [0.25])
    assert summarize(rows, "green", "base") == {"mean": 0.75, "n": 2, "parse_failures": 1}
    assert summarize(rows, "green", "finetuned") == {"mean": 0.25, "n": 1, "parse_failures": 0}


def test_summarize_without_scores_has_null_mean() -> None:
    assert summarize(rows_for("crimson", "base", [None, None]), "crimson", "base") == {
        "mean": None,
        "n": 0,
        "parse_failures": 2,
    }


def test_scores_document_shape() -> None:
    rows = rows_for("crimson", "base", [1.0, -0.5]) + rows_for("crimson", "finetuned", [0.5])
    judges = {"crimson": {"model": crimson.JUDGE_MODEL_ID, "ran": True, "reason": None}}
    document = scores_document(rows, ["crimson"], judges)
    assert document["metrics"]["crimson"]["base"] == {"mean": 0.25, "n": 2, "parse_failures": 0}
    assert document["metrics"]["crimson"]["finetuned"]["mean"] == 0.5
    assert document["judges"] == judges


def test_details_row_from_green_output() -> None:
    from gpu_runner.cli import build_stage_parser
    from gpu_runner.stages.evaluate import judge_specs, score_output

    spec = judge_specs(build_stage_parser("evaluate").parse_args([]))["green"]
    row = score_output(spec, "green", "s1", "base", GREEN_ONE_MISSING)
    assert row["score"] == pytest.approx(2 / 3)
    assert row["errors"]["missing_finding"] == 1
    assert row["errors"]["matched_findings"] == 2
    assert row["explanation"].startswith("The candidate reports")
    assert "parse_error" not in row


def test_details_row_from_unparsable_output() -> None:
    from gpu_runner.cli import build_stage_parser
    from gpu_runner.stages.evaluate import judge_specs, score_output

    spec = judge_specs(build_stage_parser("evaluate").parse_args([]))["crimson"]
    row = score_output(spec, "crimson", "s2", "finetuned", "Sorry, I cannot compare these reports.")
    assert row["score"] is None
    assert row["errors"] == {}
    assert row["explanation"] == "Sorry, I cannot compare these reports."
    assert "not valid JSON" in row["parse_error"]


def test_scores_document_nulls_judge_not_run() -> None:
    rows = rows_for("green", "base", [1.0]) + rows_for("green", "finetuned", [0.5])
    judges = {"green": {"model": green.JUDGE_MODEL_ID, "ran": False, "reason": "gated repository"}}
    document = scores_document(rows, ["green"], judges)
    assert document["metrics"]["green"]["base"] == {"mean": None, "n": 0, "parse_failures": 0}
    assert document["metrics"]["green"]["finetuned"]["mean"] is None
