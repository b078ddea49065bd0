// Bundles the TypeScript CLI (src/cli.ts and what it imports) into dist/ with esbuild. One bundle starts about twice as fast as hundreds of
// separate ES modules, and code splitting keeps Ink out of plain commands such as `read` and `--version`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist');

const result = await build({
  metafile: true,
  entryPoints: [path.join(root, 'src', 'cli.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  alias: { 'cli-highlight': path.join(root, 'scripts', 'bundle', 'cli-highlight-stub.js') },
  // Ink imports react-devtools-core only when DEV=true; it is not a dependency of this package.
  external: ['react-devtools-core'],
  // Bundled CommonJS packages call require(); ES modules have none, so the bundle makes one.
  banner: { js: "import { createRequire as __mllmCreateRequire } from 'node:module';\nconst require = __mllmCreateRequire(import.meta.url);" },
  jsx: 'automatic',
});

// Chunks of an earlier build are removed only now: emptying dist/ first would break a CLI that another
// process (a test, a running tutor) is loading at this moment.
const written = new Set(Object.keys(result.metafile.outputs).map((file) => path.resolve(root, file)));
for (const name of fs.readdirSync(outdir)) {
  const file = path.join(outdir, name);
  if (!written.has(file) && fs.statSync(file).isFile()) {
    fs.rmSync(file);
  }
}

fs.chmodSync(path.join(outdir, 'cli.js'), 0o755);
