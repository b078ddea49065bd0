import { describe, expect, it } from 'vitest';
import { loadLessons } from '../../src/lessons/load.js';
import type { Lesson } from '../../src/lessons/schema.js';

const lessons = loadLessons();

const EXPECTED_LESSONS = [
  { id: '01', slug: 'background', file: '01-background.md', stage: undefined },
  { id: '02', slug: 'architecture', file: '02-architecture.md', stage: undefined },
  { id: '03', slug: 'data-preparation', file: '03-data-preparation.md', stage: 'prepare' },
  { id: '04', slug: 'fine-tuning', file: '04-fine-tuning.md', stage: 'finetune' },
  { id: '05', slug: 'inference', file: '05-inference.md', stage: 'infer' },
  { id: '06', slug: 'evaluation', file: '06-evaluation.md', stage: 'evaluate' },
  { id: '07', slug: 'conclusion', file: '07-conclusion.md', stage: undefined },
  { id: '08', slug: 'quiz', file: '08-quiz.md', stage: undefined },
] as const;

/** Section ids that quiz questions and the reader link to; each lesson may add more. */
const REQUIRED_SECTIONS: Record<string, string[]> = {
  '01': [
    'task-categories',
    'latent-spaces',
    'alignment-styles',
    'llava',
    'blip2',
    'flamingo',
    'kosmos',
    'anatomy',
    'clinical-applications',
    'parsing-outputs',
    'course-setup',
  ],
  '02': [
    'overview',
    'pixels-to-tokens',
    'medsiglip',
    'sigmoid-loss',
    'pooling-projector',
    'tiles-vs-whole-image',
    'gemma3-decoder',
    'gqa',
    'local-global',
    'attention-mask',
    'long-context-3d',
  ],
  '03': ['flare-dataset', 'layout', 'sft-records', 'images', 'hands-on'],
  '04': [
    'why-finetune',
    'peft',
    'lora',
    'lora-params',
    'qlora',
    'nf4-double-quant',
    'paged-optimizers',
    'hyperparameters',
    'label-masking',
    'adapter',
    'hands-on',
  ],
  '05': ['base-vs-finetuned', 'generation', 'thought-stripping', 'sample', 'hands-on'],
  '06': ['why-not-ngram', 'green', 'crimson', 'normal-samples', 'reading-scores', 'hands-on'],
  '07': ['takeaways', 'next-steps'],
  '08': ['coverage', 'grading', 'history'],
};

/** A fact a lesson must teach: where it must appear and a pattern for its wording. */
interface Fact {
  lesson: string;
  /** Section id whose text must contain the fact; the whole lesson body when absent. */
  section?: string;
  fact: string;
  pattern: RegExp;
}

/** Returns a regex source matching a number with or without thousands separators, e.g. "4,096" or "4096". */
function numberPattern(digits: string): string {
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return grouped === digits ? digits : `(?:${grouped}|${digits})`;
}

function fact(lesson: string, section: string | undefined, description: string, pattern: RegExp): Fact {
  return section === undefined ? { lesson, fact: description, pattern } : { lesson, section, fact: description, pattern };
}

const FACTS: Fact[] = [
  // 01 background
  fact('01', 'task-categories', 'audio-text-to-text', /audio-text-to-text/i),
  fact('01', 'task-categories', 'image-text-to-text', /image-text-to-text/i),
  fact('01', 'task-categories', 'image-text-to-image', /image-text-to-image/i),
  fact('01', 'task-categories', 'image-text-to-video', /image-text-to-video/i),
  fact('01', 'task-categories', 'video-text-to-text', /video-text-to-text/i),
  fact('01', 'task-categories', 'any-to-any', /any-to-any/i),
  fact('01', 'latent-spaces', 'training is stochastic', /stochastic/i),
  fact('01', 'latent-spaces', 'separate latent spaces need alignment', /alignment/i),
  fact('01', 'llava', 'LLaVA v1 linear projector', /single linear layer/i),
  fact('01', 'llava', 'LLaVA-1.5 two-layer GELU MLP', /LLaVA-1\.5[\s\S]*two-layer MLP[\s\S]*GELU/),
  fact('01', 'blip2', 'Q-Former', /Q-Former/),
  fact('01', 'blip2', '32 learned queries', /32 learned query/i),
  fact('01', 'blip2', 'query width 768', /width 768/),
  fact('01', 'blip2', 'cross-attention every other block', /every other\s+block/i),
  fact('01', 'blip2', 'frozen image encoder', /frozen\*{0,2}\s+image encoder/i),
  fact('01', 'flamingo', 'Perceiver Resampler with 64 latents', /Perceiver Resampler[\s\S]*64 latent/),
  fact('01', 'flamingo', 'tanh gate', /tanh\(alpha\)/),
  fact('01', 'flamingo', 'gate initialised at 0', /starts at \*{0,2}0\b/),
  fact('01', 'flamingo', 'frozen LM', /\*\*frozen\*\*/),
  fact('01', 'kosmos', 'trained from scratch', /from scratch/i),
  fact('01', 'anatomy', 'modality encoder', /modality encoder/i),
  fact('01', 'anatomy', 'input projector', /input projector/i),
  fact('01', 'anatomy', 'LLM backbone', /LLM backbone/i),
  fact('01', 'anatomy', 'output projector', /output projector/i),
  fact('01', 'anatomy', 'modality generator', /modality generator/i),
  fact('01', 'clinical-applications', 'report generation', /report generation/i),
  fact('01', 'clinical-applications', 'longitudinal comparison', /longitudinal comparison/i),
  fact('01', 'clinical-applications', 'multi-class classification', /multi-class classification/i),
  fact('01', 'clinical-applications', 'multi-label classification', /multi-label classification/i),
  fact('01', 'clinical-applications', 'regression', /regression/i),
  fact('01', 'parsing-outputs', 'parsing into integers and floats', /first integer[\s\S]*first\s+number/i),
  fact('01', 'parsing-outputs', 'failures are counted, not defaulted', /Count the failures/i),
  fact('01', 'course-setup', 'MedGemma 1.5 4B is LLaVA-style', /MedGemma 1\.5 4B, a LLaVA-style/),
  fact('01', 'course-setup', 'four hands-on stages', /four stages/i),

  // 02 architecture
  fact('02', 'overview', 'MedGemma 1.5 is 4B only', /MedGemma 1\.5 exists only as a 4B/),
  fact('02', 'overview', 'projector 1,152 to 2,560', new RegExp(`${numberPattern('1152')} to the decoder width ${numberPattern('2560')}`)),
  fact('02', 'overview', '3D CT and MRI added in 1.5', /3D CT and MRI/),
  fact('02', 'overview', 'whole-slide histopathology added', /whole-slide histopathology/i),
  fact('02', 'overview', 'localisation added', /localisation with bounding boxes/i),
  fact('02', 'overview', 'EHR added', /EHR/),
  fact('02', 'pixels-to-tokens', '896x896 input', /896x896/),
  fact('02', 'pixels-to-tokens', 'patch size 14', /patches of 14x14 pixels/),
  fact('02', 'pixels-to-tokens', '64x64 = 4,096 patches', new RegExp(`64x64 = ${numberPattern('4096')}`)),
  fact('02', 'pixels-to-tokens', '27 blocks', /27 Transformer blocks/),
  fact('02', 'pixels-to-tokens', '16 heads of dimension 72', /16 heads of dimension 72/),
  fact('02', 'pixels-to-tokens', 'width 1,152', new RegExp(`width \\*{0,2}${numberPattern('1152')}`)),
  fact('02', 'pixels-to-tokens', 'MLP 4,304', new RegExp(numberPattern('4304'))),
  fact('02', 'pixels-to-tokens', 'no pooling head', /no pooling\s+head/i),
  fact('02', 'medsiglip', '400M vision and 400M text encoder', /400M-parameter vision encoder and a\s+400M-parameter text encoder/),
  fact('02', 'medsiglip', 'released at 448', /448x448/),
  fact('02', 'medsiglip', '32x32 = 1,024 patches at 448', new RegExp(`32x32 = ${numberPattern('1024')}`)),
  fact('02', 'medsiglip', 'CT and MRI slices in training data', /slices of CT and MRI/),
  fact('02', 'sigmoid-loss', 'independent binary classification', /independent binary classification/),
  fact('02', 'sigmoid-loss', 'temperature initialised at 10', /t = 10\b/),
  fact('02', 'sigmoid-loss', 'bias initialised at -10', /initialised at \*{0,2}-10/),
  fact('02', 'sigmoid-loss', 'no batch-wide softmax', /no batch-wide softmax/i),
  fact('02', 'pooling-projector', '4x4 average pooling', /Average pooling 4x4/i),
  fact('02', 'pooling-projector', '16x16 = 256 tokens', /16x16 = 256/),
  fact('02', 'pooling-projector', 'RMSNorm', /RMSNorm/),
  fact('02', 'pooling-projector', 'linear map without bias', new RegExp(`${numberPattern('1152')} -> ${numberPattern('2560')} without bias`)),
  fact('02', 'pooling-projector', 'about 2.95M parameters', /2\.95M/),
  fact('02', 'pooling-projector', '<start_of_image> is 255999', /<start_of_image>`? \| 255999/),
  fact('02', 'pooling-projector', 'image soft token is 262144', /262144/),
  fact('02', 'pooling-projector', '<end_of_image> is 256000', /<end_of_image>`? \| 256000/),
  fact('02', 'pooling-projector', 'tokenizer has 262,144 entries', /\*\*262,144\*\* entries/),
  fact('02', 'pooling-projector', 'embedding table has 262,208 rows', /262,208/),
  fact('02', 'tiles-vs-whole-image', 'four-tile claim is rejected', /That is not what the code does/),
  fact('02', 'tiles-vs-whole-image', 'whole image in one pass', /whole 896x896 image in one pass/),
  fact('02', 'tiles-vs-whole-image', 'quadrant arithmetic 4 x 64 = 256', /8x8[\s\S]*64 tokens[\s\S]*448x448[\s\S]*4 x 64 = 256/),
  fact('02', 'tiles-vs-whole-image', 'Pan & Scan crops resized to 896', /Pan & Scan[\s\S]*each crop to 896x896/),
  fact('02', 'gemma3-decoder', '34 blocks', /blocks \| 34/),
  fact('02', 'gemma3-decoder', 'd_model 2,560', new RegExp(`d_model \\| ${numberPattern('2560')}`)),
  fact('02', 'gemma3-decoder', 'FFN 10,240', new RegExp(numberPattern('10240'))),
  fact('02', 'gemma3-decoder', 'GeGLU, not SwiGLU', /GeGLU, \*\*not\s+SwiGLU/),
  fact('02', 'gemma3-decoder', 'tanh GELU gate', /tanh-approximated GELU/),
  fact('02', 'gemma3-decoder', 'RMSNorm before and after', /RMSNorm before and after/),
  fact('02', 'gemma3-decoder', 'QK-norm', /QK-norm/),
  fact('02', 'gemma3-decoder', 'no soft-capping', /no soft-capping/),
  fact('02', 'gemma3-decoder', 'tied embeddings', /Tied embeddings/),
  fact('02', 'gemma3-decoder', '128K = 131,072 context', new RegExp(`128K = ${numberPattern('131072')}`)),
  fact('02', 'gqa', '8 query heads, 4 KV heads', /\*\*8 query heads\*\* but only \*\*4 key-value heads/),
  fact('02', 'gqa', '2 query heads per KV head', /2 query heads per KV head/),
  fact('02', 'gqa', 'head dimension 256', /dimension\s+\*\*256\*\*/),
  fact('02', 'gqa', 'q_proj output 2,048', new RegExp(`8 x 256 = ${numberPattern('2048')}`)),
  fact('02', 'gqa', 'k/v_proj output 1,024', new RegExp(`4 x 256 = ${numberPattern('1024')}`)),
  fact('02', 'local-global', '5 local for every 1 global', /5 local layers\s+for every 1 global layer/),
  fact('02', 'local-global', 'window 1,024', new RegExp(`previous \\*\\*${numberPattern('1024')}\\*\\* tokens`)),
  fact('02', 'local-global', 'global layers 5, 11, 17, 23, 29', /5, 11, 17, 23 and 29/),
  fact('02', 'local-global', '29 local + 5 global', /29 local and 5 global/),
  fact('02', 'local-global', 'last four layers local', /last four layers \(30 to 33\) are local/),
  fact('02', 'local-global', 'RoPE 10k local', new RegExp(`base frequency is \\*\\*${numberPattern('10000')}\\*\\*`)),
  fact('02', 'local-global', 'RoPE 1M global', new RegExp(`RoPE base is\\s+\\*\\*${numberPattern('1000000')}\\*\\*`)),
  fact('02', 'local-global', 'linear scaling factor 8', /linear scaling with factor 8/),
  fact('02', 'attention-mask', 'bidirectional within one image', /attend to each other bidirectionally/),
  fact('02', 'attention-mask', 'causal text', /\*\*causal\*\*/),
  fact('02', 'attention-mask', 'no attention to later images', /no token sees a later image/i),
  fact('02', 'long-context-3d', '85 slices', /\*\*85 slices\*\*/),
  fact('02', 'long-context-3d', '85 x 256 = 21,760', new RegExp(`85 slices x 256 tokens = ${numberPattern('21760')}`)),

  // 03 data preparation
  fact('03', 'flare-dataset', 'dataset id', /FLARE-MedFM\/FLARE-MLLM-2D/),
  fact('03', 'flare-dataset', 'gated', /\*\*gated\*\*/),
  fact('03', 'flare-dataset', 'IU X-ray is the report-generation part', /IU X-ray[\s\S]*report generation/),
  fact('03', 'flare-dataset', '2 views', /\*\*2 views\*\*/),
  fact('03', 'flare-dataset', 'about 4 questions per study', /about 4 section-level questions/),
  fact('03', 'flare-dataset', '7,797 training rows', new RegExp(`${numberPattern('7797')}\\s+training rows`)),
  fact('03', 'flare-dataset', '1,945 validation rows', new RegExp(`${numberPattern('1945')} validation rows`)),
  fact('03', 'flare-dataset', 'about 112 MB', /about 112 MB/),
  fact('03', 'layout', 'splits', /`training`, `validation-public`, `validation-hidden` and\s+`testing`/),
  fact('03', 'layout', 'JSON fields', /`TaskType`[\s\S]*`Modality`[\s\S]*`ImageName`[\s\S]*`Question`[\s\S]*`Answer`[\s\S]*`Split`/),
  fact('03', 'sft-records', 'user and assistant messages', /"role": "user"[\s\S]*"role": "assistant"/),
  fact('03', 'images', 'zip-slip guard', /zip-slip/),
  fact('03', 'images', 'frontal view first', /frontal view \(`-0\.png`\) is listed first/),

  // 04 fine-tuning
  fact('04', 'why-finetune', 'out of distribution', /out of distribution/),
  fact('04', 'peft', 'parameter-efficient fine-tuning', /Parameter-efficient fine-tuning \(PEFT\)/),
  fact('04', 'lora', 'LoRA update formula', /h = W0 x \+ \(alpha \/ r\) \* B A x/),
  fact('04', 'lora', 'W0 frozen', /W0: d x k, frozen/),
  fact('04', 'lora', 'B starts at zero', /B starts at zero/),
  fact('04', 'lora', 'no inference latency after merging', /No inference latency after merging/),
  fact('04', 'lora-params', 'r(d + k) parameters', /r\(d \+ k\) parameters/),
  fact('04', 'lora-params', 'q_proj example 73,728', new RegExp(`16 x \\(${numberPattern('2560')} \\+ ${numberPattern('2048')}\\) = ${numberPattern('73728')}`)),
  fact('04', 'lora-params', 'about 29.8M over 34 blocks', /34 blocks[\s\S]*29\.8M/),
  fact('04', 'qlora', '65B on one 48 GB GPU', /65B model on a single 48 GB GPU/),
  fact('04', 'qlora', 'bf16 compute dtype', /bf16 compute dtype/),
  fact('04', 'nf4-double-quant', 'NF4', /NF4 \(4-bit NormalFloat\)/),
  fact('04', 'nf4-double-quant', '0.5 bits before double quantisation', /0\.5 bits per parameter/),
  fact('04', 'nf4-double-quant', '0.127 bits after', /0\.127 bits\/param/),
  fact('04', 'nf4-double-quant', 'saves 0.373 bits', /0\.373 bits per parameter/),
  fact('04', 'paged-optimizers', 'unified memory', /unified memory/),
  fact('04', 'hyperparameters', '0.25 epochs', /epochs \| 0\.25/),
  fact('04', 'hyperparameters', 'batch 8', /batch size \| 8 per device/),
  fact('04', 'hyperparameters', 'accumulation 2', /gradient accumulation \| 2 \(effective 16\)/),
  fact('04', 'hyperparameters', 'learning rate 2e-4', /learning rate \| 2e-4/),
  fact('04', 'hyperparameters', '896 px, one frontal image', /896x896, one frontal view/),
  fact('04', 'hyperparameters', 'r 16, alpha 16', /LoRA rank r, alpha \| 16, 16/),
  fact('04', 'hyperparameters', 'dropout 0.05', /LoRA dropout \| 0\.05/),
  fact('04', 'hyperparameters', 'all linear layers', /LoRA targets \| all linear layers/),
  fact('04', 'hyperparameters', 'NF4 and double quantisation', /NF4, double quantisation/),
  fact('04', 'hyperparameters', 'gradient checkpointing', /gradient checkpointing \| on/),
  fact('04', 'hyperparameters', 'seed 42', /seed \| 42/),
  fact('04', 'hyperparameters', '122 steps', /\*\*122 steps\*\*/),
  fact('04', 'hyperparameters', '10 min 14 s on an RTX PRO 6000', /RTX PRO 6000[\s\S]*10 min 14 s/),
  fact('04', 'hyperparameters', 'train loss 0.97', /training loss of 0\.97/),
  fact('04', 'hyperparameters', 'validation loss 0.69', /validation loss of 0\.69/),
  fact('04', 'label-masking', 'padding masked', /\*\*padding\*\*/),
  fact('04', 'label-masking', 'start-of-image 255999 masked', /\*\*255999\*\*/),
  fact('04', 'label-masking', 'image soft token 262144 masked', /\*\*262144\*\*/),
  fact('04', 'label-masking', 'prompt masked up to the model turn', /up to and including the start of the model turn/),
  fact('04', 'adapter', 'LLaVA-style suits LoRA', /\*\*LLaVA-style\*\*/),
  fact('04', 'adapter', 'Flamingo-style contrast', /\*\*Flamingo-style\*\*/),
  fact('04', 'adapter', 'adapter size', /about 60 MB in bf16/),

  // 05 inference
  fact('05', 'base-vs-finetuned', 'base and fine-tuned compared', /base MedGemma 1\.5 4B|base model/),
  fact('05', 'generation', 'greedy decoding', /Greedy decoding/),
  fact('05', 'generation', '256 new tokens', /At most 256 new tokens/),
  fact('05', 'generation', 'left padding', /Left padding/),
  fact('05', 'generation', 'decode only the new tokens', /Decode only the new tokens/),
  fact('05', 'thought-stripping', 'thought preamble stripped', /"thought" preamble/),
  fact('05', 'sample', 'course took the first 16', /\*\*first 16\*\*/),
  fact('05', 'sample', '4 studies x 4 questions', /4 studies x 4 questions/),
  fact('05', 'sample', 'all normal', /\*\*normal\*\*/),
  fact('05', 'sample', 'seeded sample', /random sample with a fixed seed/),
  fact('05', 'sample', 'mixes abnormal findings', /mixes normal and abnormal findings/),

  // 06 evaluation
  fact('06', 'why-not-ngram', 'BLEU and ROUGE', /BLEU and ROUGE/),
  fact('06', 'green', 'GREEN formula', /GREEN = matched \/ \(matched \+ significant errors\)/),
  fact('06', 'green', 'false finding category', /false finding/),
  fact('06', 'green', 'missing finding category', /missing finding/),
  fact('06', 'green', 'wrong location category', /wrong anatomic location/),
  fact('06', 'green', 'wrong severity category', /wrong severity/),
  fact('06', 'green', 'invented comparison category', /comparison mentioned that the reference does not contain/),
  fact('06', 'green', 'omitted comparison category', /comparison or change from a prior study omitted/),
  fact('06', 'green', '0 when no matched findings', /\*\*no matched findings\*\*, the score is \*\*0\*\*/),
  fact('06', 'green', 'judge model', /GREEN-radllama2-7b/),
  fact('06', 'crimson', 'urgent weight 1.0', /urgent \| 1\.0/),
  fact('06', 'crimson', 'actionable weight 0.5', /actionable, not urgent \| 0\.5/),
  fact('06', 'crimson', 'non-actionable weight 0.25', /not actionable, not urgent \| 0\.25/),
  fact('06', 'crimson', 'benign weight 0', /benign or expected \| 0\.0/),
  fact('06', 'crimson', 'attribute errors', /attribute errors/),
  fact('06', 'crimson', 'negative branch -x/(1+x)', /-x\/\(1\+x\)/),
  fact('06', 'crimson', 'range (-1, 1]', /\(-1, 1\]/),
  fact('06', 'normal-samples', 'normal reference scores exactly 1.0', /scores exactly\s+1\.0/),
  fact('06', 'normal-samples', 'course got GREEN 0.854', /GREEN\s+0\.854/),
  fact('06', 'reading-scores', 'base GREEN 0.772, CRIMSON 0.698', /base \| 0\.772 \| 0\.698/),
  fact('06', 'reading-scores', 'fine-tuned GREEN 0.731, CRIMSON 0.856', /fine-tuned \| 0\.731 \| 0\.856/),
  fact('06', 'reading-scores', 'parse failures column explained', /parse failures/),

  // 07 conclusion
  fact('07', 'takeaways', 'alignment of latent spaces', /aligning latent spaces/),
  fact('07', 'takeaways', 'four alignment styles', /Four alignment styles/),
  fact('07', 'takeaways', 'MedGemma is LLaVA-style', /MedGemma 1\.5 4B is LLaVA-style/),
  fact('07', 'takeaways', 'FLARE records', /FLARE-MLLM-2D/),
  fact('07', 'takeaways', 'QLoRA and the judges', /QLoRA[\s\S]*GREEN and CRIMSON/),

  // 08 quiz
  fact('08', 'coverage', '20 questions per attempt', /\*\*20 questions spread over all four\*\*/),
  fact('08', 'grading', 'single choice right or wrong', /\*\*Single choice\*\*/),
  fact('08', 'grading', 'numeric tolerance', /\*\*tolerance\*\*/),
  fact('08', 'grading', 'partial credit formula', /\(correct picks - wrong picks\)\s+\/ number of correct options\s+floored at 0/),
  fact('08', 'grading', 'pass mark 80%', /pass mark is 80%/),
  fact('08', 'history', 'retake missed questions', /retake only the questions you\s+missed/),
  fact('08', undefined, 'plain quiz command', /mllm-course quiz --plain/),
];

const HANDS_ON_STAGES = [
  { lesson: '03', stage: 'prepare' },
  { lesson: '04', stage: 'finetune' },
  { lesson: '05', stage: 'infer' },
  { lesson: '06', stage: 'evaluate' },
] as const;

function lessonById(id: string): Lesson {
  const lesson = lessons.find((candidate) => candidate.id === id);
  if (!lesson) {
    throw new Error(`lesson ${id} is missing from lessons/`);
  }
  return lesson;
}

/** Returns the text under a `##` section, up to the next heading of the same or a higher level. */
function sectionText(lesson: Lesson, id: string): string {
  const section = lesson.sections.find((candidate) => candidate.id === id);
  if (!section) {
    throw new Error(`lesson ${lesson.id} has no section "${id}"`);
  }

  const lines = lesson.body.split('\n');
  const heading = `${'#'.repeat(section.depth)} ${section.title}`;
  const start = lines.indexOf(heading);
  if (start === -1) {
    throw new Error(`lesson ${lesson.id}: heading "${heading}" not found in the body`);
  }

  const ending = new RegExp(`^#{1,${section.depth}} `);
  let end = lines.length;
  let inFence = false;
  for (let index = start + 1; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.startsWith('```')) {
      inFence = !inFence;
    }
    if (!inFence && ending.test(line)) {
      end = index;
      break;
    }
  }

  return lines.slice(start + 1, end).join('\n');
}

describe('lesson files', () => {
  it('has exactly the eight lessons', () => {
    expect(lessons.map((lesson) => lesson.id)).toEqual(EXPECTED_LESSONS.map((expected) => expected.id));
  });

  it.each(EXPECTED_LESSONS)('lesson $id front matter', (expected) => {
    const lesson = lessonById(expected.id);

    expect(lesson.path.endsWith(expected.file)).toBe(true);
    expect(lesson.slug).toBe(expected.slug);
    expect(lesson.stage).toBe(expected.stage);
    expect(lesson.minutes).toBeGreaterThanOrEqual(10);
    expect(lesson.minutes).toBeLessThanOrEqual(25);
    expect(lesson.references.length).toBeGreaterThan(0);
  });

  it.each(Object.entries(REQUIRED_SECTIONS))('lesson %s has its section ids', (id, required) => {
    const present = lessonById(id).sections.map((section) => section.id);
    for (const sectionId of required) {
      expect(present, `lesson ${id} lacks {#${sectionId}}`).toContain(sectionId);
    }
  });

  it.each(EXPECTED_LESSONS)('lesson $id keeps tables narrow', (expected) => {
    const rows = lessonById(expected.id).body.split('\n').filter((line) => line.startsWith('|'));
    for (const row of rows) {
      const cells = row.replace(/^\||\|$/g, '').split('|');
      expect(cells.length, `table row too wide for 60 columns: ${row}`).toBeLessThanOrEqual(4);
    }
  });

  it.each(EXPECTED_LESSONS)('lesson $id code lines fit 60 columns', (expected) => {
    let inFence = false;
    for (const line of lessonById(expected.id).body.split('\n')) {
      if (line.startsWith('```')) {
        inFence = !inFence;
        continue;
      }
      if (inFence) {
        // Leaves 4 columns for the indent that a terminal renderer may add to code blocks.
        expect(line.length, `code line too long: ${line}`).toBeLessThanOrEqual(56);
      }
    }
  });
});

describe('lesson facts', () => {
  it.each(FACTS)('lesson $lesson $section: $fact', ({ lesson: id, section, pattern }) => {
    const lesson = lessonById(id);
    const text = section === undefined ? lesson.body : sectionText(lesson, section);
    // Collapses line breaks so that rewrapping a paragraph does not break a fact.
    const prose = text.replace(/\s+/g, ' ');

    expect(prose).toMatch(pattern);
  });

  it('states the wrong tile claim only to correct it', () => {
    const architecture = lessonById('02');
    const outsideCorrection = architecture.body.replace(sectionText(architecture, 'tiles-vs-whole-image'), '');

    expect(outsideCorrection).not.toMatch(/four 448x448 tiles/i);
  });
});

describe('hands-on sections', () => {
  it.each(HANDS_ON_STAGES)('lesson $lesson runs $stage', ({ lesson: id, stage }) => {
    const text = sectionText(lessonById(id), 'hands-on');

    expect(text).toContain(`mllm-course run ${stage}`);
    expect(text).toContain('--host H');
    expect(text).toContain('--smoke');
    expect(text).toMatch(/40 GB/);
    expect(text).toMatch(/A100/);
    expect(text).toMatch(/H100/);
    expect(text).toMatch(/RTX PRO\s+6000/);
    expect(text).toMatch(/not T4 or V100|T4 and V100/);
    expect(text).toMatch(/minutes/);
  });
});
