// Trace panel script. Renders the trace sent by the extension; all text goes through textContent (names come
// from remote hosts and are never trusted as markup).
(function () {
  'use strict';
  // shared with traceVerify.js (the API can be acquired only once per panel)
  const vscode = (window.swarmnetVsCode = acquireVsCodeApi());
  const SVG = 'http://www.w3.org/2000/svg';
  let trace = null;
  let current = 0;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function sv(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const k of Object.keys(attrs || {})) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** Every root-to-leaf path as a flat list of hops. */
  function leafPaths(path, prefix, label, out) {
    const hops = prefix.concat(path.hops);
    if (path.branches.length === 0) out.push({ label: label || 'path', hops, outcome: path.outcome });
    for (const b of path.branches) leafPaths(b.path, hops, b.label, out);
    return out;
  }

  function outcomeText(o) {
    if (!o) return '';
    if (o.kind === 'delivered') return 'delivered ' + o.endpoint;
    if (o.kind === 'dropped') return 'DROPPED: ' + o.reason;
    if (o.kind === 'left') return 'left: ' + o.reason;
    return 'unknown: ' + o.reason;
  }

  function renderHeader() {
    const h = document.getElementById('head');
    h.replaceChildren();
    const r = trace.request;
    h.appendChild(el('h1', '', (r.proto || 'tcp').toUpperCase() + ' ' + r.from + ' → ' + r.to + (trace.scenario ? '  (' + trace.scenario + ')' : '')));
    for (const s of trace.summary) h.appendChild(el('div', s.startsWith('DROPPED') ? 'note reason' : 'note', s));
    for (const n of trace.notes) h.appendChild(el('div', 'note', n));
  }

  function renderPaths(paths) {
    const nav = document.getElementById('paths');
    nav.replaceChildren();
    if (paths.length < 2) return;
    paths.forEach((p, i) => {
      const b = el('button', (i === current ? 'active ' : '') + (p.outcome && p.outcome.kind === 'dropped' ? 'dropped' : ''), p.label + ' — ' + outcomeText(p.outcome));
      b.addEventListener('click', () => {
        current = i;
        render();
      });
      nav.appendChild(b);
    });
  }

  function renderDiagram(p) {
    const host = document.getElementById('diagram');
    host.replaceChildren();
    // Boxes: namespaces in order of first appearance, grouped in a column per node.
    const nodes = [];
    const boxes = new Map();
    for (const h of p.hops) {
      let n = nodes.find((x) => x.name === h.node);
      if (!n) nodes.push((n = { name: h.node, ns: [] }));
      const key = h.node + '/' + h.namespace;
      if (!boxes.has(key)) {
        const full = h.nsLabel || h.namespace;
        const b = { key, node: h.node, ns: h.nsShort || full, full, kind: h.nsKind || '', col: nodes.indexOf(n), row: n.ns.length, drop: false };
        n.ns.push(b);
        boxes.set(key, b);
      }
      if (h.verdict === 'DROP' || h.drop) boxes.get(key).drop = true;
    }
    const colW = 260, boxW = 200, boxH = 44, rowH = 84, top = 36, left = 20;
    const rows = Math.max(1, ...nodes.map((n) => n.ns.length));
    const width = left * 2 + nodes.length * colW;
    const height = top + rows * rowH + 20;
    const svg = sv('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    const defs = sv('defs');
    const marker = sv('marker', { id: 'arrowhead', markerWidth: 8, markerHeight: 8, refX: 7, refY: 4, orient: 'auto' });
    marker.appendChild(sv('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrowhead' }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    const pos = (b) => ({ x: left + b.col * colW + (colW - boxW) / 2, y: top + b.row * rowH });
    nodes.forEach((n, i) => {
      svg.appendChild(sv('rect', { x: left + i * colW + 4, y: 8, width: colW - 8, height: height - 14, rx: 6, class: 'node-box' }));
      svg.appendChild(sv('text', { x: left + i * colW + 12, y: 26, class: 'node-label' }, n.name));
      for (const b of n.ns) {
        const q = pos(b);
        const g = sv('g', {});
        g.appendChild(sv('title', {}, b.full + (b.kind ? ' (' + b.kind + ')' : '')));
        g.appendChild(sv('rect', { x: q.x, y: q.y, width: boxW, height: boxH, rx: 4, class: 'ns-box' + (b.drop ? ' drop' : '') }));
        // the extension shortens task names in the middle (nsShort); anything else too long is cut in the middle
        g.appendChild(sv('text', { x: q.x + 8, y: q.y + 18, class: 'ns-label' }, b.ns.length > 26 ? b.ns.slice(0, 17) + '…' + b.ns.slice(-8) : b.ns));
        g.appendChild(sv('text', { x: q.x + 8, y: q.y + 34, class: 'ns-kind' }, b.kind));
        svg.appendChild(g);
      }
    });
    // Arrows: one per change of namespace, numbered with the hop that entered the new namespace.
    let prev = null;
    for (const h of p.hops) {
      const b = boxes.get(h.node + '/' + h.namespace);
      if (prev && prev !== b) {
        const a = pos(prev), c = pos(b);
        const x1 = a.x + boxW / 2, y1 = a.y + boxH, x2 = c.x + boxW / 2, y2 = c.y;
        const sameCol = prev.col === b.col;
        const d = sameCol && y2 > y1 ? 'M' + x1 + ',' + y1 + ' L' + x2 + ',' + (y2 - 2)
          : 'M' + (a.x + boxW) + ',' + (a.y + boxH / 2) + ' C' + (a.x + boxW + 40) + ',' + (a.y + boxH / 2) + ' ' + (c.x - 40) + ',' + (c.y + boxH / 2) + ' ' + (c.x - 2) + ',' + (c.y + boxH / 2);
        svg.appendChild(sv('path', { d, class: 'arrow' }));
        const num = sv('text', { x: (x1 + x2) / 2 + 6, y: (y1 + y2) / 2, class: 'arrow-num' }, String(h.id));
        num.addEventListener('click', () => vscode.postMessage({ type: 'openRule', hopId: h.id }));
        svg.appendChild(num);
      }
      prev = b;
    }
    host.appendChild(svg);
  }

  function renderHops(p) {
    const list = document.getElementById('hops');
    list.replaceChildren();
    for (const h of p.hops) {
      const d = el('div', 'hop' + (h.drop || h.verdict === 'DROP' ? ' drop' : '') + (h.uncertain.length ? ' uncertain' : ''));
      d.title = 'open the rule dump at this hop';
      d.appendChild(el('div', 'title', h.id + '. ' + h.title + (h.verdict ? '  [' + h.verdict + ']' : '')));
      d.appendChild(el('div', 'where', h.node + ' / ' + (h.nsLabel || h.namespace) + (h.nsKind ? ' (' + h.nsKind + ')' : '')));
      d.appendChild(el('div', 'packet', h.packet));
      h.rules.forEach((r, i) => {
        const c = r.counters ? '  [' + r.counters.packets + ' pkts]' : '';
        const line = el('div', 'rule' + (r.decided ? ' decided' : ''), r.table + '/' + r.chain + ' ' + (r.position ? '#' + r.position : 'policy') + ': ' + r.text + c + '  → ' + r.effect + '  (' + r.source + (r.line ? ':' + r.line : '') + ')');
        line.addEventListener('click', (ev) => {
          ev.stopPropagation();
          vscode.postMessage({ type: 'openRule', hopId: h.id, ruleIndex: i });
        });
        d.appendChild(line);
        for (const u of r.unsupported) d.appendChild(el('div', 'detail warn', '  ! ' + u));
      });
      for (const t of h.detail) d.appendChild(el('div', 'detail', t));
      if (h.drop) d.appendChild(el('div', 'reason', 'DROP: ' + h.drop));
      d.addEventListener('click', () => vscode.postMessage({ type: 'openRule', hopId: h.id }));
      list.appendChild(d);
    }
  }

  function render() {
    if (!trace) return;
    const paths = leafPaths(trace.path, [], '', []);
    if (current >= paths.length) current = 0;
    renderHeader();
    renderPaths(paths);
    renderDiagram(paths[current]);
    renderHops(paths[current]);
  }

  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (m && m.type === 'trace') {
      trace = m.result;
      current = 0;
      render();
      // the number of the trace on screen (tests wait for a new one), and "painted" once the frame is drawn
      document.body.dataset.traceSeq = String(m.seq);
      requestAnimationFrame(() => setTimeout(() => vscode.postMessage({ type: 'painted', seq: m.seq, at: Date.now() }), 0));
    }
  });
  vscode.postMessage({ type: 'ready', at: Date.now() });
})();
