// Windows 11 Calculator on a desktop. State lives in window.omni.state; every render reads it.
(function () {
  'use strict';
  const SCREEN = new URLSearchParams(location.search).get('screen') || 'standard';
  const SYM = { '+': '+', '-': '−', '*': '×', '/': '÷', '^': '^', 'mod': 'mod' };

  function H(e, r) { return { expr: e, result: r }; }
  const HIST_LONG = [
    H('1,070 + 214 =', '1284'), H('365 × 24 =', '8760'), H('1,299 × 0.85 =', '1104.15'), H('84 ÷ 12 =', '7'),
    H('2,450 − 385 =', '2065'), H('sqr(15) =', '225'), H('√(144) =', '12'), H('19.99 × 3 =', '59.97'),
    H('1000 ÷ 8 =', '125'), H('72 + 18 =', '90'), H('640 × 480 =', '307200'), H('15% of 80 =', '12'),
  ];
  const SCREENS = {
    standard: { mode: 'standard', display: '0', expr: '', history: HIST_LONG.slice(4, 8), memory: [] },
    standard_result: { mode: 'standard', display: '1284', expr: '1,070 + 214 =', history: HIST_LONG.slice(0, 12),
      memory: [250, 18.5] },
    memory: { mode: 'standard', display: '56.25', expr: '225 ÷ 4 =', history: [H('225 ÷ 4 =', '56.25'),
      H('1,200 + 300 =', '1500'), H('7.5 × 4 =', '30')], memory: [56.25, 1500, -32, 7.5], panel: 'memory' },
    scientific: { mode: 'scientific', display: '0', expr: '', history: [H('sin(30) =', '0.5'), H('2 ^ 10 =', '1024'),
      H('log(1000) =', '3'), H('5! =', '120'), H('(3 + 4) × 6 =', '42'), H('ln(1) =', '0'), H('17 mod 5 =', '2'),
      H('√(2) =', '1.414213562373095'), H('10^(3) =', '1000'), H('cos(60) =', '0.5'), H('π × 2 =', '6.283185307179586'),
      H('3 ^ 3 =', '27')], memory: [] },
    nav_open: { mode: 'standard', display: '42', expr: '6 × 7 =', history: [H('6 × 7 =', '42'), H('90 − 48 =', '42'),
      H('13 + 29 =', '42')], memory: [42], nav: true },
    scientific_long: { mode: 'scientific', display: '12', tokens: [
      { k: 'lp' }, { k: 'num', v: 125, s: '125' }, { k: 'op', op: '*' }, { k: 'num', v: 8, s: '8' }, { k: 'op', op: '+' },
      { k: 'num', v: 3400, s: '3,400' }, { k: 'op', op: '/' }, { k: 'num', v: 17, s: '17' }, { k: 'op', op: '-' },
      { k: 'num', v: 46, s: '46' }, { k: 'rp' }, { k: 'op', op: '*' }, { k: 'num', v: 1.5, s: '1.5' }, { k: 'op', op: '+' },
      { k: 'num', v: 9, s: '√(81)' }, { k: 'op', op: '-' }, { k: 'num', v: 0.5, s: 'sin(30)' }, { k: 'op', op: '+' },
      { k: 'num', v: 120, s: 'fact(5)' }, { k: 'op', op: '-' }, { k: 'num', v: 1024, s: '2^(10)' }, { k: 'op', op: '+' },
      { k: 'num', v: 3, s: 'log(1000)' }, { k: 'op', op: '*' }, { k: 'num', v: 2, s: '2' }, { k: 'op', op: '-' },
      { k: 'num', v: 7.25, s: '7.25' }, { k: 'op', op: '/' }, { k: 'num', v: 0.5, s: '0.5' }, { k: 'op', op: '+' },
      { k: 'num', v: 365, s: '365' }, { k: 'op', op: '*' }, { k: 'num', v: 24, s: '24' }, { k: 'op', op: '-' },
      { k: 'num', v: 15, s: '15' }, { k: 'op', op: 'mod' }, { k: 'num', v: 4, s: '4' }, { k: 'op', op: '+' }],
      history: [H('sin(30) =', '0.5'), H('2 ^ 10 =', '1024'), H('5! =', '120')], memory: [100] },
  };
  const cfg = SCREENS[SCREEN] || SCREENS.standard;

  const S = {
    screen: SCREEN, mode: cfg.mode, display: cfg.display, expr: cfg.expr || '', history: cfg.history.slice(),
    memory: cfg.memory.slice(), panel: cfg.panel || 'history', navOpen: !!cfg.nav, alwaysOnTop: false,
    window: { x: 540, y: 100, w: 840, h: 800, state: 'normal' }, contextMenu: null, tooltip: null, hover: null,
    historyScroll: 0, navScroll: 0, exprScroll: 0, exprAtStart: false, exprAtEnd: true, angle: 'DEG', fe: false,
    second: false, dropdown: null, clipboard: null, error: null, desktopSelected: null, keypresses: 0,
  };
  // calculator engine registers (not shown to checks directly)
  let acc = null, op = null, newEntry = true, lastOp = null, lastB = null, tokens = (cfg.tokens || []).slice();
  let entryLabel = null;  // how the current entry shows in the expression (e.g. "sqr(9)")
  if (SCREEN !== 'standard') newEntry = true;

  const $ = (s) => document.querySelector(s);
  const num = () => Number(S.display);
  function fmt(v) {
    if (!isFinite(v)) return null;
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 1e16 || a < 1e-15) return v.toExponential(10).replace(/\.?0+e/, 'e');
    return String(Number(v.toPrecision(15)));
  }
  function group(s) {
    if (s == null) return '';
    if (/e/.test(s)) return s;
    const neg = s.startsWith('-'); if (neg) s = s.slice(1);
    const [i, f] = s.split('.');
    const g = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg ? '-' : '') + g + (f !== undefined ? '.' + f : '');
  }
  function setResult(v) {
    const s = fmt(v);
    if (s === null) { S.error = v === Infinity || v === -Infinity ? 'Cannot divide by zero' : 'Result is undefined';
      S.display = '0'; return false; }
    S.display = s; return true;
  }
  function apply(a, o, b) {
    switch (o) {
      case '+': return a + b; case '-': return a - b; case '*': return a * b;
      case '/': return b === 0 ? Infinity : a / b; case '^': return Math.pow(a, b);
      case 'mod': return a - b * Math.floor(a / b);
    }
    return b;
  }
  function pushHistory(e, r) { S.history.unshift(H(e, r)); S.historyScroll = 0; }

  // ---- standard mode: immediate execution, as Windows' Standard calculator does ----
  function digit(d) {
    S.error = null;
    if (newEntry) { S.display = d === '.' ? '0.' : d; newEntry = false; entryLabel = null;
      if (op === null && S.mode === 'standard') S.expr = S.expr.endsWith('=') ? '' : S.expr;
      if (S.mode === 'scientific' && S.expr.endsWith('=')) S.expr = '';
      return; }
    if (d === '.') { if (!S.display.includes('.')) S.display += '.'; return; }
    if (S.display.replace(/[-.]/g, '').length >= 16) return;
    S.display = S.display === '0' ? d : S.display === '-0' ? '-' + d : S.display + d;
  }
  function stdOp(o) {
    if (S.error) return;
    if (op !== null && !newEntry) { if (!setResult(apply(acc, op, num()))) { reset(); return; } }
    else if (op === null) { /* start */ }
    acc = num(); op = o; newEntry = true; entryLabel = null;
    S.expr = group(fmt(acc)) + ' ' + SYM[o];
  }
  function stdEquals() {
    if (S.error) { reset(); return; }
    let a, o, b;
    if (op !== null) { a = acc; o = op; b = num(); }
    else if (lastOp !== null) { a = num(); o = lastOp; b = lastB; }
    else { const lab = entryLabel || group(S.display); S.expr = lab + ' ='; pushHistory(S.expr, S.display);
      newEntry = true; return; }
    const bl = (op !== null && entryLabel) ? entryLabel : group(fmt(b));
    const e = group(fmt(a)) + ' ' + SYM[o] + ' ' + bl + ' =';
    if (!setResult(apply(a, o, b))) { S.expr = e; acc = null; op = null; newEntry = true; return; }
    S.expr = e; pushHistory(e, S.display);
    lastOp = o; lastB = b; acc = null; op = null; newEntry = true; entryLabel = null;
  }
  function unary(name) {
    if (S.error) return;
    const x = num(); let v, lab;
    const inner = entryLabel || group(S.display);
    const rad = (d) => S.angle === 'DEG' ? d * Math.PI / 180 : S.angle === 'GRAD' ? d * Math.PI / 200 : d;
    const clean = (r) => Math.abs(r) < 1e-14 ? 0 : r;
    switch (name) {
      case 'reciprocal': v = x === 0 ? Infinity : 1 / x; lab = `1/(${inner})`; break;
      case 'square': v = x * x; lab = `sqr(${inner})`; break;
      case 'cube': v = x * x * x; lab = `cube(${inner})`; break;
      case 'sqrt': v = x < 0 ? NaN : Math.sqrt(x); lab = `√(${inner})`; break;
      case 'cbrt': v = Math.cbrt(x); lab = `cuberoot(${inner})`; break;
      case 'negate': if (!newEntry || op === null) { S.display = S.display.startsWith('-') ? S.display.slice(1) : (S.display === '0' ? '0' : '-' + S.display); return; }
        v = -x; lab = `negate(${inner})`; break;
      case 'percent': v = (op === '+' || op === '-') ? (acc * x / 100) : x / 100; lab = group(fmt(v)); break;
      case 'abs': v = Math.abs(x); lab = `abs(${inner})`; break;
      case 'fact': { if (x < 0 || x !== Math.floor(x) || x > 170) { v = NaN; } else { v = 1; for (let i = 2; i <= x; i++) v *= i; }
        lab = `fact(${inner})`; break; }
      case 'tenpow': v = Math.pow(10, x); lab = `10^(${inner})`; break;
      case 'twopow': v = Math.pow(2, x); lab = `2^(${inner})`; break;
      case 'log': v = x <= 0 ? NaN : Math.log10(x); lab = `log(${inner})`; break;
      case 'ln': v = x <= 0 ? NaN : Math.log(x); lab = `ln(${inner})`; break;
      case 'epow': v = Math.exp(x); lab = `e^(${inner})`; break;
      case 'sin': v = clean(Math.sin(rad(x))); lab = `sin(${inner})`; break;
      case 'cos': v = clean(Math.cos(rad(x))); lab = `cos(${inner})`; break;
      case 'tan': v = clean(Math.tan(rad(x))); lab = `tan(${inner})`; break;
      case 'sec': v = clean(1 / Math.cos(rad(x))); lab = `sec(${inner})`; break;
      case 'csc': v = clean(1 / Math.sin(rad(x))); lab = `csc(${inner})`; break;
      case 'cot': v = clean(1 / Math.tan(rad(x))); lab = `cot(${inner})`; break;
      case 'floor': v = Math.floor(x); lab = `floor(${inner})`; break;
      case 'ceil': v = Math.ceil(x); lab = `ceil(${inner})`; break;
    }
    if (!setResult(v)) { S.expr = lab; newEntry = true; return; }
    entryLabel = lab; newEntry = true;
    if (S.mode === 'standard') S.expr = (op !== null ? group(fmt(acc)) + ' ' + SYM[op] + ' ' : '') + lab;
    else S.expr = tokText() + lab;
  }

  // ---- scientific mode: the whole expression is evaluated with operator precedence ----
  function tokText() {
    return tokens.map((t) => t.k === 'num' ? t.s : t.k === 'op' ? SYM[t.op] : t.k === 'lp' ? '(' : ')')
      .join(' ').replace(/\( /g, '(').replace(/ \)/g, ')') + (tokens.length ? ' ' : '');
  }
  function lastTok() { return tokens[tokens.length - 1]; }
  function pushEntry() { tokens.push({ k: 'num', v: num(), s: entryLabel || group(S.display) }); }
  function sciOp(o) {
    if (S.error) return;
    const lt = lastTok();
    if (lt && lt.k === 'op' && newEntry && entryLabel === null) { lt.op = o; }
    else if (lt && lt.k === 'rp' && newEntry && entryLabel === null) { tokens.push({ k: 'op', op: o }); }
    else { pushEntry(); tokens.push({ k: 'op', op: o }); }
    newEntry = true; entryLabel = null; S.expr = tokText();
  }
  function parseEval(ts) {
    let i = 0;
    const PREC = { '+': 1, '-': 1, '*': 2, '/': 2, 'mod': 2, '^': 3 };
    function primary() {
      const t = ts[i++];
      if (!t) return 0;
      if (t.k === 'num') return t.v;
      if (t.k === 'lp') { const v = expr(0); if (ts[i] && ts[i].k === 'rp') i++; return v; }
      return 0;
    }
    function expr(minP) {
      let lhs = primary();
      while (ts[i] && ts[i].k === 'op' && PREC[ts[i].op] >= minP) {
        const o = ts[i++].op; const p = PREC[o];
        const rhs = expr(o === '^' ? p : p + 1);
        lhs = apply(lhs, o, rhs);
      }
      return lhs;
    }
    return expr(0);
  }
  function sciEquals() {
    if (S.error) { reset(); return; }
    const lt = lastTok();
    if (!(lt && lt.k === 'rp' && newEntry && entryLabel === null)) pushEntry();
    let open = tokens.filter((t) => t.k === 'lp').length - tokens.filter((t) => t.k === 'rp').length;
    while (open-- > 0) tokens.push({ k: 'rp' });
    const e = tokText() + '=';
    const v = parseEval(tokens);
    tokens = []; entryLabel = null; newEntry = true;
    S.expr = e;
    if (setResult(v)) pushHistory(e, S.display);
  }
  function paren(open) {
    if (open) { if (S.expr.endsWith('=')) S.expr = ''; tokens.push({ k: 'lp' }); newEntry = true; entryLabel = null; }
    else {
      const opens = tokens.filter((t) => t.k === 'lp').length - tokens.filter((t) => t.k === 'rp').length;
      if (opens <= 0) return;
      pushEntry(); tokens.push({ k: 'rp' });
      // show the value of the group just closed
      let depth = 0, j = tokens.length - 1;
      for (; j >= 0; j--) { if (tokens[j].k === 'rp') depth++; if (tokens[j].k === 'lp') { depth--; if (depth === 0) break; } }
      setResult(parseEval(tokens.slice(j)));
      newEntry = true; entryLabel = null;
    }
    S.expr = tokText();
  }

  function reset() { acc = null; op = null; lastOp = null; newEntry = true; tokens = []; entryLabel = null;
    S.display = '0'; S.expr = ''; S.error = null; }
  function press(k) {
    S.keypresses++;
    S.contextMenu = null;
    if (/^[0-9.]$/.test(k)) return digit(k);
    switch (k) {
      case '+': case '-': case '*': case '/': case '^': case 'mod':
        return S.mode === 'scientific' ? sciOp(k) : stdOp(k === '^' || k === 'mod' ? '*' : k);
      case '=': return S.mode === 'scientific' ? sciEquals() : stdEquals();
      case 'C': return reset();
      case 'CE': S.display = '0'; S.error = null; newEntry = false; entryLabel = null; return;
      case 'back': if (S.error) return reset(); if (newEntry) { if (S.expr.endsWith('=')) S.expr = ''; return; }
        S.display = S.display.length > 1 && S.display !== '-0' ? S.display.slice(0, -1) : '0';
        if (S.display === '-') S.display = '0'; return;
      case '(': return S.mode === 'scientific' ? paren(true) : undefined;
      case ')': return S.mode === 'scientific' ? paren(false) : undefined;
      case 'pi': S.display = '3.141592653589793'; newEntry = true; entryLabel = 'π'; return;
      case 'e': S.display = '2.718281828459045'; newEntry = true; entryLabel = 'e'; return;
      case 'exp': if (!S.display.includes('e')) { S.display += 'e+'; newEntry = false; } return;
      case 'second': S.second = !S.second; return;
      case 'rand': S.display = '0.4173095817'; newEntry = true; entryLabel = null; return;
      default: return unary(k);
    }
  }
  function memory(kind, idx) {
    const i = idx || 0;
    switch (kind) {
      case 'MS': S.memory.unshift(num()); break;
      case 'M+': if (S.memory.length) S.memory[i] = Number((S.memory[i] + num()).toPrecision(15)); else S.memory.unshift(num()); break;
      case 'M-': if (S.memory.length) S.memory[i] = Number((S.memory[i] - num()).toPrecision(15)); else S.memory.unshift(-num()); break;
      case 'MR': if (S.memory.length) { S.display = fmt(S.memory[i]); newEntry = true; entryLabel = null; } break;
      case 'MC': if (idx === undefined) S.memory = []; else S.memory.splice(i, 1); break;
    }
    newEntry = true;
  }

  // ---- rendering ----
  const KEYS_STD = [
    ['%', 'percent', 'key_percent'], ['CE', 'CE', 'key_clear_entry'], ['C', 'C', 'key_clear'],
    ['<i class="fa-solid fa-delete-left"></i>', 'back', 'key_backspace'],
    ['¹/x', 'reciprocal', 'key_reciprocal'], ['x<sup>2</sup>', 'square', 'key_square'],
    ['²√x', 'sqrt', 'key_square_root'], ['÷', '/', 'key_divide'],
    ['7', '7', 'key_7', 'num'], ['8', '8', 'key_8', 'num'], ['9', '9', 'key_9', 'num'], ['×', '*', 'key_multiply'],
    ['4', '4', 'key_4', 'num'], ['5', '5', 'key_5', 'num'], ['6', '6', 'key_6', 'num'], ['−', '-', 'key_minus'],
    ['1', '1', 'key_1', 'num'], ['2', '2', 'key_2', 'num'], ['3', '3', 'key_3', 'num'], ['+', '+', 'key_plus'],
    ['+/−', 'negate', 'key_negate', 'num'], ['0', '0', 'key_0', 'num'], ['.', '.', 'key_decimal', 'num'],
    ['=', '=', 'key_equals', 'eq'],
  ];
  function sciKeys() {
    const s = S.second;
    return [
      ['2<sup>nd</sup>', 'second', 'key_second', s ? 'on' : ''], ['π', 'pi', 'key_pi'], ['e', 'e', 'key_e'],
      ['C', 'C', 'key_clear'], ['<i class="fa-solid fa-delete-left"></i>', 'back', 'key_backspace'],
      s ? ['x<sup>3</sup>', 'cube', 'key_cube'] : ['x<sup>2</sup>', 'square', 'key_square'],
      ['¹/x', 'reciprocal', 'key_reciprocal'], ['|x|', 'abs', 'key_abs'], ['exp', 'exp', 'key_exp'],
      ['mod', 'mod', 'key_mod'],
      s ? ['∛x', 'cbrt', 'key_cube_root'] : ['²√x', 'sqrt', 'key_square_root'], ['(', '(', 'key_open_paren'],
      [')', ')', 'key_close_paren'], ['n!', 'fact', 'key_factorial'], ['÷', '/', 'key_divide'],
      ['x<sup>y</sup>', '^', 'key_power'], ['7', '7', 'key_7', 'num'], ['8', '8', 'key_8', 'num'],
      ['9', '9', 'key_9', 'num'], ['×', '*', 'key_multiply'],
      s ? ['2<sup>x</sup>', 'twopow', 'key_two_power'] : ['10<sup>x</sup>', 'tenpow', 'key_ten_power'],
      ['4', '4', 'key_4', 'num'], ['5', '5', 'key_5', 'num'], ['6', '6', 'key_6', 'num'], ['−', '-', 'key_minus'],
      ['log', 'log', 'key_log'], ['1', '1', 'key_1', 'num'], ['2', '2', 'key_2', 'num'], ['3', '3', 'key_3', 'num'],
      ['+', '+', 'key_plus'],
      s ? ['e<sup>x</sup>', 'epow', 'key_e_power'] : ['ln', 'ln', 'key_ln'], ['+/−', 'negate', 'key_negate', 'num'],
      ['0', '0', 'key_0', 'num'], ['.', '.', 'key_decimal', 'num'], ['=', '=', 'key_equals', 'eq'],
    ];
  }
  const NAV = [
    ['sec', 'Calculator'], ['standard', 'Standard', 'fa-calculator', 'nav_standard'],
    ['scientific', 'Scientific', 'fa-flask', 'nav_scientific'], ['graphing', 'Graphing', 'fa-chart-line', 'nav_graphing'],
    ['programmer', 'Programmer', 'fa-code', 'nav_programmer'], ['date', 'Date calculation', 'fa-calendar-days', 'nav_date_calculation'],
    ['sec', 'Converter'], ['currency', 'Currency', 'fa-coins', 'nav_currency'], ['volume', 'Volume', 'fa-cube', 'nav_volume'],
    ['length', 'Length', 'fa-ruler', 'nav_length'], ['weight', 'Weight and mass', 'fa-weight-hanging', 'nav_weight'],
    ['temperature', 'Temperature', 'fa-temperature-half', 'nav_temperature'], ['energy', 'Energy', 'fa-fire', 'nav_energy'],
    ['area', 'Area', 'fa-vector-square', 'nav_area'], ['speed', 'Speed', 'fa-gauge-high', 'nav_speed'],
    ['time', 'Time', 'fa-clock', 'nav_time'], ['power', 'Power', 'fa-bolt', 'nav_power'], ['data', 'Data', 'fa-database', 'nav_data'],
    ['pressure', 'Pressure', 'fa-compress', 'nav_pressure'], ['angle', 'Angle', 'fa-drafting-compass', 'nav_angle'],
  ];
  const MODE_NAMES = { standard: 'Standard', scientific: 'Scientific', graphing: 'Graphing', programmer: 'Programmer',
    date: 'Date calculation', currency: 'Currency', volume: 'Volume', length: 'Length', weight: 'Weight and mass',
    temperature: 'Temperature', energy: 'Energy', area: 'Area', speed: 'Speed', time: 'Time', power: 'Power', data: 'Data',
    pressure: 'Pressure', angle: 'Angle', settings: 'Settings' };

  function fmtMem(v) { return group(fmt(v)); }
  function render() {
    const w = S.window;
    const win = $('#win');
    if (w.state === 'minimized' || w.state === 'closed') { win.style.display = 'none'; }
    else win.style.display = 'flex';
    let geo = w.state === 'maximized' ? { x: 0, y: 0, w: 1920, h: 1032 } : w.state === 'snapped_left' ? { x: 0, y: 0, w: 960, h: 1032 }
      : w.state === 'snapped_right' ? { x: 960, y: 0, w: 960, h: 1032 } : S.alwaysOnTop ? { x: w.x + 500, y: w.y, w: 330, h: 400 } : w;
    Object.assign(win.style, { left: geo.x + 'px', top: geo.y + 'px', width: geo.w + 'px', height: geo.h + 'px' });
    win.classList.toggle('maximized', w.state === 'maximized');
    const sci = S.mode === 'scientific';
    const wide = geo.w >= 640 && !S.alwaysOnTop;
    $('#mode-title').textContent = MODE_NAMES[S.mode] || 'Standard';
    $('#mode-title').style.display = S.alwaysOnTop ? 'none' : '';
    $('#nav_btn').style.display = S.alwaysOnTop ? 'none' : '';
    $('#keep_on_top').innerHTML = S.alwaysOnTop ? '<i class="fa-solid fa-up-right-and-down-left-from-center"></i>'
      : '<i class="fa-regular fa-window-restore"></i>';
    $('#keep_on_top').dataset.omni = S.alwaysOnTop ? 'back_to_full_view_button' : 'keep_on_top_button';
    $('#expr-inner').textContent = S.expr;
    const ex = $('#expr');
    const maxS = Math.max(0, $('#expr-inner').offsetWidth - ex.clientWidth);
    S.exprMax = maxS;
    if (S._exprPinned !== S.expr) { S.exprScroll = maxS; S._exprPinned = S.expr; }
    S.exprScroll = Math.max(0, Math.min(maxS, S.exprScroll));
    S.exprAtStart = S.exprScroll <= 0; S.exprAtEnd = S.exprScroll >= maxS;
    ex.scrollLeft = S.exprScroll;
    $('#expr_left').style.visibility = maxS > 0 && !S.exprAtStart ? 'visible' : 'hidden';
    $('#expr_right').style.visibility = maxS > 0 && !S.exprAtEnd ? 'visible' : 'hidden';
    const res = $('#result');
    res.textContent = S.error || group(S.display);
    res.classList.toggle('small', (S.error || S.display).length > 14);
    $('#scirow').style.display = sci && !S.alwaysOnTop ? 'flex' : 'none';
    $('#funcrow').style.display = sci && !S.alwaysOnTop ? 'flex' : 'none';
    $('#memrow').style.display = S.alwaysOnTop ? 'none' : 'flex';
    $('#angle_btn').textContent = S.angle;
    $('#fe_btn').style.color = S.fe ? '#005fb8' : '';
    $('#trig_dd').classList.toggle('open', S.dropdown === 'trig');
    $('#func_dd').classList.toggle('open', S.dropdown === 'func');
    const hasMem = S.memory.length > 0;
    for (const id of ['mem_mc', 'mem_mr', 'mem_list']) $('#' + id).disabled = !hasMem;
    // keypad
    const keys = sci ? sciKeys() : KEYS_STD;
    const kp = $('#keys');
    kp.style.gridTemplateColumns = `repeat(${sci ? 5 : 4}, 1fr)`;
    kp.style.gridTemplateRows = `repeat(${sci ? 7 : 6}, 1fr)`;
    kp.innerHTML = keys.map(([t, k, lab, cls]) =>
      `<button class="key ${cls || ''}" data-k="${k}" data-omni="${lab}">${t}</button>`).join('');
    // side panel
    const side = $('#side');
    side.style.display = wide ? 'flex' : 'none';
    $('#tab_history').classList.toggle('active', S.panel === 'history');
    $('#tab_memory').classList.toggle('active', S.panel === 'memory');
    const list = $('#list');
    let html = '';
    if (S.panel === 'history') {
      if (!S.history.length) html = '<div class="empty-note">There\'s no history yet</div>';
      else html = S.history.map((h, i) => `<div class="hist-item${S.hover === 'history_item_' + (i + 1) ? ' hover' : ''}" data-omni="history_item_${i + 1}" data-hist="${i}">
        <div class="e">${h.expr}</div><div class="r">${group(h.result)}</div></div>`).join('');
    } else {
      if (!S.memory.length) html = '<div class="empty-note">There\'s nothing saved in memory</div>';
      else html = S.memory.map((m, i) => `<div class="mem-item${S.hover === 'memory_item_' + (i + 1) ? ' hover' : ''}" data-omni="memory_item_${i + 1}" data-mem="${i}">
        <div class="r">${fmtMem(m)}</div><div class="acts"><button data-memact="MC" data-omni="memory_item_${i + 1}_clear">MC</button>
        <button data-memact="M+" data-omni="memory_item_${i + 1}_add">M+</button><button data-memact="M-" data-omni="memory_item_${i + 1}_subtract">M−</button></div></div>`).join('');
    }
    list.innerHTML = `<div id="list-inner" style="transform: translateY(${-S.historyScroll}px)">${html}</div>`;
    const clr = $('#clear_list');
    clr.style.display = (S.panel === 'history' ? S.history.length : S.memory.length) ? '' : 'none';
    clr.dataset.omni = S.panel === 'history' ? 'clear_history_button' : 'clear_memory_button';
    // nav
    $('#nav').style.display = S.navOpen ? 'flex' : 'none';
    if (S.navOpen) {
      $('#nav-list').innerHTML = `<div style="transform: translateY(${-S.navScroll}px)">` + NAV.map(([k, t, ic, lab]) => k === 'sec'
        ? `<div class="nav-sec">${t}</div>`
        : `<button class="nav-item${S.mode === k ? ' cur' : ''}" data-nav="${k}" data-omni="${lab}"><i class="fa-solid ${ic}"></i>${t}</button>`).join('') + '</div>';
    }
    // context menu
    const cm = $('#ctx');
    if (S.contextMenu) {
      cm.style.display = 'block';
      cm.style.left = S.contextMenu.x + 'px'; cm.style.top = S.contextMenu.y + 'px';
      if (S.contextMenu.target === 'display') cm.innerHTML = '<button data-cm="copy" data-omni="context_copy"><i class="fa-regular fa-copy"></i>Copy</button><button data-cm="paste" data-omni="context_paste"><i class="fa-regular fa-paste"></i>Paste</button>';
      else cm.innerHTML = '<button data-cm="delete" data-omni="context_delete"><i class="fa-regular fa-trash-can"></i>Delete</button>';
    } else cm.style.display = 'none';
    // tooltip
    const tt = $('#tooltip'), th = $('#thumb');
    tt.style.display = 'none'; th.style.display = 'none';
    if (S.tooltip === 'taskbar_calculator') {
      th.style.display = 'block';
      th.innerHTML = `<div><i class="fa-solid fa-calculator"></i>&nbsp; Calculator</div><div class="mini">${group(S.display)}</div>`;
      const r = document.querySelector('[data-omni="taskbar_calculator"]').getBoundingClientRect();
      th.style.left = (r.left + r.width / 2 - 120) + 'px'; th.style.top = (r.top - 210) + 'px';
    } else if (S.tooltip) {
      const el = document.querySelector(`[data-omni="${S.tooltip}"]`);
      if (el && el.dataset.tip) {
        tt.textContent = el.dataset.tip; tt.style.display = 'block';
        const r = el.getBoundingClientRect();
        const up = r.top > 1000;
        tt.style.left = Math.min(1800, r.left) + 'px'; tt.style.top = (up ? r.top - 34 : r.bottom + 6) + 'px';
      }
    }
    document.querySelectorAll('.desk-icon').forEach((d) => d.classList.toggle('sel', d.dataset.omni === S.desktopSelected));
    $('#trig_fly').style.display = S.dropdown === 'trig' ? 'grid' : 'none';
    $('#func_fly').style.display = S.dropdown === 'func' ? 'grid' : 'none';
    markHidden();
  }

  // Elements hidden behind an overlay or clipped by a list are not on screen: drop their label until visible,
  // so the box files only hold what a person can see.
  function markHidden() {
    document.querySelectorAll('[data-omni-hidden]').forEach((el) => {
      el.setAttribute('data-omni', el.getAttribute('data-omni-hidden')); el.removeAttribute('data-omni-hidden'); });
    const hide = [];
    document.querySelectorAll('[data-omni]').forEach((el) => {
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) return;
      const cx = Math.min(Math.max((r.left + r.right) / 2, 0), innerWidth - 1);
      const cy = Math.min(Math.max((r.top + r.bottom) / 2, 0), innerHeight - 1);
      const top = document.elementFromPoint(cx, cy);
      if (top && top !== el && !el.contains(top) && !top.closest('#tooltip,#thumb,#ctx')) hide.push(el);
    });
    hide.forEach((el) => { el.setAttribute('data-omni-hidden', el.dataset.omni); el.removeAttribute('data-omni'); });
  }
  function update() { render(); }

  // ---- events ----
  document.addEventListener('click', (e) => {
    const t = e.target.closest('[data-fn],[data-k],[data-nav],[data-cm],[data-memact],[data-hist],[data-mem],button,[data-omni]');
    const hadMenu = S.contextMenu;
    if (!t) { S.contextMenu = null; S.dropdown = null; update(); return; }
    if (t.dataset.cm) {
      const cm = S.contextMenu; S.contextMenu = null;
      if (t.dataset.cm === 'copy') S.clipboard = S.display;
      if (t.dataset.cm === 'paste' && S.clipboard) { S.display = S.clipboard; newEntry = true; }
      if (t.dataset.cm === 'delete' && cm) {
        if (cm.target.startsWith('history_item_')) S.history.splice(Number(cm.target.split('_')[2]) - 1, 1);
        if (cm.target.startsWith('memory_item_')) S.memory.splice(Number(cm.target.split('_')[2]) - 1, 1);
      }
      update(); return;
    }
    S.contextMenu = null;
    if (hadMenu && !t.dataset.cm) { update(); return; }  // a click outside only dismisses the menu
    if (t.dataset.fn) { press(t.dataset.fn); S.dropdown = null; }
    else if (t.dataset.k) { press(t.dataset.k); }
    else if (t.dataset.nav) { S.mode = t.dataset.nav; S.navOpen = false; reset(); }
    else if (t.dataset.memact) { memory(t.dataset.memact, Number(t.closest('[data-mem]').dataset.mem)); }
    else if (t.dataset.hist !== undefined) {
      const h = S.history[Number(t.dataset.hist)];
      S.display = h.result; S.expr = h.expr; newEntry = true; acc = null; op = null; tokens = []; entryLabel = null;
      S.selectedHistory = Number(t.dataset.hist) + 1;
    }
    else if (t.dataset.mem !== undefined) { memory('MR', Number(t.dataset.mem)); }
    else {
      const a = t.dataset.act;
      switch (a) {
        case 'nav': S.navOpen = !S.navOpen; break;
        case 'nav_settings': S.mode = 'settings'; S.navOpen = false; break;
        case 'top': S.alwaysOnTop = !S.alwaysOnTop; S.tooltip = null; break;
        case 'MS': case 'M+': case 'M-': case 'MR': case 'MC': memory(a); break;
        case 'memlist': if (S.memory.length) S.panel = 'memory'; break;
        case 'tab_history': S.panel = 'history'; S.historyScroll = 0; break;
        case 'tab_memory': S.panel = 'memory'; S.historyScroll = 0; break;
        case 'clear_list': if (S.panel === 'history') S.history = []; else S.memory = []; break;
        case 'min': S.window.state = 'minimized'; break;
        case 'max': S.window.state = S.window.state === 'maximized' ? 'normal' : 'maximized'; break;
        case 'close': S.window.state = 'closed'; break;
        case 'angle': S.angle = { DEG: 'RAD', RAD: 'GRAD', GRAD: 'DEG' }[S.angle]; break;
        case 'fe': S.fe = !S.fe; break;
        case 'trig': S.dropdown = S.dropdown === 'trig' ? null : 'trig'; break;
        case 'func': S.dropdown = S.dropdown === 'func' ? null : 'func'; break;
        case 'expr_left': S.exprScroll -= 120; break;
        case 'expr_right': S.exprScroll += 120; break;
        case 'taskbar_calculator': if (S.window.state === 'minimized') S.window.state = 'normal'; else if (S.window.state !== 'closed') S.window.state = 'minimized'; break;
        default:
          if (t.classList.contains('desk-icon')) S.desktopSelected = t.dataset.omni;
          else if (t.dataset.omni) S.lastClicked = t.dataset.omni;
      }
    }
    update();
  });
  document.addEventListener('dblclick', (e) => {
    const t = e.target.closest('[data-omni]');
    if (!t) return;
    if (t.dataset.omni === 'title_bar') { S.window.state = S.window.state === 'maximized' ? 'normal' : 'maximized'; update(); }
    else if (t.classList.contains('desk-icon')) { S.opened = t.dataset.omni; update(); }
  });
  document.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    const t = e.target.closest('[data-hist],[data-mem],#display');
    if (!t) { S.contextMenu = null; update(); return; }
    const target = t.id === 'display' ? 'display' : t.dataset.omni;
    // which labelled part of the display was right-clicked (the result or the expression line above it)
    const part = (e.target.closest('[data-omni]') || t).dataset.omni || target;
    S.contextMenu = { target, part, x: e.clientX, y: e.clientY };
    update();
  });
  // hover: tooltips and item highlights (mouseover bubbles, so rerenders keep working)
  document.addEventListener('mouseover', (e) => {
    const t = e.target.closest('[data-omni]');
    let tip = null, hov = null;
    if (t) {
      if (t.dataset.tip || t.dataset.omni === 'taskbar_calculator') tip = t.dataset.omni;
      const item = t.closest('[data-hist],[data-mem]');
      if (item) hov = item.dataset.omni;
    }
    if (tip !== S.tooltip || hov !== S.hover) { S.tooltip = tip; S.hover = hov; update(); }
  });
  // wheel: lists scroll by the wheel delta (no smooth scrolling, so replays are deterministic)
  document.addEventListener('wheel', (e) => {
    e.preventDefault();
    if (e.target.closest('#expr-wrap')) {
      S.exprScroll += e.deltaX; render(); return;
    }
    if (e.target.closest('#list')) {
      const inner = $('#list-inner'); const max = Math.max(0, inner.scrollHeight - $('#list').clientHeight + 16);
      S.historyScroll = Math.max(0, Math.min(max, S.historyScroll + e.deltaY)); render(); return;
    }
    if (e.target.closest('#nav-list')) {
      const l = $('#nav-list'); const max = Math.max(0, l.firstElementChild.scrollHeight - l.clientHeight);
      S.navScroll = Math.max(0, Math.min(max, S.navScroll + e.deltaY)); S.navScrollMax = max; render();
    }
  }, { passive: false });
  // dragging the title bar moves the window; the corner grip resizes it
  let drag = null;
  document.addEventListener('mousedown', (e) => {
    if (e.button !== 0) return;
    const t = e.target.closest('[data-omni]');
    if (!t) return;
    if (t.dataset.omni === 'title_bar' && S.window.state === 'normal') drag = { kind: 'move', sx: e.clientX, sy: e.clientY, x: S.window.x, y: S.window.y };
    if (t.dataset.omni === 'resize_grip') drag = { kind: 'size', sx: e.clientX, sy: e.clientY, w: S.window.w, h: S.window.h };
  });
  document.addEventListener('mousemove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.sx, dy = e.clientY - drag.sy;
    if (drag.kind === 'move') { S.window.x = Math.round(drag.x + dx); S.window.y = Math.max(0, Math.round(drag.y + dy)); }
    else { S.window.w = Math.max(320, Math.round(drag.w + dx)); S.window.h = Math.max(500, Math.round(drag.h + dy)); }
    render();
  });
  // Snap assist: releasing a dragged window at a screen edge snaps it to that half (top edge maximizes)
  document.addEventListener('mouseup', (e) => {
    if (drag && drag.kind === 'move' && (e.clientX !== drag.sx || e.clientY !== drag.sy)) {
      if (e.clientX <= 80) S.window.state = 'snapped_left';
      else if (e.clientX >= 1840) S.window.state = 'snapped_right';
      else if (e.clientY <= 4) S.window.state = 'maximized';
      if (S.window.state !== 'normal') { S.window.x = drag.x; S.window.y = drag.y; }
      render();
    }
    drag = null;
  });
  document.addEventListener('keydown', (e) => {
    const k = e.key, c = e.ctrlKey || e.metaKey;
    let handled = true;
    if (c && !e.shiftKey) {
      switch (k.toLowerCase()) {
        case 'm': memory('MS'); break; case 'r': memory('MR'); break; case 'p': memory('M+'); break;
        case 'q': memory('M-'); break; case 'l': memory('MC'); break; case 'h': S.panel = 'history'; break;
        case 'c': S.clipboard = S.display; break;
        case 'v': if (S.clipboard) { S.display = S.clipboard; newEntry = true; } break;
        default: handled = false;
      }
    } else if (c && e.shiftKey && k.toLowerCase() === 'd') { S.history = []; }
    else if (e.altKey && /^[1-5]$/.test(k)) { S.mode = ['standard', 'scientific', 'graphing', 'programmer', 'date'][Number(k) - 1]; S.navOpen = false; reset(); }
    else if (/^[0-9.]$/.test(k)) press(k);
    else if (k === ',') press('.');
    else if ('+-*/'.includes(k) && k.length === 1) press(k);
    else if (k === 'x' || k === 'X') press('*');
    else if (k === '=' || k === 'Enter') press('=');
    else if (k === 'Escape') { if (S.navOpen) S.navOpen = false; else if (S.contextMenu) S.contextMenu = null; else press('C'); }
    else if (k === 'Delete') press('CE');
    else if (k === 'Backspace') press('back');
    else if (k === '%') press('percent');
    else if (k === 'r' || k === 'R') press('reciprocal');
    else if (k === 'q' || k === 'Q') press('square');
    else if (k === '@') press('sqrt');
    else if (k === 'F9') press('negate');
    else if (S.mode === 'scientific' && '()^!'.includes(k)) press({ '(': '(', ')': ')', '^': '^', '!': 'fact' }[k]);
    else if (S.mode === 'scientific' && k === 's') press('sin');
    else if (S.mode === 'scientific' && k === 'o') press('cos');
    else if (S.mode === 'scientific' && k === 't') press('tan');
    else if (S.mode === 'scientific' && k === 'l') press('log');
    else if (S.mode === 'scientific' && k === 'n') press('ln');
    else if (S.mode === 'scientific' && k === 'p') press('pi');
    else handled = false;
    if (handled) { e.preventDefault(); update(); }
  });

  if (tokens.length) S.expr = tokText();
  render();
  window.omni = { ready: true, state: S };
})();
