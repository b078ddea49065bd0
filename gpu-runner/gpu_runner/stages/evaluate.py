"""evaluate: score the base and fine-tuned answers with GREEN and CRIMSON.

Outputs under --out: evaluate/details.jsonl (one line per sample, metric and
model, with the error counts and the judge's explanation) and
evaluate/scores.json (mean per metric and model, scored count, parse failures,
and whether each judge ran). details.jsonl is rewritten after every batch, so a
rerun skips the samples already judged.

The judges run on one GPU: CUDA_VISIBLE_DEVICES is narrowed to the first
device. With --smoke no judge runs unless --judge-model names a local model,
because the judges (7B and 4B parameters) need a GPU; the report then says so
and has no scores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gpu_runner import atomic, options
from gpu_runner.errors import ExitCode, StageError
from gpu_runner.events import EventEmitter
from gpu_runner.metrics import crimson, green
from gpu_runner.metrics.aggregate import MODEL_KEYS, detail_row, scores_document
from gpu_runner.paths import RunPaths

METRICS = ("green", "crimson")
DEFAULT_BATCH_SIZE = 8
DEFAULT_CRIMSON_MAX_NEW_TOKENS = 2048

SMOKE_REASON = (
    "not run: --smoke works on the CPU and the judge models need a CUDA GPU, so no score was computed. "
    "To exercise the parsing path with a local model, run "
    "`python -m gpu_runner evaluate --smoke --judge-model DIR` in the synced gpu-runner folder."
)


@dataclass
class JudgeSpec:
    """Prompt, model and parser settings of one metric's judge."""

    model_id: str
    dtype: str
    build_messages: Callable[[str, str], list[dict[str, str]]]
    parse: Callable[[str], Any]
    parse_errors: tuple[type[Exception], ...]
    chat_template: str | None = None
    add_special_tokens: bool = False
    tokenizer_options: dict[str, Any] = field(default_factory=dict)
    pad_with_eos: bool = False
    max_new_tokens: int | None = None
    max_length: int | None = None


def judge_specs(args: argparse.Namespace) -> dict[str, JudgeSpec]:
    return {
        "green": JudgeSpec(
            model_id=args.green_model,
            # GREEN's code loads its judge in fp16.
            dtype="float16",
            build_messages=lambda reference, candidate: green.chat_messages(green.make_prompt(reference, candidate)),
            parse=green.parse_output,
            parse_errors=(green.GreenParseError,),
            chat_template=green.CHAT_TEMPLATE,
            add_special_tokens=True,
            tokenizer_options={"add_eos_token": True},
            pad_with_eos=True,
            max_length=green.MAX_LENGTH_TOKENS,
        ),
        "crimson": JudgeSpec(
            model_id=args.crimson_model,
            dtype="bfloat16",
            build_messages=lambda reference, candidate: crimson.chat_messages(
                crimson.make_prompt(reference, candidate)
            ),
            parse=crimson.parse_output,
            parse_errors=(crimson.CrimsonParseError,),
            max_new_tokens=args.crimson_max_new_tokens,
        ),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--metrics",
        default=",".join(METRICS),
        help=f"comma-separated metrics to compute (default: {','.join(METRICS)})",
    )
    parser.add_argument(
        "--green-model",
        type=options.non_empty,
        default=green.JUDGE_MODEL_ID,
        help=f"GREEN judge, Hub id or folder (default: {green.JUDGE_MODEL_ID})",
    )
    parser.add_argument(
        "--crimson-model",
        type=options.non_empty,
        default=crimson.JUDGE_MODEL_ID,
        help=f"CRIMSON judge, Hub id or folder (default: {crimson.JUDGE_MODEL_ID})",
    )
    parser.add_argument(
        "--judge-model",
        type=options.existing_folder,
        default=None,
        metavar="DIR",
        help="local model folder used as the judge of every metric; with --smoke it runs on the CPU "
        "to exercise prompting and parsing (its scores mean nothing)",
    )
    parser.add_argument(
        "--batch-size",
        type=options.positive_int,
        metavar="N",
        default=DEFAULT_BATCH_SIZE,
        help=f"prompts per generate() call (default: {DEFAULT_BATCH_SIZE})",
    )
    parser.add_argument(
        "--crimson-max-new-tokens",
        type=options.positive_int,
        metavar="N",
        default=DEFAULT_CRIMSON_MAX_NEW_TOKENS,
        help=f"maximum new tokens per CRIMSON judge output (default: {DEFAULT_CRIMSON_MAX_NEW_TOKENS})",
    )


def parse_metric_list(value: str) -> list[str]:
    metrics = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in metrics if name not in METRICS]
    if unknown or not metrics:
        raise StageError(
            f"Unknown metric in --metrics: {', '.join(unknown) or value!r}",
            hint=f"Choose from {', '.join(METRICS)}.",
            exit_code=ExitCode.USAGE,
            code="usage",
        )
    return metrics


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def answer_digest(prediction: dict[str, Any], model: str) -> str:
    text = json.dumps([prediction["reference"], prediction[model]], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def judged_inputs(predictions: list[dict[str, Any]], sources: dict[str, str]) -> dict[str, Any]:
    """Return what the details depend on: each metric's judge and each answer's digest."""
    return {
        "judges": sources,
        "answers": {
            f"{prediction['id']}|{model}": answer_digest(prediction, model)
            for prediction in predictions
            for model in MODEL_KEYS
        },
    }


def reusable_rows(
    rows: list[dict[str, Any]], previous: dict[str, Any] | None, current: dict[str, Any]
) -> list[dict[str, Any]]:
    """Keep the detail rows whose answer and judge are unchanged since they were written."""
    if previous is None:
        return []
    kept = []
    for row in rows:
        key = f"{row['id']}|{row['model']}"
        current_digest = current["answers"].get(key)
        same_answer = current_digest is not None and previous["answers"].get(key) == current_digest
        same_judge = previous["judges"].get(row["metric"]) == current["judges"].get(row["metric"])
        if same_answer and same_judge:
            kept.append(row)
    return kept


def run(args: argparse.Namespace, events: EventEmitter) -> int:
    paths = RunPaths.from_out(args.out)
    metrics = parse_metric_list(args.metrics)
    if not paths.predictions.is_file():
        raise StageError(
            f"Predictions not found: {paths.predictions}",
            hint="Run the infer stage first (with the same --out" + (" and --smoke)." if args.smoke else ")."),
            exit_code=ExitCode.USAGE,
            code="missing_input",
        )
    predictions = read_jsonl(paths.predictions)
    incomplete = [row["id"] for row in predictions if row.get("base") is None or row.get("finetuned") is None]
    if incomplete:
        raise StageError(
            f"{len(incomplete)} predictions lack an answer, the first is {incomplete[0]!r}.",
            hint="Run the infer stage again to finish them.",
            exit_code=ExitCode.USAGE,
            code="invalid_input",
        )

    specs = judge_specs(args)
    runs_judges = args.judge_model is not None or not args.smoke
    total = len(predictions) * len(MODEL_KEYS) * len(metrics) if runs_judges else 0
    events.start(f"scoring {len(predictions)} predictions with {', '.join(metrics)}", total=total)

    if not runs_judges:
        judges = {metric: {"model": specs[metric].model_id, "ran": False, "reason": SMOKE_REASON} for metric in metrics}
        atomic.write_jsonl(paths.details, [])
        atomic.write_json(paths.scores, scores_document([], metrics, judges))
        events.artifact(paths.scores, "scores")
        events.done("no judge ran in smoke mode; scores.json records why and holds no score")
        return ExitCode.OK

    from gpu_runner.metrics.judge import pin_first_gpu

    pin_first_gpu()
    if args.smoke:
        device = "cpu"
    else:
        from gpu_runner.model.loading import require_bf16_gpu

        require_bf16_gpu()
        device = "cuda:0"

    sources = {
        metric: str(args.judge_model) if args.judge_model is not None else specs[metric].model_id for metric in metrics
    }
    inputs_path = paths.evaluate_dir / "inputs.json"
    previous_inputs = json.loads(inputs_path.read_text(encoding="utf-8")) if inputs_path.is_file() else None
    current_inputs = judged_inputs(predictions, sources)
    rows = reusable_rows(read_jsonl(paths.details), previous_inputs, current_inputs)
    atomic.write_jsonl(paths.details, rows)
    atomic.write_json(inputs_path, current_inputs)

    judges: dict[str, dict[str, Any]] = {}
    first_failure: StageError | None = None
    for metric in metrics:
        source = sources[metric]
        try:
            judge_metric(metric, specs[metric], source, device, args, paths, events, predictions, rows)
            judges[metric] = {"model": source, "ran": True, "reason": None}
        except StageError as error:
            judges[metric] = {"model": source, "ran": False, "reason": error.message}
            first_failure = first_failure or error
        atomic.write_json(paths.scores, scores_document(rows, metrics, judges))

    document = scores_document(rows, metrics, judges)
    for metric in metrics:
        for model in MODEL_KEYS:
            summary = document["metrics"][metric][model]
            if judges[metric]["ran"]:
                events.metric(metric, summary["mean"], model=model, split="validation")
    events.artifact(paths.details, "details")
    events.artifact(paths.scores, "scores")
    if first_failure is not None:
        raise first_failure
    events.done(f"scored {len(predictions)} predictions per model with {', '.join(metrics)}")
    return ExitCode.OK


def judge_metric(
    metric: str,
    spec: JudgeSpec,
    source: str,
    device: str,
    args: argparse.Namespace,
    paths: RunPaths,
    events: EventEmitter,
    predictions: list[dict[str, Any]],
    rows: list[dict[str, Any]],
) -> None:
    """Judge every prediction not yet in `rows` for one metric, appending to `rows` as batches finish."""
    from gpu_runner.metrics.judge import Judge
    from gpu_runner.model.loading import out_of_memory_as_stage_error

    done_keys = {(row["id"], row["metric"], row["model"]) for row in rows}
    pending = [
        (prediction, model)
        for model in MODEL_KEYS
        for prediction in predictions
        if (prediction["id"], metric, model) not in done_keys
    ]
    if not pending:
        return

    dtype = spec.dtype if device != "cpu" else "float32"
    hint = "Lower --batch-size and check with nvidia-smi that no other process holds GPU memory."
    with out_of_memory_as_stage_error(hint):
        judge = Judge(
            source,
            dtype=dtype,
            device=device,
            chat_template=spec.chat_template,
            add_special_tokens=spec.add_special_tokens,
            tokenizer_options=spec.tokenizer_options,
            pad_with_eos=spec.pad_with_eos,
        )
        try:
            for start in range(0, len(pending), args.batch_size):
                batch = pending[start : start + args.batch_size]
                conversations = [
                    spec.build_messages(prediction["reference"], prediction[model]) for prediction, model in batch
                ]
                outputs = judge.generate(
                    conversations,
                    batch_size=args.batch_size,
                    max_new_tokens=spec.max_new_tokens,
                    max_length=spec.max_length,
                )
                for (prediction, model), output in zip(batch, outputs, strict=True):
                    rows.append(score_output(spec, metric, prediction["id"], model, output))
                atomic.write_jsonl(paths.details, rows)
                scored = sum(1 for row in rows if row["metric"] == metric)
                events.progress(scored, len(predictions) * len(MODEL_KEYS), unit="judgements", message=f"{metric}")
        finally:
            judge.close()


def score_output(spec: JudgeSpec, metric: str, sample_id: str, model: str, output: str) -> dict[str, Any]:
    """Parse one judge output into a details row; a parse failure gives score None and the raw output."""
    try:
        result = spec.parse(output)
    except spec.parse_errors as error:
        return detail_row(
            sample_id, metric, model, score=None, errors={}, explanation=output.strip()[:2000], parse_error=str(error)
        )
    return detail_row(
        sample_id, metric, model, score=result.score, errors=result.error_counts, explanation=result.explanation
    )
