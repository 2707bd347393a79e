/* SkyFinder, a flight booking site: search form, results, seat map and passenger details (?screen=). */
(function () {
  const {h, icon, bind, sync, slug} = Kit;
  const SCREEN = Kit.params.get('screen') || 'search';
  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const DOW = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];
  const AIRLINES = [['alaska', 'Alaska Airlines', '#01426a'], ['delta', 'Delta', '#c01933'], ['jetblue', 'JetBlue', '#0033a0'], ['united', 'United', '#005daa'], ['american', 'American', '#36495a']];
  const FLIGHTS = [
    {id: 1, air: 'delta', code: 'DL 417', dep: '06:05', arr: '14:29', dur: '5h 24m', stops: 0, via: '', price: 289},
    {id: 2, air: 'alaska', code: 'AS 24', dep: '07:45', arr: '16:20', dur: '5h 35m', stops: 0, via: '', price: 312},
    {id: 3, air: 'jetblue', code: 'B6 264', dep: '09:10', arr: '19:58', dur: '7h 48m', stops: 1, via: 'BOS', price: 241},
    {id: 4, air: 'united', code: 'UA 1187', dep: '11:30', arr: '22:41', dur: '8h 11m', stops: 1, via: 'ORD', price: 226},
    {id: 5, air: 'american', code: 'AA 2971', dep: '13:15', arr: '23:59', dur: '7h 44m', stops: 1, via: 'DFW', price: 258},
    {id: 6, air: 'delta', code: 'DL 2240', dep: '15:40', arr: '00:05', dur: '5h 25m', stops: 0, via: '', price: 344},
    {id: 7, air: 'united', code: 'UA 902', dep: '17:20', arr: '07:02', dur: '10h 42m', stops: 2, via: 'DEN, IAD', price: 198},
    {id: 8, air: 'alaska', code: 'AS 8', dep: '22:50', arr: '07:15', dur: '5h 25m', stops: 0, via: '', price: 276},
  ];
  const DESTS = [['New York', 'fa-city', '#1e3a8a', 219], ['Honolulu', 'fa-umbrella-beach', '#0e7490', 348], ['Denver', 'fa-mountain', '#7c2d12', 129],
    ['Chicago', 'fa-building', '#334155', 156], ['Miami', 'fa-sun', '#c2410c', 241], ['Boston', 'fa-landmark', '#4c1d95', 198], ['Austin', 'fa-guitar', '#166534', 174],
    ['San Diego', 'fa-water', '#0369a1', 112], ['Las Vegas', 'fa-dice', '#9d174d', 99], ['Anchorage', 'fa-snowflake', '#155e75', 187]];
  const ROWS = []; for (let r = 10; r <= 32; r++) ROWS.push(r);
  const LEGROOM = [10, 11, 21];
  // Taken seats: a fixed pattern, so every render is the same.
  const TAKEN = new Set(['10A', '10F', '11B', '11C', '12A', '12D', '12E', '13C', '13F', '14A', '14B', '15D', '15E', '15F', '16C', '17A', '17B', '17F',
    '18D', '19A', '19C', '20E', '20F', '21B', '22A', '22C', '22D', '23F', '24B', '24E', '25A', '26D', '26F', '27C', '28A', '28B', '29E', '30F', '31A', '32C']);
  const seatPrice = (r) => (LEGROOM.includes(r) ? 45 : r <= 16 ? 22 : 15);

  const base = SCREEN === 'search';
  const state = {
    view: SCREEN,
    tripType: 'round',
    from: 'Seattle (SEA)',
    to: base ? '' : 'New York (JFK)',
    depart: base ? null : '2026-12-18',
    ret: base ? null : '2026-12-23',
    picking: 'depart',
    calMonth: 12,
    adults: SCREEN === 'search' || SCREEN === 'results' ? 1 : 2,
    children: 0,
    infants: 0,
    cabin: 'economy',
    flexible: false,
    nonstopOnly: false,
    addHotel: false,
    date: '2026-12-18',
    filters: {stops: [], airlines: [], depMin: 0, depMax: 24, priceMax: 800, carryOn: false},
    sort: 'best',
    trackPrices: false,
    selected: SCREEN === 'seats' || SCREEN === 'passenger' ? 1 : null,
    expanded: null,
    pinned: [],
    saved: [],
    contextMenu: null,
    seats: {p1: null, p2: null},
    activePassenger: 1,
    legroomOnly: false,
    seatInfo: null,
    upgrade: false,
    seatsSkipped: false,
    form: {title: '', first: 'Alex', last: 'Kim', dobDay: '', dobMonth: '', dobYear: '', email: 'alex.kim@example.com', phone: '', ff: '',
      meal: 'standard', bags: 0, insurance: false, sms: false, terms: false, assist: false},
    ui: {tooltip: null, hoverSeat: null, destScroll: 0, dateScroll: 0, listScroll: 0, cabinScroll: 0},
  };
  const root = document.getElementById('root');
  let menuEl = null;
  const set = (fn) => { fn(state); sync(); };
  function go(view) { state.view = view; render(); }
  const toggle = (list, v) => { const i = list.indexOf(v); if (i >= 0) list.splice(i, 1); else list.push(v); };
  const pad = (n) => String(n).padStart(2, '0');
  const iso = (y, m, d) => `${y}-${pad(m)}-${pad(d)}`;
  const nice = (s) => { if (!s) return 'Add date'; const [y, m, d] = s.split('-').map(Number); const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); return ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][w] + ', ' + MONTHS[m - 1].slice(0, 3) + ' ' + d; };
  const dayPrice = (m, d) => 120 + ((m * 37 + d * 53) % 140);

  function openMenu(e, title, target, items) {
    e.preventDefault();
    set((s) => { s.contextMenu = target; });
    if (menuEl) menuEl.remove();
    menuEl = h('div', {class: 'ctx-menu', style: {left: e.clientX + 'px', top: e.clientY + 'px'}}, h('div', {class: 'ctx-title'}, title),
      items.map(([t, ic]) => h('div', {class: 'ctx-item'}, icon(ic), ' ', t)));
    document.body.appendChild(menuEl);
  }
  document.addEventListener('mousedown', (e) => { if (menuEl && !menuEl.contains(e.target) && e.button === 0) { menuEl.remove(); menuEl = null; set((s) => { s.contextMenu = null; s.seatInfo = null; }); } });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && menuEl) { menuEl.remove(); menuEl = null; set((s) => { s.contextMenu = null; s.seatInfo = null; }); } });

  function header() {
    return h('header', {class: 'top'},
      h('a', {class: 'logo', omni: 'logo_link', on: {click: () => go('search')}}, icon('fa-solid fa-plane-up'), ' SkyFinder'),
      h('nav', {}, [['flights', 'fa-plane', 'Flights'], ['hotels', 'fa-bed', 'Hotels'], ['cars', 'fa-car', 'Cars'], ['packages', 'fa-suitcase-rolling', 'Packages'], ['deals', 'fa-tag', 'Deals']].map(([k, ic, t]) =>
        h('button', {class: 'tab' + (k === 'flights' ? ' on' : ''), omni: 'nav_' + k, on: {click: () => { if (k !== 'flights') go(k); }}}, icon('fa-solid ' + ic), ' ' + t))),
      h('span', {class: 'grow'}),
      h('button', {class: 'hbtn', omni: 'currency_button'}, 'USD $'),
      h('button', {class: 'hbtn', omni: 'language_button'}, icon('fa-solid fa-globe'), ' EN'),
      h('button', {class: 'hbtn', omni: 'my_trips_button', on: {click: () => go('trips')}}, icon('fa-solid fa-suitcase'), ' My trips'),
      h('button', {class: 'hbtn signin', omni: 'sign_in_button', on: {click: () => go('signin')}}, icon('fa-regular fa-circle-user'), ' Sign in'));
  }
  function stepper(n) {
    return h('div', {class: 'stepper', static: 'booking_steps'}, ['Search', 'Flights', 'Seats', 'Passengers', 'Payment'].map((t, i) =>
      h('span', {class: 'step' + (i < n ? ' done' : i === n ? ' on' : '')}, h('b', {}, i < n ? icon('fa-solid fa-check') : String(i + 1)), t)));
  }
  function counter(label, sub, key, min) {
    return h('div', {class: 'counter'}, h('div', {}, h('b', {}, label), h('small', {}, sub)),
      h('button', {class: 'cbtn', omni: key + '_minus', on: {click: () => set((s) => { if (s[key] > min) s[key] -= 1; })}}, icon('fa-solid fa-minus')),
      bind(h('span', {class: 'cval'}), (el) => { el.textContent = state[key]; }),
      h('button', {class: 'cbtn', omni: key + '_plus', on: {click: () => set((s) => { if (s.adults + s.children + s.infants < 9) s[key] += 1; })}}, icon('fa-solid fa-plus')));
  }
  function check(label, omni, get, flip, cls) {
    return bind(h('label', {class: 'check ' + (cls || ''), omni, on: {click: (e) => { e.preventDefault(); set(flip); }}}, h('span', {class: 'box'}, icon('fa-solid fa-check')), label),
      (el) => el.classList.toggle('on', !!get()));
  }

  // ------------------------------------------------------------------ search
  function month(y, m) {
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const cells = [];
    for (let i = 0; i < first; i++) cells.push(h('span', {class: 'day empty'}));
    for (let d = 1; d <= days; d++) {
      const key = iso(y, m, d);
      cells.push(bind(h('button', {class: 'day', omni: 'day_' + MONTHS[m - 1].slice(0, 3).toLowerCase() + '_' + d, on: {click: () => pickDay(key)}},
        h('span', {}, String(d)), h('small', {}, '$' + dayPrice(m, d))), (el) => {
        el.classList.toggle('sel', state.depart === key || state.ret === key);
        el.classList.toggle('range', !!(state.depart && state.ret && key > state.depart && key < state.ret));
      }));
    }
    return h('div', {class: 'month'}, h('div', {class: 'mname'}, MONTHS[m - 1] + ' ' + y), h('div', {class: 'dow'}, DOW.map((x) => h('span', {}, x))), h('div', {class: 'days'}, cells));
  }
  function pickDay(key) {
    set((s) => {
      if (s.tripType === 'oneway') { s.depart = key; return; }
      if (s.picking === 'depart' || !s.depart || key < s.depart) { s.depart = key; s.ret = null; s.picking = 'return'; }
      else { s.ret = key; s.picking = 'depart'; }
    });
  }
  function field(label, omni, get, onInput, ic) {
    const inp = h('input', {type: 'text', omni, value: get(), placeholder: label === 'To' ? 'City or airport' : '', on: {input: (e) => set((s) => onInput(s, e.target.value)),
      keydown: (e) => { if (e.key === 'Enter') search(); }}});
    bind(inp, (el) => { if (document.activeElement !== el && el.value !== get()) el.value = get(); });
    return h('div', {class: 'field'}, h('label', {}, icon('fa-solid ' + ic), ' ' + label), inp);
  }
  function search() {
    if (!state.to.trim() || !state.depart) return;
    go('results');
  }
  function searchView() {
    const cal = h('div', {class: 'calendar'},
      h('button', {class: 'calnav', omni: 'calendar_prev', on: {click: () => {}}}, icon('fa-solid fa-chevron-left')),
      month(2026, 12), month(2027, 1),
      h('button', {class: 'calnav', omni: 'calendar_next', on: {click: () => {}}}, icon('fa-solid fa-chevron-right')));
    const card = h('div', {class: 'search-card'},
      h('div', {class: 'row'},
        [['round', 'Round trip'], ['oneway', 'One way'], ['multi', 'Multi-city']].map(([k, t]) => bind(h('button', {class: 'pill', omni: 'trip_' + k + '_tab',
          on: {click: () => set((s) => { s.tripType = k; if (k === 'oneway') s.ret = null; })}}, t), (el) => el.classList.toggle('on', state.tripType === k))),
        h('span', {class: 'grow'}),
        check('Add a hotel', 'add_hotel_checkbox', () => state.addHotel, (s) => { s.addHotel = !s.addHotel; }),
        check('Flexible dates ±3', 'flexible_dates_checkbox', () => state.flexible, (s) => { s.flexible = !s.flexible; }),
        check('Nonstop only', 'nonstop_only_checkbox', () => state.nonstopOnly, (s) => { s.nonstopOnly = !s.nonstopOnly; })),
      h('div', {class: 'row fields'},
        field('From', 'from_input', () => state.from, (s, v) => { s.from = v; }, 'fa-plane-departure'),
        h('button', {class: 'swap', omni: 'swap_airports_button', title: 'Swap', on: {click: () => set((s) => { const t = s.from; s.from = s.to; s.to = t; })}}, icon('fa-solid fa-right-left')),
        field('To', 'to_input', () => state.to, (s, v) => { s.to = v; }, 'fa-plane-arrival'),
        bind(h('div', {class: 'field date', omni: 'depart_date_field', on: {click: () => set((s) => { s.picking = 'depart'; })}}, h('label', {}, icon('fa-regular fa-calendar'), ' Depart'), h('span', {class: 'val'})),
          (el) => { el.querySelector('.val').textContent = nice(state.depart); el.classList.toggle('active', state.picking === 'depart'); }),
        bind(h('div', {class: 'field date', omni: 'return_date_field', on: {click: () => set((s) => { if (s.tripType !== 'oneway') s.picking = 'return'; })}}, h('label', {}, icon('fa-regular fa-calendar'), ' Return'), h('span', {class: 'val'})),
          (el) => { el.querySelector('.val').textContent = state.tripType === 'oneway' ? 'One way' : nice(state.ret); el.classList.toggle('active', state.picking === 'return' && state.tripType !== 'oneway'); }),
        h('button', {class: 'btn primary big', omni: 'search_flights_button', on: {click: search}}, icon('fa-solid fa-magnifying-glass'), ' Search flights')),
      h('div', {class: 'row'},
        counter('Adults', '12+ years', 'adults', 1), counter('Children', '2–11', 'children', 0), counter('Infants', 'under 2', 'infants', 0),
        h('span', {class: 'grow'}),
        h('div', {class: 'seg-group'}, [['economy', 'Economy'], ['premium', 'Premium economy'], ['business', 'Business'], ['first', 'First']].map(([k, t]) =>
          bind(h('button', {class: 'seg', omni: 'cabin_' + k, on: {click: () => set((s) => { s.cabin = k; })}}, t), (el) => el.classList.toggle('on', state.cabin === k))))),
      cal);
    const track = h('div', {class: 'dest-track', on: {scroll: (e) => { state.ui.destScroll = e.target.scrollLeft; }}},
      DESTS.map(([city, ic, tint, price]) => h('div', {class: 'dest', omni: 'dest_' + slug(city) + '_card', style: {background: `linear-gradient(160deg, ${tint}, ${tint}cc)`},
        on: {click: () => set((s) => { s.to = city; })}}, icon('fa-solid ' + ic), h('b', {}, city), h('span', {}, 'from $' + price))));
    return h('main', {class: 'search'},
      h('div', {class: 'hero'}, h('h1', {}, 'Where to next, Alex?'), h('p', {}, 'Compare hundreds of airlines and find the best fare in seconds.'), card),
      h('section', {class: 'dests'}, h('div', {class: 'sec-head'}, h('h2', {}, 'Popular from Seattle'), h('span', {class: 'muted'}, 'Round-trip fares found in the last 24 hours')), track));
  }

  // ------------------------------------------------------------------ results
  function slider(label, key, ticks, min, max, unit, step) {
    const W = 200;
    const keys = Array.isArray(key) ? key : [key];
    const track = h('div', {class: 'range'});
    const pos = (v) => ((v - min) / (max - min) * W) + 'px';
    const valueAt = (x) => { const r = track.getBoundingClientRect(); const f = Math.max(0, Math.min(1, (x - r.left) / W)); return min + Math.round(f * (max - min) / step) * step; };
    track.append(h('div', {class: 'rail'}));
    track.append(bind(h('div', {class: 'fill'}), (el) => {
      const lo = keys.length === 2 ? state.filters[keys[0]] : min, hi = state.filters[keys[keys.length - 1]];
      el.style.left = pos(lo); el.style.width = ((hi - lo) / (max - min) * W) + 'px';
    }));
    keys.forEach((k, i) => {
      const name = keys.length === 2 ? (i === 0 ? 'min' : 'max') : 'max';
      const hd = bind(h('div', {class: 'handle', omni: label + '_' + name + '_handle'}), (el) => { el.style.left = pos(state.filters[k]); });
      Kit.draggable(hd, {onMove: (x) => set((s) => {
        let v = valueAt(x);
        if (keys.length === 2 && i === 0) v = Math.min(v, s.filters[keys[1]] - step);
        if (keys.length === 2 && i === 1) v = Math.max(v, s.filters[keys[0]] + step);
        s.filters[k] = v;
      })});
      track.append(hd);
    });
    return h('div', {}, track, h('div', {class: 'ticks'}, ticks.map((t) => h('span', {class: 'tick', omni: label + '_tick_' + t, style: {left: pos(t)}}, unit(t)))));
  }
  function resultsView() {
    const f = () => state.filters;
    const airlineName = (k) => AIRLINES.find((a) => a[0] === k)[1];
    const side = h('aside', {class: 'filters'},
      h('div', {class: 'fhead'}, h('h3', {}, 'Filters'), h('a', {class: 'link', omni: 'reset_filters_link', on: {click: () => set((s) => { s.filters = {stops: [], airlines: [], depMin: 0, depMax: 24, priceMax: 800, carryOn: false}; })}}, 'Reset')),
      h('h4', {}, 'Stops'),
      [[0, 'Nonstop', '$276'], [1, '1 stop', '$226'], [2, '2+ stops', '$198']].map(([n, t, p]) =>
        h('div', {class: 'frow'}, check(t, ['nonstop', 'one_stop', 'two_stops'][n] + '_checkbox', () => f().stops.includes(n), (s) => toggle(s.filters.stops, n)), h('span', {class: 'muted'}, p))),
      h('h4', {}, 'Airlines'),
      AIRLINES.map(([k, t]) => check(t, 'airline_' + k + '_checkbox', () => f().airlines.includes(k), (s) => toggle(s.filters.airlines, k))),
      h('h4', {}, 'Departure time'),
      bind(h('div', {class: 'muted small'}), (el) => { el.textContent = `${pad(f().depMin)}:00 – ${f().depMax === 24 ? '23:59' : pad(f().depMax) + ':00'}`; }),
      slider('departure', ['depMin', 'depMax'], [0, 6, 12, 18, 24], 0, 24, (t) => t + 'h', 1),
      h('h4', {}, 'Max price'),
      bind(h('div', {class: 'muted small'}), (el) => { el.textContent = 'Up to $' + f().priceMax; }),
      slider('price', 'priceMax', [200, 400, 600, 800], 200, 800, (t) => '$' + t, 10),
      h('h4', {}, 'Bags'),
      bind(h('button', {class: 'switch-row', omni: 'carry_on_toggle', on: {click: () => set((s) => { s.filters.carryOn = !s.filters.carryOn; })}}, h('span', {class: 'switch'}, h('span', {class: 'knob'})), 'Carry-on bag included'),
        (el) => el.classList.toggle('on', f().carryOn)));
    const strip = h('div', {class: 'date-strip', on: {scroll: (e) => { state.ui.dateScroll = e.target.scrollLeft; }}},
      Array.from({length: 21}, (_, i) => 11 + i).map((d) => {
        const key = iso(2026, 12, d);
        return bind(h('button', {class: 'dchip', omni: 'date_dec_' + d, on: {click: () => set((s) => { s.date = key; })}}, h('b', {}, nice(key)), h('span', {}, '$' + (190 + (d * 41) % 120))),
          (el) => el.classList.toggle('on', state.date === key));
      }));
    const list = h('div', {class: 'flist', on: {scroll: (e) => { state.ui.listScroll = e.target.scrollTop; }}},
      FLIGHTS.map((fl) => {
        const [, aname, tint] = AIRLINES.find((a) => a[0] === fl.air);
        const card = h('div', {class: 'fcard', omni: 'flight_' + fl.id + '_card',
          on: {dblclick: (e) => { if (!e.target.closest('button,a')) set((s) => toggle(s.pinned, fl.id)); },
               contextmenu: (e) => { if (e.target.closest('button,a')) { e.preventDefault(); return; } openMenu(e, fl.code + ' · ' + aname, fl.id, [['Track this flight', 'fa-regular fa-bell'], ['Share', 'fa-solid fa-share-nodes'], ['Hide airline', 'fa-regular fa-eye-slash']]); }}},
          h('div', {class: 'alogo', style: {background: tint}}, icon('fa-solid fa-plane')),
          h('div', {class: 'fmain'},
            h('div', {class: 'times'}, h('b', {}, fl.dep + ' – ' + fl.arr), fl.arr < fl.dep ? h('sup', {}, '+1') : null),
            h('div', {class: 'muted'}, aname + ' · ' + fl.code)),
          h('div', {class: 'fdur'}, h('b', {}, fl.dur), h('div', {class: 'muted'}, 'SEA–JFK')),
          h('div', {class: 'fstops'}, h('b', {class: fl.stops ? '' : 'green'}, fl.stops === 0 ? 'Nonstop' : fl.stops + ' stop' + (fl.stops > 1 ? 's' : '')), h('div', {class: 'muted'}, fl.via)),
          bind(h('span', {class: 'pin'}, icon('fa-solid fa-thumbtack')), (el) => { el.style.visibility = state.pinned.includes(fl.id) ? 'visible' : 'hidden'; }),
          h('div', {class: 'fprice'}, h('b', {}, '$' + fl.price),
            h('span', {class: 'muted'}, 'Economy ', h('i', {class: 'fa-solid fa-circle-info info', 'data-omni': 'flight_' + fl.id + '_fare_info',
              on: {mouseenter: () => set((s) => { s.ui.tooltip = 'fare_' + fl.id; }), mouseleave: () => set((s) => { s.ui.tooltip = null; })}}))),
          h('div', {class: 'fact'},
            h('button', {class: 'btn primary', omni: 'flight_' + fl.id + '_select', on: {click: () => { state.selected = fl.id; go('seats'); }}}, 'Select'),
            h('div', {class: 'row'},
              bind(h('button', {class: 'icon-btn', omni: 'flight_' + fl.id + '_save', title: 'Save', on: {click: () => set((s) => toggle(s.saved, fl.id))}}, icon('fa-regular fa-heart')),
                (el) => { el.firstChild.className = state.saved.includes(fl.id) ? 'fa-solid fa-heart' : 'fa-regular fa-heart'; }),
              h('a', {class: 'link', omni: 'flight_' + fl.id + '_details', on: {click: () => set((s) => { s.expanded = s.expanded === fl.id ? null : fl.id; })}}, 'Details ', icon('fa-solid fa-chevron-down')))),
          bind(h('div', {class: 'tip'}, 'Fare includes a personal item. Carry-on $35, first checked bag $40. Changes free, cancellations for credit.'),
            (el) => { el.style.display = state.ui.tooltip === 'fare_' + fl.id ? '' : 'none'; }));
        return h('div', {}, card, bind(h('div', {class: 'fdetails'}, icon('fa-solid fa-plane-departure'), ` ${fl.dep} Seattle-Tacoma Intl (SEA) → ${fl.arr} John F. Kennedy Intl (JFK) · ${fl.code} · Airbus A321neo · Wi-Fi · Power outlets`),
          (el) => { el.style.display = state.expanded === fl.id ? '' : 'none'; }));
      }));
    const sorts = [['best', 'Best', '$289 · 5h 24m'], ['cheapest', 'Cheapest', '$198 · 10h 42m'], ['fastest', 'Fastest', '$289 · 5h 24m']];
    const main = h('div', {class: 'rmain'},
      strip,
      h('div', {class: 'sorts'}, sorts.map(([k, t, sub]) => bind(h('button', {class: 'sort', omni: 'sort_' + k, on: {click: () => set((s) => { s.sort = k; })}}, h('b', {}, t), h('span', {}, sub)),
        (el) => el.classList.toggle('on', state.sort === k))),
        bind(h('button', {class: 'switch-row track', omni: 'track_prices_toggle', on: {click: () => set((s) => { s.trackPrices = !s.trackPrices; })}}, icon('fa-regular fa-bell'), ' Track prices ', h('span', {class: 'switch'}, h('span', {class: 'knob'}))),
          (el) => el.classList.toggle('on', state.trackPrices))),
      h('div', {class: 'hint'}, 'Double-click a flight to pin it for comparison · right-click for more'),
      list);
    return h('main', {class: 'results'},
      h('div', {class: 'summary'}, icon('fa-solid fa-plane'), h('b', {}, ' Seattle (SEA) → New York (JFK)'), h('span', {}, ' · Fri, Dec 18 – Wed, Dec 23 · 1 adult · Economy'),
        h('span', {class: 'grow'}), h('button', {class: 'btn', omni: 'edit_search_button', on: {click: () => go('search')}}, icon('fa-solid fa-pen'), ' Edit search')),
      h('div', {class: 'rbody'}, side, main));
  }

  // ------------------------------------------------------------------ seats
  function seatsView() {
    const names = {1: 'Alex Kim', 2: 'Jordan Lee'};
    const chip = (n) => {
      const el = bind(h('div', {class: 'pchip', omni: 'passenger_' + n + '_chip', on: {click: () => set((s) => { s.activePassenger = n; })}},
        h('span', {class: 'avatar'}, names[n].split(' ').map((x) => x[0]).join('')), h('div', {}, h('b', {}, names[n]), h('span', {class: 'seatval'})), icon('fa-solid fa-grip-vertical', 'grip')),
        (e) => { e.classList.toggle('on', state.activePassenger === n); e.querySelector('.seatval').textContent = state.seats['p' + n] ? 'Seat ' + state.seats['p' + n] : 'No seat yet'; });
      Kit.draggable(el, {onDrop: (x, y) => { const lab = Kit.labelAt(x, y); const m = lab && /^seat_(\d+)([a-f])$/.exec(lab); if (m) assign(n, m[1] + m[2].toUpperCase(), true); }});
      return el;
    };
    function assign(n, seat, fromDrag) {
      if (TAKEN.has(seat)) return;
      if (state.legroomOnly && !LEGROOM.includes(parseInt(seat, 10))) return;
      set((s) => {
        for (const k of ['p1', 'p2']) if (s.seats[k] === seat) s.seats[k] = null;
        s.seats['p' + n] = seat;
        if (!fromDrag) s.activePassenger = n === 1 && !s.seats.p2 ? 2 : n === 2 && !s.seats.p1 ? 1 : n;
      });
    }
    const cabin = h('div', {class: 'cabin', on: {scroll: (e) => { state.ui.cabinScroll = e.target.scrollTop; }}},
      h('div', {class: 'nose'}, icon('fa-solid fa-plane', 'nose-icon'), h('span', {}, 'Front of aircraft')),
      h('div', {class: 'srow head'}, h('span', {class: 'rn'}), ['A', 'B', 'C', '', 'D', 'E', 'F'].map((c) => h('span', {class: c ? 'col' : 'aisle'}, c))),
      ROWS.map((r) => h('div', {class: 'srow' + (LEGROOM.includes(r) ? ' legroom' : '')}, h('span', {class: 'rn'}, String(r)),
        ['A', 'B', 'C', '', 'D', 'E', 'F'].map((c) => {
          if (!c) return h('span', {class: 'aisle'}, LEGROOM.includes(r) ? icon('fa-solid fa-person-walking-luggage') : '');
          const id = r + c;
          const taken = TAKEN.has(id);
          return bind(h('button', {class: 'seat' + (taken ? ' taken' : ''), omni: 'seat_' + r + c.toLowerCase(), title: id,
            on: {click: () => assign(state.activePassenger, id, false),
                 mouseenter: () => set((s) => { s.ui.hoverSeat = id; }), mouseleave: () => set((s) => { s.ui.hoverSeat = null; }),
                 contextmenu: (e) => { openMenu(e, 'Seat ' + id, state.contextMenu, [[taken ? 'Occupied' : 'Available · $' + seatPrice(r), 'fa-solid fa-chair'], [LEGROOM.includes(r) ? 'Extra legroom' : 'Standard pitch 31"', 'fa-solid fa-ruler-vertical'], ['Near power outlet', 'fa-solid fa-plug']]); set((s) => { s.seatInfo = id; }); }}},
            taken ? icon('fa-solid fa-xmark') : ''), (el) => {
            const who = state.seats.p1 === id ? 'AK' : state.seats.p2 === id ? 'JL' : '';
            if (!taken) el.textContent = who;
            el.classList.toggle('mine', !!who);
            el.classList.toggle('dim', state.legroomOnly && !LEGROOM.includes(r) && !taken);
          });
        }))));
    const fl = FLIGHTS.find((x) => x.id === (state.selected || 1));
    const left = h('aside', {class: 'seat-side'},
      h('div', {class: 'card'}, h('div', {class: 'muted'}, 'Fri, Dec 18 · ' + fl.code), h('h3', {}, 'Seattle → New York'), h('div', {}, fl.dep + ' – ' + fl.arr + ' · ' + fl.dur + ' · Airbus A321neo')),
      h('h4', {}, 'Passengers'), h('div', {class: 'muted small'}, 'Click a passenger, then a seat — or drag a passenger onto a seat'),
      chip(1), chip(2),
      h('h4', {}, 'Legend'),
      h('div', {class: 'legend'}, h('span', {}, h('i', {class: 'sw free'}), ' Available'), h('span', {}, h('i', {class: 'sw taken'}), ' Occupied'), h('span', {}, h('i', {class: 'sw leg'}), ' Extra legroom +$45'), h('span', {}, h('i', {class: 'sw mine'}), ' Your seat')),
      bind(h('button', {class: 'switch-row', omni: 'legroom_only_toggle', on: {click: () => set((s) => { s.legroomOnly = !s.legroomOnly; })}}, h('span', {class: 'switch'}, h('span', {class: 'knob'})), 'Show extra legroom only'),
        (el) => el.classList.toggle('on', state.legroomOnly)));
    const right = h('aside', {class: 'fare'},
      h('h3', {}, 'Trip total'),
      h('div', {class: 'line'}, h('span', {}, '2 × Economy'), h('b', {}, '$' + fl.price * 2)),
      bind(h('div', {class: 'line'}), (el) => {
        const t = ['p1', 'p2'].map((k) => state.seats[k]).filter(Boolean).reduce((n, sid) => n + seatPrice(parseInt(sid, 10)), 0);
        el.innerHTML = ''; el.append(h('span', {}, 'Seats'), h('b', {}, '$' + t));
      }),
      bind(h('div', {class: 'seat-hover muted'}), (el) => { el.textContent = state.ui.hoverSeat ? 'Seat ' + state.ui.hoverSeat + ' · $' + seatPrice(parseInt(state.ui.hoverSeat, 10)) : 'Hover a seat to see its price'; }),
      h('div', {class: 'upsell'}, h('b', {}, icon('fa-solid fa-couch'), ' Comfort+'), h('p', {}, 'More legroom, priority boarding and free drinks for $79 per person.'),
        bind(h('button', {class: 'btn', omni: 'upgrade_button', on: {click: () => set((s) => { s.upgrade = !s.upgrade; })}}), (el) => { el.textContent = state.upgrade ? 'Upgraded ✓' : 'Upgrade'; })),
      h('button', {class: 'btn primary wide', omni: 'continue_button', on: {click: () => go('passenger')}}, 'Continue to passengers'),
      h('button', {class: 'link wide', omni: 'skip_seats_button', on: {click: () => { state.seats = {p1: null, p2: null}; state.seatsSkipped = true; go('passenger'); }}}, 'Skip, assign seats at check-in'));
    return h('main', {class: 'seats'}, stepper(2), h('div', {class: 'sbody'}, left, h('div', {class: 'cabin-wrap'}, cabin), right));
  }

  // ------------------------------------------------------------------ passenger
  function passengerView() {
    const inp = (label, key, omni, ph, cls) => {
      const el = h('input', {type: 'text', omni, value: state.form[key], placeholder: ph || '', class: cls || '', on: {input: (e) => set((s) => { s.form[key] = e.target.value; })}});
      return h('div', {class: 'ff ' + (cls || '')}, h('label', {}, label), el);
    };
    const form = h('section', {class: 'pform'},
      h('h2', {}, 'Passenger 1 · Adult'), h('p', {class: 'muted'}, 'Enter names exactly as they appear on the passport.'),
      h('div', {class: 'frow2'}, h('label', {class: 'lbl'}, 'Title'), ['mr', 'ms', 'mx'].map((t) => bind(h('button', {class: 'seg', omni: 'title_' + t, on: {click: () => set((s) => { s.form.title = t; })}}, t[0].toUpperCase() + t.slice(1)),
        (el) => el.classList.toggle('on', state.form.title === t)))),
      h('div', {class: 'grid2'}, inp('First name', 'first', 'first_name_input'), inp('Last name', 'last', 'last_name_input')),
      h('div', {class: 'grid3'}, inp('Day of birth', 'dobDay', 'dob_day_input', 'DD'), inp('Month', 'dobMonth', 'dob_month_input', 'MM'), inp('Year', 'dobYear', 'dob_year_input', 'YYYY')),
      h('div', {class: 'grid2'}, inp('Email', 'email', 'email_input'), h('div', {class: 'ff'}, h('label', {}, 'Phone'),
        h('div', {class: 'row'}, h('button', {class: 'cc', omni: 'country_code_button'}, 'US +1 ', icon('fa-solid fa-caret-down')),
          h('input', {type: 'text', omni: 'phone_input', placeholder: '(206) 555-0100', on: {input: (e) => set((s) => { s.form.phone = e.target.value; })}})))),
      inp('Frequent flyer number (optional)', 'ff', 'frequent_flyer_input', 'e.g. SK 1234 5678'),
      h('h3', {}, 'Meal preference'),
      h('div', {class: 'row'}, [['standard', 'Standard', 'fa-utensils'], ['vegetarian', 'Vegetarian', 'fa-carrot'], ['vegan', 'Vegan', 'fa-leaf'], ['kosher', 'Kosher', 'fa-star-of-david'], ['gluten_free', 'Gluten-free', 'fa-wheat-awn-circle-exclamation']].map(([k, t, ic]) =>
        bind(h('button', {class: 'meal', omni: 'meal_' + k, on: {click: () => set((s) => { s.form.meal = k; })}}, icon('fa-solid ' + ic), ' ' + t), (el) => el.classList.toggle('on', state.form.meal === k)))),
      h('h3', {}, 'Checked bags'),
      h('div', {class: 'row'}, h('button', {class: 'cbtn', omni: 'bags_minus', on: {click: () => set((s) => { if (s.form.bags > 0) s.form.bags -= 1; })}}, icon('fa-solid fa-minus')),
        bind(h('span', {class: 'cval'}), (el) => { el.textContent = state.form.bags; }),
        h('button', {class: 'cbtn', omni: 'bags_plus', on: {click: () => set((s) => { if (s.form.bags < 3) s.form.bags += 1; })}}, icon('fa-solid fa-plus')),
        h('span', {class: 'muted'}, '$40 first bag, $45 second')));
    const extras = h('section', {class: 'extras'},
      h('h3', {}, 'Extras'),
      check('Add travel insurance ($29)', 'insurance_checkbox', () => state.form.insurance, (s) => { s.form.insurance = !s.form.insurance; }),
      check('Send me flight updates by SMS', 'sms_updates_checkbox', () => state.form.sms, (s) => { s.form.sms = !s.form.sms; }),
      bind(h('button', {class: 'switch-row', omni: 'special_assistance_toggle', on: {click: () => set((s) => { s.form.assist = !s.form.assist; })}}, h('span', {class: 'switch'}, h('span', {class: 'knob'})), 'I need special assistance'),
        (el) => el.classList.toggle('on', state.form.assist)),
      h('div', {class: 'terms'}, check('I accept the fare rules and terms of carriage', 'terms_checkbox', () => state.form.terms, (s) => { s.form.terms = !s.form.terms; })),
      h('div', {class: 'trip'}, h('h3', {}, 'Your trip'), h('div', {}, icon('fa-solid fa-plane-departure'), ' Fri, Dec 18 · SEA → JFK · DL 417'), h('div', {}, icon('fa-solid fa-plane-arrival'), ' Wed, Dec 23 · JFK → SEA · DL 418'),
        h('div', {class: 'total'}, 'Total ', h('b', {}, '$578.00'))),
      h('button', {class: 'btn primary wide', omni: 'continue_payment_button', on: {click: () => { if (state.form.terms) go('payment'); }}}, 'Continue to payment'),
      h('button', {class: 'link wide', omni: 'back_to_seats_link', on: {click: () => go('seats')}}, icon('fa-solid fa-arrow-left'), ' Back to seats'));
    return h('main', {class: 'passenger'}, stepper(3), h('div', {class: 'pbody'}, form, extras));
  }

  function placeholder() { return h('main', {class: 'placeholder'}, h('h1', {}, ({payment: 'Payment', trips: 'My trips', signin: 'Sign in'})[state.view] || state.view)); }

  function render() {
    Kit.resetBinders();
    if (menuEl) { menuEl.remove(); menuEl = null; }
    root.innerHTML = '';
    const views = {search: searchView, results: resultsView, seats: seatsView, passenger: passengerView};
    root.append(header(), (views[state.view] || placeholder)());
    sync();
  }
  render();
  Kit.ready(state);
})();
