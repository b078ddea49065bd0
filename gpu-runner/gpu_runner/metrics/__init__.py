"""Report metrics judged by a language model: GREEN and CRIMSON, and their aggregation."""
