"""finetune: QLoRA fine-tuning of MedGemma 1.5 4B on the prepared SFT records.

Outputs under --out: finetune/settings.json (the model, data digests and
training options, written before training), finetune/checkpoints/ (resumed from
on a rerun), finetune/adapter/ (the LoRA adapter and the processor) and
finetune/train_summary.json, written last. A rerun with the same settings
reuses a finished adapter or resumes from the last checkpoint. A rerun with
other settings moves the old finetune/ folder to finetune.replaced-<UTC time>/
and trains from scratch.

The training loop is transformers' Trainer with our own collator rather than
trl's SFTTrainer: the collator already builds the labels (answer only) and never
truncates, and SFTTrainer's own truncation and assistant-only masking would have
to be switched off one by one to keep it from cutting through image tokens.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path
from typing import Any

from gpu_runner import atomic, options
from gpu_runner.errors import ExitCode, StageError
from gpu_runner.events import EventEmitter
from gpu_runner.model import finetune_settings
from gpu_runner.model.loading import DEFAULT_MODEL_ID
from gpu_runner.model.records import read_records
from gpu_runner.paths import RunPaths

# Course values, each overridable by a flag.
DEFAULT_EPOCHS = 0.25
DEFAULT_BATCH_SIZE = 8
DEFAULT_GRAD_ACCUM = 2
DEFAULT_LR = 2e-4
DEFAULT_IMAGE_SIZE = 896
DEFAULT_IMAGES_PER_SAMPLE = 1
DEFAULT_LORA_R = 16
DEFAULT_LORA_ALPHA = 16
DEFAULT_LORA_DROPOUT = 0.05
DEFAULT_TARGET_MODULES = "all-linear"

# Defaults of our own (the course names none).
DEFAULT_MAX_LENGTH = 2048
DEFAULT_EVAL_STEPS = 50
DEFAULT_EVAL_SAMPLES = 128
DEFAULT_SAVE_STEPS = 25
DEFAULT_LOGGING_STEPS = 5
DEFAULT_OPTIM = "adamw_torch_fused"
# Worker processes that open, resize and tokenize the next batches while the GPU trains;
# in the main process this takes about as long as a training step on a fast GPU (an estimate).
DEFAULT_DATA_WORKERS = 4

# With --smoke, flags left at None take these values instead.
SMOKE_MAX_STEPS = 4
SMOKE_BATCH_SIZE = 2
SMOKE_GRAD_ACCUM = 1
SMOKE_EVAL_STEPS = 2
SMOKE_EVAL_SAMPLES = 4
SMOKE_SAVE_STEPS = 2
SMOKE_LOGGING_STEPS = 1

OOM_HINT = (
    "Lower --batch-size (for example to 4) and raise --grad-accum by the same factor (for example to 4) "
    "to keep the effective batch; --image-size does not help, because the processor resizes every image "
    "to 896 px, 256 tokens, anyway. Check with nvidia-smi that no other process holds GPU memory."
)


def optimizer_name(text: str) -> str:
    """Parse --optim: one of transformers' OptimizerNames, checked only when the option is given."""
    options.non_empty(text)
    try:
        from transformers.training_args import OptimizerNames
    except ImportError:
        # The stage reports the missing package when it starts; --help must work without it.
        return text
    names = [name.value for name in OptimizerNames]
    if text not in names:
        raise argparse.ArgumentTypeError(f"unknown optimizer {text!r}; choose one of {', '.join(names)}")
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        type=options.non_empty,
        default=DEFAULT_MODEL_ID,
        help=f"base model, Hub id or folder (default: {DEFAULT_MODEL_ID})",
    )
    parser.add_argument(
        "--epochs",
        type=options.positive_float,
        default=DEFAULT_EPOCHS,
        help=f"training epochs, may be a fraction (default: {DEFAULT_EPOCHS})",
    )
    parser.add_argument(
        "--max-steps",
        type=options.positive_int,
        metavar="N",
        default=None,
        help=(
            f"stop after this many optimizer steps; overrides --epochs (default: none, {SMOKE_MAX_STEPS} with --smoke)"
        ),
    )
    parser.add_argument(
        "--batch-size",
        type=options.positive_int,
        metavar="N",
        default=None,
        help=f"records per device per step (default: {DEFAULT_BATCH_SIZE}, {SMOKE_BATCH_SIZE} with --smoke)",
    )
    parser.add_argument(
        "--grad-accum",
        type=options.positive_int,
        metavar="N",
        default=None,
        help=f"gradient accumulation steps (default: {DEFAULT_GRAD_ACCUM}, {SMOKE_GRAD_ACCUM} with --smoke)",
    )
    parser.add_argument(
        "--lr", type=options.positive_float, default=DEFAULT_LR, help=f"peak learning rate (default: {DEFAULT_LR})"
    )
    parser.add_argument(
        "--image-size",
        type=options.image_size,
        metavar="N",
        default=None,
        help=(
            f"resize images to this many pixels square before the processor (default: {DEFAULT_IMAGE_SIZE}, the tiny "
            "model's size with --smoke)"
        ),
    )
    parser.add_argument(
        "--images-per-sample",
        type=options.positive_int,
        metavar="N",
        default=DEFAULT_IMAGES_PER_SAMPLE,
        help=f"images per record, frontal first (default: {DEFAULT_IMAGES_PER_SAMPLE})",
    )
    parser.add_argument(
        "--lora-r",
        type=options.positive_int,
        metavar="N",
        default=DEFAULT_LORA_R,
        help=f"LoRA rank (default: {DEFAULT_LORA_R})",
    )
    parser.add_argument(
        "--lora-alpha",
        type=options.positive_int,
        metavar="N",
        default=DEFAULT_LORA_ALPHA,
        help=f"LoRA alpha; updates are scaled by alpha/r (default: {DEFAULT_LORA_ALPHA})",
    )
    parser.add_argument(
        "--lora-dropout",
        type=options.probability,
        default=DEFAULT_LORA_DROPOUT,
        help=f"dropout on the LoRA input (default: {DEFAULT_LORA_DROPOUT})",
    )
    parser.add_argument(
        "--target-modules",
        type=options.non_empty,
        default=DEFAULT_TARGET_MODULES,
        help=f"PEFT target modules, 'all-linear' or comma-separated names (default: {DEFAULT_TARGET_MODULES})",
    )
    parser.add_argument(
        "--max-length",
        type=options.positive_int,
        metavar="N",
        default=DEFAULT_MAX_LENGTH,
        help=(
            "maximum sequence length in tokens; longer records fail instead of being truncated (default: "
            f"{DEFAULT_MAX_LENGTH})"
        ),
    )
    parser.add_argument(
        "--eval-steps",
        type=options.non_negative_int,
        metavar="N",
        default=None,
        help=(
            f"evaluate the validation loss every this many steps, 0 to turn off (default: {DEFAULT_EVAL_STEPS}, "
            f"{SMOKE_EVAL_STEPS} with --smoke)"
        ),
    )
    parser.add_argument(
        "--eval-samples",
        type=options.positive_int,
        metavar="N",
        default=None,
        help=(
            f"validation records used for the loss, chosen with --seed (default: {DEFAULT_EVAL_SAMPLES}, "
            f"{SMOKE_EVAL_SAMPLES} with --smoke)"
        ),
    )
    parser.add_argument(
        "--save-steps",
        type=options.positive_int,
        metavar="N",
        default=None,
        help=(
            f"write a checkpoint every this many steps (default: {DEFAULT_SAVE_STEPS}, {SMOKE_SAVE_STEPS} with --smoke)"
        ),
    )
    parser.add_argument(
        "--logging-steps",
        type=options.positive_int,
        metavar="N",
        default=None,
        help=(
            f"send a progress event every this many steps (default: {DEFAULT_LOGGING_STEPS}, {SMOKE_LOGGING_STEPS} "
            "with --smoke)"
        ),
    )
    parser.add_argument(
        "--data-workers",
        type=options.non_negative_int,
        metavar="N",
        default=None,
        help=f"processes that prepare batches, 0 for none (default: {DEFAULT_DATA_WORKERS}, 0 with --smoke)",
    )
    parser.add_argument(
        "--optim",
        type=optimizer_name,
        default=None,
        help=(
            f"transformers optimizer name, such as paged_adamw_8bit (default: {DEFAULT_OPTIM}, adamw_torch with "
            "--smoke)"
        ),
    )


def resolve_defaults(args: argparse.Namespace) -> None:
    """Fill the flags left at None with the course values, or the smoke values with --smoke."""
    from gpu_runner.smoke.tiny_model import IMAGE_SIZE_PX

    smoke = args.smoke
    fallbacks = {
        "max_steps": SMOKE_MAX_STEPS if smoke else None,
        "batch_size": SMOKE_BATCH_SIZE if smoke else DEFAULT_BATCH_SIZE,
        "grad_accum": SMOKE_GRAD_ACCUM if smoke else DEFAULT_GRAD_ACCUM,
        "image_size": IMAGE_SIZE_PX if smoke else DEFAULT_IMAGE_SIZE,
        "eval_steps": SMOKE_EVAL_STEPS if smoke else DEFAULT_EVAL_STEPS,
        "eval_samples": SMOKE_EVAL_SAMPLES if smoke else DEFAULT_EVAL_SAMPLES,
        "save_steps": SMOKE_SAVE_STEPS if smoke else DEFAULT_SAVE_STEPS,
        "logging_steps": SMOKE_LOGGING_STEPS if smoke else DEFAULT_LOGGING_STEPS,
        "optim": "adamw_torch" if smoke else DEFAULT_OPTIM,
        "data_workers": 0 if smoke else DEFAULT_DATA_WORKERS,
    }
    for name, value in fallbacks.items():
        if getattr(args, name) is None:
            setattr(args, name, value)


def target_modules(value: str) -> str | list[str]:
    return value if value == "all-linear" else [name.strip() for name in value.split(",") if name.strip()]


def lora_config(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "r": args.lora_r,
        "lora_alpha": args.lora_alpha,
        "lora_dropout": args.lora_dropout,
        "target_modules": target_modules(args.target_modules),
    }


def planned_steps(args: argparse.Namespace, train_size: int) -> int:
    """Optimizer steps that Trainer will run, for the start event."""
    if args.max_steps:
        return args.max_steps
    steps_per_epoch = math.ceil(math.ceil(train_size / args.batch_size) / args.grad_accum)
    return max(1, math.ceil(steps_per_epoch * args.epochs))


def is_finished(paths: RunPaths) -> bool:
    return paths.train_summary.is_file() and (paths.adapter_dir / "adapter_config.json").is_file()


def training_arguments(args: argparse.Namespace, paths: RunPaths, has_eval: bool) -> Any:
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(paths.checkpoints_dir),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps or -1,
        per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=args.batch_size,
        gradient_accumulation_steps=args.grad_accum,
        learning_rate=args.lr,
        optim=args.optim,
        bf16=not args.smoke,
        use_cpu=args.smoke,
        gradient_checkpointing=True,
        gradient_checkpointing_kwargs={"use_reentrant": False},
        logging_steps=args.logging_steps,
        eval_strategy="steps" if has_eval else "no",
        eval_steps=args.eval_steps if has_eval else None,
        save_strategy="steps",
        save_steps=args.save_steps,
        save_total_limit=2,
        seed=args.seed,
        data_seed=args.seed,
        report_to="none",
        remove_unused_columns=False,
        label_names=["labels"],
        dataloader_num_workers=args.data_workers,
        disable_tqdm=True,
    )


def run(args: argparse.Namespace, events: EventEmitter) -> int:
    paths = RunPaths.from_out(args.out)
    resolve_defaults(args)

    # None when the records are missing: reading them below reports that.
    settings = finetune_settings.current_settings(args, paths, lora_config(args))
    stored = finetune_settings.read_settings(paths.finetune_settings)
    if settings is not None and stored == settings and is_finished(paths):
        events.start("fine-tuned adapter with the same settings found, nothing to do")
        events.artifact(paths.adapter_dir, "adapter")
        events.done(
            f"adapter already in {paths.adapter_dir}, trained with the same model, data and options; "
            f"delete {paths.finetune_dir} to train again"
        )
        return ExitCode.OK

    if not args.smoke:
        from gpu_runner.model.loading import require_bf16_gpu

        require_bf16_gpu()

    prepare_hint = "Run the prepare stage first (with the same --out" + (" and --smoke)." if args.smoke else ").")
    train_records = read_records(paths.train_jsonl, stage_hint=prepare_hint)
    validation_records = read_records(paths.validation_jsonl, stage_hint=prepare_hint)
    eval_records = (
        random.Random(args.seed).sample(validation_records, min(args.eval_samples, len(validation_records)))
        if args.eval_steps
        else []
    )

    total = planned_steps(args, len(train_records))
    events.start(
        f"fine-tuning {'the tiny smoke model' if args.smoke else args.model} on {len(train_records)} records",
        total=total,
    )
    # The records exist now, so the settings are known.
    settings = finetune_settings.current_settings(args, paths, lora_config(args))
    replaced = None
    if stored != settings and finetune_settings.has_outputs(paths):
        differences = finetune_settings.describe_differences(stored, settings)
        replaced = finetune_settings.move_aside(paths)
        events.progress(
            0,
            total,
            unit="steps",
            message=f"the outputs in {paths.finetune_dir} were trained with other settings ({differences}); "
            f"moved them to {replaced} and training from scratch",
        )
    finetune_settings.write_settings(paths.finetune_settings, settings)
    summary = train(args, paths, events, train_records, eval_records)

    atomic.write_json(paths.train_summary, summary)
    events.artifact(paths.adapter_dir, "adapter")
    events.artifact(paths.train_summary, "train summary")
    train_loss = summary["train_loss"]
    loss_text = f"{train_loss:.4g}" if isinstance(train_loss, float) else "n/a"
    kept = f"; the previous outputs are in {replaced}" if replaced else ""
    events.done(f"trained {summary['steps']} steps, train loss {loss_text}{kept}")
    return ExitCode.OK


def checkpoint_progress(checkpoint: str) -> tuple[int, int]:
    """Return (global step, planned steps) from a checkpoint's trainer state."""
    state = json.loads((Path(checkpoint) / "trainer_state.json").read_text(encoding="utf-8"))
    return int(state["global_step"]), int(state["max_steps"])


def load_final_checkpoint(model: Any, trainer: Any, checkpoint: str) -> None:
    """Load the adapter weights and the trainer state of a checkpoint that finished training."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file
    from transformers import TrainerState

    set_peft_model_state_dict(model, load_file(str(Path(checkpoint) / "adapter_model.safetensors")))
    trainer.state = TrainerState.load_from_json(str(Path(checkpoint) / "trainer_state.json"))


def last_logged(trainer: Any, key: str) -> float | None:
    for entry in reversed(trainer.state.log_history):
        if key in entry:
            return entry[key]
    return None


def final_eval_loss(trainer: Any) -> float:
    """Return the validation loss at the last step, evaluating only when that step was not evaluated."""
    evaluations = [entry for entry in trainer.state.log_history if "eval_loss" in entry]
    if evaluations and evaluations[-1].get("step") == trainer.state.global_step:
        return evaluations[-1]["eval_loss"]
    # The EventsCallback sends this evaluation's metric event through on_log.
    return trainer.evaluate()["eval_loss"]


def train(
    args: argparse.Namespace,
    paths: RunPaths,
    events: EventEmitter,
    train_records: list[dict[str, Any]],
    eval_records: list[dict[str, Any]],
) -> dict[str, Any]:
    """Train the adapter, save it with the processor, and return the summary."""
    import transformers
    from transformers import PrinterCallback, Trainer
    from transformers.trainer_utils import get_last_checkpoint

    from gpu_runner.model.collator import TrainingCollator, check_sequence_lengths
    from gpu_runner.model.loading import load_processor, load_training_model, out_of_memory_as_stage_error
    from gpu_runner.model.training import EventsCallback, ListDataset

    transformers.set_seed(args.seed)
    if args.smoke:
        from gpu_runner.smoke.tiny_model import ensure_tiny_model

        source: str | Path = ensure_tiny_model(paths.root)
    else:
        source = args.model

    processor = load_processor(source)
    # Fail on an over-long record now rather than minutes later, inside a data-loader worker.
    check_sequence_lengths(processor, train_records + eval_records, args.images_per_sample, args.max_length)
    lora = lora_config(args)
    started_at = time.monotonic()
    with out_of_memory_as_stage_error(OOM_HINT):
        model = load_training_model(source, smoke=args.smoke, lora=lora)
        trainer = Trainer(
            model=model,
            args=training_arguments(args, paths, bool(eval_records)),
            train_dataset=ListDataset(train_records),
            eval_dataset=ListDataset(eval_records) if eval_records else None,
            data_collator=TrainingCollator(
                processor,
                image_size=args.image_size,
                images_per_sample=args.images_per_sample,
                max_length=args.max_length,
            ),
            callbacks=[EventsCallback(events)],
        )
        # With tqdm off, Trainer prints every log dict on stdout; the events already carry them.
        trainer.remove_callback(PrinterCallback)
        checkpoint = get_last_checkpoint(str(paths.checkpoints_dir)) if paths.checkpoints_dir.is_dir() else None
        step, checkpoint_total = checkpoint_progress(checkpoint) if checkpoint else (0, 0)
        total_steps = planned_steps(args, len(train_records))
        finished = checkpoint is not None and checkpoint_total == total_steps and step >= checkpoint_total
        if finished:
            # Resuming from the final checkpoint would run one extra step (transformers 5.9),
            # so its weights and state are loaded instead.
            events.progress(step, total_steps, message=f"training finished in {checkpoint}", unit="steps")
            load_final_checkpoint(model, trainer, checkpoint)
            train_loss = last_logged(trainer, "train_loss") or last_logged(trainer, "loss")
        else:
            if checkpoint:
                events.progress(step, total_steps, message=f"resuming from {checkpoint}", unit="steps")
            train_loss = trainer.train(resume_from_checkpoint=checkpoint).training_loss
        eval_loss = final_eval_loss(trainer) if eval_records else None

    model.save_pretrained(paths.adapter_dir)
    processor.save_pretrained(paths.adapter_dir)
    trainable, total = model.get_nb_trainable_parameters()
    return {
        "model": str(args.model) if not args.smoke else "tiny smoke model",
        "base_model_path": str(source),
        "smoke": args.smoke,
        "steps": trainer.state.global_step,
        "epochs": trainer.state.epoch,
        "train_loss": train_loss,
        "eval_loss": eval_loss,
        "train_records": len(train_records),
        "eval_records": len(eval_records),
        "resumed_from": checkpoint,
        "runtime_s": round(time.monotonic() - started_at, 1),
        "trainable_parameters": trainable,
        "total_parameters": total,
        "settings": {
            **finetune_settings.training_settings(args, lora),
            "quantization": None if args.smoke else "4-bit NF4, double quantization, bf16 compute",
        },
    }
