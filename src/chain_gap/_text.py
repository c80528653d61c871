"""Bytes of a file → what the file really is, and its text.

Reading is bounded before anything is parsed: a line longer than :data:`MAX_LINE_BYTES` stops the
read at that line (a 200 MB one-line file fails after reading 32 MB, with a one-line message).
What a file *is* comes from its content: an XLSX or OpenDocument zip, a legacy OLE ``.xls``, an HTML
table, an MHTML archive or an Excel 2003 XML spreadsheet saved with an ``.xls`` name, a PDF. Text is decoded strictly
(never with replacement characters): a UTF-16 byte-order mark, UTF-16 *without* one (recognised by
its NUL bytes falling on one parity), UTF-8, GB18030, then charset-normalizer's guess. Binary content
is judged on the whole file, not its first 64 KiB; a text file with a few NUL bytes loses them with
a warning naming each row.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from chain_gap import errors
from chain_gap.errors import ChainGapError

#: Longest physical line of a text table (bytes); a 10 MB 经营范围 cell still fits.
MAX_LINE_BYTES = 32 * 1024 * 1024
#: Largest single field of a text table (characters), a quoted field spanning lines included.
MAX_FIELD_CHARS = 32 * 1024 * 1024
_CHUNK = 4 * 1024 * 1024

# bytes < 0x20 that are not tab, LF, VT, FF, CR: control characters in UTF-8 and GB18030 alike
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r")
_TEXTLIKE = frozenset(range(32, 127)) | frozenset(b"\t\n\r")

errors.register(
    "line-too-large",
    "第{row}行超过 {limit} 字节，不是表格文件（或缺少换行）；请检查文件",
    "line {row} is longer than {limit} bytes: not a table file (or its line breaks are missing)",
)
errors.register(
    "field-too-large",
    "第{row}行的字段超过 {limit} 个字符（可能是未闭合的引号）；请检查该行",
    "row {row} holds a field longer than {limit} characters (an unclosed quote?); check that row",
)
errors.register(
    "read-locked",
    "文件被占用（{detail}）；请在 Excel 中关闭该文件后重试",
    "the file is locked ({detail}); close it in Excel and retry",
)
errors.register(
    "read-html",
    "是保存为 {suffix} 的网页（HTML），其中没有表格；请在 Excel 中另存为 .xlsx 或 CSV",
    "is a web page (HTML) saved as {suffix} and holds no table; save it as .xlsx or CSV in Excel",
)
errors.register(
    "read-not-a-table",
    "是{what}，不是表格文件；请导出为 .xlsx 或 CSV",
    "is {what_en}, not a table file; export it as .xlsx or CSV",
)
errors.register(
    "xlsx-encrypted",
    "是设置了打开密码的工作簿；请在 Excel 中取消密码（文件 > 信息 > 保护工作簿）后重试",
    "is a password-protected workbook; remove the password in Excel (File > Info > Protect Workbook) and retry",
)
errors.register(
    "read-utf16-invalid",
    "看起来是 UTF-16 文本，但内容无效（{detail}）",
    "looks like UTF-16 text but is not valid UTF-16 ({detail})",
)


errors.register("read-empty", "是空文件（没有任何内容）", "is empty")
errors.register("read-not-found", "不存在；请检查路径", "does not exist")
errors.register("read-is-folder", "是文件夹，不是文件", "is a folder, not a file")
errors.register(
    "read-binary",
    "不是文本表格（含{what_zh}等二进制内容）；请导出为 .xlsx 或 CSV",
    "is not a text table (binary content: {what})",
)
errors.register(
    "read-json-invalid", "不是有效的 JSON（第 {row} 行：{detail}）", "is not valid JSON (line {row}: {detail})"
)
errors.register("read-json-not-array", "不是由对象组成的 JSON 数组", "is not a JSON array of objects")
errors.register("read-permission", "无法打开（没有读取权限）", "cannot be opened (permission denied)")
errors.register("read-os-error", "无法读取（{detail}）", "cannot be read ({detail})")
errors.register(
    "read-unknown-encoding",
    "文本编码无法识别（不是 UTF-8，也不是 GB18030）；请另存为 UTF-8 CSV",
    "has an unknown text encoding (not UTF-8, not GB18030, not detectable); save it as UTF-8 CSV",
)
errors.register(
    "read-decode-failed",
    "无法按检测到的编码 {encoding} 解码；请另存为 UTF-8 CSV",
    "cannot be decoded (detected encoding {encoding} fails); save it as UTF-8 CSV",
)
errors.register("csv-invalid", "第{row}行附近不是有效的 CSV（{detail}）", "is not valid CSV near line {row} ({detail})")
errors.register("read-json-not-array", "不是由对象组成的 JSON 数组", "is not a JSON array of objects")
errors.register(
    "read-jsonl-invalid", "不是 JSON Lines（第{row}行：{reason}）", "is not JSON Lines (line {row}: {reason})"
)


class ReadError(ChainGapError):
    """A file that cannot be read at all; the message is one line without the path.

    ``code`` says why (``read-empty``, ``line-too-large``, ``xlsx-damaged`` …); ``params`` hold what
    the message names (``row``, ``sheets`` …). The loader prefixes the path. Every code has a zh and an
    en template (the message follows ``--lang``); free text is only the English fallback.
    """

    default_code = "read-error"

    def message(self, lang: str | None = None) -> str:
        """The one-line message in ``lang``; free text (the legacy codes) is folded to one line too."""
        return errors.one_line(super().message(lang))


@dataclass
class Text:
    """A text file decoded: the text, its encoding, the 1-based lines that held NUL bytes and those
    that held bytes invalid in UTF-8 (a damaged UTF-8 file, replaced by U+FFFD)."""

    text: str
    encoding: str
    nul_lines: list[int] = field(default_factory=list)
    bad_lines: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# bounded read


def _locked(path: Path) -> str | None:
    """Why ``path`` looks locked by Excel (its owner file ``~$name`` beside it), else None."""
    for owner in {path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])}:
        if owner.exists() and owner != path:
            return f"Excel owner file {owner.name} exists"
    return None


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``; a text file's lines are bounded while reading (:data:`MAX_LINE_BYTES`).

    A zip (XLSX) or OLE (legacy .xls) container gives its first 4 KiB only: it is read from the
    path by its own reader, so a 100 MB workbook is not held in memory twice.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    bytes

    Raises
    ------
    ReadError
        ``read-not-found``, ``read-is-folder``, ``read-locked``, ``read-permission``,
        ``read-os-error``, ``line-too-large``.
    """
    import errno

    if path.is_dir():
        raise ReadError(code="read-is-folder")
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the `with fh:` below, after the except clauses
    except FileNotFoundError:
        raise ReadError(code="read-not-found") from None
    except IsADirectoryError:
        raise ReadError(code="read-is-folder") from None
    except PermissionError as exc:
        why = _locked(path)
        if why or exc.errno == errno.EBUSY:
            raise ReadError(code="read-locked", detail=why or "EBUSY") from None
        raise ReadError("cannot be opened (permission denied)", code="read-permission") from None
    except OSError as exc:
        if exc.errno == errno.EBUSY:
            raise ReadError(code="read-locked", detail="EBUSY") from None
        raise ReadError(
            f"cannot be read ({exc.strerror or exc})", code="read-os-error", detail=str(exc.strerror or exc)
        ) from None
    with fh:
        try:
            first = fh.read(_CHUNK)
            if first.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
                return first[:4096]  # a zip or OLE container: read by path later, only its head here
            chunks = [first]
            run = _line_run(first, 0, 0, 1)
            lines = 1 + first.count(b"\n")
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                run = _line_run(chunk, run, lines, 0)
                lines += chunk.count(b"\n")
                chunks.append(chunk)
        except OSError as exc:
            raise ReadError(
                f"cannot be read ({exc.strerror or exc})", code="read-os-error", detail=str(exc.strerror or exc)
            ) from None
    return b"".join(chunks)


def _line_run(chunk: bytes, run: int, lines_before: int, first_line: int) -> int:
    """Length of the line still open at the end of ``chunk``; raise when any line gets too long.

    ``run`` is the length of the line open before the chunk, ``lines_before`` the number of line
    breaks before it (+``first_line``: 1 for the file's first chunk).
    """
    nl = chunk.find(b"\n")
    if nl < 0:
        run += len(chunk)
        if run > MAX_LINE_BYTES:
            raise ReadError(code="line-too-large", row=lines_before + first_line, limit=MAX_LINE_BYTES)
        return run
    if run + nl > MAX_LINE_BYTES:
        raise ReadError(code="line-too-large", row=lines_before + first_line, limit=MAX_LINE_BYTES)
    # lines inside one chunk are shorter than the chunk, which is shorter than the limit
    return len(chunk) - chunk.rfind(b"\n") - 1


# --------------------------------------------------------------------------------------------
# what the file is


_HTML_RE = re.compile(rb"<(!doctype\s+html|html|table|head|body|meta)\b", re.IGNORECASE)


def sniff(path: Path, data: bytes) -> str:
    """What ``data`` is: ``xlsx``, ``xls``, ``html``, ``mhtml``, ``spreadsheetml``, ``jsonl``, ``tsv``, ``csv``
    or a refusal.

    Parameters
    ----------
    path : pathlib.Path
        The file, for its suffix and the messages.
    data : bytes
        Its first bytes (:func:`read_bytes`).

    Returns
    -------
    str

    Raises
    ------
    ReadError
        ``read-not-a-table`` for a PDF, an OpenDocument or Word/PowerPoint zip, a zip of other
        files.
    """
    suffix = path.suffix.lower()
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        _refuse_other_zip(path)
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"%PDF"):
        raise ReadError(code="read-not-a-table", what="PDF 文件", what_en="a PDF document")
    start = _text_start(data[:4096])
    if start[:200].lower().startswith(b"mime-version:") or b"multipart/related" in start[:2048].lower():
        return "mhtml"
    if start.startswith(b"<"):
        low = start[:4096].lower()
        if b"urn:schemas-microsoft-com:office:spreadsheet" in low:
            return "spreadsheetml"
        if _HTML_RE.search(low):
            return "html"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"  # not a zip: reported as unreadable by the xlsx reader
    return "csv"


def _text_start(head: bytes) -> bytes:
    """The first bytes of a text file as ASCII-ish bytes: BOMs and leading blanks removed, UTF-16 folded."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) > 8 and head.count(0) > len(head) // 3):
        for enc in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return head[: len(head) // 2 * 2].decode(enc, errors="ignore").lstrip("\ufeff \t\r\n").encode()
            except UnicodeDecodeError:  # pragma: no cover - errors="ignore"
                continue
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()


def _refuse_other_zip(path: Path) -> None:
    """Refuse a zip that is not a workbook (OpenDocument, Word, PowerPoint, plain zip); pass XLSX."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # a damaged zip: the xlsx reader says so
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return
    if "mimetype" in names and "content.xml" in names:
        raise ReadError(
            code="read-not-a-table",
            what="OpenDocument（WPS/LibreOffice）文件",
            what_en="an OpenDocument (.ods/.odt) file",
        )
    if any(n.startswith("word/") for n in names):
        raise ReadError(code="read-not-a-table", what="Word 文档", what_en="a Word document")
    if any(n.startswith("ppt/") for n in names):
        raise ReadError(code="read-not-a-table", what="PowerPoint 文档", what_en="a PowerPoint document")
    if "[Content_Types].xml" not in names:
        raise ReadError(code="read-not-a-table", what="压缩包（zip）", what_en="a zip archive")


def ole_kind(path: Path) -> str:
    """What an OLE compound file is: ``encrypted`` (a password-protected .xlsx), ``xls``, ``doc`` or ``ole``.

    The stream names sit in the file's directory sectors as UTF-16 text; the first 8 MiB are searched.

    Parameters
    ----------
    path : pathlib.Path
        The OLE file.

    Returns
    -------
    str
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read(8 * 1024 * 1024)
    except OSError:
        return "ole"
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    return "ole"


def mhtml_html(data: bytes) -> bytes | None:
    """The HTML part of an MHTML web archive (Excel's "single file web page" saved as .xls), or None.

    Parameters
    ----------
    data : bytes
        The archive.

    Returns
    -------
    bytes or None
    """
    import email
    from email.message import Message

    msg: Message = email.message_from_bytes(data)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset:
                    try:
                        return payload.decode(charset).encode("utf-8")
                    except (LookupError, UnicodeDecodeError):
                        return payload
                return payload
    return None


# --------------------------------------------------------------------------------------------
# decoding


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when ``data`` reads as UTF-16 text without a byte-order mark.

    ASCII characters (commas, digits, line breaks) put a NUL byte on one parity: odd offsets for
    little-endian, even for big-endian. Chinese characters seldom hold a NUL byte at all.
    """
    sample = data[: 1 << 16]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < max(2, len(sample) // 40) or min(even, odd) > max(even, odd) // 20:
        return None
    enc = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = sample.decode(enc)
    except UnicodeDecodeError:
        text = sample[:-2].decode(enc, errors="strict") if len(sample) > 4 else ""
    if not text or sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n") > len(text) // 100:
        return None
    return enc


def _nul_lines(data: bytes, limit: int = 10_000) -> list[int]:
    """1-based lines holding a NUL byte (the first ``limit`` of them)."""
    out: list[int] = []
    pos = data.find(0)
    while pos >= 0 and len(out) < limit:
        line = data.count(b"\n", 0, pos) + 1
        if not out or out[-1] != line:
            out.append(line)
        nxt = data.find(b"\n", pos)
        if nxt < 0:
            break
        pos = data.find(0, nxt)
    return out


def _damaged_utf8(data: bytes) -> tuple[str, list[int]] | None:
    """UTF-8 text with a few invalid bytes (a cut or a bad copy), and the lines holding them; else None.

    A GBK file read as UTF-8 fails at nearly every Chinese character; a damaged UTF-8 file fails at
    a handful of places among thousands of good multi-byte characters. Reading the second as GB18030
    (which accepts almost any bytes) turns every Chinese character into nonsense and the header
    into "missing required column": it is read as UTF-8 instead, each bad byte shown as U+FFFD and
    each row holding one named.
    """
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text[: 1 << 20] if ord(ch) > 0x7F) - min(bad, 1 << 20)
    if bad == 0 or bad > max(3, good // 200) or good < 10 * bad:
        return None
    lines: list[int] = []
    pos = text.find("\ufffd")
    while pos >= 0 and len(lines) < 10_000:
        line = text.count("\n", 0, pos) + 1
        if not lines or lines[-1] != line:
            lines.append(line)
        pos = text.find("\ufffd", pos + 1)
    return text, lines


def decode_text(data: bytes) -> Text:
    """Decode file bytes strictly; see the module docstring for the order of attempts.

    Parameters
    ----------
    data : bytes
        The file's bytes.

    Returns
    -------
    Text
        The text and the encoding it was decoded with.

    Raises
    ------
    ReadError
        ``read-binary`` (many control bytes or NUL bytes across the whole file),
        ``read-utf16-invalid``, ``read-unknown-encoding``, ``read-decode-failed``.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Text(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(
                f"has a UTF-16 byte-order mark but invalid UTF-16 data ({exc.reason})",
                code="read-utf16-invalid",
                detail=exc.reason,
            ) from None
    nuls = data.count(0)
    if nuls:
        enc16 = _utf16_without_bom(data)
        if enc16 is not None:
            try:
                return Text(data.decode(enc16), enc16)
            except UnicodeDecodeError as exc:
                raise ReadError(code="read-utf16-invalid", detail=exc.reason) from None
    # NUL bytes are judged apart: old systems pad fixed-width fields with them, which is text with
    # padding (removed, with a warning per row); other control bytes over 1% of the file, or a file
    # that is half NUL, is binary
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES)) - nuls
    if controls > max(3, len(data) // 100) or nuls > max(3, len(data) // 2):
        what = "NUL bytes" if nuls > controls else "control characters"
        what_zh = "NUL 字节" if nuls > controls else "控制字符"
        raise ReadError(code="read-binary", what=what, what_zh=what_zh)
    nul_lines: list[int] = []
    if nuls:
        nul_lines = _nul_lines(data)
        data = data.replace(b"\x00", b"")
    text: str | None = None
    enc = ""
    bad_lines: list[int] = []
    try:
        text, enc = data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        damaged = _damaged_utf8(data)
        if damaged is not None:
            text, bad_lines = damaged
            enc = "utf-8-sig"
        else:
            try:
                text, enc = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                text = None
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise ReadError(
                "has an unknown text encoding (not UTF-8, not GB18030, not detectable)", code="read-unknown-encoding"
            )
        try:
            text, enc = data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            raise ReadError(
                f"cannot be decoded (detected encoding {best.encoding} fails)",
                code="read-decode-failed",
                encoding=best.encoding,
            ) from None
    if text.endswith("\x1a"):  # a DOS end-of-file mark: not a row
        text = text.rstrip("\x1a")
    return Text(text, enc, nul_lines, bad_lines)
