"""A writer process for the crash test: saves answers to one assessment in a loop until it is killed.

Usage: python store_writer.py DATABASE_URL ASSESSMENT_ID NAME. Prints the number of saves after each one.
"""

from __future__ import annotations

import random
import sys

from questions.loader import default_bank
from store import repo
from store.db import make_engine
from store.errors import ConflictError

QUESTIONS = ("user_count", "annual_turnover", "people_count", "access_log_retention", "brand_prominence")


def main() -> None:
    url, assessment_id, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    engine = make_engine(url)
    bank = default_bank().questions
    rng = random.Random(name)
    saves = 0
    while True:
        saved = repo.get_assessment(engine, assessment_id)
        version = saved.version
        picked = rng.sample(QUESTIONS, rng.randint(1, len(QUESTIONS)))
        values = {q: rng.choice([*(c.id for c in bank[q].choices), None]) for q in picked}
        try:
            repo.set_answers(engine, saved, values, expected_version=version, author=name)
        except ConflictError:
            continue  # the other writer saved first: reload and try again
        saves += 1
        print(saves, flush=True)


if __name__ == "__main__":
    main()
