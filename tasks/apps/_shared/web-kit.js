/* web-kit.js: the small helpers shared by the shop and flights apps (one copy in _shared, served beside
   every app). DOM building, the window.omni contract and exact-state checks.

   omni.is(expected) is what the tasks' checks call: true when every key of omni.state other than `ui`
   equals expected[key] if given, else its initial value. So a check states the whole intended change and
   any other change (a wrong click that did something) fails it. `ui` holds incidental state (hover,
   scroll offsets) that pointer movement changes on the way; checks read it directly when it is the goal. */
(function () {
  const Kit = {};
  Kit.params = new URLSearchParams(location.search);

  /* h('div', {class: 'x', omni: 'label', on: {click: f}}, child, ...) */
  Kit.h = function (tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'on') { for (const [ev, f] of Object.entries(v)) el.addEventListener(ev, f); }
      else if (k === 'omni') el.setAttribute('data-omni', v);
      else if (k === 'static') el.setAttribute('data-omni-static', v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k === 'value') el.value = v;
      else if (k === 'checked') el.checked = !!v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return el;
  };
  Kit.icon = (cls, extra) => Kit.h('i', {class: cls + (extra ? ' ' + extra : ''), 'aria-hidden': 'true'});

  Kit.clone = (x) => JSON.parse(JSON.stringify(x));
  Kit.equal = function equal(a, b) {
    if (a === b) return true;
    if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  };

  /* Publish state; call once the screen is drawn. */
  Kit.ready = function (state) {
    const initial = Kit.clone(state);
    window.omni = {
      ready: true,
      state,
      initial,
      /* Keys may be dotted paths into nested objects: {'filters.brands': ['Stride']}. */
      is(expected) {
        const want = Kit.clone(initial);
        for (const [path, v] of Object.entries(expected || {})) {
          const parts = path.split('.');
          let o = want;
          for (const p of parts.slice(0, -1)) {
            if (o === null || typeof o !== 'object' || !(p in o)) return false;
            o = o[p];
          }
          if (o === null || typeof o !== 'object' || !(parts[parts.length - 1] in o)) return false;
          o[parts[parts.length - 1]] = v;
        }
        for (const k of Object.keys(state)) {
          if (k === 'ui') continue;
          if (!Kit.equal(state[k], want[k])) return false;
        }
        return true;
      },
      changed() {
        return Object.keys(state).filter((k) => k !== 'ui' && !Kit.equal(state[k], initial[k]));
      },
    };
  };

  /* Pointer drag with mouse events: onMove(x, y) while the button is held, onDrop(x, y) on release. */
  Kit.draggable = function (el, {onStart, onMove, onDrop}) {
    el.addEventListener('mousedown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      if (onStart) onStart(e.clientX, e.clientY);
      const move = (ev) => { if (onMove) onMove(ev.clientX, ev.clientY); };
      const up = (ev) => {
        document.removeEventListener('mousemove', move);
        document.removeEventListener('mouseup', up);
        if (onDrop) onDrop(ev.clientX, ev.clientY);
      };
      document.addEventListener('mousemove', move);
      document.addEventListener('mouseup', up);
    });
  };

  /* The element carrying data-omni under a point, ignoring one element (a drag ghost). */
  Kit.labelAt = function (x, y) {
    const hit = document.elementFromPoint(x, y);
    const el = hit && hit.closest('[data-omni]');
    return el ? el.getAttribute('data-omni') : null;
  };

  Kit.money = (v) => '$' + v.toFixed(2);
  Kit.slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  window.Kit = Kit;
})();

/* Reactive-lite: bind(el, fn) runs fn(el) now and after every sync(), so handlers only change state and
   call sync(); the DOM of a view is built once (a double click needs the same node under both clicks). */
(function () {
  const binders = [];
  Kit.bind = function (el, fn) { binders.push([el, fn]); fn(el); return el; };
  Kit.sync = function () { for (const [el, fn] of binders) if (el.isConnected) fn(el); };
  Kit.resetBinders = function () { binders.length = 0; };
})();
