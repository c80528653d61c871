"""The built-in demo: synthetic national data through the whole pipeline.

generate (``chain_gap.synth``) → CSV files → the real loaders (``enterprises`` and ``supply``
mappings) → 挂链 → bundle, and for a city (the default 商丘市) the county division of labour and the
招商引资产业目录 across every shipped chain (``portfolio.xlsx``, ``county_matrix.png``, ``portfolio.html``,
``catalogue.html``). A second, later vintage of the same population (:func:`chain_gap.synth.next_vintage`)
goes through the same steps into ``bundle-next`` and is compared with the first (:func:`chain_gap.changes`:
``changes.xlsx``); the gap table, target list, chain map and report of one region read that latest
vintage and show the comparison (与上次相比).
Each CSV carries its export date in a title row, which the loader records as the bundle's
vintage. The data are synthetic and every output says so.

The population covers every shipped chain; the demo city is drawn ``FOCUS_BOOST`` times denser than its
size and its counties specialise in chains of their own (``synth.SynthConfig.county_spec``), so the
division of labour has something to divide.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chain_gap import codes, frames, gaps, io, link, load, report, synth, targets, vintages
from chain_gap.chains import list_chains, load_chain
from chain_gap.render.changes import write_changes

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
    contacts: bool = True,
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
    contacts : bool
        The synthetic contacts on the lead list, the local-firm sheet and the map; False leaves
        them out of every output (the bundle keeps them).

    Returns
    -------
    dict
        Paths of the outputs (gaps, targets, map, report, bundle, bundle_next, changes) and headline
        numbers (``changes_headline`` / ``changes_counts``: the comparison of the two vintages).
    """
    say = progress or (lambda msg: None)

    def t(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    out = Path(out)
    reg = codes.resolve_region(region)  # a bad region or chain fails before anything is generated or written
    main = load_chain(chain).id
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    say(t(f"生成 {n:,} 家合成企业（随机种子 {seed}）…", f"generating {n:,} synthetic enterprises (seed {seed}) …"))
    all_chains = tuple(dict.fromkeys([main, *list_chains()["id"]]))
    ents, supply = synth.generate(
        n=n,
        seed=seed,
        chains=all_chains,
        focus=reg.code[:4] + "00",  # the region asked for (its city) is drawn denser, as 商丘市 is by default
        focus_boost=FOCUS_BOOST,
        chain_share=CHAIN_SHARE,
        county_spec=COUNTY_SPEC,
    )
    say(t("按企业名单与供货关系映射读入并挂链 …", "loading through the enterprises and supply mappings, linking …"))
    G, res = _vintage_bundle(ents, supply, data, "", synth.VINTAGES[0], all_chains, seed, lang)
    load.write_rejects(res, out / "rejects.csv")
    load.write_load_report(res, out / "load_report.json")
    bundle = io.save(G, out / "bundle", vintage=_entry(data, "", res))
    say(
        t(
            "第二期合成数据（企业进出、环节补上与缺失）…",
            "a later synthetic vintage (firms enter and leave, links heal and go missing) …",
        )
    )
    mem = frames.members(G, chain, active_only=True)[["uscc", "link"]].dropna()
    ents2, supply2, _ = synth.next_vintage(ents, supply, seed=seed, focus=reg.code[:4] + "00", chain=chain, linked=mem)
    G2, res2 = _vintage_bundle(ents2, supply2, data, "_next", synth.VINTAGES[1], all_chains, seed, lang)
    bundle_next = io.save(G2, out / "bundle-next", vintage=_entry(data, "_next", res2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", vintages.ChangesWarning)
        ch = vintages.changes(bundle, bundle_next, chain, reg.code)
    changes_xlsx = write_changes(out / "changes.xlsx", ch, lang)
    G = io.load(bundle_next)  # the outputs read the latest vintage, 与上次相比 the first (as report --previous)
    say(t(f"{reg.name}：链条诊断与招商目标 …", f"gap analysis and targets for {reg.name} …"))
    gt = gaps.table(G, chain, reg.code)
    tg = targets.rank(G, chain, reg.code, top=100, gap_table=gt)
    paths = report.write_outputs(
        G, chain, reg.code, out, gaps_table=gt, targets_table=tg, lang=lang, contacts=contacts, changes=ch
    )
    if reg.level != "county":  # and the map one level down: the region's own counties (or a province's cities)
        from chain_gap.report_atlas import write_atlas

        finer = "city" if reg.level == "province" else "county"
        paths["atlas_inner"] = write_atlas(
            G, chain, reg.code, out / f"atlas_{finer}.html", level=finer, metric="lq", lang=lang
        )
    s = gaps.summary(G, chain, reg.code, gaps=gt)
    c = ch.summary
    return {
        **paths,
        "bundle": bundle,
        "bundle_next": bundle_next,
        "changes": changes_xlsx,
        "changes_headline": "\n".join(vintages.headline(ch, lang)),
        "changes_counts": {
            k: c[k] for k in ("healed", "newly_missing", "persistent", "verdict_changes", "entered", "left", "settled")
        },
        "region": f"{reg.code} {reg.name}",
        "enterprises": n,
        "completeness": s["c"],
        "verdicts": s["verdicts"],
        "n_targets": len(tg),
        "headline": report.headline(G, chain, gt, tg, lang),
    }


def _vintage_bundle(
    ents: Any, supply: Any, data: Path, suffix: str, exported: str, chains: tuple[str, ...], seed: int, lang: str = "zh"
) -> tuple[Any, Any]:
    """One synthetic vintage through the real loaders: CSVs with an export-date title row → linked graph."""
    ent_csv = data / f"synthetic_enterprises{suffix}.csv"
    sup_csv = data / f"synthetic_supply{suffix}.csv"
    title = f"合成演示数据（非真实企业） 导出时间：{exported}\n"
    with open(ent_csv, "w", encoding="utf-8", newline="") as fh:
        fh.write(title)
        ents.drop(columns=["true_link"]).to_csv(fh, index=False)
    supply.to_csv(sup_csv, index=False, encoding="utf-8")
    res = load.load([ent_csv], "enterprises")
    G = res.graph
    load.load([sup_csv], "supply", G)
    # shown beside the data date on every output: in the outputs' language
    G.graph["vintage"] = f"合成演示数据，随机种子 {seed}" if lang == "zh" else f"synthetic demo data, seed {seed}"
    G.graph["synthetic"] = True
    link.attach(G, list(chains))
    return G, res


def _entry(data: Path, suffix: str, res: Any) -> dict[str, Any]:
    """The manifest's load entry of a demo vintage, with the export date the CSV states."""
    dv = res.report.get("vintage") or {}
    return io.vintage(
        [data / f"synthetic_enterprises{suffix}.csv", data / f"synthetic_supply{suffix}.csv"],
        source="enterprises+supply",
        rows=res.report["totals"],
        data_vintage=dv.get("date"),
        vintage_from=dv.get("from"),
    )
