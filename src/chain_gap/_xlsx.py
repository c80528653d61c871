"""A streaming XLSX reader: every row that exists, merged cells, formula cells without a result.

openpyxl's read-only mode stops at the row count the stale ``<dimension>`` header announces and sees
no merged cells; its full mode holds every cell object and does not scale to a million rows. This
reader parses the sheet XML as a stream (``lxml.etree.iterparse``), clearing each ``<row>`` once
read, so memory per row stays constant and the ``<dimension>`` header is never consulted. It reads
the shared strings, inline strings, booleans, errors, ISO and serial dates (a number is a date when
its cell style's number format is one, built-in or custom, the 1904 date system included) and the
``<mergeCells>`` list, which comes after the rows in the file. A formula cell without a cached value
is reported (``value-formula-no-cache``), not read as a silent empty cell.

Cell texts follow what openpyxl gave through :func:`chain_gap._read._cell_text`: integral numbers
lose their ``.0``, dates become ISO text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

from chain_gap import errors
from chain_gap._issues import ReadIssue
from chain_gap._text import ReadError

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"

errors.register(
    "xlsx-not-zip",
    "不是可读的 XLSX 工作簿（{detail}）",
    "is not a readable XLSX workbook ({detail})",
)
errors.register(
    "xlsx-cell-too-large",
    "XLSX 工作簿的 {part} 中有超长单元格（Excel 单元格最多 32767 个字符），不是 Excel 保存的文件",
    "{part} holds a cell longer than Excel allows (32,767 characters): not a file Excel saved",
)
errors.register(
    "xlsx-xml-entities",
    "XLSX 工作簿的 {part} 使用了 XML 实体扩展（可能是 XML 炸弹），已拒绝读取",
    "{part} uses XML entity expansion (an XML bomb?); refused",
)
errors.register(
    "xlsx-damaged",
    "XLSX 工作簿已损坏：{part} {detail}；请在 Excel 中打开并另存后重试",
    "is a damaged XLSX workbook: {part} {detail}; open it in Excel, save it again and retry",
)

# built-in number formats that show dates or times (zh-CN Excel uses 27-36 and 50-58 for
# 年月日 / 时分 formats); 18-21, 32-35 and 45-47 show a time only
_BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_BUILTIN_TIMES = frozenset([18, 19, 20, 21, 32, 33, 34, 35, 45, 46, 47])
_FMT_NOISE = re.compile(r'"[^"]*"|\\.|\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]|_.|\*.', re.IGNORECASE)


def _format_kind(code: str) -> str | None:
    """``"date"``, ``"time"`` (no day in it) or None for a number format code."""
    bare = _FMT_NOISE.sub("", code).lower()
    if not re.search(r"[ymdhs]", bare) or bare in ("general", "@"):
        return None
    return "date" if re.search(r"[yd]", bare) else "time"


_DIGITS = "0123456789"


def _col_index(ref: str) -> int:
    """0-based column of a cell reference such as ``"AB12"``."""
    n = 0
    for ch in ref:
        o = ord(ch)
        if 65 <= o <= 90:
            n = n * 26 + o - 64
        elif 97 <= o <= 122:
            n = n * 26 + o - 96
        else:
            break
    return n - 1


def _ref(ref: str) -> tuple[int, int]:
    """``(row, column)`` of ``"AB12"``: 1-based row, 0-based column."""
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref.strip())
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), _col_index(m.group(1))


def merge_range(ref: str) -> tuple[int, int, int, int] | None:
    """``(row1, col1, row2, col2)`` of ``"A5:B9"`` (rows 1-based, columns 0-based), None if unreadable.

    Parameters
    ----------
    ref : str
        A cell range.

    Returns
    -------
    tuple of int or None
    """
    try:
        a, _, b = ref.partition(":")
        r1, c1 = _ref(a)
        r2, c2 = _ref(b or a)
    except ValueError:
        return None
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _number_text(v: str) -> str:
    """A numeric cell's text as openpyxl + ``_cell_text`` made it: ``"3000"``, ``"1.5"``."""
    if "." in v or "E" in v or "e" in v:
        x = float(v)
        if x.is_integer() and abs(x) < 1e15:
            return str(int(x))
        return repr(x)
    return str(int(v))


def _serial_text(x: float, date1904: bool, kind: str) -> str:
    """An Excel date serial as ISO text (date only when there is no time of day)."""
    if kind == "time" and 0 <= x < 1:
        ms = round(x * 86_400_000)
        t = (datetime(2000, 1, 1) + timedelta(milliseconds=ms)).time()
        return t.isoformat()
    if date1904:
        base = datetime(1904, 1, 1)
    else:
        base = datetime(1899, 12, 31) if 0 < x < 60 else datetime(1899, 12, 30)
    days = int(x // 1)
    ms = round((x - days) * 86_400_000)
    dt = base + timedelta(days=days, milliseconds=ms)
    if dt.hour == dt.minute == dt.second == dt.microsecond == 0:
        return dt.date().isoformat()
    return dt.isoformat(sep=" ")


@dataclass
class Sheet:
    """A sheet of the workbook: its name, zip part and visibility."""

    name: str
    part: str
    hidden: bool = False


@dataclass
class SheetRows:
    """What streaming one sheet found besides its rows: merges and cell warnings."""

    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    warnings: list[ReadIssue] = field(default_factory=list)
    complete: bool = False


class Workbook:
    """An open XLSX file; :meth:`rows` streams a sheet.

    Raises
    ------
    ReadError
        ``xlsx-not-zip`` (not a zip, or no workbook in it), ``xlsx-damaged`` (a part that is not
        well-formed XML or fails its checksum).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ReadError(code="xlsx-not-zip", detail=f"{type(exc).__name__}: {str(exc)[:120]}") from None
        try:
            self._open_workbook()
        except BaseException:
            self.zip.close()
            raise

    # -------------------------------------------------------------------- parts
    def _parse(self, part: str) -> Any:
        try:
            with self.zip.open(part) as fh:
                return etree.parse(fh, _parser()).getroot()
        except KeyError:
            raise ReadError(code="xlsx-damaged", part=part, detail="is missing") from None
        except etree.XMLSyntaxError as exc:
            raise _xml_error(part, exc) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ReadError(code="xlsx-damaged", part=part, detail=_xml_detail(exc)) from None

    def _open_workbook(self) -> None:
        names = set(self.zip.namelist())
        if "xl/workbook.xml" not in names:
            wb_part = next((n for n in names if n.endswith("workbook.xml")), None)
            if wb_part is None:
                raise ReadError(code="xlsx-not-zip", detail="a zip without xl/workbook.xml")
        else:
            wb_part = "xl/workbook.xml"
        root = self._parse(wb_part)
        ns = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else _MAIN
        self.ns = ns
        rel_ns = _STRICT_REL if ns == _STRICT else _REL
        pr = root.find(f"{{{ns}}}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        base = wb_part.rpartition("/")[0]
        rels_part = f"{base}/_rels/{wb_part.rpartition('/')[2]}.rels"
        targets: dict[str, str] = {}
        if rels_part in names:
            for rel in self._parse(rels_part):
                targets[rel.get("Id", "")] = _resolve(base, rel.get("Target", ""))
        self.sheets: list[Sheet] = []
        for i, el in enumerate(root.iter(f"{{{ns}}}sheet"), start=1):
            part = targets.get(el.get(f"{{{rel_ns}}}id", ""), f"{base}/worksheets/sheet{i}.xml")
            self.sheets.append(Sheet(el.get("name", f"Sheet{i}"), part, el.get("state", "visible") != "visible"))
        self._strings: list[str] | None = None
        self._strings_part = next((t for t in targets.values() if t.endswith("sharedStrings.xml")), None)
        if self._strings_part is None and f"{base}/sharedStrings.xml" in names:
            self._strings_part = f"{base}/sharedStrings.xml"
        styles_part = next((t for t in targets.values() if t.endswith("styles.xml")), None)
        self.date_styles: dict[int, str] = self._date_styles(styles_part) if styles_part in names else {}

    def _date_styles(self, part: str) -> dict[int, str]:
        root = self._parse(part)
        ns = self.ns
        custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iter(f"{{{ns}}}numFmt")}
        out: dict[int, str] = {}
        xfs = root.find(f"{{{ns}}}cellXfs")
        for i, xf in enumerate(xfs if xfs is not None else ()):
            try:
                fid = int(xf.get("numFmtId", "0"))
            except ValueError:
                continue
            kind: str | None
            if fid in custom:
                kind = _format_kind(custom[fid])
            elif fid in _BUILTIN_DATES:
                kind = "time" if fid in _BUILTIN_TIMES else "date"
            else:
                kind = None
            if kind:
                out[i] = kind
        return out

    @property
    def strings(self) -> list[str]:
        """The shared strings, read once (rich-text runs joined, phonetic runs left out)."""
        if self._strings is None:
            self._strings = self._read_strings() if self._strings_part else []
        return self._strings

    def _read_strings(self) -> list[str]:
        assert self._strings_part is not None
        ns = self.ns
        si, t, r = f"{{{ns}}}si", f"{{{ns}}}t", f"{{{ns}}}r"
        out: list[str] = []
        for el in self._stream(self._strings_part, (si,)):
            out.append(_rich_text(el, t, r))
            _drop(el)
        return out

    def _stream(self, part: str, tags: tuple[str, ...]) -> Iterator[Any]:
        try:
            with self.zip.open(part) as fh:
                for _, el in etree.iterparse(
                    fh, events=("end",), tag=tags, resolve_entities=False, no_network=True, remove_comments=True
                ):
                    yield el
        except KeyError:
            raise ReadError(code="xlsx-damaged", part=part, detail="is missing") from None
        except etree.XMLSyntaxError as exc:
            raise _xml_error(part, exc) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ReadError(code="xlsx-damaged", part=part, detail=_xml_detail(exc)) from None

    def close(self) -> None:
        """Close the zip file."""
        self.zip.close()

    # -------------------------------------------------------------------- rows
    def rows(self, sheet: Sheet, found: SheetRows, limit: int | None = None) -> Iterator[tuple[int, list[str]]]:
        """``(excel_row, cell_texts)`` of every ``<row>`` of ``sheet``, in file order.

        ``found`` collects the merged ranges and cell warnings; ``found.complete`` is set once the
        whole sheet was read. ``limit`` stops after that many rows (the header search).
        """
        ns = self.ns
        row_tag, cell_tag, merge_tag = f"{{{ns}}}row", f"{{{ns}}}c", f"{{{ns}}}mergeCell"
        v_tag, f_tag, is_tag, t_tag, r_tag = (f"{{{ns}}}{x}" for x in ("v", "f", "is", "t", "r"))
        strings = self.strings
        dates_by_text = {str(k): kind for k, kind in self.date_styles.items()}
        colcache: dict[str, int] = {}
        d1904 = self.date1904
        file, name = self.file, sheet.name
        warnings = found.warnings
        prev = 0
        count = 0
        for el in self._stream(sheet.part, (row_tag, merge_tag)):
            if el.tag == merge_tag:
                rng = merge_range(el.get("ref", ""))
                if rng is not None:
                    found.merges.append(rng)
                continue
            r = el.get("r")
            n = int(r) if r else prev + 1
            prev = n
            cells: list[str] = []
            for c in el:
                if c.tag != cell_tag:
                    continue
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    col = colcache.get(letters, -1)
                    if col < 0:
                        col = colcache[letters] = _col_index(letters)
                else:
                    col = len(cells)
                t = c.get("t")
                v: str | None = None
                has_v = has_f = False
                formula = ""
                text = ""
                kids = c[0:1] if len(c) == 1 else c  # most cells hold one <v>
                for ch in kids:
                    tag = ch.tag
                    if tag == v_tag:
                        has_v, v = True, ch.text
                    elif tag == f_tag:
                        has_f, formula = True, ch.text or ""
                    elif tag == is_tag:
                        text = _rich_text(ch, t_tag, r_tag)
                if t == "inlineStr":
                    pass
                elif not has_v or v is None:
                    # no <v>, or an empty <v/> (openpyxl and other writers that never calculate): no
                    # result was cached. Only a string formula (t="str") caches "" as an empty <v/>.
                    if has_f and (not has_v or t != "str"):
                        warnings.append(
                            ReadIssue(
                                file,
                                n,
                                ref or "",
                                "=" + formula if formula else "(shared formula)",
                                "value-formula-no-cache",
                                "formula without a cached result: read as empty; open and save the file in Excel",
                                name,
                            )
                        )
                    text = ""
                elif t == "s":
                    try:
                        text = strings[int(v)]
                    except (ValueError, IndexError):
                        raise ReadError(
                            code="xlsx-damaged", part=sheet.part, detail=f"cell {ref}: shared string {v} missing"
                        ) from None
                elif t == "str":
                    text = v
                elif t == "b":
                    text = "TRUE" if v.strip() in ("1", "true") else "FALSE"
                elif t == "e":
                    text = v
                    warnings.append(ReadIssue(file, n, ref or "", v, "value-excel-error", "an Excel error value", name))
                elif t == "d":
                    text = v[:10] if v.endswith(("T00:00:00", "T00:00:00Z")) else v.replace("T", " ")
                else:
                    try:
                        s = c.get("s")
                        kind = dates_by_text.get(s) if s else None
                        if kind is None:
                            text = v if v.isdigit() and (v[0] != "0" or len(v) == 1) else _number_text(v)
                        else:
                            x = float(v)
                            if x <= 0 and kind == "date":
                                warnings.append(
                                    ReadIssue(
                                        file,
                                        n,
                                        ref or "",
                                        v,
                                        "value-excel-blank-date",
                                        "Excel's blank date (serial 0 = 1899-12-30): read as empty",
                                        name,
                                    )
                                )
                                text = ""
                            else:
                                text = _serial_text(x, d1904, kind)
                    except (ValueError, OverflowError):
                        text = v
                if col >= len(cells):
                    cells.extend([""] * (col - len(cells) + 1))
                cells[col] = text
            _drop(el)
            yield n, cells
            count += 1
            if limit is not None and count >= limit:
                return
        found.complete = True


def _parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _rich_text(el: Any, t_tag: str, r_tag: str) -> str:
    """Text of an ``<si>`` / ``<is>``: its ``<t>`` and the ``<t>`` of its runs, not phonetic ``<rPh>``.

    OOXML writes characters XML cannot hold as ``_xHHHH_`` (Excel's ``_x000D_`` for a carriage
    return in a cell); they are read back as the characters they stand for.
    """
    if len(el) == 1 and el[0].tag == t_tag:  # plain text, no runs: the common case
        text = el[0].text or ""
        return _ESCAPED.sub(_unescape, text) if "_x" in text else text
    parts: list[str] = []
    for ch in el:
        if ch.tag == t_tag:
            parts.append(ch.text or "")
        elif ch.tag == r_tag:
            parts.extend(t.text or "" for t in ch.iter(t_tag))
    text = "".join(parts)
    return _ESCAPED.sub(_unescape, text) if "_x" in text else text


def _unescape(m: re.Match[str]) -> str:
    return chr(int(m.group(1), 16))


def _drop(el: Any) -> None:
    """Free a parsed element and the siblings before it: memory stays constant per row."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _resolve(base: str, target: str) -> str:
    """A relationship target as a zip member name."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = base.split("/") if base else []
    for p in target.split("/"):
        if p == "..":
            if parts:
                parts.pop()
        elif p and p != ".":
            parts.append(p)
    return "/".join(parts)


def _xml_error(part: str, exc: BaseException) -> ReadError:
    """The ReadError of a sheet part lxml refused: a too-long cell, entity expansion, or damage."""
    text = str(exc)
    if "Text node too long" in text or "XML_PARSE_HUGE" in text:
        return ReadError(code="xlsx-cell-too-large", part=part)
    if "amplification" in text or ("entity" in text.lower() and "loop" in text.lower()):
        return ReadError(code="xlsx-xml-entities", part=part)
    return ReadError(code="xlsx-damaged", part=part, detail=_xml_detail(exc))


def _xml_detail(exc: BaseException) -> str:
    return errors.one_line(f"({type(exc).__name__}: {exc})", limit=160)


def open_workbook(path: Path) -> Workbook:
    """:class:`Workbook` of ``path`` (see there for the errors).

    Parameters
    ----------
    path : pathlib.Path
        The workbook.

    Returns
    -------
    Workbook
    """
    return Workbook(path)


__all__ = ["Sheet", "SheetRows", "Workbook", "merge_range", "open_workbook"]
