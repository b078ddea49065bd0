import { describe, expect, it } from 'vitest';
import {
  globToRegExp,
  REPO_REQUIREMENTS,
  repoUrl,
  requirementsFor,
  selectDownloadFiles,
  type RepoRequirement,
} from '../../src/hub/requirements.js';

const model = REPO_REQUIREMENTS.find((item) => item.id === 'google/medgemma-1.5-4b-it') as RepoRequirement;
const dataset = REPO_REQUIREMENTS.find((item) => item.type === 'dataset') as RepoRequirement;

describe('requirementsFor', () => {
  it('maps stages to repositories', () => {
    expect(requirementsFor('prepare').map((item) => item.id)).toEqual(['FLARE-MedFM/FLARE-MLLM-2D']);
    expect(requirementsFor('finetune').map((item) => item.id)).toEqual(['google/medgemma-1.5-4b-it']);
    expect(requirementsFor('infer').map((item) => item.id)).toEqual(['google/medgemma-1.5-4b-it']);
    expect(requirementsFor('evaluate').map((item) => item.id)).toEqual([
      'StanfordAIMI/GREEN-radllama2-7b',
      'rajpurkarlab/medgemma-4b-it-crimson',
    ]);
    expect(requirementsFor('all')).toHaveLength(4);
  });
});

describe('repoUrl', () => {
  it('builds model and data set pages', () => {
    expect(repoUrl(model)).toBe('https://huggingface.co/google/medgemma-1.5-4b-it');
    expect(repoUrl(dataset)).toBe('https://huggingface.co/datasets/FLARE-MedFM/FLARE-MLLM-2D');
    expect(repoUrl(model, 'http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/google/medgemma-1.5-4b-it');
  });
});

describe('globToRegExp', () => {
  it('keeps * inside one folder', () => {
    expect(globToRegExp('*.json').test('config.json')).toBe(true);
    expect(globToRegExp('*.json').test('original/params.json')).toBe(false);
  });

  it('lets ** cross folders', () => {
    expect(globToRegExp('training/Xray/IU_XRay/**').test('training/Xray/IU_XRay/images/a-0.png')).toBe(true);
    expect(globToRegExp('training/Xray/IU_XRay/**').test('training/Xray/IU_XRay2/a.png')).toBe(false);
  });

  it('escapes regex characters', () => {
    expect(globToRegExp('a+b.(1)').test('a+b.(1)')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('selectDownloadFiles', () => {
  it('prefers safetensors over bin', () => {
    const files = [
      { path: 'config.json', size: 1 },
      { path: 'model.safetensors', size: 10 },
      { path: 'pytorch_model.bin', size: 10 },
      { path: 'README.md', size: 5 },
    ];
    expect(selectDownloadFiles(model, files).map((file) => file.path)).toEqual(['config.json', 'model.safetensors']);
  });

  it('falls back to bin shards', () => {
    const files = [
      { path: 'config.json', size: 1 },
      { path: 'pytorch_model-00001-of-00002.bin', size: 10 },
      { path: 'training_args.bin', size: 3 },
    ];
    expect(selectDownloadFiles(model, files).map((file) => file.path)).toEqual([
      'config.json',
      'pytorch_model-00001-of-00002.bin',
    ]);
  });

  it('keeps only the IU X-ray folders', () => {
    const files = [
      { path: 'training/Xray/IU_XRay/q.json', size: 1 },
      { path: 'training/CT/Other/q.json', size: 1 },
      { path: 'validation-public/Xray/IU_XRay/imagesVal.zip', size: 1 },
      { path: 'validation-hidden/Xray/IU_XRay/q.json', size: 1 },
    ];
    expect(selectDownloadFiles(dataset, files).map((file) => file.path)).toEqual([
      'training/Xray/IU_XRay/q.json',
      'validation-public/Xray/IU_XRay/imagesVal.zip',
    ]);
  });
});
