"""routing.report.labels: one catalogue of the report outputs' words, in Chinese and English."""

from __future__ import annotations

import string

import pytest

from routing.exceptions import DataError
from routing.i18n import MESSAGES
from routing.io import edited
from routing.report import labels


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("name", ["SHARED", *(k.upper() for k in labels.CATALOGUES)])
def test_each_label_has_both_languages_with_the_same_fields(name):
    for key, value in getattr(labels, name).items():
        if isinstance(value, str):
            assert value in MESSAGES, (name, key)
            continue
        zh, en = value
        assert zh and en, (name, key)
        assert _fields(zh) == _fields(en), (name, key)


def test_no_words_are_in_both_catalogues():
    """A label with the command line's words names its message instead of repeating them."""
    cli = set(MESSAGES.values())
    for cat in (labels.SHARED, *labels.CATALOGUES.values()):
        assert not [k for k, v in cat.items() if not isinstance(v, str) and v in cli]


def test_labels_per_output_and_language():
    assert labels.label("map", "trip", "zh", n=2) == "第2趟"
    assert labels.label("sheet", "trunk", "en") == MESSAGES["leg_trunk"][1]
    assert labels.labels("report", "en")["plan"] == "Delivery plan"
    assert labels.labels("map", "en")["plan"] == "delivery plan"
    with pytest.raises(DataError, match="lang"):
        labels.labels("map", "fr")


def test_edited_routes_read_the_headers_of_both_languages():
    """routing retime reads routes.xlsx back in either language: its header words and skipped
    sheets are the labels' own."""
    for lang in labels.LANGS:
        sheet, table = labels.labels("sheet", lang), labels.labels("table", lang)
        assert sheet["station_id"] in edited.STATION_COLUMNS
        assert sheet["lines"] in edited.LINES_COLUMNS
        assert {table["summary"], table["loading"]} <= set(edited.SUMMARY_SHEETS)
