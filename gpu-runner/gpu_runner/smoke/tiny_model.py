"""Build a tiny random Gemma 3 vision-language model that loads like the real one.

The folder written by `build_tiny_model` contains a `Gemma3ForConditionalGeneration`
with random weights, a byte-level BPE tokenizer trained here on a small built-in
corpus (so nothing is downloaded), the Gemma 3 special tokens and chat template,
and a `Gemma3Processor`. `AutoProcessor.from_pretrained(folder)` and
`AutoModelForImageTextToText.from_pretrained(folder)` load it as they load
`google/medgemma-1.5-4b-it`, so the smoke run goes through the same code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

# Shapes of the tiny model. The image is 112 px in 14 px patches (an 8 x 8 grid);
# average pooling with kernel 2 turns it into 4 x 4 = 16 tokens per image, the same
# structure as the real 896 px image, 64 x 64 patches, kernel 4 and 256 tokens.
IMAGE_SIZE_PX = 112
PATCH_SIZE_PX = 14
TOKENS_PER_IMAGE = 16
TEXT_HIDDEN_SIZE = 64
VISION_HIDDEN_SIZE = 32
NUM_LAYERS = 2
BPE_VOCAB_SIZE = 600

# Special tokens in the order of the real Gemma 3 vocabulary: pad 0, eos 1, bos 2,
# unk 3, mask 4, then the turn and image markers. `<image_soft_token>` comes last,
# as it does in the real vocabulary (id 262144 there).
SPECIAL_TOKENS = [
    "<pad>",
    "<eos>",
    "<bos>",
    "<unk>",
    "<mask>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<start_of_image>",
    "<end_of_image>",
]
# MedGemma 1.5 opens a thinking block with <unused94> and closes it with <unused95>.
# They are added here as ordinary tokens, so `skip_special_tokens` keeps them in
# decoded text and the thought stripping sees them as it may on the real model.
THOUGHT_TOKENS = ["<unused94>", "<unused95>"]
IMAGE_SOFT_TOKEN = "<image_soft_token>"

# Gemma 3 chat template as shipped in google/gemma-3-4b-it's tokenizer_config.json.
GEMMA3_CHAT_TEMPLATE = (
    "{{ bos_token }}\n"
    "{%- if messages[0]['role'] == 'system' -%}\n"
    "    {%- if messages[0]['content'] is string -%}\n"
    "        {%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}\n"
    "    {%- else -%}\n"
    "        {%- set first_user_prefix = messages[0]['content'][0]['text'] + '\n\n' -%}\n"
    "    {%- endif -%}\n"
    "    {%- set loop_messages = messages[1:] -%}\n"
    "{%- else -%}\n"
    '    {%- set first_user_prefix = "" -%}\n'
    "    {%- set loop_messages = messages -%}\n"
    "{%- endif -%}\n"
    "{%- for message in loop_messages -%}\n"
    "    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}\n"
    '        {{ raise_exception("Conversation roles must alternate user/assistant/user/assistant/...") }}\n'
    "    {%- endif -%}\n"
    "    {%- if (message['role'] == 'assistant') -%}\n"
    '        {%- set role = "model" -%}\n'
    "    {%- else -%}\n"
    "        {%- set role = message['role'] -%}\n"
    "    {%- endif -%}\n"
    "    {{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else \"\") }}\n"
    "    {%- if message['content'] is string -%}\n"
    "        {{ message['content'] | trim }}\n"
    "    {%- elif message['content'] is iterable -%}\n"
    "        {%- for item in message['content'] -%}\n"
    "            {%- if item['type'] == 'image' -%}\n"
    "                {{ '<start_of_image>' }}\n"
    "            {%- elif item['type'] == 'text' -%}\n"
    "                {{ item['text'] | trim }}\n"
    "            {%- endif -%}\n"
    "        {%- endfor -%}\n"
    "    {%- else -%}\n"
    '        {{ raise_exception("Invalid content type") }}\n'
    "    {%- endif -%}\n"
    "    {{ '<end_of_turn>\n' }}\n"
    "{%- endfor -%}\n"
    "{%- if add_generation_prompt -%}\n"
    "    {{'<start_of_turn>model\n'}}\n"
    "{%- endif -%}\n"
)

# Text the BPE merges are learned from: chest X-ray findings in the style of IU
# X-ray reports and the wording of a report-generation instruction. Any other text
# still encodes, because the byte-level alphabet covers every byte.
TOKENIZER_CORPUS = [
    "You are an expert radiologist. Describe the findings in this chest X-ray.",
    "Describe the bones. Describe the heart. Describe the lungs and pleura. Describe the mediastinum.",
    "What are the findings of the lungs and pleura in this frontal chest radiograph?",
    "The heart is normal in size. The cardiomediastinal silhouette is within normal limits.",
    "The lungs are clear. No pneumothorax or pleural effusion. No focal consolidation.",
    "No acute bony abnormality. Degenerative changes of the thoracic spine.",
    "Mild cardiomegaly. Small left pleural effusion with adjacent atelectasis.",
    "Right lower lobe opacity concerning for pneumonia. Calcified granuloma in the left upper lobe.",
    "The mediastinum is unremarkable. Stable enlarged cardiac silhouette compared to prior study.",
    "Hyperinflated lungs consistent with emphysema. Healed right rib fractures.",
    "Patchy bibasilar airspace disease. Moderate right pneumothorax. Sternotomy wires are intact.",
    "thought The user asks about the lungs. I should look at both lung fields before answering.",
    "user model user model",
]


def train_tokenizer_model(corpus: list[str]):
    """Train a byte-level BPE `tokenizers.Tokenizer` with the Gemma 3 special tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=BPE_VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(corpus, trainer=trainer)
    return tokenizer


def build_tokenizer(corpus: list[str] | None = None):
    """Return a `PreTrainedTokenizerFast` with Gemma 3's special tokens and chat template."""
    from tokenizers import AddedToken
    from transformers import PreTrainedTokenizerFast

    backend = train_tokenizer_model(corpus or TOKENIZER_CORPUS)
    backend.add_tokens([AddedToken(token, special=False, normalized=False) for token in THOUGHT_TOKENS])
    # Added after the others so that it takes the last id, as in the real vocabulary.
    backend.add_special_tokens([AddedToken(IMAGE_SOFT_TOKEN, special=True, normalized=False)])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<bos>",
        eos_token="<eos>",
        pad_token="<pad>",
        unk_token="<unk>",
        mask_token="<mask>",
        # Gemma3Processor reads these three names from the tokenizer.
        extra_special_tokens={
            "boi_token": "<start_of_image>",
            "eoi_token": "<end_of_image>",
            "image_token": IMAGE_SOFT_TOKEN,
        },
        padding_side="right",
        add_bos_token=False,
        add_eos_token=False,
    )
    tokenizer.chat_template = GEMMA3_CHAT_TEMPLATE
    return tokenizer


def build_processor(tokenizer):
    """Return a `Gemma3Processor` for the tiny model's image size and token count."""
    from transformers import Gemma3ImageProcessor, Gemma3Processor

    image_processor = Gemma3ImageProcessor(
        size={"height": IMAGE_SIZE_PX, "width": IMAGE_SIZE_PX},
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.5, 0.5, 0.5],
        do_pan_and_scan=False,
    )
    return Gemma3Processor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        chat_template=GEMMA3_CHAT_TEMPLATE,
        image_seq_length=TOKENS_PER_IMAGE,
    )


def build_config(tokenizer):
    """Return a small `Gemma3Config` whose token ids match `tokenizer`."""
    from transformers import Gemma3Config, Gemma3TextConfig, SiglipVisionConfig

    text_config = Gemma3TextConfig(
        vocab_size=len(tokenizer),
        hidden_size=TEXT_HIDDEN_SIZE,
        intermediate_size=2 * TEXT_HIDDEN_SIZE,
        num_hidden_layers=NUM_LAYERS,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=32,
        max_position_embeddings=2048,
        sliding_window=128,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=[tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids("<end_of_turn>")],
    )
    vision_config = SiglipVisionConfig(
        hidden_size=VISION_HIDDEN_SIZE,
        intermediate_size=2 * VISION_HIDDEN_SIZE,
        num_hidden_layers=NUM_LAYERS,
        num_attention_heads=2,
        image_size=IMAGE_SIZE_PX,
        patch_size=PATCH_SIZE_PX,
        vision_use_head=False,
    )
    return Gemma3Config(
        text_config=text_config,
        vision_config=vision_config,
        mm_tokens_per_image=TOKENS_PER_IMAGE,
        boi_token_index=tokenizer.convert_tokens_to_ids("<start_of_image>"),
        eoi_token_index=tokenizer.convert_tokens_to_ids("<end_of_image>"),
        image_token_index=tokenizer.convert_tokens_to_ids(IMAGE_SOFT_TOKEN),
    )


def build_tiny_model(directory: str | Path, seed: int = 0) -> Path:
    """Write a tiny random Gemma 3 model, tokenizer and processor to `directory`.

    The weights depend only on `seed`. Returns the folder.
    """
    import torch
    from transformers import Gemma3ForConditionalGeneration, GenerationConfig

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    tokenizer = build_tokenizer()
    processor = build_processor(tokenizer)
    config = build_config(tokenizer)

    torch.manual_seed(seed)
    model = Gemma3ForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        bos_token_id=config.text_config.bos_token_id,
        eos_token_id=config.text_config.eos_token_id,
        pad_token_id=config.text_config.pad_token_id,
        do_sample=False,
    )
    model.save_pretrained(directory)
    processor.save_pretrained(directory)
    return directory


def ensure_tiny_model(out_dir: str | Path, seed: int = 0) -> Path:
    """Return `out_dir/smoke-model`, building it first unless a complete copy is there.

    A marker file is written last, so an interrupted build is rebuilt from scratch.
    """
    directory = Path(out_dir) / "smoke-model"
    marker = directory / "smoke-model.json"
    if marker.is_file() and json.loads(marker.read_text()).get("seed") == seed:
        return directory
    if directory.exists():
        shutil.rmtree(directory)
    build_tiny_model(directory, seed)
    marker.write_text(json.dumps({"seed": seed}) + "\n")
    return directory
