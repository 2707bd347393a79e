// GNOME Text Editor on a GNOME desktop. All state is in window.omni.state; render() draws it.
(function () {
  'use strict';
  const SCREEN = new URLSearchParams(location.search).get('screen') || 'document';
  const NOTES = `# Team Meeting Notes — November 27, 2026

Attendees: Anna Kowalski, Ben Ortiz, Chloe Martin, David Osei
Location: Room 4B and video call

## Agenda
1. Q4 budget review
2. Website relaunch timeline
3. Hiring update
4. Office move in January

## Q4 budget review
- Marketing spent 82% of the quarterly budget so far.
- Travel budget is frozen until the end of the year.
- Anna will send the revised budget to finance by Friday.
- We should recieve the updated forecast next week.

## Website relaunch
- Design freeze moved to December 4.
- Ben needs teh final copy for the pricing page.
- Launch date stays at December 15, 2025.
- Chloe to book the load test for December 9.

## Hiring
- Two offers accepted (frontend, QA).
- Interviews for the data analyst role continue tommorow.

## Office move
- Movers confirmed for January 12.
- Everyone packs their desk by January 8.
- New address: 221 Harbour Street, 3rd floor.

## Action items
- [ ] Anna: revised budget to finance
- [ ] Ben: final pricing copy
- [ ] Chloe: load test booking
- [ ] David: floor plan for the new office

## Notes from last week
- The 2025 retrospective is archived in the shared drive.
- Support tickets are down 12% since the FAQ update.
- Customer survey closes on December 1.
- Holiday schedule: office closed December 24 to January 1.
- Reminder: submit expense reports before December 20.

## Parking lot
- Switch the newsletter to a monthly cadence?
- Evaluate a second on-call rotation.
- Replace the projector in Room 4B.

Next meeting: Thursday, December 3 at 10:00.`;
  const TODO = `Groceries
- milk
- eggs
- coffee beans
- spinach

Errands
- pick up dry cleaning
- return library books
- renew car insurance

Calls
- dentist (reschedule)
- plumber about the kitchen sink`;
  const TODO_MOD = TODO.replace('- spinach', '- spinach\n- oat milk') + '\n- call Mom on Sunday';
  const SCRIPT = `#!/usr/bin/env python3
"""Summarise monthly expenses from a CSV export."""

import csv
import sys
from collections import defaultdict

CATEGORIES = ["rent", "groceries", "transport", "utilities", "eating out", "subscriptions", "travel", "health", "gifts", "insurance", "education", "childcare", "pets", "home repairs", "charity", "savings", "miscellaneous"]
CURRENCY = "EUR"  # every amount in the export is in euros; convert before loading if the bank ever changes the export format again (it did in March 2024, when amounts briefly arrived in cents and every total was off by a factor of one hundred)


def load(path):
    totals = defaultdict(float)
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            totals[row["category"]] += float(row["amount"])
    return totals


def main(argv):
    if len(argv) < 2:
        print("usage: expenses.py FILE.csv")
        return 2
    totals = load(argv[1])
    for name in CATEGORIES:
        print(f"{name:>14}: {totals.get(name, 0.0):10.2f} {CURRENCY}")
    print("total:", round(sum(totals.values()), 2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))`;
  const REPORT = `Quarterly report (draft)

Revenue grew 8% quarter over quarter.
Churn stayed flat at 2.1%.

TODO: add the regional breakdown.`;

  function doc(name, path, text, lang, extra) {
    return Object.assign({ name, path, text, lang, modified: false, saved: 0, undo: [], redo: [],
      caret: { line: 1, col: 0 }, anchor: null, scrollTop: 0, scrollLeft: 0 }, extra || {});
  }
  const baseTabs = () => [doc('notes.md', '~/Documents', NOTES, 'Markdown'), doc('todo.txt', '~/Documents', TODO, 'Plain Text'),
    doc('expenses.py', '~/Projects/budget', SCRIPT, 'Python 3'), doc('report-draft.txt', '~/Documents', REPORT, 'Plain Text')];
  const S = { screen: SCREEN, tabs: baseTabs(), active: 0, find: { open: false, replace: false, query: '', replacement: '',
    caseSensitive: false, wholeWord: false, current: -1, count: 0 }, popover: null, contextMenu: null, dialog: null,
    style: 'light', window: 'normal', tooltip: null, hover: null, clipboard: '', closed: [], focus: 'text',
    showLineNumbers: true, wrap: true, openDialog: false, printDialog: false, saveAsDialog: false, newWindows: 0,
    goToLine: false, savedDocs: [], text: '', caret: null, selection: '' };
  switch (SCREEN) {
    case 'find': Object.assign(S.find, { open: true, query: 'budget' }); S.focus = 'find'; break;
    case 'replace': Object.assign(S.find, { open: true, replace: true, query: '2025', replacement: '2026' }); S.focus = 'find'; break;
    case 'menu': S.popover = 'menu'; break;
    case 'todo': S.active = 1; Object.assign(S.tabs[1], { text: TODO_MOD, modified: true, caret: { line: 16, col: 20 },
      undo: [{ text: TODO.replace('- spinach', '- spinach\n- oat milk'), caret: { line: 6, col: 10 } }] }); break;
    case 'close_dialog': S.active = 1; Object.assign(S.tabs[1], { text: TODO_MOD, modified: true, caret: { line: 16, col: 20 } });
      S.dialog = 'close_todo'; break;
    case 'script': S.active = 2; S.wrap = false; S.tabs[2].caret = { line: 12, col: 0 }; break;
  }
  const TYPOS = ['recieve', 'teh', 'tommorow'];
  const FIXES = { recieve: ['receive', 'relieve', 'reprieve'], teh: ['the', 'tech', 'ten'], tommorow: ['tomorrow', 'tomorrows'] };

  const $ = (s) => document.querySelector(s);
  const D = () => S.tabs[S.active];
  const lines = (d) => (d || D()).text.split('\n');
  let charW = 8.7;
  // The field an action just opened, focused at the end of the render that shows it (see render()).
  let focusAfterRender = null;
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  // ---- editing ----
  const cmp = (a, b) => a.line - b.line || a.col - b.col;
  function selRange(d) {
    if (!d.anchor || cmp(d.anchor, d.caret) === 0) return null;
    return cmp(d.anchor, d.caret) < 0 ? [d.anchor, d.caret] : [d.caret, d.anchor];
  }
  function offset(d, p) { const ls = lines(d); let o = 0; for (let i = 0; i < p.line - 1; i++) o += ls[i].length + 1; return o + p.col; }
  function posAt(d, o) { const ls = lines(d); let l = 0; while (l < ls.length - 1 && o > ls[l].length) { o -= ls[l].length + 1; l++; }
    return { line: l + 1, col: Math.min(o, ls[l].length) }; }
  function selectedText(d) { const r = selRange(d); return r ? d.text.slice(offset(d, r[0]), offset(d, r[1])) : ''; }
  function snapshot(d) { d.undo.push({ text: d.text, caret: Object.assign({}, d.caret) }); d.redo = []; if (d.undo.length > 200) d.undo.shift(); }
  function replaceRange(d, a, b, s) {
    const oa = offset(d, a), ob = offset(d, b);
    d.text = d.text.slice(0, oa) + s + d.text.slice(ob);
    d.caret = posAt(d, oa + s.length); d.anchor = null; d.modified = true;
  }
  function insert(s) {
    const d = D(); snapshot(d);
    const r = selRange(d);
    if (r) replaceRange(d, r[0], r[1], s); else replaceRange(d, d.caret, d.caret, s);
    ensureVisible();
  }
  function del(dir) {
    const d = D(); const r = selRange(d);
    if (r) { snapshot(d); replaceRange(d, r[0], r[1], ''); return; }
    const o = offset(d, d.caret);
    if (dir < 0 && o > 0) { snapshot(d); d.text = d.text.slice(0, o - 1) + d.text.slice(o); d.caret = posAt(d, o - 1); d.modified = true; }
    if (dir > 0 && o < d.text.length) { snapshot(d); d.text = d.text.slice(0, o) + d.text.slice(o + 1); d.modified = true; }
    d.anchor = null;
  }
  function move(p, extend) {
    const d = D(); const ls = lines(d);
    const line = Math.max(1, Math.min(ls.length, p.line));
    const np = { line, col: Math.max(0, Math.min(ls[line - 1].length, p.col)) };
    if (extend) { if (!d.anchor) d.anchor = Object.assign({}, d.caret); } else d.anchor = null;
    d.caret = np; ensureVisible();
  }
  function wordAt(d, p) {
    const t = lines(d)[p.line - 1]; let a = Math.min(p.col, t.length), b = a;
    if (a === t.length && a > 0) { a--; b--; }
    if (!/\w/.test(t[a] || '')) return { a: p.col, b: p.col };
    while (a > 0 && /\w/.test(t[a - 1])) a--;
    while (b < t.length && /\w/.test(t[b])) b++;
    return { a, b };
  }
  function save(d) { d.modified = false; d.saved++; S.savedDocs.push(d.name); toast(`Saved “${d.name}”`); }
  function undo() { const d = D(); const s = d.undo.pop(); if (!s) return;
    d.redo.push({ text: d.text, caret: d.caret }); d.text = s.text; d.caret = s.caret; d.anchor = null; d.modified = true; }
  function redo() { const d = D(); const s = d.redo.pop(); if (!s) return;
    d.undo.push({ text: d.text, caret: d.caret }); d.text = s.text; d.caret = s.caret; d.anchor = null; d.modified = true; }
  let untitled = 0;
  function newTab() { untitled++; S.tabs.push(doc(`Untitled Document ${untitled}`, 'Draft', '', 'Plain Text')); S.active = S.tabs.length - 1; }
  function closeTab(i, force) {
    const d = S.tabs[i];
    if (d.modified && !force) { S.active = i; S.dialog = 'close_' + d.name.replace(/\W.*$/, '').toLowerCase(); return; }
    S.closed.push(d.name); S.tabs.splice(i, 1);
    if (!S.tabs.length) newTab();
    S.active = Math.min(S.active > i ? S.active - 1 : S.active, S.tabs.length - 1);
  }
  let toastTimer = null;
  function toast(msg) { S.toast = msg; }

  // ---- find / replace ----
  function matches(d) {
    const q = S.find.query; if (!q) return [];
    const out = []; const t = S.find.caseSensitive ? d.text : d.text.toLowerCase(); const qq = S.find.caseSensitive ? q : q.toLowerCase();
    let i = t.indexOf(qq);
    while (i >= 0) {
      const ok = !S.find.wholeWord || (!/\w/.test(t[i - 1] || '') && !/\w/.test(t[i + qq.length] || ''));
      if (ok) out.push([i, i + qq.length]);
      i = t.indexOf(qq, i + Math.max(1, qq.length));
    }
    return out;
  }
  function selectMatch(k) {
    const d = D(); const m = matches(d); if (!m.length) { S.find.current = -1; return; }
    k = ((k % m.length) + m.length) % m.length; S.find.current = k;
    d.anchor = posAt(d, m[k][0]); d.caret = posAt(d, m[k][1]); ensureVisible();
  }
  function findNext(dir) {
    const d = D(); const m = matches(d); if (!m.length) return;
    if (S.find.current < 0) { const o = offset(d, d.caret); let k = m.findIndex((x) => x[0] >= o); if (dir < 0) k = (k < 0 ? m.length : k) - 1;
      selectMatch(k < 0 ? 0 : k); }
    else selectMatch(S.find.current + dir);
  }
  function replaceOne() {
    const d = D(); const m = matches(d); if (!m.length) return;
    const k = S.find.current < 0 ? 0 : S.find.current;
    snapshot(d); d.text = d.text.slice(0, m[k][0]) + S.find.replacement + d.text.slice(m[k][1]); d.modified = true;
    d.caret = posAt(d, m[k][0] + S.find.replacement.length); d.anchor = null; S.find.current = -1;
    const left = matches(d); if (left.length) { S.find.current = -1; findNext(1); }
  }
  function replaceAll() {
    const d = D(); const m = matches(d); if (!m.length) return;
    snapshot(d); let t = d.text;
    for (let k = m.length - 1; k >= 0; k--) t = t.slice(0, m[k][0]) + S.find.replacement + t.slice(m[k][1]);
    d.text = t; d.modified = true; d.anchor = null; S.find.current = -1;
  }

  // ---- layout helpers ----
  const LH = 22;
  function viewH() { return $('#scroller').clientHeight; }
  function ensureVisible() {
    const d = D(); const y = (d.caret.line - 1) * LH + 6;
    const h = viewH() || 900;
    if (y < d.scrollTop) d.scrollTop = y - 6;
    if (y + LH > d.scrollTop + h) d.scrollTop = y + LH - h + 6;
  }
  function maxScroll(d) { return Math.max(0, lines(d).length * LH + 12 - viewH() + 60); }
  function maxHScroll(d) { if (S.wrap) return 0; const w = Math.max(...lines(d).map((l) => l.length)) * charW + 40;
    return Math.max(0, Math.round(w - ($('#scroller').clientWidth - 68))); }

  function highlight(d, text) {
    // per-character classes for syntax colouring
    const cls = new Array(text.length).fill('');
    const mark = (re, c) => { let m; re.lastIndex = 0; while ((m = re.exec(text))) for (let i = m.index; i < m.index + m[0].length; i++) cls[i] = cls[i] || c; };
    if (d.lang === 'Python 3') {
      mark(/#.*$/g, 'k-com'); mark(/"[^"]*"|'[^']*'/g, 'k-str');
      mark(/\b(import|from|def|return|for|in|with|as|if|else|elif|not|and|or|None|True|False)\b/g, 'k-kw');
      mark(/\b\d+(\.\d+)?\b/g, 'k-num'); mark(/\b(print|open|len|float|round|sum|defaultdict)\b/g, 'k-fn');
    } else if (d.lang === 'Markdown') {
      mark(/^#+ .*$/g, 'k-h'); mark(/^(- \[ \]|-|\d+\.) /g, 'k-li');
    }
    return cls;
  }
  function lineHTML(d, n, text, sel, ms, lineStart) {
    const cls = highlight(d, text);
    const flags = text.split('').map((ch, i) => {
      const o = lineStart + i; let f = cls[i];
      if (sel && o >= sel[0] && o < sel[1]) f += ' sel';
      for (let k = 0; k < ms.length; k++) if (o >= ms[k][0] && o < ms[k][1]) f += k === S.find.current ? ' match current' : ' match';
      return f.trim();
    });
    // typos become their own element so they can be double/right-clicked
    const typo = new Array(text.length).fill(null);
    for (const w of TYPOS) { const re = new RegExp('\\b' + w + '\\b', 'g'); let m; while ((m = re.exec(text))) for (let i = m.index; i < m.index + w.length; i++) typo[i] = w; }
    let out = '', i = 0;
    while (i < text.length) {
      if (typo[i]) { const w = typo[i]; let j = i; while (j < text.length && typo[j] === w) j++;
        out += `<span class="typo ${flags[i]}" data-omni="misspelled_${w}">${esc(text.slice(i, j))}</span>`; i = j; continue; }
      let j = i; while (j < text.length && flags[j] === flags[i] && !typo[j]) j++;
      out += flags[i] ? `<span class="${flags[i]}">${esc(text.slice(i, j))}</span>` : esc(text.slice(i, j)); i = j;
    }
    if (sel && lineStart + text.length >= sel[0] && lineStart + text.length < sel[1]) out += '<span class="sel"> </span>';
    return out;
  }

  function render() {
    const d = D(); const dark = S.style === 'dark';
    document.body.classList.toggle('dark', dark);
    $('#win').classList.toggle('maximized', S.window === 'maximized');
    $('#win').style.display = S.window === 'closed' || S.window === 'minimized' ? 'none' : 'flex';
    $('#title').innerHTML = `<div class="t">${d.modified ? '• ' : ''}${esc(d.name)}</div><div class="s">${esc(d.path)}</div>`;
    // tabs
    $('#tabs').innerHTML = S.tabs.map((t, i) => {
      const slug = tabSlug(t);
      return `<div class="tab${i === S.active ? ' active' : ''}${S.hover === 'tab_' + slug ? ' hover' : ''}" data-tab="${i}" data-omni="tab_${slug}">
      ${t.modified ? '<span class="dot"></span>' : ''}${esc(t.name)}
      ${i === S.active || S.hover === 'tab_' + slug ? `<button class="x" data-close="${i}" data-omni="tab_${slug}_close"><i class="fa-solid fa-xmark"></i></button>` : ''}</div>`;
    }).join('');
    // document
    const ls = lines(d); const r = selRange(d); const sel = r ? [offset(d, r[0]), offset(d, r[1])] : null;
    const ms = S.find.open ? matches(d) : [];
    S.find.count = ms.length;
    let o = 0, html = '';
    const bg = dark ? '' : '';
    ls.forEach((t, i) => {
      const n = i + 1;
      html += `<div class="row${n === d.caret.line ? ' cur' : ''}"><div class="gut" data-omni="line_number_${n}" data-ln="${n}">${S.showLineNumbers ? n : ''}</div>` +
        `<div class="line" data-omni="line_${n}" data-line="${n}"><div class="lt" style="transform:translateX(${-d.scrollLeft}px)">${lineHTML(d, n, t, sel, ms, o)}` +
        (n === d.caret.line && !r && S.focus === 'text' ? `<span class="caret" style="left:${4 + d.caret.col * charW}px"></span>` : '') + `</div></div></div>`;
      o += t.length + 1;
    });
    d.scrollTop = Math.max(0, Math.min(maxScroll(d), d.scrollTop));
    const c = $('#content'); c.innerHTML = html; c.style.transform = `translateY(${-d.scrollTop}px)`;
    $('#content').style.setProperty('--cw', charW + 'px');
    // status bar
    $('#sb_lang').innerHTML = `${esc(d.lang)} <i class="fa-solid fa-chevron-down" style="font-size:9px"></i>`;
    $('#sb_pos').textContent = `Ln ${d.caret.line}, Col ${d.caret.col + 1}`;
    // find bar
    const fb = $('#findbar'); fb.style.display = S.find.open ? 'block' : 'none';
    $('#replace_row').style.display = S.find.replace ? 'flex' : 'none';
    $('#find_input').value = S.find.query; $('#replace_input').value = S.find.replacement;
    $('#find_count').textContent = S.find.query ? (ms.length ? `${S.find.current >= 0 ? S.find.current + 1 : 0} of ${ms.length}` : 'No results') : '';
    $('#find_entry').classList.toggle('focus', S.focus === 'find'); $('#replace_entry').classList.toggle('focus', S.focus === 'replace');
    $('#toggle_replace').classList.toggle('on', S.find.replace);
    $('#case_btn').classList.toggle('on', S.find.caseSensitive); $('#word_btn').classList.toggle('on', S.find.wholeWord);
    // popovers
    for (const p of ['menu', 'recent', 'language', 'indent']) $('#pop_' + p).style.display = S.popover === p ? 'block' : 'none';
    document.querySelectorAll('.style-dot').forEach((e) => e.classList.toggle('on', e.dataset.style === S.style));
    const cm = $('#ctx');
    if (S.contextMenu) {
      const w = S.contextMenu.word; let h = '';
      if (w && FIXES[w]) h += FIXES[w].map((f, k) => `<button class="mi sugg" data-fix="${f}" data-omni="suggestion_${f}">${f}</button>`).join('') +
        `<button class="mi" data-cmd="ignore" data-omni="context_ignore_word">Add “${w}” to Dictionary</button><div class="sep"></div>`;
      h += [['undo', 'Undo', 'Ctrl+Z'], ['redo', 'Redo', 'Shift+Ctrl+Z'], null, ['cut', 'Cut', 'Ctrl+X'], ['copy', 'Copy', 'Ctrl+C'],
        ['paste', 'Paste', 'Ctrl+V'], ['delete', 'Delete', ''], null, ['selectall', 'Select All', 'Ctrl+A'], ['emoji', 'Insert Emoji', 'Ctrl+.']]
        .map((x) => x ? `<button class="mi" data-cmd="${x[0]}" data-omni="context_${x[0]}">${x[1]}<span class="acc">${x[2]}</span></button>` : '<div class="sep"></div>').join('');
      cm.innerHTML = h; cm.style.display = 'block'; cm.style.left = S.contextMenu.x + 'px'; cm.style.top = S.contextMenu.y + 'px';
    } else cm.style.display = 'none';
    // dialog
    $('#dim').style.display = S.dialog ? 'block' : 'none'; $('#dialog').style.display = S.dialog ? 'block' : 'none';
    if (S.dialog) $('#dlg_name').textContent = D().name;
    // tooltip / toast
    const tt = $('#tooltip'); tt.style.display = 'none';
    if (S.tooltip) { const el = document.querySelector(`[data-omni="${S.tooltip}"]`);
      if (el && el.dataset.tip) { const b = el.getBoundingClientRect(); tt.textContent = el.dataset.tip; tt.style.display = 'block';
        tt.style.left = Math.min(1760, b.left) + 'px'; tt.style.top = (b.bottom + 8) + 'px'; } }
    $('#toast').style.display = S.toast ? 'block' : 'none'; $('#toast').textContent = S.toast || '';
    // summary for checks
    S.text = d.text; S.caret = Object.assign({}, d.caret); S.selection = selectedText(d); S.activeName = d.name;
    S.scrollTop = d.scrollTop; S.maxScroll = maxScroll(d); S.scrollLeft = d.scrollLeft; S.maxScrollLeft = maxHScroll(d);
    markHidden();
    // Focus the field an action just opened now, in the same task as the action: a deferred focus (setTimeout)
    // lost the first keys typed right after it whenever they arrived first.
    if (focusAfterRender) {
      const f = focusAfterRender; focusAfterRender = null; const i = document.getElementById(f.id);
      if (i) { i.focus(); if (f.select) i.select(); }
    }
  }
  function tabSlug(t) { return t.name.replace(/\.[a-z]+$/, '').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase(); }
  function markHidden() {
    document.querySelectorAll('[data-omni-hidden]').forEach((el) => { el.setAttribute('data-omni', el.getAttribute('data-omni-hidden')); el.removeAttribute('data-omni-hidden'); });
    const hide = [];
    document.querySelectorAll('[data-omni]').forEach((el) => {
      const r = el.getBoundingClientRect(); if (r.width < 1 || r.height < 1) return;
      const cx = Math.min(Math.max((r.left + r.right) / 2, 0), innerWidth - 1), cy = Math.min(Math.max((r.top + r.bottom) / 2, 0), innerHeight - 1);
      if (r.bottom <= 0 || r.top >= innerHeight) return;
      const top = document.elementFromPoint(cx, cy);
      if (top && top !== el && !el.contains(top) && !top.closest('#tooltip,#toast')) hide.push(el);
    });
    hide.forEach((el) => { el.setAttribute('data-omni-hidden', el.dataset.omni); el.removeAttribute('data-omni'); });
  }

  // ---- pointer ----
  function posFromEvent(e) {
    const d = D(); const lineEl = e.target.closest('[data-line]');
    let n;
    if (lineEl) n = Number(lineEl.dataset.line);
    else { const c = $('#content').getBoundingClientRect(); n = Math.floor((e.clientY - c.top - 6) / LH) + 1; }
    const ls = lines(d); n = Math.max(1, Math.min(ls.length, n));
    const lt = $('#scroller').getBoundingClientRect().left + 64 + 4;
    const col = Math.round((e.clientX - lt + d.scrollLeft) / charW);
    return { line: n, col: Math.max(0, Math.min(ls[n - 1].length, col)) };
  }
  let selDrag = null, tabDrag = null;
  document.addEventListener('mousedown', (e) => {
    if (e.button !== 0) return;
    const tab = e.target.closest('[data-tab]');
    if (tab && !e.target.closest('[data-close]')) { tabDrag = { i: Number(tab.dataset.tab), x: e.clientX, moved: false }; return; }
    if (S.dialog || S.contextMenu || S.popover) return;
    if (e.target.closest('[data-line]') && !e.target.closest('.popover')) {
      if (e.detail === 2) { onDouble(e); return; }  // word selection; see onDouble
      const d = D(); const p = posFromEvent(e);
      if (e.shiftKey) { if (!d.anchor) d.anchor = Object.assign({}, d.caret); } else d.anchor = Object.assign({}, p);
      d.caret = p; S.focus = 'text'; selDrag = true; render();
    }
  });
  document.addEventListener('mousemove', (e) => {
    if (selDrag) { const d = D(); d.caret = posFromEvent(e); render(); }
    if (tabDrag && Math.abs(e.clientX - tabDrag.x) > 8) tabDrag.moved = true;
  });
  document.addEventListener('mouseup', (e) => {
    if (selDrag) { selDrag = null; const d = D(); if (d.anchor && cmp(d.anchor, d.caret) === 0) d.anchor = null; render(); }
    if (tabDrag && tabDrag.moved) {
      // dropping onto a tab takes that tab's place; elsewhere on the bar, the nearest gap
      const under = document.elementFromPoint(e.clientX, e.clientY);
      const ut = under && under.closest('[data-tab]');
      let to;
      if (ut) to = Number(ut.dataset.tab);
      else { const tabs = [...document.querySelectorAll('[data-tab]')];
        to = tabs.findIndex((t) => { const b = t.getBoundingClientRect(); return e.clientX < b.left + b.width / 2; });
        if (to < 0) to = tabs.length - 1; }
      const from = tabDrag.i; const cur = S.tabs[S.active]; const [t] = S.tabs.splice(from, 1);
      S.tabs.splice(to, 0, t); S.active = S.tabs.indexOf(cur);
      S.suppressClickAt = e.timeStamp; render();  // the click from this mouseup shares its timeStamp
    }
    tabDrag = null;
  });
  document.addEventListener('click', (e) => {
    if (S.suppressClickAt !== undefined && e.timeStamp === S.suppressClickAt) { S.suppressClickAt = undefined; return; }
    if (e.detail === 2 && !S.dialog && !S.popover && !S.contextMenu && !e.target.closest('button,input')) { onDouble(e); return; }
    const t = e.target;
    const hadPop = S.popover || S.contextMenu;
    const act = t.closest('[data-act],[data-close],[data-tab],[data-cmd],[data-fix],[data-ln],[data-style],[data-lang],[data-recent]');
    if (S.toast) S.toast = null;
    if (act && act.dataset.cmd) { ctxCmd(act.dataset.cmd); S.contextMenu = null; render(); return; }
    if (act && act.dataset.fix) { const d = D(); const w = S.contextMenu.range; snapshot(d); replaceRange(d, w[0], w[1], act.dataset.fix); S.contextMenu = null; render(); return; }
    if (hadPop && !(act && (act.closest('.popover')))) { S.popover = null; S.contextMenu = null; render(); return; }
    if (!act) { if (t.closest('[data-line]')) S.focus = 'text'; render(); return; }
    if (act.dataset.close !== undefined) { closeTab(Number(act.dataset.close)); }
    else if (act.dataset.tab !== undefined) { S.active = Number(act.dataset.tab); }
    else if (act.dataset.ln) { const d = D(); const n = Number(act.dataset.ln); d.anchor = { line: n, col: 0 };
      d.caret = n < lines(d).length ? { line: n + 1, col: 0 } : { line: n, col: lines(d)[n - 1].length }; S.focus = 'text'; }
    else if (act.dataset.style) { S.style = act.dataset.style; }
    else if (act.dataset.lang) { D().lang = act.dataset.lang; S.popover = null; }
    else if (act.dataset.recent) { openRecent(act.dataset.recent); S.popover = null; }
    else doAct(act.dataset.act);
    render();
  });
  function openRecent(name) {
    const i = S.tabs.findIndex((t) => t.name === name);
    if (i >= 0) S.active = i; else { S.tabs.push(doc(name, '~/Documents', name === 'shopping-list.txt' ? '- bread\n- apples\n- olive oil' : 'Dear Ms. Novak,\n\nThank you for your letter.', 'Plain Text')); S.active = S.tabs.length - 1; }
  }
  function doAct(a) {
    const d = D();
    switch (a) {
      case 'open': S.openDialog = true; break;
      case 'recent': S.popover = S.popover === 'recent' ? null : 'recent'; break;
      case 'new_tab': newTab(); break;
      case 'save': save(d); break;
      case 'menu': S.popover = S.popover === 'menu' ? null : 'menu'; break;
      case 'minimize': S.window = 'minimized'; break;
      case 'maximize': S.window = S.window === 'maximized' ? 'normal' : 'maximized'; break;
      case 'close_window': if (S.tabs.some((t) => t.modified)) { S.dialog = 'close_window'; } else S.window = 'closed'; break;
      case 'find_prev': findNext(-1); break;
      case 'find_next': findNext(1); break;
      case 'toggle_replace': S.find.replace = !S.find.replace; break;
      case 'close_find': S.find.open = false; S.focus = 'text'; break;
      case 'replace_one': replaceOne(); break;
      case 'replace_all': replaceAll(); break;
      case 'case': S.find.caseSensitive = !S.find.caseSensitive; S.find.current = -1; break;
      case 'word': S.find.wholeWord = !S.find.wholeWord; S.find.current = -1; break;
      case 'focus_find': S.focus = 'find'; focusAfterRender = { id: 'find_input' }; break;
      case 'focus_replace': S.focus = 'replace'; focusAfterRender = { id: 'replace_input' }; break;
      case 'lang': S.popover = S.popover === 'language' ? null : 'language'; break;
      case 'indent': S.popover = S.popover === 'indent' ? null : 'indent'; break;
      case 'goto': S.goToLine = true; break;
      case 'dlg_cancel': S.dialog = null; break;
      case 'dlg_discard': S.dialog = null; closeTab(S.active, true); break;
      case 'dlg_save': S.dialog = null; save(d); closeTab(S.active, true); S.toast = null; break;
      case 'm_new_window': S.newWindows++; S.popover = null; break;
      case 'm_save_as': S.saveAsDialog = true; S.popover = null; break;
      case 'm_discard': if (d.modified) { d.text = d.undo.length ? d.undo[0].text : d.text; d.modified = false; } S.popover = null; break;
      case 'm_print': S.printDialog = true; S.popover = null; break;
      case 'm_find': S.find.open = true; S.find.replace = true; S.popover = null; S.focus = 'find'; break;
      case 'm_prefs': S.preferences = true; S.popover = null; break;
      case 'm_shortcuts': S.shortcutsWindow = true; S.popover = null; break;
      case 'm_help': S.help = true; S.popover = null; break;
      case 'm_about': S.about = true; S.popover = null; break;
      case 'activities': S.overview = true; break;
      case 'clock': S.calendarMenu = true; break;
      case 'system': S.quickSettings = true; break;
      case 'ind_spaces': S.indent = 'spaces'; S.popover = null; break;
      case 'ind_tabs': S.indent = 'tabs'; S.popover = null; break;
    }
  }
  function ctxCmd(c) {
    const d = D();
    switch (c) {
      case 'undo': undo(); break; case 'redo': redo(); break;
      case 'cut': S.clipboard = selectedText(d); del(0); break;
      case 'copy': S.clipboard = selectedText(d); break;
      case 'paste': insert(S.clipboard); break;
      case 'delete': del(0); break;
      case 'selectall': d.anchor = { line: 1, col: 0 }; d.caret = posAt(d, d.text.length); break;
      case 'ignore': S.ignored = S.contextMenu.word; break;
      case 'emoji': S.emojiChooser = true; break;
    }
  }
  // Double-clicks are read from the click count (event.detail): the first click re-renders the line, and Chromium
  // only fires dblclick when both clicks hit the same node.
  function onDouble(e) {
    if (e.target.closest('[data-omni="title_drag_area"],#header') && !e.target.closest('button')) { S.window = S.window === 'maximized' ? 'normal' : 'maximized'; render(); return; }
    if (e.target.closest('#tab-fill')) { newTab(); render(); return; }
    if (!e.target.closest('[data-line]')) return;
    const d = D(); const p = posFromEvent(e); const w = wordAt(d, p);
    d.anchor = { line: p.line, col: w.a }; d.caret = { line: p.line, col: w.b }; render();
  }
  document.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    if (!e.target.closest('[data-line]')) return;
    const d = D(); const p = posFromEvent(e); const typo = e.target.closest('.typo');
    let word = null, range = null;
    if (typo) { const w = wordAt(d, p); word = typo.dataset.omni.replace('misspelled_', ''); range = [{ line: p.line, col: w.a }, { line: p.line, col: w.b }];
      d.anchor = range[0]; d.caret = range[1]; }
    else if (!selRange(d)) { d.caret = p; }
    S.contextMenu = { x: e.clientX, y: e.clientY, word, range, line: p.line };
    render();
  });
  document.addEventListener('mouseover', (e) => {
    const t = e.target.closest('[data-omni]');
    const tip = t && t.dataset.tip ? t.dataset.omni : null;
    const tab = e.target.closest('[data-tab]');
    const hov = tab ? tab.dataset.omni || tab.dataset.omniHidden : null;
    if (tip !== S.tooltip || hov !== S.hover) { S.tooltip = tip; S.hover = hov; render(); }
  });
  document.addEventListener('wheel', (e) => {
    if (!e.target.closest('#editor')) return;
    e.preventDefault();
    const d = D();
    d.scrollTop = Math.max(0, Math.min(maxScroll(d), d.scrollTop + e.deltaY));
    d.scrollLeft = Math.max(0, Math.min(maxHScroll(d), d.scrollLeft + e.deltaX + (e.shiftKey ? e.deltaY : 0)));
    render();
  }, { passive: false });

  // ---- keyboard ----
  document.addEventListener('keydown', (e) => {
    const k = e.key, c = e.ctrlKey || e.metaKey, sh = e.shiftKey;
    const d = D();
    if (S.dialog) { if (k === 'Escape') { S.dialog = null; render(); } else if (k === 'Enter') { doAct('dlg_save'); render(); } e.preventDefault(); return; }
    if (k === 'Escape') { if (S.contextMenu || S.popover) { S.contextMenu = null; S.popover = null; } else if (S.find.open) { S.find.open = false; S.focus = 'text'; document.activeElement.blur(); } render(); e.preventDefault(); return; }
    const inInput = document.activeElement && document.activeElement.tagName === 'INPUT';
    if (c) {
      let h = true;
      switch (k.toLowerCase()) {
        case 's': if (sh) S.saveAsDialog = true; else save(d); break;
        case 'f': S.find.origin = offset(d, selRange(d) ? selRange(d)[0] : d.caret); S.find.open = true; S.find.replace = false; S.focus = 'find'; focusAfterRender = { id: 'find_input', select: true }; break;
        case 'h': S.find.origin = offset(d, selRange(d) ? selRange(d)[0] : d.caret); S.find.open = true; S.find.replace = true; S.focus = 'find'; focusAfterRender = { id: 'find_input' }; break;
        case 'g': findNext(sh ? -1 : 1); break;
        case 't': newTab(); break;
        case 'n': S.newWindows++; break;
        case 'w': closeTab(S.active); break;
        case 'o': S.openDialog = true; break;
        case 'p': S.printDialog = true; break;
        case 'i': S.goToLine = true; break;
        case 'z': if (inInput) { h = false; break; } if (sh) redo(); else undo(); break;
        case 'a': if (inInput) { h = false; break; } d.anchor = { line: 1, col: 0 }; d.caret = posAt(d, d.text.length); break;
        case 'c': if (inInput) { h = false; break; } S.clipboard = selectedText(d); break;
        case 'x': if (inInput) { h = false; break; } S.clipboard = selectedText(d); del(0); break;
        case 'v': if (inInput) { h = false; break; } insert(S.clipboard); break;
        case 'd': if (inInput) { h = false; break; } { snapshot(d); const ls = lines(d); ls.splice(d.caret.line - 1, 1); d.text = ls.join('\n'); d.modified = true; d.anchor = null; move({ line: d.caret.line, col: 0 }); } break;
        case 'home': move({ line: 1, col: 0 }, sh); break;
        case 'end': { const ls = lines(d); move({ line: ls.length, col: ls[ls.length - 1].length }, sh); } break;
        case 'pagedown': S.active = (S.active + 1) % S.tabs.length; break;
        case 'pageup': S.active = (S.active + S.tabs.length - 1) % S.tabs.length; break;
        default: h = false;
      }
      if (h) { e.preventDefault(); render(); }
      return;
    }
    if (inInput) {
      if (k === 'Enter') { e.preventDefault(); if (S.focus === 'replace') replaceOne(); else findNext(sh ? -1 : 1); render(); }
      return;  // the input handles its own text
    }
    const ls = lines(d); let h = true;
    switch (k) {
      case 'Enter': { const indent = (ls[d.caret.line - 1].match(/^\s*/) || [''])[0]; insert('\n' + indent.slice(0, d.caret.col)); } break;
      case 'Backspace': del(-1); break;
      case 'Delete': del(1); break;
      case 'Tab': insert(d.lang === 'Python 3' ? '    ' : '\t'); break;
      case 'ArrowLeft': { const r = selRange(d); if (r && !sh) move(r[0]); else move(posAt(d, Math.max(0, offset(d, d.caret) - 1)), sh); } break;
      case 'ArrowRight': { const r = selRange(d); if (r && !sh) move(r[1]); else move(posAt(d, offset(d, d.caret) + 1), sh); } break;
      case 'ArrowUp': move({ line: d.caret.line - 1, col: d.caret.col }, sh); break;
      case 'ArrowDown': move({ line: d.caret.line + 1, col: d.caret.col }, sh); break;
      case 'Home': { const ind = (ls[d.caret.line - 1].match(/^\s*/) || [''])[0].length;  // smart home, as GtkSourceView
        move({ line: d.caret.line, col: d.caret.col === ind ? 0 : ind }, sh); } break;
      case 'End': move({ line: d.caret.line, col: ls[d.caret.line - 1].length }, sh); break;
      case 'PageDown': move({ line: d.caret.line + 30, col: d.caret.col }, sh); break;
      case 'PageUp': move({ line: d.caret.line - 30, col: d.caret.col }, sh); break;
      default:
        if (k.length === 1 && !e.altKey) insert(k); else h = false;
    }
    if (h) { e.preventDefault(); S.focus = 'text'; render(); }
  });
  document.addEventListener('input', (e) => {
    if (e.target.id === 'find_input') {  // incremental search starts again from where the search began
      const d = D(); S.find.query = e.target.value; S.find.current = -1; S.focus = 'find';
      d.anchor = null; d.caret = posAt(d, S.find.origin || 0); findNext(1); }
    if (e.target.id === 'replace_input') { S.find.replacement = e.target.value; S.focus = 'replace'; }
    render();
  });
  document.addEventListener('focusin', (e) => {
    if (e.target.id === 'find_input') S.focus = 'find';
    if (e.target.id === 'replace_input') S.focus = 'replace';
  });

  // measure the monospace advance once the font is in
  function measure() { const m = document.createElement('span'); m.className = 'row'; m.style.cssText = 'position:absolute;visibility:hidden;display:inline';
    m.textContent = 'x'.repeat(100); document.body.appendChild(m); charW = m.getBoundingClientRect().width / 100; m.remove(); }
  function start() {
    measure(); render();
    if (S.focus === 'find') { const i = $('#find_input'); i.focus(); i.setSelectionRange(i.value.length, i.value.length); }
    if (SCREEN === 'find') { findNext(1); render(); }
    window.omni = { ready: true, state: S };
  }
  document.fonts.ready.then(start);
})();
