"""A tiny random Gemma 3 vision-language model for CPU smoke runs."""

from gpu_runner.smoke.tiny_model import build_tiny_model, ensure_tiny_model

__all__ = ["build_tiny_model", "ensure_tiny_model"]
