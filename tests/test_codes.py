import pytest

from consult.consultations import codes


@pytest.mark.parametrize("code", ["I", "I.1", "I.1.1", "III.2", "IV.10.3", "XII.1"])
def test_valid_codes(code):
    assert codes.is_valid(code)


@pytest.mark.parametrize("code", ["", "1.1", "i.1", "I.", "I..1", "I.0", "I.01", "IIII", "VX", "I.a",
                                  "I 1", "I.1 ", "<b>I</b>", "I." + "1." * 30 + "1"])
def test_malformed_codes(code):
    assert not codes.is_valid(code)
    with pytest.raises(codes.InvalidCode):
        codes.parse(code)


def test_sorted_as_a_reader_expects():
    given = ["III", "I.10", "II", "I.2", "I", "I.9", "III.2", "I.1.1", "I.1", "IV", "II.1"]
    assert sorted(given, key=codes.sort_key) == [
        "I", "I.1", "I.1.1", "I.2", "I.9", "I.10", "II", "II.1", "III", "III.2", "IV",
    ]


def test_parent_and_depth_derive_from_the_code():
    assert codes.parent_code("I.1.1") == "I.1"
    assert codes.parent_code("III.2") == "III"
    assert codes.parent_code("III") is None
    assert [codes.depth(c) for c in ("I", "I.1", "I.1.1")] == [0, 1, 2]


@pytest.mark.parametrize("typed, stored", [
    (" I 1.1 ", "I.1.1"),   # spelling of the 2018 document
    ("iii.2", "III.2"),
    ("I.3.", "I.3"),
])
def test_normalise_accepts_common_spellings(typed, stored):
    assert codes.normalise(typed) == stored
