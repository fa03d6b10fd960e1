"""Manifests as county dispatchers write them: 下行/上行, carriers by Chinese name, 编号."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from routing.exceptions import ScenarioError
from routing.io import read_scenario

from ..conftest import TINY


def _chinese_manifest(tmp_path: Path) -> Path:
    """tiny with its demand rewritten: Chinese headers, 编号, 下行/上行, carriers by name."""
    folder = tmp_path / "tiny_zh"
    shutil.copytree(TINY, folder)
    with open(TINY / "demand.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = {"post": ["中国邮政", "China Post", "POST"], "zto": ["中通", "ZTO", "zto"]}
    words = {"down": "下行", "up": "上行"}
    with open(folder / "demand.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["编号", "站点", "快递公司", "方向", "件数", "重量", "体积", "生鲜", "ready"])
        for k, r in enumerate(rows):
            carrier = names[r["carrier"]][k % 3]
            direction = words[r["direction"]] if k % 2 == 0 else r["direction"].upper()
            fresh = "是" if r["fresh"] == "true" else "否"
            w.writerow([r["id"], r["station"], carrier, direction, r["parcels"], r["kg"],
                        r["m3"], fresh, r["ready"]])
    return folder


def test_chinese_manifest_reads_as_the_original(tmp_path):
    zh = read_scenario(_chinese_manifest(tmp_path))
    orig = read_scenario(TINY)
    assert [(d.id, d.station_id, d.carrier_id, d.direction, d.parcels, d.fresh)
            for d in zh.demand] == [(d.id, d.station_id, d.carrier_id, d.direction, d.parcels,
                                     d.fresh) for d in orig.demand]
    assert {d.direction.value for d in zh.demand} == {"down", "up"}


def test_chinese_manifest_plans_without_error(tmp_path):
    from routing.network.matrix import travel_matrices
    from routing.pipeline import plan_scenario

    scenario = read_scenario(_chinese_manifest(tmp_path))
    result, _ = plan_scenario(scenario, travel_matrices(scenario), time_limit_s=1,
                              solution_limit=20, engine="ortools")
    assert result is not None


def test_unknown_carrier_and_direction_still_named(tmp_path):
    folder = _chinese_manifest(tmp_path)
    text = (folder / "demand.csv").read_text(encoding="utf-8").splitlines()
    cells = text[1].split(",")
    cells[2], cells[3] = "顺丰", "横行"
    (folder / "demand.csv").write_text("\n".join([text[0], ",".join(cells), *text[2:]]),
                                       encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        read_scenario(folder)
    msg = str(err.value)
    assert "横行" in msg and "下行" in msg  # the valid words are named


def test_tier_and_echelon_in_chinese(tmp_path):
    folder = tmp_path / "t"
    shutil.copytree(TINY, folder)
    head, *lines = (folder / "stations.csv").read_text(encoding="utf-8").splitlines()
    zh = {"hub": "县级中心", "township": "乡镇站点", "village": "村级站点"}
    lines = [",".join(zh.get(c, c) if k == 2 else c for k, c in enumerate(ln.split(",")))
             for ln in lines]
    (folder / "stations.csv").write_text("\n".join([head, *lines]), encoding="utf-8")
    vt = (folder / "vehicles.csv").read_text(encoding="utf-8").replace(",alliance", ",联盟")
    (folder / "vehicles.csv").write_text(vt, encoding="utf-8")
    s = read_scenario(folder)
    o = read_scenario(TINY)
    assert [x.tier for x in s.stations] == [x.tier for x in o.stations]
    assert [v.owner for v in s.vehicle_types] == [v.owner for v in o.vehicle_types]


def test_xia_carriers_by_their_usual_names():
    """Xia's carriers as a dispatcher writes them: 中国邮政 for 中国邮政（含EMS）, 中通 for
    中通快递, the English name in any case, the id."""
    from routing.io.scenario import carrier_words

    from ..conftest import ROOT

    words = carrier_words(read_scenario(ROOT / "scenarios" / "xia").carriers)
    for word, cid in (("中国邮政", "post"), ("中国邮政（含EMS）", "post"), ("中通", "zto"),
                      ("中通快递", "zto"), ("圆通速递", "yto"), ("圆通", "yto"), ("韵达", "yunda"),
                      ("申通快递", "sto"), ("zto express", "zto"), ("ZTO", "zto"),
                      ("post", "post")):
        assert words.get(word, words.get(word.lower())) == cid, word
