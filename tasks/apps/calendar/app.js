// macOS Calendar. State is window.omni.state; render() draws the current view from it.
(function () {
  'use strict';
  const SCREEN = new URLSearchParams(location.search).get('screen') || 'week';
  const TODAY = '2026-12-02';
  const CALS = [
    { id: 'home', name: 'Home', color: '#0a84ff', group: 'iCloud' }, { id: 'work', name: 'Work', color: '#ff9500', group: 'iCloud' },
    { id: 'family', name: 'Family', color: '#34c759', group: 'iCloud' }, { id: 'personal', name: 'Personal', color: '#af52de', group: 'iCloud' },
    { id: 'holidays', name: 'US Holidays', color: '#30b0c7', group: 'Other' }, { id: 'birthdays', name: 'Birthdays', color: '#8e8e93', group: 'Other' },
  ];
  const E = (id, title, cal, date, start, end, extra) => Object.assign({ id, title, cal, date, start, end, allDay: start === null, location: '', notes: '', alert: 'None', invitees: [] }, extra || {});
  const EVENTS = [
    E('family_dinner', 'Family Dinner', 'family', '2026-11-29', 18, 20, { location: "Grandma's house" }),
    E('standup_mon', 'Team Standup', 'work', '2026-11-30', 9, 9.5),
    E('yoga', 'Yoga Class', 'personal', '2026-11-30', 18, 19, { location: 'Flow Studio' }),
    E('design_review', 'Design Review', 'work', '2026-12-01', 11, 12, { location: 'Room 4B' }),
    E('anna_birthday', "Anna's Birthday", 'birthdays', '2026-12-01', null, null),
    E('standup_wed', 'Team Standup', 'work', '2026-12-02', 9, 9.5),
    E('lunch_sam', 'Lunch with Sam', 'personal', '2026-12-02', 12.5, 13.5, { location: 'Blue Bottle Café', alert: '15 minutes before' }),
    E('one_on_one', '1:1 with Anna', 'work', '2026-12-02', 14, 14.5),
    E('budget_sync', 'Q4 Budget Sync', 'work', '2026-12-03', 10, 11, { location: 'Zoom' }),
    E('dentist', 'Dentist Appointment', 'home', '2026-12-03', 15, 16, { location: 'Dr. Patel, 5th Ave' }),
    E('standup_fri', 'Team Standup', 'work', '2026-12-04', 9, 9.5),
    E('flight', 'Flight to Chicago UA 1482', 'work', '2026-12-04', 16, 18.5, { location: 'SFO Terminal 3' }),
    E('hanukkah', 'Hanukkah begins', 'holidays', '2026-12-04', null, null),
    E('soccer', "Kids' Soccer Practice", 'family', '2026-12-05', 10, 11.5, { location: 'Riverside Park' }),
    E('grocery', 'Grocery pickup', 'home', '2026-12-05', 13, 13.5),
    E('pearl_harbor', 'Pearl Harbor Remembrance Day', 'holidays', '2026-12-07', null, null),
    E('reviews_due', 'Performance reviews due', 'work', '2026-12-10', null, null),
    E('haircut', 'Haircut', 'personal', '2026-12-09', 17, 17.5),
    E('holiday_party', 'Holiday Party', 'work', '2026-12-12', 19, 22, { location: 'The Grand Hall' }),
    E('website_launch', 'Website launch', 'work', '2026-12-15', null, null),
    E('school_play', 'School Play', 'family', '2026-12-17', 18, 19.5, { location: 'Lincoln Elementary' }),
    E('book_club', 'Book Club', 'personal', '2026-12-21', 19, 21),
    E('christmas_eve', 'Christmas Eve', 'holidays', '2026-12-24', null, null),
    E('christmas', 'Christmas Day', 'holidays', '2026-12-25', null, null),
    E('flight_home', 'Flight home DL 211', 'family', '2026-12-22', 8, 11),
    E('nye', "New Year's Eve", 'holidays', '2026-12-31', null, null),
    E('nye_party', 'NYE Party at Chloe’s', 'personal', '2026-12-31', 20, 23),
  ];
  const S = { screen: SCREEN, view: 'week', anchor: TODAY, calendars: {}, events: EVENTS.map((e) => Object.assign({}, e)),
    selected: null, inspector: null, contextMenu: null, menu: null, search: '', searchFocus: false, tooltip: null, window: 'normal',
    sidebar: true, scrollTop: 8 * 48, selectedDate: null, miniMonth: '2026-12', launched: null, calPicker: false, focusField: null,
    deleted: [], newCount: 0 };
  CALS.forEach((c) => { S.calendars[c.id] = true; });
  if (SCREEN === 'month') S.view = 'month';
  if (SCREEN === 'day') { S.view = 'day'; S.selected = 'lunch_sam'; }
  if (SCREEN === 'year') S.view = 'year';
  if (SCREEN === 'event_inspector') { S.selected = 'lunch_sam'; S.inspector = 'lunch_sam'; }

  const $ = (s) => document.querySelector(s);
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const FULLDOW = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const DOW = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const dt = (s) => { const [y, m, d] = s.split('-').map(Number); return new Date(Date.UTC(y, m - 1, d)); };
  const iso = (d) => d.toISOString().slice(0, 10);
  const add = (s, n) => { const d = dt(s); d.setUTCDate(d.getUTCDate() + n); return iso(d); };
  const addMonths = (s, n) => { const d = dt(s); const day = d.getUTCDate(); d.setUTCDate(1); d.setUTCMonth(d.getUTCMonth() + n); return iso(d).slice(0, 8) + String(Math.min(day, 28)).padStart(2, '0'); };
  const weekStart = (s) => add(s, -dt(s).getUTCDay());
  const mon3 = (s) => MONTHS[dt(s).getUTCMonth()].slice(0, 3).toLowerCase();
  const dayLabel = (s) => `${mon3(s)}_${dt(s).getUTCDate()}`;
  const fmtH = (h) => { const hh = Math.floor(h), mm = Math.round((h - hh) * 60); const ap = hh >= 12 ? 'PM' : 'AM'; const h12 = hh % 12 || 12; return `${h12}${mm ? ':' + String(mm).padStart(2, '0') : ''} ${ap}`; };
  const cal = (id) => CALS.find((c) => c.id === id);
  const visible = () => S.events.filter((e) => S.calendars[e.cal]);
  const ev = (id) => S.events.find((e) => e.id === id);
  const HH = 48;

  function evStyle(e, sel) {
    const c = cal(e.cal).color;
    return sel ? `background:${c};border-color:${c};color:#fff` : `background:${c}2e;border-color:${c};color:${shade(c)}`;
  }
  function shade(c) { const n = parseInt(c.slice(1), 16); const f = (v) => Math.round(v * 0.55); return `rgb(${f(n >> 16)},${f((n >> 8) & 255)},${f(n & 255)})`; }

  function timeGrid(days) {
    // all-day row, then the hour grid with one slot per hour and the timed events on top
    const dayhead = days.map((d) => { const w = dt(d).getUTCDay(); return `<div class="dh${d === TODAY ? ' today' : ''}${w === 0 || w === 6 ? ' weekend' : ''}">${days.length === 1 ? FULLDOW[w] : DOW[w]}<b>${dt(d).getUTCDate()}</b></div>`; }).join('');
    const allday = days.map((d) => `<div class="col">${visible().filter((e) => e.allDay && e.date === d).map((e) =>
      `<div class="adev" data-ev="${e.id}" data-omni="event_${e.id}" style="${evStyle(e, S.selected === e.id)}">${esc(e.title)}</div>`).join('')}</div>`).join('');
    let hours = ''; for (let h = 0; h < 24; h++) hours += `<div class="hr">${h ? fmtH(h) : ''}</div>`;
    const cols = days.map((d) => {
      const w = dt(d).getUTCDay(); const dn = DOW[w].toLowerCase();
      let slots = ''; for (let h = 0; h < 24; h++) slots += `<div class="slot" data-date="${d}" data-hour="${h}" data-omni="slot_${dn}_${h}"></div>`;
      const evs = visible().filter((e) => !e.allDay && e.date === d).map((e) => {
        const sel = S.selected === e.id;
        return `<div class="ev${sel ? ' sel' : ''}" data-ev="${e.id}" data-omni="event_${e.id}" style="top:${e.start * HH + 1}px;height:${(e.end - e.start) * HH - 2}px;${evStyle(e, sel)}">
          <div class="t">${esc(e.title)}</div>${e.end - e.start >= 1 ? `<div>${fmtH(e.start)}</div>` : ''}${e.location && e.end - e.start >= 1.5 ? `<div>${esc(e.location)}</div>` : ''}</div>`;
      }).join('');
      const now = d === TODAY ? `<div id="nowline" style="top:${9.68 * HH}px"></div>` : '';
      return `<div class="dcol${w === 0 || w === 6 ? ' weekend' : ''}">${slots}${evs}${now}</div>`;
    }).join('');
    return `<div id="dayhead">${dayhead}</div><div id="allday"><div class="lab">all-day</div>${allday}</div>
      <div id="grid"><div id="gridin" style="transform:translateY(${-S.scrollTop}px)"><div id="hours">${hours}</div>${cols}</div></div>`;
  }
  function monthView() {
    const a = dt(S.anchor); const first = iso(new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), 1)));
    const start = weekStart(first);
    let h = DOW.map((d) => `<div class="mdow">${d}</div>`).join('');
    for (let i = 0; i < 42; i++) {
      const d = add(start, i); const other = dt(d).getUTCMonth() !== a.getUTCMonth();
      const evs = visible().filter((e) => e.date === d).sort((x, y) => (x.allDay ? -1 : x.start) - (y.allDay ? -1 : y.start));
      const shown = evs.slice(0, 3);
      h += `<div class="mcell${other ? ' other' : ''}${d === TODAY ? ' today' : ''}${S.selectedDate === d ? ' selected' : ''}" data-date="${d}" data-omni="day_${dayLabel(d)}">
        <div class="n"><span>${dt(d).getUTCDate() === 1 ? MONTHS[dt(d).getUTCMonth()].slice(0, 3) + ' ' : ''}${dt(d).getUTCDate()}</span></div>
        ${shown.map((e) => `<div class="chip${S.selected === e.id ? ' sel' : ''}" data-ev="${e.id}" data-omni="event_${e.id}" style="${e.allDay || S.selected === e.id ? evStyle(e, S.selected === e.id) : ''}">
          ${e.allDay ? '' : `<span class="dot" style="background:${cal(e.cal).color}"></span>`}${esc(e.title)}${e.allDay ? '' : `<span class="tm">${fmtH(e.start)}</span>`}</div>`).join('')}
        ${evs.length > 3 ? `<div class="chip" style="color:#888">${evs.length - 3} more…</div>` : ''}</div>`;
    }
    return `<div id="month">${h}</div>`;
  }
  function yearView() {
    const y = dt(S.anchor).getUTCFullYear();
    const busy = new Set(visible().map((e) => e.date));
    let h = '';
    for (let m = 0; m < 12; m++) {
      const first = iso(new Date(Date.UTC(y, m, 1))); const off = dt(first).getUTCDay(); const n = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      let g = ['S', 'M', 'T', 'W', 'T', 'F', 'S'].map((d) => `<div class="dow">${d}</div>`).join('') + '<div></div>'.repeat(off);
      for (let d = 1; d <= n; d++) { const s = iso(new Date(Date.UTC(y, m, d)));
        g += `<button class="${s === TODAY ? 'today' : busy.has(s) ? 'busy' : ''}" data-date="${s}" data-omni="year_${dayLabel(s)}">${d}</button>`; }
      h += `<div class="ym"><h3><button data-month="${first}" data-omni="year_month_${MONTHS[m].toLowerCase()}">${MONTHS[m]}</button></h3><div class="yg">${g}</div></div>`;
    }
    return `<div id="year">${h}</div>`;
  }
  function miniMonth() {
    const [y, m] = S.miniMonth.split('-').map(Number);
    const first = iso(new Date(Date.UTC(y, m - 1, 1))); const start = weekStart(first);
    const ws = weekStart(S.anchor);
    let g = ['S', 'M', 'T', 'W', 'T', 'F', 'S'].map((d) => `<div class="dow">${d}</div>`).join('');
    for (let i = 0; i < 42; i++) { const d = add(start, i); const other = dt(d).getUTCMonth() !== m - 1;
      const inweek = S.view === 'week' && d >= ws && d <= add(ws, 6);
      g += `<button class="d${other ? ' other' : ''}${d === TODAY ? ' today' : ''}${inweek ? ' inweek' : ''}" data-mini="${d}" data-omni="mini_${dayLabel(d)}">${dt(d).getUTCDate()}</button>`; }
    return `<div class="mini-head"><span>${MONTHS[m - 1]} ${y}</span><span><button data-act="mini_prev" data-omni="mini_prev_month"><i class="fa-solid fa-chevron-left"></i></button><button data-act="mini_next" data-omni="mini_next_month"><i class="fa-solid fa-chevron-right"></i></button></span></div><div class="mini-grid">${g}</div>`;
  }
  function dayDetails() {
    const e = S.selected && ev(S.selected);
    const d = dt(S.anchor);
    let h = `<div style="font-size:30px;font-weight:700">${d.getUTCDate()}</div><div style="color:#ff3b30;font-weight:600;margin-bottom:14px">${FULLDOW[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}</div>`;
    if (e) h += `<div class="det"><div style="width:40px;height:4px;border-radius:2px;background:${cal(e.cal).color}"></div><h2>${esc(e.title)}</h2>
      ${e.location ? `<div class="row"><i class="fa-solid fa-location-dot"></i>${esc(e.location)}</div>` : ''}
      <div class="row"><i class="fa-regular fa-clock"></i>${e.allDay ? 'All day' : fmtH(e.start) + ' to ' + fmtH(e.end)}</div>
      <div class="row"><i class="fa-regular fa-calendar"></i>${cal(e.cal).name}</div>
      <div class="row"><i class="fa-regular fa-bell"></i>Alert: ${esc(e.alert)}</div>
      <div class="row" style="color:#8a8a8e"><i class="fa-solid fa-user-plus"></i>Add Invitees</div><div class="row" style="color:#8a8a8e"><i class="fa-regular fa-note-sticky"></i>Add Notes</div></div>`;
    else h += '<div style="color:#8a8a8e">No event selected</div>';
    return h;
  }

  let focusAfterRender = null;  // {id, select}: the input render() focuses once it has drawn it
  function render() {
    $('#win').style.display = S.window === 'closed' || S.window === 'minimized' ? 'none' : 'flex';
    $('#win').classList.toggle('full', S.window === 'full');
    $('#sidebar').style.display = S.sidebar ? 'flex' : 'none';
    // sidebar
    let cl = ''; let g = null;
    for (const c of CALS) { if (c.group !== g) { g = c.group; cl += `<div class="cal-group">${g}</div>`; }
      cl += `<button class="cal-row" data-cal="${c.id}" data-omni="calendar_${c.id}_checkbox"><span class="cbox" style="border-color:${c.color};background:${S.calendars[c.id] ? c.color : 'transparent'}">${S.calendars[c.id] ? '<i class="fa-solid fa-check"></i>' : ''}</span>${c.name}</button>`; }
    $('#callist').innerHTML = cl;
    $('#mini').innerHTML = miniMonth();
    // toolbar
    document.querySelectorAll('#seg button').forEach((b) => b.classList.toggle('on', b.dataset.view === S.view));
    $('#search').classList.toggle('focus', S.searchFocus);
    if ($('#search_input').value !== S.search) $('#search_input').value = S.search;
    // header
    const a = dt(S.anchor);
    const title = S.view === 'year' ? `${a.getUTCFullYear()}` : S.view === 'day' ? `${MONTHS[a.getUTCMonth()]} ${a.getUTCDate()}, <span>${a.getUTCFullYear()}</span>` : `${MONTHS[a.getUTCMonth()]} <span>${a.getUTCFullYear()}</span>`;
    $('#head h1').innerHTML = title;
    // view
    const v = $('#view');
    if (S.view === 'week') { const ws = weekStart(S.anchor); v.innerHTML = timeGrid([0, 1, 2, 3, 4, 5, 6].map((i) => add(ws, i))); }
    else if (S.view === 'day') v.innerHTML = `<div id="daywrap"><div id="dayleft">${timeGrid([S.anchor])}</div><div id="dayright">${dayDetails()}</div></div>`;
    else if (S.view === 'month') v.innerHTML = monthView();
    else v.innerHTML = yearView();
    const grid = $('#grid');
    if (grid) { const max = Math.max(0, 24 * HH - grid.clientHeight); S.scrollTop = Math.max(0, Math.min(max, S.scrollTop)); S.scrollMax = max;
      $('#gridin').style.transform = `translateY(${-S.scrollTop}px)`; }
    S.topHour = Math.round(S.scrollTop / HH * 10) / 10;
    // inspector
    const ins = $('#inspector');
    const ie = S.inspector && ev(S.inspector);
    if (ie) {
      ins.style.display = 'block';
      const el = document.querySelector(`[data-ev="${ie.id}"]`);
      const r = el ? el.getBoundingClientRect() : { right: 700, top: 300, left: 700 };
      let x = r.right + 12; if (x + 300 > 1430) x = r.left - 312;
      ins.style.left = x + 'px'; ins.style.top = Math.max(30, Math.min(520, r.top - 40)) + 'px';
      const c = cal(ie.cal);
      ins.innerHTML = `<input class="title${S.focusField === 'title' ? ' focus' : ''}" id="ins_title" data-omni="inspector_title_field" value="${esc(ie.title)}">
        <input class="fld${S.focusField === 'location' ? ' focus' : ''}" id="ins_location" data-omni="inspector_location_field" placeholder="Add Location or Video Call" value="${esc(ie.location)}">
        <div class="line"></div>
        <div class="kv"><span class="k">${ie.allDay ? 'all-day' : `${DOW[dt(ie.date).getUTCDay()]}, ${MONTHS[dt(ie.date).getUTCMonth()].slice(0, 3)} ${dt(ie.date).getUTCDate()}, ${dt(ie.date).getUTCFullYear()}`}</span><button data-act="ins_time" data-omni="inspector_date_time">${ie.allDay ? '' : fmtH(ie.start) + ' – ' + fmtH(ie.end)}</button></div>
        <div class="kv"><span class="k">calendar</span><button class="calbtn" data-act="cal_picker" data-omni="inspector_calendar_picker"><span class="cbox" style="border-color:${c.color};background:${c.color};width:10px;height:10px;border-radius:5px"></span>${c.name} <i class="fa-solid fa-chevron-down" style="font-size:9px"></i></button></div>
        <div class="kv"><span class="k">alert</span><button class="link" data-act="alert" data-omni="inspector_alert">${esc(ie.alert === 'None' ? 'Add Alert' : ie.alert)}</button></div>
        <div class="line"></div>
        <div class="kv"><button class="link" data-act="invitees" data-omni="inspector_add_invitees">Add Invitees</button></div>
        <div class="kv"><input class="fld${S.focusField === 'notes' ? ' focus' : ''}" id="ins_notes" data-omni="inspector_notes_field" placeholder="Add Notes, URL, or Attachments" value="${esc(ie.notes)}"></div>
        ${S.calPicker ? `<div class="pop ctx" style="left:130px;top:80px">${CALS.slice(0, 4).map((k) => `<button class="mm" data-setcal="${k.id}" data-omni="calendar_option_${k.id}"><span><span class="cbox" style="display:inline-block;border-color:${k.color};background:${k.color};width:9px;height:9px;border-radius:5px"></span> ${k.name}</span></button>`).join('')}</div>` : ''}`;
    } else ins.style.display = 'none';
    // context menu
    const cm = $('#ctx');
    if (S.contextMenu) {
      cm.style.display = 'block'; cm.style.left = S.contextMenu.x + 'px'; cm.style.top = S.contextMenu.y + 'px';
      cm.innerHTML = [['info', 'Get Info', '⌘I'], ['cut', 'Cut', '⌘X'], ['copy', 'Copy', '⌘C'], ['duplicate', 'Duplicate', '⌘D'], ['delete', 'Delete', '⌫']]
        .map(([k, t, acc]) => `<button class="mm" data-cm="${k}" data-omni="context_${k}">${t}<span class="acc">${acc}</span></button>`).join('') + '<div class="mm-sep"></div>' +
        CALS.slice(0, 4).map((k) => `<button class="mm" data-cm="cal_${k.id}" data-omni="context_calendar_${k.id}"><span><span style="display:inline-block;width:9px;height:9px;border-radius:5px;background:${k.color}"></span> ${k.name}</span></button>`).join('');
    } else cm.style.display = 'none';
    // menu bar menus
    document.querySelectorAll('[data-menu]').forEach((b) => b.classList.toggle('open', S.menu === b.dataset.menu));
    const mm = $('#mbmenu');
    if (S.menu && MENUS[S.menu]) { const b = document.querySelector(`[data-menu="${S.menu}"]`).getBoundingClientRect();
      mm.style.display = 'block'; mm.style.left = b.left + 'px';
      mm.innerHTML = MENUS[S.menu].map((x) => x ? `<button class="mm" data-mcmd="${x[0]}" data-omni="menu_${x[0]}">${x[1]}<span class="acc">${x[2] || ''}</span></button>` : '<div class="mm-sep"></div>').join(''); }
    else mm.style.display = 'none';
    // search results
    const rs = $('#results');
    const q = S.search.trim().toLowerCase();
    if (q) { const hits = S.events.filter((e) => e.title.toLowerCase().includes(q) || e.location.toLowerCase().includes(q));
      rs.style.display = 'block';
      rs.innerHTML = hits.length ? hits.map((e) => `<button class="res" data-res="${e.id}" data-omni="result_${e.id}"><div>${esc(e.title)}</div><div class="s">${DOW[dt(e.date).getUTCDay()]}, ${MONTHS[dt(e.date).getUTCMonth()].slice(0, 3)} ${dt(e.date).getUTCDate()}${e.allDay ? '' : ' · ' + fmtH(e.start)}</div></button>`).join('') : '<div class="res s">No Results</div>';
      S.results = hits.map((e) => e.id); }
    else { rs.style.display = 'none'; S.results = []; }
    // tooltip
    const tp = $('#tip'); tp.style.display = 'none';
    if (S.tooltip) { const el = document.querySelector(`[data-omni="${S.tooltip}"]`);
      if (el && el.dataset.tip) { const b = el.getBoundingClientRect(); tp.textContent = el.dataset.tip; tp.style.display = 'block';
        const inDock = !!el.closest('#dock');
        tp.style.left = (inDock ? b.left + b.width / 2 - tp.offsetWidth / 2 : b.left) + 'px'; tp.style.top = (inDock ? b.top - 34 : b.bottom + 6) + 'px'; } }
    markHidden();
    // Focus the field a command just opened now, in the same task as the click: a deferred focus
    // (setTimeout) lost the first keys typed right after the click whenever they arrived first.
    if (focusAfterRender) {
      const f = focusAfterRender, i = document.getElementById(f.id);
      focusAfterRender = null;
      if (i) { i.focus(); if (f.select) i.select(); }
    }
  }
  const MENUS = {
    file: [['new_event', 'New Event', '⌘N'], ['new_calendar', 'New Calendar', ''], null, ['import', 'Import…', ''], ['export', 'Export', ''], null, ['print', 'Print…', '⌘P']],
    edit: [['undo', 'Undo', '⌘Z'], ['redo', 'Redo', '⇧⌘Z'], null, ['cut', 'Cut', '⌘X'], ['copy', 'Copy', '⌘C'], ['paste', 'Paste', '⌘V'], ['delete', 'Delete', ''], ['select_all', 'Select All', '⌘A']],
    view: [['by_day', 'By Day', '⌘1'], ['by_week', 'By Week', '⌘2'], ['by_month', 'By Month', '⌘3'], ['by_year', 'By Year', '⌘4'], null, ['go_today', 'Go to Today', '⌘T'], ['go_date', 'Go to Date…', '⇧⌘T'], null, ['refresh', 'Refresh Calendars', '⌘R']],
    window: [['minimize', 'Minimize', '⌘M'], ['zoom', 'Zoom', ''], null, ['calendar', 'Calendar', '']],
    help: [['help', 'Calendar Help', '']],
  };
  function markHidden() {
    document.querySelectorAll('[data-omni-hidden]').forEach((el) => { el.setAttribute('data-omni', el.getAttribute('data-omni-hidden')); el.removeAttribute('data-omni-hidden'); });
    const hide = [];
    document.querySelectorAll('[data-omni]').forEach((el) => {
      const r = el.getBoundingClientRect(); if (r.width < 1 || r.height < 1 || r.bottom <= 0 || r.top >= innerHeight) return;
      const cx = Math.min(Math.max((r.left + r.right) / 2, 0), innerWidth - 1), cy = Math.min(Math.max((r.top + r.bottom) / 2, 0), innerHeight - 1);
      const top = document.elementFromPoint(cx, cy);
      if (top && top !== el && !el.contains(top) && !top.closest('#tip,#nowline')) hide.push(el);
    });
    hide.forEach((el) => { el.setAttribute('data-omni-hidden', el.dataset.omni); el.removeAttribute('data-omni'); });
  }

  // ---- actions ----
  function go(dir) {
    if (S.view === 'week') S.anchor = add(S.anchor, 7 * dir);
    else if (S.view === 'day') S.anchor = add(S.anchor, dir);
    else if (S.view === 'month') S.anchor = addMonths(S.anchor, dir);
    else S.anchor = addMonths(S.anchor, 12 * dir);
    S.miniMonth = S.anchor.slice(0, 7);
  }
  function setView(v) { S.view = v; S.inspector = null; S.contextMenu = null; }
  function newEvent(date, hour) {
    S.newCount++;
    const e = E('new_' + S.newCount, 'New Event', 'home', date, hour, hour === null ? null : hour + 1);
    S.events.push(e); S.selected = e.id; S.inspector = e.id; S.focusField = 'title';
    focusAfterRender = { id: 'ins_title', select: true };
  }
  function deleteEvent(id) { const i = S.events.findIndex((e) => e.id === id); if (i >= 0) { S.deleted.push(id); S.events.splice(i, 1); }
    if (S.selected === id) S.selected = null; if (S.inspector === id) S.inspector = null; }
  function menuCmd(c) {
    S.menu = null;
    switch (c) {
      case 'by_day': setView('day'); break; case 'by_week': setView('week'); break; case 'by_month': setView('month'); break; case 'by_year': setView('year'); break;
      case 'go_today': S.anchor = TODAY; break; case 'new_event': newEvent(S.anchor, 9); break;
      case 'minimize': S.window = 'minimized'; break; case 'zoom': S.window = S.window === 'full' ? 'normal' : 'full'; break;
      default: S.lastMenuCommand = c;
    }
  }

  document.addEventListener('click', (e) => {
    if (dragInfo && dragInfo.moved) return;
    const t = e.target;
    if (e.detail === 2 && (t.closest('#year [data-date]') || !t.closest('#inspector,#ctx,#mbmenu,#dock,#sidebar,button'))) { onDouble(e); return; }
    if (t.tagName === 'INPUT' && t.closest('#inspector')) { S.focusField = t.id.replace('ins_', ''); return; }  // keep focus: no re-render
    const inPop = t.closest('#inspector,#ctx,#mbmenu');
    if (S.contextMenu && !t.closest('#ctx')) { S.contextMenu = null; render(); return; }
    if (S.menu && !t.closest('#mbmenu,[data-menu]')) { S.menu = null; render(); return; }
    if (S.inspector && !inPop && !t.closest('[data-ev]')) { S.inspector = null; S.calPicker = false; S.focusField = null; render(); return; }
    const a = t.closest('[data-act],[data-view],[data-cal],[data-ev],[data-mini],[data-menu],[data-mcmd],[data-cm],[data-res],[data-month],[data-setcal],[data-launch],.mcell,#year [data-date]');
    if (!t.closest('#search')) S.searchFocus = false;
    if (!a) { if (!inPop) { S.selected = null; } render(); return; }
    const d = a.dataset;
    if (d.view) setView(d.view);
    else if (d.cal) S.calendars[d.cal] = !S.calendars[d.cal];
    else if (d.ev) { S.selected = d.ev; }
    else if (d.mini) { S.anchor = d.mini; S.miniMonth = d.mini.slice(0, 7); }
    else if (d.menu) S.menu = S.menu === d.menu ? null : d.menu;
    else if (d.mcmd) menuCmd(d.mcmd);
    else if (d.cm) { const id = S.contextMenu.id; S.contextMenu = null;
      if (d.cm === 'delete') deleteEvent(id); else if (d.cm === 'info') { S.inspector = id; S.selected = id; }
      else if (d.cm === 'duplicate') { const o = ev(id); S.newCount++; S.events.push(Object.assign({}, o, { id: 'new_' + S.newCount })); }
      else if (d.cm.startsWith('cal_')) ev(id).cal = d.cm.slice(4); else if (d.cm === 'copy' || d.cm === 'cut') { S.clipboard = id; if (d.cm === 'cut') deleteEvent(id); } }
    else if (d.res) { const o = ev(d.res); S.anchor = o.date; S.selected = o.id; S.miniMonth = o.date.slice(0, 7); }
    else if (d.month) { setView('month'); S.anchor = d.month; S.miniMonth = d.month.slice(0, 7); }
    else if (d.setcal) { ev(S.inspector).cal = d.setcal; S.calPicker = false; }
    else if (d.launch) S.launched = d.launch;
    else if (a.classList.contains('mcell') || (d.date && a.closest('#year'))) { S.selectedDate = d.date; S.selected = null; }
    else switch (d.act) {
      case 'today': S.anchor = TODAY; S.miniMonth = '2026-12'; break;
      case 'prev': go(-1); break; case 'next': go(1); break;
      case 'mini_prev': S.miniMonth = addMonths(S.miniMonth + '-01', -1).slice(0, 7); break;
      case 'mini_next': S.miniMonth = addMonths(S.miniMonth + '-01', 1).slice(0, 7); break;
      case 'add': newEvent(S.view === 'day' ? S.anchor : TODAY, 10); break;
      case 'sidebar': S.sidebar = !S.sidebar; break;
      case 'search': S.searchFocus = true; focusAfterRender = { id: 'search_input' }; break;
      case 'close': S.window = 'closed'; break; case 'minimize': S.window = 'minimized'; break;
      case 'zoom': S.window = S.window === 'full' ? 'normal' : 'full'; break;
      case 'cal_picker': S.calPicker = !S.calPicker; break;
      case 'alert': { const o = ev(S.inspector); const A = ['None', '5 minutes before', '15 minutes before', '30 minutes before', '1 hour before'];
        o.alert = A[(A.indexOf(o.alert) + 1) % A.length]; } break;
      case 'invitees': S.inviteeField = true; break;
      case 'apple': S.menu = S.menu === 'apple' ? null : 'apple'; break;
      default: if (d.act) S.lastAction = d.act;
    }
    render();
  });
  // Double-clicks come from the click count (event.detail): the first click re-renders the view, and Chromium only
  // fires dblclick when both clicks land on the same node.
  function onDouble(e) {
    const t = e.target;
    const evEl = t.closest('[data-ev]');
    if (evEl) { S.selected = evEl.dataset.ev; S.inspector = evEl.dataset.ev; render(); return; }
    const slot = t.closest('.slot');
    if (slot) { newEvent(slot.dataset.date, Number(slot.dataset.hour)); render(); return; }
    const cell = t.closest('.mcell');
    if (cell) { newEvent(cell.dataset.date, null); render(); return; }
    const yd = t.closest('#year [data-date]');
    if (yd) { setView('day'); S.anchor = yd.dataset.date; render(); return; }
    if (t.closest('#toolbar') && !t.closest('button,#search')) { S.window = S.window === 'full' ? 'normal' : 'full'; render(); }
  }
  document.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    const evEl = e.target.closest('[data-ev]');
    if (!evEl) { S.contextMenu = null; render(); return; }
    S.selected = evEl.dataset.ev; S.contextMenu = { id: evEl.dataset.ev, x: e.clientX, y: e.clientY }; render();
  });
  document.addEventListener('mouseover', (e) => {
    const t = e.target.closest('[data-tip]');
    const tip = t ? t.dataset.omni : null;
    const tr = !!e.target.closest('#traffic'); $('#traffic').classList.toggle('hover', tr); S.trafficHover = tr;
    if (tip !== S.tooltip) { S.tooltip = tip; render(); }
  });
  // drag an event to another slot or day
  let dragInfo = null;
  document.addEventListener('mousedown', (e) => {
    if (e.button !== 0) return;
    const evEl = e.target.closest('[data-ev]');
    if (!evEl || evEl.closest('#inspector')) return;
    dragInfo = { id: evEl.dataset.ev, x: e.clientX, y: e.clientY, moved: false, el: evEl };
  });
  document.addEventListener('mousemove', (e) => {
    if (!dragInfo) return;
    if (Math.abs(e.clientX - dragInfo.x) + Math.abs(e.clientY - dragInfo.y) > 6) { dragInfo.moved = true; dragInfo.el.classList.add('dragging'); }
  });
  document.addEventListener('mouseup', (e) => {
    if (!dragInfo) return;
    const info = dragInfo;
    if (info.moved) {
      const tgt = document.elementFromPoint(e.clientX, e.clientY);
      const slot = tgt && tgt.closest('.slot'); const cell = tgt && tgt.closest('.mcell');
      const o = ev(info.id);
      if (slot && !o.allDay) { const dur = o.end - o.start; const frac = o.start % 1; o.date = slot.dataset.date; o.start = Number(slot.dataset.hour) + frac; o.end = o.start + dur; }
      else if (cell) o.date = cell.dataset.date;
      else if (slot && o.allDay) { o.date = slot.dataset.date; }
      S.selected = info.id;
      setTimeout(() => { dragInfo = null; }, 0);
      render(); return;
    }
    dragInfo = null;
  });
  let hAcc = 0, vAcc = 0;
  document.addEventListener('wheel', (e) => {
    const onView = e.target.closest('#view');
    if (!onView) return;
    e.preventDefault();
    // Chromium reports wheel deltas divided by the device pixel ratio; scale back so one notch is 100 CSS px
    const f = window.devicePixelRatio || 1, dx = e.deltaX * f, dy = e.deltaY * f;
    if (S.view === 'week' || S.view === 'day') {
      // a sideways swipe pages through weeks (days), as on a trackpad: 300 px per page
      if (dx) { hAcc += dx; while (Math.abs(hAcc) >= 300) { go(hAcc > 0 ? 1 : -1); hAcc -= 300 * Math.sign(hAcc); } }
      if (dy) S.scrollTop += dy;
    } else { vAcc += dy; while (Math.abs(vAcc) >= 300) { go(vAcc > 0 ? 1 : -1); vAcc -= 300 * Math.sign(vAcc); } }
    render();
  }, { passive: false });
  document.addEventListener('keydown', (e) => {
    const k = e.key, c = e.metaKey || e.ctrlKey;
    const inInput = document.activeElement && document.activeElement.tagName === 'INPUT';
    if (c) {
      let h = true;
      switch (k.toLowerCase()) {
        case '1': setView('day'); break; case '2': setView('week'); break; case '3': setView('month'); break; case '4': setView('year'); break;
        case 't': S.anchor = TODAY; S.miniMonth = '2026-12'; break;
        case 'n': newEvent(S.view === 'day' ? S.anchor : TODAY, 10); break;
        case 'f': S.searchFocus = true; $('#search_input').focus(); break;
        case 'arrowright': go(1); break; case 'arrowleft': go(-1); break;
        case 'i': if (S.selected) S.inspector = S.selected; break;
        case 'd': if (S.selected) { const o = ev(S.selected); S.newCount++; S.events.push(Object.assign({}, o, { id: 'new_' + S.newCount })); } break;
        case 'm': S.window = 'minimized'; break;
        case 'a': if (inInput) { document.activeElement.select(); e.preventDefault(); return; } break;  // ⌘A in a text field: no re-render, keep focus
        default: h = false;
      }
      if (h) { e.preventDefault(); render(); }
      return;
    }
    if (k === 'Escape') { S.inspector = null; S.contextMenu = null; S.menu = null; S.calPicker = false; if (inInput) document.activeElement.blur(); S.focusField = null; render(); return; }
    if (inInput) { if (k === 'Enter') { if (document.activeElement.id === 'search_input' && S.results.length) { const o = ev(S.results[0]); S.anchor = o.date; S.selected = o.id; }
        document.activeElement.blur(); S.focusField = null; render(); } return; }
    if ((k === 'Backspace' || k === 'Delete') && S.selected) { deleteEvent(S.selected); render(); return; }
    if (k === 'ArrowRight' && S.view !== 'year') { go(1); render(); }
    if (k === 'ArrowLeft' && S.view !== 'year') { go(-1); render(); }
  });
  document.addEventListener('input', (e) => {
    const id = e.target.id;
    if (id === 'search_input') { S.search = e.target.value; render(); $('#search_input').focus(); return; }
    const o = S.inspector && ev(S.inspector); if (!o) return;
    if (id === 'ins_title') o.title = e.target.value;
    if (id === 'ins_location') o.location = e.target.value;
    if (id === 'ins_notes') o.notes = e.target.value;
  });
  document.addEventListener('focusin', (e) => {
    const m = { ins_title: 'title', ins_location: 'location', ins_notes: 'notes' }[e.target.id];
    if (m) { S.focusField = m; e.target.classList.add('focus'); }
    if (e.target.id === 'search_input') { S.searchFocus = true; $('#search').classList.add('focus'); }
  });

  document.fonts.ready.then(() => { render(); window.omni = { ready: true, state: S }; });
})();
