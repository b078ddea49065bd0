"""GREEN (Ostmeier et al., Findings of EMNLP 2024): prompt, output parsing and score.

The prompt, chat template and output format are those of Stanford-AIMI/GREEN
(`green_score/utils.py` and `green_score/green.py`), which the judge
StanfordAIMI/GREEN-radllama2-7b was trained on. That repository is not on PyPI
and pins torch 2.2.2 and transformers 4.40, so they are kept here instead.

Score of one pair = matched findings / (matched findings + clinically
significant errors), and 0 when there is no matched finding. Clinically
insignificant errors do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

JUDGE_MODEL_ID = "StanfordAIMI/GREEN-radllama2-7b"

# Total length (prompt plus output) that upstream GREEN passes to generate() as max_length.
MAX_LENGTH_TOKENS = 2048

# Upstream GREEN sets this template on the judge's tokenizer; messages use "from"/"value".
CHAT_TEMPLATE = (
    "{% for message in messages %}\n"
    "{% if message['from'] == 'human' %}\n"
    "{{ '<|user|>\\n' + message['value'] + eos_token }}\n"
    "{% elif message['from'] == 'system' %}\n"
    "{{ '<|system|>\\n' + message['value'] + eos_token }}\n"
    "{% elif message['from'] == 'gpt' %}\n"
    "{{ '<|assistant|>\\n'  + message['value'] + eos_token }}\n"
    "{% endif %}\n"
    "{% if loop.last and add_generation_prompt %}\n"
    "{{ '<|assistant|>' }}\n"
    "{% endif %}\n"
    "{% endfor %}"
)

ERROR_CATEGORIES = (
    "false_finding",
    "missing_finding",
    "wrong_location",
    "wrong_severity",
    "invented_comparison",
    "omitted_comparison",
)
"""The six error sub-types (a) to (f), in upstream order."""

SIGNIFICANT = "Clinically Significant Errors"
INSIGNIFICANT = "Clinically Insignificant Errors"
MATCHED = "Matched Findings"


def make_prompt(reference: str, candidate: str) -> str:
    """Return the GREEN judge prompt for one reference and one candidate report (upstream text)."""
    return (
        "Objective: Evaluate the accuracy of a candidate radiology report in comparison to a reference radiology report composed by expert radiologists.\n\n"
        "    Process Overview: You will be presented with:\n\n"
        "    1. The criteria for making a judgment.\n"
        "    2. The reference radiology report.\n"
        "    3. The candidate radiology report.\n"
        "    4. The desired format for your assessment.\n\n"
        "    1. Criteria for Judgment:\n\n"
        "    For each candidate report, determine:\n\n"
        "    The count of clinically significant errors.\n"
        "    The count of clinically insignificant errors.\n\n"
        "    Errors can fall into one of these categories:\n\n"
        "    a) False report of a finding in the candidate.\n"
        "    b) Missing a finding present in the reference.\n"
        "    c) Misidentification of a finding's anatomic location/position.\n"
        "    d) Misassessment of the severity of a finding.\n"
        "    e) Mentioning a comparison that isn't in the reference.\n"
        "    f) Omitting a comparison detailing a change from a prior study.\n"
        "    Note: Concentrate on the clinical findings rather than the report's writing style. Evaluate only the findings that appear in both reports.\n\n"
        "    2. Reference Report:\n"
        f"    {reference}\n\n"
        "    3. Candidate Report:\n"
        f"    {candidate}\n\n"
        "    4. Reporting Your Assessment:\n\n"
        "    Follow this specific format for your output, even if no errors are found:\n"
        "    ```\n"
        "    [Explanation]:\n"
        "    <Explanation>\n\n"
        "    [Clinically Significant Errors]:\n"
        "    (a) <Error Type>: <The number of errors>. <Error 1>; <Error 2>; ...; <Error n>\n"
        "    ....\n"
        "    (f) <Error Type>: <The number of errors>. <Error 1>; <Error 2>; ...; <Error n>\n\n"
        "    [Clinically Insignificant Errors]:\n"
        "    (a) <Error Type>: <The number of errors>. <Error 1>; <Error 2>; ...; <Error n>\n"
        "    ....\n"
        "    (f) <Error Type>: <The number of errors>. <Error 1>; <Error 2>; ...; <Error n>\n\n"
        "    [Matched Findings]:\n"
        "    <The number of matched findings>. <Finding 1>; <Finding 2>; ...; <Finding n>\n"
        "    ```\n"
    )


def chat_messages(prompt: str) -> list[dict[str, str]]:
    return [{"from": "human", "value": prompt}, {"from": "gpt", "value": ""}]


class GreenParseError(ValueError):
    """The judge output lacks a section that the score needs."""


@dataclass
class GreenResult:
    score: float
    matched_findings: int
    significant_errors: dict[str, int] = field(default_factory=dict)
    insignificant_errors: dict[str, int] = field(default_factory=dict)
    explanation: str = ""

    @property
    def error_counts(self) -> dict[str, int]:
        """Clinically significant errors per sub-type, and the matched findings, for details.jsonl."""
        return {**self.significant_errors, "matched_findings": self.matched_findings}


def section_body(text: str, name: str) -> str | None:
    """Return the text after "[name]:" up to the next blank line, or None when absent."""
    match = re.search(rf"\[{re.escape(name)}\]:\s*(.*?)(?:\n\s*\n|\Z)", text, re.DOTALL)
    return match.group(1) if match else None


def parse_error_counts(body: str) -> dict[str, int]:
    """Return the count per error sub-type of an error section ("(a) ...: 2. ...")."""
    counts = dict.fromkeys(ERROR_CATEGORIES, 0)
    if body.startswith("No"):
        return counts
    letters = "abcdef"
    lines = re.findall(r"\(([a-f])\) .*", body)
    markers = [(letter, rf"\({letter}\) ") for letter in letters]
    if not lines:
        # Some outputs number the sub-types (1) to (6) instead of (a) to (f).
        markers = [(letters[index], rf"\({index + 1}\) ") for index in range(6)]
    for letter, marker in markers:
        for line in re.findall(rf"{marker}.*", body):
            number = re.search(r"(?<=: )\b\d+\b(?=\.)", line)
            if number:
                counts[ERROR_CATEGORIES[letters.index(letter)]] = int(number.group(0))
    return counts


def parse_matched(body: str) -> int:
    if body.startswith("No"):
        return 0
    numbers = re.findall(r"^\b\d+\b(?=\.)", body, re.MULTILINE)
    return int(numbers[0]) if numbers else 0


def explanation_of(text: str) -> str:
    match = re.search(r"\[Explanation\]:\s*(.*?)\s*(?=\[Clinically Significant Errors\]:|\Z)", text, re.DOTALL)
    return match.group(1).strip() if match else ""


def parse_output(text: str) -> GreenResult:
    """Parse one GREEN judge output and compute its score.

    Raises GreenParseError when the significant-error or matched-finding section
    is missing. Upstream scores such an output 0; here it counts as a parse
    failure and stays out of the mean.
    """
    significant = section_body(text, SIGNIFICANT)
    matched = section_body(text, MATCHED)
    if significant is None or matched is None:
        missing = [name for name, body in ((SIGNIFICANT, significant), (MATCHED, matched)) if body is None]
        raise GreenParseError(f"GREEN output has no {' or '.join(f'[{name}]' for name in missing)} section")
    insignificant = section_body(text, INSIGNIFICANT)

    significant_counts = parse_error_counts(significant)
    matched_count = parse_matched(matched)
    score = 0.0 if matched_count == 0 else matched_count / (matched_count + sum(significant_counts.values()))
    return GreenResult(
        score=score,
        matched_findings=matched_count,
        significant_errors=significant_counts,
        insignificant_errors=parse_error_counts(insignificant) if insignificant is not None else {},
        explanation=explanation_of(text),
    )
