#!/usr/bin/env bash
# Build the Python 3.12 virtual environment of gpu-runner once, and print its
# python as the last line of stdout.
#
# The environment lives outside the checkout, in
#   ${MLLM_COURSE_VENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mllm-course/venvs}/<sha256 of requirements.txt>
# so that every checkout and CI run with the same requirements shares it. A
# marker file is written only after a complete install; a folder without it is
# a broken or interrupted build and is built again.
#
# Python 3.12 is taken from, in order: $MLLM_COURSE_PYTHON312, python3.12 on
# PATH, the newest pyenv 3.12.x. The install uses uv when it is on PATH and
# `python -m venv` plus pip otherwise. Progress goes to stderr.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$script_dir/../requirements.txt"
marker_name=".mllm-course-venv-complete"

log() {
  echo "venv.sh: $*" >&2
}

fail() {
  echo "venv.sh: error: $*" >&2
  exit 1
}

# Succeed when "$1" runs and is Python 3.12. A pyenv shim for python3.12
# exists even when 3.12 is not the selected version, and then it exits 127.
is_python312() {
  [[ -n "$1" ]] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' >/dev/null 2>&1
}

find_python312() {
  if [[ -n "${MLLM_COURSE_PYTHON312:-}" ]]; then
    is_python312 "$MLLM_COURSE_PYTHON312" ||
      fail "MLLM_COURSE_PYTHON312=$MLLM_COURSE_PYTHON312 is not a working Python 3.12 interpreter"
    echo "$MLLM_COURSE_PYTHON312"
    return
  fi

  local candidate
  candidate="$(command -v python3.12 || true)"
  if is_python312 "$candidate"; then
    echo "$candidate"
    return
  fi

  if command -v pyenv >/dev/null 2>&1; then
    local version
    version="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12\.[0-9]+$' | sort -V | tail -n 1 || true)"
    if [[ -n "$version" ]]; then
      candidate="$(pyenv prefix "$version")/bin/python3.12"
      if is_python312 "$candidate"; then
        echo "$candidate"
        return
      fi
    fi
  fi

  fail "Python 3.12 not found. Install it (for example 'pyenv install 3.12') or set MLLM_COURSE_PYTHON312 to its interpreter."
}

[[ -f "$requirements" ]] || fail "requirements file not found: $requirements"

requirements_hash="$(sha256sum "$requirements" | cut -d ' ' -f 1)"
cache_root="${MLLM_COURSE_VENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mllm-course/venvs}"
venv="$cache_root/$requirements_hash"
marker="$venv/$marker_name"

if [[ -f "$marker" ]]; then
  echo "$venv/bin/python"
  exit 0
fi

mkdir -p "$cache_root"

# Two builds of the same environment at once (two checkouts, or a test run next
# to a CI run) would install into one folder, so the second waits for the first.
exec 9>"$venv.lock"
if ! flock -n 9; then
  log "waiting for another build of $venv to finish"
  flock 9
fi

if [[ -f "$marker" ]]; then
  echo "$venv/bin/python"
  exit 0
fi

python312="$(find_python312)"
log "building $venv with $python312 from $requirements"
rm -rf "$venv"

if command -v uv >/dev/null 2>&1; then
  log "installing with $(uv --version)"
  uv venv --quiet --python "$python312" "$venv" >&2
  uv pip install --python "$venv/bin/python" --requirement "$requirements" >&2
else
  log "uv not found on PATH, installing with pip"
  "$python312" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --no-input --disable-pip-version-check \
    --requirement "$requirements" >&2
fi

is_python312 "$venv/bin/python" || fail "the new environment at $venv does not run Python 3.12"
echo "$requirements_hash" >"$marker"
log "environment ready"
echo "$venv/bin/python"
