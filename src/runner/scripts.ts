/**
 * POSIX `sh` scripts that run on the target (this machine or an SSH host). Each is sent on stdin to
 * `sh -s`; every value in them is quoted with `quote`. The run folder layout they share:
 *   <work>/runs/<id>/log            combined stdout and stderr of the stage
 *   <work>/runs/<id>/events.jsonl   events, the file named by MLLM_EVENTS_PATH
 *   <work>/runs/<id>/pgid           process group (and session) id of the run
 *   <work>/runs/<id>/exit_code      exit status, written when the run ends
 *   <work>/runs/<id>/cancel_requested  present once `cancel` was asked for
 *   <work>/runs/<id>/meta.json      stage, command and start time
 *   <work>/runs/<id>/hf_token       0600 token file, only while the run lives
 */
import { quote, quoteAll } from './quote.js';
import { SERVER_TOKEN_PROBE } from '../hub/server-token.js';
import { APPS_QUERY_FIELDS, GPU_QUERY_FIELDS } from './nvidia-smi.js';

/** Exit statuses of the launch script for its own failures, above what `sh` uses for commands. */
export const LAUNCH_EXIT = {
  runExists: 90,
  noPgid: 91,
  noSetsid: 92,
} as const;

/** `${` for the shell parameter expansions inside the String.raw templates below. */
const D = '${';

/** Shell functions shared by the scripts: `~` expansion of the work folder and listing a process group. */
const PRELUDE = String.raw`
expand_home() {
  case $1 in
    "~") printf '%s\n' "$HOME" ;;
    "~/"*) printf '%s/%s\n' "$HOME" "${D}1#\~/}" ;;
    *) printf '%s\n' "$1" ;;
  esac
}

# Prints the ids of the live processes of process group $group_id. Zombies are skipped: a container whose first
# process does not reap orphans keeps them forever, and they hold no memory.
group_pids() {
  if [ -r /proc/self/stat ]; then
    for proc_dir in /proc/[0-9]*; do
      read -r stat_line 2>/dev/null < "$proc_dir/stat" || continue
      stat_rest=${D}stat_line##*) }
      set -f
      set -- $stat_rest
      set +f
      if [ "$3" = "$group_id" ] && [ "$1" != Z ]; then
        printf '%s\n' "${D}proc_dir#/proc/}"
      fi
    done
  else
    ps -A -o pid= -o pgid= -o stat= | awk -v g="$group_id" '$2 == g && $3 !~ /^Z/ { print $1 }'
  fi
}
`;

function prelude(): string {
  return PRELUDE;
}

export interface LaunchScriptOptions {
  workDir: string;
  runId: string;
  /** Folder the stage starts in, relative to the work folder or absolute. */
  cwd: string;
  /** Stage command and arguments. */
  command: readonly string[];
  /** Extra environment of the stage, names like `PYTHONUNBUFFERED`. */
  env: Readonly<Record<string, string>>;
  meta: Record<string, unknown>;
  /** Written to a 0600 file through this script's stdin, never to a command line. */
  hfToken?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_\-.]+$/;

/**
 * Builds the script that creates the run folder and starts the stage detached: `setsid -f` puts it in a new
 * session and process group, so that a closed SSH connection or a quit tutor does not signal it. The
 * wrapper records the group id, sends all output to the log, and writes the exit status when the stage ends.
 */
export function launchScript(options: LaunchScriptOptions): string {
  const envWords: string[] = [];
  for (const [name, value] of Object.entries(options.env)) {
    if (!ENV_NAME.test(name)) {
      throw new Error(`invalid environment variable name ${JSON.stringify(name)} for the stage`);
    }
    envWords.push(quote(`${name}=${value}`));
  }
  if (options.hfToken !== undefined && !TOKEN_PATTERN.test(options.hfToken)) {
    throw new Error('The Hugging Face token contains characters a token never has (it was not used). Copy it again from https://huggingface.co/settings/tokens.');
  }

  // The wrapper traps INT, TERM and HUP with a handler, not by ignoring them: handled signals are reset to
  // the default in the stage when it execs, while ignored ones would be inherited and make it deaf to a cancel.
  const wrapper = String.raw`
run_dir=$1; stage_cwd=$2; shift 2
cd "$run_dir" || exit 1
echo $$ > pgid.tmp && mv pgid.tmp pgid
trap 'signalled=1' INT TERM HUP
export MLLM_EVENTS_PATH="$run_dir/events.jsonl"
if [ -f "$run_dir/hf_token" ]; then export HF_TOKEN_PATH="$run_dir/hf_token"; fi
(cd "$stage_cwd" && exec env "$@") >> "$run_dir/log" 2>&1 < /dev/null
code=$?
rm -f "$run_dir/hf_token"
echo "$code" > exit_code.tmp && mv exit_code.tmp exit_code
`;

  const tokenBlock = options.hfToken === undefined
    ? ''
    : `(umask 077 && cat > "$run_dir/hf_token" <<'MLLM_COURSE_TOKEN_END'\n${options.hfToken}\nMLLM_COURSE_TOKEN_END\n)\n`;

  return `set -eu
${prelude()}
umask 022
work=$(expand_home ${quote(options.workDir)})
run_dir="$work/runs/"${quote(options.runId)}
setsid -f true >/dev/null 2>&1 || { echo "setsid -f (util-linux 2.31 or newer) is not available on $(hostname)" >&2; exit ${LAUNCH_EXIT.noSetsid}; }
if [ -e "$run_dir" ]; then echo "run folder $run_dir already exists" >&2; exit ${LAUNCH_EXIT.runExists}; fi
mkdir -p "$run_dir"
chmod 700 "$run_dir"
case ${quote(options.cwd)} in /*) stage_cwd=${quote(options.cwd)} ;; *) stage_cwd="$work/"${quote(options.cwd)} ;; esac
printf '%s\\n' ${quote(JSON.stringify(options.meta))} > "$run_dir/meta.json"
: > "$run_dir/log"
: > "$run_dir/events.jsonl"
${tokenBlock}setsid -f sh -c ${quote(wrapper)} mllm-course-run "$run_dir" "$stage_cwd" ${envWords.join(' ')} ${quoteAll(options.command)} < /dev/null > /dev/null 2>&1
waited=0
while [ ! -s "$run_dir/pgid" ]; do
  waited=$((waited + 1))
  if [ "$waited" -gt 200 ]; then echo "the run did not start within 10 s: no process group id in $run_dir/pgid" >&2; exit ${LAUNCH_EXIT.noPgid}; fi
  sleep 0.05
done
echo "pgid $(cat "$run_dir/pgid")"
echo "run_dir $run_dir"
`;
}

/** Seconds between two looks at the run files while following; also the heartbeat period in ticks. */
const FOLLOW_INTERVAL = '0.1';
const HEARTBEAT_TICKS = 50;
const GROUP_CHECK_TICKS = 10;
/** Largest frame the follower sends at once, so that a long backlog arrives in steady pieces. */
const MAX_FRAME_BYTES = 262_144;

/**
 * Builds the follower: it sends the log and events files from offset 0 and then what is appended, as
 * frames `L <bytes>\n<data>` and `E <bytes>\n<data>`, until the run ends. Then it sends
 * `X <exit status> <1 when cancelled>`, or `Z lost` when the process group is gone without an exit status.
 * It sends `N` when the run folder does not exist, and `H` every few seconds so that a dead connection is noticed.
 * With `once`, it sends what the files hold now and ends with `R` when the run is still going. `start`
 * gives the byte offsets to resume from after a dropped connection.
 */
export function followScript(workDir: string, runId: string, once = false, start: { log: number; events: number } = { log: 0, events: 0 }): string {
  if (!Number.isSafeInteger(start.log) || !Number.isSafeInteger(start.events) || start.log < 0 || start.events < 0) {
    throw new Error(`invalid follow offsets ${JSON.stringify(start)}`);
  }
  return String.raw`set -u
${prelude()}
work=$(expand_home ${quote(workDir)})
run_dir="$work/runs/"${quote(runId)}
if [ ! -d "$run_dir" ]; then echo N; exit 0; fi
cd "$run_dir" || { echo N; exit 0; }
log_offset=${start.log}
events_offset=${start.events}
tick=0
# Sends what $2 holds beyond the offset in variable $3, at most ${MAX_FRAME_BYTES} bytes, and sets behind=1
# when more is left, so that the loop goes on without sleeping and log and events stay interleaved.
send() {
  size=$(wc -c < "$2" 2>/dev/null || echo 0)
  size=$((size + 0))
  eval "offset=\$$3"
  if [ "$size" -gt "$offset" ]; then
    count=$((size - offset))
    if [ "$count" -gt ${MAX_FRAME_BYTES} ]; then count=${MAX_FRAME_BYTES}; behind=1; fi
    echo "$1 $count"
    tail -c +$((offset + 1)) "$2" | head -c "$count"
    eval "$3=$((offset + count))"
  fi
}
while :; do
  ended=0
  behind=0
  [ -f exit_code ] && ended=1
  send L log log_offset
  send E events.jsonl events_offset
  [ "$behind" = 1 ] && continue
  if [ "$ended" = 1 ]; then
    cancelled=0
    [ -f cancel_requested ] && cancelled=1
    echo "X $(cat exit_code) $cancelled"
    exit 0
  fi
  if [ ${once ? 1 : 0} = 1 ]; then echo R; exit 0; fi
  tick=$((tick + 1))
  if [ $((tick % ${GROUP_CHECK_TICKS})) = 0 ]; then
    group_id=$(cat pgid 2>/dev/null || echo 0)
    if [ -z "$(group_pids)" ] && [ ! -f exit_code ]; then
      behind=1
      while [ "$behind" = 1 ]; do
        behind=0
        send L log log_offset
        send E events.jsonl events_offset
      done
      rm -f hf_token
      echo "Z lost"
      exit 0
    fi
  fi
  [ $((tick % ${HEARTBEAT_TICKS})) = 0 ] && echo H
  sleep ${FOLLOW_INTERVAL}
done
`;
}

export interface CancelTimeouts {
  /** Seconds to wait after SIGINT before SIGTERM, and after SIGTERM before SIGKILL. */
  interruptS: number;
  terminateS: number;
  killS: number;
  /** Seconds to wait for the GPU driver to list none of the run's processes. */
  gpuReleaseS: number;
}

export const DEFAULT_CANCEL_TIMEOUTS: CancelTimeouts = { interruptS: 10, terminateS: 10, killS: 5, gpuReleaseS: 15 };

/**
 * Builds the cancel script. It sends SIGINT, then SIGTERM, then SIGKILL to the whole process group, each
 * followed by a wait for the group to empty. Then it checks that nvidia-smi no longer lists any process of the
 * run. It prints `pids`, `signal`, `gone`/`left`, and `gpu released|busy|unchecked` lines for the caller.
 */
export function cancelScript(workDir: string, runId: string, timeouts: CancelTimeouts = DEFAULT_CANCEL_TIMEOUTS): string {
  const ticks = (seconds: number): number => Math.max(1, Math.round(seconds * 10));
  return String.raw`set -u
${prelude()}
work=$(expand_home ${quote(workDir)})
run_dir="$work/runs/"${quote(runId)}
if [ ! -d "$run_dir" ]; then echo missing; exit 0; fi
cd "$run_dir" || exit 1
group_id=$(cat pgid 2>/dev/null || echo "")
case $group_id in ''|*[!0-9]*) echo "nopgid"; exit 0 ;; esac
run_pids=$(group_pids | tr '\n' ' ')
if [ -f exit_code ] && [ -z "$run_pids" ]; then rm -f hf_token; echo "ended $(cat exit_code)"; exit 0; fi
: > cancel_requested
echo "pids $run_pids"
wait_empty() {
  left=$1
  while [ "$left" -gt 0 ]; do
    [ -z "$(group_pids)" ] && return 0
    sleep 0.1
    left=$((left - 1))
  done
  [ -z "$(group_pids)" ]
}
last_signal=0
for pair in INT:${ticks(timeouts.interruptS)}:2 TERM:${ticks(timeouts.terminateS)}:15 KILL:${ticks(timeouts.killS)}:9; do
  signal=${D}pair%%:*}
  rest=${D}pair#*:}
  [ -z "$(group_pids)" ] && break
  kill -s "$signal" -- "-$group_id" 2>/dev/null || true
  last_signal=${D}rest#*:}
  echo "signal $signal"
  wait_empty ${D}rest%%:*} && break
done
remaining=$(group_pids | tr '\n' ' ')
if [ -n "$remaining" ]; then echo "left $remaining"; exit 0; fi
echo gone
rm -f hf_token
if [ ! -f exit_code ]; then echo $((128 + last_signal)) > exit_code.tmp && mv exit_code.tmp exit_code; fi
if ! command -v nvidia-smi >/dev/null 2>&1; then echo "gpu unchecked"; exit 0; fi
left=${ticks(timeouts.gpuReleaseS)}
while :; do
  apps=$(nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits 2>/dev/null || true)
  busy=""
  for pid in $run_pids; do
    line=$(printf '%s\n' "$apps" | awk -F', *' -v p="$pid" '$1 == p { print $1 ":" $2 }')
    [ -n "$line" ] && busy="$busy $line"
  done
  if [ -z "$busy" ]; then echo "gpu released"; exit 0; fi
  left=$((left - 1))
  if [ "$left" -le 0 ]; then echo "gpu busy$busy"; exit 0; fi
  sleep 0.1
done
`;
}

/**
 * Builds the script that prints one line per run folder of the work folder:
 * `run <id> <exit status or -> <cancelled 0|1> <alive 0|1> <stage>`.
 */
export function listRunsScript(workDir: string): string {
  return String.raw`set -u
${prelude()}
work=$(expand_home ${quote(workDir)})
[ -d "$work/runs" ] || exit 0
for dir in "$work/runs"/*/; do
  [ -d "$dir" ] || continue
  id=$(basename "$dir")
  code=-
  [ -f "$dir/exit_code" ] && code=$(cat "$dir/exit_code")
  cancelled=0
  [ -f "$dir/cancel_requested" ] && cancelled=1
  alive=0
  group_id=$(cat "$dir/pgid" 2>/dev/null || echo "")
  started=0
  case $group_id in ''|*[!0-9]*) ;; *) started=1; [ -n "$(group_pids)" ] && alive=1 ;; esac
  # A lost run (started, no process left, no exit status) never reached the wrapper's cleanup, so its token
  # file is removed here. A run still starting has no pgid yet and keeps it.
  [ "$started" = 1 ] && [ "$alive" = 0 ] && [ "$code" = - ] && rm -f "$dir/hf_token"
  stage=$(sed -n 's/.*"stage":"\([a-z]*\)".*/\1/p' "$dir/meta.json" 2>/dev/null | head -n 1)
  started_at=$(sed -n 's/.*"startedAt":"\([0-9TZ:.-]*\)".*/\1/p' "$dir/meta.json" 2>/dev/null | head -n 1)
  echo "run $id $code $cancelled $alive ${D}stage:-unknown} ${D}started_at:--}"
done
`;
}

/**
 * Builds the preflight probe, which gathers every fact in one round trip. It prints sections
 * `@@section <name>`: nvidia-smi output (GPUs, compute processes, MIG list), the Pythons found, free disk
 * under the work folder, the tools the runner needs, and where a Hugging Face token is configured on the
 * target (never the token). Each command's exit status follows as `@@rc <n>`.
 */
export function probeScript(workDir: string): string {
  return String.raw`set -u
${prelude()}
work=$(expand_home ${quote(workDir)})
echo "@@section nvidia-smi-gpus"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=${GPU_QUERY_FIELDS} --format=csv,noheader,nounits 2>&1
  echo "@@rc $?"
  echo "@@section nvidia-smi-apps"
  nvidia-smi --query-compute-apps=${APPS_QUERY_FIELDS} --format=csv,noheader,nounits 2>&1
  echo "@@rc $?"
  echo "@@section nvidia-smi-list"
  nvidia-smi -L 2>&1
  echo "@@rc $?"
else
  echo "@@rc 127"
fi
echo "@@section python"
# The same places gpu-runner/scripts/venv.sh looks, in its order, then python3.
pyenv_python=""
if command -v pyenv >/dev/null 2>&1; then
  pyenv_version=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12\.[0-9]+$' | sort -V | tail -n 1)
  [ -n "$pyenv_version" ] && pyenv_python="$(pyenv prefix "$pyenv_version" 2>/dev/null)/bin/python3.12"
fi
for py in "${D}MLLM_COURSE_PYTHON312:-}" python3.12 "$pyenv_python" python3; do
  [ -n "$py" ] || continue
  command -v "$py" >/dev/null 2>&1 || continue
  version=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || continue
  echo "$py $version"
done
echo "@@rc 0"
echo "@@section disk"
dir=$work
while [ ! -d "$dir" ]; do dir=$(dirname "$dir"); done
echo "$dir"
df -Pk "$dir" | tail -n 1
echo "@@rc $?"
echo "@@section tools"
for tool in tar uv bash flock nvidia-smi; do
  if command -v "$tool" >/dev/null 2>&1; then echo "$tool yes"; else echo "$tool no"; fi
done
# The launch needs --fork (util-linux 2.31 or newer), which older setsid builds lack.
if setsid -f true >/dev/null 2>&1; then echo "setsid yes"; else echo "setsid no"; fi
echo "@@rc 0"
echo "@@section host"
echo "$(uname -sm) $(hostname)"
echo "@@rc 0"
echo "@@section hf-token"
${SERVER_TOKEN_PROBE}
echo "@@rc 0"
`;
}
