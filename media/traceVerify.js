// "Verify on the Nodes" in the trace panel (kept apart from trace.js): a button that asks the extension to send
// one probe, then the observed path beside the predicted one, the first difference marked with its reason.
// All text goes through textContent (names and rules come from remote hosts).
(function () {
  'use strict';
  const vscode = window.swarmnetVsCode; // acquired by trace.js, loaded first
  const STATUS = { seen: 'seen', 'not-seen': 'NOT SEEN', 'not-observable': 'no counter', 'no-access': 'no access' };
  const host = document.getElementById('verify');

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function renderButton(canVerify) {
    host.replaceChildren();
    if (!canVerify) return;
    const buttons = [];
    const add = (label, title, mode) => {
      const b = el('button', 'verify-button', label);
      b.title = title;
      b.addEventListener('click', () => {
        for (const x of buttons) x.disabled = true;
        b.textContent = 'Verifying…';
        post({ type: 'verify', mode });
      });
      buttons.push(b);
      host.appendChild(b);
    };
    add('Verify on the Nodes', 'send one real probe along this path and compare what the nodes counted (read-only)', 'counters');
    add('Verify with TRACE Rules…', 'also add a TRACE rule for the probe only (the exact commands are shown first; removed afterwards)', 'trace');
  }

  function post(m) {
    vscode.postMessage(m);
  }

  function renderReport(r) {
    const box = el('div', 'verify-report');
    const p = r.probe;
    box.appendChild(el('h2', '', 'Observed on the nodes'));
    box.appendChild(el('div', 'note', p ? 'probe ' + p.target.proto.toUpperCase() + ' ' + (p.target.src || '*') + ':' + (p.target.sport || '*') + ' → ' + p.target.dst + ':' + p.target.dport + ' ' + p.source.why + ', with ' + (p.tool || 'no tool') + ': ' + p.outcome + (p.detail ? ' (' + p.detail + ')' : '') : 'no probe was sent'));
    for (const n of r.notes) box.appendChild(el('div', 'note', n));
    const d = r.firstDifference;
    box.appendChild(el('div', d ? 'verdict differs' : 'verdict', d ? 'Observed differs from predicted at hop ' + d.id + ' (' + d.node + '/' + d.namespace + '): ' + (d.reason || 'not seen') : r.agrees ? 'Observed = predicted' : 'Not verified'));
    const table = el('table', 'verify-table');
    const head = el('tr');
    for (const t of ['#', 'predicted hop', 'observed', 'evidence']) head.appendChild(el('th', '', t));
    table.appendChild(head);
    for (const o of r.observed) {
      const tr = el('tr', 'st-' + o.status + (d && d.id === o.id ? ' first-difference' : ''));
      tr.appendChild(el('td', '', String(o.id)));
      tr.appendChild(el('td', '', o.node + '/' + o.namespace + ' ' + o.kind + ': ' + o.title));
      tr.appendChild(el('td', 'status', STATUS[o.status] || o.status));
      const ev = el('td', 'evidence');
      for (const e of o.evidence) ev.appendChild(el('div', '', e));
      if (o.reason && o.status === 'not-seen') ev.appendChild(el('div', 'reason', 'why: ' + o.reason));
      tr.appendChild(ev);
      table.appendChild(tr);
    }
    box.appendChild(table);
    for (const c of r.changedSinceDumps) {
      box.appendChild(el('div', 'note', 'changed since the dumps were read on ' + c.node + '/' + c.namespace + ':'));
      for (const a of c.added) box.appendChild(el('div', 'rule-change', '+ ' + a));
      for (const x of c.removed) box.appendChild(el('div', 'rule-change', '- ' + x));
    }
    const changed = r.rulesIntact.filter((x) => !x.identical);
    box.appendChild(el('div', changed.length ? 'note reason' : 'note', changed.length ? 'iptables-save differs after the verification on ' + changed.map((x) => x.node + '/' + x.namespace).join(', ') : 'Rules untouched: iptables-save identical before and after on ' + r.rulesIntact.length + ' namespaces'));
    return box;
  }

  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (!m) return;
    if (m.type === 'trace') renderButton(m.canVerify === true);
    else if (m.type === 'verify') {
      renderButton(true);
      if (m.error) host.appendChild(el('div', 'note reason', 'Verification failed: ' + m.error));
      else if (m.report) host.appendChild(renderReport(m.report));
    }
  });
})();
