"""Reading-level figures for a text, with textstat (pinned to 0.7.8: later releases download
NLTK data on first use, which fails offline and in CI).

Which figure governs:
- English: the Flesch-Kincaid grade. Above 6 is a warning, above 8 an error. SMOG is printed
  next to it but never decides: SMOG is calibrated on samples of 30 sentences or more, and a
  section has far fewer.
- Spanish: the Fernandez-Huerta ease score (0-100, higher is easier). Its published bands put
  70-80 ("bastante facil") at about grade 6 and 60-70 ("normal") at grades 7-8, so below 70 is
  a warning and below 60 an error. Szigriszt-Pazos (INFLESZ) is printed next to it.
Text is measured as the reader sees it: each bullet, title and line is its own sentence (a
bullet without a full stop would otherwise run into the next one and look like one long
sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from textstat.textstat import textstatistics

from esi_docs.lint.findings import ERROR, WARNING

ENGLISH_WARNING_GRADE = 6.0
ENGLISH_ERROR_GRADE = 8.0
SPANISH_WARNING_EASE = 70.0
SPANISH_ERROR_EASE = 60.0
MEASURED_LANGUAGES = ("en", "es")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^a-z])")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_BULLET = re.compile(r"^\s*(?:[-•]\s+)")


@dataclass(frozen=True)
class Measure:
    language: str
    measure: str  # name of the governing figure
    score: float
    secondary: str  # "SMOG 7.9" / "Szigriszt-Pazos 72.0"
    level: str | None  # None (on target), WARNING or ERROR
    target: str
    longest: tuple[tuple[int, str], ...]  # (words, sentence), longest first
    hardest: tuple[tuple[int, str], ...]  # (syllables, word), hardest first


@lru_cache(maxsize=4)
def _stats(language: str) -> textstatistics:
    """One textstat object per language: set_lang changes state, so never share them."""
    stats = textstatistics()
    stats.set_lang(language)
    return stats


def as_sentences(lines: list[str]) -> list[str]:
    """Lines (titles, bullets, paragraphs) as sentences, each ending in a full stop."""
    units = []
    for line in lines:
        text = _BULLET.sub("", line).strip()
        if not text:
            continue
        units.append(text if text[-1] in ".!?:" else f"{text}.")
    return units


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def words(sentence: str) -> list[str]:
    return _WORD.findall(sentence)


def measure(units: list[str], language: str) -> Measure | None:
    """The governing figure, its level, and what to fix first; None when not measurable."""
    if language not in MEASURED_LANGUAGES or not units:
        return None
    text = " ".join(units)
    stats = _stats(language)
    if language == "en":
        score = float(stats.flesch_kincaid_grade(text))
        level = _level(score > ENGLISH_ERROR_GRADE, score > ENGLISH_WARNING_GRADE)
        name, secondary = "Flesch-Kincaid grade", f"SMOG {stats.smog_index(text):.1f}"
        target = f"<= {ENGLISH_WARNING_GRADE:g}"
    else:
        score = float(stats.fernandez_huerta(text))
        level = _level(score < SPANISH_ERROR_EASE, score < SPANISH_WARNING_EASE)
        name = "Fernandez-Huerta"
        secondary = f"Szigriszt-Pazos {stats.szigriszt_pazos(text):.1f}"
        target = f">= {SPANISH_WARNING_EASE:g}"
    return Measure(
        language, name, score, secondary, level, target, _longest(units), _hardest(text, language)
    )


def _level(error: bool, warning: bool) -> str | None:
    return ERROR if error else WARNING if warning else None


def _longest(units: list[str], count: int = 3) -> tuple[tuple[int, str], ...]:
    sentences = {s for unit in units for s in split_sentences(unit)}
    ranked = sorted(((len(words(s)), s) for s in sentences), key=lambda x: (-x[0], x[1]))
    return tuple(ranked[:count])


def _hardest(text: str, language: str, count: int = 5) -> tuple[tuple[int, str], ...]:
    """textstat's difficult words, most syllables first: the words to replace or explain."""
    stats = _stats(language)
    difficult = {w.lower() for w in stats.difficult_words_list(text)}
    ranked = sorted(((stats.syllable_count(w), w) for w in difficult), key=lambda x: (-x[0], x[1]))
    return tuple(ranked[:count])


def describe(result: Measure) -> str:
    return f"{result.measure} {result.score:.1f} ({result.secondary})"


def fix_hints(result: Measure) -> tuple[str, ...]:
    """The detail lines under a reading finding."""
    longest = "; ".join(f'{n} words: "{clip(s)}"' for n, s in result.longest)
    hardest = ", ".join(f"{w} ({n})" for n, w in result.hardest)
    return (f"longest sentences: {longest}", f"hardest words (syllables): {hardest or 'none'}")


def clip(sentence: str, limit: int = 70) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 3].rstrip() + "..."
