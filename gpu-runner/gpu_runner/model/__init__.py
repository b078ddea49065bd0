"""Model code shared by the finetune and infer stages: loading, batching, generation."""
