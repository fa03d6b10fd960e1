"""The day's events table and late demand lines: read against the scenario, every bad row
named by file, row and field."""

from __future__ import annotations

import pytest

from routing.exceptions import ScenarioError
from routing.io.events import read_events
from routing.io.scenario import read_demand


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_events_in_english_and_chinese(tmp_path, tiny):
    path = _write(tmp_path, "events.csv", "事件,时间,车辆,站点,单号,分钟\n"
                  "完成,09:10,van-1,V2,,\n取消,,,,D06,\nclosed,12:00,,V3,,\n"
                  "delay,10:00,reefer-1,,,25\nbreakdown,11:00,van-1,,,\n")
    events = read_events(path, tiny)
    assert [e.kind for e in events] == ["done", "cancel", "closed", "delay", "breakdown"]
    assert events[0].time_s == 9 * 3600 + 600 and events[0].station == "V2"
    assert events[1].time_s is None and events[1].line == "D06"
    assert events[3].minutes == 25 and events[4].vehicle == "van-1"


@pytest.mark.parametrize(("row", "words"), [
    ("explode,10:00,van-1,,,", "field 'event': must be one of"),
    ("done,10:00,,V2,,", "field 'vehicle': a 'done' event needs vehicle and station"),
    ("done,10:00,truck-9,V2,,", "field 'vehicle': unknown vehicle 'truck-9'"),
    ("cancel,,,,D99,", "field 'line': unknown demand line 'D99'"),
    ("delay,10:00,van-1,,,0", "field 'minutes': must be a whole number 1..720; got 0"),
    ("closed,25:99,,V3,,", "field 'time'"),
])
def test_bad_event_rows_name_file_row_and_field(tmp_path, tiny, row, words):
    path = _write(tmp_path, "events.csv", "event,time,vehicle,station,line,minutes\n"
                  f"{row}\n")
    with pytest.raises(ScenarioError, match=words) as err:
        read_events(path, tiny)
    assert "events.csv row 2" in str(err.value)


def test_late_lines_read_in_the_demand_format(tmp_path, tiny):
    path = _write(tmp_path, "late.csv", "id,station,carrier,direction,parcels,kg,ready\n"
                  "L1,V3,post,down,5,6.5,10:30\nL2,V4,zto,up,2,40,11:00\n")
    lines = read_demand(path, tiny)
    assert [(ln.id, ln.ready_s) for ln in lines] == [("L1", 37800), ("L2", 39600)]
    bad = _write(tmp_path, "bad.csv", "id,station,carrier,direction,parcels,kg\n"
                 "D01,V3,post,down,5,6.5\nL3,V99,post,down,1,1\nL4,V3,post,down,-1,1\n")
    with pytest.raises(ScenarioError) as err:
        read_demand(bad, tiny)
    text = str(err.value)
    assert "bad.csv row 2, field 'id': line 'D01' is already in the scenario" in text
    assert "bad.csv row 3, field 'station': unknown station 'V99'" in text
    assert "bad.csv row 4, field 'parcels'" in text
