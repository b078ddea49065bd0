from __future__ import annotations

import argparse
import errno
import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import CliResult, read_events

from gpu_runner import cli
from gpu_runner.errors import ExitCode, StageError
from gpu_runner.events import EVENTS_PATH_ENV, EventEmitter
from gpu_runner.stages import STAGES, load_stage

RunCli = Callable[..., CliResult]


@pytest.mark.parametrize("stage", [*STAGES, "all"])
def test_help_for_each_stage(run_cli: RunCli, stage: str) -> None:
    result = run_cli(stage, "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python -m gpu_runner {stage}")
    for option in ("--out DIR", "--smoke", "--seed SEED"):
        assert option in result.stdout
    assert result.events == []


def test_prepare_help_lists_its_options(run_cli: RunCli) -> None:
    result = run_cli("prepare", "--help")

    for option in ("--repo REPO", "--revision REVISION", "--source DIR", "--strict-images"):
        assert option in result.stdout


def test_top_level_help_lists_stages(run_cli: RunCli) -> None:
    result = run_cli("--help")

    assert result.returncode == 0
    for stage in [*STAGES, "all"]:
        assert stage in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["prepare", "--bogus"], "unrecognized arguments: --bogus"),
        (["prepare", "--seed", "abc"], "argument --seed: must be a whole number from 0 to 4294967295, got 'abc'"),
        (["deploy"], "invalid choice: 'deploy'"),
        ([], "the following arguments are required: STAGE"),
        (["all", "--repo", "x/y"], "unrecognized arguments: --repo x/y"),
    ],
)
def test_bad_arguments_exit_2_with_error_event(run_cli: RunCli, args: list[str], expected: str) -> None:
    result = run_cli(*args)

    assert result.returncode == 2
    assert expected in result.stderr
    assert "hint: Run 'python -m gpu_runner" in result.stderr
    assert len(result.events) == 1
    error = result.events[0]
    assert error["kind"] == "error"
    assert error["code"] == "usage"
    assert expected in error["message"]


def test_error_lines_on_stderr_without_events_file(run_cli: RunCli) -> None:
    result = run_cli("prepare", "--bogus", env={EVENTS_PATH_ENV: ""})

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: unrecognized arguments: --bogus",
        "hint: Run 'python -m gpu_runner prepare --help' for the options.",
    ]


# In-process runs with fake stage modules


class FakeStage:
    """Stand-in for a stage module, whose run() ends with the outcome the test sets."""

    def __init__(self, name: str, calls: list[tuple[str, argparse.Namespace]], outcome: Any = ExitCode.OK) -> None:
        self.name = name
        self.calls = calls
        self.outcome = outcome

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--flavour", default=f"{self.name}-default")

    def run(self, args: argparse.Namespace, events: EventEmitter) -> int:
        self.calls.append((self.name, args))
        events.start(f"{self.name} started")
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        events.done(f"{self.name} finished")
        return int(self.outcome)


@pytest.fixture
def events_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "events.jsonl"
    monkeypatch.setenv(EVENTS_PATH_ENV, str(path))
    return path


def install_stages(monkeypatch: pytest.MonkeyPatch, outcomes: dict[str, Any]) -> list[tuple[str, argparse.Namespace]]:
    calls: list[tuple[str, argparse.Namespace]] = []
    modules = {name: FakeStage(name, calls, outcomes.get(name, ExitCode.OK)) for name in STAGES}
    monkeypatch.setattr(cli, "load_stage", lambda name: modules[name])
    return calls


def test_all_runs_stages_in_order_with_same_options(
    monkeypatch: pytest.MonkeyPatch, events_path: Path, tmp_path: Path
) -> None:
    calls = install_stages(monkeypatch, {})

    exit_code = cli.main(["all", "--out", str(tmp_path / "run"), "--smoke", "--seed", "7"])

    assert exit_code == 0
    assert [name for name, _ in calls] == list(STAGES)
    for name, args in calls:
        assert args.out == tmp_path / "run"
        assert args.smoke is True
        assert args.seed == 7
        assert args.flavour == f"{name}-default"
    events = read_events(events_path)
    assert [(event["stage"], event["kind"]) for event in events] == [
        (name, kind) for name in STAGES for kind in ("start", "done")
    ]
    sequence_numbers = [event["seq"] for event in events]
    assert sequence_numbers == sorted(sequence_numbers)
    assert len(set(sequence_numbers)) == len(sequence_numbers)


def test_all_stops_at_first_failure(monkeypatch: pytest.MonkeyPatch, events_path: Path, tmp_path: Path) -> None:
    failure = StageError("no GPU found", "run on a GPU machine", ExitCode.ENVIRONMENT, code="no_gpu")
    calls = install_stages(monkeypatch, {"finetune": failure})

    exit_code = cli.main(["all", "--out", str(tmp_path)])

    assert exit_code == ExitCode.ENVIRONMENT
    assert [name for name, _ in calls] == ["prepare", "finetune"]
    last = read_events(events_path)[-1]
    assert (last["stage"], last["kind"], last["code"]) == ("finetune", "error", "no_gpu")
    assert last["message"] == "no GPU found"
    assert last["hint"] == "run on a GPU machine"


def test_stage_error_sets_exit_code_and_prints(
    monkeypatch: pytest.MonkeyPatch, events_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    install_stages(monkeypatch, {"infer": StageError("adapter missing", "run finetune first", ExitCode.USAGE)})

    exit_code = cli.main(["infer", "--out", str(tmp_path)])

    assert exit_code == ExitCode.USAGE
    assert capsys.readouterr().err.splitlines() == ["error: adapter missing", "hint: run finetune first"]
    assert read_events(events_path)[-1]["kind"] == "error"


def test_keyboard_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, events_path: Path, tmp_path: Path) -> None:
    install_stages(monkeypatch, {"finetune": KeyboardInterrupt()})

    exit_code = cli.main(["finetune", "--out", str(tmp_path)])

    assert exit_code == 130
    error = read_events(events_path)[-1]
    assert error["kind"] == "error"
    assert error["code"] == "interrupted"
    assert "interrupted" in error["message"]


def test_unexpected_exception_exits_1(
    monkeypatch: pytest.MonkeyPatch, events_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    install_stages(monkeypatch, {"evaluate": ZeroDivisionError("division by zero")})

    exit_code = cli.main(["evaluate", "--out", str(tmp_path)])

    assert exit_code == ExitCode.FAILURE
    error = read_events(events_path)[-1]
    assert error["code"] == "internal"
    assert "ZeroDivisionError: division by zero" in error["message"]
    assert "Traceback" in capsys.readouterr().err


def test_load_stage_reports_missing_module(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr("gpu_runner.stages.importlib.import_module", missing)

    with pytest.raises(StageError) as raised:
        load_stage("finetune")

    assert raised.value.exit_code == ExitCode.FAILURE
    assert raised.value.code == "stage_missing"


def test_load_stage_reports_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing_torch(name: str) -> None:
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    monkeypatch.setattr("gpu_runner.stages.importlib.import_module", missing_torch)

    with pytest.raises(StageError) as raised:
        load_stage("finetune")

    assert raised.value.exit_code == ExitCode.ENVIRONMENT
    assert raised.value.code == "missing_package"
    assert "'torch'" in raised.value.message
    assert "venv.sh" in (raised.value.hint or "")


def test_load_stage_rejects_module_without_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "gpu_runner.stages.importlib.import_module", lambda name: SimpleNamespace(add_arguments=lambda parser: None)
    )

    with pytest.raises(StageError) as raised:
        load_stage("infer")

    assert "no run() function" in raised.value.message


# The run folder (--out) and file system errors


@pytest.mark.parametrize(
    ("make_out", "expected"),
    [
        (lambda tmp: "", "argument --out: must not be empty"),
        (lambda tmp: str(tmp / ("x" * 300)), "is 300 bytes long, but the file system allows at most"),
        (lambda tmp: str(tmp / "ok" / ("y" * 300) / "run"), "is 300 bytes long"),
        (lambda tmp: str(tmp / "a-file"), "a-file is a file, not a folder"),
        (lambda tmp: str(tmp / "a-file" / "run"), "which is a file, not a folder"),
    ],
)
def test_unusable_out_is_usage_error(
    run_cli: RunCli, tmp_path: Path, make_out: Callable[[Path], str], expected: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")

    result = run_cli("prepare", "--smoke", "--out", make_out(tmp_path))

    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert "This is a bug" not in result.stderr
    assert result.events[-1]["code"] == "usage"


@pytest.mark.parametrize(
    ("error_number", "exit_code", "code", "fix"),
    [
        (errno.ENOSPC, ExitCode.ENVIRONMENT, "disk_full", "Free space on that file system, or choose another --out."),
        (errno.EACCES, ExitCode.ENVIRONMENT, "permission_denied", "Give your user access to that path"),
        (errno.EROFS, ExitCode.ENVIRONMENT, "read_only", "Use a folder on a writable file system"),
        (errno.ENAMETOOLONG, ExitCode.USAGE, "bad_path", "Use shorter folder and file names"),
        (errno.ENOTDIR, ExitCode.USAGE, "bad_path", "Move the file that is in the way of a folder"),
    ],
)
def test_os_error_in_out_becomes_stage_error(
    monkeypatch: pytest.MonkeyPatch,
    events_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    error_number: int,
    exit_code: int,
    code: str,
    fix: str,
) -> None:
    target = tmp_path / "run" / "data" / "train.jsonl"
    install_stages(monkeypatch, {"prepare": OSError(error_number, os.strerror(error_number), str(target))})

    result = cli.main(["prepare", "--out", str(tmp_path / "run")])

    assert result == exit_code
    error = read_events(events_path)[-1]
    assert error["code"] == code
    assert error["message"] == f"file system error on {target}: {os.strerror(error_number)}"
    assert error["hint"].startswith(fix)
    assert error["hint"].endswith("or choose another --out.")
    assert "Traceback" not in capsys.readouterr().err


def test_os_error_outside_out_has_no_out_hint(
    monkeypatch: pytest.MonkeyPatch, events_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source" / "images.zip"
    install_stages(monkeypatch, {"prepare": PermissionError(errno.EACCES, "Permission denied", str(source))})

    assert cli.main(["prepare", "--out", str(tmp_path / "run")]) == ExitCode.ENVIRONMENT
    error = read_events(events_path)[-1]
    assert str(source) in error["message"]
    assert error["hint"] == "Give your user access to that path."


def test_other_os_error_stays_internal(monkeypatch: pytest.MonkeyPatch, events_path: Path, tmp_path: Path) -> None:
    install_stages(monkeypatch, {"prepare": OSError(errno.EIO, "Input/output error", str(tmp_path / "x"))})

    assert cli.main(["prepare", "--out", str(tmp_path / "run")]) == ExitCode.FAILURE
    assert read_events(events_path)[-1]["code"] == "internal"
