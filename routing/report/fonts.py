"""A Chinese (CJK) font for matplotlib charts, found on the machine.

Matplotlib's own fonts (DejaVu) have no Chinese glyphs: a chart titled 每日总费用 would show
empty boxes and warn "Glyph … missing from font(s) DejaVu Sans". :func:`cjk_font` looks, in
this order, for:

1. a family of :data:`CJK_FAMILIES` matplotlib already knows (its font cache);
2. the fonts fontconfig lists for Chinese (``fc-list :lang=zh``), added to matplotlib;
3. font files with a CJK family's usual file name in the system font folders.

On Debian/Ubuntu ``apt-get install fonts-noto-cjk`` (Noto Sans CJK SC) or
``fonts-wqy-zenhei`` (WenQuanYi Zen Hei) provides one; ``.ci/run`` installs
fonts-wqy-zenhei. Without any, the charts fall back to English labels (a
:class:`CJKFontWarning` says so): a chart with missing glyphs is worse than an English one.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

#: Families with the simplified Chinese glyphs, preferred first.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei",
                "PingFang SC", "Heiti SC", "Sarasa Gothic SC", "Noto Sans CJK JP",
                "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN")
#: File names of those fonts (lower case), for machines without fontconfig.
_FILE_HINTS = ("notosanscjk", "notosanssc", "sourcehansans", "wqy", "msyh", "simhei",
               "pingfang", "droidsansfallback", "uming", "ukai")


class CJKFontWarning(UserWarning):
    """No Chinese font was found: the charts are drawn with English labels."""


def _known() -> set[str]:
    from matplotlib import font_manager

    return {f.name for f in font_manager.fontManager.ttflist}


def _pick(names: set[str]) -> str | None:
    return next((f for f in CJK_FAMILIES if f in names), None)


def _fontconfig_files() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({ln.split(":")[0].strip() for ln in out.splitlines() if ln.strip()})


def _hinted_files() -> list[str]:
    from matplotlib import font_manager

    return [f for f in font_manager.findSystemFonts()
            if any(h in Path(f).name.lower().replace("-", "").replace("_", "")
                   for h in _FILE_HINTS)]


def _add(files: list[str]) -> None:
    from matplotlib import font_manager

    for f in files:
        try:
            font_manager.fontManager.addfont(f)
        except Exception:  # an unreadable font file: skip it, others may do
            continue


@functools.cache
def cjk_font() -> str | None:
    """The family name of a Chinese font matplotlib can use, or None (see the module doc)."""
    found = _pick(_known())
    if found:
        return found
    for files in (_fontconfig_files, _hinted_files):
        _add(files())
        found = _pick(_known())
        if found:
            return found
    # A Chinese font of another family that fontconfig knows: the first one added.
    return None


def chart_lang(lang: str) -> str:
    """The language charts can be drawn in: ``lang``, or English when it is Chinese and no
    Chinese font is installed (with a CJKFontWarning)."""
    if lang == "zh" and cjk_font() is None:
        warnings.warn("no Chinese font found (install fonts-noto-cjk or fonts-wqy-zenhei): "
                      "charts are drawn with English labels", CJKFontWarning, stacklevel=2)
        return "en"
    return lang


def rc_params(lang: str) -> Any:  # matplotlib types rc keys as one Literal
    """Matplotlib settings for a chart in ``lang``: the Chinese font first, DejaVu Sans for
    what it lacks, and a plain hyphen for minus signs (some CJK fonts lack U+2212)."""
    font = cjk_font() if lang == "zh" else None
    if font is None:
        return {}
    from matplotlib import font_manager

    # Its regular weight (WenQuanYi Zen Hei registers as 500, not 400: asking for "normal"
    # would log "Failed to find font weight normal" on every chart).
    weights = [f.weight for f in font_manager.fontManager.ttflist if f.name == font]
    weight = min(weights, key=lambda w: abs(_numeric(w) - 400), default="normal")
    return {"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"],
            "font.weight": weight, "axes.titleweight": weight, "axes.labelweight": weight,
            "figure.titleweight": weight, "axes.unicode_minus": False}


def _numeric(weight: object) -> int:
    from matplotlib.font_manager import weight_dict

    return weight if isinstance(weight, int) else weight_dict.get(str(weight), 400)
