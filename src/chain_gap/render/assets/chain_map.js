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
    return wrap;
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
  function clear() { while (panel.firstChild) { panel.removeChild(panel.firstChild); } panel.scrollTop = 0; }

  function showLink(id) {
    var d = byId[id];
    if (!d) { return; }
    clear();
    var back = el("button", "cg-back", T.back);
    back.addEventListener("click", function () { network.unselectAll(); showOverview(); });
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
    sec.appendChild(el("h3", null, T.local_firms + "（" + d.firms_total + "）"));
    if (!DATA.has_firms) {
      sec.appendChild(el("div", "cg-empty", T.firms_not_given));
    } else if (!d.firms.length) {
      sec.appendChild(el("div", "cg-empty", T.no_local));
    } else {
      sec.appendChild(table([T.col_name, T.col_role, T.col_capital, T.col_revenue], d.firms.map(function (f) {
        var name = el("span", "cg-firm", f.name);
        var cell = el("span"); cell.appendChild(name);
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
        var cell = el("div"); cell.appendChild(el("div", "cg-firm", x.name));
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
    panel.appendChild(el("h3", null, T.summary_title));
    var ft = el("table", "cg-facts");
    DATA.summary.forEach(function (s) {
      var tr = el("tr"); tr.appendChild(el("td", null, s[0])); tr.appendChild(el("td", null, s[1]));
      ft.appendChild(tr);
    });
    panel.appendChild(ft);
  }

  function select(id) {
    network.selectNodes([id]);
    var p = network.canvasToDOM(network.getPositions([id])[id]);
    var c = document.getElementById("mynetwork");
    if (p.x < 0 || p.y < 0 || p.x > c.clientWidth || p.y > c.clientHeight) {
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
  window.chainMap = { data: DATA, show: showLink, select: select, overview: showOverview, fit: fitBands };
})();
