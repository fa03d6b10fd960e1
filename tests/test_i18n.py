"""routing.i18n: one catalogue, one formatter per kind of number, names instead of ids."""

from __future__ import annotations

import pytest

from routing.i18n import (
    MESSAGES,
    change_pct,
    count,
    display_width,
    method_name,
    pad,
    status_name,
    t,
    variant_name,
)


def test_every_message_has_both_languages_and_the_same_fields():
    import string

    for key, (zh, en) in MESSAGES.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(x) if f} for x in (zh, en)]
        assert fields[0] == fields[1], key
        assert zh and en, key


def test_plural_and_chinese_counts():
    assert count(1, "en") == "1 parcel"
    assert count(2, "en") == "2 parcels"
    assert count(12345, "en") == "12,345 parcels"
    assert count(1, "zh") == "1 件"
    assert t("solution_n", "en", n=1) == "1 solution"


def test_names_not_identifiers():
    names = {"post": "中国邮政", "zto": "中通快递"}
    assert variant_name("post alone", "zh", names) == "中国邮政 单独配送"
    assert variant_name("alliance_two_echelon", "zh") == "共同配送·两级"
    assert variant_name("alliance_every_other_day", "en") == "alliance every other day"
    assert variant_name("carriers alone (sum)", "zh") == "各家单独配送（合计）"
    assert variant_name("县城东线", "zh") == "县城东线"  # the scenario's own words stay
    assert method_name("by_parcels", "zh") == "按件数分摊"
    assert method_name("by_standalone_cost", "zh") == "按单独成本分摊"
    assert method_name("shapley", "zh") == "Shapley值分摊"
    assert status_name("SUCCESS", "zh") == "成功"
    assert status_name("SUCCESS", "en") == "SUCCESS"


@pytest.mark.parametrize(("reduction", "shown"), [(0.25, "-25.0%"), (0.2281, "-22.8%"),
                                                  (-0.126, "+12.6%"), (None, "-")])
def test_change_pct(reduction, shown):
    assert change_pct(reduction) == shown


def test_pad_counts_wide_characters_and_cuts_long_ids():
    assert display_width("中国邮政") == 8
    assert pad("中国邮政", 10) == "中国邮政  "
    assert pad("POST_BOX42_LONGER", 12) == "POST_BOX42_…"
    assert display_width(pad("中国邮政（含EMS）", 12)) <= 12


def test_route_table_keeps_columns_apart(tiny, tiny_solved):
    """A vehicle type id as long as its column (POST_BOX42) never runs into the next one."""
    from routing.io.plan_json import plan_to_dict
    from routing.report.summary import summary_text

    doc = plan_to_dict(tiny_solved[0], tiny)
    for r in doc["routes"]:
        r["vehicle_type"] = "POST_BOX42"
        r["vehicle_id"] = "POST_BOX42_LONG-1"
    for lang in ("zh", "en"):
        text = summary_text(doc, tiny, lang=lang)
        lines = [ln for ln in text.splitlines() if ln.startswith("POST_BOX42")]
        assert lines
        for ln in lines:
            assert "POST_BOX42 " in ln and "POST_BOX42direct" not in ln
            assert "POST_BOX42直送" not in ln


def test_options_without_a_plan_in_words():
    """Failed compare options: identifiers in English (as comparison.json has them), names
    in Chinese; the failed verdict in Chinese."""
    from routing.evaluate.targets import Verdict
    from routing.i18n import failed_options_text, failed_split_text, verdict_short

    failed = [{"kind": "baseline", "option": "post alone"},
              {"kind": "variant", "option": "alliance"}, {"kind": "coalition", "option": "post"}]
    names = {"post": "中国邮政"}
    assert failed_options_text(failed, "en", names) == (
        "baseline post alone, variant alliance, coalition post")
    assert failed_options_text(failed, "zh", names) == (
        "基线 中国邮政 单独配送、方案 共同配送、联盟子集 中国邮政")
    assert failed_split_text(["alliance: no plan", "post alone: no plan"], "zh", names) == (
        "共同配送、中国邮政 单独配送")
    v = Verdict(key="plan", target="a plan within the time limit", label="plan", value="none",
                met=False, reason="no plan within the time limit: give it more time")
    assert verdict_short(v, "zh") == "方案：无 未达标（限时内未找到方案，请给更多求解时间）"
