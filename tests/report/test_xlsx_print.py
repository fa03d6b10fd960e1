"""routes.xlsx printed by LibreOffice (headless ``soffice --convert-to pdf``), read back with pypdf.

What a dispatcher gets when printing the workbook, like route_sheets.pdf:

* the summary sheet (汇总) on one page, then each vehicle's sheet (路单) on exactly one A4 page
  (routes of up to ~35 rows, every bundled county's): the summary and route sheets together
  take one page per vehicle plus one, within the issue's bound of one page per vehicle plus
  two. The loading-list sheet (装车单) follows with a page per vehicle by design (a row break
  before each vehicle), at most two more for a list that runs long: in all at most
  2 × vehicles + 3 pages;
* every printed column on the vehicle's page, 签收 (signature, the last one) included: no
  column clipped or printed on a page of its own; the columns after the print area (站点编号,
  单号, kept for ``routing retime``) on no page;
* no text cut: every stop's name with its code (wrapped, transfer lines included) and every
  vehicle type in the summary is read back whole.

Pages are told apart by their text: a vehicle's page carries its title ``路单 <id>（``, a loading
page ``装车单 <id>（``. Without soffice the tests skip, except when the environment variable CI
is set (.ci/run sets it and installs LibreOffice Calc): then they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from routing.report import sheets
from routing.report.tables import write_routes_xlsx

pytestmark = pytest.mark.office

CASES = [("tiny", "zh"), ("xia", "zh"), ("xia", "en"), ("county", "zh")]


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        why = "soffice (LibreOffice) not found"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI must print routes.xlsx "
                        "(.ci/run installs libreoffice-calc-nogui)")
        pytest.skip(why)
    return found


def xlsx_to_pdf(xlsx: Path, outdir: Path) -> Path:
    """``soffice --headless --convert-to pdf``, in a profile of its own (runs in parallel do not
    share one) and within 120 s (about 2 s for Xia)."""
    soffice = _soffice()
    profile = outdir / "lo-profile"
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)],
        capture_output=True, text=True, timeout=120, check=False)
    pdf = outdir / f"{xlsx.stem}.pdf"
    assert run.returncode == 0 and pdf.exists(), (run.returncode, run.stdout, run.stderr)
    return pdf


def _flat(text: str) -> str:
    """Text without white space, a wrapped cell's lines run together, and without ❄ (printed in
    a fallback font, so pypdf reads it back apart from its words)."""
    return "".join(text.replace(sheets.SNOW, " ").split())


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-{lang}" for n, lang in CASES])
def printed(request, tmp_path_factory) -> tuple[Any, ...]:
    """(plan document, scenario, lang, vehicle sheets, page texts, page sizes)."""
    _soffice()  # skip (or fail in CI) before planning
    name, lang = request.param
    fixture = {"tiny": "tiny_plan", "xia": "xia_plan", "county": "county_plan"}[name]
    doc, sc = request.getfixturevalue(fixture)
    out = tmp_path_factory.mktemp(f"xlsx-{name}-{lang}")
    write_routes_xlsx(doc, sc, out / "routes.xlsx", lang=lang)
    reader = PdfReader(xlsx_to_pdf(out / "routes.xlsx", out))
    texts = [p.extract_text() for p in reader.pages]
    sizes = [sorted((round(float(p.mediabox.width)), round(float(p.mediabox.height))))
             for p in reader.pages]
    return doc, sc, lang, sheets.vehicle_sheets(doc, sc, lang), texts, sizes


def _title(v: Any, t: dict[str, str], word: str) -> str:
    """The heading of a vehicle's route sheet or of its loading list (type name included, so
    BOX42-1 is not found in BOX42-10's)."""
    return _flat(f"{t[word]} {v.vehicle_id}{t['paren'].format(x=v.type_name)}")


def test_a_page_per_vehicle_sheet(printed):
    """Summary: page 1; vehicle i's sheet: page i + 1, on its own; then the loading lists,
    a page per vehicle; everything A4."""
    _, _, lang, vehicles, texts, sizes = printed
    t = sheets.labels(lang)
    n = len(vehicles)
    flat = [_flat(tx) for tx in texts]
    assert all(s == [595, 842] for s in sizes), sizes
    starts = [[i for i, tx in enumerate(flat) if _title(v, t, "sheet") in tx] for v in vehicles]
    assert starts == [[i] for i in range(1, n + 1)], starts  # one page each, in order
    loading = [[i for i, tx in enumerate(flat) if _title(v, t, "loading") in tx]
               for v in vehicles]
    assert [p[0] for p in loading] == list(range(n + 1, 2 * n + 1)), loading
    assert len(texts) <= 2 * n + 3, (len(texts), n)


def test_every_printed_column_on_the_vehicle_page(printed):
    """The header of every printed column, 签收 last, on the vehicle's page; 站点编号 and 单号
    (after the print area) on none; every row's station name and code read back whole."""
    _, _, lang, vehicles, texts, _ = printed
    t = sheets.labels(lang)
    flat = [_flat(tx) for tx in texts]
    for i, v in enumerate(vehicles, start=1):
        head = [t["no"], t["station_name"], t["time"], *(v.names[c] for c in v.carriers)]
        if v.fresh:
            head.append(sheets.cold_header(v.box, t))
        head += [t["load"], t["sign"]]
        missing = [h for h in head if _flat(h) not in flat[i]]
        assert not missing, (v.vehicle_id, missing)
        for trip in v.trips:
            for row in trip.rows:
                assert _flat(f"{row.name} ·{row.code}") in flat[i], (v.vehicle_id, row.name)
                for tr in row.transfers:
                    assert _flat(tr) in flat[i], (v.vehicle_id, row.name, tr)
                if row.transfers:  # its own line: the name cell wraps, link and all
                    lines = [ln.strip() for ln in texts[i].splitlines()]
                    assert any(ln.startswith(f"{t['transfer']}:") for ln in lines), row.name
    if lang == "zh":
        assert not [i for i, tx in enumerate(texts) if "站点编号" in tx or "单号" in tx]


def test_station_links_wrap_in_libreoffice(xia_plan, county_plan, tmp_path):
    """LibreOffice shows a hyperlinked cell's text as one URL field, which neither wraps nor
    keeps line breaks (a long depot name, a transfer line: cut at the cell's edge). The station
    names link to Amap through =HYPERLINK(url, name) instead, with CHAR(10) for the line
    breaks; a cell hyperlink only where the URL is longer than Excel's HYPERLINK takes."""
    import openpyxl

    for doc, sc in (xia_plan, county_plan):
        write_routes_xlsx(doc, sc, tmp_path / "routes.xlsx")
        wb = openpyxl.load_workbook(tmp_path / "routes.xlsx")
        links = 0
        for ws in wb.worksheets[1:-1]:
            for (cell,) in ws.iter_rows(min_col=2, max_col=2):
                if cell.hyperlink is not None:
                    assert len(cell.hyperlink.target) > 255, cell.coordinate
                if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK("):
                    assert '"https://uri.amap.com/navigation?' in cell.value
                    links += 1
        assert links >= len(doc["routes"])


def test_summary_page_reads_whole(printed):
    """The summary's cells are not cut by their neighbours: every vehicle's type whole."""
    _, _, _, vehicles, texts, _ = printed
    first = _flat(texts[0])
    for v in vehicles:
        assert _flat(v.vehicle_id) in first and _flat(v.type_name) in first, v.vehicle_id
