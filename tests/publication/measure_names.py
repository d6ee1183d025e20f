"""Precision and recall of the masking of people's names on a labelled sample of feedback sentences.

    python -m tests.publication.measure_names

`data/names_sample.tsv` (231 sentences, written alongside the rules) and `data/names_holdout.tsv` (82
sentences, written after the rules were settled and measured once, untuned) hold one sentence a line and the full names of people in it that must be
masked ("; " between them, nothing when none): neighbours, officials and shop owners named, with and
without diacritics or in capitals; streets, schools, bridges, hospitals and wards named after historical
people; sentences without names. A found name counts only when its span is exactly a labelled one.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from feedback.publication.names import person_name_spans

SAMPLE = Path(__file__).parent / "data" / "names_sample.tsv"
HOLDOUT = Path(__file__).parent / "data" / "names_holdout.tsv"


@dataclass
class Measure:
    sentences: int = 0
    names: int = 0
    found: int = 0
    right: int = 0
    false_positives: list[tuple[str, str]] = field(default_factory=list)  # (found, sentence)
    misses: list[tuple[str, str]] = field(default_factory=list)  # (labelled, sentence)

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.names if self.names else 1.0


def labelled(path: Path = SAMPLE) -> list[tuple[str, list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["sentence"], [n.strip() for n in row["names"].split(";") if n.strip()]) for row in rows]


def measure(path: Path = SAMPLE) -> Measure:
    result = Measure()
    for sentence, names in labelled(path):
        found = Counter(sentence[a:b] for a, b in person_name_spans(sentence))
        expected = Counter(names)
        result.sentences += 1
        result.names += sum(expected.values())
        result.found += sum(found.values())
        result.right += sum((found & expected).values())
        result.false_positives += [(name, sentence) for name in (found - expected).elements()]
        result.misses += [(name, sentence) for name in (expected - found).elements()]
    return result


def main() -> None:
    for path in (SAMPLE, HOLDOUT):
        m = measure(path)
        print(
            f"{path.name}: {m.sentences} sentences, {m.names} names labelled, {m.found} found, {m.right} right"
        )
        print(f"  precision {m.precision:.3f}  recall {m.recall:.3f}")
        for name, sentence in m.false_positives:
            print(f"  masked, not a person's name: {name!r} in {sentence!r}")
        for name, sentence in m.misses:
            print(f"  not masked: {name!r} in {sentence!r}")


if __name__ == "__main__":
    main()
