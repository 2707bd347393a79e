// GNOME Settings. window.omni.state holds every setting; render() draws the sidebar and the current panel.
(function () {
  'use strict';
  const SCREEN = new URLSearchParams(location.search).get('screen') || 'wifi';
  const PANELS = [
    ['wifi', 'Wi-Fi', 'fa-solid fa-wifi'], ['network', 'Network', 'fa-solid fa-network-wired'], ['bluetooth', 'Bluetooth', 'fa-brands fa-bluetooth-b'],
    null, ['displays', 'Displays', 'fa-solid fa-display'], ['sound', 'Sound', 'fa-solid fa-volume-high'], ['power', 'Power', 'fa-solid fa-battery-three-quarters'],
    ['multitasking', 'Multitasking', 'fa-solid fa-table-columns'], ['appearance', 'Appearance', 'fa-solid fa-palette'], null,
    ['apps', 'Apps', 'fa-solid fa-table-cells'], ['notifications', 'Notifications', 'fa-regular fa-bell'], ['search', 'Search', 'fa-solid fa-magnifying-glass'],
    ['online_accounts', 'Online Accounts', 'fa-solid fa-at'], ['sharing', 'Sharing', 'fa-solid fa-share-nodes'], null,
    ['mouse', 'Mouse & Touchpad', 'fa-solid fa-computer-mouse'], ['keyboard', 'Keyboard', 'fa-regular fa-keyboard'], ['color', 'Color', 'fa-solid fa-droplet'],
    ['printers', 'Printers', 'fa-solid fa-print'], null, ['accessibility', 'Accessibility', 'fa-solid fa-universal-access'],
    ['privacy', 'Privacy & Security', 'fa-solid fa-hand'], ['system', 'System', 'fa-solid fa-gear'],
  ];
  const NETS = [
    ['HomeNet-5G', 4, true], ['CafeNet', 3, true], ['Library_Guest', 3, false], ['Office-WiFi', 2, true], ['Neighbour-2.4G', 2, true], ['Pixel_7791', 1, true],
  ];
  const DEVICES = [
    ['sony_wh1000xm4', 'Sony WH-1000XM4', 'fa-solid fa-headphones', 'connected'], ['mx_master_3', 'Logitech MX Master 3', 'fa-solid fa-computer-mouse', 'connected'],
    ['jbl_flip_5', 'JBL Flip 5', 'fa-solid fa-volume-high', 'disconnected'], ['pixel_buds', 'Pixel Buds Pro', 'fa-solid fa-headphones-simple', 'disconnected'],
    ['annas_iphone', "Anna's iPhone", 'fa-solid fa-mobile-screen', 'not_set_up'], ['keychron_k2', 'Keychron K2', 'fa-regular fa-keyboard', 'not_set_up'],
  ];
  const DD = {
    resolution: ['3840 × 2160 (16:9)', '2560 × 1440 (16:9)', '1920 × 1080 (16:9)', '1680 × 1050 (16:10)', '1280 × 720 (16:9)'],
    refresh: ['144.00 Hz', '120.00 Hz', '60.00 Hz', '59.94 Hz'],
    orientation: ['Landscape', 'Portrait Right', 'Portrait Left', 'Landscape (flipped)'],
    output: ['Speakers – Built-in Audio', 'Sony WH-1000XM4', 'HDMI / DisplayPort – Dell U2720Q'],
    input: ['Internal Microphone – Built-in Audio', 'Sony WH-1000XM4'],
    alert: ['Click', 'Hum', 'String', 'Swing', 'None'],
    screenBlank: ['1 minute', '2 minutes', '3 minutes', '4 minutes', '5 minutes', '8 minutes', '10 minutes', '12 minutes', '15 minutes', 'Never'],
    powerButton: ['Suspend', 'Power Off', 'Nothing'],
  };
  const APPS = [['calendar', 'Calendar', 'fa-regular fa-calendar', true], ['clocks', 'Clocks', 'fa-regular fa-clock', true], ['files', 'Files', 'fa-regular fa-folder', true],
    ['firefox', 'Firefox', 'fa-brands fa-firefox-browser', true], ['geary', 'Geary', 'fa-regular fa-envelope', true], ['software', 'Software', 'fa-solid fa-bag-shopping', false],
    ['terminal', 'Terminal', 'fa-solid fa-terminal', false], ['weather', 'Weather', 'fa-solid fa-cloud-sun', true], ['slack', 'Slack', 'fa-brands fa-slack', true],
    ['spotify', 'Spotify', 'fa-brands fa-spotify', false]];
  const ACCENTS = [['blue', '#3584e4'], ['teal', '#2190a4'], ['green', '#3a944a'], ['yellow', '#c88800'], ['orange', '#ed5b00'], ['red', '#e62d42'],
    ['pink', '#d56199'], ['purple', '#9141ac'], ['slate', '#6f8396']];
  const WALLS = [['adwaita', 'linear-gradient(135deg,#1c3d6e,#3a6fb5 60%,#a8c6f0)'], ['blobs', 'radial-gradient(circle at 30% 40%,#f6d365,#fda085 40%,#5b3a8c)'],
    ['fold', 'linear-gradient(160deg,#3d3846,#9a9996 50%,#deddda)'], ['drool', 'linear-gradient(120deg,#26a269,#8ff0a4 50%,#1c71d8)'],
    ['pixels', 'repeating-linear-gradient(45deg,#c061cb 0 14px,#813d9c 14px 28px)'], ['amber', 'linear-gradient(180deg,#f5c211,#e66100 60%,#63452c)']];
  const S = {
    screen: SCREEN, panel: SCREEN === 'wifi_password' ? 'wifi' : SCREEN, window: 'normal', searchOpen: false, search: '', tooltip: null, popover: null, hl: -1,
    navScroll: 0, pageScroll: 0, dialog: null, password: '', showPassword: false,
    wifi: true, airplane: false, connected: 'HomeNet-5G', knownOpened: false, hiddenNetworkDialog: false, networkSettings: null,
    bluetooth: true, devices: {}, visibleAs: "Maya's Laptop",
    resolution: '1920 × 1080 (16:9)', refresh: '60.00 Hz', scale: 100, orientation: 'Landscape', fractional: false, nightLight: false,
    output: 'Speakers – Built-in Audio', volume: 70, muted: false, balance: 0, overamp: false, input: 'Internal Microphone – Built-in Audio', inputVolume: 55,
    alert: 'Click', systemSounds: true, testSpeakers: false,
    powerMode: 'balanced', autoBrightness: true, dimScreen: true, screenBlank: '5 minutes', autoPowerSaver: true, autoSuspend: false,
    powerButton: 'Suspend', batteryPercentage: false,
    style: 'default', accent: 'blue', background: 'adwaita', addPicture: false,
    dnd: false, lockScreenNotifications: true, apps: {},
  };
  DEVICES.forEach((d) => { S.devices[d[0]] = d[3]; });
  APPS.forEach((a) => { S.apps[a[0]] = a[3]; });
  if (SCREEN === 'wifi_password') { S.dialog = 'CafeNet'; }

  const $ = (s) => document.querySelector(s);
  const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  const sw = (key, label, on) => `<button class="sw${on ? ' on' : ''}" data-sw="${key}" data-omni="${label}"></button>`;
  const row = (title, sub, right, attrs) => `<div class="row${attrs ? ' act' : ''}" ${attrs || ''}><div class="t">${title}${sub ? `<div class="s">${sub}</div>` : ''}</div>${right || ''}</div>`;
  const dd = (key, label) => `<button class="dd" data-dd="${key}" data-omni="${label}">${S[key]} <i class="fa-solid fa-chevron-down" style="font-size:10px"></i></button>`;
  const group = (title, body, desc) => `<div class="group">${title ? `<h4>${title}</h4>` : ''}${desc ? `<div class="desc">${desc}</div>` : ''}<div class="box">${body}</div></div>`;
  function slider(key, label, marks, min, max) {
    const v = S[key]; const p = (v - min) / (max - min) * 100;
    return `<div style="flex:1"><div class="slider" data-slider="${key}" data-min="${min}" data-max="${max}" data-omni="${label}_slider">
      <div class="track"></div><div class="fill" style="width:${p}%"></div><div class="knob" data-knob="${key}" data-omni="${label}_knob" style="left:${p}%"></div></div>
      <div class="marks">${marks.map(([mv, txt]) => `<button class="mark" data-mark="${key}" data-v="${mv}" data-omni="${label}_mark_${slug(String(txt))}" style="left:${(mv - min) / (max - min) * 100}%">${txt}</button>`).join('')}</div></div>`;
  }

  const PAGES = {
    wifi() {
      const nets = NETS.map(([n, bars, lock]) => {
        const conn = S.wifi && S.connected === n;
        const icon = `<i class="fa-solid fa-wifi" style="opacity:${0.35 + bars * 0.16}"></i>`;
        return `<div class="row act" data-net="${n}" data-omni="network_${slug(n)}">${icon}<div class="t">${n}${conn ? '<div class="s">Connected</div>' : ''}</div>
          <div class="v">${conn ? '<i class="fa-solid fa-check" style="color:#3584e4"></i>' : ''}${lock ? '<i class="fa-solid fa-lock" style="font-size:12px"></i>' : ''}
          ${conn || n === 'Office-WiFi' ? `<button class="ib" data-netset="${n}" data-omni="network_${slug(n)}_settings"><i class="fa-solid fa-gear"></i></button>` : ''}</div></div>`;
      }).join('');
      return group('', row('Airplane Mode', 'Disables Wi-Fi, Bluetooth and mobile broadband', sw('airplane', 'airplane_mode_switch', S.airplane))) +
        (S.wifi && !S.airplane ? group('Visible Networks', nets) : group('', row('Wi-Fi is Off', 'Turn on Wi-Fi to connect to a network', ''))) +
        group('', `<button class="row" data-act="known" data-omni="known_networks_row"><div class="t">Known Wi-Fi Networks</div><i class="fa-solid fa-chevron-right"></i></button>` +
          `<button class="row" data-act="hidden" data-omni="connect_hidden_network_row"><div class="t">Connect to Hidden Network…</div></button>` +
          `<button class="row" data-act="hotspot" data-omni="turn_on_hotspot_row"><div class="t">Turn On Wi-Fi Hotspot…</div></button>`);
    },
    bluetooth() {
      const lab = { connected: 'Connected', disconnected: 'Disconnected', not_set_up: 'Not Set Up' };
      const devs = DEVICES.map(([id, name, icon]) => `<button class="row" data-dev="${id}" data-omni="device_${id}"><i class="${icon} lead"></i><div class="t">${name}</div><div class="v">${lab[S.devices[id]]}</div></button>`).join('');
      return group('', row('Bluetooth', `Visible as “${S.visibleAs}”`, sw('bluetooth', 'bluetooth_switch', S.bluetooth))) +
        (S.bluetooth ? group('Devices', devs) : group('', row('Bluetooth Turned Off', 'Turn on to connect devices and receive file transfers.', '')));
    },
    displays() {
      return `<div class="group" style="display:flex;justify-content:center"><div data-omni-static="display_preview" style="width:300px;height:170px;border-radius:8px;background:#3584e4;color:#fff;display:flex;align-items:center;justify-content:center;font-size:28px;font-weight:700;box-shadow:0 0 0 4px #1c71d8">1</div></div>` +
        group('Built-in Display', row('Orientation', '', dd('orientation', 'orientation_dropdown')) + row('Resolution', '', dd('resolution', 'resolution_dropdown')) +
          row('Refresh Rate', '', dd('refresh', 'refresh_rate_dropdown')) +
          row('Scale', '', `<div class="seg">${[100, 125, 150, 175, 200].map((v) => `<button class="${S.scale === v ? 'on' : ''}" data-scale="${v}" data-omni="scale_${v}">${v} %</button>`).join('')}</div>`) +
          row('Fractional Scaling', 'May increase power usage, lower speed, or reduce display sharpness.', sw('fractional', 'fractional_scaling_switch', S.fractional))) +
        group('', row('Night Light', S.nightLight ? 'On · Sunset to Sunrise' : 'Off', sw('nightLight', 'night_light_switch', S.nightLight)));
    },
    sound() {
      return group('Output', row('Output Device', '', `<button class="pill" data-act="test" data-omni="test_speakers_button">Test…</button>` + dd('output', 'output_device_dropdown')) +
          `<div class="row"><div class="t" style="flex:none;width:130px">Output Volume</div><button class="ib" data-act="mute" data-omni="mute_output_button"><i class="fa-solid fa-volume-${S.muted || S.volume === 0 ? 'xmark' : 'high'}"></i></button>${slider('volume', 'volume', [[0, '0%'], [25, '25%'], [50, '50%'], [75, '75%'], [100, '100%']], 0, 100)}</div>` +
          `<div class="row"><div class="t" style="flex:none;width:130px">Balance</div>${slider('balance', 'balance', [[-1, 'Left'], [0, 'Center'], [1, 'Right']], -1, 1)}</div>` +
          row('Over-Amplification', 'Allow volume above 100%', sw('overamp', 'over_amplification_switch', S.overamp))) +
        group('Input', row('Input Device', '', dd('input', 'input_device_dropdown')) +
          `<div class="row"><div class="t" style="flex:none;width:130px">Input Volume</div><i class="fa-solid fa-microphone lead"></i>${slider('inputVolume', 'input_volume', [[0, '0%'], [50, '50%'], [100, '100%']], 0, 100)}</div>`) +
        group('Sounds', row('Alert Sound', '', dd('alert', 'alert_sound_dropdown')) + row('System Sounds', 'Play sounds for events and notifications', sw('systemSounds', 'system_sounds_switch', S.systemSounds)));
    },
    power() {
      const modes = [['performance', 'Performance', 'High performance and power usage.'], ['balanced', 'Balanced', 'Standard performance and power usage.'], ['power_saver', 'Power Saver', 'Reduced performance and power usage.']];
      return group('Battery', `<div class="row"><i class="fa-solid fa-battery-three-quarters lead"></i><div class="t">82 %<div class="s">Discharging · 4 hours 12 minutes remaining</div><div style="height:8px;border-radius:4px;background:#ddd;margin-top:8px"><div style="width:82%;height:8px;border-radius:4px;background:#33d17a"></div></div></div></div>`) +
        group('Power Mode', modes.map(([k, t, d]) => `<button class="row" data-pm="${k}" data-omni="power_mode_${k}"><span class="radio${S.powerMode === k ? ' on' : ''}"></span><div class="t">${t}<div class="s">${d}</div></div></button>`).join('')) +
        group('Power Saving', row('Automatic Screen Brightness', 'Screen brightness adjusts to the surrounding light', sw('autoBrightness', 'automatic_brightness_switch', S.autoBrightness)) +
          row('Dim Screen', 'Reduces the screen brightness when the computer is inactive', sw('dimScreen', 'dim_screen_switch', S.dimScreen)) +
          row('Screen Blank', 'Turns the screen off after a period of inactivity', dd('screenBlank', 'screen_blank_dropdown')) +
          row('Automatic Power Saver', 'Enables power saver mode when battery is low', sw('autoPowerSaver', 'automatic_power_saver_switch', S.autoPowerSaver)) +
          row('Automatic Suspend', 'Pauses the computer after a period of inactivity', sw('autoSuspend', 'automatic_suspend_switch', S.autoSuspend))) +
        group('General', row('Power Button Behavior', '', dd('powerButton', 'power_button_dropdown')) + row('Show Battery Percentage', '', sw('batteryPercentage', 'battery_percentage_switch', S.batteryPercentage)));
    },
    appearance() {
      const card = (k, t, bg, fg) => `<button class="stylecard${S.style === k ? ' on' : ''}" data-style="${k}" data-omni="style_${k}"><div class="pv" style="background:${bg}"><div style="position:absolute;left:22px;top:20px;right:22px;bottom:0;border-radius:6px 6px 0 0;background:${fg}"></div></div>${t}</button>`;
      return group('Style', `<div style="display:flex;justify-content:center;gap:40px;padding:14px">${card('default', 'Default', 'linear-gradient(135deg,#3a6fb5,#a8c6f0)', '#fafafa')}${card('dark', 'Dark', 'linear-gradient(135deg,#1c3d6e,#3a6fb5)', '#2a2a2a')}</div>`) +
        group('Accent Color', `<div style="display:flex;gap:16px;padding:16px 18px">${ACCENTS.map(([k, c]) => `<button class="accent${S.accent === k ? ' on' : ''}" data-accent="${k}" data-omni="accent_${k}" data-tip="${k[0].toUpperCase() + k.slice(1)}" style="background:${c}"></button>`).join('')}</div>`) +
        group('Background', `<div style="display:grid;grid-template-columns:repeat(4,170px);gap:14px;padding:16px;justify-content:center">${WALLS.map(([k, bg]) => `<button class="wall${S.background === k ? ' on' : ''}" data-wall="${k}" data-omni="background_${k}" style="background:${bg}"></button>`).join('')}<button class="wall" data-act="add_picture" data-omni="add_picture_button" style="background:rgba(0,0,0,.05);display:flex;align-items:center;justify-content:center;flex-direction:column;gap:6px"><i class="fa-solid fa-plus"></i>Add Picture…</button></div>`);
    },
    notifications() {
      return group('', row('Do Not Disturb', 'Notification popups are hidden', sw('dnd', 'do_not_disturb_switch', S.dnd)) +
          row('Lock Screen Notifications', 'Show notifications on the lock screen', sw('lockScreenNotifications', 'lock_screen_notifications_switch', S.lockScreenNotifications))) +
        group('App Notifications', APPS.map(([k, n, ic]) => row(`<span style="display:inline-flex;gap:12px;align-items:center"><i class="${ic}" style="width:20px;text-align:center"></i>${n}</span>`, '', sw('app_' + k, `notifications_${k}_switch`, S.apps[k]))).join(''));
    },
  };

  let focusAfterRender = null;  // id of the input render() focuses once it has drawn it
  function render() {
    document.body.classList.toggle('dark', S.style === 'dark');
    $('#win').classList.toggle('maximized', S.window === 'maximized');
    $('#win').style.display = S.window === 'closed' ? 'none' : 'flex';
    // sidebar
    const q = S.search.trim().toLowerCase();
    let nav = '';
    for (const p of PANELS) {
      if (!p) { if (!q) nav += '<div class="nav-sep"></div>'; continue; }
      if (q && !p[1].toLowerCase().includes(q)) continue;
      nav += `<button class="nav${S.panel === p[0] ? ' on' : ''}" data-panel="${p[0]}" data-omni="sidebar_${p[0]}"><i class="${p[2]}"></i>${p[1]}</button>`;
    }
    $('#navlist').innerHTML = `<div id="navin" style="transform:translateY(${-S.navScroll}px)">${nav}</div>`;
    $('#searchbar').style.display = S.searchOpen ? 'block' : 'none';
    $('#search_btn').classList.toggle('on', S.searchOpen);
    if ($('#search_input').value !== S.search) $('#search_input').value = S.search;
    // page
    const p = PANELS.find((x) => x && x[0] === S.panel);
    $('#page_title').textContent = p ? p[1] : '';
    const wifiHdr = S.panel === 'wifi' ? sw('wifi', 'wifi_switch', S.wifi && !S.airplane) : '';
    $('#hb_extra').innerHTML = wifiHdr;
    const body = PAGES[S.panel] ? PAGES[S.panel]() : `<div style="text-align:center;color:#888;margin-top:120px"><i class="${p ? p[2] : ''}" style="font-size:64px"></i><h2>${p ? p[1] : ''}</h2></div>`;
    $('#page').innerHTML = `<div id="pagein" style="transform:translateY(${-S.pageScroll}px)"><div class="clamp">${body}</div></div>`;
    const pin = $('#pagein'); S.pageScrollMax = Math.max(0, pin.scrollHeight - $('#page').clientHeight);
    if (S.pageScroll > S.pageScrollMax) { S.pageScroll = S.pageScrollMax; pin.style.transform = `translateY(${-S.pageScroll}px)`; }
    const nin = $('#navin'); S.navScrollMax = Math.max(0, nin.scrollHeight - $('#navlist').clientHeight + 8);
    // dropdown popover
    const pop = $('#pop');
    if (S.popover) {
      const b = document.querySelector(`[data-dd="${S.popover}"]`).getBoundingClientRect();
      pop.style.display = 'block'; pop.style.left = b.left + 'px'; pop.style.top = (b.bottom + 6) + 'px';
      pop.innerHTML = DD[S.popover].map((o, i) => `<button class="opt${i === S.hl ? ' hl' : ''}" data-opt="${i}" data-omni="option_${slug(o)}">${o}${S[S.popover] === o ? '<i class="fa-solid fa-check"></i>' : ''}</button>`).join('');
    } else pop.style.display = 'none';
    // dialog
    $('#dim').style.display = S.dialog ? 'block' : 'none'; $('#dialog').style.display = S.dialog ? 'block' : 'none';
    if (S.dialog) {
      $('#dlg_net').textContent = S.dialog;
      const inp = $('#pw_input'); if (inp.value !== S.password) inp.value = S.password; inp.type = S.showPassword ? 'text' : 'password';
      $('#pw_show').querySelector('i').className = S.showPassword ? 'fa-regular fa-eye-slash' : 'fa-regular fa-eye';
      $('#dlg_connect').disabled = S.password.length < 8;
    }
    // tooltip
    const tp = $('#tip'); tp.style.display = 'none';
    if (S.tooltip) { const el = document.querySelector(`[data-omni="${S.tooltip}"]`);
      if (el && el.dataset.tip) { const b = el.getBoundingClientRect(); tp.textContent = el.dataset.tip; tp.style.display = 'block'; tp.style.left = b.left + 'px'; tp.style.top = (b.bottom + 8) + 'px'; } }
    markHidden();
    // Focus the field a click just opened now, in the same task as the click: a deferred focus (setTimeout)
    // lost the first keys typed right after the click whenever they arrived first.
    if (focusAfterRender) { const i = document.getElementById(focusAfterRender); focusAfterRender = null; if (i) i.focus(); }
  }
  function markHidden() {
    document.querySelectorAll('[data-omni-hidden]').forEach((el) => { el.setAttribute('data-omni', el.getAttribute('data-omni-hidden')); el.removeAttribute('data-omni-hidden'); });
    const hide = [];
    document.querySelectorAll('[data-omni]').forEach((el) => {
      const r = el.getBoundingClientRect(); if (r.width < 1 || r.height < 1 || r.bottom <= 0 || r.top >= innerHeight) return;
      const cx = Math.min(Math.max((r.left + r.right) / 2, 0), innerWidth - 1), cy = Math.min(Math.max((r.top + r.bottom) / 2, 0), innerHeight - 1);
      const top = document.elementFromPoint(cx, cy);
      if (top && top !== el && !el.contains(top) && !top.closest('#tip')) hide.push(el);
    });
    hide.forEach((el) => { el.setAttribute('data-omni-hidden', el.dataset.omni); el.removeAttribute('data-omni'); });
  }

  function setSlider(key, v) {
    const el = document.querySelector(`[data-slider="${key}"]`); const min = Number(el.dataset.min), max = Number(el.dataset.max);
    v = Math.max(min, Math.min(max, v));
    S[key] = key === 'balance' ? Math.round(v * 10) / 10 : Math.round(v);  // balance moves in tenths
  }
  function sliderFromX(key, x) {
    const el = document.querySelector(`[data-slider="${key}"]`); const r = el.getBoundingClientRect();
    const min = Number(el.dataset.min), max = Number(el.dataset.max);
    setSlider(key, min + (x - r.left) / r.width * (max - min));
  }
  function toggle(key) {
    if (key.startsWith('app_')) { const k = key.slice(4); S.apps[k] = !S.apps[k]; return; }
    if (key === 'wifi') { if (S.airplane) { S.airplane = false; S.wifi = true; } else S.wifi = !S.wifi; return; }
    S[key] = !S[key];
  }
  function choose(i) { S[S.popover] = DD[S.popover][i]; S.popover = null; S.hl = -1; }

  document.addEventListener('click', (e) => {
    const t = e.target;
    if (e.detail === 2 && t.closest('.hb') && !t.closest('button,input')) { S.window = S.window === 'maximized' ? 'normal' : 'maximized'; render(); return; }
    if (S.popover && !t.closest('#pop')) { S.popover = null; S.hl = -1; render(); return; }
    const a = t.closest('[data-panel],[data-sw],[data-dd],[data-opt],[data-net],[data-netset],[data-dev],[data-pm],[data-scale],[data-style],[data-accent],[data-wall],[data-mark],[data-act],[data-slider]');
    if (!a) return;
    const d = a.dataset;
    if (d.panel) { S.panel = d.panel; S.pageScroll = 0; }
    else if (d.sw) toggle(d.sw);
    else if (d.dd) { S.popover = S.popover === d.dd ? null : d.dd; S.hl = DD[d.dd].indexOf(S[d.dd]); }
    else if (d.opt) choose(Number(d.opt));
    else if (d.netset) S.networkSettings = d.netset;
    else if (d.net) { const n = NETS.find((x) => x[0] === d.net); if (S.connected !== d.net) { if (n[2]) { S.dialog = d.net; S.password = ''; focusAfterRender = 'pw_input'; } else S.connected = d.net; } }
    else if (d.dev) { const st = S.devices[d.dev]; S.devices[d.dev] = st === 'connected' ? 'disconnected' : 'connected'; }
    else if (d.pm) S.powerMode = d.pm;
    else if (d.scale) S.scale = Number(d.scale);
    else if (d.style) S.style = d.style;
    else if (d.accent) S.accent = d.accent;
    else if (d.wall) S.background = d.wall;
    else if (d.mark) setSlider(d.mark, Number(d.v));
    else if (d.slider) { if (!t.closest('[data-knob]')) sliderFromX(d.slider, e.clientX); }
    else switch (d.act) {
      case 'search': S.searchOpen = !S.searchOpen; if (!S.searchOpen) S.search = ''; else focusAfterRender = 'search_input'; break;
      case 'menu': S.mainMenu = !S.mainMenu; break;
      case 'known': S.knownOpened = true; break;
      case 'hidden': S.hiddenNetworkDialog = true; break;
      case 'hotspot': S.hotspotDialog = true; break;
      case 'test': S.testSpeakers = true; break;
      case 'mute': S.muted = !S.muted; break;
      case 'add_picture': S.addPicture = true; break;
      case 'min': S.window = 'minimized'; break;
      case 'max': S.window = S.window === 'maximized' ? 'normal' : 'maximized'; break;
      case 'close': S.window = 'closed'; break;
      case 'dlg_cancel': S.dialog = null; S.password = ''; break;
      case 'dlg_connect': if (S.password.length >= 8) { S.connected = S.dialog; S.savedPassword = S.password; S.dialog = null; } break;
      case 'pw_show': S.showPassword = !S.showPassword; break;
      case 'pw_focus': $('#pw_input').focus(); return;
    }
    render();
  });
  // slider knobs are dragged with the mouse
  let drag = null;
  document.addEventListener('mousedown', (e) => { const k = e.target.closest('[data-knob]'); if (k && e.button === 0) { drag = k.dataset.knob; e.preventDefault(); } });
  document.addEventListener('mousemove', (e) => { if (drag) { sliderFromX(drag, e.clientX); render(); } });
  document.addEventListener('mouseup', (e) => { if (drag) { sliderFromX(drag, e.clientX); drag = null; render(); } });
  document.addEventListener('mouseover', (e) => {
    const t = e.target.closest('[data-tip]'); const tip = t ? t.dataset.omni : null;
    if (tip !== S.tooltip) { S.tooltip = tip; render(); }
  });
  document.addEventListener('wheel', (e) => {
    const sl = e.target.closest('[data-slider]');
    e.preventDefault();
    if (sl) {  // GTK scales take scroll steps in either direction
      const key = sl.dataset.slider; const step = key === 'balance' ? 0.1 : 5;
      setSlider(key, S[key] + (e.deltaX - e.deltaY) / 100 * step); render(); return;
    }
    if (e.target.closest('#navlist')) { S.navScroll = Math.max(0, Math.min(S.navScrollMax, S.navScroll + e.deltaY)); render(); return; }
    if (e.target.closest('#page')) { S.pageScroll = Math.max(0, Math.min(S.pageScrollMax, S.pageScroll + e.deltaY)); render(); }
  }, { passive: false });
  document.addEventListener('keydown', (e) => {
    const k = e.key, c = e.ctrlKey || e.metaKey;
    const inInput = document.activeElement && document.activeElement.tagName === 'INPUT';
    if (c && k.toLowerCase() === 'f') { S.searchOpen = true; render(); $('#search_input').focus(); e.preventDefault(); return; }
    if (c && k.toLowerCase() === 'q') { S.window = 'closed'; render(); e.preventDefault(); return; }
    if (S.popover) {
      const n = DD[S.popover].length;
      if (k === 'ArrowDown') S.hl = Math.min(n - 1, S.hl + 1); else if (k === 'ArrowUp') S.hl = Math.max(0, S.hl - 1);
      else if (k === 'Enter' || k === ' ') { if (S.hl >= 0) choose(S.hl); } else if (k === 'Escape') { S.popover = null; S.hl = -1; }
      e.preventDefault(); render(); return;
    }
    if (k === 'Escape') { if (S.dialog) { S.dialog = null; S.password = ''; } else if (S.searchOpen) { S.searchOpen = false; S.search = ''; document.activeElement.blur(); } render(); return; }
    if (k === 'Enter' && inInput) {
      if (document.activeElement.id === 'pw_input' && S.password.length >= 8) { S.connected = S.dialog; S.savedPassword = S.password; S.dialog = null; }
      if (document.activeElement.id === 'search_input') { const first = document.querySelector('[data-panel]'); if (first) { S.panel = first.dataset.panel; S.pageScroll = 0; } }
      render(); return;
    }
  });
  document.addEventListener('input', (e) => {
    if (e.target.id === 'search_input') { S.search = e.target.value; render(); }
    if (e.target.id === 'pw_input') { S.password = e.target.value; $('#dlg_connect').disabled = S.password.length < 8; }
  });

  document.fonts.ready.then(() => {
    render();
    if (S.dialog) $('#pw_input').focus();
    window.omni = { ready: true, state: S };
  });
})();
