import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'mllm-course';
let cached: string | undefined;

/**
 * Folder of mllm-course's package.json, found by walking up from this module. It works from `src/` under
 * vitest and from the bundled `dist/`, so content folders (lessons, quiz, gpu-runner) resolve the same way.
 */
export function packageRoot(): string {
  if (cached) {
    return cached;
  }

  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && readName(manifest) === PACKAGE_NAME) {
      cached = dir;
      return dir;
    }

    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`Cannot find the ${PACKAGE_NAME} package.json above ${fileURLToPath(import.meta.url)}; reinstall mllm-course.`);
    }
    dir = parent;
  }
}

/** Path of a file or folder shipped at the package root, such as `lessons` or `gpu-runner`. */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}

function readName(manifest: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
