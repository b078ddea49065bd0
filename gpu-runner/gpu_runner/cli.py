"""Command line: `python -m gpu_runner <stage> [options]`.

Only the module of the stage being run is imported, so `prepare` and every
`--help` work without torch, and a stage whose module is missing fails alone.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from gpu_runner import options
from gpu_runner.errors import ExitCode, StageError, UsageError, os_error_as_stage_error
from gpu_runner.events import EventEmitter
from gpu_runner.paths import DEFAULT_OUT
from gpu_runner.stages import STAGES, load_stage

PROG = "python -m gpu_runner"
ALL = "all"
DEFAULT_SEED = 42


class ArgumentParser(argparse.ArgumentParser):
    """ArgumentParser that raises UsageError, so that a bad command line also sends an error event."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, f"Run '{self.prog} --help' for the options.")


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=options.folder_path,
        default=Path(DEFAULT_OUT),
        metavar="DIR",
        help=f"run folder that holds the outputs of every stage (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="run on generated data and a tiny random model, on the CPU, without the Hub",
    )
    parser.add_argument(
        "--seed",
        type=options.seed,
        default=DEFAULT_SEED,
        help=f"random seed for data generation, sampling and training (default: {DEFAULT_SEED})",
    )


def build_parser(selected: str | None) -> ArgumentParser:
    """Build the parser; only the `selected` stage's module is imported to add its options."""
    parser = ArgumentParser(
        prog=PROG,
        description="Hands-on stages of the mllm-course: data, QLoRA fine-tuning, inference, evaluation.",
        epilog="Events go to the file named by MLLM_EVENTS_PATH, or as lines on stderr (see PROTOCOL.md).",
    )
    subparsers = parser.add_subparsers(dest="stage", metavar="STAGE", required=True)
    for name, summary in STAGES.items():
        stage_parser = subparsers.add_parser(name, help=summary, description=summary)
        add_common_arguments(stage_parser)
        if name == selected:
            load_stage(name).add_arguments(stage_parser)

    summary = "run prepare, finetune, infer and evaluate in order, stopping at the first failure"
    all_parser = subparsers.add_parser(ALL, help=summary, description=summary)
    add_common_arguments(all_parser)
    return parser


def build_stage_parser(name: str) -> ArgumentParser:
    """Build the parser of one stage on its own, as `all` uses it to get each stage's defaults."""
    parser = ArgumentParser(prog=f"{PROG} {name}", description=STAGES[name])
    add_common_arguments(parser)
    load_stage(name).add_arguments(parser)
    return parser


def report_error(events: EventEmitter, error: StageError) -> int:
    """Send the error event, print it on stderr when events go to a file, and return its exit code."""
    events.error(error.message, error.hint, error.code)
    if events.writes_file:
        # Without an events file the emitter has already printed these lines on stderr.
        print(f"error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
    return error.exit_code


def report_unexpected(name: str, error: Exception, events: EventEmitter) -> int:
    """Print the traceback of an exception no stage expected, send it as an internal error, and return 1."""
    traceback.print_exc(file=sys.stderr)
    unexpected = StageError(
        f"stage {name} failed: {type(error).__name__}: {error}",
        "This is a bug or an unexpected state; the traceback on stderr has the details.",
        ExitCode.FAILURE,
        code="internal",
    )
    return report_error(events, unexpected)


def run_stage(name: str, args: argparse.Namespace, events: EventEmitter) -> int:
    """Run one stage and turn every way it can end into an exit code and, on failure, an error event."""
    try:
        return int(load_stage(name).run(args, events))
    except StageError as error:
        return report_error(events, error)
    except KeyboardInterrupt:
        interrupted = StageError(
            f"stage {name} interrupted",
            "Run the same command again: finished work is kept and skipped.",
            ExitCode.INTERRUPTED,
            code="interrupted",
        )
        return report_error(events, interrupted)
    except OSError as error:
        known = os_error_as_stage_error(error, getattr(args, "out", None))
        if known is None:
            return report_unexpected(name, error, events)
        return report_error(events, known)
    except Exception as error:  # noqa: BLE001 - the last line of defence sends an event instead of dying silently
        return report_unexpected(name, error, events)
    finally:
        events.close()


def run_all(args: argparse.Namespace) -> int:
    common = ["--out", str(args.out), "--seed", str(args.seed)]
    if args.smoke:
        common.append("--smoke")

    for name in STAGES:
        events = EventEmitter(name)
        try:
            stage_args = build_stage_parser(name).parse_args(common)
        except StageError as error:
            exit_code = report_error(events, error)
            events.close()
            return exit_code
        exit_code = run_stage(name, stage_args, events)
        if exit_code != ExitCode.OK:
            return exit_code
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    selected = arguments[0] if arguments and (arguments[0] in STAGES or arguments[0] == ALL) else None
    events = EventEmitter(selected or "gpu_runner")

    try:
        args = build_parser(selected).parse_args(arguments)
    except UsageError as error:
        # argparse reports unknown options from the top-level parser, whose help does not list them.
        if selected:
            error.hint = f"Run '{PROG} {selected} --help' for the options."
        exit_code = report_error(events, error)
        events.close()
        return exit_code
    except StageError as error:
        exit_code = report_error(events, error)
        events.close()
        return exit_code
    except KeyboardInterrupt:
        events.close()
        return ExitCode.INTERRUPTED

    if args.stage == ALL:
        events.close()
        return run_all(args)
    return run_stage(args.stage, args, events)
