"""TF-IDF vectors of word and character n-grams, fitted on the intent examples.

Each block (stemmed word 1-2-grams, character 2-5-grams within tokens) is weighted by
sublinear term frequency times smoothed inverse document frequency and scaled to unit length;
the two blocks are then joined and the whole vector scaled to unit length again, so a dot
product of two vectors is their cosine similarity. Terms never seen in an example are left out
of the vector, but counted in its known share.

Written out rather than taken from scikit-learn's vectoriser because one message must become a
vector in microseconds, and a vector here is just two arrays: sorted indices and values.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from chatgw.nlu.intents._text import char_terms, is_function, tokens, word_terms

__all__ = ["TermVectors", "Terms", "Vector", "analyse"]

Terms = tuple[Counter[str], Counter[str]]  # word terms and character terms of one text

Vector = tuple[np.ndarray, np.ndarray, float]
"""Sorted feature indices, their values (unit length), and the share of the text that is known.

The share looks at content words only (single stemmed words that are not function words): the
length of their TF-IDF vector counting words seen in the examples, over its length counting
all of them (unseen ones at the highest IDF); 0 for a text without content words. "What's the
weather" against a billing config is made of words nobody wrote there.
"""


def analyse(text: str) -> Terms:
    """The terms of `text`, with their counts."""
    toks = tokens(text)
    return word_terms(toks), char_terms(toks)


class TermVectors:
    """The vocabulary and IDF weights of a set of documents; turns text into unit vectors."""

    __slots__ = ("_content", "_idf", "_index", "_unseen", "content", "size")

    def __init__(self, documents: Sequence[Terms]) -> None:
        counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
        for doc in documents:
            for block in (0, 1):
                counts[block].update(doc[block].keys())
        n = len(documents)
        self._index: tuple[dict[str, int], dict[str, int]] = ({}, {})
        idf: list[float] = []
        content: list[bool] = []
        for block in (0, 1):
            for term in sorted(counts[block]):
                self._index[block][term] = len(idf)
                idf.append(math.log((1 + n) / (1 + counts[block][term])) + 1.0)
                content.append(block == 0 and " " not in term and not is_function(term))
        self._idf = np.asarray(idf)
        self._content = np.asarray(content, dtype=bool)
        # features that say what a text is about: all but word terms of function words only
        self.content = np.asarray(
            [not is_function(t) for t in self._index[0]] + [True] * len(self._index[1]),
            dtype=bool,
        )
        self._unseen = math.log(1 + n) + 1.0  # the IDF of a term in no example
        self.size = len(idf)

    def vector(self, text: str | Terms) -> Vector:
        """The unit vector of `text` (empty when it shares no term) and its known share."""
        terms = analyse(text) if isinstance(text, str) else text
        parts = []
        seen = 0.0  # squared weight of the known content words
        for block in (0, 1):
            index = self._index[block]
            ids, counts = [], []
            for term, count in terms[block].items():
                i = index.get(term)
                if i is not None:
                    ids.append(i)
                    counts.append(count)
            if not ids:
                continue
            idx = np.array(ids, dtype=np.int64)
            val = self._idf[idx]
            if max(counts) > 1:  # a term said once weighs its IDF alone (1 + log 1 = 1)
                val = (1.0 + np.log(np.array(counts, dtype=np.float64))) * val
            parts.append((idx, val / math.sqrt(float(np.square(val).sum()))))
            if block == 0:
                seen = float(np.square(val[self._content[idx]]).sum())
        if not parts:
            return np.empty(0, np.int64), np.empty(0, np.float64), 0.0
        unseen = sum(
            (self._unseen * (1.0 + math.log(count))) ** 2
            for term, count in terms[0].items()
            if " " not in term and term not in self._index[0] and not is_function(term)
        )
        known = math.sqrt(seen / (seen + unseen)) if seen + unseen > 0 else 0.0
        idx = np.concatenate([p[0] for p in parts])
        val = np.concatenate([p[1] for p in parts]) / math.sqrt(len(parts))
        order = np.argsort(idx)
        return idx[order], val[order], known

    def matrix(self, texts: Sequence[str | Terms]) -> tuple[sp.csr_matrix, np.ndarray]:
        """One row per text, as a sparse matrix, and the known share of each text."""
        indptr = [0]
        indices: list[np.ndarray] = []
        data: list[np.ndarray] = []
        known = np.zeros(len(texts))
        for row, text in enumerate(texts):
            idx, val, known[row] = self.vector(text)
            indices.append(idx)
            data.append(val)
            indptr.append(indptr[-1] + len(idx))
        matrix = sp.csr_matrix(
            (
                np.concatenate(data) if data else np.empty(0),
                np.concatenate(indices) if indices else np.empty(0, np.int64),
                np.asarray(indptr),
            ),
            shape=(len(texts), self.size),
        )
        return matrix, known
