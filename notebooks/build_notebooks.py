"""Write the analyst notebooks of ``notebooks/`` from the cell texts below (the single source).

The notebooks are committed without outputs or execution counts; CI executes them (``pytest --nbmake
notebooks`` and ``tests/test_notebooks.py``). Edit the cells here, then regenerate::

    python notebooks/build_notebooks.py

``tests/test_notebooks.py`` checks that the committed files equal what this script writes, so a
notebook edited in Jupyter without updating this file fails the tests (copy the change back here).
Cell ids are fixed (``<notebook>-<n>``) so that regenerating is byte-for-byte stable.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------- 01
QUICKSTART = [
    (
        "md",
        """\
# Quickstart: from firm data to a 招商 target list

This notebook runs the whole chain-gap pipeline on **synthetic** data (about 5,000 firms spread over
the real administrative divisions of China, with 商丘市 drawn denser) and takes a few seconds:

1. generate a 企查查-style enterprise export and some supply pairs;
2. load them into a graph through the loader mappings;
3. attach firms to the links of the 新能源汽车 (NEV) chain (挂链);
4. compute 商丘市's gap table: verdicts, actions and the numbers behind them;
5. rank the firms elsewhere that would close the gaps;
6. show the chain map inline and write the Excel workbooks staff open.

Every step is one function call that returns a pandas DataFrame or a networkx graph. Files are written
into a temporary folder, never into the repository. The data are synthetic: names, codes and numbers
are made up, and every output says so.""",
    ),
    (
        "code",
        """\
import html
import tempfile
import warnings
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

import chain_gap
from chain_gap import frames, gaps, io, link, load, report, synth, targets

pd.set_option("display.max_colwidth", 80)
WORK = Path(tempfile.mkdtemp(prefix="chain-gap-quickstart-"))
print(f"chain-gap {chain_gap.__version__}; writing into {WORK}")""",
    ),
    (
        "md",
        """\
## 1. Source data

`synth.generate` draws a national population with the columns of the generic `enterprises` loader
mapping (name, USCC, region, GB/T 4754 industry code, 经营范围, products, registered capital, revenue,
founding date, tags). `true_link` is the generator's answer key, used by tests; a real export has no
such column, so it is dropped before the data go through the loader.""",
    ),
    (
        "code",
        """\
ents, supply = synth.generate(n=5000, seed=0, chains=("nev",))
ents = ents.drop(columns=["true_link"])
ent_csv, sup_csv = WORK / "enterprises.csv", WORK / "supply.csv"
ents.to_csv(ent_csv, index=False, encoding="utf-8")
supply.to_csv(sup_csv, index=False, encoding="utf-8")
print(f"{len(ents):,} firms, {len(supply):,} supply pairs")
ents.head(3)""",
    ),
    (
        "md",
        """\
## 2. Load into a graph

`load.load(paths, source)` reads files through a mapping in `loaders/` (here `enterprises`, then
`supply` into the same graph) and normalises USCCs, regions and industry codes. Nothing is lost
silently: the report reconciles `rows_in = loaded + merged + rejected`, and `rejects` lists every
rejected row with its file, row number, field and reason.""",
    ),
    (
        "code",
        """\
res = load.load([ent_csv], "enterprises")
G = res.graph
sup = load.load([sup_csv], "supply", G)
G.graph["synthetic"] = True                      # the map and the workbooks then say "synthetic"
G.graph["vintage"] = "synthetic quickstart data, seed 0"
totals = res.report["totals"]
assert totals["rows_in"] == totals["loaded"] + totals["merged"] + totals["rejected"]
print("enterprises:", totals)
print("supply:     ", sup.report["totals"])
print(f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
res.rejects.head()""",
    ),
    (
        "md",
        """\
## 3. 挂链: attach firms to the chain's links

`link.attach` grades the evidence for each firm and link (products and industry code strong, 经营范围
keywords medium, name weak) into a confidence: ≥ 0.60 *confirmed*, ≥ 0.30 *uncertain* (the review
queue), an exclusion phrase *rejected*. The clause around the keyword gives the role: 研发、生产 →
producer, 销售 → seller, 维修 → user. Gap analysis counts confirmed firms in the role that carries the
link out (producers, for most links).""",
    ),
    (
        "code",
        """\
link.attach(G, ["nev"])
mem = frames.members(G, "nev", roles=None, decisions=None)
mem.groupby(["decision", "role"]).size().unstack(fill_value=0)""",
    ),
    (
        "code",
        """\
# the uncertain links a reviewer should look at, with their evidence
link.review_queue(G, "nev")[["name", "link", "role", "confidence", "evidence"]].head()""",
    ),
    (
        "md",
        """\
## 4. The gap table of 商丘市

One row per leaf link: local producers, the location quotient against the rest of the country
(`lq_star`) with its 95 % interval, concentration (`hhi`), cascade loss, relatedness density, the
verdict (missing / weak / fragile / strong / anchored; staff read 缺失环节 / 一般环节 / 断链风险 /
优势环节 / 链主引领), the action (补链 fill, 延链 extend, 补强 reinforce, 强链 strengthen, 以商招商 leverage,
and for resource-bound links 对接外部供给 / 以资源换产业; the table is in docs/formulas.md), the reasons
in plain words and their numbers in `basis`. `activity` says what was counted (firms, by default).""",
    ),
    (
        "code",
        """\
REGION = "商丘市"
gt = gaps.table(G, "nev", REGION)
gt[["link_name", "stage", "local", "lq_star", "ci_low", "ci_high", "verdict_zh", "action_zh",
    "priority"]].head(12)""",
    ),
    (
        "code",
        """\
s = gaps.summary(G, "nev", REGION, gaps=gt)
print(f"{s['region_name']} · {s['chain_name']}: {s['links']} links, "
      f"completeness C = {s['c']:.2f}, weighted WC = {s['wc']:.2f}")
print("verdicts:", s["verdicts"])
print("actions: ", s["actions"])
pd.DataFrame(s["top_priorities"], columns=["link", "link_name", "action", "priority"])""",
    ),
    (
        "code",
        """\
# every verdict comes with the numbers behind it
for r in gt[gt["action"] != "none"].sort_values("priority", ascending=False).head(3).itertuples():
    print(f"{r.link_name} [{r.verdict_zh} → {r.action_zh}]\\n  {r.reasons}\\n")""",
    ),
    (
        "md",
        """\
## 5. Target firms

`targets.rank` scores producers outside the region in the links that need action: link priority ×
firm score (quality by entropy-weighted TOPSIS over size, age, staff and tags, mixed with fit to the
region's buyers), with a small bonus for the same province. Each row says why.""",
    ),
    (
        "code",
        """\
tg = targets.rank(G, "nev", REGION, top=50, gap_table=gt)
tg[["rank", "name", "region_name", "link_name", "action_zh", "score", "reasons"]].head(10)""",
    ),
    (
        "md",
        """\
## 6. The chain map, inline

`report.write_map` writes the same self-contained page as `chain-gap map` (no network needed). It is
shown here in an `<iframe srcdoc>`, which works in JupyterLab, VS Code and offline; the page is
escaped for the attribute and runs sandboxed. Click a link to see its numbers, local firms and
targets.""",
    ),
    (
        "code",
        """\
map_path = report.write_map(G, "nev", REGION, WORK / "map.html", gaps_table=gt, targets_table=tg)
page = map_path.read_text(encoding="utf-8")
# IPython suggests IFrame(url) for any <iframe>; srcdoc is deliberate (no file server, works offline)
warnings.filterwarnings("ignore", message="Consider using IPython.display.IFrame")
display(HTML(f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
             'style="width:100%;height:760px;border:1px solid #ddd"></iframe>'))""",
    ),
    (
        "md",
        """\
## 7. Excel for the 招商 team, and the bundle

`report.write_outputs` writes every file staff open for one chain and region, among them `gaps.xlsx`
(链条诊断), `targets.xlsx` (招商目标企业清单) and `map.html`; each workbook has a 数据说明 sheet (data
vintage, activity variable, weights). Codes are written as
text and cells that start with `= + - @` are neutralised. `io.save` stores the graph as a bundle
(Parquet tables and a manifest) that the CLI and `io.load` read back.""",
    ),
    (
        "code",
        """\
paths = report.write_outputs(G, "nev", REGION, WORK / "out", gaps_table=gt, targets_table=tg)
for kind, p in paths.items():
    print(f"{kind:8s} {p}  ({p.stat().st_size:,} bytes)")
sheets = pd.read_excel(paths["targets"], sheet_name=None)
print("sheets:", list(sheets))
next(iter(sheets.values())).head(3)""",
    ),
    (
        "code",
        """\
bundle = io.save(G, WORK / "shangqiu.bundle")
G2 = io.load(bundle)
assert gaps.table(G2, "nev", REGION)["verdict"].tolist() == gt["verdict"].tolist()
print(f"{bundle}: {G2.number_of_nodes():,} nodes; same verdicts after the round trip")""",
    ),
]

# --------------------------------------------------------------------------- 02
REAL_DATA = [
    (
        "md",
        """\
# Real data: listed companies, the NEV and 电子信息 chains, and 河南省

This notebook uses two public data sets that are **not** shipped with chain-gap:

* the A-share industrial-chain knowledge graph (liuhuanyong/ChainKnowledgeGraph): listed companies,
  their Shenwan industries and products with revenue shares;
* the A-share company list (AFAN-LIFE/macropage, CC-BY-4.0, data from Tushare): legal names and the
  province of each listed company.

It looks for them in `../shared/data` next to the repository (the project's development layout), or in
the folder named by the `CHAIN_GAP_SHARED` environment variable (either the `data` folder itself or its
parent). Without them it says so and stops cleanly.

Caveat: these sources hold only listed companies, located by province, with products but no 经营范围
and no GB/T 4754 code. So the location quotient compares 河南省's share of *listed* producers in a
link with its share of all listed companies, and the analysis is at province level.""",
    ),
    (
        "code",
        """\
import os
import time
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from chain_gap import frames, gaps, link, load, targets

pd.set_option("display.max_colwidth", 80)


def find_data() -> Path | None:
    \"\"\"The shared data folder (holding chain-kg/ and ashare-basic/), or None.\"\"\"
    candidates = []
    if os.environ.get("CHAIN_GAP_SHARED"):
        env = Path(os.environ["CHAIN_GAP_SHARED"]).expanduser()
        candidates += [env, env / "data"]
    candidates.append(Path.cwd().parent.parent / "shared" / "data")   # run from notebooks/
    candidates.append(Path.cwd().parent / "shared" / "data")          # run from the repository root
    for p in candidates:
        if (p / "chain-kg" / "company.json").is_file() and (p / "ashare-basic" / "stock_basic_2026.csv").is_file():
            return p.resolve()
    return None


DATA = find_data()
if DATA:
    print(f"using {DATA}")
else:
    display(Markdown(
        "**The real data are not available here, so this notebook stops.** It needs "
        "`chain-kg/` and `ashare-basic/stock_basic_2026.csv` in `../shared/data` next to the "
        "repository, or in the folder named by `CHAIN_GAP_SHARED`. The remaining cells do nothing."))""",
    ),
    (
        "md",
        """\
## 1. Load the knowledge graph and the company list

The `chain-kg` mapping takes the whole folder (industries, companies, products and their relations,
loaded in the right order); the `ashare` mapping then adds legal names and provinces to the same
companies, matched by stock code.""",
    ),
    (
        "code",
        """\
if DATA:
    t0 = time.perf_counter()
    kg = load.load([DATA / "chain-kg"], "chain-kg")
    G = kg.graph
    listing = load.load([DATA / "ashare-basic" / "stock_basic_2026.csv"], "ashare", G)
    print(f"loaded in {time.perf_counter() - t0:.1f} s")
    display(pd.DataFrame({"chain-kg": kg.report["totals"], "ashare": listing.report["totals"]}))""",
    ),
    (
        "md",
        """\
## 2. 挂链 to the NEV and 电子信息 chains

Listed companies have no 经营范围 here, so the evidence is products (strong) and names (weak).""",
    ),
    (
        "code",
        """\
if DATA:
    t0 = time.perf_counter()
    link.attach(G, ["nev", "electronics"])
    print(f"linked in {time.perf_counter() - t0:.1f} s")
    mem = frames.members(G, None, roles=None, decisions=None)
    display(mem.groupby(["chain", "decision"])["ent_id"].nunique().unstack(fill_value=0))""",
    ),
    (
        "code",
        """\
if DATA:
    # where the listed NEV producers are: counted firms per province, summed over links
    by_prov = gaps.table_all(G, "nev", "province")
    top = (by_prov.groupby("region")["local"].sum().sort_values(ascending=False).head(10)
           .rename("counted memberships").to_frame())
    top.insert(0, "province", frames.region_names(pd.Series(top.index)).to_numpy())
    display(top)""",
    ),
    (
        "md",
        """\
## 3. The gap table of 河南省 on the NEV chain""",
    ),
    (
        "code",
        """\
if DATA:
    gt = gaps.table(G, "nev", "河南省")
    s = gaps.summary(G, "nev", "河南省", gaps=gt)
    print(f"{s['region_name']} · {s['chain_name']}: {s['links']} links, completeness C = {s['c']:.2f}, "
          f"WC = {s['wc']:.2f}; verdicts {s['verdicts']}; actions {s['actions']}")
    display(gt[["link_name", "stage", "local", "national", "lq_star", "ci_low", "ci_high", "verdict_zh",
                "action_zh", "priority"]])""",
    ),
    (
        "code",
        """\
if DATA:
    present = gt[gt["local"] > 0]
    for r in present.itertuples():
        print(f"{r.link_name} [{r.verdict_zh} → {r.action_zh}]: {r.reasons}")""",
    ),
    (
        "code",
        """\
if DATA:
    ge = gaps.table(G, "electronics", "河南省")
    se = gaps.summary(G, "electronics", "河南省", gaps=ge)
    print(f"{se['region_name']} · {se['chain_name']}: {se['links']} links, completeness C = {se['c']:.2f}; "
          f"verdicts {se['verdicts']}")
    display(ge.loc[ge["local"] > 0, ["link_name", "local", "lq_star", "verdict_zh", "action_zh"]])""",
    ),
    (
        "md",
        """\
## 4. Listed companies elsewhere that would fill 河南省's gaps

`targets.rank` scores the listed producers outside 河南省 in every link it lacks (补链 fill when the
link lies between links it has, 延链 extend beyond them), holds without a strength (补强 reinforce) or
holds as a strength (强链 strengthen: leading firms); resource-bound links get no candidates. These
sources carry no revenue, staff or founding date, so firm quality rests on the listing alone and firms
of one link often tie: read the list link by link, the links in order of priority.""",
    ),
    (
        "code",
        """\
if DATA:
    tg = targets.rank(G, "nev", "河南省", gap_table=gt)
    print(f"{len(tg)} listed companies outside 河南省 produce in links it lacks or holds weakly; "
          f"by action: {tg['action_zh'].value_counts().to_dict()}")
    per_link = tg.groupby("link", sort=False).head(3)      # tg is sorted by score: links by priority
    display(per_link.head(24)[["rank", "name", "province_name", "link_name", "action_zh", "score", "reasons"]])""",
    ),
]

# --------------------------------------------------------------------------- 03
REGIONS_WEIGHTS = [
    (
        "md",
        """\
# Comparing regions, changing the target weights, stability and what-if

On synthetic data (10,000 firms from `chain_gap.synth`, loaded and linked as in the quickstart):

1. several cities of 河南省 side by side on the NEV chain (`gaps.compare`), and where in the country
   a link is strongest (`gaps.table_all`);
2. the target ranking under the default weight profile and under your own (a dict or a TOML file);
3. how stable each firm's place in the top 20 is when every weight moves by ±20 %
   (`targets.stability`);
4. what the region's chain would look like if the top three targets set up there (`targets.what_if`).""",
    ),
    (
        "code",
        """\
import tempfile
from pathlib import Path

import pandas as pd

from chain_gap import frames, gaps, link, load, synth, targets

pd.set_option("display.max_colwidth", 80)
WORK = Path(tempfile.mkdtemp(prefix="chain-gap-regions-"))
ents, supply = synth.generate(n=10_000, seed=0, chains=("nev",))
ents.drop(columns=["true_link"]).to_csv(WORK / "enterprises.csv", index=False, encoding="utf-8")
supply.to_csv(WORK / "supply.csv", index=False, encoding="utf-8")
G = load.load([WORK / "enterprises.csv"], "enterprises").graph
load.load([WORK / "supply.csv"], "supply", G)
G.graph["synthetic"] = True
link.attach(G, ["nev"])
REGION = "商丘市"
s = gaps.summary(G, "nev", REGION)
print(f"{s['region_name']}: completeness C = {s['c']:.2f}; verdicts {s['verdicts']}")""",
    ),
    (
        "md",
        """\
## 1. Several cities on one chain

One row per link; per city the counted local firms, LQ\\*, verdict and action. Cities must be of one
level (all cities, or all provinces).""",
    ),
    (
        "code",
        """\
cities = ["商丘市", "郑州市", "周口市", "开封市", "洛阳市"]
cmp = gaps.compare(G, "nev", cities)
cmp.xs("verdict", axis=1, level=1).apply(pd.Series.value_counts).fillna(0).astype(int)""",
    ),
    (
        "code",
        """\
cmp.head(10)""",
    ),
    (
        "code",
        """\
# where is the region's top-priority link strongest? LQ* of every city at once
gt = gaps.table(G, "nev", REGION)
focus = gt.sort_values("priority", ascending=False).iloc[0]
allc = gaps.table_all(G, "nev", "city")
best = allc[allc["link"] == focus["link"]].sort_values(["lq_star", "local"], ascending=False).head(8).copy()
best.insert(1, "city", frames.region_names(best["region"]).to_numpy())
print(f"{REGION}: {focus['link_name']} is {focus['verdict_zh']} ({focus['action_zh']}); strongest cities:")
best[["region", "city", "local", "lq_star"]]""",
    ),
    (
        "md",
        """\
## 2. Changing the weights

The default profile is `graph/config/targets.toml`: `alpha` mixes firm quality with fit to local
buyers, `proximity` is the same-province bonus, `priority` weights the link features (gap,
relatedness density, PCI, COG) and `tags` gives points for 上市 / 专精特新 / 小巨人 …. A profile can
be a dict or a TOML file with the same keys; keys left out keep their defaults.""",
    ),
    (
        "code",
        """\
targets.load_profile()""",
    ),
    (
        "code",
        """\
base = targets.rank(G, "nev", REGION, top=20)
custom = {"alpha": 0.8, "proximity": 0.0, "priority": {"gap": 0.6, "density": 0.2, "pci": 0.1, "cog": 0.1}}
alt = targets.rank(G, "nev", REGION, top=20, weights=custom)

toml_path = WORK / "quality-first.toml"
toml_path.write_text(
    "alpha = 0.8\\nproximity = 0.0\\n\\n[priority]\\ngap = 0.6\\ndensity = 0.2\\npci = 0.1\\ncog = 0.1\\n",
    encoding="utf-8")
alt_toml = targets.rank(G, "nev", REGION, top=20, weights=toml_path)
assert alt_toml["ent_id"].tolist() == alt["ent_id"].tolist()   # the same profile, as a file

moved = base[["ent_id", "name", "link_name", "rank"]].merge(
    alt[["ent_id", "rank"]], on="ent_id", how="outer", suffixes=("_default", "_custom"))
print(f"{len(set(base['ent_id']) & set(alt['ent_id']))} of the top 20 stay in the top 20")
moved.sort_values(["rank_default", "rank_custom"]).head(20)""",
    ),
    (
        "md",
        """\
## 3. Rank stability

Each of `n` draws multiplies every weight by an independent factor in [0.8, 1.2] and re-ranks; the
value is the share of draws in which the firm stays in the top 20. Firms near 1.0 are a safe bet
whatever the exact weights; firms near the cut-off depend on them.""",
    ),
    (
        "code",
        """\
st = targets.stability(G, "nev", REGION, top=20, n=200)
base.assign(stability=base["ent_id"].map(st))[["rank", "name", "link_name", "score", "stability"]]""",
    ),
    (
        "md",
        """\
## 4. What if the top three targets set up in 商丘市?

`targets.what_if` clones the firms into the region (their confirmed links copied), recomputes the gap
table and summary, and removes the clones again: `G` is unchanged afterwards.""",
    ),
    (
        "code",
        """\
n_before = G.number_of_nodes()
wi = targets.what_if(G, "nev", REGION, base["ent_id"].head(3))
assert G.number_of_nodes() == n_before
for k, (b, a) in wi["delta"].items():
    print(f"{k:14s} {b} → {a}")
wi["changes"]""",
    ),
]

# --------------------------------------------------------------------------- 04
NEO4J = [
    (
        "md",
        """\
# Neo4j: push, pull and a cookbook query

For data beyond one machine (the national enterprise population), Neo4j is the system of record and
`chain_gap.neo4j` moves graphs in and out of it. This notebook pushes a small synthetic graph (3,000
firms), pulls the NEV chain back, checks that the gap table is the same, and runs a query from the
Cypher cookbook (`graph/cypher/cookbook.cypher`).

It runs only when `NEO4J_URI` is set; credentials come from the environment (`NEO4J_USER`,
`NEO4J_PASSWORD`, optionally `NEO4J_DATABASE`), never from the notebook. **Use a throwaway server or
database**: the notebook deletes the synthetic firms it pushed and restores the graph metadata node at
the end, but the shared chain, link and region nodes stay.""",
    ),
    (
        "code",
        """\
import os

from IPython.display import Markdown, display

URI = os.environ.get("NEO4J_URI")
if URI:
    print(f"Neo4j at {URI} (database: {os.environ.get('NEO4J_DATABASE') or 'server default'})")
else:
    display(Markdown(\"\"\"\\
**`NEO4J_URI` is not set, so this notebook stops here.** To run it, start Neo4j 5 (for example in
Docker) and set the connection in the environment of the Jupyter server, then restart the kernel:

```sh
docker run -d --name chaingap-neo4j -p 7474:7474 -p 7687:7687 \\\\
  -e NEO4J_AUTH=neo4j/change-this-password neo4j:5
export NEO4J_URI=bolt://localhost:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=change-this-password
```

`docs/neo4j.md` explains push, pull, the bulk-import files and how the graph maps onto Neo4j.\"\"\"))""",
    ),
    (
        "code",
        """\
if URI:
    import tempfile
    from pathlib import Path

    import pandas as pd

    from chain_gap import demo, gaps, io, neo4j
    from chain_gap._resources import graph_dir

    WORK = Path(tempfile.mkdtemp(prefix="chain-gap-neo4j-"))
    G = io.load(demo.run(WORK, n=3000, seed=7)["bundle"])
    DB = os.environ.get("NEO4J_DATABASE") or None
    driver = neo4j.connect()
    with driver.session(database=DB) as s:   # keep the metadata node of whatever is already there
        rec = s.run("MATCH (m:ChainGapMeta {id: 'meta'}) RETURN properties(m) AS p").single()
    saved_meta = rec["p"] if rec is not None else None
    print(f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges to push")""",
    ),
    (
        "md",
        """\
## Push

Constraints and indexes first, then batched, parameterised `UNWIND … MERGE`. Pushing the same graph
again creates nothing.""",
    ),
    (
        "code",
        """\
if URI:
    first = neo4j.push(G, driver=driver, database=DB, progress=True)
    again = neo4j.push(G, driver=driver, database=DB)
    print({k: first[k] for k in ("nodes", "nodes_created", "relationships_created", "batches")})
    print("second push: nodes_created =", again["nodes_created"],
          "relationships_created =", again["relationships_created"])""",
    ),
    (
        "md",
        """\
## Pull

`neo4j.pull(chain="nev")` returns the chain's links, the firms linked to them, their regions and (as
light stubs) every other enterprise, so that national totals and hence LQ\\* are the same as on the
full graph. On a database that holds only this notebook's data the gap table is identical.""",
    ),
    (
        "code",
        """\
if URI:
    H = neo4j.pull(chain="nev", driver=driver, database=DB)
    print(f"pulled {H.number_of_nodes():,} nodes, {H.number_of_edges():,} edges")
    here, there = gaps.table(G, "nev", "411400"), gaps.table(H, "nev", "411400")
    try:
        pd.testing.assert_frame_equal(here, there)
        print("the gap table of 商丘市 on the pulled graph equals the in-memory one")
    except AssertionError:
        print("the gap tables differ: the database holds other enterprises too (national totals change)")
    display(there[["link_name", "local", "lq_star", "verdict_zh", "action_zh"]].head(10))""",
    ),
    (
        "md",
        """\
## A cookbook query

`graph/cypher/cookbook.cypher` holds commented, parameterised queries for Neo4j Browser users. Here Q2
(the missing links of a region) runs through the driver with its parameters, and agrees with the gap
table's links that have no counted local firm.""",
    ),
    (
        "code",
        """\
if URI:
    text = (graph_dir() / "cypher" / "cookbook.cypher").read_text(encoding="utf-8")
    statements, comment, body = {}, [], []
    for line in text.splitlines():
        if line.startswith(":param"):
            continue
        if line.startswith("//") and not body:
            comment.append(line[2:].strip())
            continue
        if not line.strip() and not body:
            continue
        body.append(line)
        if line.rstrip().endswith(";"):
            title = next((c for c in comment if c[:1] == "Q"), "")
            statements[title.split(".")[0]] = "\\n".join(body).rstrip()[:-1]
            comment, body = [], []
    q2 = statements["Q2"]
    print(q2)
    with driver.session(database=DB) as s:
        rows = pd.DataFrame([r.data() for r in s.run(q2, {"chain": "nev", "region": "411400"})])
    display(rows.head(10))
    missing = set(here.loc[here["local"] == 0, "link"])
    found = {x.split("/", 1)[1] for x in rows["link"]} if len(rows) else set()
    print("Q2 agrees with the gap table" if found == missing else
          f"Q2 and the gap table differ: {sorted(found ^ missing)}")""",
    ),
    (
        "md",
        """\
## Clean up

Delete the synthetic firms (and their products) pushed above and restore the metadata node.""",
    ),
    (
        "code",
        """\
if URI:
    ent_ids = [n for n, a in G.nodes(data=True) if a.get("kind") == "Enterprise"]
    product_ids = [n for n, a in G.nodes(data=True) if a.get("kind") == "Product"]
    with driver.session(database=DB) as s:
        s.run("UNWIND $ids AS id MATCH (e:Enterprise {id: id}) DETACH DELETE e", ids=ent_ids).consume()
        s.run("UNWIND $ids AS id MATCH (p:Product {id: id}) WHERE NOT (p)--() DELETE p",
              ids=product_ids).consume()
        if saved_meta is not None:
            s.run("MERGE (m:ChainGapMeta {id: 'meta'}) SET m = $p", p=saved_meta).consume()
        else:
            s.run("MATCH (m:ChainGapMeta {id: 'meta'}) DETACH DELETE m").consume()
    driver.close()
    print(f"removed {len(ent_ids):,} synthetic enterprises")""",
    ),
]

NOTEBOOKS = {
    "01-quickstart.ipynb": QUICKSTART,
    "02-real-data.ipynb": REAL_DATA,
    "03-regions-and-weights.ipynb": REGIONS_WEIGHTS,
    "04-neo4j.ipynb": NEO4J,
}


def build(name: str) -> nbformat.NotebookNode:
    """The notebook ``name`` (a key of :data:`NOTEBOOKS`) without outputs, with stable cell ids."""
    stem = name.split("-", 1)[0]
    cells = []
    for i, (kind, source) in enumerate(NOTEBOOKS[name]):
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        cell["id"] = f"nb{stem}-{i:02d}"
        cells.append(cell)
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(nb)
    return nb


def render(name: str) -> str:
    """The file text of notebook ``name`` as committed."""
    return nbformat.writes(build(name)) + "\n"


def main(out: Path = HERE) -> list[Path]:
    """Write every notebook into ``out``; returns the paths."""
    written = []
    for name in NOTEBOOKS:
        p = out / name
        p.write_text(render(name), encoding="utf-8")
        written.append(p)
    return written


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"wrote {p}")
