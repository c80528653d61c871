"""Write the crafted bad inputs of ``tests/data/bad/`` (run: ``python tests/data/make_bad.py``).

Each file reproduces one way real exports go wrong; ``tests/test_load.py`` asserts that each ends
in a clear one-line :class:`chain_gap.load.LoadError` or in rejects / warnings with reasons. The
files are committed (they are small); this script documents how the binary and re-encoded ones
were made and re-creates them. The 10 MB single-field file is *not* written here: the test
generates it into ``tmp_path``.

Standalone on purpose (no chain_gap import), so it runs on any Python with openpyxl.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "bad"

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(body17: str) -> str:
    """A USCC with a correct GB 32100-2015 check character."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body17, _USCC_W))
    return body17 + _USCC_CHARS[(31 - total % 31) % 31]


U1 = uscc("91411403MA0000001")  # 商丘市睢阳区 authority code
U2 = uscc("91411403MA0000002")
U3 = uscc("91320500MA0000003")  # 苏州市
U4 = uscc("N2411400MA0000004")  # letter department code N (farmers' co-operative)
BAD_CHECK = U1[:-1] + ("0" if U1[-1] != "0" else "1")

QCC_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "登记状态",
    "成立日期",
    "注册资本",
    "所属省份",
    "所属城市",
    "所属区县",
    "企业地址",
    "所属行业",
    "经营范围",
    "参保人数",
    "企业标签",
]


def _row(
    name: str,
    code: str = "",
    *,
    founded: str = "2015-03-02",
    capital: str = "5000万元人民币",
    prov: str = "河南省",
    city: str = "商丘市",
    county: str = "睢阳区",
    industry: str = "3841",
    scope: str = "锂离子电池制造；电池销售",
    staff: str = "35",
    tags: str = "高新技术企业",
    status: str = "存续",
) -> list[str]:
    return [
        name,
        code,
        "张三",
        status,
        founded,
        capital,
        prov,
        city,
        county,
        f"{prov}{city}{county}某路1号",
        industry,
        scope,
        staff,
        tags,
    ]


def _csv(rows: list[list[str]]) -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def write(name: str, data: str | bytes, encoding: str = "utf-8") -> None:
    path = OUT / name
    if isinstance(data, str):
        data = data.encode(encoding)
    path.write_bytes(data)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(20240601)
    good = [QCC_HEADER, _row("商丘华瑞电池有限公司", U1), _row("商丘恒泰新材料有限公司", U2)]

    # -- files that cannot be read at all (LoadError) -------------------------------------
    write("empty.csv", b"")
    write("whitespace_only.csv", b"\n\n   \n\t\n")
    write("binary_garbage.csv", bytes(rnd.randrange(256) for _ in range(4096)))
    write("fake.xlsx", "企业名称,统一社会信用代码\n这不是工作簿,\n")  # text with an .xlsx suffix
    write("truncated.xlsx", b"PK\x03\x04" + bytes(rnd.randrange(256) for _ in range(600)))
    write("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    write("missing_header.csv", _csv([["公司代号", "地址", "注册资本"], ["A1", "商丘市", "100万"]]))
    # Shift-JIS bytes: not UTF-8; GB18030 decodes them into nonsense, so no header matches
    write("wrong_encoding_sjis.csv", "会社名,住所\n株式会社テスト,東京都\n", encoding="shift_jis")
    write("bad_json_array.jsonl", '[{"name": "甲公司"}, {"name": ')

    # -- files that load, with rejects or warnings -----------------------------------------
    write("utf8_bom.csv", _csv(good), encoding="utf-8-sig")
    write("gbk.csv", _csv(good), encoding="gbk")
    write("utf16_excel_unicode.txt", "\n".join("\t".join(r) for r in good) + "\n", encoding="utf-16")
    write(
        "title_rows.csv", _csv([["2024年商丘市规上企业名单"], ["制表单位：商丘市工信局", "", "单位：万元"], []] + good)
    )
    write("trailing_empty_rows.csv", _csv(good + [[""] * len(QCC_HEADER)] * 5) + "\n\n,,,\n")
    write("semicolon.csv", "\n".join(";".join(r) for r in good) + "\n")
    write(
        "duplicate_conflict.csv",
        _csv(
            [
                QCC_HEADER,
                _row("商丘华瑞电池有限公司", U1, capital="5000万元人民币"),
                _row("商丘华瑞电池有限公司", U1, capital="8000万元人民币", staff="40"),
                _row("商丘华瑞电池有限公司", U1, capital="5000万元人民币"),  # exact duplicate of row 2
                _row("商丘华瑞电池有限公司", U1, capital="5000万元人民币"),  # and again
            ]
        ),
    )
    write(
        "invalid_uscc.csv",
        _csv(
            [
                QCC_HEADER,
                _row("商丘甲电池有限公司", BAD_CHECK),  # wrong check character
                _row("商丘乙电池有限公司", "91411403MA00"),  # too short
                _row("商丘丙电池有限公司", "9141140OMAOOOOOI5"),  # letters O/I are never used
                _row("睢阳区丁农民专业合作社", U4),  # department code N is valid
            ]
        ),
    )
    write(
        "bad_capital_dates.csv",
        _csv(
            [
                QCC_HEADER,
                _row("商丘甲有限公司", founded="2015年13月45日", capital="面议"),
                _row("商丘乙有限公司", founded="昨天", capital="五千万"),
                _row("商丘丙有限公司", founded="1899-02-30", capital="100万美元"),
                _row("商丘丁有限公司", founded="20150302", capital="1.2亿"),
            ]
        ),
    )
    write(
        "quotes_newlines.csv",
        _csv(
            [
                QCC_HEADER,
                _row('"商丘华瑞电池有限公司"', U1),
                _row("商丘恒泰\n新材料有限公司", U2),
                _row("“商丘”鑫源  科技有限公司\r\n", ""),
                _row("商丘(睢阳)盛兴有限公司", ""),
            ]
        ),
    )
    write(
        "formula_names.csv",
        _csv(
            [
                QCC_HEADER,
                _row('=HYPERLINK("http://example.invalid","商丘华瑞电池有限公司")', U1),
                _row("+商丘恒泰有限公司", U2),
                _row("@SUM(A1:A9)", ""),
            ]
        ),
    )
    write(
        "unknown_region.csv",
        _csv(
            [
                QCC_HEADER,
                _row("火星一号有限公司", prov="火星省", city="奥林匹斯市", county="塔尔西斯区"),
                _row("商丘未知区有限公司", prov="河南省", city="商丘市", county="不存在区"),
            ]
        ),
    )
    write(
        "unknown_industry.csv",
        _csv(
            [
                QCC_HEADER,
                _row("商丘甲有限公司", industry="9999"),
                _row("商丘乙有限公司", industry="量子炼金术"),
                _row("商丘丙有限公司", industry="C38"),
            ]
        ),
    )
    write(
        "no_name.csv",
        _csv(
            [
                QCC_HEADER,
                _row("", U1),
                _row("-", U2),
                _row("   ", ""),
                _row("商丘正常有限公司", ""),
            ]
        ),
    )
    write("long_name.csv", _csv([QCC_HEADER, _row("商丘" + "很" * 400 + "有限公司", "")]))
    write(
        "ragged_rows.csv",
        _csv(good[:2]) + "商丘多列有限公司,,张三,存续,2015-01-01,100万,河南省,商丘市,睢阳区,地址,"
        "3841,范围,5,标签,多出来的一格,又一格\n短行有限公司,\n",
    )
    write("control_chars.csv", _csv([QCC_HEADER, _row("商丘\x07控制\x1b字符有限公司", "")]))
    lines = [
        json.dumps({"name": "甲公司", "ts_code": "300750"}, ensure_ascii=False),
        "{not json",
        "[1, 2]",
        "",
        json.dumps({"name": "乙公司", "ts_code": "600000.SH"}, ensure_ascii=False),
    ]
    write("bad_lines.jsonl", "\n".join(lines) + "\n")
    write(
        "supply_bad.csv",
        _csv(
            [
                ["供应商", "客户", "金额", "年份"],
                [U3, "商丘华瑞电池有限公司", "100万", "2023"],  # USCC not in the graph
                ["商丘华瑞电池有限公司", "商丘华瑞电池有限公司", "5", "2023"],  # itself
                ["", "商丘恒泰新材料有限公司", "5", "2023"],  # no supplier
                ["外地正极材料有限公司", "商丘华瑞电池有限公司", "很多", "去年"],  # loads, two warnings
            ]
        ),
    )
    write(
        "overrides_bad.csv",
        _csv(
            [
                ["enterprise", "link", "decision", "note"],
                ["不存在的公司", "nev/cathode", "confirm", ""],
                ["商丘华瑞电池有限公司", "nev", "confirm", ""],
                ["商丘华瑞电池有限公司", "nosuchchain/cathode", "confirm", ""],
                ["商丘华瑞电池有限公司", "nev/cathode", "maybe", ""],
            ]
        ),
    )
    _xlsx()
    return 0


def _xlsx() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws["A1"] = "本工作簿由企查查导出"
    ws2 = wb.create_sheet("企业列表")
    ws2["A1"] = "企查查 - 企业数据导出（2024-06-01）"
    ws2.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(QCC_HEADER))
    ws2["A2"] = "共 3 条"
    ws2.merge_cells("A2:D2")
    ws2.append(QCC_HEADER)
    ws2.append(_row("商丘华瑞电池有限公司", U1))
    ws2.append(_row("商丘恒泰新材料有限公司", U2, capital=""))
    row = _row("苏州示例科技有限公司", U3, prov="江苏省", city="苏州市", county="工业园区")
    ws2.append(row)
    ws2.cell(row=6, column=6).value = 3000  # a number, not text: read as "3000"
    for _ in range(4):
        ws2.append([None] * len(QCC_HEADER))  # formatted but empty rows at the end
    wb.save(OUT / "merged_title_header_row3.xlsx")


if __name__ == "__main__":
    sys.exit(main())
