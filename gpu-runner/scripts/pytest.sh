#!/usr/bin/env bash
# Run the gpu-runner tests with the pinned environment (built on first use by
# venv.sh). Arguments are passed on to pytest. Exits non-zero when pytest
# collects no test, so that an empty run never counts as a pass.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="$("$script_dir/venv.sh" | tail -n 1)"

cd "$script_dir/.."
status=0
"$python" -m pytest "$@" || status=$?

# pytest exits 5 when it ran no test: none collected, or all deselected.
if [[ $status -eq 5 ]]; then
  echo "pytest.sh: error: pytest ran no test (exit 5) in $(pwd); check the test selection" >&2
  exit 1
fi
exit "$status"
