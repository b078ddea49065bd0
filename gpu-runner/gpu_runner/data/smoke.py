"""Synthetic FLARE-MLLM-2D tree for smoke runs, in the layout and JSON schema of the real one.

It contains the IU X-ray folders of the training and public validation splits,
each with an image zip and a question file, small grey PNGs (a shape drawn on
them marks an abnormal study), four section questions per study, normal and
abnormal answers, and `ImageName` as a list of both views for most rows and a
single frontal path for some. The content depends only on the seed.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpu_runner.data.flare import dataset_folder

GENERATOR_VERSION = 1
MARKER_NAME = ".smoke-source.json"
IMAGE_SIZE_PX = 64

TASK_TYPE = "Report Generation"
MODALITY = "X-ray"


@dataclass(frozen=True)
class SmokeSplit:
    split: str
    studies: int
    archive_folder: str
    json_name: str
    split_value: str
    first_study: int


# Both published file name patterns appear, one per split, so discovery by pattern is exercised.
SMOKE_SPLITS = (
    SmokeSplit("train", studies=8, archive_folder="imagesTr", json_name="IU_XRay_questions_train.json",
               split_value="train", first_study=1),
    SmokeSplit("validation", studies=5, archive_folder="imagesVal", json_name="IU_XRay_all_val.json",
               split_value="val", first_study=101),
)

SECTIONS: dict[str, dict[str, Any]] = {
    "bones": {
        "question": "What do the bones and soft tissues show?",
        "normal": ["No acute osseous abnormality.", "The visualized bones are intact."],
        "abnormal": ["Degenerative changes of the thoracic spine.", "Healed fracture of a left posterior rib."],
    },
    "heart": {
        "question": "How are the heart size and cardiac silhouette?",
        "normal": ["The heart size is normal.", "Normal cardiac silhouette."],
        "abnormal": ["The heart is mildly enlarged.", "Moderate cardiomegaly."],
    },
    "lungs": {
        "question": "What are the findings in the lungs and pleura?",
        "normal": ["The lungs are clear without effusion or pneumothorax.", "No focal consolidation, effusion or pneumothorax."],
        "abnormal": ["Patchy opacity in the right lower lobe, concerning for pneumonia.", "Small left pleural effusion."],
    },
    "mediastinum": {
        "question": "Describe the mediastinum and hila.",
        "normal": ["The mediastinal contours are normal.", "Normal mediastinum and hila."],
        "abnormal": ["The mediastinum is widened.", "Calcified right hilar lymph nodes."],
    },
}


def draw_view(rng: random.Random, abnormal: bool, view: int) -> bytes:
    """A small grey PNG; abnormal studies get a bright ellipse, views differ in the background."""
    from PIL import Image, ImageDraw

    background = 60 + 20 * view + rng.randrange(20)
    image = Image.new("L", (IMAGE_SIZE_PX, IMAGE_SIZE_PX), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 8, 48, 56), outline=180)
    if abnormal:
        x = rng.randrange(10, 40)
        y = rng.randrange(10, 40)
        draw.ellipse((x, y, x + 14, y + 14), fill=230)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def build_split(spec: SmokeSplit, rng: random.Random) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """Return the images (archive member name -> PNG bytes) and the question rows of one split."""
    images: dict[str, bytes] = {}
    rows: list[dict[str, Any]] = []
    for offset in range(spec.studies):
        number = spec.first_study + offset
        study = f"CXR{number}_IM-{1000 + number:04d}"
        # Every other study has abnormal findings, so any sample of a few studies contains both kinds.
        abnormal_sections = set(rng.sample(sorted(SECTIONS), k=rng.randint(1, 2))) if offset % 2 == 1 else set()
        views = [f"{spec.archive_folder}/{study}-{view}.png" for view in (0, 1)]
        for view, name in enumerate(views):
            images[name] = draw_view(rng, bool(abnormal_sections), view)

        for section, content in SECTIONS.items():
            kind = "abnormal" if section in abnormal_sections else "normal"
            # Some rows name the frontal view alone, as a string; the others list both views,
            # lateral first in a few of them so that the frontal-first ordering is exercised.
            if offset % 4 == 3:
                image_name: str | list[str] = views[0]
            elif offset % 4 == 2:
                image_name = [views[1], views[0]]
            else:
                image_name = list(views)
            rows.append({
                "TaskType": TASK_TYPE,
                "Modality": MODALITY,
                "ImageName": image_name,
                "Question": content["question"],
                "Answer": rng.choice(content[kind]),
                "Split": spec.split_value,
            })
    return images, rows


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    # A fixed timestamp keeps the archive bytes identical for the same seed.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, members[name])


def generate_smoke_source(root: Path, seed: int) -> bool:
    """Write the synthetic tree under `root`; return False when the same tree is already there."""
    marker = root / MARKER_NAME
    expected = {"generator_version": GENERATOR_VERSION, "seed": seed}
    try:
        if json.loads(marker.read_text(encoding="utf-8")) == expected:
            return False
    except (OSError, ValueError):
        pass

    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    for spec in SMOKE_SPLITS:
        folder = dataset_folder(root, spec.split)
        folder.mkdir(parents=True, exist_ok=True)
        images, rows = build_split(spec, rng)
        write_zip(folder / f"{spec.archive_folder}.zip", images)
        (folder / spec.json_name).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    marker.write_text(json.dumps(expected) + "\n", encoding="utf-8")
    return True

