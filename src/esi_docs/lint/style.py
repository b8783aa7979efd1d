"""Plain-language style checks from health-literacy practice, on text as it prints.

Long sentences, ALL-CAPS words, italics and unexplained medical terms are warnings; passive
voice is only a note, because the simple "was/were/been + participle" test is a hint with false
alarms ("It was done on your left side" is fine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from esi_docs.inputs.yamlio import LINE_KEY, parse_yaml
from esi_docs.lint.findings import NOTE, WARNING, Finding
from esi_docs.lint.reading import clip, split_sentences, words
from esi_docs.lint.samples import Filled
from esi_docs.lint.sources import ContentFile

MAX_SENTENCE_WORDS = 20
_PASSIVE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?"
    r"(\w+ed|done|given|taken|seen|made|told|put|kept|shown|written|known|held|left|gone)\b",
    re.IGNORECASE,
)
_CAPS = re.compile(r"\b[A-Z][A-Z]+s?\b")
# Words that start a plain explanation right after a term (or in the next sentence):
# "An epidural ... is a shot ...", "Sciatica: pain that ...", "This is ...", "(...)".
_EXPLAINED = {
    "en": (
        " is a ",
        " is an ",
        "it is",
        "this is",
        "that is",
        "which is",
        "means",
        "called",
        "(",
        " - ",
        ":",
    ),
    "es": (" es un", "es decir", "esto es", "que es", "significa", "llamad", "(", " - ", ":"),
}


@dataclass(frozen=True)
class Glossary:
    allowed_caps: frozenset[str]
    terms: dict[str, dict[str, str]]  # language -> term -> plain words


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The packaged word lists (data/glossary.yaml), so content owners can extend them."""
    text = (resources.files("esi_docs") / "data" / "glossary.yaml").read_text(encoding="utf-8")
    data = parse_yaml(text, "glossary.yaml", strings_only=False)
    terms = {
        str(lang): {str(k): str(v) for k, v in entries.items() if k != LINE_KEY}
        for lang, entries in data["terms"].items()
        if lang != LINE_KEY
    }
    return Glossary(frozenset(str(w) for w in data["allowed_caps"]), terms)


def check_style(content: ContentFile, filled: list[Filled]) -> list[Finding]:
    found: list[Finding] = []
    for item in filled:
        found += _sentence_checks(content, item)
    found += _italics(content)
    found += _terms(content, filled)
    return found


def _finding(content: ContentFile, item: Filled, level: str, message: str) -> Finding:
    message = f"{item.snippet.field}: {message}"
    return Finding(content.file, item.snippet.line, level, "style", message)


def _sentence_checks(content: ContentFile, item: Filled) -> list[Finding]:
    found = []
    for sentence in split_sentences(item.text):
        count = len(words(sentence))
        if count > MAX_SENTENCE_WORDS:
            found.append(
                _finding(
                    content,
                    item,
                    WARNING,
                    f'sentence of {count} words (over {MAX_SENTENCE_WORDS}): "{clip(sentence)}"',
                )
            )
    if content.language == "en":
        for match in _PASSIVE.finditer(item.text):
            found.append(
                _finding(
                    content,
                    item,
                    NOTE,
                    f"passive voice? '{match.group(0)}': active voice says who does what",
                )
            )
    for word in dict.fromkeys(_CAPS.findall(item.text)):
        if word not in glossary().allowed_caps:
            found.append(
                _finding(
                    content,
                    item,
                    WARNING,
                    f"ALL-CAPS word '{word}': capitals are harder to read; use <b> for emphasis",
                )
            )
    return found


def _italics(content: ContentFile) -> list[Finding]:
    return [
        Finding(
            content.file,
            snippet.line,
            WARNING,
            "style",
            f"{snippet.field}: italics (<i>) are hard to read; use <b> for emphasis",
        )
        for snippet in content.snippets
        if "<i>" in snippet.source
    ]


def _in_brackets(sentence: str, at: int) -> bool:
    before = sentence[:at]
    return before.rfind("(") > before.rfind(")")


def _terms(content: ContentFile, filled: list[Filled]) -> list[Finding]:
    """The first use of a glossary term in a section needs plain words next to it."""
    sentences = [(item, s) for item in filled for s in split_sentences(item.text)]
    cues = _EXPLAINED.get(content.language, ())
    found = []
    for term, plain_words in glossary().terms.get(content.language, {}).items():
        pattern = re.compile(rf"\b{re.escape(term)}", re.IGNORECASE)
        for index, (item, sentence) in enumerate(sentences):
            match = pattern.search(sentence)
            if not match:
                continue
            if _in_brackets(sentence, match.start()):
                break  # "(spinal stenosis)": the plain words came first
            nearby = sentence[match.end() :].lower()
            if index + 1 < len(sentences):
                nearby += " " + sentences[index + 1][1].lower()
            if not any(cue in nearby for cue in cues):
                found.append(
                    _finding(
                        content,
                        item,
                        WARNING,
                        f"'{term}' is a medical term; explain it nearby in plain words, "
                        f'such as "{plain_words}"',
                    )
                )
            break
    return found
