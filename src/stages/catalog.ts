import type { StageId } from '../lessons/schema.js';

/** Facts about a hands-on stage, shown in the lessons' hands-on panels and by the runner. */
export interface StageInfo {
  id: StageId;
  title: string;
  /** Lesson that teaches the stage. */
  lessonId: string;
  /** One or two sentences on what the stage does. */
  does: string;
  /** Minutes the course states for one full run on a recommended GPU; an estimate, not a limit. */
  minutes: number;
  hardware: string;
  /** Hugging Face Hub repositories the stage fetches, with sizes; empty when it fetches nothing. */
  downloads: string[];
  /** Hub repositories whose terms the user must accept before the stage can download them. */
  gatedRepos: string[];
}

const GPU_40GB = 'One NVIDIA GPU with bf16 and at least 40 GB (A100, H100 or RTX PRO 6000); T4 and V100 lack bf16.';

export const STAGES: readonly StageInfo[] = [
  {
    id: 'prepare',
    title: 'Prepare the data',
    lessonId: '03',
    does:
      'Downloads the IU X-ray part of FLARE-MLLM-2D (training and public validation), extracts the images and ' +
      'writes one chat-style SFT record per question to train.jsonl and validation.jsonl.',
    minutes: 7,
    hardware: 'CPU only, no GPU needed; the download is about 112 MB before the images are extracted.',
    downloads: ['FLARE-MedFM/FLARE-MLLM-2D: training/Xray/IU_XRay and validation-public/Xray/IU_XRay (4 files, about 112 MB)'],
    gatedRepos: ['FLARE-MedFM/FLARE-MLLM-2D'],
  },
  {
    id: 'finetune',
    title: 'Fine-tune with QLoRA',
    lessonId: '04',
    does:
      'Loads MedGemma 1.5 4B in 4-bit NF4, attaches LoRA adapters (r 16, alpha 16) to every linear layer and ' +
      'trains them for 0.25 epochs on the frontal views, then saves the adapter.',
    minutes: 15,
    hardware: GPU_40GB,
    downloads: ['google/medgemma-1.5-4b-it: 2 safetensors shards, 8.6 GB'],
    gatedRepos: ['google/medgemma-1.5-4b-it'],
  },
  {
    id: 'infer',
    title: 'Run inference',
    lessonId: '05',
    does:
      'Answers 16 validation questions with the base model and with the fine-tuned adapter (greedy decoding, ' +
      'at most 256 new tokens) and writes both answers beside the reference.',
    minutes: 5,
    hardware: GPU_40GB,
    downloads: ['google/medgemma-1.5-4b-it (already cached after fine-tuning)'],
    gatedRepos: ['google/medgemma-1.5-4b-it'],
  },
  {
    id: 'evaluate',
    title: 'Evaluate with GREEN and CRIMSON',
    lessonId: '06',
    does:
      'Scores every base and fine-tuned answer against its reference with two judge models, GREEN and CRIMSON, ' +
      'and writes the mean per model with each sample\'s errors.',
    minutes: 5,
    hardware: GPU_40GB,
    downloads: [
      'StanfordAIMI/GREEN-radllama2-7b: 13.5 GB',
      'rajpurkarlab/medgemma-4b-it-crimson: 7.8 GB',
    ],
    gatedRepos: [],
  },
];

/** Returns the command a student types to run a stage. */
export function stageCommand(id: StageId): string {
  return `mllm-course run ${id}`;
}

export function findStage(id: StageId): StageInfo {
  const stage = STAGES.find((candidate) => candidate.id === id);
  if (!stage) {
    throw new Error(`Unknown stage "${id}"; expected one of ${STAGES.map((known) => known.id).join(', ')}`);
  }
  return stage;
}
