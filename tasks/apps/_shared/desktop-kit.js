/* desktop-kit.js: the small event layer shared by the desktop-style suite apps (files, mail, music; one
   copy in _shared, served beside every app).  The app gives a render() that returns HTML for the whole screen and
   handlers keyed by data-omni labels; the kit wires pointer, wheel and key events to them.
   Why not native dblclick: the app re-renders on the first click, and Chromium drops dblclick when the node
   under the pointer was replaced, so a double click is read from click.detail === 2 instead. */
(function () {
  const Kit = {};
  let opts = null;
  let pending = null;      // mousedown on a draggable, not yet moved far enough to count as a drag
  let dragging = null;     // {id, ghost}
  let sliding = null;      // {name, el}
  let suppressClickAt = null;  // the timeStamp of a drag's or slide's mouseup
  let hoverLabel = null;
  // The click Chrome dispatches from a drag's mouseup must not count as a click. It carries that mouseup's
  // timeStamp, which no later click does: a flag cleared by a timer let a real click that came before the timer
  // (a replay's next action on a loaded machine) be swallowed too.
  function suppressNextClick(e) { suppressClickAt = e.timeStamp; }

  Kit.esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  Kit.params = new URLSearchParams(location.search);

  function labelOf(el) {
    const hit = el && el.closest ? el.closest('[data-omni],[data-omni-hidden]') : null;
    if (!hit) return [null, null];
    return [hit.getAttribute('data-omni') || hit.getAttribute('data-omni-hidden'), hit];
  }
  Kit.labelOf = labelOf;

  /* Re-render the whole screen from state, then put scroll positions and focus back. */
  Kit.render = function () {
    const root = document.getElementById('root');
    root.innerHTML = opts.render();
    for (const el of root.querySelectorAll('[data-scroll]')) el.scrollTop = opts.state[el.getAttribute('data-scroll')] || 0;
    for (const el of root.querySelectorAll('[data-hscroll]')) el.scrollLeft = opts.state[el.getAttribute('data-hscroll')] || 0;
    if (opts.state.focus) {
      const f = root.querySelector('[data-omni="' + opts.state.focus + '"],[data-omni-hidden="' + opts.state.focus + '"]');
      if (f) { f.focus(); if (f.setSelectionRange && f.value != null) { const n = f.value.length; try { f.setSelectionRange(n, n); } catch (e) {} } }
    }
    hideTip();
    pruneCovered();
    if (opts.after) opts.after(root);
  };

  /* An element whose centre is covered (by a window, a menu) or clipped away is not visible on the
     screenshot, so it must not be offered as a box: its label moves to data-omni-hidden (still clickable). */
  function pruneCovered() {
    const W = innerWidth, H = innerHeight;
    for (const el of document.querySelectorAll('[data-omni]')) {
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      const x = Math.min(Math.max(r.left, 0), W) / 2 + Math.min(Math.max(r.right, 0), W) / 2;
      const y = Math.min(Math.max(r.top, 0), H) / 2 + Math.min(Math.max(r.bottom, 0), H) / 2;
      const hit = document.elementFromPoint(x, y);
      if (!hit || !(hit === el || el.contains(hit))) {
        el.setAttribute('data-omni-hidden', el.getAttribute('data-omni'));
        el.removeAttribute('data-omni');
      }
    }
  }

  function showTip(el, text) {
    let tip = document.getElementById('kit-tip');
    if (!tip) { tip = document.createElement('div'); tip.id = 'kit-tip'; document.body.appendChild(tip); }
    tip.textContent = text;
    const r = el.getBoundingClientRect();
    tip.style.display = 'block';
    let left = r.left + r.width / 2 - tip.offsetWidth / 2;
    left = Math.max(4, Math.min(innerWidth - tip.offsetWidth - 4, left));
    tip.style.left = left + 'px';
    tip.style.top = (r.bottom + 6 + tip.offsetHeight > innerHeight ? r.top - tip.offsetHeight - 6 : r.bottom + 6) + 'px';
  }
  function hideTip() { const tip = document.getElementById('kit-tip'); if (tip) tip.style.display = 'none'; }

  function sliderValue(el, clientX) {
    const r = el.getBoundingClientRect();
    return Math.max(0, Math.min(1, (clientX - r.left) / r.width));
  }

  Kit.init = function (o) {
    opts = o;
    window.omni = { ready: false, state: o.state };
    Kit.render();

    document.addEventListener('mousedown', (e) => {
      if (e.button !== 0) return;
      const sl = e.target.closest('[data-slider]');
      if (sl) { sliding = { name: sl.getAttribute('data-slider'), el: sl }; opts.slide(sliding.name, sliderValue(sl, e.clientX), false); e.preventDefault(); return; }
      const dr = e.target.closest('[data-drag]');
      if (dr) pending = { id: dr.getAttribute('data-drag'), x: e.clientX, y: e.clientY, label: labelOf(dr)[0] };
    });
    document.addEventListener('mousemove', (e) => {
      if (sliding) { opts.slide(sliding.name, sliderValue(sliding.el, e.clientX), false); return; }
      if (pending && !dragging && (e.buttons & 1) && Math.hypot(e.clientX - pending.x, e.clientY - pending.y) > 4) {
        const ghost = document.createElement('div');
        ghost.id = 'kit-ghost';
        ghost.textContent = opts.dragText ? opts.dragText(pending.id) : pending.id;
        document.body.appendChild(ghost);
        dragging = { id: pending.id, ghost };
        opts.state.dragging = pending.id;
      }
      if (dragging) {
        dragging.ghost.style.left = (e.clientX + 12) + 'px';
        dragging.ghost.style.top = (e.clientY + 8) + 'px';
        for (const el of document.querySelectorAll('.drop-hover')) el.classList.remove('drop-hover');
        dragging.ghost.style.display = 'none';
        const t = document.elementFromPoint(e.clientX, e.clientY);
        dragging.ghost.style.display = '';
        const d = t && t.closest('[data-drop]');
        if (d) d.classList.add('drop-hover');
      }
    });
    document.addEventListener('mouseup', (e) => {
      if (sliding) { opts.slide(sliding.name, sliderValue(sliding.el, e.clientX), true); sliding = null; suppressNextClick(e); Kit.render(); return; }
      if (dragging) {
        dragging.ghost.remove();
        const t = document.elementFromPoint(e.clientX, e.clientY);
        const d = t && t.closest('[data-drop]');
        const src = dragging.id;
        dragging = null; pending = null; opts.state.dragging = null;
        suppressNextClick(e);
        if (d) opts.drop(src, d.getAttribute('data-drop'));
        Kit.render();
        return;
      }
      pending = null;
    });
    document.addEventListener('click', (e) => {
      if (suppressClickAt !== null && e.timeStamp === suppressClickAt) { suppressClickAt = null; return; }
      const [label, el] = labelOf(e.target);
      if (e.detail === 2 && opts.dbl && label) { opts.dbl(label, el, e); Kit.render(); return; }
      if (e.detail > 2) return;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')) {
        // re-rendering would replace the field and drop the caret, so a click into a field only moves focus
        opts.state.focus = label;
        if (opts.click(label, el, e) === true) Kit.render();
        return;
      }
      opts.state.focus = null;
      opts.click(label, el, e);
      Kit.render();
    });
    document.addEventListener('contextmenu', (e) => {
      e.preventDefault();
      const [label, el] = labelOf(e.target);
      if (opts.context) { opts.context(label, el, e); Kit.render(); }
    });
    document.addEventListener('mouseover', (e) => {
      const [label, el] = labelOf(e.target);
      if (label === hoverLabel) return;
      hoverLabel = label;
      opts.state.hover = label;
      const tipEl = e.target.closest('[data-tip]');
      if (tipEl && el && (tipEl === el || el.contains(tipEl))) { showTip(tipEl, tipEl.getAttribute('data-tip')); opts.state.tooltip = tipEl.getAttribute('data-tip'); }
      else { hideTip(); opts.state.tooltip = null; }
    });
    document.addEventListener('wheel', (e) => {
      e.preventDefault();
      const horiz = Math.abs(e.deltaX) > Math.abs(e.deltaY);
      let el = e.target;
      while (el && el !== document.body) {
        if (el.hasAttribute && el.hasAttribute(horiz ? 'data-hscroll' : 'data-scroll')) {
          if (horiz) { el.scrollLeft += e.deltaX; opts.state[el.getAttribute('data-hscroll')] = el.scrollLeft; }
          else { el.scrollTop += e.deltaY; opts.state[el.getAttribute('data-scroll')] = el.scrollTop; }
          return;
        }
        el = el.parentElement;
      }
    }, { passive: false });
    document.addEventListener('keydown', (e) => { if (opts.key && opts.key(e)) { e.preventDefault(); Kit.render(); } });
    document.addEventListener('input', (e) => { if (opts.input) { const [label] = labelOf(e.target); opts.input(label, e.target.value, e.target); } });

    document.fonts.ready.then(() => { Kit.render(); window.omni.ready = true; });
  };
  window.Kit = Kit;
})();
