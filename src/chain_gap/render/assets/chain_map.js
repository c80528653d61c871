// chain-gap chain map: tooltips, side panel, stage bands and fit, built from the #cg-data block.
// Every data-dependent string is set with textContent, never innerHTML. Expects the globals
// `nodes` (vis.DataSet) and `network` (vis.Network) created just before this script runs.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("cg-data").textContent);
  var T = DATA.text;
  var byId = {};
  DATA.nodes.forEach(function (d) { byId[d.id] = d; });
  var panel = document.getElementById("cg-panel");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function fill(tpl, vals) {
    var s = tpl;
    Object.keys(vals).forEach(function (k) { s = s.split("{" + k + "}").join(String(vals[k])); });
    return s;
  }
  function badge(d) {
    var wrap = el("div");
    var v = el("span", "cg-badge", DATA.verdict_labels[d.verdict]);
    v.style.background = DATA.colors[d.verdict];
    wrap.appendChild(v);
    wrap.appendChild(el("span", "cg-badge cg-action", T.action + "：" + DATA.action_labels[d.action]));
    if (d.change) {
      var c = el("span", "cg-badge cg-change", d.change);
      c.title = T.change_fact; c.setAttribute("data-status", changeStatus(d.id));
      wrap.appendChild(c);
    }
    return wrap;
  }
  function changeStatus(id) {
    var hit = DATA.changes ? DATA.changes.links.filter(function (x) { return x.id === id; })[0] : null;
    return hit ? hit.status : "";
  }
  function tooltip(d) {
    var box = el("div", "cg-tip");
    box.appendChild(el("div", "cg-tip-title", d.name));
    box.appendChild(badge(d));
    var rows = d.facts.slice();
    if (d.top_firms.length) { rows.push([T.top_firms, d.top_firms.join(DATA.sep)]); }
    var tb = el("table", "cg-tip-table");
    rows.forEach(function (f) {
      var tr = el("tr");
      tr.appendChild(el("td", null, f[0]));
      tr.appendChild(el("td", null, f[1]));
      tb.appendChild(tr);
    });
    box.appendChild(tb);
    box.appendChild(el("div", "cg-tip-hint", T.click_hint));
    return box;
  }
  nodes.update(DATA.nodes.map(function (d) { return { id: d.id, title: tooltip(d) }; }));

  function table(headers, rows, numCols) {
    var t = el("table", "cg-list");
    var tr = el("tr");
    headers.forEach(function (h) { tr.appendChild(el("th", null, h)); });
    var thead = el("thead"); thead.appendChild(tr); t.appendChild(thead);
    var tb = el("tbody");
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c, i) {
        var td = el("td", numCols.indexOf(i) >= 0 ? "cg-num" : null);
        if (c instanceof Node) { td.appendChild(c); } else { td.textContent = String(c); }
        row.appendChild(td);
      });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    return t;
  }
  // ---- 企业画像: the firm card, over the map -------------------------------------------------
  var card = document.getElementById("cg-card");
  function firmName(id, name, link) {
    var b = el("button", "cg-firm", name);
    b.type = "button";
    b.setAttribute("data-firm", id);
    b.title = T.card_hint;
    b.addEventListener("click", function () { openCard(id, link); });
    return b;
  }
  function closeCard() { card.hidden = true; while (card.firstChild) { card.removeChild(card.firstChild); } }
  function row(tb, k, v) {
    var tr = el("tr"); tr.appendChild(el("td", null, k));
    var td = el("td"); if (v instanceof Node) { td.appendChild(v); } else { td.textContent = String(v); }
    tr.appendChild(td); tb.appendChild(tr);
  }
  function openCard(id, link) {
    var c = DATA.cards[id];
    closeCard();
    card.hidden = false;
    card.setAttribute("data-firm", id);
    var x = el("button", "cg-close", "×"); x.type = "button"; x.title = T.card_close; x.setAttribute("aria-label", T.card_close);
    x.addEventListener("click", closeCard);
    card.appendChild(x);
    card.appendChild(el("div", "cg-card-kind", T.card_title));
    if (!c) {
      card.appendChild(el("h2", "cg-card-name", (link && byId[link] && (byId[link].firms.concat(byId[link].targets || []))
        .filter(function (f) { return f.id === id; }).map(function (f) { return f.name; })[0]) || id));
      card.appendChild(el("div", "cg-empty", T.card_missing));
      return;
    }
    card.appendChild(el("h2", "cg-card-name", c.name));
    if (c.tags.length) {
      var tg = el("div", "cg-tags");
      c.tags.forEach(function (t) { tg.appendChild(el("span", "cg-tag", t)); });
      card.appendChild(tg);
    }
    var tb = el("table", "cg-facts");
    row(tb, T.card_uscc, c.uscc || "—");
    if (c.stock_code) { row(tb, T.card_stock, c.stock_code); }
    row(tb, T.card_capital, c.capital);
    row(tb, T.card_founded, c.founded);
    var st = el("span", c.inactive ? "cg-flag" : null, c.status); row(tb, T.card_status, st);
    card.appendChild(tb);
    card.appendChild(el("h3", null, T.card_contacts));
    if (!c.contacts.length) { card.appendChild(el("div", "cg-empty", T.card_no_contacts)); } else {
      var ct = el("table", "cg-facts"); ct.id = "cg-card-contacts";
      c.contacts.forEach(function (p) { row(ct, T["card_" + p[0]] || p[0], p[1]); });
      card.appendChild(ct);
    }
    if (c.products.length) {
      card.appendChild(el("h3", null, T.card_products));
      card.appendChild(el("div", "cg-products", c.products.map(function (p) {
        return p[1] ? p[0] + "（" + p[1] + "）" : p[0];
      }).join(DATA.sep)));
    }
    if (c.scope) { card.appendChild(el("h3", null, T.card_scope)); card.appendChild(el("div", "cg-scope", c.scope)); }
    var here = c.links.filter(function (l) { return l.link === link; })[0];
    var others = c.links.filter(function (l) { return l.link !== link; });
    if (here) {
      card.appendChild(el("h3", null, T.card_basis + " · " + here.name));
      var bt = el("div", "cg-basis"); bt.id = "cg-card-basis";
      bt.appendChild(el("div", null, here.evidence));
      bt.appendChild(el("div", "cg-sub", here.role + " · " + here.decision + " · " + T.card_confidence + " " + here.confidence));
      card.appendChild(bt);
    }
    card.appendChild(el("h3", null, T.card_other_links));
    if (!others.length) { card.appendChild(el("div", "cg-empty", T.card_no_other)); }
    var ol = el("div"); ol.id = "cg-card-links";
    others.forEach(function (l) {
      var b = el("button", "cg-link");
      b.type = "button";
      b.appendChild(el("span", "cg-name", l.name));
      b.appendChild(el("span", "cg-sub", l.role + " · " + l.decision + " · " + T.card_confidence + " " + l.confidence));
      b.title = l.evidence;
      if (byId[l.link]) { b.addEventListener("click", function () { closeCard(); select(l.link); }); } else { b.disabled = true; }
      ol.appendChild(b);
    });
    card.appendChild(ol);
  }
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { closeCard(); } });

  function clear() { while (panel.firstChild) { panel.removeChild(panel.firstChild); } panel.scrollTop = 0; }

  function showLink(id) {
    var d = byId[id];
    if (!d) { return; }
    clear();
    var back = el("button", "cg-back", T.back);
    back.addEventListener("click", function () { network.unselectAll(); refreshEdges(); showOverview(); });
    panel.appendChild(back);
    panel.appendChild(el("h2", "cg-title", d.name));
    panel.appendChild(el("div", "cg-sub", d.stage_label + " · " + d.group_name));
    var b = badge(d); b.style.margin = "8px 0 0 0"; panel.appendChild(b);
    panel.appendChild(el("h3", null, T.facts));
    var ft = el("table", "cg-facts");
    d.facts.forEach(function (f) {
      var tr = el("tr"); tr.appendChild(el("td", null, f[0])); tr.appendChild(el("td", null, f[1]));
      ft.appendChild(tr);
    });
    panel.appendChild(ft);
    if (d.reasons) {
      panel.appendChild(el("h3", null, T.reasons));
      panel.appendChild(el("div", "cg-reasons", d.reasons));
    }
    var sec = el("section"); sec.id = "cg-firms";
    sec.appendChild(el("h3", null, d.firms_heading));
    if (!DATA.has_firms) {
      sec.appendChild(el("div", "cg-empty", T.firms_not_given));
    } else if (!d.firms.length) {
      sec.appendChild(el("div", "cg-empty", T.no_local));
    } else {
      sec.appendChild(table([T.col_name, T.col_role, T.col_capital, T.col_revenue], d.firms.map(function (f) {
        var name = firmName(f.id, f.name, d.id);
        var cell = el("span");
        if (f.anchor) { cell.appendChild(el("span", "cg-anchor", "★ " + T.anchor)); }
        cell.appendChild(name);
        if (f.uncertain) { cell.appendChild(el("span", "cg-flag", T.uncertain)); }
        return [cell, f.role, f.capital, f.revenue];
      }), [2, 3]));
      if (d.firms_total > d.firms.length) {
        sec.appendChild(el("div", "cg-more", fill(T.more, { shown: d.firms.length, n: d.firms_total })));
      }
    }
    if (d.firms_excluded) { sec.appendChild(el("div", "cg-more", fill(T.excluded, { n: d.firms_excluded }))); }
    panel.appendChild(sec);
    var ts = el("section"); ts.id = "cg-targets";
    ts.appendChild(el("h3", null, T.targets + (d.targets ? "（" + d.targets_total + "）" : "")));
    if (d.targets === null) {
      ts.appendChild(el("div", "cg-empty", T.targets_not_given));
    } else if (!d.targets.length) {
      ts.appendChild(el("div", "cg-empty", T.no_targets));
    } else {
      ts.appendChild(table([T.col_rank, T.col_name, T.col_region, T.col_score], d.targets.map(function (x, i) {
        var cell = el("div"); cell.appendChild(firmName(x.id, x.name, d.id));
        if (x.reasons) { cell.appendChild(el("div", "cg-why", x.reasons)); }
        return [i + 1, cell, x.region, x.score];
      }), [0, 3]));
      if (d.targets_total > d.targets.length) {
        ts.appendChild(el("div", "cg-more", fill(T.more, { shown: d.targets.length, n: d.targets_total })));
      }
    }
    panel.appendChild(ts);
  }

  function showOverview() {
    clear();
    panel.appendChild(el("h2", null, T.overview_title));
    panel.appendChild(el("div", "cg-sub", T.howto));
    panel.appendChild(el("h3", null, T.priority_title));
    if (!DATA.priority.length) { panel.appendChild(el("div", "cg-empty", T.priority_none)); }
    DATA.priority.forEach(function (id) {
      var d = byId[id];
      var btn = el("button", "cg-link");
      var dot = el("i"); dot.style.background = DATA.colors[d.verdict]; btn.appendChild(dot);
      btn.appendChild(el("span", "cg-name", d.name));
      btn.appendChild(el("span", "cg-sub", DATA.verdict_labels[d.verdict] + " · " + DATA.action_labels[d.action]));
      btn.addEventListener("click", function () { select(id); });
      panel.appendChild(btn);
    });
    if (DATA.changes) { panel.appendChild(changesBlock(DATA.changes)); }
    panel.appendChild(el("h3", null, T.summary_title));
    var ft = el("table", "cg-facts");
    DATA.summary.forEach(function (s) {
      var tr = el("tr"); tr.appendChild(el("td", null, s[0])); tr.appendChild(el("td", null, s[1]));
      ft.appendChild(tr);
    });
    panel.appendChild(ft);
  }

  // 与上次相比: counts, the changed links (click to open) and the former targets now local
  function changesBlock(C) {
    var sec = el("section"); sec.id = "cg-changes";
    sec.appendChild(el("h3", null, C.title + " · " + C.vintages));
    var counts = el("div", "cg-counts");
    C.counts.forEach(function (c) {
      var b = el("span", "cg-count");
      b.setAttribute("data-key", c.key); b.setAttribute("data-label", c.label); b.setAttribute("data-count", c.count);
      b.appendChild(el("b", null, c.count)); b.appendChild(el("span", null, c.label));
      counts.appendChild(b);
    });
    sec.appendChild(counts);
    if (!C.links.length) { sec.appendChild(el("div", "cg-empty", T.changes_none)); }
    C.links.forEach(function (x) {
      var btn = el("button", "cg-link cg-changed");
      btn.type = "button"; btn.setAttribute("data-link", x.id); btn.setAttribute("data-status", x.status);
      var bd = el("span", "cg-badge cg-change", x.badge); bd.setAttribute("data-status", x.status);
      btn.appendChild(bd);
      btn.appendChild(el("span", "cg-name", x.name));
      btn.appendChild(el("span", "cg-sub", x.verdicts));
      if (byId[x.id]) { btn.addEventListener("click", function () { select(x.id, true); }); } else { btn.disabled = true; }
      sec.appendChild(btn);
    });
    if (C.more) { sec.appendChild(el("div", "cg-more", fill(T.changes_more, { n: C.more }))); }
    if (C.settled.length) {
      sec.appendChild(el("div", "cg-sub cg-settled-head", T.changes_settled));
      var ul = el("ul", "cg-settled");
      C.settled.forEach(function (f) {
        var li = el("li"); li.appendChild(el("span", "cg-name", f.name));
        if (f.links) { li.appendChild(el("span", "cg-sub", " · " + f.links)); }
        ul.appendChild(li);
      });
      sec.appendChild(ul);
    }
    C.notes.forEach(function (n) { sec.appendChild(el("div", "cg-more", n)); });
    return sec;
  }

  function select(id, focus) {
    network.selectNodes([id]);
    refreshEdges();
    var p = network.canvasToDOM(network.getPositions([id])[id]);
    var c = document.getElementById("mynetwork");
    if (focus || p.x < 0 || p.y < 0 || p.x > c.clientWidth || p.y > c.clientHeight) {
      network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
    }
    showLink(id);
  }

  network.on("beforeDrawing", function (ctx) {
    DATA.bands.forEach(function (b) {
      ctx.fillStyle = b.fill;
      ctx.fillRect(b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
      ctx.fillStyle = b.ink;
      ctx.fillRect(b.x0, b.y0, b.x1 - b.x0, 5);
      ctx.font = "bold 24px " + DATA.font;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(b.label, (b.x0 + b.x1) / 2, b.y0 + 38, b.x1 - b.x0 - 12);
    });
    DATA.headers.forEach(function (h) {
      ctx.fillStyle = "#3d4752";
      ctx.font = "bold 15px " + DATA.font;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(h.text, h.x, h.y, h.w);
      ctx.fillStyle = "#c9d1d9";
      ctx.fillRect(h.x - h.w / 2, h.y + 13, h.w, 1);
    });
  });
  network.on("click", function (p) {
    if (p.nodes.length) { showLink(p.nodes[0]); } else { showOverview(); }
  });

  // ---- supply arrows: only those of the hovered and the selected link ------------------------
  var hovered = null;
  var shownEdges = {};
  function refreshEdges() {
    var want = {};
    var ids = network.getSelectedNodes().slice();
    if (hovered !== null) { ids.push(hovered); }
    ids.forEach(function (n) { network.getConnectedEdges(n).forEach(function (e) { want[e] = true; }); });
    var upd = [];
    Object.keys(shownEdges).forEach(function (e) { if (!want[e]) { upd.push({ id: e, hidden: true }); } });
    Object.keys(want).forEach(function (e) { if (!shownEdges[e]) { upd.push({ id: e, hidden: false }); } });
    shownEdges = want;
    if (upd.length) { edges.update(upd); }
  }
  network.on("hoverNode", function (p) { hovered = p.node; refreshEdges(); });
  network.on("blurNode", function () { hovered = null; refreshEdges(); });
  // vis fires no blurNode when the pointer leaves the canvas straight from a node
  document.getElementById("mynetwork").addEventListener("mouseleave", function () { hovered = null; refreshEdges(); });
  network.on("selectNode", refreshEdges);
  network.on("deselectNode", refreshEdges);

  // 与上次相比: a dashed ring around every link that changed (healed green, newly missing red, else grey)
  var RING = { healed: "#1a7f37", newly_missing: "#cf222e", verdict_changed: "#57606a" };
  network.on("afterDrawing", function (ctx) {
    var ids = DATA.nodes.filter(function (d) { return d.change; }).map(function (d) { return d.id; });
    if (!ids.length) { return; }
    var pos = network.getPositions(ids);
    ctx.save();
    ctx.setLineDash([4, 3]); ctx.lineWidth = 2;
    ids.forEach(function (id) {
      var n = network.body.nodes[id]; var p = pos[id];
      if (!n || !p) { return; }
      ctx.strokeStyle = RING[changeStatus(id)] || RING.verdict_changed;
      ctx.beginPath(); ctx.arc(p.x, p.y, (n.options.size || 10) + 5, 0, 2 * Math.PI); ctx.stroke();
    });
    ctx.restore();
  });
  // 链主: a gold star on the dot of a link with an anchor firm
  network.on("afterDrawing", function (ctx) {
    var ids = DATA.nodes.filter(function (d) { return d.anchors && d.anchors.length; }).map(function (d) { return d.id; });
    if (!ids.length) { return; }
    var pos = network.getPositions(ids);
    ids.forEach(function (id) {
      var n = network.body.nodes[id]; var p = pos[id];
      if (!n || !p) { return; }
      var r = n.options.size || 10;
      ctx.font = "bold " + Math.round(r * 1.1 + 6) + "px " + DATA.font;
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.lineWidth = 3; ctx.strokeStyle = "#ffffff";
      ctx.strokeText("★", p.x + r * 0.8, p.y - r * 0.8);
      ctx.fillStyle = "#c99400";
      ctx.fillText("★", p.x + r * 0.8, p.y - r * 0.8);
    });
  });

  // ---- search: links and firms by name, id or USCC (substring; case and width do not matter) -----
  function norm(s) { return String(s || "").normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }
  var index = [];
  DATA.nodes.forEach(function (d) {
    index.push({ kind: "link", id: d.id, label: d.name, sub: d.stage_label + " · " + d.group_name,
                 keys: [d.name, d.id, d.group_name].map(norm) });
  });
  var firmSeen = {};
  DATA.nodes.forEach(function (d) {
    d.firms.concat(d.targets || []).forEach(function (f) {
      var c = DATA.cards[f.id];
      if (firmSeen[f.id]) { return; }
      firmSeen[f.id] = true;
      index.push({ kind: "firm", id: f.id, link: d.id, label: f.name, sub: d.name + (f.region ? " · " + f.region : ""),
                   keys: [f.name, f.id, f.uscc || (c && c.uscc) || "", (c && c.stock_code) || ""].map(norm) });
    });
  });
  var box = document.getElementById("cg-search");
  var list = document.getElementById("cg-hits");
  var active = -1;
  function hits(q) {
    var n = norm(q);
    if (!n) { return []; }
    var out = index.filter(function (h) { return h.keys.some(function (k) { return k && k.indexOf(n) >= 0; }); });
    out.sort(function (a, b) {
      var pa = a.keys[0].indexOf(n) === 0 ? 0 : 1, pb = b.keys[0].indexOf(n) === 0 ? 0 : 1;
      return (a.kind === b.kind ? 0 : a.kind === "link" ? -1 : 1) || pa - pb;
    });
    return out.slice(0, 30);
  }
  function choose(h) {
    list.hidden = true;
    box.value = h.label;
    if (h.kind === "link") { closeCard(); select(h.id, true); } else { select(h.link, true); openCard(h.id, h.link); }
  }
  function renderHits() {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var hs = hits(box.value);
    active = -1;
    if (!box.value.trim()) { list.hidden = true; return; }
    list.hidden = false;
    if (!hs.length) { list.appendChild(el("li", "cg-empty", T.search_none)); return; }
    hs.forEach(function (h) {
      var li = el("li", "cg-hit");
      li.setAttribute("data-kind", h.kind); li.setAttribute("data-id", h.id);
      li.appendChild(el("span", "cg-hit-kind", h.kind === "link" ? T.hit_link : T.hit_firm));
      li.appendChild(el("span", "cg-hit-label", h.label));
      li.appendChild(el("span", "cg-sub", h.sub));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(h); });
      li._hit = h;
      list.appendChild(li);
    });
  }
  box.addEventListener("input", renderHits);
  box.addEventListener("focus", renderHits);
  box.addEventListener("blur", function () { list.hidden = true; });
  box.addEventListener("keydown", function (e) {
    var items = list.querySelectorAll("li.cg-hit");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!items.length) { return; }
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach(function (li, i) { li.classList.toggle("cg-active", i === active); });
    } else if (e.key === "Enter") {
      if (items.length) { choose(items[Math.max(active, 0)]._hit); }
    } else if (e.key === "Escape") { list.hidden = true; }
  });
  // fit the stage bands (not only the nodes, which is all vis' own fit() knows about)
  function fitBands() {
    var c = document.getElementById("mynetwork");
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    DATA.bands.forEach(function (b) {
      x0 = Math.min(x0, b.x0); x1 = Math.max(x1, b.x1); y0 = Math.min(y0, b.y0); y1 = Math.max(y1, b.y1);
    });
    if (!isFinite(x0) || !c.clientWidth || !c.clientHeight) { network.fit(); return; }
    var scale = Math.min(c.clientWidth / (x1 - x0), c.clientHeight / (y1 - y0)) * 0.96;
    network.moveTo({ position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 }, scale: Math.min(scale, 1.3),
                     animation: false });
  }
  document.getElementById("cg-fit").addEventListener("click", fitBands);
  window.addEventListener("resize", fitBands);
  showOverview();
  fitBands();
  window.chainMap = { data: DATA, show: showLink, select: select, overview: showOverview, fit: fitBands,
                      card: openCard, closeCard: closeCard, search: hits };
})();
