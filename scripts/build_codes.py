"""Rebuild graph/codes/ from the public tables in ../shared/data (run by hand, output committed).

- regions.csv: GB/T 2260 codes (6 digits) for provinces, cities and counties with level and
  parent, from modood/Administrative-divisions-of-China (WTFPL), NBS 2023.
- gbt4754_2017.csv: GB/T 4754-2017 tree with tags, from swifthu/industrial_classifi (MIT).
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
OUT = ROOT / "graph" / "codes"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    adm = SHARED / "admin-divisions"
    rows = []
    with open(adm / "provinces.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.append((r["code"] + "0000", r["name"], "province", "", r["code"] + "0000", ""))
    with open(adm / "cities.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            p = r["provinceCode"] + "0000"
            rows.append((r["code"] + "00", r["name"], "city", p, p, r["code"] + "00"))
    with open(adm / "areas.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            p = r["provinceCode"] + "0000"
            c = r["cityCode"] + "00"
            rows.append((r["code"], r["name"], "county", c, p, c))
    with open(OUT / "regions.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent", "province", "city"])
        w.writerows(rows)
    shutil.copyfile(SHARED / "gbt4754" / "gbt4754_2017_flat_with_tags.csv", OUT / "gbt4754_2017.csv")
    print(f"regions: {len(rows)} rows; gbt4754 copied")


if __name__ == "__main__":
    main()
