"""The built-in demo: synthetic national data through the whole pipeline.

generate (``chain_gap.synth``) → CSV files → the real loaders (``enterprises`` and ``supply``
mappings) → 挂链 → bundle → gap table, target list and chain map for one region, and for a city
(the default 商丘市) the county division of labour and the 招商引资产业目录 across every shipped chain
(``portfolio.xlsx``, ``county_matrix.png``, ``portfolio.html``, ``catalogue.html``). The data are
synthetic and every output says so.

The population covers every shipped chain; the demo city is drawn ``FOCUS_BOOST`` times denser than its
size and its counties specialise in chains of their own (``synth.SynthConfig.county_spec``), so the
division of labour has something to divide.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from chain_gap import codes, gaps, io, link, load, report, synth, targets
from chain_gap.chains import list_chains

#: How much denser than its size the demo city is drawn, its chain share and its counties' specialisation.
FOCUS_BOOST = 25.0
CHAIN_SHARE = 0.5
COUNTY_SPEC = 0.5


def run(
    out: str | Path,
    *,
    n: int = 20_000,
    seed: int = 0,
    region: str = synth.DEFAULT_REGION,
    chain: str = "nev",
    lang: str = "zh",
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the demo pipeline and write its outputs into ``out``.

    Parameters
    ----------
    out : str or pathlib.Path
        Output folder, created when missing.
    n : int
        Number of synthetic enterprises to generate.
    seed : int
        Seed of the generator, so a run is reproducible.
    region : str
        GB/T 2260 code or name of the region analysed.
    chain : str
        Chain id.
    lang : str
        Language of the outputs' text, ``"zh"`` or ``"en"``.
    progress : callable, optional
        Called with one line of progress text per step; default silent.

    Returns
    -------
    dict
        Paths of the outputs (gaps, targets, map, report, bundle) and headline numbers.
    """
    say = progress or (lambda msg: None)

    def t(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    out = Path(out)
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    reg = codes.resolve_region(region)
    say(t(f"生成 {n:,} 家合成企业（随机种子 {seed}）…", f"generating {n:,} synthetic enterprises (seed {seed}) …"))
    from chain_gap.chains import load_chain

    main = load_chain(chain).id
    all_chains = tuple(dict.fromkeys([main, *list_chains()["id"]]))
    ents, supply = synth.generate(
        n=n,
        seed=seed,
        chains=all_chains,
        focus_boost=FOCUS_BOOST,
        chain_share=CHAIN_SHARE,
        county_spec=COUNTY_SPEC,
    )
    ent_csv = data / "synthetic_enterprises.csv"
    sup_csv = data / "synthetic_supply.csv"
    ents.drop(columns=["true_link"]).to_csv(ent_csv, index=False, encoding="utf-8")
    supply.to_csv(sup_csv, index=False, encoding="utf-8")
    say(t("按企业名单与供货关系映射读入 …", "loading through the enterprises and supply mappings …"))
    res = load.load([ent_csv], "enterprises")
    G = res.graph
    load.load([sup_csv], "supply", G)
    G.graph["vintage"] = f"synthetic demo data, seed {seed}"
    G.graph["synthetic"] = True
    load.write_rejects(res, out / "rejects.csv")
    load.write_load_report(res, out / "load_report.json")
    say(t("企业挂链 …", "linking enterprises to the chain (挂链) …"))
    link.attach(G, list(all_chains))
    bundle = io.save(G, out / "bundle")
    say(t(f"{reg.name}：链条诊断与招商目标 …", f"gap analysis and targets for {reg.name} …"))
    gt = gaps.table(G, chain, reg.code)
    tg = targets.rank(G, chain, reg.code, top=100, gap_table=gt)
    paths = report.write_outputs(G, chain, reg.code, out, gaps_table=gt, targets_table=tg, lang=lang)
    if reg.level != "county":  # and the map one level down: the region's own counties (or a province's cities)
        from chain_gap.report_atlas import write_atlas

        finer = "city" if reg.level == "province" else "county"
        paths["atlas_inner"] = write_atlas(
            G, chain, reg.code, out / f"atlas_{finer}.html", level=finer, metric="lq", lang=lang
        )
    s = gaps.summary(G, chain, reg.code, gaps=gt)
    return {
        **paths,
        "bundle": bundle,
        "region": f"{reg.code} {reg.name}",
        "enterprises": n,
        "completeness": s["c"],
        "verdicts": s["verdicts"],
        "n_targets": len(tg),
        "headline": report.headline(G, chain, gt, tg, lang),
    }
