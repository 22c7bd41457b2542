"""The briefing's map: Jiangsu's 13 cities shaded by one metric, drawn with Pillow from the committed boundaries.

No browser and no network: the boundaries are data/geo/ (geo.load_boundaries), the labels use a CJK font installed on
the machine (fonts-wqy-microhei, Noto CJK, …). Drawing takes well under a second. Measured against the other option,
plotly's kaleido with Debian chromium (not in requirements): starting headless chromium alone took longer than this
whole drawing, see README "Briefing".
"""
from __future__ import annotations

import io
import math
from collections.abc import Mapping
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from geo import centroids, load_boundaries

# Fonts tried in order for the city labels (the first that opens is used); without one the map has no labels.
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
WIDTH, HEIGHT, MARGIN = 1200, 960, 30
SCALE = 2  # drawn at twice the size, then shrunk: smooth edges without an anti-aliasing library
NO_DATA = (225, 225, 225)
OUTSIDE = (242, 242, 242)  # cities the filters leave out: outline kept, no fill
EDGE = (255, 255, 255)
LOW, HIGH = (198, 219, 239), (8, 69, 148)  # light to dark blue (one hue: more is darker)
TEXT, HALO = (30, 30, 30), (255, 255, 255)


class MapUnavailable(Exception):
    """The map could not be drawn on this machine (the slide then says so)."""


def cjk_font_path() -> Path | None:
    """The first CJK font found on this machine, or None."""
    for name in CJK_FONTS:
        path = Path(name)
        if path.is_file():
            return path
    return None


def shade(value: float | None, low: float, high: float) -> tuple[int, int, int]:
    """The fill for `value` on the scale low..high (one value alone gets the middle of the scale)."""
    if value is None:
        return NO_DATA
    share = 0.5 if high <= low else (value - low) / (high - low)
    share = min(1.0, max(0.0, share))
    return tuple(round(a + (b - a) * share) for a, b in zip(LOW, HIGH))


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Outer rings of a Polygon or MultiPolygon (holes are drawn over by the neighbours that fill them)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def city_map_png(values: Mapping[str, float], labels: Mapping[str, str], texts: Mapping[str, str],
                 shown: set[str] | None = None, legend: tuple[str, str] = ("", "")) -> bytes:
    """A PNG of the cities: `values` (by adcode) shade them, `labels` name them and `texts` (by adcode) go under
    the names; cities outside `shown` (None: all) are drawn pale. `legend` is the texts at the scale's two ends.

    Raises MapUnavailable when the boundaries cannot be read or drawn.
    """
    try:
        features = load_boundaries("city")["features"]
        font_path = cjk_font_path()
        return _draw(features, centroids("city"), values, labels, texts, shown, legend, font_path)
    except MapUnavailable:
        raise
    except Exception as exc:  # a missing or broken boundary file, Pillow without PNG support: the slide says so
        raise MapUnavailable(f"{type(exc).__name__}: {exc}") from exc


def _draw(features: list[dict], places: Mapping[str, tuple[float, float]], values: Mapping[str, float],
          labels: Mapping[str, str], texts: Mapping[str, str], shown: set[str] | None, legend: tuple[str, str],
          font_path: Path | None) -> bytes:
    """The features drawn and shaded, each labelled at its place (lon, lat: geo.centroids), with a legend."""
    points = [p for f in features for ring in _rings(f["geometry"]) for p in ring]
    if not points:
        raise MapUnavailable("no boundaries")
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, south, north = min(lons), min(lats), max(lats)
    squeeze = math.cos(math.radians((south + north) / 2))  # degrees of longitude are shorter here
    span_x, span_y = (max(lons) - west) * squeeze, north - south
    legend_room = 110
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN - legend_room) / span_y) * SCALE
    left = (WIDTH * SCALE - span_x * scale) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return left + (lon - west) * squeeze * scale, MARGIN * SCALE + (north - lat) * scale

    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), "white")
    draw = ImageDraw.Draw(image)
    present = [v for code, v in values.items() if shown is None or code in shown]
    low, high = (min(present), max(present)) if present else (0.0, 0.0)
    centres = {}
    for feature in features:
        code = str(feature.get("id") or feature["properties"].get("adcode"))
        fill = OUTSIDE if shown is not None and code not in shown else shade(values.get(code), low, high)
        for ring in _rings(feature["geometry"]):
            draw.polygon([xy(*p[:2]) for p in ring], fill=fill, outline=EDGE, width=2 * SCALE)
        if code in places:
            centres[code] = xy(*places[code])
    image = image.reduce(SCALE)  # a box filter: fast, and smooth enough for edges
    draw = ImageDraw.Draw(image)
    if font_path is not None:
        name_font = ImageFont.truetype(str(font_path), 24)
        value_font = ImageFont.truetype(str(font_path), 20)
        for code, (x, y) in centres.items():
            if code not in labels:
                continue
            x, y = x / SCALE, y / SCALE
            draw.text((x, y - 12), labels[code], font=name_font, fill=TEXT, anchor="mm", stroke_width=2,
                      stroke_fill=HALO)
            if texts.get(code):
                draw.text((x, y + 14), texts[code], font=value_font, fill=TEXT, anchor="mm", stroke_width=2,
                          stroke_fill=HALO)
        _legend(draw, legend, value_font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _legend(draw: ImageDraw.ImageDraw, legend: tuple[str, str], font) -> None:
    """A colour bar at the bottom, from light (the lowest value) to dark (the highest), with its two end texts."""
    low_text, high_text = legend
    if not (low_text or high_text):
        return
    x0, x1, y = WIDTH // 2 - 250, WIDTH // 2 + 250, HEIGHT - 70
    for step in range(x1 - x0):
        share = step / (x1 - x0 - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(LOW, HIGH))
        draw.line([(x0 + step, y), (x0 + step, y + 22)], fill=colour)
    draw.text((x0 - 12, y + 11), low_text, font=font, fill=TEXT, anchor="rm")
    draw.text((x1 + 12, y + 11), high_text, font=font, fill=TEXT, anchor="lm")
