import path from 'node:path';

/** Longest file name most Linux file systems accept (ext4, xfs, btrfs), in bytes. */
const MAX_NAME_BYTES = 255;

/**
 * Checks the `--out` value of `run`: a folder relative to the work folder that stays inside it, or an
 * absolute path. Returns the value as given; throws with the reason and the fix otherwise.
 */
export function validateOutDir(value: string): string {
  if (value.trim() === '') {
    throw new Error('--out is empty; give a folder name such as `out`, relative to the work folder, or an absolute path');
  }
  for (const name of value.split('/')) {
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
      throw new Error(`--out has a folder name of ${Buffer.byteLength(name)} bytes; file systems accept at most ${MAX_NAME_BYTES}`);
    }
  }
  if (path.posix.isAbsolute(value)) {
    return value;
  }
  const normalized = path.posix.normalize(value);
  if (normalized === '.' || normalized === './') {
    throw new Error(`--out ${value} is the work folder itself, where the runner keeps runs/ and venvs/; give a subfolder such as \`out\``);
  }
  if (normalized === '..' || normalized.startsWith('../')) {
    throw new Error(`--out ${value} leaves the work folder; give a folder inside it, or an absolute path to write elsewhere`);
  }
  return value;
}
