"""CRIMSON (Baharoon et al., 2026, arXiv 2603.06183): prompt, output parsing and score.

The prompt and the JSON repair come from the authors' package crimson-score
(module `CRIMSON`); the score is computed here, following its
`CRIMSONScore._calculate_crimson` in version 0.2.2:

- weights of a finding by clinical significance: urgent 1.0, actionable not
  urgent 0.5, not actionable not urgent 0.25, benign or expected 0.0 (an unknown
  label counts 0.25); of an attribute error by severity: significant 0.5,
  negligible 0.0 (unknown 0.25);
- N_G = sum of the reference findings' weights;
- correct = sum over matched reference findings (each counted once) of w, or
  w * w / (w + sum of its attribute-error weights) when it has attribute errors;
- E_false = sum of the weights of false predicted findings;
- S = (correct - E_false) / N_G. When N_G is 0: S = 1 if nothing is false or
  missing, else -(E_false + E_missing + 1);
- score = S when S >= 0; otherwise -x / (1 + x) with x = E_false - correct when
  x > 0, else 0. The range is (-1, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JUDGE_MODEL_ID = "rajpurkarlab/medgemma-4b-it-crimson"

SYSTEM_MESSAGE = "You are an expert radiology evaluator that assesses the accuracy of radiology reports."

SIGNIFICANCE_WEIGHTS = {
    "urgent": 1.0,
    "actionable_not_urgent": 0.5,
    "not_actionable_not_urgent": 0.25,
    "benign_expected": 0.0,
}
ATTRIBUTE_SEVERITY_WEIGHTS = {"significant": 0.5, "negligible": 0.0}
UNKNOWN_LABEL_WEIGHT = 0.25

ATTRIBUTE_ERROR_TYPES = (
    "location",
    "severity",
    "descriptor",
    "measurement",
    "certainty",
    "unspecific",
    "overinterpretation",
    "temporal",
)


class CrimsonParseError(ValueError):
    """The judge output is not JSON, or not JSON of the CRIMSON shape."""


@dataclass
class CrimsonResult:
    score: float
    error_counts: dict[str, int] = field(default_factory=dict)
    explanation: str = ""


def make_prompt(reference: str, candidate: str, *, include_guidelines: bool = False) -> str:
    """Return the CRIMSON judge prompt.

    The fine-tuned judge rajpurkarlab/medgemma-4b-it-crimson was trained without
    the guideline sections, and crimson-score leaves them out for it too.
    """
    from CRIMSON.prompt_parts import build_prompt

    return build_prompt(
        reference,
        candidate,
        include_significance_examples=include_guidelines,
        include_attribute_guidelines=include_guidelines,
        include_context_guidelines=include_guidelines,
    )


def chat_messages(prompt: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM_MESSAGE}, {"role": "user", "content": prompt}]


def parse_evaluation(text: str) -> dict[str, Any]:
    """Parse the judge's JSON with crimson-score's repairs (orphan keys, bad escapes, unescaped quotes)."""
    from CRIMSON.utils import parse_json_response

    try:
        evaluation = parse_json_response(text)
    except ValueError as error:
        raise CrimsonParseError(f"CRIMSON output is not valid JSON: {str(error).splitlines()[0]}") from error
    if not isinstance(evaluation, dict):
        raise CrimsonParseError(f"CRIMSON output is JSON but not an object: {type(evaluation).__name__}")
    return evaluation


def significance_weight(finding: dict[str, Any]) -> float:
    return SIGNIFICANCE_WEIGHTS.get(finding.get("clinical_significance", ""), UNKNOWN_LABEL_WEIGHT)


def crimson_score(evaluation: dict[str, Any]) -> float:
    """Return the CRIMSON score of one parsed judge output (formula in the module docstring)."""
    errors = evaluation.get("errors", {})
    references = evaluation.get("reference_findings", [])
    predictions = evaluation.get("predicted_findings", [])
    matched = evaluation.get("matched_findings", [])
    attribute_errors = errors.get("attribute_errors", [])

    reference_weights = {finding["id"]: significance_weight(finding) for finding in references}
    prediction_weights = {finding["id"]: significance_weight(finding) for finding in predictions}
    false_weight = sum(prediction_weights.get(finding_id, 0.0) for finding_id in errors.get("false_findings", []))
    missing_weight = sum(reference_weights.get(finding_id, 0.0) for finding_id in errors.get("missing_findings", []))

    total_weight = sum(reference_weights.values())
    if total_weight == 0 and not references:
        total_weight = len(matched) + missing_weight

    attribute_weights: dict[str, float] = {}
    for error in attribute_errors:
        weight = ATTRIBUTE_SEVERITY_WEIGHTS.get(error.get("severity", ""), UNKNOWN_LABEL_WEIGHT)
        attribute_weights[error["ref_id"]] = attribute_weights.get(error["ref_id"], 0.0) + weight

    correct = 0.0
    counted: set[str] = set()
    for match in matched:
        reference_id = match["ref_id"]
        if reference_id in counted:
            continue
        counted.add(reference_id)
        weight = reference_weights.get(reference_id, 0.0)
        if reference_id not in attribute_weights:
            correct += weight
        elif weight + attribute_weights[reference_id] > 0:
            correct += weight * weight / (weight + attribute_weights[reference_id])

    if total_weight == 0:
        raw = 1.0 if false_weight == 0 and missing_weight == 0 else -(false_weight + missing_weight + 1)
    else:
        raw = (correct - false_weight) / total_weight
    if raw >= 0:
        return raw
    excess = false_weight - correct
    return -excess / (1 + excess) if excess > 0 else 0.0


def error_counts(evaluation: dict[str, Any]) -> dict[str, int]:
    """Return the number of false, missing and attribute errors, the last also per type."""
    errors = evaluation.get("errors", {})
    attribute_errors = errors.get("attribute_errors", [])
    counts = {
        "false_findings": len(errors.get("false_findings", [])),
        "missing_findings": len(errors.get("missing_findings", [])),
        "attribute_errors": len(attribute_errors),
    }
    for error_type in ATTRIBUTE_ERROR_TYPES:
        counts[f"{error_type}_errors"] = sum(
            1 for error in attribute_errors if error_type in error.get("error_types", [])
        )
    return counts


def explanation_of(evaluation: dict[str, Any]) -> str:
    """Summarise the judge's findings and attribute-error notes as one readable text."""
    errors = evaluation.get("errors", {})
    findings = {finding["id"]: finding.get("finding", "") for finding in evaluation.get("reference_findings", [])}
    findings.update({finding["id"]: finding.get("finding", "") for finding in evaluation.get("predicted_findings", [])})
    parts = []
    for label, key in (("false", "false_findings"), ("missing", "missing_findings")):
        named = [f"{finding_id} {findings.get(finding_id, '')}".strip() for finding_id in errors.get(key, [])]
        if named:
            parts.append(f"{label}: " + "; ".join(named))
    for error in errors.get("attribute_errors", []):
        if error.get("explanation"):
            parts.append(f"{error.get('ref_id')}/{error.get('pred_id')}: {error['explanation']}")
    return " | ".join(parts) if parts else "no errors reported"


def parse_output(text: str) -> CrimsonResult:
    """Parse one CRIMSON judge output and score it; raises CrimsonParseError on bad output."""
    evaluation = parse_evaluation(text)
    try:
        score = crimson_score(evaluation)
        counts = error_counts(evaluation)
    except (KeyError, TypeError, AttributeError) as error:
        raise CrimsonParseError(f"CRIMSON output has an unexpected shape: {type(error).__name__}: {error}") from error
    return CrimsonResult(score=round(score, 4), error_counts=counts, explanation=explanation_of(evaluation))
