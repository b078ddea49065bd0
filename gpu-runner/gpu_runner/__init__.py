"""Hands-on stages of mllm-course: prepare, finetune, infer and evaluate.

Run with `python -m gpu_runner <stage> --help`.
"""

__version__ = "0.1.0"
