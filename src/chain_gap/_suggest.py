"""Did-you-mean suggestions for names staff type: regions, chains, links.

Staff type names by ear and by input method: 商邱 for 商丘 (same pinyin, another character), 商丘 without
市, a dropped or swapped character, NEV in capitals. A suggestion is scored on two views of the name,
and the better one counts: the characters (edit distance, so dropped, doubled, swapped or mistyped
characters are near) and the toneless pinyin syllables, compared syllable by syllable (so homophones typed through a pinyin input
method are near). A swap of neighbours costs one edit, and a name that only lost characters
ranks above one whose characters changed. Scores are rapidfuzz ratios in [0, 100]; a candidate is suggested from
:data:`MIN_SCORE` on, best first.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

#: Lowest score (0–100) at which a candidate is offered as a suggestion.
MIN_SCORE = 60.0


@dataclass(frozen=True)
class Suggestion:
    """One candidate offered for what the user typed.

    Attributes
    ----------
    key
        The candidate's identifier (a region code, a chain id).
    label
        How the candidate is shown (``商丘市（411400）``).
    score
        Similarity in [0, 100]; higher is closer.
    """

    key: str
    label: str
    score: float


def fold(text: str) -> str:
    """``text`` as compared: NFKC (full-width letters and digits folded), lower case, no spaces.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
    """
    return "".join(unicodedata.normalize("NFKC", str(text)).lower().split())


def _keep(run: str) -> list[str]:
    return [run]


@functools.lru_cache(maxsize=65536)
def pinyin_key(text: str) -> tuple[str, ...]:
    """The toneless pinyin syllables of ``text`` (non-Chinese runs kept as typed, one item each).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    tuple of str
    """
    return tuple(lazy_pinyin(fold(text), errors=_keep))  # type: ignore[arg-type]  # pypinyin accepts a list-returning callback


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _similarity(a: str | tuple[str, ...], b: str | tuple[str, ...]) -> float:
    """Similarity in [0, 100]: mostly edit distance (a swap of neighbours is one edit), partly the
    overlap of the two bags of characters, so a swap (nothing lost) beats a changed character."""
    if not a or not b:
        return 0.0
    quick = fuzz.ratio(a, b)
    if quick < 40.0:  # far apart whatever the finer measures say: skip them (most candidates)
        return quick
    edit = max(quick, OSA.normalized_similarity(a, b) * 100.0)
    common = sum((Counter(a) & Counter(b)).values())
    bag = 200.0 * common / (len(a) + len(b))
    return 0.8 * edit + 0.2 * bag


def _score(query: str, query_py: tuple[str, ...], name: str) -> float:
    chars = _similarity(query, name)
    if len(query) < len(name) and _is_subsequence(query, name):
        chars += 5.0  # characters dropped, none changed: closer than a changed character
    sounds = _similarity(query_py, pinyin_key(name))
    # A homophone is a strong sign only when the whole name sounds the same; partial sound-alikes
    # count a little less than the same characters would.
    return min(100.0, max(chars, sounds if sounds == 100 else sounds * 0.95))


def suggest(
    query: str,
    names: Mapping[str, Iterable[str]],
    labels: Mapping[str, str] | None = None,
    *,
    limit: int = 3,
    min_score: float = MIN_SCORE,
) -> list[Suggestion]:
    """The candidates closest to ``query``, best first.

    Parameters
    ----------
    query
        What the user typed.
    names
        For each candidate key, the names it is known by (full name, short name, English name, id).
    labels
        How each key is shown; default the key itself.
    limit
        At most this many suggestions.
    min_score
        Candidates scoring below this (0–100) are not offered.

    Returns
    -------
    list of Suggestion
        Empty when nothing is close enough.
    """
    q = fold(query)
    if not q:
        return []
    q_py = pinyin_key(q)
    best: dict[str, float] = {}
    for key, aliases in names.items():
        s = max((_score(q, q_py, fold(a)) for a in aliases if a), default=0.0)
        if s >= min_score:
            best[key] = s
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    labels = labels or {}
    return [Suggestion(k, labels.get(k, k), round(s, 1)) for k, s in ranked]


def shortlist(query: str, choices: Iterable[str], limit: int = 50) -> list[str]:
    """A cheap first cut over many names (rapidfuzz's C scorer) before :func:`suggest` ranks them.

    Parameters
    ----------
    query : str
        What the user typed.
    choices : iterable of str
        The known names.
    limit : int
        Most names kept.

    Returns
    -------
    list of str
    """
    q = fold(query)
    return [c for c, _, _ in process.extract(q, list(choices), scorer=fuzz.ratio, processor=fold, limit=limit)]
