"""argparse `type=` functions that check an option's value and range at parse time.

Each one raises argparse.ArgumentTypeError, so a bad value ends as a usage error
(exit 2) whose message names the option, the allowed range and the value given,
for example "argument --lr: must be a finite number above 0, got 'nan'".
"""

from __future__ import annotations

import argparse
import errno
import math
import os
from collections.abc import Callable
from pathlib import Path

SEED_MAX = 2**32 - 1
"""numpy's seed, which transformers.set_seed also sets, must be in [0, 2**32 - 1]."""

MAX_IMAGE_SIZE_PX = 4096
"""Maximum --image-size in pixels. The processor scales every image to its own input
size (896 px for MedGemma) after this resize, so larger values only cost memory.
An RGB image of 4096 px square takes 48 MiB, and one of 100,000 px would take 28 GiB."""

FALLBACK_NAME_MAX = 255
"""Maximum file name length in bytes on common Linux file systems, used where os.pathconf cannot tell."""


def _parse_finite(text: str) -> float | None:
    """Return the finite number in `text`, or None for text that is not one (nan, inf, words)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def int_range(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """Return a type function for a whole number in [minimum, maximum] (no upper bound when None)."""
    allowed = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"must be a whole number {allowed}, got {text!r}")
        return value

    return parse


positive_int = int_range(1)
non_negative_int = int_range(0)
seed = int_range(0, SEED_MAX)
image_size = int_range(1, MAX_IMAGE_SIZE_PX)


def positive_float(text: str) -> float:
    """Parse a finite number above 0."""
    value = _parse_finite(text)
    if value is None or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text!r}")
    return value


def probability(text: str) -> float:
    """Parse a dropout probability: a number in [0, 1)."""
    value = _parse_finite(text)
    if value is None or not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be a number from 0 up to but not including 1, got {text!r}")
    return value


def non_empty(text: str) -> str:
    """Parse a text that must not be empty or only spaces."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def non_empty_path(text: str) -> Path:
    """Parse a path that must not be empty. The stage checks what is at the path."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty; give a folder path")
    return Path(text).expanduser()


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return FALLBACK_NAME_MAX


def _nearest_existing(path: Path) -> Path:
    """Return `path` or its closest ancestor that exists."""
    current = path
    while current != current.parent:
        try:
            if current.exists():
                break
        except OSError:
            # ENAMETOOLONG or EACCES on this name: look further up.
            pass
        current = current.parent
    return current


def folder_path(text: str) -> Path:
    """Parse a folder that may not exist yet. It must not be empty, have too long a name or a file in the way.

    This only checks, and the stage creates the folder when it writes to it.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty; give a folder path")
    path = Path(text).expanduser()
    absolute = Path(os.path.abspath(path))

    existing = _nearest_existing(absolute)
    if not existing.is_dir():
        what = "is" if existing == absolute else f"is inside {existing}, which is"
        raise argparse.ArgumentTypeError(f"{text} {what} a file, not a folder")

    name_max = _name_max(existing)
    for part in absolute.relative_to(existing).parts:
        size = len(os.fsencode(part))
        if size > name_max:
            raise argparse.ArgumentTypeError(
                f"the folder name {part[:40]!r}... is {size} bytes long, but the file system "
                f"allows at most {name_max} ({os.strerror(errno.ENAMETOOLONG)}); choose a shorter name"
            )
    return path


def existing_folder(text: str) -> Path:
    """Parse a folder that must exist already."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty; give a folder path")
    path = Path(text).expanduser()
    if path.is_file():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"folder not found: {text}")
    return path
