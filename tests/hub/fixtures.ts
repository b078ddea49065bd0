import type { FakeRepo, FakeUser } from './fake-hub.js';

/** Tokens of the fake Hub's users; each is 37 characters like a real Hub token. */
export const TOKENS = {
  accepted: 'hf_AnaAcceptedEverything0123456789wxyz',
  notAccepted: 'hf_BenNeverAcceptedMedGemma012345abcd',
  fineGrained: 'hf_CaraFineGrainedNoGatedRead0123efgh',
  pending: 'hf_DanWaitsForReview0123456789abcijkl',
  unknown: 'hf_ThisTokenIsNotKnownToTheHub0123mnop',
} as const;

export const USERS: FakeUser[] = [
  {
    token: TOKENS.accepted,
    name: 'ana',
    role: 'read',
    accepted: ['FLARE-MedFM/FLARE-MLLM-2D', 'google/medgemma-1.5-4b-it', 'rajpurkarlab/medgemma-4b-it-crimson'],
  },
  {
    token: TOKENS.notAccepted,
    name: 'ben',
    role: 'read',
    accepted: ['FLARE-MedFM/FLARE-MLLM-2D', 'rajpurkarlab/medgemma-4b-it-crimson'],
  },
  {
    token: TOKENS.fineGrained,
    name: 'cara',
    role: 'fineGrained',
    canReadGatedRepos: false,
    accepted: ['FLARE-MedFM/FLARE-MLLM-2D', 'google/medgemma-1.5-4b-it', 'rajpurkarlab/medgemma-4b-it-crimson'],
  },
  {
    token: TOKENS.pending,
    name: 'dan',
    role: 'read',
    accepted: ['FLARE-MedFM/FLARE-MLLM-2D', 'rajpurkarlab/medgemma-4b-it-crimson'],
    pending: ['google/medgemma-1.5-4b-it'],
  },
];

/** Bytes of the files each stage downloads from the repositories below. */
export const EXPECTED_BYTES = {
  dataset: 5_000_000 + 80_000_000 + 1_200_000 + 25_800_000,
  medgemma: 3_000 + 33_000_000 + 4_700_000 + 1_100_000 + 1_500 + 4_960_000_000 + 3_640_000_000 + 90_000 + 600,
  green: 700 + 9_900_000_000 + 3_500_000_000 + 500_000 + 1_000 + 400,
  crimson: 3_000 + 4_960_000_000 + 2_840_000_000 + 90_000 + 33_000_000,
};

export function courseRepos(): FakeRepo[] {
  return [
    {
      type: 'dataset',
      id: 'FLARE-MedFM/FLARE-MLLM-2D',
      gated: 'auto',
      files: [
        { path: 'README.md', size: 2_000 },
        { path: 'training/Xray/IU_XRay/IU_XRay_questions_train.json', size: 5_000_000, lfs: true },
        { path: 'training/Xray/IU_XRay/imagesTr.zip', size: 80_000_000, lfs: true },
        { path: 'training/CT/AbdomenCT/imagesTr.zip', size: 9_000_000_000, lfs: true },
        { path: 'validation-public/Xray/IU_XRay/IU_XRay_questions_val.json', size: 1_200_000, lfs: true },
        { path: 'validation-public/Xray/IU_XRay/imagesVal.zip', size: 25_800_000, lfs: true },
        { path: 'validation-public/Xray/Chest/imagesVal.zip', size: 700_000_000, lfs: true },
      ],
    },
    {
      type: 'model',
      id: 'google/medgemma-1.5-4b-it',
      gated: 'manual',
      files: [
        { path: '.gitattributes', size: 1_600 },
        { path: 'README.md', size: 9_000 },
        { path: 'config.json', size: 3_000 },
        { path: 'tokenizer.json', size: 33_000_000, lfs: true },
        { path: 'tokenizer.model', size: 4_700_000, lfs: true },
        { path: 'tokenizer_config.json', size: 1_100_000 },
        { path: 'chat_template.jinja', size: 1_500 },
        { path: 'model-00001-of-00002.safetensors', size: 4_960_000_000, lfs: true },
        { path: 'model-00002-of-00002.safetensors', size: 3_640_000_000, lfs: true },
        { path: 'model.safetensors.index.json', size: 90_000 },
        { path: 'preprocessor_config.json', size: 600 },
        { path: 'original/consolidated.pth', size: 8_000_000_000, lfs: true },
      ],
    },
    {
      type: 'model',
      id: 'StanfordAIMI/GREEN-radllama2-7b',
      gated: false,
      files: [
        { path: 'config.json', size: 700 },
        { path: 'pytorch_model-00001-of-00002.bin', size: 9_900_000_000, lfs: true },
        { path: 'pytorch_model-00002-of-00002.bin', size: 3_500_000_000, lfs: true },
        { path: 'training_args.bin', size: 5_000, lfs: true },
        { path: 'tokenizer.model', size: 500_000, lfs: true },
        { path: 'tokenizer_config.json', size: 1_000 },
        { path: 'special_tokens_map.json', size: 400 },
      ],
    },
    {
      type: 'model',
      id: 'rajpurkarlab/medgemma-4b-it-crimson',
      gated: 'auto',
      files: [
        { path: 'config.json', size: 3_000 },
        { path: 'model-00001-of-00002.safetensors', size: 4_960_000_000, lfs: true },
        { path: 'model-00002-of-00002.safetensors', size: 2_840_000_000, lfs: true },
        { path: 'model.safetensors.index.json', size: 90_000 },
        { path: 'tokenizer.json', size: 33_000_000, lfs: true },
        { path: 'README.md', size: 4_000 },
      ],
    },
  ];
}
