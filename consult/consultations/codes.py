"""Program priority codes: a roman area, then arabic levels (I, I.1, I.1.1, III.2)."""

from __future__ import annotations

import re

CODE_RE = re.compile(r"^(?P<area>[IVXLC]+)(?P<levels>(?:\.[1-9][0-9]{0,3})*)$")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_CANONICAL_ROMAN = [
    (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]
MAX_LENGTH = 50


class InvalidCode(ValueError):
    pass


def _int_to_roman(value: int) -> str:
    out = []
    for number, letters in _CANONICAL_ROMAN:
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def roman_to_int(roman: str) -> int:
    total = 0
    for i, ch in enumerate(roman):
        value = _ROMAN[ch]
        if i + 1 < len(roman) and _ROMAN[roman[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def normalise(code: str) -> str:
    """Strip spaces and accept the "I 1.1" / "I.1." spellings of the 2018 document."""
    code = code.strip().upper()
    code = re.sub(r"^([IVXLC]+)\s+(?=\d)", r"\1.", code)
    return code.rstrip(".")


def parse(code: str) -> tuple[int, ...]:
    """The code as numbers (area first); raises :class:`InvalidCode` for a malformed code."""
    if len(code) > MAX_LENGTH:
        raise InvalidCode("too long")
    match = CODE_RE.match(code)
    if not match:
        raise InvalidCode(code)
    area = match["area"]
    area_number = roman_to_int(area)
    if _int_to_roman(area_number) != area:
        raise InvalidCode(code)  # e.g. "IIII" or "VX"
    levels = tuple(int(p) for p in match["levels"].split(".")[1:])
    return (area_number, *levels)


def is_valid(code: str) -> bool:
    try:
        parse(code)
    except InvalidCode:
        return False
    return True


def sort_key(code: str) -> tuple[int, ...]:
    """I < I.1 < I.2 < I.10 < II < III < III.2, as a reader expects."""
    return parse(code)


def parent_code(code: str) -> str | None:
    """The code without its last level (None for an area such as "III")."""
    if "." not in code:
        return None
    return code.rsplit(".", 1)[0]


def depth(code: str) -> int:
    """0 for an area ("I"), 1 for "I.1", 2 for "I.1.1"."""
    return code.count(".")
