"""The coverage banner ("全国仅 N 家企业可挂链…") in every staff output, Chinese first and English under
``lang="en"``; nothing new when every link has firms nationally. The graphs are hand-made
(tests/factories.py): the toy chain's vehicle link has firms nationally or none at all."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from factories import REGION, toy_chain, verdict_graph

from chain_gap import gaps, reasons, report
from chain_gap.render import panorama as pano
from chain_gap.render.text import banner, banner_pair

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _no_vehicle_graph():
    """verdict_graph with every vehicle firm unlinked, nationally: the vehicle link has no data."""
    G = verdict_graph()
    G.remove_edges_from([(u, v, k) for u, v, k in G.edges(keys=True) if v == "link:toy/vehicle"])
    return G


def _squash(s: str) -> str:
    """``s`` without whitespace: a wrapped line (PDF, panorama) breaks at a space or between characters."""
    return re.sub(r"\s+", "", s)


# ---------------------------------------------------------------- the sentences


def test_both_sentences_come_from_the_same_numbers():
    zh, en = reasons.coverage_banner(
        level="city",
        level_ok=True,
        level_coverage=0.9,
        national_firms=198,
        no_data_links=9,
        inferred_share=0.25,
        inactive=320,
    )
    assert zh.startswith("全国仅198家企业可挂链，9个环节全国无企业挂链（无数据，不作诊断）")
    assert "市级定位中25%为推断" in zh and "已剔除320家" in zh
    assert en.startswith("Only 198 firms nationally are linked to this chain; 9 links have no linked firm anywhere")
    assert "25% of the city-level locations are inferred" in en and "320 delisted" in en
    assert not CJK.search(en), en  # an English sentence, not a translated-by-replacement Chinese one
    low_zh, low_en = reasons.coverage_banner(
        level="county",
        level_ok=False,
        level_coverage=0.23,
        national_firms=198,
        no_data_links=0,
        inferred_share=0.0,
        inactive=0,
    )
    assert low_zh.startswith("数据中仅23%的企业定位到县区级") and "全国仅" not in low_zh
    assert low_en.startswith("Only 23% of the firms in the data are located to county level") and not CJK.search(low_en)
    empty = reasons.coverage_banner(
        level="province",
        level_ok=True,
        level_coverage=1.0,
        national_firms=500,
        no_data_links=0,
        inferred_share=0.0,
        inactive=0,
    )
    assert empty == ("", "")


def test_the_gap_table_and_the_targets_carry_both_languages():
    G = _no_vehicle_graph()
    t = gaps.table(G, toy_chain(), REGION)
    zh, en = banner_pair(t)
    n = t.attrs["national_firms"]
    assert zh == f"全国仅{n}家企业可挂链，1个环节全国无企业挂链（无数据，不作诊断）"
    assert (
        en
        == f"Only {n} firms nationally are linked to this chain; 1 link has no linked firm anywhere (no data, not diagnosed)"
    )
    assert banner(t, "zh") == zh and banner(t, "en") == en
    from chain_gap import targets

    assert banner_pair(targets.rank(G, toy_chain(), REGION, top=20)) == (zh, en)
    assert banner_pair(gaps.table(verdict_graph(), toy_chain(), REGION)) == ("", "")


# ---------------------------------------------------------------- every output


def _write(G, out, lang):
    t = gaps.table(G, toy_chain(), REGION)
    paths = report.write_outputs(G, toy_chain(), REGION, out, lang=lang, gaps_table=t)
    return paths, banner(t, lang)


@pytest.fixture(scope="module", params=["zh", "en"])
def no_data(request, tmp_path_factory):
    paths, text = _write(_no_vehicle_graph(), tmp_path_factory.mktemp(f"nd-{request.param}"), request.param)
    assert text  # the graph has a link no firm is linked to: there is a banner to show
    return request.param, paths, text


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    paths, text = _write(verdict_graph(), tmp_path_factory.mktemp("full"), "zh")
    assert text == ""
    return paths


def _div(page: str, attr: str) -> str | None:
    m = re.search(rf"<div [^>]*{attr}[^>]*>(.*?)</div>", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))) if m else None


def _cells(path, sheet_index: int) -> dict[str, str]:
    ws = openpyxl.load_workbook(path).worksheets[sheet_index]
    return {str(r[0]): str(r[1]) for r in ws.iter_rows(values_only=True) if r and r[0] is not None and len(r) > 1}


def _notes(path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[-1]  # 数据说明 / Notes is the last sheet
    assert ws.title in ("数据说明", "Notes")
    return {str(r[0]): str(r[1]) for r in ws.iter_rows(values_only=True) if r and r[0] is not None}


def test_map_header_shows_the_banner(no_data, full):
    lang, paths, text = no_data
    got = _div(paths["map"].read_text(encoding="utf-8"), 'id="cg-coverage"')
    assert got is not None and text in got
    assert got.startswith("ⓘ 数据覆盖：" if lang == "zh" else "ⓘ Data coverage: ")
    assert 'id="cg-coverage"' not in full["map"].read_text(encoding="utf-8")


def test_report_html_shows_the_banner_under_the_headline(no_data, full):
    _lang, paths, text = no_data
    page = paths["report"].read_text(encoding="utf-8")
    got = _div(page, 'id="coverage"')
    assert got is not None and text in got
    assert page.index('id="coverage"') < page.index('id="summary"')  # above the key numbers
    assert 'id="coverage"' not in full["report"].read_text(encoding="utf-8")


def test_atlas_shows_the_banner(no_data, full):
    _lang, paths, text = no_data
    got = _div(paths["atlas"].read_text(encoding="utf-8"), 'id="coverage"')
    assert got is not None and text in got
    assert 'id="coverage"' not in full["atlas"].read_text(encoding="utf-8")


def test_workbooks_show_the_banner(no_data, full):
    lang, paths, text = no_data
    overview = _cells(paths["pack"], 0)
    assert overview["数据覆盖" if lang == "zh" else "Data coverage"] == text
    for key in ("pack", "gaps", "targets"):
        assert _notes(paths[key])["数据覆盖 / coverage"] == text, key
    assert "数据覆盖" not in _cells(full["pack"], 0)
    for key in ("pack", "gaps", "targets"):
        assert "数据覆盖 / coverage" not in _notes(full[key]), key


def test_briefing_pdf_shows_the_whole_banner(no_data, full):
    pdfium = pytest.importorskip("pypdfium2")
    lang, paths, text = no_data

    def pdf_text(p):
        doc = pdfium.PdfDocument(str(p))
        assert len(doc) == 1  # the banner's lines do not push the briefing onto a second page
        return doc[0].get_textpage().get_text_range()

    got = _squash(pdf_text(paths["briefing"]))
    assert _squash(("数据覆盖：" if lang == "zh" else "Data coverage: ") + text) in got  # wrapped, never cut
    assert "数据覆盖" not in pdf_text(full["briefing"])


def test_panorama_subtitle_shows_the_banner(no_data, full):
    lang, paths, text = no_data
    t = gaps.table(_no_vehicle_graph(), toy_chain(), REGION)
    fig = pano.panorama(t, lang=lang)
    lines = [s for ax in fig.axes for s in (x.get_text() for x in ax.texts)]
    label = "数据覆盖：" if lang == "zh" else "Data coverage: "
    first = next(i for i, s in enumerate(lines) if s.startswith(label))
    assert _squash("".join(lines[first : first + 4])).startswith(_squash(label + text))
    # the SVG written with the other outputs draws the same number of text groups as the figure has texts
    root = ET.parse(paths["panorama_svg"]).getroot()
    groups = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if (g.get("id") or "").startswith("text_")]
    assert len(groups) == len(lines)
    plain = pano.panorama(gaps.table(verdict_graph(), toy_chain(), REGION), lang=lang)
    assert not any(x.get_text().startswith(label) for ax in plain.axes for x in ax.texts)


def test_a_hostile_banner_is_text_in_every_html_page(tmp_path):
    """The banner goes through the pages' escaping like every other value."""
    G = _no_vehicle_graph()
    t = gaps.table(G, toy_chain(), REGION)
    t.attrs["coverage_banner"] = '<img src=x onerror="alert(1)">全国仅'
    paths = report.write_outputs(G, toy_chain(), REGION, tmp_path, gaps_table=t)
    for key in ("map", "report", "atlas"):
        page = paths[key].read_text(encoding="utf-8")
        assert "<img src=x" not in page, key
        assert "&lt;img src=x" in page, key


# ---------------------------------------------------------------- the division of labour


def test_portfolio_banner_has_an_english_twin_shown_under_en(tmp_path):
    import networkx as nx
    from factories import add_firm

    from chain_gap import portfolio
    from chain_gap.chains import add_to_graph
    from chain_gap.report_portfolio import write_portfolio

    G = nx.MultiDiGraph()
    add_to_graph(G, toy_chain())
    for i in range(40):  # firms located to provinces only: no county can be judged
        add_firm(G, f"Q{i}", ["410000", "420000", "440000"][i % 3], link="cell" if i % 4 == 0 else None)
    pf = portfolio.portfolio(G, "商丘市", chains=[toy_chain(), "food"])  # food: never linked
    zh, en = banner_pair(pf, "banner")
    assert "无法在该级别判断分工" in zh and "尚未挂链" in zh
    assert en.startswith("Only 0% of the firms in the data are located to county level (below 50%)")
    assert "these chains are not linked yet" in en and not CJK.search(en), en
    for lang, text in (("zh", zh), ("en", en)):
        paths = write_portfolio(G, "商丘市", tmp_path / lang, chains=[toy_chain().path, "food"], lang=lang)
        for key in ("portfolio_page", "catalogue_page"):
            got = _div(paths[key].read_text(encoding="utf-8"), 'id="no-data"')
            assert got == text, (lang, key)
