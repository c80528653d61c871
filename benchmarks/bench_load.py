"""Loader benchmark (prints figures; not a test).

1. Load ``../shared/data/chain-kg`` plus the A-share list into a graph and compare with the time pandas
   alone takes to parse the same files in the same run (goal: load ≤ 3 × parse).
2. Load a generated 100,000-row 企查查-style export written in GBK: rows per second.
3. Load ``chain_gap.synth`` enterprises (the national-scale input of the end-to-end goal) through
   the generic ``enterprises`` mapping: rows per second (goal: >= 40,000).
4. Peak RSS of the process (``resource.getrusage``).

Run from the repository root::

    python benchmarks/bench_load.py [--rows 100000] [--synth-rows 100000] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from chain_gap import load as L
from chain_gap.normalize import uscc_check_char

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pandas_parse(folder: Path, ashare: Path) -> float:
    t = time.perf_counter()
    for f in sorted(folder.glob("*.json")):
        pd.read_json(f, lines=True, dtype=False)
    pd.read_csv(ashare, dtype=str)
    return time.perf_counter() - t


def bench_real(data: Path) -> None:
    folder = data / "chain-kg"
    ashare = data / "ashare-basic" / "stock_basic_2026.csv"
    if not folder.is_dir() or not ashare.is_file():
        print(f"real data: skipped ({data} not found)")
        return
    pandas_parse(folder, ashare)  # warm the file cache for both contenders
    t_pd = pandas_parse(folder, ashare)
    t = time.perf_counter()
    res = L.load(folder, "chain-kg")
    L.load(ashare, "ashare", res.graph)
    t_load = time.perf_counter() - t
    G = res.graph
    print(f"chain-kg + A-share list: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
    print(f"  pandas parse only : {t_pd:6.2f} s")
    print(f"  chain_gap.load    : {t_load:6.2f} s  ({t_load / t_pd:.1f}x pandas; goal <= 3x)")
    print(f"  peak RSS so far   : {peak_rss_mb():,.0f} MiB")


_BRAND = list("华瑞恒泰鑫宏昌盛兴达通远丰源博创新科聚能天宇嘉诚金豪亿德凯正阳光明伟业隆安顺")
_FORMS = ["有限公司", "有限责任公司", "股份有限公司", "科技有限公司", "实业有限公司"]
_PLACES = [
    ("河南省", "商丘市", "睢阳区", "411403"),
    ("河南省", "商丘市", "梁园区", "411402"),
    ("江苏省", "苏州市", "吴中区", "320506"),
    ("广东省", "深圳市", "南山区", "440305"),
    ("福建省", "宁德市", "蕉城区", "350902"),
    ("北京市", "市辖区", "海淀区", "110108"),
]
_INDUSTRY = ["3841", "锂离子电池制造", "C3841", "3849", "2641", "5212", "7212", "3311", "汽车零部件及配件制造"]
_CAPITAL = ["5000万元人民币", "1.2亿元", "100万美元", "300万(元)", "50", "面议", "-"]
_TAGS = ["高新技术企业", "专精特新;科技型中小企业", "", "小巨人", "-"]
_STATUS = ["存续", "在业", "注销", "吊销，未注销"]


def make_qcc(path: Path, rows: int, seed: int = 7) -> None:
    """A 企查查-style export: title row, Chinese headers, GBK, some duplicates and bad values."""
    rnd = random.Random(seed)
    header = [
        "企业名称",
        "统一社会信用代码",
        "法定代表人",
        "登记状态",
        "成立日期",
        "注册资本",
        "实缴资本",
        "所属省份",
        "所属城市",
        "所属区县",
        "企业地址",
        "所属行业",
        "经营范围",
        "企业类型",
        "参保人数",
        "企业标签",
    ]
    with open(path, "w", encoding="gbk", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["企查查 - 企业数据导出"])
        w.writerow(header)
        for i in range(rows):
            prov, city, county, code = rnd.choice(_PLACES)
            body = f"91{code}MA{i:07d}"[:17]
            uscc = body + uscc_check_char(body) if rnd.random() > 0.02 else body + "0"
            name = f"{city.replace('市辖区', '北京')}{''.join(rnd.sample(_BRAND, 3))}{i}{rnd.choice(_FORMS)}"
            w.writerow(
                [
                    name,
                    uscc,
                    "张三",
                    rnd.choice(_STATUS),
                    f"20{rnd.randint(0, 23):02d}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
                    rnd.choice(_CAPITAL),
                    "-",
                    prov,
                    city,
                    county,
                    f"{prov}{city}{county}建设路{i}号",
                    rnd.choice(_INDUSTRY),
                    "锂离子电池制造；电池销售；技术开发、技术咨询",
                    "有限责任公司(自然人投资或控股)",
                    str(rnd.randint(0, 500)),
                    rnd.choice(_TAGS),
                ]
            )


def bench_synthetic(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "qcc_export_gbk.csv"
        t = time.perf_counter()
        make_qcc(path, rows)
        t_gen = time.perf_counter() - t
        t = time.perf_counter()
        pd.read_csv(path, dtype=str, encoding="gb18030", skiprows=1)
        t_pd = time.perf_counter() - t
        t = time.perf_counter()
        res = L.load(path, "qcc")
        dt = time.perf_counter() - t
        tot = res.report["totals"]
        print(
            f"synthetic 企查查 export ({rows:,} rows, GBK, {path.stat().st_size / 1e6:.1f} MB; generated in {t_gen:.1f} s)"
        )
        print(f"  pandas parse only : {t_pd:6.2f} s")
        print(f"  chain_gap.load    : {dt:6.2f} s  = {rows / dt:,.0f} rows/s")
        print(
            f"  loaded {tot['loaded']:,}, merged {tot['merged']:,}, rejected {tot['rejected']:,}, "
            f"warnings {tot['warnings']:,}"
        )
        print(f"  peak RSS          : {peak_rss_mb():,.0f} MiB")


def bench_synth(rows: int) -> None:
    from chain_gap import synth

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "enterprises.csv"
        t = time.perf_counter()
        ents, _ = synth.generate(n=rows, seed=0, focus=None)
        ents.drop(columns=["true_link"]).to_csv(path, index=False)
        t_gen = time.perf_counter() - t
        t = time.perf_counter()
        pd.read_csv(path, dtype=str)
        t_pd = time.perf_counter() - t
        t = time.perf_counter()
        res = L.load(path, "enterprises")
        dt = time.perf_counter() - t
        tot = res.report["totals"]
        print(
            f"chain_gap.synth enterprises ({rows:,} rows, UTF-8, {path.stat().st_size / 1e6:.1f} MB; "
            f"generated in {t_gen:.1f} s)"
        )
        print(f"  pandas parse only : {t_pd:6.2f} s")
        print(f"  chain_gap.load    : {dt:6.2f} s  = {rows / dt:,.0f} rows/s (goal >= 40,000)")
        print(
            f"  loaded {tot['loaded']:,}, merged {tot['merged']:,}, rejected {tot['rejected']:,}, "
            f"warnings {tot['warnings']:,}; graph {res.graph.number_of_nodes():,} nodes, "
            f"{res.graph.number_of_edges():,} edges"
        )
        print(f"  peak RSS          : {peak_rss_mb():,.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--synth-rows", type=int, default=100_000)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args(argv)
    bench_real(args.data)
    bench_synthetic(args.rows)
    if args.synth_rows > 0:
        bench_synth(args.synth_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
