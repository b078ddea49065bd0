"""prepare against a fake Hub on 127.0.0.1 that refuses access, as the real one does for gated repositories."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import CliResult

RunCli = Callable[..., CliResult]

REPO = "FLARE-MedFM/FLARE-MLLM-2D"
FAKE_TOKEN = "hf_FakeTokenForTestsOnly0123456789"


@dataclass
class Refusal:
    """What the fake Hub answers to every request."""

    status: int
    error_code: str | None
    message: str
    paths: list[str] = field(default_factory=list)


class FakeHub:
    def __init__(self) -> None:
        self.refusal = Refusal(401, None, "")
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.answer()

            def do_HEAD(self) -> None:
                self.answer()

            def answer(self) -> None:
                hub.refusal.paths.append(self.path)
                body = json.dumps({"error": hub.refusal.message}).encode()
                self.send_response(hub.refusal.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if hub.refusal.error_code:
                    self.send_header("X-Error-Code", hub.refusal.error_code)
                    self.send_header("X-Error-Message", hub.refusal.message)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    hub = FakeHub()
    hub.thread.start()
    yield hub
    hub.server.shutdown()
    hub.server.server_close()
    hub.thread.join(timeout=10)


def run_prepare(run_cli: RunCli, hub: FakeHub, tmp_path: Path, token: str | None) -> CliResult:
    env = {"HF_ENDPOINT": hub.endpoint, "HF_HUB_OFFLINE": "0", "HF_HUB_ETAG_TIMEOUT": "5"}
    if token is not None:
        token_file = tmp_path / "token"
        token_file.write_text(token, encoding="utf-8")
        token_file.chmod(0o600)
        env["HF_TOKEN_PATH"] = str(token_file)
    return run_cli("prepare", "--out", str(tmp_path / "out"), env=env)


def assert_error(result: CliResult, code: str) -> dict[str, object]:
    assert result.returncode == 3, result.stderr
    error = result.events[-1]
    assert error["kind"] == "error"
    assert error["stage"] == "prepare"
    assert error["code"] == code
    assert "error: " in result.stderr
    return error


def test_gated_without_token(run_cli: RunCli, fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.refusal = Refusal(401, "GatedRepo", "Access to dataset FLARE-MedFM/FLARE-MLLM-2D is restricted.")

    result = run_prepare(run_cli, fake_hub, tmp_path, token=None)

    error = assert_error(result, "no_token")
    assert REPO in str(error["message"])
    assert f"{fake_hub.endpoint}/datasets/{REPO}" in str(error["hint"])
    assert fake_hub.refusal.paths, "the stage never reached the fake Hub"


def test_gated_with_token_not_accepted(run_cli: RunCli, fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.refusal = Refusal(403, "GatedRepo", "Access to dataset is restricted and you are not in the authorized list.")

    result = run_prepare(run_cli, fake_hub, tmp_path, token=FAKE_TOKEN)

    error = assert_error(result, "gated_repo")
    assert f"{fake_hub.endpoint}/datasets/{REPO}" in str(error["hint"])
    assert "Read access to contents of all public gated repos you can access" in str(error["hint"])
    everything = result.stdout + result.stderr + json.dumps(result.events)
    assert FAKE_TOKEN not in everything


def test_forbidden_fine_grained_token(run_cli: RunCli, fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.refusal = Refusal(403, None, "This token does not have the permission to read gated repos.")

    result = run_prepare(run_cli, fake_hub, tmp_path, token=FAKE_TOKEN)

    error = assert_error(result, "forbidden")
    assert "403" in str(error["message"])
    assert "fine-grained" in str(error["hint"])
    assert FAKE_TOKEN not in result.stderr + json.dumps(result.events)


def test_repository_not_found(run_cli: RunCli, fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.refusal = Refusal(404, "RepoNotFound", "Repository not found")

    result = run_prepare(run_cli, fake_hub, tmp_path, token=FAKE_TOKEN)

    error = assert_error(result, "repo_not_found")
    assert "--repo" in str(error["hint"])


def test_offline_without_local_copy(run_cli: RunCli, tmp_path: Path) -> None:
    # run_cli sets HF_HUB_OFFLINE=1 and an empty HF_HOME.
    result = run_cli("prepare", "--out", str(tmp_path / "out"))

    error = assert_error(result, "offline")
    assert "--source" in str(error["hint"])
