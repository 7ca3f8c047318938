"""Cheap random draws shared by every domain's synthetic generator.

A million records make a million calls of each of these, so they trade the
generality of `random.Random` for one `random()` call a draw. The values they
return, and so the rows a seed gives, must stay exactly as they are: a change
here changes every synthetic data set.
"""

import bisect
import functools
import itertools
import random

from ctdb.core import search

# Index of each language in the (Arabic, English) pairs of the word lists.
AR, EN = 0, 1

# `inferred` as JSON text, as COPY takes it.
NO_INFERENCE = "{}"

# The search document of a combination of names recurs: build each once.
search_text = functools.lru_cache(maxsize=200_000)(search.document)


class Stream(random.Random):
    """A random stream whose `choice` and `randint` cost one `random()` call.

    (`random.Random`'s take several Python calls each, a million times over.)
    """

    def choice(self, sequence):
        return sequence[int(self.random() * len(sequence))]

    def randint(self, low, high):
        return low + int(self.random() * (high - low + 1))

    def distinct(self, sequence, count):
        """`count` distinct items of a long `sequence` (fewer if it is short)."""
        if count >= len(sequence):
            return list(sequence)
        chosen = []
        while len(chosen) < count:
            item = self.choice(sequence)
            if item not in chosen:
                chosen.append(item)
        return chosen


class Weighted:
    """Values drawn with fixed weights, one random number a draw (a tenth of
    the cost of `random.choices`, which matters a million times over)."""

    def __init__(self, weights):
        self.values = list(weights)
        total = sum(weights.values())
        self.bounds = list(itertools.accumulate(weight / total for weight in weights.values()))
        self.bounds[-1] = 1.0  # rounding must not leave a draw past the end

    def __call__(self, rng):
        return self.values[bisect.bisect(self.bounds, rng.random())]


def partial_date(rng, first_year=1990, last_year=2024, day=0.7, month=0.2):
    """A partial date between two years: to the day with probability `day`,
    to the month with probability `month`, else the year alone."""
    year = rng.randint(first_year, last_year)
    draw = rng.random()
    if draw < day:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if draw < day + month:
        return f"{year}-{rng.randint(1, 12):02d}"
    return str(year)
