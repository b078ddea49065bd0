import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cleanToken,
  discoverToken,
  expandPath,
  HubToken,
  maskToken,
  tokenFileCandidates,
} from '../../src/hub/token.js';

const TOKEN_A = 'hf_FirstTokenFromEnvironment012345aaaa';
const TOKEN_B = 'hf_SecondTokenFromTokenPath0123456bbbb';
const TOKEN_C = 'hf_ThirdTokenFromHfHomeFolder01234cccc';
const TOKEN_D = 'hf_FourthTokenAtDefaultPlace012345dddd';

let home: string;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-token-'));
});

afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

function write(file: string, content: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const defaultFile = () => path.join(home, '.cache', 'huggingface', 'token');

describe('discoverToken', () => {
  it('reads HF_TOKEN first', () => {
    write(defaultFile(), TOKEN_D);
    const result = discoverToken({ HOME: home, HF_TOKEN: `  ${TOKEN_A}\n` });

    expect(result.token?.reveal()).toBe(TOKEN_A);
    expect(result.info.source?.kind).toBe('env:HF_TOKEN');
    expect(result.info.source?.label).toBe('HF_TOKEN environment variable');
    expect(result.info.masked).toBe('hf_…aaaa');
  });

  it('reads the legacy HUGGING_FACE_HUB_TOKEN', () => {
    const result = discoverToken({ HOME: home, HUGGING_FACE_HUB_TOKEN: TOKEN_A });

    expect(result.info.source?.kind).toBe('env:HUGGING_FACE_HUB_TOKEN');
  });

  it('skips an empty HF_TOKEN', () => {
    write(defaultFile(), TOKEN_D);
    const result = discoverToken({ HOME: home, HF_TOKEN: ' \n' });

    expect(result.token?.reveal()).toBe(TOKEN_D);
    expect(result.info.source?.kind).toBe('file:default');
  });

  it('reads the HF_TOKEN_PATH file before HF_HOME', () => {
    const tokenPath = write(path.join(home, 'secrets', 'hf'), `${TOKEN_B}\r\n`);
    write(path.join(home, 'hfhome', 'token'), TOKEN_C);
    write(defaultFile(), TOKEN_D);

    const result = discoverToken({ HOME: home, HF_TOKEN_PATH: tokenPath, HF_HOME: path.join(home, 'hfhome') });

    expect(result.token?.reveal()).toBe(TOKEN_B);
    expect(result.info.source).toEqual({ kind: 'file:HF_TOKEN_PATH', path: tokenPath, label: `${tokenPath} (HF_TOKEN_PATH)` });
    expect(result.info.note).toBeNull();
  });

  it('reads HF_HOME/token before the default', () => {
    write(path.join(home, 'hfhome', 'token'), TOKEN_C);
    write(defaultFile(), TOKEN_D);

    const result = discoverToken({ HOME: home, HF_HOME: path.join(home, 'hfhome') });

    expect(result.token?.reveal()).toBe(TOKEN_C);
    expect(result.info.source?.kind).toBe('file:HF_HOME');
  });

  it('reads the default file last', () => {
    write(defaultFile(), TOKEN_D);

    const result = discoverToken({ HOME: home });

    expect(result.token?.reveal()).toBe(TOKEN_D);
    expect(result.info.source?.path).toBe(defaultFile());
    expect(result.info.huggingfaceHubFile).toBe(defaultFile());
  });

  it('uses XDG_CACHE_HOME for the default file', () => {
    const xdg = path.join(home, 'xdg');
    write(path.join(xdg, 'huggingface', 'token'), TOKEN_D);
    write(defaultFile(), TOKEN_A);

    const result = discoverToken({ HOME: home, XDG_CACHE_HOME: xdg });

    expect(result.token?.reveal()).toBe(TOKEN_D);
    expect(result.info.source?.path).toBe(path.join(xdg, 'huggingface', 'token'));
  });

  it('expands ~ in HF_TOKEN_PATH', () => {
    write(path.join(home, 'my-token'), TOKEN_B);

    const result = discoverToken({ HOME: home, HF_TOKEN_PATH: '~/my-token' });

    expect(result.info.source?.path).toBe(path.join(home, 'my-token'));
  });

  it('reports and skips an empty file', () => {
    const tokenPath = write(path.join(home, 'empty-token'), '\n');
    write(defaultFile(), TOKEN_D);

    const result = discoverToken({ HOME: home, HF_TOKEN_PATH: tokenPath });

    expect(result.info.skipped).toEqual([{ kind: 'file:HF_TOKEN_PATH', path: tokenPath, reason: 'empty' }]);
    expect(result.token?.reveal()).toBe(TOKEN_D);
    // huggingface_hub itself would read only HF_TOKEN_PATH, so the report notes it.
    expect(result.info.huggingfaceHubFile).toBe(tokenPath);
    expect(result.info.note).toContain(`reads ${tokenPath}`);
  });

  it('reports and skips an unreadable file', () => {
    // A directory where the file should be: unreadable even for root, which CI runs as.
    const hfHome = path.join(home, 'hfhome');
    fs.mkdirSync(path.join(hfHome, 'token'), { recursive: true });

    const result = discoverToken({ HOME: home, HF_HOME: hfHome });

    expect(result.token).toBeNull();
    expect(result.info.found).toBe(false);
    expect(result.info.skipped).toHaveLength(1);
    expect(result.info.skipped[0]?.path).toBe(path.join(hfHome, 'token'));
    expect(result.info.skipped[0]?.reason).toBe('unreadable');
    expect(result.info.skipped[0]?.detail).toContain('EISDIR');
  });

  it('finds nothing in an empty home', () => {
    const result = discoverToken({ HOME: home });

    expect(result.token).toBeNull();
    expect(result.info).toEqual({
      found: false,
      source: null,
      masked: null,
      skipped: [],
      huggingfaceHubFile: defaultFile(),
      note: null,
    });
  });

  it('reads a shared path once', () => {
    const hfHome = path.join(home, '.cache', 'huggingface');
    const candidates = tokenFileCandidates({ HOME: home, HF_HOME: hfHome });

    expect(candidates.map((candidate) => candidate.kind)).toEqual(['file:HF_HOME']);
  });
});

describe('maskToken', () => {
  it('keeps the prefix and last four', () => {
    expect(maskToken(TOKEN_A)).toBe('hf_…aaaa');
  });

  it('masks a token without the prefix', () => {
    expect(maskToken('abcdefghijklmnop')).toBe('…mnop');
  });

  it('masks short tokens fully', () => {
    expect(maskToken('hf_short')).toBe('****');
    expect(maskToken('hf_12345678')).toBe('****');
  });
});

describe('HubToken', () => {
  it('never turns into the value', () => {
    const token = new HubToken(TOKEN_A);

    expect(String(token)).toBe('hf_…aaaa');
    expect(`${token}`).toBe('hf_…aaaa');
    expect(JSON.stringify({ token })).toBe('{"token":"hf_…aaaa"}');
    expect(inspect({ token })).not.toContain(TOKEN_A);
    expect(inspect(token, { showHidden: true })).not.toContain(TOKEN_A);
    expect(token.reveal()).toBe(TOKEN_A);
  });
});

describe('cleanToken', () => {
  it('drops line breaks and blanks', () => {
    expect(cleanToken(' hf_abc\r\n')).toBe('hf_abc');
    expect(cleanToken('\n')).toBeNull();
    expect(cleanToken(undefined)).toBeNull();
  });
});

describe('expandPath', () => {
  it('expands home and variables', () => {
    expect(expandPath('~/x', {}, '/home/ana')).toBe('/home/ana/x');
    expect(expandPath('$BASE/${NAME}/token', { BASE: '/srv', NAME: 'hf' }, '/home/ana')).toBe('/srv/hf/token');
    expect(expandPath('$UNSET/token', {}, '/home/ana')).toBe('$UNSET/token');
  });
});
