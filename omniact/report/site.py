"""The static site: an index with a sortable table and a chart, a page per entry, a page per task.

Self-contained (the shared CSS and JS written once under assets/, SVG inline, screenshots copied in), with relative
links only, so it works opened from disk and served by any static server.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from omniact.actions import Action, format_action, parse_script, script_points
from omniact.atomic import atomic_file, remove_stale_temporaries
from omniact.dataset import Dataset, task_labels
from omniact.errors import ParseError, UserError, escape_bidi, shorten
from omniact.report.assets import ASSETS, SiteAssets, asset, write_assets
from omniact.report.compare import Comparison, compare
from omniact.report.escape import script_json, write_text, write_text_parts
from omniact.report.leaderboard import (
    METRICS,
    SITE_MARKER,
    Entry,
    Leaderboard,
    TaskColumns,
    site_marker,
    table_texts,
    write_tables,
)
from omniact.task import Task

__all__ = ["write_site"]

CSS = """
:root { --fg:#1d2330; --muted:#667085; --line:#e4e7ec; --accent:#2563d9; --gold:#12a150; --pred:#d6246e; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg);
       margin: 0; background: #f7f8fa; }
header { background: #101828; color: #fff; padding: 14px 28px; }
header a { color: #c7d7fe; } header h1 { margin: 0; font-size: 20px; overflow-wrap: anywhere; }
main { padding: 20px 28px 60px; max-width: 1500px; }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); margin: 10px 0 24px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { background: #f2f4f7; position: sticky; top: 0; }
table.sortable th { cursor: pointer; }
/* A sortable column's header is a button (SORT_JS): it takes the keyboard's focus, and its arrow shows aria-sort. */
/* The button covers its header cell, padding and all (negative margins as large as the cell's padding), so that a
   tap anywhere on the header is on it: at least 32 px each way, 44 px where the pointer is a finger. */
th button.sort { font: inherit; color: inherit; background: none; border: 0; padding: 6px 10px; margin: -6px -10px;
                 cursor: pointer; text-align: inherit; user-select: none; display: block; width: calc(100% + 20px);
                 min-width: 32px; min-height: 32px; white-space: inherit; overflow-wrap: inherit; }
@media (pointer: coarse) { th button.sort { min-width: 44px; min-height: 44px; } }
th button.sort:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
th[aria-sort=ascending] button.sort::after { content: " \\25B2"; }
th[aria-sort=descending] button.sort::after { content: " \\25BC"; }
td.l, th.l { text-align: left; white-space: normal; }
/* A key/value table's key (a row header for screen readers) looks like the value beside it. */
th[scope=row] { background: none; position: static; font-weight: normal; }
td.nw { white-space: nowrap; }
.card table { width: 100%; table-layout: fixed; margin-bottom: 0; }
.card td, .card th[scope=row] { overflow-wrap: anywhere; }
#compare-groups td { overflow-wrap: normal; }  /* "action", not "ac ti o n": on a phone the card scrolls instead */
th.wrap { white-space: normal; overflow-wrap: anywhere; min-width: 6em; }
/* A table wider than its place (FIT_JS marks it) scrolls sideways in a box of its own, so that the page keeps the
   window's width; a table that fits stays one, and its header stays at the window's top as the page scrolls. */
table.wide { display: block; overflow-x: auto; max-width: 100%; }
/* Read by screen readers, not shown. */
.vh { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip-path: inset(50%);
      white-space: nowrap; }
.ci { color: var(--muted); font-size: 12px; }
.tie { color: #b54708; font-weight: 600; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; background: #fef0c7; color: #93370d;
         font-size: 12px; margin-left: 4px; }
.bad { background: #fee4e2; color: #b42318; }
.muted { color: var(--muted); }
.warn { background: #fffaeb; border-color: #fedf89; color: #93370d; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); gap: 18px;
        align-items: start; }
.grid > *, .scripts > * { min-width: 0; }
select { max-width: min(100%, 40em); min-height: 32px; }
@media (pointer: coarse) { select { min-height: 44px; } }
/* A name (or team) of any length wraps inside its column, and the scores beside it stay on the screen. */
.name { min-width: 9em; max-width: 26em; overflow-wrap: anywhere; }
#rejected code { overflow-wrap: anywhere; }  /* a long path or message wraps on the page, not past it */
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
/* A card's and a script's heading is a section of the page (h2, after the page's h1: no level skipped for a screen
   reader's list of headings), drawn at the size of the h3 it was. */
.card h2, .scripts h2, h2.sub { font-size: 1.17em; margin: 1em 0; }
/* A chart (_chart): a grid of label, bar track and value; the track's lines mark 0, 25, 50, 75 and 100. */
.chart { font-size: 12px; }
.chart-title { font-weight: 600; margin-bottom: 6px; }
.bars { display: grid; grid-template-columns: fit-content(40%) minmax(6em, 1fr) max-content; gap: 8px 8px;
        align-items: center; }
.bar-label { text-align: right; overflow-wrap: anywhere; line-height: 1.25; }
.track { position: relative; height: 20px; border-right: 1px solid var(--line);
         background: linear-gradient(to right, var(--line) 1px, transparent 1px) 0 0 / 25% 100% repeat-x; }
.track .bar { position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent); border-radius: 3px; }
/* An interval's whisker: its ends are the borders, its line the ::before. */
.whisker { position: absolute; top: 5px; height: 10px; border: solid #101828; border-width: 0 1px; }
.whisker::before { content: ""; position: absolute; left: 0; right: 0; top: 4px; border-top: 1.5px solid #101828; }
.bar-value { color: #344054; font-variant-numeric: tabular-nums; }
.ticks { position: relative; height: 1.3em; font-size: 11px; color: var(--muted); }
.ticks span { position: absolute; top: 0; transform: translateX(-50%); }
.ticks span:first-child { transform: none; } .ticks span:last-child { transform: translateX(-100%); }
/* A narrow card: each label on a line of its own above its bar, so that bar and label both have the width. */
@media (max-width: 560px) {
  .bars { grid-template-columns: minmax(0, 1fr) max-content; row-gap: 2px; }
  .bar-label { grid-column: 1 / -1; text-align: left; margin-top: 6px; }
  .axis-lead { display: none; }
}
pre { background: #0b1020; color: #e6edf3; padding: 10px; border-radius: 6px; overflow: auto; font-size: 13px; }
.shot { position: relative; display: inline-block; max-width: 100%; }
.shot img, .shot svg { width: 100%; height: auto; display: block; }
.shot svg { position: absolute; left: 0; top: 0; height: 100%; }
/* A box takes taps and clicks on its whole area (most are drawn without a fill), the points drawn over boxes do
   not; the smallest boxes are drawn last, so that a box inside another is reachable. TASK_JS shows a box's label
   on a tap, a click, the keyboard's focus or the mouse's hover. */
.shot rect.box { pointer-events: all; cursor: pointer; outline: none; }
.shot circle, .shot text { pointer-events: none; }
.shot rect.box.on, .shot rect.box:focus-visible { stroke: #f79009; stroke-opacity: 1; stroke-width: 3px;
                                                  vector-effect: non-scaling-stroke; }
.box-label { position: absolute; z-index: 1; max-width: min(100%, 24em); margin: 3px 0; padding: 2px 7px;
             background: #101828; color: #fff; border-radius: 4px; font-size: 13px; overflow-wrap: anywhere;
             pointer-events: none; box-shadow: 0 1px 4px rgba(0, 0, 0, .35); display: flex; align-items: center;
             gap: 8px; }
.box-label[hidden] { display: none; }
/* A tapped (or clicked, or focused) box's label has a button to see the box up close: the one part of the label that
   takes taps, so that the label never stands between a finger and the boxes under it. */
.box-label button { pointer-events: auto; flex: none; font: inherit; font-size: 12px; min-height: 26px;
                    padding: 0 8px; border: 0; border-radius: 4px; background: #2f6fed; color: #fff; cursor: pointer; }
.box-label button::before { content: "up close"; }
@media (pointer: coarse) { .box-label button { min-height: 32px; } }
.box-tools { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: flex-start; margin: 0 0 8px; }
.box-tools button, dialog button { font: inherit; min-height: 32px; padding: 4px 10px; border: 1px solid #d0d5dd;
                                   border-radius: 6px; background: #fff; color: inherit; cursor: pointer; }
@media (pointer: coarse) { .box-tools button, dialog button, #box-list summary { min-height: 44px; } }
#all-labels[aria-pressed=true] { background: #101828; color: #fff; border-color: #101828; }
#box-list summary { cursor: pointer; color: var(--accent); padding: 6px 0; display: flex; align-items: center; }
#box-list ul { list-style: none; padding: 0; margin: 4px 0 0; display: flex; flex-wrap: wrap; gap: 6px; }
#box-list button { overflow-wrap: anywhere; text-align: left; }
/* Every box's label at once (TASK_JS places each beside its box, where it covers fewest others), clipped to the
   screenshot. */
.all-labels { position: absolute; inset: 0; overflow: hidden; pointer-events: none; }
.all-label { position: absolute; max-width: 100%; padding: 0 3px; font-size: 11px; line-height: 15px;
             white-space: nowrap; overflow: hidden; text-overflow: ellipsis; border-radius: 3px;
             background: rgba(16, 24, 40, .85); color: #fff; }
.all-label.target { background: #0b6e37; z-index: 1; }  /* placed first, drawn over the labels placed after */
dialog#zoom { width: min(720px, calc(100vw - 16px)); max-width: none; padding: 8px; border: 0; border-radius: 8px;
              box-shadow: 0 8px 30px rgba(0, 0, 0, .4); }
dialog#zoom::backdrop { background: rgba(16, 24, 40, .6); }
.zoom-bar { display: flex; gap: 6px; align-items: center; margin-bottom: 8px; }
#zoom-title { flex: 1; min-width: 0; overflow-wrap: anywhere; font-weight: 600; }
.zoom-view { position: relative; height: min(60vh, 80vw, 440px); overflow: hidden; background: #101828 no-repeat;
             cursor: zoom-out; }
.zoom-box { position: absolute; border: 3px solid #f79009; box-shadow: 0 0 0 1px #fff, 0 0 0 9999px rgba(0,0,0,.25);
            pointer-events: none; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 50%; vertical-align: -1px; }
.skip { position: absolute; left: -10000px; }  /* a keyboard's way past the boxes: shown when focused */
.skip:focus { position: static; display: inline-block; margin: 4px 0; padding: 4px 8px; background: #fff; border: 2px solid var(--accent); }
details.numbers { margin-top: 6px; } details.numbers summary { cursor: pointer; color: var(--accent);
                                                              padding: 6px 0; }
details.numbers table { margin: 6px 0 0; }
.scripts { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
/* A phone: the page keeps the screen's width; a wide table scrolls sideways inside it, scripts stack. */
@media (max-width: 700px) {
  header { padding: 12px 14px; } main { padding: 14px 12px 40px; }
  table:not(.card table) { display: block; overflow-x: auto; max-width: 100%; }
  .scripts { grid-template-columns: 1fr; }
  #compare-groups { overflow-x: auto; }
}
"""

SORT_JS = """
(function () {
// A cell sorts by its data-v (numbers at full precision) or, without one, by its text. A column's first click sorts
// it the way a reader looks first: a score best first (its header says data-first=desc), anything else (names,
// ranks, penalties: lower is better) ascending; the next click reverses. Ties keep the page's own order.
function key(cell) { var v = cell.getAttribute('data-v'); return v === null ? cell.textContent : v; }
// A key is a number only when all of it is one: parseFloat reads "7B-zeta" and "7B-alpha" both as 7, and names that
// start with the same number never sorted.
var NUMBER = /^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?\\s*$/i;
function number(k) { return NUMBER.test(k) ? parseFloat(k) : NaN; }
// Names with numbers in them in number order: "Agent 2" before "Agent 10".
var collate = new Intl.Collator(undefined, {numeric: true}).compare;
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var body = table.tBodies[0];
  Array.prototype.forEach.call(body.rows, function (r, i) { r.setAttribute('data-i', i); });
  heads.forEach(function (th, col) {
    // The header's text goes into a button, so that Tab reaches it and Enter or Space sorts (its click reaches
    // the header's handler, as a click anywhere in the header does).
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    th.addEventListener('click', function () {
      var now = th.getAttribute('aria-sort');
      var asc = now ? now !== 'ascending' : th.getAttribute('data-first') !== 'desc';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        // a cell with no value (data-v empty: a penalty of a task that did not match) goes last either way
        var ex = a.cells[col].getAttribute('data-v') === '', ey = b.cells[col].getAttribute('data-v') === '';
        if (ex !== ey) return ex ? 1 : -1;
        var x = key(a.cells[col]), y = key(b.cells[col]);
        var nx = number(x), ny = number(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : collate(String(x), String(y));
        return (asc ? c : -c) || a.getAttribute('data-i') - b.getAttribute('data-i');
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
})();
"""

TASK_JS = """
(function () {
  // The site's one script runs on every page: this part only where a task page's data is.
  var holder = document.getElementById('task-data');
  if (!holder) return;
  var data = JSON.parse(holder.textContent);
  var select = document.getElementById('entry');
  var layer = document.getElementById('pred-layer');
  var script = document.getElementById('pred-script');
  var NS = 'http://www.w3.org/2000/svg';
  function show(i) {
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    var e = data.entries[i];
    if (!e) { script.textContent = ''; return; }
    script.textContent = e.error ? '(no script: the agent failed: ' + e.error + ')'
      : e.script === null ? '(no prediction)' : e.script;
    e.points.forEach(function (p, k) {
      var c = document.createElementNS(NS, 'circle');
      c.setAttribute('cx', p[0]); c.setAttribute('cy', p[1]); c.setAttribute('r', data.r);
      c.setAttribute('class', 'pred-point'); c.setAttribute('fill', '#d6246e'); c.setAttribute('fill-opacity', '0.85');
      c.setAttribute('stroke', '#fff'); c.setAttribute('stroke-width', data.r / 6);
      layer.appendChild(c);
      var t = document.createElementNS(NS, 'text');
      t.setAttribute('x', p[0]); t.setAttribute('y', p[1]); t.setAttribute('fill', '#fff');
      t.setAttribute('font-size', data.r * 1.2); t.setAttribute('text-anchor', 'middle');
      t.setAttribute('dominant-baseline', 'central'); t.textContent = String(k + 1);
      layer.appendChild(t);
    });
  }
  // The address names the entry shown (tasks/9.html#oracle, from oracle's page), so that it can be shared.
  function fromHash() {
    var h = location.hash.slice(1);
    try { h = decodeURIComponent(h); } catch (err) { return 0; }  // a mangled link (#%E0) shows the first entry
    for (var i = 0; i < data.entries.length; i++) { if (data.entries[i].slug === h) return i; }
    return 0;
  }
  function pick(i) {
    if (select) select.selectedIndex = i;
    show(i);
  }
  if (select) {
    select.addEventListener('change', function () {
      show(select.selectedIndex);
      var e = data.entries[select.selectedIndex];
      if (e && e.slug) location.replace('#' + e.slug);
    });
  }
  window.addEventListener('hashchange', function () { pick(fromHash()); });
  // A gold box's label shows on a tap or a click (the next one hides it), while the box has the keyboard's focus
  // (Tab; Enter or Space toggles it, Escape hides it) and while the mouse is over it: a phone has no hover. One
  // label at a time, placed below the box (above it near the screenshot's bottom) in percents of the screenshot, so
  // that it stays on its box at any width, in type a phone can read.
  var label = document.getElementById('box-label');
  var labelText = document.getElementById('box-label-text'), zoomHere = document.getElementById('box-zoom');
  // The box keeps the focus (and its label) while its "up close" button is pressed: the button opens the magnifier.
  ['pointerdown', 'mousedown'].forEach(function (t) { zoomHere.addEventListener(t, function (ev) { ev.preventDefault(); }); });
  zoomHere.addEventListener('click', function () { if (shown) openZoom(boxes.indexOf(shown)); });
  var view = label.parentNode.querySelector('svg').viewBox.baseVal;
  var shown = null, hovered = false, wasShown = false;
  function pct(v) { return (100 * v).toFixed(3) + '%'; }
  function showBox(box, byHover) {
    if (shown && shown !== box) shown.classList.remove('on');
    shown = box; hovered = byHover;
    box.classList.add('on');
    var x = box.x.baseVal.value, y = box.y.baseVal.value, w = box.width.baseVal.value, h = box.height.baseVal.value;
    var s = label.style;
    s.left = s.right = s.top = s.bottom = '';
    if (x + w / 2 <= view.width / 2) s.left = pct(x / view.width); else s.right = pct(1 - (x + w) / view.width);
    if ((y + h) / view.height < 0.85) s.top = pct((y + h) / view.height);
    else if (y / view.height > 0.15) s.bottom = pct(1 - y / view.height);
    else s.top = pct(y / view.height);
    labelText.textContent = box.getAttribute('aria-label');
    zoomHere.hidden = byHover;  // a mouse would leave the box on its way to the button, and the label with it
    label.hidden = false;
  }
  function hideBox() {
    if (shown) shown.classList.remove('on');
    shown = null; hovered = false;
    label.hidden = true;
  }
  document.querySelectorAll('.shot rect.box').forEach(function (box) {
    // A tap focuses the box before its click: whether the click shows or hides is decided before either.
    box.addEventListener('pointerdown', function () { wasShown = shown === box && !hovered; });
    box.addEventListener('click', function () { if (wasShown) hideBox(); else showBox(box, false); wasShown = false; });
    box.addEventListener('focus', function () { showBox(box, false); });
    box.addEventListener('blur', function (ev) { if (shown === box && ev.relatedTarget !== zoomHere) hideBox(); });
    box.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); if (shown === box) hideBox(); else showBox(box, false); }
      else if (ev.key === 'Escape' && shown === box) hideBox();
    });
    box.addEventListener('pointerenter', function (ev) {
      if (ev.pointerType === 'mouse' && (!shown || hovered)) showBox(box, true);
    });
    box.addEventListener('pointerleave', function (ev) {
      if (ev.pointerType === 'mouse' && shown === box && hovered) hideBox();
    });
  });
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.shot rect.box'));
  function geom(box) {
    return [box.x.baseVal.value, box.y.baseVal.value, box.width.baseVal.value, box.height.baseVal.value];
  }
  // "Show all labels": each box's label beside it, placed where it covers the fewest labels placed before it (the
  // gold targets first, then the smallest boxes, whose labels matter most), in percents of the screenshot; placed
  // again when the screenshot's size changes.
  var toggle = document.getElementById('all-labels');
  var layer2 = document.getElementById('all-labels-layer');
  function placeAll() {
    layer2.textContent = '';
    var sw = layer2.clientWidth, sh = layer2.clientHeight, kx = sw / view.width, ky = sh / view.height;
    var placed = [];
    function cost(l, t, w, h) {
      var c = 0;
      placed.forEach(function (p) {
        var ox = Math.min(l + w, p[0] + p[2]) - Math.max(l, p[0]), oy = Math.min(t + h, p[1] + p[3]) - Math.max(t, p[1]);
        if (ox > 0 && oy > 0) c += ox * oy;
      });
      return c;
    }
    boxes.map(function (box) {
      var g = geom(box), name = box.getAttribute('aria-label'), target = / [(]gold target[)]$/.test(name);
      return {g: g, name: target ? name.slice(0, -14) : name, target: target, area: g[2] * g[3]};
    }).sort(function (a, b) { return (b.target - a.target) || (a.area - b.area); }).forEach(function (b) {
      var el = document.createElement('span');
      el.className = 'all-label' + (b.target ? ' target' : '');
      el.textContent = b.name;
      layer2.appendChild(el);
      var lw = el.offsetWidth, lh = el.offsetHeight;
      var x = b.g[0] * kx, y = b.g[1] * ky, w = b.g[2] * kx, h = b.g[3] * ky;
      // above the box, inside its top, below it (at its left or its right edge), inside its bottom, beside it
      var spots = [[x, y - lh], [x, y], [x, y + h], [x + w - lw, y - lh], [x + w - lw, y], [x + w - lw, y + h],
                   [x, y + h - lh], [x + w - lw, y + h - lh], [x + w + 2, y + (h - lh) / 2],
                   [x - lw - 2, y + (h - lh) / 2], [x + w + 2, y - lh], [x + w + 2, y + h], [x - lw - 2, y - lh],
                   [x - lw - 2, y + h]];
      var best = null, bestCost = Infinity;
      for (var i = 0; i < spots.length && bestCost > 0; i++) {
        var l = Math.max(0, Math.min(sw - lw, spots[i][0])), t = Math.max(0, Math.min(sh - lh, spots[i][1]));
        var c = cost(l, t, lw, lh);
        if (c < bestCost) { bestCost = c; best = [l, t]; }
      }
      el.style.left = pct(best[0] / sw); el.style.top = pct(best[1] / sh);
      placed.push([best[0], best[1], lw, lh]);
    });
  }
  function setAll(on) {
    toggle.setAttribute('aria-pressed', on ? 'true' : 'false');
    layer2.hidden = !on;
    if (on) placeAll(); else layer2.textContent = '';
  }
  if (toggle) {
    toggle.addEventListener('click', function () { setAll(toggle.getAttribute('aria-pressed') !== 'true'); });
    var queued2 = false;
    window.addEventListener('resize', function () {
      if (queued2 || layer2.hidden) return;
      queued2 = true;
      requestAnimationFrame(function () { queued2 = false; if (!layer2.hidden) placeAll(); });
    });
  }
  // The magnifier: one box up close, its crop of the screenshot scaled so that the box (with room around it) fills
  // the view, but never more than about 12% of the screenshot's width across it, where a JPEG's pixels would show.
  var zoom = document.getElementById('zoom'), zview = document.getElementById('zoom-view');
  var zbox = document.getElementById('zoom-box'), ztitle = document.getElementById('zoom-title');
  var img = document.getElementById('screenshot'), current = -1, opener = null;
  function drawZoom(k) {
    current = (k + boxes.length) % boxes.length;
    var g = geom(boxes[current]), vw = zview.clientWidth, vh = zview.clientHeight;
    var W = view.width, H = view.height, room = 0.04 * W;
    var s = Math.min(vw / (1.4 * g[2] + room), vh / (1.4 * g[3] + room), vw / (0.12 * W));
    function offset(v, c, size) {  // the crop's origin: the box centred, the image kept over the whole view
      if (size * s <= v) return (v - size * s) / 2;
      return Math.min(0, Math.max(v - size * s, v / 2 - c * s));
    }
    var left = offset(vw, g[0] + g[2] / 2, W), top = offset(vh, g[1] + g[3] / 2, H);
    zview.style.backgroundImage = 'url(' + JSON.stringify(img.currentSrc || img.src) + ')';
    zview.style.backgroundSize = (W * s) + 'px ' + (H * s) + 'px';
    zview.style.backgroundPosition = left + 'px ' + top + 'px';
    var bs = zbox.style;
    bs.left = (left + g[0] * s - 3) + 'px'; bs.top = (top + g[1] * s - 3) + 'px';
    bs.width = (g[2] * s + 6) + 'px'; bs.height = (g[3] * s + 6) + 'px';
    ztitle.textContent = boxes[current].getAttribute('aria-label') + ' (' + (current + 1) + ' of ' + boxes.length + ')';
  }
  function openZoom(k) {
    opener = document.activeElement;
    hideBox();
    if (!zoom.open) zoom.showModal();
    drawZoom(k);
  }
  if (zoom) {
    document.querySelectorAll('button.zoom-open').forEach(function (b) {
      b.addEventListener('click', function () { openZoom(+b.getAttribute('data-box')); });
    });
    document.getElementById('zoom-close').addEventListener('click', function () { zoom.close(); });
    document.getElementById('zoom-prev').addEventListener('click', function () { drawZoom(current - 1); });
    document.getElementById('zoom-next').addEventListener('click', function () { drawZoom(current + 1); });
    zview.addEventListener('click', function () { zoom.close(); });
    zoom.addEventListener('click', function (ev) {  // a tap on the backdrop, beside the dialog
      var r = zoom.getBoundingClientRect();
      if (ev.target === zoom && (ev.clientX < r.left || ev.clientX > r.right || ev.clientY < r.top
                                 || ev.clientY > r.bottom)) zoom.close();
    });
    zoom.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowLeft') drawZoom(current - 1); else if (ev.key === 'ArrowRight') drawZoom(current + 1);
    });
    zoom.addEventListener('close', function () { if (opener && opener.focus) opener.focus(); opener = null; });
    window.addEventListener('resize', function () { if (zoom.open) drawZoom(current); });
  }
  // Each entry's name leads to its page (links made here: a board of 100 entries has them on every task page).
  document.querySelectorAll('#per-entry tbody tr').forEach(function (tr, k) {
    var e = data.entries[k], cell = tr.cells[0].firstElementChild || tr.cells[0];
    if (!e || !e.slug) return;
    var a = document.createElement('a');
    a.href = '../entries/' + e.slug + '.html';
    a.textContent = cell.textContent;
    cell.textContent = '';
    cell.appendChild(a);
  });
  pick(fromHash());
})();
"""

# The magnifier of a task page (TASK_JS): a crop of the page's own screenshot around one box, the box outlined, drawn
# as the image's background at a larger scale (no image file per box). A modal dialog: Escape, its Close button, a
# tap on the crop or beside the dialog close it, and the focus goes back to where it was.
ZOOM_DIALOG = ("<dialog id=zoom aria-labelledby=zoom-title><div class=zoom-bar><span id=zoom-title></span>"
               "<button type=button id=zoom-prev aria-label='Previous box'>&lsaquo;</button>"
               "<button type=button id=zoom-next aria-label='Next box'>&rsaquo;</button>"
               "<button type=button id=zoom-close autofocus>Close</button></div>"
               "<div id=zoom-view class=zoom-view role=img aria-label='the box up close'>"
               "<div id=zoom-box class=zoom-box></div></div></dialog>")

# Every page: a table wider than its place gets class `wide` (CSS: it scrolls sideways in a box of its own), so that
# the page keeps the window's width on a phone or a narrow window, whatever the names and results in it; a table
# that fits is left a table (its header stays at the window's top as the page scrolls, which a box would stop).
FIT_JS = """
(function () {
  function fit() {
    var tables = Array.prototype.slice.call(document.querySelectorAll('main table'));
    tables.forEach(function (t) { t.classList.remove('wide'); });
    tables.filter(function (t) {
      var p = t.parentElement, cs = getComputedStyle(p);
      return t.offsetWidth > p.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) + 0.5;
    }).forEach(function (t) { t.classList.add('wide'); });
  }
  var queued = false;
  window.addEventListener('resize', function () {
    if (!queued) { queued = true; requestAnimationFrame(function () { queued = false; fit(); }); }
  });
  fit();
})();
"""

# On an entry page, each task link names the entry, so that the task page shows this entry's prediction.
ENTRY_JS = """
(function () {
  var table = document.getElementById('tasks');
  var slug = table && table.getAttribute('data-entry');
  if (!slug) return;
  table.querySelectorAll('tbody td:first-child a').forEach(function (a) { a.hash = slug; });
})();
"""


# A sortable column's first click (SORT_JS): scores, where higher is better, best first; the rest ascending (a
# change from a baseline too: what broke first, as the comparison cards list them).
_DESC = " data-first=desc"
_FIRST = {key: _DESC if key in ("sequence_score", "action_score") else "" for _, key in METRICS}


def _e(text: Any) -> str:
    text = "" if text is None else str(text)
    # A short text is escaped once (every entry page of a board escapes the same group names and metadata keys);
    # a long one (a task page's scripts) each time, not kept.
    return _escaped(text) if len(text) <= 200 else _escape(text)


def _escape(text: str) -> str:
    # Bidi controls shown as escapes: a name's right-to-left override would reorder the rest of its row.
    return html.escape(escape_bidi(text), quote=True)


_escaped = lru_cache(maxsize=1 << 14)(_escape)


def _slugs(names: Sequence[str]) -> list[str]:
    """Each entry's page file name (without .html), distinct even where names are not: "a b" and "a-b" read the
    same here, and "A" and "a" are one file on a case-insensitive disk. So slugs are lower-case ASCII (a name with
    other letters, which disks fold in their own ways, keeps a hash of itself) and compared as such."""
    from collections import Counter

    bases = ["".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in name.lower()).strip("-")[:60]
             for name in names]
    shared = Counter(bases)
    taken: set[str] = set()
    out = []
    for name, base in zip(names, bases):
        # A name with non-ASCII letters, or one whose slug another name shares ("Agent" and "agent"), keeps a hash
        # of itself: its page's address then stays its own when the ranks, or the files given, change order.
        if not name.isascii() or shared[base] > 1:
            digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            base = f"{base}-{digest}" if base else digest
        slug, n = base or "entry", 2
        while slug in taken:
            slug, n = f"{base or 'entry'}-{n}", n + 1
        taken.add(slug)
        out.append(slug)
    return out


#: task ids kept as their page's name: lower-case ASCII, short, not hidden, not spelt like a hashed name
_PLAIN_ID = re.compile(r"(?!t-)[a-z0-9_-][a-z0-9._-]{0,99}")


def task_file(task_id: str) -> str:
    """A task id as a safe file name. Ids come from the split file: none may climb out of the site, be longer
    than a file name may be (100 CJK characters are 300 bytes), or share a page with another where a file system
    folds case ("A" and "a" on macOS and Windows) or Unicode forms (NFC and NFD "é"): any id but a short
    lower-case ASCII one is named by its hash."""
    if _PLAIN_ID.fullmatch(task_id):
        return f"{task_id}.html"
    return f"t-{hashlib.sha256(task_id.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}.html"


def _page(title: str, body: str, depth: int, tab_title: str | None = None) -> str:
    """A page of the site: `title` its heading, and its window's title unless `tab_title` says more. `depth` is how
    many folders below the site's root the page is (0: index.html; 1: entries/, tasks/)."""
    up = "../" * depth
    assets = _site_assets()
    # The shared CSS and JS are files (`assets`), referred to relatively; data for the script goes in the body,
    # through `script_json`. One script element (a page's scripts are only ever its own: a test counts them).
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{_e(tab_title or title)}</title>"
            f"<meta name=viewport content='width=device-width, initial-scale=1'>"
            f"<link rel=icon href='data:,'>{assets.head(up)}</head><body>"
            f"<header><h1><a href='{up}index.html'>omniact</a> &rsaquo; {_e(title)}</h1></header>"
            f"<main>{body}</main>{assets.tail(up)}</body></html>")


def _site_assets() -> SiteAssets:
    """The site's shared stylesheet and script, from this module's current text (a test may change it)."""
    return _assets_of(CSS, (SORT_JS, ENTRY_JS, TASK_JS, FIT_JS))


@lru_cache(maxsize=4)
def _assets_of(css: str, scripts: tuple[str, ...]) -> SiteAssets:
    # One script for every page kind (each part finds its own elements, or does nothing): one file to fetch and
    # cache for the whole site. Each part is a function of its own, run in the order a page ran them inline.
    return SiteAssets(asset("site", "css", css), asset("site", "js", "".join(scripts)))


def _pct(v: float) -> str:
    return f"{100 * v:.2f}"


def _chart(rows: Sequence[tuple[str, float, tuple[float, float] | None]], title: str,
           metric: str = "AS", interval: str = "interval") -> str:
    """A horizontal bar chart (x100) with interval whiskers, and under it its numbers as a table (folded): each
    label, value and interval, for the keyboard and screen readers.

    The chart is HTML, not an SVG scaled to its card: its text keeps the page's size at any width (an SVG of a fixed
    width shrank to 6 px type on a phone), a long label wraps in its column (above its bar on a phone) instead of
    being cut short, and the bars and whiskers are drawn to scale in percents of their track."""

    def pct(v: float) -> str:
        return f"{100 * max(0.0, min(1.0, v)):.3f}%"

    cells = []
    for label, value, ci in rows:
        whisker = ""
        if ci is not None:
            lo, hi = (max(0.0, min(1.0, c)) for c in ci)
            whisker = f"<span class=whisker style='left:{pct(lo)};width:{pct(hi - lo)}'></span>"
        cells.append(f"<span class=bar-label>{_e(label)}</span><span class=track><span class=bar "
                     f"style='width:{pct(value)}'></span>{whisker}</span><span class=bar-value>{_pct(value)}</span>")
    ticks = "".join(f"<span style='left:{t}%'>{t}</span>" for t in range(0, 101, 25))
    cells.append(f"<span class=axis-lead></span><span class=ticks>{ticks}</span><span></span>")
    parts = [(f"<div class=chart role=img aria-label='{_e(title)}'><div class=chart-title>{_e(title)}</div>"
              f"<div class=bars>{''.join(cells)}</div></div>")]
    with_ci = any(ci is not None for _, _, ci in rows)
    table = "".join(f"<tr>{_row_label(_e(label))}<td>{_pct(value)}</td>"
                    + (f"<td>{'' if ci is None else f'[{_pct(ci[0])}, {_pct(ci[1])}]'}</td>" if with_ci else "")
                    + "</tr>" for label, value, ci in rows)
    parts.append(f"<details class=numbers><summary>The numbers</summary><table><thead><tr><th scope=col class=l></th>"
                 f"<th scope=col>{_e(metric)}</th>{f'<th scope=col>{_e(interval)}</th>' if with_ci else ''}</tr></thead>"
                 f"<tbody>{table}</tbody></table></details>")
    return "".join(parts)


def _metric_cells(e: Entry) -> str:
    cells = []
    for _, key in METRICS:
        lo, hi = e.ci[key]
        cells.append(f"<td data-v='{e.score[key]:.10f}'>{_pct(e.score[key])}"
                     f"<div class=ci>[{_pct(lo)}, {_pct(hi)}]</div></td>")
    return "".join(cells)


def _notes(e: Entry) -> str:
    out = []
    if e.submission.uses_gold:
        out.append("<span class=badge>uses gold</span>")
    if e.dataset_match is False:
        out.append("<span class='badge bad'>other data</span>")
    if e.score["n_missing"]:
        out.append(f"<span class=badge>{e.score['n_missing']} missing</span>")
    n = e.score["n_parse_errors"]
    if n:  # as leaderboard.md notes it: beside the name, where a phone shows it, not only in the last column
        out.append(f"<span class='badge bad'>{n} parse error{'' if n == 1 else 's'}</span>")
    return "".join(out)


def _index(board: Leaderboard, slugs: Sequence[str]) -> str:
    ds = board.dataset
    head = "".join(f"<th scope=col{_FIRST[key]}>{s}</th>" for s, key in METRICS)
    rows = []
    for e, slug in zip(board.entries, slugs):
        # "=" explained in the page's text above the table, for a finger that cannot hover, and to a screen reader
        rank = (f"{e.rank}<span class=tie title='tied with the entry above'>=</span><span class=vh> (tied with the "
                f"entry above)</span>" if e.tied_with_above else str(e.rank))
        meta = e.submission.meta
        who = " &middot; ".join(_e(meta[k]) for k in ("team", "model", "date") if meta.get(k))
        href = _http_link(meta.get("link"))
        link = f" <a href='{_e(href)}' rel=noopener>link</a>" if href else ""
        rows.append(
            f"<tr class=entry><td data-v='{e.rank}'>{rank}</td>"
            f"<td class=l data-v='{_e(e.name)}'><div class=name><a href='entries/{slug}.html'>{_e(e.name)}</a>"
            f"{_notes(e)}<div class=muted>{who}{link}</div></div></td>{_metric_cells(e)}"
            f"<td data-v='{e.exact_solved:.10f}'>{_pct(e.exact_solved)}</td>"
            f"<td data-v='{e.score['n_parse_errors']}'>{e.score['n_parse_errors']}</td></tr>")
    # (the level the board was built with, which `build_leaderboard` takes: 95% from the command line)
    interval = f"{round(100 * board.bootstrap['confidence'])}% interval"
    chart_as = _chart([(e.name, e.score["action_score"], e.ci["action_score"]) for e in board.entries],
                      f"Action score (AS) with {interval}", interval=interval)
    chart_ss = _chart([(e.name, e.score["sequence_score"], e.ci["sequence_score"]) for e in board.entries],
                      f"Sequence score (SS) with {interval}", metric="SS", interval=interval)
    rejected = ""
    if board.rejected:
        items = "".join(f"<li><code>{_e(r.message)}</code></li>" for r in board.rejected)
        rejected = f"<h2>Rejected submissions</h2><ul id=rejected>{items}</ul>"
    b = board.bootstrap
    body = (f"<p class=muted>Split <b>{_e(ds.get('split'))}</b>, {ds.get('n_tasks')} tasks, data sha256 "
            f"<code>{_e(str(ds.get('sha256'))[:16])}</code>; scorer {_e(board.scorer_version)} in "
            f"<b>{_e(board.mode)}</b> mode. Scores x100, intervals from {b['samples']} task resamples (seed "
            f"{b['seed']}); ranked by AS; rank = 1 + the number of entries significantly better (paired "
            f"bootstrap interval of the AS difference above 0); <span class=tie>=</span> marks a tie with the entry "
            f"above (the interval of their AS difference includes 0). M, K and W are the click (mouse), key and "
            f"write penalties. Click a column to sort.</p>"
            f"<table id=leaderboard class=sortable><thead><tr><th scope=col aria-sort=ascending>#</th><th scope=col class=l>entry</th>"
            f"{head}<th scope=col{_DESC}>exact</th><th scope=col>parse errors</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<div class=grid><div class=card>{chart_as}</div><div class=card>{chart_ss}</div></div>{rejected}")
    return _page(f"Leaderboard: {ds.get('split')}", body, 0)


def _http_link(link: object) -> str | None:
    """A metadata `link` as the index's anchor takes it: an http(s) address, without the spaces around it; None for
    anything else (``javascript:`` runs a script). A scheme is case-insensitive (``HTTPS://`` is one) and a space
    pasted in with the address is not part of it: leaderboard.json keeps both, and the index dropped them unsaid."""
    from urllib.parse import urlsplit

    if not isinstance(link, str):
        return None
    link = link.strip()
    try:
        scheme = urlsplit(link).scheme
    except ValueError:  # a malformed address ("http://[::1"): no link, as any other that is not one
        return None
    return link if scheme.lower() in ("http", "https") else None


def _row_heads(ds: Dataset, task_pages: bool, up: str = "../") -> list[str]:
    """Each task's first three cells (id, app, goal): the same on every entry page, so escaped once. `up` leads
    from the page to the site's root."""
    heads = []
    for task_id, app, goal in task_labels(ds):
        cell = (f"<a href='{up}tasks/{task_file(task_id)}'>{_e(task_id)}</a>" if task_pages else _e(task_id))
        # Text cells sort by their text (no data-v): a leaderboard repeats these cells on every entry page.
        heads.append(f"<tr><td class=l>{cell}</td><td class=l>{_e(app)}</td><td class=l>{_e(goal)}</td>")
    return heads


def _status(missing: object, matched: object, parse_error: object, why: str | None = None) -> str:
    """A task's result for one entry, from its columns' values (`Entry.tasks`). Reference mode can match a script
    the parser refuses (the released rules read lines, not calls); an unmatched one says why when that is known."""
    if missing:
        return "missing"
    if matched:
        return "match, parse error" if parse_error else "match"
    if parse_error:  # (in reference mode, an unmatched one has a first difference too)
        return f"no match: {why}; parse error" if why else "parse error"
    return f"no match: {why}" if why else "no match"


_STATUS_CELLS: dict[str, str] = {}


def _status_cell(status: str) -> str:
    cell = _STATUS_CELLS.get(status)
    if cell is None:
        # Kept on one line while short; a long one (an agent's error) wraps, as a goal does: unwrapped, it made the
        # table twice the window's width, its scores out of sight.
        cell = _STATUS_CELLS[status] = f"<td class='{'l nw' if len(status) <= 32 else 'l'}'>{_e(status)}</td>"
    return cell


_NO_PENALTIES = "<td data-v='' title='no match: no penalty'>&mdash;</td>" * 3


class _Cells(dict):
    """A penalty or score -> its table cell. A leaderboard writes a row per task per entry; most values are 0 or a
    few fractions 1/n, so each distinct value's cell is formatted once, when first asked for.

    A cell sorts by its text where that is the value itself (0, 1, a half: most cells), and by its value in full
    (data-v) where the text rounds it: a hundred entry pages of 2,000 rows each were 40% sort keys."""

    def __missing__(self, v: float) -> str:
        text = f"{v:.3f}"
        cell = self[v] = f"<td>{text}</td>" if float(text) == v else f"<td data-v='{float(v)!r}'>{text}</td>"
        return cell


def _arrays(t: Mapping[str, Sequence[Any]]) -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """(a column of an entry's task vectors as float64, one as bool) as numpy arrays: read from their bytes where
    the entry has them (a leaderboard's), else converted. A value is true as Python has it: a NaN is, a None is not."""
    import numpy as np

    if isinstance(t, TaskColumns):
        return t.array, lambda k: t.array(k) != 0  # (a flag's array is bool already; a float's is compared)

    def col(k: str) -> Any:
        return np.asarray(t[k], dtype=float)

    def flag(k: str) -> Any:
        return np.fromiter(map(bool, t[k]), dtype=bool, count=len(t[k]))

    return col, flag


def _task_counts(t: Mapping[str, Sequence[Any]]) -> dict[str, int]:
    """Where an entry's tasks went: how many matched (and of those, how many lost points to which penalty), did
    not match, were refused by the parser or had no prediction. Tasks without gold actions are left out."""
    import numpy as np

    # Whole columns at once: a leaderboard counts every task of every entry.
    col, flag = _arrays(t)
    scored = ~(col("w") <= 0)
    missing = scored & flag("missing")
    matched = scored & ~missing & flag("m")
    refused = scored & ~missing & ~flag("m") & flag("parse_error")

    def count(mask: Any) -> int:
        return int(np.count_nonzero(mask))

    n_missing, n_matched, n_refused = count(missing), count(matched), count(refused)
    no_match = count(scored) - n_missing - n_matched - n_refused
    return {"scored": count(scored), "matched": n_matched, "exact": count(matched & (col("s") >= 1.0 - 1e-12)),
            "click": count(matched & (col("c") > 0)), "key": count(matched & (col("k") > 0)),
            "write": count(matched & (col("x") > 0)), "no match": no_match, "parse error": n_refused,
            "missing": n_missing}


#: A task row's values after its first three cells, as its key in `_row_keys`: whether its prediction is missing,
#: matched and refused (0 or 1), its click, key and write penalties and its score.
_ROW = struct.Struct("7d")


def _row_keys(t: Mapping[str, Sequence[Any]]) -> tuple[list[bytes], bool]:
    """Each task's `_ROW` values packed (a key that hashes fast, equal only for the same values to the bit: -0.0 is
    not 0.0, and each still takes the cell the page first shows for its value), and whether no value is -0.0 (the
    one value shown in two ways: "-0.000", or "0.000" where the page showed 0.0 first)."""
    import numpy as np

    col, flag = _arrays(t)
    rows = np.empty((len(col("w")), 7))
    for j, k in enumerate(("missing", "m", "parse_error")):
        rows[:, j] = flag(k)
    for j, k in enumerate(("c", "k", "x", "s"), 3):
        rows[:, j] = col(k)
    values = rows[:, 3:]
    return rows.view(f"V{_ROW.size}").ravel().tolist(), not np.any(np.signbit(values) & (values == 0))


class _RowEnds:
    """Row ends (a row's cells after its first three, by `_row_keys` key) and value cells, shared by the entry pages
    of a site: a hundred entries share most of them (a match without penalty, a miss, a key penalty of 1/n). Only
    for pages with no -0.0, on which each cell depends on its value alone."""

    def __init__(self) -> None:
        self.ends: dict[bytes, str] = {}
        self.cells = _Cells()
        self.statuses: dict[tuple[object, object, object], str] = {}


def _row_label(html: str) -> str:
    """A key/value table's key cell (already escaped): a row header, so that a screen reader names each value."""
    return f"<th scope=row class=l>{html}</th>"


def _results_card(counts: Mapping[str, int]) -> str:
    """The entry page's "Results" card, from `_task_counts`."""
    rows = [("tasks", counts["scored"]), ("matched", counts["matched"]), ("&nbsp; exactly (no penalty)", counts["exact"]),
            ("&nbsp; with a click penalty", counts["click"]), ("&nbsp; with a key penalty", counts["key"]),
            ("&nbsp; with a write penalty", counts["write"]), ("no match", counts["no match"]),
            ("refused by the parser", counts["parse error"]), ("no prediction", counts["missing"])]
    cells = "".join(f"<tr>{_row_label(k)}<td>{v}</td></tr>" for k, v in rows)
    return f"<div class=card id=results><h2>Results</h2><table>{cells}</table></div>"


_NO_META = ("<p class=muted id=no-meta>None given: a <code>NAME.jsonl.meta.json</code> beside a prediction file "
            "(or a run's <code>meta.json</code>) names its team, model, date and link.</p>")


def _nothing_scored(counts: Mapping[str, int], failed: int = 0) -> str:
    """A warning above the scores when they are 0 because nothing could be scored, not because the agent missed:
    no task has a prediction (the wrong file, a run stopped before its first task), the parser refused each
    (`counts` from `_task_counts`), or the agent failed on each (`failed` tasks, from the run's records)."""
    scored, missing, refused = counts["scored"], counts["missing"], counts["parse error"]
    if scored and failed >= scored:
        return (f"<p class='card warn' id=nothing-scored>The agent failed on every one of the {scored} tasks (no "
                "answer): the scores are 0 because it gave none. Each task's error is in the table below.</p>")
    if not scored:
        return ("<p class='card warn' id=nothing-scored>No task here has gold actions: there is nothing to "
                "score.</p>")
    if missing == scored:
        return (f"<p class='card warn' id=nothing-scored>No prediction for any of the {scored} tasks: the "
                "scores are 0 because nothing was answered. Is this the right file (and split), or a run that "
                "stopped before its first task?</p>")
    if failed and failed + missing >= scored:  # (a run stopped after its first tasks all failed)
        return (f"<p class='card warn' id=nothing-scored>The agent failed on each of the {failed} tasks it did, and "
                f"the other {missing} have no prediction (the run stopped before them): the scores are 0 because it "
                "gave no answer. Each task's error is in the table below.</p>")
    if missing + refused == scored:
        return (f"<p class='card warn' id=nothing-scored>The parser refused every prediction ({refused} of "
                f"{scored} tasks{f', the other {missing} have none' if missing else ''}): the scores are 0 "
                "because no script could be read.</p>")
    return ""


def _entry_page(e: Entry, heads: list[str], depth: int = 1, page_title: str | None = None, why_card: str = "",
                reasons: Mapping[int, str] | None = None, comparison: Comparison | None = None,
                slug: str | None = None, note: str | None = None, failed: int = 0,
                shared: _RowEnds | None = None) -> str:
    """An entry's page (`shared`: what the site's other entry pages made of their rows, see `_RowEnds`)."""
    return "".join(_entry_page_parts(e, heads, depth, page_title, why_card, reasons, comparison, slug, note, failed,
                                     shared))


#: Where an entry page's task rows go, in the text made around them: its last NUL (what follows the rows is the
#: page's own text, with none; a name or a note shown before them may hold one)
_ROWS_GO_HERE = "\x00"


def _entry_page_parts(e: Entry, heads: list[str], depth: int = 1, page_title: str | None = None,
                      why_card: str = "", reasons: Mapping[int, str] | None = None,
                      comparison: Comparison | None = None, slug: str | None = None, note: str | None = None,
                      failed: int = 0, shared: _RowEnds | None = None) -> tuple[str, str, str]:
    """`_entry_page` in three parts, the page before its task rows, the rows, and the page after them: a leaderboard
    writes a hundred such pages of 2,000 rows, and a page's text made whole was the rows copied twice more."""
    s = e.score
    charts = []
    for key, title in (("platform", "by platform"), ("app", "by app"), ("action", "by gold action type")):
        groups = s["breakdown"].get(key) or {}
        rows = sorted(groups.items(), key=lambda kv: -kv[1]["n_tasks"])
        bars = [(f"{k} ({g['n_tasks']})", g["action_score"], None) for k, g in rows]
        charts.append(f"<div class=card>{_chart(bars, f'AS {title}')}</div>")
    prov = e.to_json()["provenance"]
    prov_rows = "".join(f"<tr>{_row_label(_e(k))}<td class=l>"
                        f"{'<span class=muted>not recorded</span>' if v is None else _e(v)}</td></tr>"
                        for k, v in prov.items())
    meta_rows = "".join(f"<tr>{_row_label(_e(k))}<td class=l>{_e(v)}</td></tr>"
                        for k, v in e.submission.meta.items() if k not in ("dataset_sha256", "uses_gold")
                        and not k.startswith("_"))
    t = e.tasks
    rows = []
    counts = _task_counts(t)
    results = _results_card(counts)
    why = reasons or {}
    # A leaderboard writes a row per task per entry: the columns are read in one zip, each distinct value's cell
    # and each status's cell formatted once, and a row is one f-string.
    cells = _Cells()
    statuses: dict[tuple[object, object, object], str] = {}  # (missing, matched, parse error) -> status cell
    values: Iterable[tuple[object, ...]] = ()  # each task's, where its row is made below (a list per column: lazily)
    if not why and comparison is None:
        # Most pages: a row after its task's cells depends on these seven values alone, and an entry's tasks take
        # few distinct ones (a match without penalty, a miss, ...): each distinct row end is made once, in the
        # order the rows first show it (equal values make equal cells, as `cells` and `statuses` have it), and
        # the rows are put together without a Python loop per task.
        keys, plain = _row_keys(t)
        made: dict[bytes, str] = {}
        if plain and shared is not None:
            made, cells, statuses = shared.ends, shared.cells, shared.statuses
        ends = dict.fromkeys(keys, "")
        for key in ends:
            end = made.get(key)
            if end is None:
                missing, matched, refused, c, k, x, sc = _ROW.unpack(key)
                status = statuses.get((missing, matched, refused))
                if status is None:
                    status = statuses[missing, matched, refused] = _status_cell(_status(missing, matched, refused))
                penalties = f"{cells[c]}{cells[k]}{cells[x]}" if matched and not missing else _NO_PENALTIES
                end = made[key] = f"{status}{penalties}{cells[sc]}</tr>"
            ends[key] = end
        # (each row's head and end side by side, joined once with the page: no string made per row)
        rows = [""] * (2 * len(keys))
        rows[0::2] = heads
        rows[1::2] = list(map(ends.__getitem__, keys))
    else:
        values = zip(t["missing"], t["m"], t["parse_error"], t["c"], t["k"], t["x"], t["s"])
    for i, (head, (missing, matched, refused, c, k, x, sc)) in enumerate(zip(heads, values)):
        reason = why.get(i) if why else None
        if reason is None:  # most rows: the cell depends on the three flags alone
            status = statuses.get((missing, matched, refused))
            if status is None:
                status = statuses[missing, matched, refused] = _status_cell(_status(missing, matched, refused))
        else:
            status = _status_cell(_status(missing, matched, refused, reason))
        end = "</tr>" if comparison is None else f"{_change_cell(comparison.kinds[i], comparison.deltas[i])}</tr>"
        # A penalty is charged only on a match: a task that did not match has none, shown as such, not as 0.
        penalties = f"{cells[c]}{cells[k]}{cells[x]}" if matched and not missing else _NO_PENALTIES
        rows.append(f"{head}{status}{penalties}{cells[sc]}{end}")
    compare_card, compare_head, compare_note = "", "", ""
    if comparison is not None:
        compare_card = _compare_card(comparison)
        compare_head = f"<th scope=col title='task score minus the baseline&#39;s'>vs {_e(comparison.baseline)}</th>"
        # what the header's hover says, on the page: a phone has no hover
        compare_note = (f"<p class=muted id=vs-note>The last column, vs {_e(comparison.baseline)}: each task's score "
                        f"minus {_e(comparison.baseline)}'s, or fixed (matched now, not before) or broken (matched "
                        f"before, not now).</p>")
    subset = f"<p class='card warn' id=subset>{_e(note)}</p>" if note else ""
    body = (f"{subset}{_nothing_scored(counts, failed)}<table id=scores><thead><tr>{''.join(f'<th scope=col>{n}</th>' for n, _ in METRICS)}"
            f"<th scope=col>exact</th><th scope=col>missing</th><th scope=col>parse errors</th></tr></thead><tbody><tr>{_metric_cells(e)}"
            f"<td>{_pct(e.exact_solved)}</td><td>{s['n_missing']}</td><td>{s['n_parse_errors']}</td></tr></tbody>"
            f"</table>{f'<div class=grid>{compare_card}</div>' if compare_card else ''}"
            f"<div class=grid>{''.join(charts)}</div>"
            f"<div class=grid>{results}{why_card}<div class=card><h2>Provenance</h2><table>{prov_rows}</table></div>"
            f"<div class=card><h2>Submission</h2>"
            f"{f'<table>{meta_rows}</table>' if meta_rows else _NO_META}</div></div>"
            f"<h2>Tasks</h2>{compare_note}<table class=sortable id=tasks{'' if slug is None else f' data-entry={slug}'}><thead><tr><th scope=col class=l>task</th><th scope=col class=l>app</th>"
            f"<th scope=col class=l>goal</th><th scope=col class=l>result</th><th scope=col>click pen.</th><th scope=col>key pen.</th><th scope=col>write pen.</th>"
            f"<th scope=col{_DESC}>score</th>{compare_head}</tr></thead><tbody>{_ROWS_GO_HERE}</tbody></table>")
    before, _, after = _page(e.name if page_title is None else page_title, body, depth).rpartition(_ROWS_GO_HERE)
    return before, "".join(rows), after


def _change_cell(kind: str, delta: float) -> str:
    """A task's change from the baseline: fixed or broken (the match changed), else the score difference."""
    text = {"fixed": "fixed", "broken": "broken", "better": f"+{delta:.3f}", "worse": f"{delta:.3f}"}.get(kind, "")
    # Sorted on the change's kind first: what broke before any lower score (a broken task's difference can be
    # smaller than a worse one's), what was fixed after any higher one. Differences are within [-1, 1].
    key = delta + {"broken": -4.0, "fixed": 4.0}.get(kind, 0.0)
    return f"<td class=nw data-v='{key:.10f}'>{text}</td>"


def _compare_card(c: Comparison) -> str:
    """The run against its baseline: the AS difference with its paired interval, and what became of the tasks."""
    lo, hi = c.interval
    if lo <= 0 <= hi:
        verdict = "within noise: the interval includes 0"
    else:
        verdict = "better than the baseline" if lo > 0 else "worse than the baseline"
    rows = [("fixed (matched now, not before)", c.count("fixed")), ("broken (matched before, not now)",
            c.count("broken")), ("matched, higher score", c.count("better")), ("matched, lower score", c.count("worse")),
            ("unchanged", c.count("same"))]
    cells = "".join(f"<tr>{_row_label(k)}<td>{v}</td></tr>" for k, v in rows)
    groups = "".join(f"<tr><td class=l>{_e(kind)}</td><td class=l>{_e(name)}</td><td>{n}</td>"
                     f"<td data-v='{now:.10f}'>{_pct(now)}</td><td data-v='{before:.10f}'>{_pct(before)}</td>"
                     f"<td data-v='{now - before:.10f}'>{100 * (now - before):+.2f}</td></tr>"
                     for kind, name, n, now, before in c.groups)
    return (f"<div class=card id=compare><h2>Compared with {_e(c.baseline)}</h2>"
            f"<p>AS <b>{100 * c.action_score:+.2f}</b> [{100 * lo:+.2f}, {100 * hi:+.2f}]: {verdict} "
            f"<span class=muted>({round(100 * c.confidence)}% paired bootstrap interval: both runs on the same task "
            f"resamples)</span></p><table>{cells}</table>"
            f"<p class=muted>Sort the task table by its last column to list them.</p></div>"
            f"<div class=card id=compare-groups><h2>AS by group, against {_e(c.baseline)}</h2>"
            f"<p class=muted>The largest loss first; click a column to sort.</p>"
            f"<table class=sortable style='table-layout:auto'><thead><tr>"
            f"<th scope=col class=l>by</th><th scope=col class=l>group</th><th scope=col{_DESC}>tasks</th><th scope=col class=wrap{_DESC}>{_e(c.run)}</th>"
            f"<th scope=col class=wrap{_DESC}>{_e(c.baseline)}</th><th scope=col aria-sort=ascending>change</th></tr></thead>"
            f"<tbody>{groups}</tbody></table></div>")


def _points(actions: Iterable[Action]) -> list[list[float]]:
    return [list(point) for a in actions if (point := a.point) is not None]


def _image_name(path: Path, names: dict[Path, str]) -> str:
    """The site's file name for a screenshot: its path, size and modification time hashed, so that a site
    written again over an old one converts a screenshot that changed (and only those)."""
    name = names.get(path)
    if name is None:
        st = path.stat()
        key = f"{path}\0{st.st_size}\0{st.st_mtime_ns}"
        name = names[path] = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16] + ".jpg"
    return name


def _screenshots(ds: Dataset, img_dir: Path) -> tuple[list[str], tuple[Callable[[int, int], int], int]]:
    """Each task's screenshot file name in the site, and the job (see `_write_pages`) that converts those not there
    yet."""
    images: dict[Path, str] = {}
    names = [_image_name(task.image_path, images) for task in ds.tasks]
    convert = [(path, img_dir / name) for path, name in images.items() if not (img_dir / name).exists()]

    def write_images(start: int, stop: int) -> int:
        for source, target in convert[start:stop]:
            _convert(source, target)
        return stop - start

    return names, (write_images, len(convert))


def _convert(source: Path, target: Path) -> None:
    """A screenshot as the site's JPEG (a site of Retina PNGs would be hundreds of MB)."""
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with Image.open(source) as im, atomic_file(target) as f:
            im.convert("RGB").save(f, format="JPEG", quality=85)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        if not isinstance(e, OSError) or e.errno is None:  # Pillow's, on the pixels (a cut-off file); not the disk's
            raise UserError(f"screenshot cannot be read ({e}): replace it with a good copy", file=str(source)) \
                from None
        raise


#: An entry's per-task columns a task page reads: missing, matched, parse error, the three penalties, the score.
_PAGE_COLUMNS = ("missing", "m", "parse_error", "c", "k", "x", "s")


def _page_entries(board: Leaderboard) -> list[tuple[str, tuple[list, ...]]]:
    """Each entry's name as HTML and its `_PAGE_COLUMNS`, made once for many task pages (ten column lookups and two
    escapes per entry on each of 2,000 pages of a 100-entry board were a sixth of writing them)."""
    return [(_e(e.name), tuple(e.tasks[key] for key in _PAGE_COLUMNS)) for e in board.entries]


def _task_page(task: Task, board: Leaderboard, index: int, scripts: Sequence[Mapping[str, Any]],
               image: str, reasons: Sequence[Mapping[int, str]],
               failures: Sequence[Mapping[str, tuple[str, str]]] = (), slugs: Sequence[str] = (),
               page_entries: Sequence[tuple[str, tuple[list, ...]]] | None = None) -> str:
    """`scripts`, `reasons`, `failures`, `slugs` (the entries' page names) and `page_entries` (`_page_entries`) are
    each entry's, in the order of `board.entries`."""
    w, h = task.screen.width, task.screen.height
    r = 10 * max(1.0, task.screen.dpr)
    try:
        gold = parse_script(task.gold_script)
    except ParseError:
        gold = []
    boxes = []
    gold_pts = _points(gold)
    # The largest first: a box drawn later takes the taps on its area, so a small box inside a large one (a button
    # on a panel) stays reachable. Each is in the keyboard's order and named for a screen reader (TASK_JS shows the
    # name on the screen for a tap, a click, the focus or the hover).
    listed = []  # (top, left, button): the list of boxes to see up close, in reading order
    for k, el in enumerate(sorted(task.elements, key=lambda el: -el.box.width * el.box.height)):
        b = el.box
        target = any(b.contains(x, y) for x, y in gold_pts)
        style = ("stroke='#12a150' stroke-width='%.1f' fill='#12a150' fill-opacity='0.15'" % (r / 3) if target
                 else "stroke='#2f6fed' stroke-opacity='0.55' stroke-width='%.1f' fill='none'" % (r / 8))
        name = f"{el.label} (gold target)" if target else el.label
        boxes.append(f"<rect class=box tabindex=0 role=img aria-label='{_e(name)}' x='{b.left}' y='{b.top}' "
                     f"width='{b.width}' height='{b.height}' {style}></rect>")
        listed.append((b.top, b.left, f"<li><button type=button class=zoom-open data-box={k}>{_e(name)}</button></li>"))
    for k, (x, y) in enumerate(gold_pts, 1):
        boxes.append(f"<circle class=gold-point cx='{x}' cy='{y}' r='{r}' fill='#0b7a3b' stroke='#fff' "
                     f"stroke-width='{r / 6}'/><text x='{x}' y='{y}' fill='#fff' font-size='{r * 1.2}' "
                     f"text-anchor='middle' dominant-baseline='central'>{k}</text>")
    entries_data = []
    rows = []
    known: dict[str, list[list[float]]] = {}  # entries often give the same answer: each is parsed once
    if page_entries is None:
        page_entries = _page_entries(board)
    at = itemgetter(index)
    for k, (e, entry_scripts, why, (name_html, cols)) in enumerate(zip(board.entries, scripts, reasons, page_entries)):
        missing, m, parse_error, c, key, x, score = map(at, cols)
        sc = entry_scripts.get(task.id)
        failed = failures[k].get(task.id) if k < len(failures) else None
        slug = slugs[k] if k < len(slugs) else None
        # Shown as text by the page's script: bidi controls as escapes, as everywhere else on the site.
        entries_data.append({"name": e.name, "slug": slug, "script": escape_bidi(sc) if isinstance(sc, str) else None,
                             "points": _script_points(sc, known),
                             "error": None if failed is None else escape_bidi(f"{failed[0]}: {failed[1]}")})
        reason = why.get(index)
        if failed is not None:  # the agent's own message, whole: what to fix (the reason's, not the parser's)
            from omniact.predictions import failure_reason

            reason = _with_message(reason or failure_reason(failed[0]), failed)
        status = _status(missing, m, parse_error, reason)
        if failed is None and parse_error and not missing:  # the parser's, for the same reason
            from scoring.reference import refusal

            status += f" ({refusal(sc) or 'refused'})"
        # As on the entry pages: a task that did not match (or has no prediction) has no penalty, not one of 0.
        penalties = f"<td>{c:.3f}</td><td>{key:.3f}</td><td>{x:.3f}</td>" if m and not missing else _NO_PENALTIES
        rows.append(f"<tr><td class=l><div class=name>{name_html}</div></td><td class=l>{_e(status)}</td>"
                    f"{penalties}<td>{score:.3f}</td></tr>")
    options = "".join(f"<option>{name}</option>" for name, _ in page_entries)
    data = script_json({"r": r, "entries": entries_data})
    gold_text = "\n".join(format_action(a) for a in gold) if gold else task.gold_script
    shot_alt = f"the screenshot of task {task.id}: {task.goal}"
    body = (f"<p><b>Goal:</b> {_e(task.goal)} <span class=muted>({_e(task.platform)}, {_e(task.app)}, "
            f"{w}x{h}, task {_e(task.id)})</span></p>"
            f"<p><label for=entry>Prediction of</label> <select id=entry>{options}</select> <span class=muted "
            f"id=legend><span class=swatch style='background:#12a150'></span> gold (its numbered points, the boxes they "
            f"act on), <span class=swatch style='background:#d6246e'></span> prediction, <span class=swatch "
            f"style='background:#2f6fed'></span> other boxes; tap, click or Tab to a box for its label (and its \"up "
            f"close\" button)</span></p>"
            # A phone shows a box of a large screenshot at a few pixels: each box's label at once (a toggle), and
            # each box up close (the list's buttons open the magnifier, TASK_JS), without pinching.
            + (f"<div class=box-tools><button type=button id=all-labels aria-pressed=false>Show all labels</button>"
               f"<details id=box-list><summary>See a box up close</summary><ul>"
               f"{''.join(b for _, _, b in sorted(listed, key=lambda t: t[:2]))}</ul></details></div>"
               if listed else "")
            # Every box is a Tab stop (its label on focus): a link first lets a keyboard skip a busy screen's.
            + f"<a class=skip href='#gold-script'>Skip the screenshot's {len(task.elements)} boxes</a>"
            f"<div class=shot><img id=screenshot src='../img/{image}' width='{w}' height='{h}' alt='{_e(shot_alt)}'>"
            f"<svg viewBox='0 0 {w} {h}' xmlns='http://www.w3.org/2000/svg' preserveAspectRatio='none'>"
            f"{''.join(boxes)}<g id=pred-layer></g></svg><div id=all-labels-layer class=all-labels aria-hidden=true "
            f"hidden></div><div id=box-label class=box-label hidden><span id=box-label-text aria-hidden=true></span>"
            f"<button type=button id=box-zoom tabindex=-1 aria-label='See it up close'></button></div></div>"
            + ZOOM_DIALOG +
            f"<div class=scripts><div><h2>Gold</h2><pre id=gold-script tabindex=-1>{_e(gold_text)}</pre></div>"
            f"<div><h2>Predicted</h2><pre id=pred-script></pre></div></div>"
            f"<h2 class=sub>Per entry</h2><table id=per-entry><thead><tr><th scope=col class=l>entry</th><th scope=col class=l>result</th><th scope=col>click pen.</th>"
            f"<th scope=col>key pen.</th><th scope=col>write pen.</th><th scope=col>score</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<script type='application/json' id=task-data>{data}</script>")
    return _page(f"Task {task.id}", body, 1, tab_title=f"Task {task.id}: {shorten(task.goal, 80)}")


def _read_scripts(board: Leaderboard, read: Sequence[bool] | None = None) -> tuple[list[dict[str, Any]],
                                                                                 list[dict[str, tuple[str, str]]]]:
    """Each entry's ``{id: script}``, and ``{id: (error kind, message)}`` of its tasks whose agent failed (both
    empty for an entry whose `read` is False)."""
    from omniact.predictions import read_scripts_and_failures

    scripts, failures = [], []
    for k, e in enumerate(board.entries):
        if read is not None and not read[k]:
            scripts.append({})
            failures.append({})
            continue
        entry_scripts, entry_failures = read_scripts_and_failures(e.submission.predictions)
        scripts.append(entry_scripts)
        failures.append(entry_failures)
    return scripts, failures


def _script_points(script: object, known: dict[str, list[list[float]]]) -> list[list[float]]:
    """The points a predicted script acts on (none for one the parser refuses), remembered in `known`."""
    if not isinstance(script, str):
        return []
    pts = known.get(script)
    if pts is None:
        points = script_points(script)
        pts = [] if points is None else [list(point) for point in points]
        known[script] = pts
    return pts


def write_site(board: Leaderboard, ds: Dataset, out: str | os.PathLike, *, task_pages: bool = True, report: bool = False,
               baseline: str | None = None, progress: Callable[[int, int], None] | None = None,
               workers: int = 1, note: str | None = None, tables: bool = False) -> Path:
    """Write index.html, entries/<entry>.html and (by default) tasks/<id>.html under `out`.

    With `report` (one run's report, `omniact report`), index.html is the run's own page (scores, breakdowns and
    its task table) rather than a leaderboard of one; `baseline` names a second entry of `board` that the run is
    compared with, task by task (the task pages show both), and `note` is said above its scores (which tasks they
    are on, when not the whole split). `progress(done, total)` is called as task pages are
    written; `workers` processes write the pages and convert the screenshots where the system can fork (elsewhere,
    this process does). With `tables`, leaderboard.json, .csv and .md (`write_tables`) too: made beside the pages,
    written after the index.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ranked = board  # the tables' board, ranked: a report with a baseline shows its run first (`board` below)
    # Everything per entry is a list in the order of board.entries, never a map keyed by name: two entries of
    # one name (a Leaderboard not from build_leaderboard) must not share a page or show each other's scripts.
    slugs = _slugs([e.name for e in board.entries])
    # Every entry's scripts and its agent's failures, for the task pages and for an entry page's "why no match"
    # card, its rows' reasons and its "the agent failed on every task" banner. Without task pages (a big
    # leaderboard's quick build: reading and explaining every entry's tasks tripled a cached build's time), only
    # for entries that matched nothing, the ones the banner may be about (without them, it was missing, and its
    # "each task's error is in the table" untrue).
    read = [task_pages or not e.score["sequence_score"] for e in board.entries]
    scripts, failures = _read_scripts(board, read)
    reasons = [_reasons(e, ds, sc, board.mode, f) if r else {}
               for e, sc, f, r in zip(board.entries, scripts, failures, read)]
    cards = [_why_card(r) for r in reasons]
    # An entry page's task rows also give a failed agent's own message (the card counts the kinds of failure).
    row_reasons = [_with_messages(r, ds, f) for r, f in zip(reasons, failures or [{} for _ in reasons])]
    # how many of the split's tasks each entry's agent failed on (gave no answer), from its run's records
    # (tasks with gold actions only: those are the ones scored)
    # (Only where an entry has failures, a run's: a leaderboard of prediction files has none. The ids are read
    # without building the split's Task objects.)
    failed = [0] * len(board.entries)
    if any(failures):
        ids = [label[0] for label, w in zip(task_labels(ds), board.entries[0].tasks["w"]) if w > 0]
        failed = [sum(i in f for i in ids) if f else 0 for f in failures]
    others = [i for i, e in enumerate(board.entries) if e.name != baseline]
    if report and len(others) == 1:
        run = others[0]
        e = board.entries[run]
        title = f"Report: {e.name} on {board.dataset.get('split')}"
        comparison = None
        if baseline is not None:
            b = next(i for i, x in enumerate(board.entries) if x.name == baseline)
            comparison = compare(e, board.entries[b], board.bootstrap)
            title += f", compared with {baseline}"
            # the run first on its task pages, whatever the ranks
            board = replace(board, entries=(e, board.entries[b]))
            slugs, reasons, cards = [slugs[run], slugs[b]], [reasons[run], reasons[b]], [cards[run], cards[b]]
            row_reasons = [row_reasons[run], row_reasons[b]]
            scripts, failures = [scripts[run], scripts[b]], [failures[run], failures[b]]
            failed = [failed[run], failed[b]]
            run = 0
        index = _entry_page(e, _row_heads(ds, task_pages, up=""), depth=0, page_title=title, why_card=cards[run],
                            reasons=row_reasons[run], comparison=comparison, slug=slugs[run], note=note,
                            failed=failed[run])
    else:
        index = _index(board, slugs)
    heads = _row_heads(ds, task_pages) if board.entries else []
    entries = board.entries

    shared = _RowEnds()
    # The pages, index and tables are written into a staging folder inside `out` and moved into place only once
    # every one is written (`_move_in`): a build stopped or failing on the way (Ctrl-C, kill, a full disk) leaves
    # the published site as it was, not the earlier index over some of the new pages.
    stage = out / f"{_STAGING_PREFIX}{os.urandom(6).hex()}"

    def write_entry_pages(start: int, stop: int) -> int:
        for i in range(start, stop):
            write_text_parts(stage / "entries" / f"{slugs[i]}.html",
                             _entry_page_parts(entries[i], heads, why_card=cards[i], reasons=row_reasons[i],
                                               slug=slugs[i], failed=failed[i], shared=shared))
        return stop - start

    jobs: dict[str, tuple[Callable[[int, int], int], int]] = {"entries": (write_entry_pages, len(entries))}
    # Without task pages, an earlier site's go too: they would still show the scripts of entries withdrawn since.
    # The shared stylesheet and script go through the same claims and removal as the pages: a rebuild with other
    # CSS or JS (a new omniact) writes new names, and the old ones go once no page of the site refers to them.
    assets = _site_assets()
    pages = {"entries": {f"{slug}.html" for slug in slugs}, "tasks": set(), "img": set(), ASSETS: assets.names}
    if task_pages and board.entries:  # no entry, nothing to show on a task page
        names, jobs["images"] = _screenshots(ds, out / "img")
        pages["tasks"] = {task_file(task.id) for task in ds.tasks}
        pages["img"] = set(names)

        def write_task_pages(start: int, stop: int) -> int:
            page_entries = _page_entries(board)
            for i in range(start, stop):
                task = ds.tasks[i]
                write_text(stage / "tasks" / task_file(task.id), _task_page(task, board, i, scripts, names[i],
                                                                                  reasons, failures, slugs,
                                                                                  page_entries))
            return stop - start

        jobs["tasks"] = (write_task_pages, len(ds.tasks))
    kind = "report" if report else "leaderboard"
    # A staging folder a killed build left (listed in its marker) goes first; one that cannot be removed stays
    # listed, for the next build to try again.
    leftover = _remove_staging(out, _earlier_staging(out))
    # Claimed before a page is written: a build stopped on the way (Ctrl-C) leaves a marker listing every page it
    # may have written, and its staging folder, so that the next build removes those no entry owns (a withdrawn
    # submission's page stayed) and the folder.
    _mark(out, _earlier_files(out, pages) | {(folder, name) for folder, names in pages.items() for name in names},
          kind, [*leftover, stage.name])
    try:
        with _named_in_site(stage, out):
            for folder in ("entries", "tasks"):  # made here once: not raced for by the page workers
                if pages[folder]:
                    (stage / folder).mkdir(parents=True, exist_ok=True)
            # Before any page that refers to them; the earlier build's stay until `_drop_stale`, after the index: a
            # build stopped on the way leaves the earlier pages with the files they refer to. (Named by their
            # content, as the screenshots are, so written in place: no page of the earlier site names a new one.)
            write_assets(out, assets)
            # The tables are made by a page worker (22 ms of a 100-entry board, on one process otherwise), first:
            # the pool's workers take the first chunks, this process the last.
            made = _write_pages(jobs, workers, progress, {"tables": lambda: table_texts(ranked)} if tables else {})
            write_text(stage / "index.html", index)
            staged = [Path(folder, name) for folder in ("entries", "tasks") for name in sorted(pages[folder])]
            staged.append(Path("index.html"))
            if tables:
                write_tables(ranked, stage, made["tables"])
                staged += [Path(name) for name, _ in made["tables"]]
            _keep_modes(stage, out, staged)
    except BaseException:
        # (the page workers are stopped by now: `_write_pages` ends them before its error gets here)
        _remove_staging(out, [stage.name])
        raise
    # The index after the pages, the tables after the index: a build stopped among these moves never leaves an
    # index linking to pages not there.
    _move_in(stage, out, staged)
    _remove_staging(out, [stage.name])
    _drop_stale(out, pages, kind, leftover)
    return out / "index.html"


#: a build's staging folder in its --out: `_STAGING_PREFIX` and 12 random hex digits
_STAGING_PREFIX = ".omniact-next-"
_STAGING = re.compile(re.escape(_STAGING_PREFIX) + "[0-9a-f]{12}")


def _earlier_staging(out: Path) -> list[str]:
    """The staging folders the earlier build's marker lists: left by a build killed before it could remove its own
    (only names a build gives: a marker edited by hand names no other folder to remove)."""
    listed = (site_marker(out) or {}).get("staging")
    return [n for n in listed if isinstance(n, str) and _STAGING.fullmatch(n)] if isinstance(listed, list) else []


def _remove_staging(out: Path, names: Iterable[str]) -> list[str]:
    """Remove the staging folders `names` from `out`, with what they hold (a build's staged pages and temporary
    files, nothing else); return those still there (a removal the system refused)."""
    import shutil

    left = []
    for name in names:
        try:
            shutil.rmtree(out / name)  # (refuses a symbolic link, never follows one)
        except FileNotFoundError:
            pass
        except OSError:
            left.append(name)
    return left


@contextmanager
def _named_in_site(stage: Path, out: Path) -> Iterator[None]:
    """An error writing a staged file (a full disk) names the file's place in the site, the one the user knows,
    not its staging folder's name for it."""
    try:
        yield
    except OSError as e:
        name = e.filename if isinstance(e.filename, str) else None
        if name is not None and name.startswith(str(stage) + os.sep):
            raise type(e)(e.errno, e.strerror, str(out / os.path.relpath(name, stage))) from None
        raise


def _keep_modes(stage: Path, out: Path, staged: Sequence[Path]) -> None:
    """Give each staged file the permissions of the file it replaces, as a write in place kept them (a site made
    readable to a web server stays so). Done before `_move_in`, whose renames should take no longer than they
    must."""
    for rel in staged:
        try:
            want = os.stat(out / rel).st_mode & 0o7777
        except OSError:
            continue  # a new page: the permissions a new file gets
        if os.stat(stage / rel).st_mode & 0o7777 != want:
            os.chmod(stage / rel, want)


def _move_in(stage: Path, out: Path, staged: Sequence[Path]) -> None:
    """Move each staged file (a path under `stage`) to its place in `out`, in order. Renames in one file system:
    each is atomic, needs no room on the disk, and all of a site's take milliseconds.

    A stop among them (Ctrl-C, SIGTERM) finishes them first, then goes on: left half done they would leave the
    mix of two builds that staging is there to prevent. What remains is a kill -9, a second Ctrl-C in those
    milliseconds or a power cut: then the site is part new pages, part old, under the earlier index (the next
    build makes it whole)."""
    for folder in {rel.parent for rel in staged} - {Path(".")}:
        (out / folder).mkdir(parents=True, exist_ok=True)
    done = 0
    try:
        for rel in staged:
            os.replace(stage / rel, out / rel)
            done += 1
    except BaseException as e:
        for rel in staged[done:]:  # (the one under way may be moved already: not found, then)
            with suppress(OSError):
                os.replace(stage / rel, out / rel)
        if isinstance(e, OSError):  # (a folder where a page goes): named as the site's file, not the staged one
            raise type(e)(e.errno, e.strerror, str(out / staged[done])) from None
        raise


def _drop_stale(out: Path, pages: Mapping[str, set[str]], kind: str, staging: Sequence[str] = ()) -> None:
    """Remove the earlier site's pages, screenshots and shared files that this one does not have (entries that left
    the board, tasks that left the split, screenshots that changed, CSS and JS of an earlier omniact): only files the earlier site's marker lists as its own,
    never anything else found there, and temporary files a build stopped twice left beside them (a minute old: no
    page takes that long to write). Then mark `out` as this site, listing what it wrote (and `staging`, earlier
    builds' staging folders that could not be removed)."""
    if site_marker(out) is not None:
        # The shared CSS and JS last: a removal stopped on the way leaves no page of the earlier site (one still
        # there, to be removed) without the files it refers to.
        for folder, name in sorted(_earlier_files(out, pages), key=lambda f: (f[0] == ASSETS, f)):
            if folder in pages and name not in pages[folder]:
                with suppress(FileNotFoundError):
                    (out / folder / name).unlink()
        for folder in (".", *pages):
            remove_stale_temporaries(out / folder, 60.0)
        for folder, keep in pages.items():
            if not keep:
                with suppress(OSError):  # left as it is if anything else is in it
                    (out / folder).rmdir()
    _mark(out, {(folder, name) for folder, names in pages.items() for name in names}, kind, staging)


def _earlier_files(out: Path, pages: Mapping[str, set[str]]) -> set[tuple[str, str]]:
    """(folder, name) of each page or screenshot the earlier site's marker lists as its own (none without one)."""
    marker = site_marker(out)
    if marker is None:
        return set()
    listed = marker.get("files")
    if isinstance(listed, list):
        earlier = {tuple(f.split("/", 1)) for f in listed if isinstance(f, str) and "/" in f}
    else:  # an earlier version's marker, which listed nothing: its folders held only its own pages (and it had no
        # assets/: what is there is not its own)
        earlier = {(folder, old.name) for folder in pages if folder in ("entries", "tasks", "img") and (out / folder).is_dir()
                   for old in (out / folder).glob("*.jpg" if folder == "img" else "*.html")}
    return {(folder, name) for folder, name in earlier  # type: ignore[misc]
            if folder in pages and "/" not in name and name not in ("", ".", "..")}


def _mark(out: Path, files: set[tuple[str, str]], kind: str, staging: Sequence[str] = ()) -> None:
    """Write the marker: the site's kind, the files it owns and its staging folders (for the next build to remove,
    when a killed build left one)."""
    import json

    listed = sorted(f"{folder}/{name}" for folder, name in files)
    marker: dict[str, Any] = {"written_by": "omniact's site writer", "kind": kind, "files": listed}
    if staging:
        marker["staging"] = list(staging)
    write_text(out / SITE_MARKER, json.dumps(marker))



def _reasons(e: Entry, ds: Dataset, scripts: Mapping[str, Any], mode: str,
             failures: Mapping[str, tuple[str, str]] | None = None) -> dict[int, str]:
    """Why each of an entry's unmatched tasks did not match (`unmatched_reasons`' tasks): the agent's
    failure for a task it gave no script for (`failures`, from the run's records), else the first difference."""
    from omniact.predictions import failure_reason
    from scoring.mismatch import unmatched_reasons

    t = e.tasks
    why = unmatched_reasons([task.gold_script for task in ds.tasks], [scripts.get(task.id) for task in ds.tasks],
                            t["w"], t["m"], t["missing"], t["parse_error"], mode)
    if failures:
        for i in why:
            failed = failures.get(ds.tasks[i].id)
            if failed is not None:
                why[i] = failure_reason(failed[0])
    return why


def _with_messages(why: Mapping[int, str], ds: Dataset, failures: Mapping[str, Any]) -> dict[int, str]:
    """`why` with each failed task's reason followed by the agent's message (``ValueError: ... (agent.py:12)``),
    cut to a table cell's length."""
    out = dict(why)
    for i in why:
        failed = failures.get(ds.tasks[i].id)
        if failed is not None:
            out[i] = _with_message(why[i], failed, _ROW_MESSAGE_CHARS)
    return out


def _with_message(reason: str, failed: tuple[str, str], limit: int | None = None) -> str:
    """A failed task's `reason` followed by the agent's message (`failed`: kind, message), on one line and cut to
    `limit` characters if given. Joined to the reason before `_status` adds "; parse error": after it, the agent's
    message read as the parser's."""
    message = " ".join(str(failed[1]).split())
    return f"{reason}: {message if limit is None else shorten(message, limit)}"


#: an agent's message in a task table's row is cut to this many characters (its task page has it whole)
_ROW_MESSAGE_CHARS = 160


def _why_card(reasons: Mapping[int, str]) -> str:
    """The commonest first differences between an entry's unmatched predictions and their gold scripts."""
    from collections import Counter

    counts = Counter(reasons.values())
    if not counts:
        return ""
    rows = "".join(f"<tr>{_row_label(_e(r))}<td>{n}</td></tr>" for r, n in counts.most_common(10))
    more = f"<p class=muted>and {len(counts) - 10} more</p>" if len(counts) > 10 else ""
    return (f"<div class=card id=why><h2>Why no match</h2><p class=muted>The first difference from the gold "
            f"actions (or the agent's failure), over {len(reasons)} unmatched tasks with a prediction.</p>"
            f"<table>{rows}</table>{more}</div>")


def _can_fork() -> bool:
    # multiprocessing is loaded only here: a site written by this process alone (one worker) does without it.
    import multiprocessing

    from omniact.process_pool import fork_is_safe

    # (not beside other threads: a build on a Ray cluster writes its pages here, its driver's threads running)
    return fork_is_safe() and "fork" in multiprocessing.get_all_start_methods()


def _write_pages(jobs: Mapping[str, tuple[Callable[[int, int], int], int]], workers: int,
                 progress: Callable[[int, int], None] | None,
                 made: Mapping[str, Callable[[], Any]] | None = None) -> dict[str, Any]:
    """Run each job, ``kind -> (write(start, stop) -> pages written, number of pages)``, in chunks: in `workers`
    forked processes where the system can fork, else here. `progress(done, total)` follows the task pages.
    `made`: things to make beside them (``name -> make()``, before the pages), returned as ``name -> made``."""
    made = made or {}
    chunks = [(name, 0, 1) for name in made]
    for kind, (_, n) in jobs.items():
        # Small chunks, many per worker: the process that runs out of chunks first waits for those the others are
        # on (see `shared_map`), which with 13 entry pages a chunk was a third of the write's tail.
        size = max(1, min(16, -(-n // (16 * max(workers, 1)))))
        chunks += [(kind, k, min(k + size, n)) for k in range(0, n, size)]
    n_pages = len(chunks) - len(made)
    jobs = {**{name: (lambda start, stop, make=make: make(), 1) for name, make in made.items()}, **jobs}
    total = jobs["tasks"][1] if "tasks" in jobs else 0
    done = 0
    out: dict[str, Any] = {}

    def settled(kind: str, count: Any) -> None:
        nonlocal done
        if kind in made:
            out[kind] = count
        elif kind == "tasks":
            done += count
            if progress is not None:
                progress(done, total)

    if workers > 1 and n_pages > 1 and _can_fork():
        import gc
        import multiprocessing

        from omniact.process_pool import process_pool, shared_map, stopping

        global _PAGES_JOB  # noqa: PLW0603 - read by forked workers, which inherit it instead of unpickling it
        _PAGES_JOB = {kind: write for kind, (write, _) in jobs.items()}
        # What the workers inherit (the board, the split) is left out of their collections: each would walk all of
        # it, and write to (so copy) every page of it that it walked. Given back to the collector once they end.
        # Not where the caller had frozen objects of its own (a server that froze its start-up before forking):
        # gc.unfreeze() gives back all or nothing, so ours would stay frozen, and held, for the process's life.
        frozen = gc.get_freeze_count()
        if not frozen:
            gc.freeze()
        try:
            # This process writes pages too (`shared_map`): one worker fewer to fork, and none of them idle.
            # (no more workers than chunks they could take: a fork-context pool starts them all at once)
            with stopping(process_pool(min(workers, len(chunks)) - 1,
                                       mp_context=multiprocessing.get_context("fork"))) as pool:
                for kind, count in shared_map(pool, _chunk_pages, chunks):
                    settled(kind, count)
        finally:
            if not frozen:
                gc.unfreeze()
            _PAGES_JOB = None
        return out
    for kind, start, stop in chunks:
        settled(kind, jobs[kind][0](start, stop))
    return out


# The page writers, set while forked workers run them.
_PAGES_JOB: dict[str, Callable[[int, int], int]] | None = None


def _chunk_pages(chunk: tuple[str, int, int]) -> tuple[str, Any]:
    """(kind, pages written, or what was made) of a chunk (kind, start, stop) of `_PAGES_JOB`'s pages."""
    kind, start, stop = chunk
    return kind, _PAGES_JOB[kind](start, stop)  # type: ignore[index]
