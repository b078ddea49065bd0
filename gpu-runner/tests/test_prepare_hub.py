"""prepare against a fake Hub on 127.0.0.1 that refuses access, as the real one does for gated repositories."""

from __future__ import annotations

import hashlib
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
    """Response of the fake Hub to every request."""

    status: int
    error_code: str | None
    message: str
    paths: list[str] = field(default_factory=list)


COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeHub:
    """Refuses every request with `refusal`, or, when `files` is set, serves them as a dataset repository.

    The served part covers the requests of huggingface_hub 1.33: repository info,
    the recursive tree listing, and a HEAD then GET per file under /resolve/.
    """

    def __init__(self) -> None:
        self.refusal = Refusal(401, None, "")
        self.files: dict[str, bytes] | None = None
        self.downloads: list[str] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.serve() if hub.files is not None else self.answer()

            def do_HEAD(self) -> None:
                self.serve() if hub.files is not None else self.answer()

            def send_body(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def serve(self) -> None:
                assert hub.files is not None
                path = self.path.split("?", 1)[0]
                api_prefix = f"/api/datasets/{REPO}"
                resolve_prefix = f"/datasets/{REPO}/resolve/"
                json_type = {"Content-Type": "application/json"}
                if path.startswith(f"{api_prefix}/revision/"):
                    siblings = [{"rfilename": name} for name in hub.files]
                    info = {"id": REPO, "_id": "fake", "sha": COMMIT, "private": False, "gated": "manual",
                            "siblings": siblings, "tags": []}
                    self.send_body(200, json.dumps(info).encode(), json_type)
                elif path.startswith(f"{api_prefix}/tree/"):
                    tree = [
                        {"type": "file", "path": name, "size": len(data), "oid": f"{index:040x}"}
                        for index, (name, data) in enumerate(hub.files.items())
                    ]
                    self.send_body(200, json.dumps(tree).encode(), json_type)
                elif path.startswith(resolve_prefix):
                    name = path[len(resolve_prefix):].split("/", 1)[1]
                    data = hub.files.get(name)
                    if data is None:
                        self.send_body(404, b"{}", {**json_type, "X-Error-Code": "EntryNotFound"})
                        return
                    if self.command == "GET":
                        hub.downloads.append(name)
                    headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{hashlib.sha1(data).hexdigest()}"',
                               "Content-Type": "application/octet-stream"}
                    self.send_body(200, data, headers)
                else:
                    self.send_body(404, b"{}", json_type)

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


def smoke_files(tmp_path: Path) -> dict[str, bytes]:
    """The files of a generated FLARE tree, keyed by their path in the repository."""
    from gpu_runner.data.smoke import generate_smoke_source

    root = tmp_path / "generated"
    generate_smoke_source(root, seed=3)
    files = {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }
    # Other datasets of the repository must not be downloaded.
    files["training/CT/Other/Other_train.json"] = b"[]"
    files["README.md"] = b"# FLARE"
    return files


def test_downloads_iu_xray_and_builds_records(run_cli: RunCli, fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.files = smoke_files(tmp_path)
    out = tmp_path / "out"

    result = run_prepare(run_cli, fake_hub, tmp_path, token=FAKE_TOKEN)

    assert result.returncode == 0, result.stderr
    assert sorted(fake_hub.downloads) == sorted(
        name for name in fake_hub.files if name.startswith(("training/Xray/IU_XRay/", "validation-public/Xray/IU_XRay/"))
    )
    assert not (out / "dataset" / "training" / "CT").exists()
    downloads = [event for event in result.events if event["kind"] == "progress" and event.get("unit") == "files"
                 and "downloading" in event.get("message", "")]
    assert downloads[-1]["step"] == downloads[-1]["total"] == 4
    summary = json.loads((out / "data" / "summary.json").read_text())
    assert summary["repo"] == REPO
    assert summary["train"]["rows"] == 32
    assert summary["validation"]["rows"] == 20
    first = json.loads((out / "data" / "train.jsonl").read_text().splitlines()[0])
    assert first["images"][0].startswith(str(out / "dataset" / "training" / "Xray" / "IU_XRay" / "imagesTr"))
    assert FAKE_TOKEN not in result.stderr + json.dumps(result.events)


def test_second_download_run_skips_work(run_cli: RunCli, fake_hub: FakeHub, tmp_path: Path) -> None:
    fake_hub.files = smoke_files(tmp_path)
    assert run_prepare(run_cli, fake_hub, tmp_path, token=FAKE_TOKEN).returncode == 0
    fake_hub.downloads.clear()

    again = run_prepare(run_cli, fake_hub, tmp_path, token=FAKE_TOKEN)

    assert again.returncode == 0, again.stderr
    assert fake_hub.downloads == []
    assert "up to date" in again.events[-1]["message"]
