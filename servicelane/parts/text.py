"""The words of a part's names as the full-text indexes see them, and a typed query
turned into the same words.

Both sides are folded the same way in Python, so SQLite's FTS5 and PostgreSQL's
``to_tsvector('simple', …)`` split the text alike: lower case without accents
("Ölfilter" → "olfilter", "Straße" → "strasse"), anything that is not a letter or a
digit becomes a space, and Chinese (and Japanese, Korean) characters are spaced
apart: the text has no spaces between words, so every character is a word of its
own and a query searches its characters as a phrase: "机油" finds "机油滤清器".
"""

import re
import unicodedata
from dataclasses import dataclass

_CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3040-\u30ff"  # kana
    "\u3100-\u312f\u31a0-\u31bf"  # bopomofo
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B…G
)
_CJK_CHAR = re.compile(f"[{_CJK}]")
# A run of CJK characters, or of other letters and digits.
_WORD = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")


def fold(text: str) -> str:
    """Lower case, compatibility forms (full-width letters) and accents removed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.casefold())


def words(text: str) -> list[str]:
    """The folded words of a text; a run of Chinese characters stays one item."""
    return _WORD.findall(fold(text))


def is_cjk(word: str) -> bool:
    return bool(_CJK_CHAR.match(word))


def search_text(*names: str) -> str:
    """The indexed text of a part: its names, folded, Chinese spaced by character."""
    tokens: list[str] = []
    for word in words(" ".join(name for name in names if name)):
        if is_cjk(word):
            tokens.extend(word)
        else:
            tokens.append(word)
    return " ".join(tokens)


@dataclass(frozen=True)
class Term:
    """One word of a query: a phrase of characters for Chinese, else a word."""

    tokens: tuple[str, ...]
    prefix: bool = False


# The last word of a query is matched as a prefix while it is being typed
# ("brak" finds "brake"), from this length on; shorter ones match whole words.
PREFIX_MIN_LENGTH = 2


def query_terms(query: str) -> list[Term]:
    """The words of a typed query, each one to be found (AND); the last as a prefix."""
    found = words(query)
    terms = []
    for position, word in enumerate(found):
        if is_cjk(word):
            terms.append(Term(tokens=tuple(word)))
        else:
            last = position == len(found) - 1
            terms.append(Term(tokens=(word,), prefix=last and len(word) >= PREFIX_MIN_LENGTH))
    return terms


def fts5_query(terms: list[Term]) -> str:
    """SQLite FTS5 MATCH syntax: quoted phrases, ``*`` for a prefix, implicit AND.
    Tokens are letters and digits only, so quoting needs no escapes."""
    return " AND ".join(f'"{" ".join(t.tokens)}"' + ("*" if t.prefix else "") for t in terms)


def tsquery(terms: list[Term]) -> str:
    """PostgreSQL ``to_tsquery('simple', …)`` syntax: ``<->`` for a phrase of characters,
    ``:*`` for a prefix, ``&`` between words."""
    parts = []
    for term in terms:
        phrase = " <-> ".join(term.tokens)
        parts.append(
            f"({phrase})" if len(term.tokens) > 1 else phrase + (":*" if term.prefix else "")
        )
    return " & ".join(parts)
