#!/usr/bin/env bash
# Runs every test: the TypeScript build, the vitest suites (lessons, quiz, runner over a real sshd, Hub
# preflight, TUI in tmux, the smoke pipeline through the local runner) and the gpu-runner pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build

# The Python environment is built once per requirements hash and cached outside the checkout.
echo "test-all: preparing the gpu-runner Python environment (first run installs torch; later runs reuse it)"
MLLM_COURSE_TEST_PYTHON="$(bash gpu-runner/scripts/venv.sh | tail -n 1)"
export MLLM_COURSE_TEST_PYTHON

npx vitest run "$@"

bash gpu-runner/scripts/pytest.sh -q
