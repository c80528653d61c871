"""挂链: evidence grading, role typing, exclusions, primary links and overrides surviving re-linking."""

from __future__ import annotations

import networkx as nx
import pytest
from factories import TOY, toy_chain

from chain_gap import io, link
from chain_gap.schema import add_node, link_id

TOY_TEXT = TOY.read_text(encoding="utf-8")


def _graph(firms: dict[str, dict]) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for key, props in firms.items():
        add_node(G, "Enterprise", key, **{"name": f"测试{key}有限公司", **props})
    return G


def _edge(G, key, leaf):
    u, v = f"ent:{key}", link_id("toy", leaf)
    return G.edges[u, v, "LINKED_TO"] if G.has_edge(u, v, "LINKED_TO") else None


def test_producer_seller_and_user_roles():
    G = _graph(
        {
            "P": {"scope": "锂离子电池、电芯的研发、生产、销售", "industry_code": "3841"},
            "S": {"scope": "锂离子电池、电芯销售；五金交电批发", "industry_code": "5175"},
            "U": {"scope": "电池包维修、保养；电池模组检测"},
        }
    )
    link.attach(G, [toy_chain()])
    p = _edge(G, "P", "cell")
    assert p["role"] == "producer" and p["decision"] == "confirmed"
    assert "经营范围" in p["evidence"] and "行业代码:3841" in p["evidence"]
    # the evidence staff read names the roles in Chinese, never the internal ids
    assert "（生产" in p["evidence"] and "producer" not in p["evidence"]
    assert _edge(G, "S", "cell")["role"] == "seller"
    assert "（销售）" in _edge(G, "S", "cell")["evidence"]
    assert _edge(G, "U", "pack")["role"] == "user"


def test_evidence_grading_and_thresholds():
    G = _graph(
        {
            "code_only": {"industry_code": "0919"},  # strong-ish alone: uncertain
            "one_kw": {"scope": "驱动电机"},  # one medium clue: uncertain
            "two_kw": {"scope": "电池包、电池模组的生产"},  # scope alone is one clue: uncertain
            "kw_code": {"scope": "电池包、电池模组的生产", "industry_code": "3841"},  # scope + code: confirmed
            "product": {"products": ["永磁同步电机"]},  # product: confirmed
            "name_only": {"name": "河南锂辉石科技有限公司"},  # weak only: not linked
        }
    )
    link.attach(G, [toy_chain()])
    assert _edge(G, "code_only", "ore")["decision"] == "uncertain"
    assert _edge(G, "one_kw", "motor")["decision"] == "uncertain"
    e = _edge(G, "two_kw", "pack")
    assert e["decision"] == "uncertain" and e["confidence"] == pytest.approx(0.4, abs=1e-3)
    # the shared code 3841 counts in full once the scope names the pack: 1 - 0.6 * 0.5
    e = _edge(G, "kw_code", "pack")
    assert e["decision"] == "confirmed" and e["confidence"] == pytest.approx(0.7, abs=1e-3)
    assert _edge(G, "kw_code", "cell") is None
    assert _edge(G, "product", "motor")["decision"] == "confirmed"
    assert _edge(G, "product", "motor")["method"].startswith("product")
    assert _edge(G, "name_only", "ore") is None


def test_shared_industry_code_is_split_between_leaves():
    G = _graph({"X": {"industry_code": "3841"}, "Y": {"industry_code": "3841", "scope": "电芯的生产"}})
    link.attach(G, [toy_chain()])
    # 3841 is the code of both cell and pack: alone it gives 0.5 / 2 = 0.25 < 0.30, not linked
    assert _edge(G, "X", "cell") is None and _edge(G, "X", "pack") is None
    # a scope keyword of cell says which leaf the code stands for: 1 - (1 - 0.5)(1 - 0.4) = 0.7, cell only
    assert _edge(G, "Y", "cell")["confidence"] == pytest.approx(0.7)
    assert _edge(G, "Y", "cell")["decision"] == "confirmed" and _edge(G, "Y", "pack") is None


def test_exclusion_vetoes():
    G = _graph(
        {
            "moto": {"scope": "驱动电机、摩托车的生产", "industry_code": "3811"},
            "powerbank": {"scope": "锂离子电池、充电宝的生产", "industry_code": "3841"},
        }
    )
    link.attach(G, [toy_chain()])
    assert _edge(G, "moto", "motor")["decision"] == "rejected"
    assert "排除词:摩托车" in _edge(G, "moto", "motor")["evidence"]
    assert _edge(G, "powerbank", "cell")["decision"] == "rejected"


def test_one_primary_link_per_firm_and_chain():
    G = _graph(
        {"M": {"scope": "电芯、锂离子电池、电池包、电池模组的生产", "products": ["动力电芯"], "industry_code": "3841"}}
    )
    link.attach(G, [toy_chain()])
    edges = [d for _, _, k, d in G.out_edges("ent:M", keys=True, data=True) if k == "LINKED_TO"]
    assert len([d for d in edges if d["decision"] == "confirmed"]) == 2
    assert sum(d["primary"] for d in edges) == 1
    assert _edge(G, "M", "cell")["primary"]  # the product makes cell the stronger link


def test_relinking_is_idempotent_and_overrides_survive_reload(tmp_path):
    G = _graph({"A": {"scope": "驱动电机"}, "B": {"scope": "电池包、电池模组的生产"}})
    link.attach(G, [toy_chain()])
    G.graph["overrides"] = [
        {"ent_id": "ent:A", "link": "toy/motor", "decision": "confirm", "note": "现场核实"},
        {"ent_id": "ent:B", "link": "toy/pack", "decision": "reject"},
    ]
    link.attach(G, [toy_chain()])
    first = sorted((u, v, tuple(sorted(d.items()))) for u, v, k, d in G.edges(keys=True, data=True) if k == "LINKED_TO")
    io.save(G, tmp_path / "b")
    G2 = io.load(tmp_path / "b")
    link.attach(G2, [toy_chain()])
    second = sorted(
        (u, v, tuple(sorted(d.items()))) for u, v, k, d in G2.edges(keys=True, data=True) if k == "LINKED_TO"
    )
    assert first == second
    assert _edge(G2, "A", "motor")["decision"] == "confirmed" and _edge(G2, "A", "motor")["method"] == "override"
    assert "现场核实" in _edge(G2, "A", "motor")["evidence"]
    assert _edge(G2, "B", "pack")["decision"] == "rejected"


def test_review_queue_lists_uncertain_with_evidence():
    G = _graph({"A": {"scope": "驱动电机"}, "B": {"scope": "电池包、电池模组的生产", "industry_code": "3841"}})
    link.attach(G, [toy_chain()])
    q = link.review_queue(G)
    assert list(q["ent_id"]) == ["ent:A"]
    assert q.loc[0, "link"] == "motor" and "驱动电机" in q.loc[0, "evidence"]


def test_exclusion_vetoes_only_its_own_clause():
    G = _graph(
        {
            "A": {"scope": "电芯、锂离子电池的生产；充电宝零售", "industry_code": "3841"},
            "B": {"scope": "电芯、锂离子电池、充电宝的生产", "industry_code": "3841"},
            "C": {"scope": "充电宝的生产", "industry_code": "3841"},
        }
    )
    link.attach(G, [toy_chain()])
    a = _edge(G, "A", "cell")
    assert a["decision"] == "confirmed" and "排除词:充电宝" in a["evidence"]
    assert _edge(G, "B", "cell")["decision"] == "rejected"
    assert _edge(G, "C", "cell") is None and _edge(G, "C", "pack") is None  # the code alone is vetoed too


def test_minor_products_count_as_scope_not_product():
    from chain_gap.schema import add_edge

    G = _graph({"MAIN": {}, "MINOR": {}})
    add_node(G, "Product", "动力电芯", name="动力电芯")
    add_edge(G, "ent:MAIN", "product:动力电芯", "MAKES", share=0.45)
    add_edge(G, "ent:MINOR", "product:动力电芯", "MAKES", share=0.001)  # a scope phrase in A-share data
    link.attach(G, [toy_chain()])
    assert _edge(G, "MAIN", "cell")["decision"] == "confirmed"
    assert _edge(G, "MAIN", "cell")["method"].startswith("product")
    minor = _edge(G, "MINOR", "cell")
    assert minor["decision"] == "uncertain" and minor["method"] == "scope"


def test_service_link_counts_the_firms_doing_the_service(tmp_path):
    chain = tmp_path / "svc.yaml"
    chain.write_text(
        TOY_TEXT.replace("id: toy", "id: svc", 1).replace(
            '        industry_codes: ["4417"]', '        industry_codes: ["4417"]\n        performer: user'
        ),
        encoding="utf-8",
    )
    G = _graph({"OP": {"scope": "充电桩租赁、运营；充电桩技术开发"}, "MAKER": {"scope": "充电桩的生产、制造"}})
    link.attach(G, [str(chain)])
    op = G.edges["ent:OP", "link:svc/charging", "LINKED_TO"]
    maker = G.edges["ent:MAKER", "link:svc/charging", "LINKED_TO"]
    assert (op["role"], op["performs"]) == ("user", True)
    assert (maker["role"], maker["performs"]) == ("producer", False)
