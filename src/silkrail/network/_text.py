"""Text normalisation for place-name lookup."""

from __future__ import annotations

import re

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_name(text: str) -> str:
    """Fold a place name to lowercase ASCII letters and digits.

    Transliterates every script to ASCII (so 西安, Алматы and Almaty compare by their Latin
    spelling), drops accents, case, spaces and punctuation.

    Parameters
    ----------
    text
        Any spelling of a place name.

    Returns
    -------
    str
        The folded key.

    Examples
    --------
    >>> normalize_name("Xi'an"), normalize_name("西安"), normalize_name("Małaszewicze")
    ('xian', 'xian', 'malaszewicze')
    >>> normalize_name("Алматы")
    'almaty'
    """
    return _NON_ALNUM.sub("", anyascii(text).casefold())
