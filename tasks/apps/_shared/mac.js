/* mac.js: HTML for macOS-style chrome. Labels: menu_<name>, apple_menu, dock_<app>, <prefix>_close_button... */
(function () {
  const esc = (s) => Kit.esc(s);
  const Mac = {};
  const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  Mac.slug = slug;
  /* menus: [name, [[item, shortcut] | '-' ...]]; openMenu: name of the open menu or null */
  Mac.menuBar = function (appName, menus, openMenu, clock) {
    let h = '<div class="menubar">';
    h += `<div class="mi apple${openMenu === 'apple' ? ' open' : ''}" data-omni="apple_menu"><i class="fa-brands fa-apple"></i></div>`;
    h += `<div class="mi app${openMenu === appName ? ' open' : ''}" data-omni="menu_${slug(appName)}">${esc(appName)}</div>`;
    for (const [name] of menus) h += `<div class="mi${openMenu === name ? ' open' : ''}" data-omni="menu_${slug(name)}">${esc(name)}</div>`;
    h += '<div class="right">';
    h += '<div class="mi" data-omni="battery_status" data-tip="Battery: 82%"><i class="fa-solid fa-battery-three-quarters"></i></div>';
    h += '<div class="mi" data-omni="wifi_status" data-tip="Wi-Fi: HomeNet-5G"><i class="fa-solid fa-wifi"></i></div>';
    h += '<div class="mi" data-omni="spotlight_button" data-tip="Spotlight"><i class="fa-solid fa-magnifying-glass"></i></div>';
    h += '<div class="mi" data-omni="control_center_button" data-tip="Control Center"><i class="fa-solid fa-toggle-on"></i></div>';
    h += `<div class="clock" data-omni-static="menu_bar_clock">${esc(clock || 'Mon Nov 30  9:41 AM')}</div>`;
    h += '</div></div>';
    return h;
  };
  Mac.dropdown = function (name, items, left, prefix) {
    let h = `<div class="dropdown" style="left:${left}px">`;
    for (const it of items) {
      if (it === '-') { h += '<div class="sep"></div>'; continue; }
      const [text, sc] = it;
      h += `<div class="it" data-omni="${prefix}_${slug(text)}_item"><span>${esc(text)}</span><span class="sc">${esc(sc || '')}</span></div>`;
    }
    return h + '</div>';
  };
  const DOCK = [
    ['finder', 'Finder', 'fa-solid fa-face-smile', 'linear-gradient(180deg,#5ac8fa,#1e6fd9)'],
    ['launchpad', 'Launchpad', 'fa-solid fa-table-cells', 'linear-gradient(180deg,#9aa0a8,#5d636b)'],
    ['safari', 'Safari', 'fa-regular fa-compass', 'linear-gradient(180deg,#4fb6ff,#0a63d6)'],
    ['messages', 'Messages', 'fa-solid fa-comment', 'linear-gradient(180deg,#66e36b,#24b13a)'],
    ['mail', 'Mail', 'fa-solid fa-envelope', 'linear-gradient(180deg,#58b6ff,#1470e6)'],
    ['maps', 'Maps', 'fa-solid fa-map-location-dot', 'linear-gradient(180deg,#8fd96a,#3b9e4f)'],
    ['photos', 'Photos', 'fa-solid fa-sun', 'linear-gradient(180deg,#fff,#eee);color:#f29b24'],
    ['calendar', 'Calendar', 'fa-regular fa-calendar', 'linear-gradient(180deg,#fff,#f2f2f2);color:#e0312b'],
    ['notes', 'Notes', 'fa-solid fa-note-sticky', 'linear-gradient(180deg,#ffe27a,#f6c73c)'],
    ['music', 'Music', 'fa-solid fa-music', 'linear-gradient(180deg,#ff6d86,#f5283f)'],
    ['app_store', 'App Store', 'fa-brands fa-app-store-ios', 'linear-gradient(180deg,#3fb4ff,#1768e8)'],
    ['system_settings', 'System Settings', 'fa-solid fa-gear', 'linear-gradient(180deg,#a7adb5,#6c737c)'],
  ];
  Mac.dock = function (running) {
    let h = '<div class="dock">';
    for (const [id, name, icon, bg] of DOCK) {
      h += `<div class="di${running.includes(id) ? ' run' : ''}" data-omni="dock_${id}" data-tip="${esc(name)}" style="background:${bg}"><i class="${icon}"></i></div>`;
    }
    h += '<div class="dsep"></div>';
    h += '<div class="di" data-omni="dock_downloads" data-tip="Downloads" style="background:linear-gradient(180deg,#7fc4ff,#3d8fe0)"><i class="fa-solid fa-circle-down"></i></div>';
    h += '<div class="di" data-omni="dock_trash" data-tip="Trash" style="background:rgba(255,255,255,0.55);color:#6b7280"><i class="fa-solid fa-trash-can"></i></div>';
    return h + '</div>';
  };
  Mac.lights = function (prefix, inactive) {
    return `<div class="lights${inactive ? ' inactive' : ''}"><div class="l close" data-omni="${prefix}close_button" data-tip="Close"><i class="fa-solid fa-xmark"></i></div>` +
      `<div class="l min" data-omni="${prefix}minimize_button" data-tip="Minimize"><i class="fa-solid fa-minus"></i></div>` +
      `<div class="l zoom" data-omni="${prefix}zoom_button" data-tip="Enter Full Screen"><i class="fa-solid fa-up-right-and-down-left-from-center" style="font-size:6px"></i></div></div>`;
  };
  window.Mac = Mac;
})();
