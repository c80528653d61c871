"""The classes of wrong edge found by the chain audit of the ten untuned templates (benchmarks/truth/audit_chains.py)
stay fixed in the shipped templates and crosswalk: a term inside a longer unrelated name (CT in ICT), generic words that
need a second clue (dosage forms, 中药材, 蛋白粉, 复合材料, 离合器, 原酒), counter-industries (veterinary vaccines,
medical gloves, car and appliance pumps) and machine lines on material and application links."""

from __future__ import annotations

import networkx as nx
from factories import listed_firm

from chain_gap import link
from chain_gap.schema import link_id


def _decision(G: nx.MultiDiGraph, key: str, chain: str, leaf: str) -> str | None:
    u, v = f"ent:{key}", link_id(chain, leaf)
    return G.edges[u, v, "LINKED_TO"]["decision"] if G.has_edge(u, v, "LINKED_TO") else None


def test_biomedicine_terms_need_their_market():
    G = nx.MultiDiGraph()
    listed_firm(G, "ICT", {"ICT与服务解决方案": 0.45})  # IT services, not CT scanners
    listed_firm(G, "CTM", {"CT机": 0.30, "彩色超声诊断仪": 0.20})
    listed_firm(G, "TCM", {"片剂": 0.40, "胶囊剂": 0.30}, ("370201", "中药Ⅲ"))  # Chinese-medicine tablets
    listed_firm(G, "CHEM", {"片剂": 0.40}, ("370102", "化学制剂"))
    listed_firm(G, "TCMINJ", {"中药冻干粉针剂": 0.80})
    listed_firm(G, "VET", {"口蹄疫疫苗": 0.9, "禽用疫苗": 0.1}, ("110801", "动物保健Ⅲ"))
    listed_firm(G, "VAX", {"疫苗": 0.9})
    listed_firm(G, "HERBT", {"中药材": 0.10, "药品批发": 0.80})  # a distributor's herb trade
    listed_firm(G, "HERBG", {"中药材": 0.20, "中成药": 0.70}, ("370201", "中药Ⅲ"))
    link.attach(G, ["biomedicine"])
    assert _decision(G, "ICT", "biomedicine", "medical_imaging") is None
    assert _decision(G, "CTM", "biomedicine", "medical_imaging") == "confirmed"
    assert _decision(G, "TCM", "biomedicine", "generic_drugs") == "uncertain"
    assert _decision(G, "CHEM", "biomedicine", "generic_drugs") == "confirmed"
    assert _decision(G, "TCMINJ", "biomedicine", "generic_drugs") in (None, "rejected")
    assert _decision(G, "VET", "biomedicine", "vaccines") in (None, "rejected")
    assert _decision(G, "VAX", "biomedicine", "vaccines") == "confirmed"
    assert _decision(G, "HERBT", "biomedicine", "medicinal_herbs") == "uncertain"
    assert _decision(G, "HERBG", "biomedicine", "medicinal_herbs") == "confirmed"


def test_generic_words_and_counter_industries_of_other_chains():
    G = nx.MultiDiGraph()
    listed_firm(G, "RICE", {"稻谷": 0.6, "蛋白粉": 0.1})  # rice protein: a grain processor's by-product
    listed_firm(G, "SUPP", {"蛋白粉": 0.3}, ("340407", "保健品"))
    listed_firm(G, "CLAD", {"铝合金复合材料": 0.4})
    listed_firm(G, "FRP", {"玻璃钢": 0.3, "复合材料": 0.2})
    listed_firm(G, "GLOVE", {"健康防护手套": 0.9}, ("370503", "医疗耗材"))
    listed_firm(G, "KNIT", {"针织手套": 0.5})
    listed_firm(G, "WPUMP", {"水泵": 0.55}, ("280203", "底盘与发动机系统"))  # engine water pumps
    listed_firm(G, "PUMP", {"水泵": 0.80})
    listed_firm(G, "CLUTCH", {"离合器": 0.70})
    listed_firm(G, "HUANG", {"黄酒": 0.6, "原酒": 0.03})  # huangjiu base wine
    listed_firm(G, "BAIJIU", {"原酒": 0.10, "白酒": 0.90}, ("340501", "白酒Ⅲ"))
    listed_firm(G, "CFLINE", {"碳纤维成套装备": 0.3, "碳纤维生产线": 0.2})  # machines for making carbon fibre
    link.attach(G, ["life_health", "new_materials", "textile", "equipment", "food"])
    assert _decision(G, "RICE", "life_health", "health_foods") == "uncertain"
    assert _decision(G, "SUPP", "life_health", "health_foods") == "confirmed"
    assert _decision(G, "CLAD", "new_materials", "resin_composites") in (None, "rejected")
    assert _decision(G, "FRP", "new_materials", "resin_composites") == "confirmed"
    assert _decision(G, "GLOVE", "textile", "apparel_accessories") in (None, "rejected")
    assert _decision(G, "KNIT", "textile", "apparel_accessories") == "confirmed"
    assert _decision(G, "WPUMP", "equipment", "pumps") in (None, "rejected")
    assert _decision(G, "PUMP", "equipment", "pumps") == "confirmed"
    assert _decision(G, "CLUTCH", "equipment", "gears_reducers") == "uncertain"
    assert _decision(G, "HUANG", "food", "baijiu") == "uncertain"
    assert _decision(G, "BAIJIU", "food", "baijiu") == "confirmed"
    assert _decision(G, "CFLINE", "new_materials", "carbon_fiber") in (None, "rejected")
