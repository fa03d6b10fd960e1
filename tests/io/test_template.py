"""`routing template`: blank import templates that read back as a scenario once filled in."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from routing.cli import main
from routing.io import read_scenario
from routing.io.template import TABLES, header

from ..conftest import ROOT


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_templates_as_written_read_back(tmp_path, lang, fmt):
    r = CliRunner().invoke(main, ["template", str(tmp_path / "t"), "--lang", lang,
                                  "--format", fmt])
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert names == sorted([*(f"{k}.{fmt}" for k in TABLES), "scenario.toml"])
    s = read_scenario(tmp_path / "t")
    assert [x.tier.value for x in s.stations] == ["hub", "township", "village"]
    assert [(d.carrier_id, d.direction.value) for d in s.demand] == [
        ("post", "down"), ("zto", "down"), ("post", "up")]
    assert {v.owner for v in s.vehicle_types} == {"alliance"}


def test_xlsx_template_has_headers_lists_and_notes(tmp_path):
    CliRunner().invoke(main, ["template", str(tmp_path), "--lang", "zh"])
    wb = openpyxl.load_workbook(tmp_path / "demand.xlsx")
    ws = wb.worksheets[0]
    heads = [c.value for c in ws[1]]
    assert heads[:4] == ["编号", "站点", "快递公司", "方向"]
    lists = wb["lists"]
    assert lists.sheet_state == "hidden"
    values = {lists.cell(row=1, column=j).value:
              [lists.cell(row=i, column=j).value for i in range(2, lists.max_row + 1)
               if lists.cell(row=i, column=j).value]
              for j in range(1, lists.max_column + 1)}
    assert values["direction"] == ["下行", "上行"]
    assert values["yes_no"] == ["是", "否"]
    assert values["carrier"] == ["中国邮政", "中通快递"]
    ranges = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    col = {h: openpyxl.utils.get_column_letter(k + 1) for k, h in enumerate(heads)}
    assert ranges[f"{col['方向']}2:{col['方向']}1001"].startswith("=lists!")
    assert ranges[f"{col['生鲜']}2:{col['生鲜']}1001"].startswith("=lists!")
    assert ranges[f"{col['快递公司']}2:{col['快递公司']}1001"].startswith("=lists!")
    assert "说明 notes" in wb.sheetnames
    st = openpyxl.load_workbook(tmp_path / "stations.xlsx").worksheets[0]
    tier_col = [c.value for c in st[1]].index("层级") + 1
    dvs = st.data_validations.dataValidation
    assert any(openpyxl.utils.get_column_letter(tier_col) + "2" in str(dv.sqref) for dv in dvs)


def test_filled_in_template_plans(tmp_path):
    """Rows a dispatcher adds with the drop-down words (村级站点, 下行, 是, 中通快递) read back
    and plan without error."""
    CliRunner().invoke(main, ["template", str(tmp_path), "--lang", "zh"])
    wb = openpyxl.load_workbook(tmp_path / "stations.xlsx")
    ws = wb.worksheets[0]
    heads = [c.value for c in ws[1]]
    row = dict.fromkeys(heads, None) | {"编号": "V2", "名称": "新村", "层级": "村级站点",
                                        "经度": 111.25, "纬度": 35.17, "所属乡镇": "T1",
                                        "冷库": "否"}
    ws.append([row[h] for h in heads])
    wb.save(tmp_path / "stations.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "demand.xlsx")
    ws = wb.worksheets[0]
    heads = [c.value for c in ws[1]]
    for k, (carrier, direction, fresh) in enumerate([("中通快递", "下行", "否"),
                                                     ("中国邮政", "上行", "是")]):
        row = dict.fromkeys(heads, None) | {"编号": f"N{k}", "站点": "V2", "快递公司": carrier,
                                            "方向": direction, "件数": 5 + k, "重量": 8,
                                            "生鲜": fresh}
        ws.append([row[h] for h in heads])
    wb.save(tmp_path / "demand.xlsx")
    s = read_scenario(tmp_path)
    assert [(d.id, d.carrier_id, d.direction.value, d.fresh) for d in s.demand[-2:]] == [
        ("N0", "zto", "down", False), ("N1", "post", "up", True)]
    r = CliRunner().invoke(main, ["plan", str(tmp_path), "-o", str(tmp_path / "out"),
                                  "--solution-limit", "20", "--quiet", "--engine", "ortools"])
    assert r.exit_code == 0, r.output
    assert "独立核查：通过" in r.output


def test_template_takes_a_scenarios_carriers(tmp_path):
    xia = read_scenario(ROOT / "scenarios" / "xia")
    r = CliRunner().invoke(main, ["template", str(tmp_path), "--scenario",
                                  str(ROOT / "scenarios" / "xia")])
    assert r.exit_code == 0, r.output
    s = read_scenario(tmp_path)
    assert [c.id for c in s.carriers] == [c.id for c in xia.carriers]
    assert {d.carrier_id for d in s.demand} <= {c.id for c in xia.carriers}


def test_every_template_header_is_read():
    """Each header a template writes is a name or alias of its column."""
    for cols in TABLES.values():
        for c in cols:
            for lang in ("zh", "en"):
                assert header(c, lang) in (c.name, *c.aliases)
