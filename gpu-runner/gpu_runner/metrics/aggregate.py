"""Per-sample detail rows and their means per metric and model."""

from __future__ import annotations

import math
from typing import Any

MODEL_KEYS = ("base", "finetuned")


def detail_row(
    sample_id: str,
    metric: str,
    model: str,
    *,
    score: float | None,
    errors: dict[str, int],
    explanation: str,
    parse_error: str | None = None,
) -> dict[str, Any]:
    """Build one line of details.jsonl; a judge output that failed to parse has score None."""
    row: dict[str, Any] = {
        "id": sample_id,
        "metric": metric,
        "model": model,
        "score": score,
        "errors": errors,
        "explanation": explanation,
    }
    if parse_error is not None:
        row["parse_error"] = parse_error
    return row


def summarize(rows: list[dict[str, Any]], metric: str, model: str) -> dict[str, Any]:
    """Return {"mean", "n", "parse_failures"} for one metric and model.

    `n` counts the scored samples; outputs that failed to parse are counted in
    `parse_failures` and left out of the mean. The mean is None when nothing was scored.
    """
    selected = [row for row in rows if row["metric"] == metric and row["model"] == model]
    scores = [row["score"] for row in selected if row["score"] is not None]
    failures = sum(1 for row in selected if row["score"] is None)
    mean = math.fsum(scores) / len(scores) if scores else None
    return {"mean": round(mean, 4) if mean is not None else None, "n": len(scores), "parse_failures": failures}


def scores_document(
    rows: list[dict[str, Any]], metrics: list[str], judges: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Build scores.json: the summary per metric and model, and how each judge ran.

    A metric whose judge did not run (or has not run yet) gets null means, even
    when `rows` has details of it from an earlier run.
    """
    summaries: dict[str, Any] = {}
    for metric in metrics:
        ran = judges.get(metric, {}).get("ran", False)
        summaries[metric] = {
            model: summarize(rows, metric, model) if ran else {"mean": None, "n": 0, "parse_failures": 0}
            for model in MODEL_KEYS
        }
    return {"metrics": summaries, "judges": judges}
