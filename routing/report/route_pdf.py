"""``route_sheets.pdf``: the route sheets (路单) and loading lists (装车单) as a PDF to print.

One A4 page per vehicle (portrait, landscape when many carriers need the width; a long route
continues on the next page with the table's header repeated), laid out like the sheets of
``report.html`` (:mod:`routing.report.sheets`): a header block with the trip's QR code (Amap
navigation to its first stop), one row per stop with fresh goods (❄ 生鲜, 冷链) apart, the
signature column, then the loading list for the hub crew with a check box per line.

Fonts: the first CJK TrueType font found is embedded (subset): ``$ROUTING_CJK_FONT`` if set,
else WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``, which ``.ci/run`` installs), WenQuanYi
Micro Hei, AR PL UMing or Droid Sans Fallback. reportlab reads TrueType outlines only, so Noto
CJK (CFF outlines) does not qualify. Without any, the PDF falls back to reportlab's built-in
CID font STSong-Light: readers that have Adobe's Chinese font pack show it, nothing is
embedded, and some text extractors cannot read it back. The snowflake ❄ comes from DejaVu Sans
when it is installed (CJK fonts lack it), else ※ marks fresh goods.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Scenario
from . import sheets as sh

_CJK_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
_SYMBOL_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
_FONTS: dict[str, str] = {}


def pdf_fonts() -> tuple[str, str | None]:
    """(CJK font name, symbol font name or None), registered with reportlab once."""
    if _FONTS:
        return _FONTS["cjk"], _FONTS.get("sym") or None
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    env = os.environ.get("ROUTING_CJK_FONT")
    candidates = ([(env, 0)] if env else []) + list(_CJK_CANDIDATES)
    for path, index in candidates:
        if not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont("RoutingCJK", path, subfontIndex=index))
        except (TTFError, OSError, ValueError):
            continue
        _FONTS["cjk"] = "RoutingCJK"
        break
    else:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _FONTS["cjk"] = "STSong-Light"
    _FONTS["sym"] = ""
    for path in _SYMBOL_CANDIDATES:
        if Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("RoutingSym", path))
            except (TTFError, OSError, ValueError):
                continue
            _FONTS["sym"] = "RoutingSym"
            break
    return _FONTS["cjk"], _FONTS["sym"] or None


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _qr(url: str, size_mm: float) -> Any:
    """A QR code flowable of ``url``: segno's matrix drawn as one path of dark runs."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable

    matrix = [list(row) for row in sh.qr_code(url).matrix]

    class QR(Flowable):
        def __init__(self) -> None:
            super().__init__()
            self.width = self.height = size_mm * mm

        def draw(self) -> None:
            n = len(matrix) + 4
            cell = self.width / n
            c = self.canv
            p = c.beginPath()
            for y, row in enumerate(matrix):
                x = 0
                while x < len(row):
                    if row[x]:
                        x0 = x
                        while x < len(row) and row[x]:
                            x += 1
                        p.rect((x0 + 2) * cell, (n - 3 - y) * cell, (x - x0) * cell, cell)
                    else:
                        x += 1
            c.saveState()
            c.setFillGray(0)
            c.drawPath(p, stroke=0, fill=1)
            c.restoreState()

    return QR()


@dataclass(frozen=True, slots=True)
class _Look:
    """The PDF's fonts, paragraph styles and grid colour."""

    cjk: str
    snow: str
    base: Any
    small: Any
    cold: Any
    title: Any
    head: Any
    num: Any
    grid: Any

    @classmethod
    def make(cls) -> _Look:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        cjk, sym = pdf_fonts()
        base = ParagraphStyle("base", fontName=cjk, fontSize=8, leading=9.4)
        small = ParagraphStyle("small", parent=base, fontSize=7, leading=8.2)
        return cls(cjk=cjk, snow=f'<font name="{sym}">{sh.SNOW}</font>' if sym else "※",
                   base=base, small=small,
                   cold=ParagraphStyle("cold", parent=small,
                                       textColor=colors.HexColor("#04508c")),
                   title=ParagraphStyle("title", parent=base, fontSize=13, leading=16),
                   head=ParagraphStyle("head", parent=base, fontSize=9, leading=12),
                   num=ParagraphStyle("num", parent=base, alignment=TA_RIGHT),
                   grid=colors.HexColor("#777777"))

    def marked(self, text: str) -> str:
        """``text`` escaped, its snowflakes in the symbol font (or ※)."""
        return _esc(text).replace(sh.SNOW, self.snow)


def route_sheets_pdf(doc: dict[str, Any], scenario: Scenario, path: Path, *,
                     lang: str = "zh") -> Path:
    """Write ``route_sheets.pdf`` for one plan (see the module's docstring)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
    )

    look = _Look.make()
    t = sh.labels(lang)
    date = doc["scenario"].get("date", "") or scenario.date
    margin = sh.LAYOUT["margin_mm"] * mm
    path = Path(path)
    pdf = BaseDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin,
                          topMargin=margin, bottomMargin=margin,
                          title=f"{scenario.title or scenario.name} {t['sheet']} {date}",
                          author="routing", invariant=1)
    footer = f"{scenario.title or scenario.name} · {t['sheet']} · {date}"

    def on_page(canvas: Any, d: Any) -> None:
        canvas.saveState()
        canvas.setFont(look.cjk, 7)
        canvas.drawString(margin, margin / 2, footer)
        canvas.drawRightString(d.pagesize[0] - margin, margin / 2,
                               t["page_of"].format(p=d.page))
        canvas.restoreState()

    vehicles = sh.vehicle_sheets(doc, scenario, lang)
    layouts = [sh.columns_mm(len(v.carriers), v.fresh) for v in vehicles]
    sizes = {"portrait": A4, "landscape": landscape(A4)}
    first = layouts[0][0] if layouts else "portrait"  # the first page's template: listed first
    templates = []
    for orient in sorted(sizes, key=lambda o: o != first):
        size = sizes[orient]
        frame = Frame(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        templates.append(PageTemplate(id=orient, frames=[frame], pagesize=size,
                                      onPage=on_page))
    pdf.addPageTemplates(templates)
    story: list[Any] = []
    for i, (v, (orient, w)) in enumerate(zip(vehicles, layouts, strict=True)):
        if i > 0:
            story += [NextPageTemplate(orient), PageBreak()]
        story += _vehicle_story(v, w, t, lang, date, look)
    if not story:
        story.append(Paragraph(_esc(t["sheet"]), look.title))
    pdf.build(story)
    return path


def _vehicle_story(v: sh.VehicleSheet, w: dict[str, float], t: dict[str, str], lang: str,
                   date: str, look: _Look) -> list[Any]:
    """One vehicle's pages: title, driver and plate, then per trip its heading with the QR
    code, the route table and the loading list."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    widths = [w["no"], w["station"], w["time"], *[w["carrier"]] * len(v.carriers)]
    widths += [w["cold"]] if v.fresh else []
    widths += [w["load"], w["sign"]]
    widths = [x * mm for x in widths]
    c = t["colon"]
    story: list[Any] = [
        Paragraph(f"{_esc(sh.sheet_title(v, t))}　　{_esc(t['date'])}{c}{_esc(date)}",
                  look.title),
        Paragraph(f"{_esc(t['driver'])}{c}________________　　"
                  f"{_esc(t['plate'])}{c}________________", look.head)]
    for trip in v.trips:
        info = [Paragraph(_esc(sh.trip_heading(v, trip, t, lang)), look.head),
                Paragraph(look.marked(t["legend"]), look.small)]
        qr = ([_qr(trip.qr_url, 16), Paragraph(_esc(t["qr"]), look.small)] if trip.qr_url
              else "")
        top = Table([[info, qr]], colWidths=[sum(widths) - 24 * mm, 24 * mm])
        top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        story += [top, _trip_table(v, trip, widths, t, lang, look), Spacer(1, 2 * mm)]
        story += _loading_flowables(trip, t, sum(widths), look.base, look.small, look.marked,
                                    look.cjk, look.grid)
    return story


def _trip_table(v: sh.VehicleSheet, trip: sh.Trip, widths: list[float], t: dict[str, str],
                lang: str, look: _Look) -> Any:
    """A trip's route table: a row per stop (depot rows grey, fresh rows blue), the header
    repeated on each page."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    small, marked = look.small, look.marked
    header = [Paragraph(_esc(x), small) for x in (t["no"], t["station"], t["time"])]
    header += [Paragraph(_esc(v.names[c]), small) for c in v.carriers]
    header += [Paragraph(marked(sh.cold_header(v.box, t)), small)] if v.fresh else []
    header += [Paragraph(_esc(t["load"]), small), Paragraph(_esc(t["sign"]), small)]
    data = [header]
    style = [("FONT", (0, 0), (-1, -1), look.cjk, 8), ("LEADING", (0, 0), (-1, -1), 9.4),
             ("GRID", (0, 0), (-1, -1), 0.4, look.grid), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
             ("TOPPADDING", (0, 0), (-1, -1), 0.8),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
             ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
             ("ALIGN", (0, 1), (0, -1), "RIGHT")]
    for n, row in enumerate(trip.rows, start=1):
        name = f'{_esc(row.name)} <font size="6" color="#666666">{_esc(row.code)}</font>'
        if row.nav_url and row.kind != "start":
            name = f'<a href="{_esc(row.nav_url)}">{name}</a>'
        if row.transfers:
            name += (f'<br/><font size="6">{_esc(t["transfer"])}: '
                     f'{_esc(" ".join(row.transfers))}</font>')
        cells: list[Any] = [str(row.no), Paragraph(name, look.base),
                            row.arrival or row.departure]
        for c in v.carriers:
            text = sh.carrier_cell(row, c, t)
            cells.append(Paragraph("<br/>".join(marked(x) for x in text), look.num)
                         if any(sh.SNOW in x for x in text) else "\n".join(text))
        if v.fresh:
            cells.append(Paragraph("<br/>".join(marked(x) for x in
                                                sh.cold_cell(row, v.box, t, lang)), look.cold))
        cells += [sh.load_cell(row), ""]
        data.append(cells)
        if row.kind != "stop":
            style.append(("BACKGROUND", (0, n), (-1, n), colors.HexColor("#f3f3f3")))
        elif row.fresh:
            style.append(("BACKGROUND", (0, n), (-1, n), colors.HexColor("#e6f2ff")))
    style.append(("ALIGN", (2, 1), (-2, -1), "RIGHT"))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _loading_flowables(trip: sh.Trip, t: dict[str, str], width: float, base: Any, small: Any,
                       marked: Any, cjk: str, grid: Any) -> list[Any]:
    """The loading list: dry and cold sections side by side, a check box per line."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    parts = []
    sections = [(fresh, section, [ln for ln in trip.loading if ln.fresh is fresh])
                for fresh, section in ((False, t["dry_section"]), (True, t["cold_section"]))]
    sections = [x for x in sections if x[2]]
    half = (width - 3 * mm) / 2 if len(sections) > 1 else width
    for fresh, section, lines in sections:
        data: list[list[Any]] = [[Paragraph(_esc(t["check"]), small),
                                  Paragraph(marked(section), small),
                                  Paragraph(_esc(t["pcs"]), small), Paragraph("kg", small),
                                  Paragraph(_esc(t["order"]), small)]]
        for ln in lines:
            data.append(["□", Paragraph(_esc(ln.name), small), str(ln.parcels), f"{ln.kg:g}",
                         Paragraph(" ".join(map(str, ln.stops)), small)])
        rest = half - (9 + 22 + 11 + 12) * mm
        table = Table(data, colWidths=[9 * mm, 22 * mm, 11 * mm, 12 * mm, rest], repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), cjk, 7.5), ("GRID", (0, 0), (-1, -1), 0.4, grid),
            ("FONTSIZE", (0, 1), (0, -1), 10), ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("VALIGN", (0, 1), (0, -1), "MIDDLE"),
            ("VALIGN", (1, 0), (-1, -1), "TOP"), ("VALIGN", (0, 0), (0, 0), "TOP"),
            ("ALIGN", (2, 1), (3, -1), "RIGHT"),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("BACKGROUND", (0, 0), (-1, 0),
             colors.HexColor("#d7ebff" if fresh else "#eeeeee"))]))
        parts.append(table)
    if not parts:
        return []
    out: list[Any] = [Paragraph(f"<b>{_esc(t['loading'])}</b> · {_esc(t['hub_crew'])}", base)]
    row = Table([parts], colWidths=[half + 3 * mm, half] if len(parts) > 1 else [width])
    row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    out.append(row)
    return out
