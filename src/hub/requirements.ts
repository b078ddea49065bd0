/** Pipeline stages that download from the Hub, in run order. */
export const STAGE_NAMES = ['prepare', 'finetune', 'infer', 'evaluate'] as const;
export type StageName = (typeof STAGE_NAMES)[number];
/** One stage, or `all` for the whole pipeline. */
export type StageSelection = StageName | 'all';

export type RepoType = 'model' | 'dataset';

/** A Hub repository a stage reads, and which of its files the stage downloads. */
export interface RepoRequirement {
  /** `owner/name` on the Hub. */
  id: string;
  type: RepoType;
  /** Role in the course, shown next to the repository. */
  purpose: string;
  stages: readonly StageName[];
  /** Folders to list on the Hub (recursively); `''` lists the whole repository. */
  listPaths: readonly string[];
  /** Glob patterns (`*` within a folder, `**` across folders) of the files the stage downloads. */
  include: readonly string[];
  /**
   * Patterns added when `include` matches no `.safetensors` file, because transformers then loads the
   * PyTorch `.bin` weights instead.
   */
  fallbackInclude?: readonly string[];
}

/**
 * Files `from_pretrained` fetches for a transformers model and its processor: the top-level JSON configs,
 * safetensors weights, SentencePiece model, chat template and vocabulary files.
 */
const TRANSFORMERS_FILES = ['*.json', '*.safetensors', '*.model', '*.jinja', '*.txt'] as const;
// Only the weight shards: other `.bin` files such as `training_args.bin` are not loaded.
const TRANSFORMERS_BIN_FALLBACK = ['pytorch_model*.bin'] as const;

/** Every repository the course's stages read. The prepare stage downloads only the IU X-ray folders. */
export const REPO_REQUIREMENTS: readonly RepoRequirement[] = [
  {
    id: 'FLARE-MedFM/FLARE-MLLM-2D',
    type: 'dataset',
    purpose: 'FLARE-MLLM-2D data set (IU X-ray report questions)',
    stages: ['prepare'],
    listPaths: ['training/Xray/IU_XRay', 'validation-public/Xray/IU_XRay'],
    include: ['training/Xray/IU_XRay/**', 'validation-public/Xray/IU_XRay/**'],
  },
  {
    id: 'google/medgemma-1.5-4b-it',
    type: 'model',
    purpose: 'MedGemma 1.5 4B, the model fine-tuned and compared',
    stages: ['finetune', 'infer'],
    listPaths: [''],
    include: TRANSFORMERS_FILES,
    fallbackInclude: TRANSFORMERS_BIN_FALLBACK,
  },
  {
    id: 'StanfordAIMI/GREEN-radllama2-7b',
    type: 'model',
    purpose: 'GREEN judge model',
    stages: ['evaluate'],
    listPaths: [''],
    include: TRANSFORMERS_FILES,
    fallbackInclude: TRANSFORMERS_BIN_FALLBACK,
  },
  {
    id: 'rajpurkarlab/medgemma-4b-it-crimson',
    type: 'model',
    purpose: 'CRIMSON judge model',
    stages: ['evaluate'],
    listPaths: [''],
    include: TRANSFORMERS_FILES,
    fallbackInclude: TRANSFORMERS_BIN_FALLBACK,
  },
];

export function isStageSelection(value: string): value is StageSelection {
  return value === 'all' || (STAGE_NAMES as readonly string[]).includes(value);
}

/** Repositories the selected stage (or all stages) needs, in pipeline order. */
export function requirementsFor(
  stage: StageSelection,
  requirements: readonly RepoRequirement[] = REPO_REQUIREMENTS,
): RepoRequirement[] {
  return requirements.filter((requirement) => stage === 'all' || requirement.stages.includes(stage));
}

/** Web page of a repository: `https://huggingface.co/<id>` or `https://huggingface.co/datasets/<id>`. */
export function repoUrl(requirement: Pick<RepoRequirement, 'id' | 'type'>, endpoint = 'https://huggingface.co'): string {
  const base = endpoint.replace(/\/+$/, '');
  return requirement.type === 'dataset' ? `${base}/datasets/${requirement.id}` : `${base}/${requirement.id}`;
}

/** Converts a glob to an anchored regular expression: `**` matches across `/`, `*` and `?` do not. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] as string;
    if (char === '*' && glob[index + 1] === '*') {
      source += '.*';
      index += 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

export function matchesAny(filePath: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => globToRegExp(pattern).test(filePath));
}

/** A file from a Hub listing, with its real size (the LFS object's size for LFS files). */
export interface RepoFile {
  path: string;
  size: number;
  /** Stored in LFS or Xet, so downloading it goes through a redirect or a Xet-specific response. */
  large?: boolean;
}

/** Picks the files a stage downloads from a repository listing, applying the `.bin` fallback. */
export function selectDownloadFiles(requirement: RepoRequirement, files: readonly RepoFile[]): RepoFile[] {
  const selected = files.filter((file) => matchesAny(file.path, requirement.include));
  const hasSafetensors = selected.some((file) => file.path.endsWith('.safetensors'));
  if (hasSafetensors || !requirement.fallbackInclude) {
    return selected;
  }
  const fallback = files.filter(
    (file) => matchesAny(file.path, requirement.fallbackInclude ?? []) && !selected.includes(file),
  );
  return [...selected, ...fallback];
}
