import type { ServerTokenState } from './report.js';

/**
 * POSIX sh snippet for the runner's probe on the GPU server. It prints one line, `hf-token: <source>`,
 * naming the token huggingface_hub would use there (`env:HF_TOKEN`, `env:HUGGING_FACE_HUB_TOKEN`,
 * `file:<path>`) or `none`. It never prints the token: the value goes only through the shell's `printf`
 * builtin into `tr` on a pipe, never into an argument list.
 */
export const SERVER_TOKEN_PROBE = [
  `hf_token_set() { [ -n "$(printf '%s' "$1" | tr -d ' \\t\\r\\n')" ]; }`,
  'if hf_token_set "${HF_TOKEN:-}"; then',
  '  echo "hf-token: env:HF_TOKEN"',
  'elif hf_token_set "${HUGGING_FACE_HUB_TOKEN:-}"; then',
  '  echo "hf-token: env:HUGGING_FACE_HUB_TOKEN"',
  'else',
  '  hf_token_file="${HF_TOKEN_PATH:-${HF_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/huggingface}/token}"',
  '  case "$hf_token_file" in "~/"*) hf_token_file="$HOME/${hf_token_file#\\~/}" ;; esac',
  `  if [ -f "$hf_token_file" ] && [ -r "$hf_token_file" ] && grep -q '[^[:space:]]' "$hf_token_file"; then`,
  '    echo "hf-token: file:$hf_token_file"',
  '  else',
  '    echo "hf-token: none"',
  '  fi',
  'fi',
  '',
].join('\n');

export interface ServerTokenProbe {
  state: ServerTokenState;
  /** `env:HF_TOKEN`, `env:HUGGING_FACE_HUB_TOKEN` or `file:<path>`; null when there is none or the probe failed. */
  source: string | null;
}

/** Reads the `hf-token:` line that {@link SERVER_TOKEN_PROBE} printed; without one the state is unknown. */
export function parseServerTokenProbe(output: string): ServerTokenProbe {
  const match = /^hf-token: (.+)$/m.exec(output);
  if (!match) {
    return { state: 'unknown', source: null };
  }
  const source = (match[1] ?? '').trim();
  if (source === 'none') {
    return { state: 'absent', source: null };
  }
  return { state: 'present', source };
}
