/* files.js: a Windows 11 File Explorer-style file manager. Screens: documents, downloads, pictures.
   window.omni.state: path (e.g. 'Documents'), fs {path: [{name, kind, type, size, modified}]}, selection [names],
   clipboard {op: 'copy'|'cut', from, names}, renaming (name or null), contextMenu {target, x, y}, view
   ('details' | 'large'), sort {key, dir}, searchSubmitted, opened (path of a file opened), history, menu
   (open command-bar menu), hover, tooltip, listScroll, listScrollX, recycleBin [...], windowState, tabs,
   startMenu, taskbarClicked, addressEditing, detailsPane. */
(function () {
  const esc = Kit.esc;
  const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  const TYPES = {
    folder: ['File folder', 'fa-solid fa-folder', '#f4c042'], pdf: ['Adobe Acrobat Document', 'fa-solid fa-file-pdf', '#d93a2b'],
    docx: ['Microsoft Word Document', 'fa-solid fa-file-word', '#2b5fb8'], xlsx: ['Microsoft Excel Worksheet', 'fa-solid fa-file-excel', '#1d7a45'],
    pptx: ['Microsoft PowerPoint Presentation', 'fa-solid fa-file-powerpoint', '#d0542b'], txt: ['Text Document', 'fa-solid fa-file-lines', '#6b7280'],
    png: ['PNG File', 'fa-solid fa-file-image', '#8b5cf6'], jpg: ['JPG File', 'fa-solid fa-file-image', '#8b5cf6'], zip: ['Compressed (zipped) Folder', 'fa-solid fa-file-zipper', '#e0a526'],
    exe: ['Application', 'fa-solid fa-window-maximize', '#2563eb'], msi: ['Windows Installer Package', 'fa-solid fa-box-open', '#2563eb'],
    csv: ['Microsoft Excel Comma Separated Values File', 'fa-solid fa-file-csv', '#1d7a45'], mp4: ['MP4 Video', 'fa-solid fa-file-video', '#0ea5e9'],
    mp3: ['MP3 Audio', 'fa-solid fa-file-audio', '#ec4899'], iso: ['Disc Image File', 'fa-solid fa-compact-disc', '#64748b'], json: ['JSON File', 'fa-solid fa-file-code', '#475569'],
  };
  const ext = (n) => { const i = n.lastIndexOf('.'); return i > 0 ? n.slice(i + 1).toLowerCase() : ''; };
  const F = (name, modified) => ({ name, kind: 'folder', size: null, modified });
  const f = (name, size, modified, created, author, tags) => ({ name, kind: 'file', size, modified, created: created || modified, author: author || '', tags: tags || '' });
  const fs = {
    'Documents': [F('Archive', '10/02/2026 4:15 PM'), F('Custom Office Templates', '03/14/2025 9:02 AM'), F('Invoices', '11/27/2026 11:48 AM'), F('Projects', '11/29/2026 6:20 PM'),
      F('Taxes 2025', '04/11/2026 8:31 PM'), F('Work', '11/30/2026 8:55 AM'),
      f('Backup 2025-10.zip', 260096, '10/31/2025 11:02 PM'), f('Budget 2026.xlsx', 48, '11/28/2026 5:44 PM', '09/03/2026 10:12 AM', 'Alex Morgan', 'finance'),
      f('Lease Agreement.pdf', 860, '06/15/2026 2:07 PM', '06/15/2026 2:07 PM', 'Bay Realty', 'home'), f('Meeting Notes.docx', 22, '11/30/2026 9:05 AM', '11/30/2026 8:40 AM', 'Alex Morgan', 'work'),
      f('notes.txt', 2, '11/26/2026 7:13 PM'), f('photo-id-scan.png', 1310, '01/22/2026 3:30 PM'),
      f('Presentation Draft.pptx', 5120, '11/25/2026 4:02 PM', '11/18/2026 1:00 PM', 'Alex Morgan', 'work; board'),
      f('Quarterly Report.pdf', 2460, '11/24/2026 10:31 AM', '11/20/2026 9:15 AM', 'Anna Berg', 'finance; Q4'), f('Resume - Alex Morgan.docx', 36, '08/09/2026 9:48 PM', '02/02/2024 7:30 PM', 'Alex Morgan', 'career'),
      f('Travel Itinerary.pdf', 310, '11/23/2026 8:12 PM', '11/23/2026 8:12 PM', 'Delta Air Lines', 'travel')],
    'Downloads': [
      f('ChromeSetup.exe', 1370, '11/30/2026 9:21 AM'), f('invoice-INV-4471.pdf', 118, '11/30/2026 8:02 AM', '', 'Acme Billing'), f('team-photo.jpg', 3840, '11/30/2026 7:45 AM'),
      f('bank-statement-nov.pdf', 402, '11/29/2026 6:10 PM', '', 'Bank of America'), f('sales-data.csv', 1024, '11/29/2026 3:37 PM'), f('vscode-user-setup-x64.exe', 96256, '11/29/2026 11:03 AM'),
      f('Q4_Budget_v3.xlsx', 248, '11/29/2026 9:14 AM', '', 'Anna Berg'), f('Northwind_MSA_v3.docx', 1228, '11/28/2026 4:40 PM', '', 'Kevin Wu'),
      f('IMG_4821.jpg', 4120, '11/28/2026 10:02 AM'), f('IMG_4822.jpg', 3980, '11/28/2026 10:02 AM'), f('boarding-pass-LIS.pdf', 96, '11/27/2026 7:55 PM', '', 'Delta Air Lines'),
      f('python-3.13.1-amd64.exe', 27648, '11/26/2026 2:18 PM'), f('podcast-episode-214.mp3', 58368, '11/26/2026 8:30 AM'), f('wallpaper-sonoma.png', 6210, '11/25/2026 9:44 PM'),
      f('tax-form-1099.pdf', 212, '11/24/2026 5:12 PM'), f('project-assets.zip', 148480, '11/24/2026 1:06 PM'), f('config.json', 4, '11/23/2026 11:11 AM'),
      f('ubuntu-24.04-desktop-amd64.iso', 6082560, '11/22/2026 10:40 PM'), f('meeting-recording.mp4', 412672, '11/21/2026 4:58 PM'), f('recipe-pot-pie.pdf', 740, '11/20/2026 7:20 PM', '', 'Linda Morgan'),
      f('Zoom_Installer.msi', 88064, '11/19/2026 9:01 AM'), f('headphones-manual.pdf', 5230, '11/18/2026 6:33 PM'), f('receipt-apple.pdf', 64, '11/17/2026 12:15 PM', '', 'Apple'),
      f('dataset-sample.csv', 15360, '11/16/2026 3:25 PM'), f('README.txt', 3, '11/15/2026 10:05 AM'), f('screenshot-2026-11-14.png', 980, '11/14/2026 2:47 PM'),
      f('flight-confirmation-HX7QLM.pdf', 150, '11/13/2026 6:02 PM', '', 'Delta Air Lines'), f('node-v22.11.0-x64.msi', 29696, '11/12/2026 9:40 AM'), f('family-photos-2026.zip', 524288, '11/11/2026 8:15 PM'),
      f('conference-badge.pdf', 88, '11/10/2026 1:12 PM', '', 'PyData Global'), f('expense-report-oct.xlsx', 36, '11/09/2026 4:44 PM', '', 'Alex Morgan'), f('logo-final.png', 210, '11/08/2026 11:21 AM'),
      f('lecture-notes-week9.pdf', 2310, '11/07/2026 3:03 PM'), f('Spotify-Setup.exe', 1536, '11/06/2026 8:58 PM'), f('floor-plan.pdf', 1780, '11/05/2026 10:30 AM', '', 'Bay Realty'),
      f('holiday-card.jpg', 2650, '11/04/2026 7:07 PM'), f('transactions-2026.csv', 512, '11/03/2026 9:16 AM'), f('manual-dishwasher.pdf', 3900, '11/02/2026 5:50 PM'),
      f('presentation-template.pptx', 8200, '11/01/2026 2:22 PM'), f('birthday-playlist.mp3', 7400, '10/31/2026 6:45 PM')],
    'Pictures': [F('Camera Roll', '11/29/2026 7:02 PM'), F('Saved Pictures', '09/14/2026 12:00 PM'), F('Screenshots', '11/30/2026 9:30 AM'), F('Wallpapers', '07/01/2026 8:00 PM'),
      ...['IMG_2041.jpg', 'IMG_2042.jpg', 'IMG_2047.jpg', 'IMG_2063.jpg', 'IMG_2071.jpg', 'IMG_2088.jpg', 'beach-sunset.jpg', 'birthday-cake.jpg', 'city-skyline.png', 'dog-park.jpg',
        'family-hike.jpg', 'garden-roses.jpg', 'lighthouse.jpg', 'mountain-lake.jpg', 'snowy-cabin.jpg', 'team-offsite.png'].map((n, i) => f(n, 2100 + i * 317, `11/${String(28 - i).padStart(2, '0')}/2026 ${1 + (i % 11)}:${String(10 + i * 3).padStart(2, '0')} PM`))],
    'Documents\\Archive': [f('Old Budget 2024.xlsx', 41, '01/10/2025 9:00 AM'), f('Old Resume.docx', 30, '05/02/2023 6:00 PM')],
    'Documents\\Invoices': [f('INV-4402.pdf', 98, '10/28/2026 9:12 AM'), f('INV-4437.pdf', 101, '11/12/2026 9:12 AM'), f('INV-4460.pdf', 97, '11/26/2026 9:12 AM')],
    'Documents\\Projects': [F('Atlas', '11/29/2026 6:20 PM'), F('Website Redesign', '10/11/2026 2:44 PM'), f('roadmap.pptx', 3400, '11/21/2026 11:00 AM')],
    'Documents\\Work': [f('Offsite Agenda.docx', 27, '11/28/2026 1:30 PM'), f('Org Chart.pdf', 540, '09/30/2026 5:00 PM')],
    'Documents\\Taxes 2025': [f('W-2 2025.pdf', 180, '02/01/2026 8:00 AM'), f('1040 Draft.pdf', 620, '04/10/2026 9:45 PM')],
    'Documents\\Custom Office Templates': [],
    'Pictures\\Screenshots': [f('Screenshot 2026-11-30 093012.png', 412, '11/30/2026 9:30 AM'), f('Screenshot 2026-11-29 181544.png', 388, '11/29/2026 6:15 PM')],
    'Pictures\\Camera Roll': [f('IMG_3001.jpg', 3100, '11/29/2026 7:02 PM')], 'Pictures\\Saved Pictures': [], 'Pictures\\Wallpapers': [f('bloom-blue.jpg', 5400, '07/01/2026 8:00 PM')],
    'Desktop': [f('Shortcuts.txt', 1, '11/01/2026 9:00 AM'), F('Screenshots to sort', '11/20/2026 5:00 PM')], 'Music': [F('Playlists', '05/05/2026 8:00 PM')], 'Videos': [F('Captures', '11/10/2026 3:00 PM')],
  };
  const ROOTS = ['Home', 'Gallery', 'OneDrive', 'This PC', 'Local Disk (C:)', 'Data (D:)', 'Network', 'Recycle Bin'];
  const NAV_ICON = { Desktop: ['fa-solid fa-desktop', '#2b7bd8'], Downloads: ['fa-solid fa-circle-down', '#1f9d55'], Documents: ['fa-solid fa-file-lines', '#5b7fb8'],
    Pictures: ['fa-solid fa-image', '#2a8bd8'], Music: ['fa-solid fa-music', '#e25a3a'], Videos: ['fa-solid fa-film', '#7c3aed'] };

  const screen = Kit.params.get('screen') || 'documents';
  const start = { documents: 'Documents', downloads: 'Downloads', pictures: 'Pictures' }[screen] || 'Documents';
  const state = {
    screen, path: start, fs, selection: [], clipboard: null, renaming: null, contextMenu: null, view: screen === 'pictures' ? 'large' : 'details',
    sort: screen === 'downloads' ? { key: 'modified', dir: 'desc' } : { key: 'name', dir: 'asc' }, search: '', searchSubmitted: '', opened: null, history: [start], histIndex: 0,
    menu: null, hover: null, tooltip: null, listScroll: 0, listScrollX: 0, recycleBin: [], windowState: 'maximized', tabs: [start], startMenu: false,
    taskbarClicked: null, addressEditing: false, detailsPane: false, focus: null, dragging: null, trayFlyout: null,
  };
  if (screen === 'documents') state.selection = ['Meeting Notes.docx'];

  const items = () => {
    if (state.searchSubmitted) {
      const q = state.searchSubmitted.toLowerCase(); const out = [];
      for (const [p, list] of Object.entries(state.fs)) if (p === state.path || p.startsWith(state.path + '\\')) for (const it of list) if (it.name.toLowerCase().includes(q)) out.push(it);
      return out;
    }
    return sorted(state.fs[state.path] || []);
  };
  const dateKey = (d) => { const m = d.match(/(\d+)\/(\d+)\/(\d+) (\d+):(\d+) (AM|PM)/); if (!m) return 0; const h = (+m[4] % 12) + (m[6] === 'PM' ? 12 : 0); return +m[3] * 1e8 + +m[1] * 1e6 + +m[2] * 1e4 + h * 100 + +m[5]; };
  const typeOf = (it) => it.kind === 'folder' ? 'File folder' : (TYPES[ext(it.name)] || ['File'])[0];
  function sorted(list) {
    const { key, dir } = state.sort; const s = dir === 'asc' ? 1 : -1;
    return list.slice().sort((a, b) => {
      if (a.kind !== b.kind && key === 'name') return a.kind === 'folder' ? -1 : 1;
      let va, vb;
      if (key === 'name') { va = a.name.toLowerCase(); vb = b.name.toLowerCase(); } else if (key === 'modified') { va = dateKey(a.modified); vb = dateKey(b.modified); }
      else if (key === 'type') { va = typeOf(a); vb = typeOf(b); } else { va = a.size == null ? -1 : a.size; vb = b.size == null ? -1 : b.size; }
      return va < vb ? -s : va > vb ? s : a.name.localeCompare(b.name);
    });
  }
  const fmtSize = (kb) => kb == null ? '' : kb >= 1048576 ? (kb / 1048576).toFixed(1) + ' GB' : kb >= 1024 * 10 ? Math.round(kb / 1024).toLocaleString('en-US') + ' MB' : kb >= 1024 ? (kb / 1024).toFixed(1) + ' MB' : kb.toLocaleString('en-US') + ' KB';
  const icon = (it, size) => { const t = it.kind === 'folder' ? TYPES.folder : (TYPES[ext(it.name)] || ['File', 'fa-solid fa-file', '#64748b']); return `<i class="${t[1]}" style="color:${t[2]};font-size:${size}px"></i>`; };
  const titleOf = (it) => it.kind === 'folder' || !/\.(docx|pptx|xlsx|pdf)$/.test(it.name) ? '' : it.name.replace(/\.[^.]+$/, '').replace(/[-_]/g, ' ');
  const label = (it) => slug(it.name) + (it.kind === 'folder' ? '_folder' : '') + (state.view === 'details' ? '_row' : '_item');
  const fullPath = (p) => (ROOTS.includes(p) ? p : 'C:\\Users\\Alex\\' + p);
  const crumbs = (p) => ROOTS.includes(p) ? [p] : ['This PC', ...p.split('\\')];
  const THUMB = ['#f6d365,#fda085', '#84fab0,#8fd3f4', '#a1c4fd,#c2e9fb', '#fbc2eb,#a6c1ee', '#ffecd2,#fcb69f', '#89f7fe,#66a6ff', '#d4fc79,#96e6a1', '#fccb90,#d57eeb'];
  const thumbIcon = (n) => { const k = [['beach', 'fa-umbrella-beach'], ['birthday', 'fa-cake-candles'], ['city', 'fa-city'], ['dog', 'fa-dog'], ['hike', 'fa-person-hiking'], ['roses', 'fa-seedling'],
    ['lighthouse', 'fa-tower-observation'], ['mountain', 'fa-mountain-sun'], ['snow', 'fa-snowflake'], ['team', 'fa-people-group'], ['wallpaper', 'fa-image']].find(([w]) => n.includes(w)); return k ? k[1] : 'fa-camera'; };
  const THUMB_ICON = ['fa-person', 'fa-mountain-sun', 'fa-cake-candles', 'fa-city', 'fa-dog', 'fa-tree', 'fa-camera', 'fa-water'];

  function titleBar() {
    let h = '<div class="titlebar"><div class="tabs">';
    state.tabs.forEach((t, i) => {
      const active = i === state.tabs.length - 1 || (state.tabs.length === 1);
      h += `<div class="tab${i === 0 ? ' active' : ''}" data-omni="${i === 0 ? 'current_tab' : 'tab_' + (i + 1)}">${icon({ kind: 'folder' }, 15)}<span>${esc(i === 0 ? state.path.split('\\').pop() : t)}</span><span class="tx" data-omni="${i === 0 ? 'close_tab_button' : 'close_tab_' + (i + 1) + '_button'}"><i class="fa-solid fa-xmark"></i></span></div>`;
      void active;
    });
    h += '<div class="newtab" data-omni="new_tab_button" data-tip="New tab (Ctrl+T)"><i class="fa-solid fa-plus"></i></div></div>';
    h += '<div class="caps"><div class="cap" data-omni="minimize_button" data-tip="Minimize"><i class="fa-solid fa-minus"></i></div>';
    h += `<div class="cap" data-omni="maximize_button" data-tip="${state.windowState === 'maximized' ? 'Restore Down' : 'Maximize'}"><i class="fa-regular ${state.windowState === 'maximized' ? 'fa-clone' : 'fa-square'}"></i></div>`;
    h += '<div class="cap close" data-omni="close_button" data-tip="Close"><i class="fa-solid fa-xmark"></i></div></div></div>';
    return h;
  }
  function addressRow() {
    let h = '<div class="addrrow">';
    const B = (lab, ic, tip, dis) => `<div class="nb${dis ? ' dis' : ''}" data-omni="${lab}" data-tip="${tip}"><i class="fa-solid ${ic}"></i></div>`;
    h += B('back_button', 'fa-arrow-left', 'Back (Alt+Left Arrow)', state.histIndex === 0) + B('forward_button', 'fa-arrow-right', 'Forward (Alt+Right Arrow)', state.histIndex >= state.history.length - 1);
    h += B('up_button', 'fa-arrow-up', 'Up to "' + (crumbs(state.path).slice(-2, -1)[0] || 'Desktop') + '" (Alt+Up Arrow)') + B('refresh_button', 'fa-rotate-right', 'Refresh "' + state.path.split('\\').pop() + '" (F5)');
    if (state.addressEditing) h += `<div class="addr edit"><input data-omni="address_bar" value="${esc(fullPath(state.path))}" spellcheck="false"></div>`;
    else {
      h += `<div class="addr" data-omni="address_bar">${icon({ kind: 'folder' }, 14)}`;
      for (const c of crumbs(state.path)) h += `<i class="fa-solid fa-chevron-right sep"></i><span class="crumb">${esc(c)}</span>`;
      h += '</div>';
    }
    h += `<div class="searchbox"><input data-omni="search_box" placeholder="Search ${esc(state.path.split('\\').pop())}" value="${esc(state.search)}" spellcheck="false"><i class="fa-solid fa-magnifying-glass"></i></div></div>`;
    return h;
  }
  function commandBar() {
    const sel = state.selection.length > 0;
    let h = '<div class="cmdbar">';
    h += `<div class="cb new" data-omni="new_button" data-tip="Create a new item in the current location"><i class="fa-solid fa-circle-plus"></i> New <i class="fa-solid fa-chevron-down dd"></i></div><div class="cbsep"></div>`;
    const I = (lab, ic, tip, dis) => `<div class="cb icon${dis ? ' dis' : ''}" data-omni="${lab}" data-tip="${tip}"><i class="${ic}"></i></div>`;
    h += I('cut_button', 'fa-solid fa-scissors', 'Cut (Ctrl+X)', !sel) + I('copy_button', 'fa-regular fa-copy', 'Copy (Ctrl+C)', !sel) + I('paste_button', 'fa-regular fa-paste', 'Paste (Ctrl+V)', !state.clipboard);
    h += I('rename_button', 'fa-solid fa-i-cursor', 'Rename (F2)', state.selection.length !== 1) + I('share_button', 'fa-solid fa-arrow-up-from-bracket', 'Share', !sel) + I('delete_button', 'fa-regular fa-trash-can', 'Delete (Delete)', !sel);
    h += '<div class="cbsep"></div>';
    h += `<div class="cb" data-omni="sort_button"><i class="fa-solid fa-arrow-down-wide-short"></i> Sort <i class="fa-solid fa-chevron-down dd"></i></div>`;
    h += `<div class="cb" data-omni="view_button"><i class="fa-solid fa-bars"></i> View <i class="fa-solid fa-chevron-down dd"></i></div>`;
    h += `<div class="cb" data-omni="filter_button"><i class="fa-solid fa-filter"></i> Filter <i class="fa-solid fa-chevron-down dd"></i></div><div class="cbsep"></div>`;
    h += '<div class="cb icon" data-omni="see_more_button" data-tip="See more"><i class="fa-solid fa-ellipsis"></i></div>';
    h += `<div class="cb right${state.detailsPane ? ' on' : ''}" data-omni="details_pane_button"><i class="fa-regular fa-rectangle-list"></i> Details</div>`;
    return h + '</div>';
  }
  function navPane() {
    let h = '<div class="nav">';
    const N = (p, text, ic, color, indent, drop) => `<div class="ni${state.path === p && !state.searchSubmitted ? ' sel' : ''}" style="padding-left:${indent}px" data-omni="nav_${slug(text)}"${drop ? ` data-drop="${esc(p)}"` : ''}><i class="fa-solid fa-chevron-right chev"></i><i class="${ic}" style="color:${color}"></i><span>${esc(text)}</span></div>`;
    h += N('Home', 'Home', 'fa-solid fa-house', '#e08a1e', 8) + N('Gallery', 'Gallery', 'fa-solid fa-images', '#2a8bd8', 8) + N('OneDrive', 'OneDrive - Personal', 'fa-solid fa-cloud', '#2b7bd8', 8);
    h += '<div class="nsep"></div>';
    for (const p of ['Desktop', 'Downloads', 'Documents', 'Pictures', 'Music', 'Videos']) h += N(p, p, NAV_ICON[p][0], NAV_ICON[p][1], 8, true).replace('</div>', '<i class="fa-solid fa-thumbtack pin"></i></div>');
    h += '<div class="nsep"></div>';
    h += N('This PC', 'This PC', 'fa-solid fa-desktop', '#2b7bd8', 8) + N('Local Disk (C:)', 'Local Disk (C:)', 'fa-solid fa-hard-drive', '#6b7280', 26) + N('Data (D:)', 'Data (D:)', 'fa-solid fa-hard-drive', '#6b7280', 26);
    h += N('Network', 'Network', 'fa-solid fa-network-wired', '#2b7bd8', 8) + N('Recycle Bin', 'Recycle Bin', 'fa-regular fa-trash-can', '#6b7280', 8, true);
    return h + '</div>';
  }
  function detailsView(list) {
    const cols = [['name', 'Name', 440], ['modified', 'Date modified', 210], ['type', 'Type', 290], ['size', 'Size', 120], ['created', 'Date created', 210], ['authors', 'Authors', 210], ['tags', 'Tags', 220], ['title', 'Title', 260]];
    let h = '<div class="list" data-scroll="listScroll" data-hscroll="listScrollX"><div class="tablewrap"><div class="thead">';
    for (const [k, t, w] of cols) {
      const arrow = state.sort.key === k ? `<i class="fa-solid fa-chevron-${state.sort.dir === 'asc' ? 'up' : 'down'} sorti"></i>` : '';
      h += `<div class="th${k === 'size' ? ' num' : ''}" style="width:${w}px" data-omni="${slug(t)}_column_header">${arrow}${t}</div>`;
    }
    h += '</div>';
    if (!list.length) h += `<div class="emptyf" data-omni-static="empty_folder_text">${state.searchSubmitted ? 'No items match your search.' : 'This folder is empty.'}</div>`;
    for (const it of list) {
      const sel = state.selection.includes(it.name); const cut = state.clipboard && state.clipboard.op === 'cut' && state.clipboard.from === state.path && state.clipboard.names.includes(it.name);
      const ctx = state.contextMenu && state.contextMenu.target === it.name;
      const drop = it.kind === 'folder' ? ` data-drop="${esc(state.path + '\\' + it.name)}"` : '';
      h += `<div class="tr${sel ? ' sel' : ''}${ctx ? ' ctxsel' : ''}${cut ? ' cut' : ''}" data-omni="${label(it)}" data-drag="${esc(it.name)}"${drop}${it.kind === 'file' ? ` data-tip="Type: ${esc(typeOf(it))}&#10;Size: ${fmtSize(it.size)}&#10;Date modified: ${esc(it.modified)}"` : ''}>`;
      if (state.renaming === it.name) h += `<div class="td name" style="width:440px">${icon(it, 16)}<input class="ren" data-omni="rename_field" value="${esc(it.name)}" spellcheck="false"></div>`;
      else h += `<div class="td name" style="width:440px">${icon(it, 16)}<span>${esc(it.name)}</span></div>`;
      h += `<div class="td" style="width:210px">${esc(it.modified)}</div><div class="td" style="width:290px">${esc(typeOf(it))}</div><div class="td num" style="width:120px">${fmtSize(it.size)}</div>`;
      h += `<div class="td" style="width:210px">${esc(it.created || it.modified)}</div><div class="td" style="width:210px">${esc(it.author || '')}</div><div class="td" style="width:220px">${esc(it.tags || '')}</div><div class="td" style="width:260px">${esc(titleOf(it))}</div></div>`;
    }
    return h + '</div></div>';
  }
  function largeView(list) {
    let h = '<div class="list" data-scroll="listScroll"><div class="tiles">';
    list.forEach((it, i) => {
      const sel = state.selection.includes(it.name); const ctx = state.contextMenu && state.contextMenu.target === it.name;
      const drop = it.kind === 'folder' ? ` data-drop="${esc(state.path + '\\' + it.name)}"` : '';
      const img = /\.(jpg|png)$/i.test(it.name);
      const tip = it.kind === 'file' ? ` data-tip="Item type: ${esc(typeOf(it))}&#10;Dimensions: 4032 x 3024&#10;Size: ${fmtSize(it.size)}"` : '';
      h += `<div class="tile${sel ? ' sel' : ''}${ctx ? ' ctxsel' : ''}" data-omni="${label(it)}" data-drag="${esc(it.name)}"${drop}${tip}>`;
      if (img) h += `<div class="thumb" style="background:linear-gradient(135deg,${THUMB[i % THUMB.length]})"><i class="fa-solid ${thumbIcon(it.name)}"></i></div>`;
      else h += `<div class="ticon">${icon(it, 88)}</div>`;
      if (state.renaming === it.name) h += `<input class="ren" data-omni="rename_field" value="${esc(it.name)}" spellcheck="false">`;
      else h += `<div class="tname">${esc(it.name)}</div>`;
      h += '</div>';
    });
    return h + '</div></div>';
  }
  function contextMenu() {
    const c = state.contextMenu;
    const it = (state.fs[state.path] || []).find((x) => x.name === c.target) || items().find((x) => x.name === c.target);
    let h = `<div class="ctx" style="left:${c.x}px;top:${c.y}px"><div class="ctx-icons">`;
    for (const [k, ic] of [['cut', 'fa-solid fa-scissors'], ['copy', 'fa-regular fa-copy'], ['rename', 'fa-solid fa-i-cursor'], ['share', 'fa-solid fa-arrow-up-from-bracket'], ['delete', 'fa-regular fa-trash-can']]) h += `<div class="ci" data-omni="context_${k}_button"><i class="${ic}"></i></div>`;
    h += '</div>';
    const rows = it && it.kind === 'folder' ? [['Open', 'Enter', 'fa-regular fa-folder-open'], ['Open in new tab', '', 'fa-regular fa-window-restore'], ['Open in new window', '', 'fa-regular fa-window-maximize'], ['Pin to Quick access', '', 'fa-solid fa-thumbtack'], ['Compress to ZIP file', '', 'fa-solid fa-file-zipper'], ['Copy as path', 'Ctrl+Shift+C', 'fa-solid fa-route'], ['Properties', 'Alt+Enter', 'fa-solid fa-wrench']]
      : [['Open', 'Enter', 'fa-regular fa-folder-open'], ['Open with', '', 'fa-solid fa-table-cells-large'], ['Compress to ZIP file', '', 'fa-solid fa-file-zipper'], ['Copy as path', 'Ctrl+Shift+C', 'fa-solid fa-route'], ['Properties', 'Alt+Enter', 'fa-solid fa-wrench']];
    for (const [t, sc, ic] of rows) h += `<div class="cr" data-omni="context_${slug(t)}_item"><i class="${ic}"></i><span>${t}</span><span class="sc">${sc}</span></div>`;
    h += '<div class="csep"></div><div class="cr" data-omni="context_show_more_options_item"><i class="fa-solid fa-up-right-from-square"></i><span>Show more options</span><span class="sc"></span></div>';
    return h + '</div>';
  }
  function menuPopup() {
    const m = state.menu;
    const defs = {
      new: [['Folder', 'fa-solid fa-folder'], ['Shortcut', 'fa-solid fa-link'], ['Microsoft Word Document', 'fa-solid fa-file-word'], ['Microsoft Excel Worksheet', 'fa-solid fa-file-excel'], ['Text Document', 'fa-solid fa-file-lines']],
      sort: [['Name', ''], ['Date modified', ''], ['Type', ''], ['Size', ''], ['Ascending', ''], ['Descending', '']],
      view: [['Extra large icons', ''], ['Large icons', ''], ['Medium icons', ''], ['Small icons', ''], ['List', ''], ['Details', ''], ['Tiles', ''], ['Content', '']],
      filter: [['Documents', ''], ['Folders', ''], ['Photos', ''], ['Videos', ''], ['Music', '']],
      see_more: [['Undo', ''], ['Pin to Quick access', ''], ['Select all', ''], ['Select none', ''], ['Invert selection', ''], ['Properties', ''], ['Options', '']],
    }[m.name];
    let h = `<div class="popmenu" style="left:${m.x}px;top:${m.y}px">`;
    for (const [t, ic] of defs) h += `<div class="cr" data-omni="${m.name}_menu_${slug(t)}_item"><i class="${ic || 'fa-solid fa-circle invisible'}"></i><span>${t}</span></div>`;
    return h + '</div>';
  }
  function taskbar() {
    let h = '<div class="taskbar"><div class="tb-center">';
    h += `<div class="tbi${state.startMenu ? ' on' : ''}" data-omni="start_button" data-tip="Start"><i class="fa-brands fa-windows" style="color:#1b7fe0"></i></div>`;
    h += '<div class="tbsearch" data-omni="taskbar_search"><i class="fa-solid fa-magnifying-glass"></i><span>Search</span></div>';
    const T = (id, ic, color, tip, run) => `<div class="tbi${run ? ' run' : ''}" data-omni="taskbar_${id}" data-tip="${tip}"><i class="${ic}" style="color:${color}"></i></div>`;
    h += T('task_view', 'fa-regular fa-clone', '#333', 'Task View') + T('file_explorer', 'fa-solid fa-folder', '#f4c042', 'File Explorer', true) + T('edge', 'fa-brands fa-edge', '#1f9ad6', 'Microsoft Edge', true);
    h += T('store', 'fa-solid fa-bag-shopping', '#2563eb', 'Microsoft Store') + T('outlook', 'fa-solid fa-envelope', '#0a64c8', 'Outlook', true) + T('teams', 'fa-solid fa-users', '#5b5fc7', 'Microsoft Teams');
    h += T('photos', 'fa-regular fa-image', '#0ea5e9', 'Photos') + T('settings', 'fa-solid fa-gear', '#555', 'Settings');
    h += '</div><div class="tray"><div class="tri" data-omni="show_hidden_icons_button" data-tip="Show hidden icons"><i class="fa-solid fa-chevron-up"></i></div>';
    h += '<div class="tri grp" data-omni="quick_settings_button" data-tip="HomeNet-5G&#10;Internet access"><i class="fa-solid fa-wifi"></i><i class="fa-solid fa-volume-high"></i><i class="fa-solid fa-battery-three-quarters"></i></div>';
    h += '<div class="tri clock" data-omni="taskbar_clock" data-tip="Monday, November 30, 2026"><div>9:41 AM</div><div>11/30/2026</div></div>';
    h += '<div class="tri" data-omni="notifications_button" data-tip="Notifications"><i class="fa-regular fa-bell"></i></div></div></div>';
    return h;
  }
  function statusBar(list) {
    const sel = list.filter((x) => state.selection.includes(x.name));
    let s = `${list.length} item${list.length === 1 ? '' : 's'}`;
    if (sel.length) { s += `<span class="sbsep">|</span>${sel.length} item${sel.length === 1 ? '' : 's'} selected`; const tot = sel.reduce((a, x) => a + (x.size || 0), 0); if (tot && sel.every((x) => x.kind === 'file')) s += ' ' + fmtSize(tot); }
    return `<div class="statusbar"><span data-omni-static="status_text">${s}</span><div class="vt"><span class="${state.view === 'details' ? 'on' : ''}" data-omni="details_view_toggle" data-tip="Display information about each item in the window. (Ctrl+Shift+6)"><i class="fa-solid fa-list"></i></span><span class="${state.view === 'large' ? 'on' : ''}" data-omni="large_icons_view_toggle" data-tip="Display items by using large thumbnails. (Ctrl+Shift+2)"><i class="fa-solid fa-table-cells-large"></i></span></div></div>`;
  }
  function render() {
    let h = '<div class="desktop"><div class="deskicon"><i class="fa-regular fa-trash-can"></i><span>Recycle Bin</span></div></div>';
    if (state.windowState !== 'minimized' && state.windowState !== 'closed') {
      const list = items();
      h += `<div class="win${state.windowState === 'maximized' ? ' max' : ''}">` + titleBar() + addressRow() + commandBar() + '<div class="main">' + navPane();
      h += '<div class="content">' + (state.view === 'details' ? detailsView(list) : largeView(list));
      if (state.detailsPane) {
        const it = list.find((x) => state.selection.includes(x.name));
        h += `<div class="dpane">${it ? `${icon(it, 96)}<h3>${esc(it.name)}</h3><div>${esc(typeOf(it))}</div><div>${fmtSize(it.size)}</div><div>Modified ${esc(it.modified)}</div>` : '<div class="muted">Select a single file to get more information and share your cloud content.</div>'}</div>`;
      }
      h += '</div></div>' + statusBar(list) + '</div>';
    }
    if (state.opened) h += `<div class="appwin"><div class="aw-t"><span>${esc(state.opened.split('\\').pop())} - ${esc(appFor(state.opened))}</span><span class="aw-x" data-omni="opened_app_close_button"><i class="fa-solid fa-xmark"></i></span></div><div class="aw-b">${icon({ kind: 'file', name: state.opened }, 120)}</div></div>`;
    if (state.contextMenu) h += contextMenu();
    if (state.menu) h += menuPopup();
    if (state.startMenu) h += '<div class="startmenu"><div class="sm-search"><i class="fa-solid fa-magnifying-glass"></i> Search for apps, settings, and documents</div><b>Pinned</b><div class="sm-grid">' + ['Edge', 'Word', 'Excel', 'Outlook', 'Store', 'Photos', 'Settings', 'Calculator', 'Notepad', 'Paint', 'Clock', 'Teams'].map((a) => `<div><i class="fa-solid fa-square"></i>${a}</div>`).join('') + '</div></div>';
    h += taskbar();
    return h;
  }
  const appFor = (p) => ({ pdf: 'Microsoft Edge', docx: 'Word', xlsx: 'Excel', pptx: 'PowerPoint', txt: 'Notepad', jpg: 'Photos', png: 'Photos', mp4: 'Media Player', mp3: 'Media Player', csv: 'Excel', json: 'Notepad' }[ext(p)] || 'Windows');

  // ---- behaviour ----
  function navigate(p, noHistory) {
    state.path = p; state.selection = []; state.searchSubmitted = ''; state.search = ''; state.listScroll = 0; state.listScrollX = 0; state.renaming = null; state.addressEditing = false;
    if (!state.fs[p] && !ROOTS.includes(p)) state.fs[p] = [];
    if (!noHistory) { state.history = state.history.slice(0, state.histIndex + 1); state.history.push(p); state.histIndex = state.history.length - 1; }
  }
  const findItem = (name) => (state.fs[state.path] || []).find((x) => x.name === name);
  function openItem(name) {
    const it = findItem(name) || items().find((x) => x.name === name); if (!it) return;
    if (it.kind === 'folder') navigate(state.path + '\\' + it.name); else state.opened = state.path + '\\' + it.name;
  }
  function removeNames(names) { state.fs[state.path] = (state.fs[state.path] || []).filter((x) => !names.includes(x.name)); }
  function del(names) {
    if (!names.length) return;
    for (const n of names) { const it = findItem(n); if (it) state.recycleBin.push({ ...it, from: state.path }); }
    removeNames(names); state.selection = [];
  }
  function moveInto(names, dest) {
    if (!names.length || dest === state.path) return;
    if (names.some((n) => dest === state.path + '\\' + n)) return; // a folder cannot go into itself
    if (dest === 'Recycle Bin') { del(names); return; }
    if (!state.fs[dest]) state.fs[dest] = [];
    for (const n of names) { const it = findItem(n); if (it) state.fs[dest].push(it); }
    removeNames(names); state.selection = [];
  }
  function paste() {
    const c = state.clipboard; if (!c) return;
    const src = state.fs[c.from] || []; const dst = state.fs[state.path] || (state.fs[state.path] = []);
    const pasted = [];
    for (const n of c.names) {
      const it = src.find((x) => x.name === n); if (!it) continue;
      if (c.op === 'cut') { if (c.from === state.path) continue; state.fs[c.from] = state.fs[c.from].filter((x) => x.name !== n); dst.push(it); pasted.push(n); }
      else {
        let name = n; if (dst.some((x) => x.name === name)) { const i = n.lastIndexOf('.'); name = i > 0 && it.kind === 'file' ? n.slice(0, i) + ' - Copy' + n.slice(i) : n + ' - Copy'; }
        dst.push({ ...it, name, modified: '11/30/2026 9:41 AM' }); pasted.push(name);
      }
    }
    if (c.op === 'cut') state.clipboard = null;
    state.selection = pasted;
  }
  function newFolder() {
    const dst = state.fs[state.path] || (state.fs[state.path] = []);
    let name = 'New folder', k = 2; while (dst.some((x) => x.name === name)) name = `New folder (${k++})`;
    dst.push({ name, kind: 'folder', size: null, modified: '11/30/2026 9:41 AM' });
    state.fs[state.path + '\\' + name] = [];
    state.selection = [name]; state.renaming = name;
  }
  function startRename() { if (state.selection.length === 1) state.renaming = state.selection[0]; }
  function commitRename(value) {
    const old = state.renaming; state.renaming = null; if (!old) return;
    const v = (value || '').trim(); if (!v || v === old) return;
    const list = state.fs[state.path] || []; if (list.some((x) => x.name === v)) return;
    const it = list.find((x) => x.name === old); if (!it) return;
    it.name = v; state.selection = [v];
    if (it.kind === 'folder') { state.fs[state.path + '\\' + v] = state.fs[state.path + '\\' + old] || []; delete state.fs[state.path + '\\' + old]; }
  }
  function nameFromLabel(lab) { const it = items().find((x) => label(x) === lab); return it ? it.name : null; }

  function click(lab, el, e) {
    const menuWas = state.menu; state.menu = null;
    const ctx = state.contextMenu; state.contextMenu = null;
    state.startMenu = lab === 'start_button' ? !state.startMenu : false;
    if (state.renaming && lab !== 'rename_field') { const f = document.querySelector('.ren'); commitRename(f ? f.value : ''); }
    if (state.addressEditing && lab !== 'address_bar') state.addressEditing = false;
    if (!lab) { if (e && e.target.closest('.list')) state.selection = []; return; }
    let m;
    if (lab.startsWith('context_') && ctx) {
      const k = lab.replace(/^context_/, '').replace(/_(item|button)$/, ''); const n = ctx.target;
      const acts = { cut: () => { state.clipboard = { op: 'cut', from: state.path, names: [n] }; }, copy: () => { state.clipboard = { op: 'copy', from: state.path, names: [n] }; },
        rename: () => { state.selection = [n]; state.renaming = n; }, delete: () => del([n]), share: () => { state.shareDialog = n; }, open: () => openItem(n),
        open_in_new_tab: () => { state.tabs.push(n); }, pin_to_quick_access: () => { state.pinned = n; }, compress_to_zip_file: () => { const it = findItem(n); if (it) state.fs[state.path].push({ name: n.replace(/\.[^.]+$/, '') + '.zip', kind: 'file', size: Math.round((it.size || 100) * 0.8), modified: '11/30/2026 9:41 AM' }); },
        copy_as_path: () => { state.copiedPath = fullPath(state.path) + '\\' + n; }, properties: () => { state.properties = n; }, open_with: () => { state.openWith = n; } };
      if (acts[k]) acts[k](); return;
    }
    if ((m = lab.match(/^(new|sort|view|filter|see_more)_menu_(\w+)_item$/))) {
      const [, menu, it] = m;
      if (menu === 'new' && it === 'folder') newFolder();
      if (menu === 'new' && it === 'text_document') { state.fs[state.path].push({ name: 'New Text Document.txt', kind: 'file', size: 0, modified: '11/30/2026 9:41 AM' }); state.selection = ['New Text Document.txt']; state.renaming = 'New Text Document.txt'; }
      if (menu === 'sort') { const key = { name: 'name', date_modified: 'modified', type: 'type', size: 'size' }[it]; if (key) state.sort = { key, dir: state.sort.dir }; if (it === 'ascending' || it === 'descending') state.sort = { key: state.sort.key, dir: it === 'ascending' ? 'asc' : 'desc' }; }
      if (menu === 'view') state.view = it === 'details' || it === 'list' ? 'details' : 'large';
      if (menu === 'see_more' && it === 'select_all') state.selection = items().map((x) => x.name);
      if (menu === 'see_more' && it === 'select_none') state.selection = [];
      if (menu === 'see_more' && it === 'invert_selection') state.selection = items().map((x) => x.name).filter((n) => !state.selection.includes(n));
      return;
    }
    if (/_(row|item)$/.test(lab) && nameFromLabel(lab)) { state.selection = [nameFromLabel(lab)]; return; }
    if ((m = lab.match(/^nav_(\w+)$/))) {
      const map = { home: 'Home', gallery: 'Gallery', onedrive_personal: 'OneDrive', desktop: 'Desktop', downloads: 'Downloads', documents: 'Documents', pictures: 'Pictures', music: 'Music', videos: 'Videos',
        this_pc: 'This PC', local_disk_c: 'Local Disk (C:)', data_d: 'Data (D:)', network: 'Network', recycle_bin: 'Recycle Bin' };
      if (map[m[1]]) navigate(map[m[1]]); return;
    }
    if ((m = lab.match(/^(\w+)_column_header$/))) {
      const key = { name: 'name', date_modified: 'modified', type: 'type', size: 'size' }[m[1]];
      if (key) state.sort = state.sort.key === key ? { key, dir: state.sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' || key === 'type' ? 'asc' : 'desc' };
      return;
    }
    if ((m = lab.match(/^taskbar_(\w+)$/))) { state.taskbarClicked = m[1]; return; }
    const popup = (name) => { if (menuWas && menuWas.name === name) return; const r = el.getBoundingClientRect(); state.menu = { name, x: r.left, y: r.bottom + 4 }; };
    const sel = state.selection;
    switch (lab) {
      case 'new_button': popup('new'); break;
      case 'sort_button': popup('sort'); break;
      case 'view_button': popup('view'); break;
      case 'filter_button': popup('filter'); break;
      case 'see_more_button': popup('see_more'); break;
      case 'cut_button': if (sel.length) state.clipboard = { op: 'cut', from: state.path, names: sel.slice() }; break;
      case 'copy_button': if (sel.length) state.clipboard = { op: 'copy', from: state.path, names: sel.slice() }; break;
      case 'paste_button': paste(); break;
      case 'rename_button': startRename(); break;
      case 'share_button': if (sel.length) state.shareDialog = sel[0]; break;
      case 'delete_button': del(sel.slice()); break;
      case 'details_pane_button': state.detailsPane = !state.detailsPane; break;
      case 'details_view_toggle': state.view = 'details'; break;
      case 'large_icons_view_toggle': state.view = 'large'; break;
      case 'back_button': if (state.histIndex > 0) { state.histIndex--; navigate(state.history[state.histIndex], true); } break;
      case 'forward_button': if (state.histIndex < state.history.length - 1) { state.histIndex++; navigate(state.history[state.histIndex], true); } break;
      case 'up_button': { const parts = state.path.split('\\'); navigate(parts.length > 1 ? parts.slice(0, -1).join('\\') : 'This PC'); break; }
      case 'refresh_button': state.refreshed = (state.refreshed || 0) + 1; break;
      case 'address_bar': state.addressEditing = true; state.focus = null; break;
      case 'new_tab_button': state.tabs.push('Home'); break;
      case 'close_tab_button': state.windowState = 'closed'; break;
      case 'minimize_button': state.windowState = 'minimized'; break;
      case 'maximize_button': state.windowState = state.windowState === 'maximized' ? 'restored' : 'maximized'; break;
      case 'close_button': state.windowState = 'closed'; break;
      case 'opened_app_close_button': state.opened = null; break;
      case 'show_hidden_icons_button': state.trayFlyout = 'hidden_icons'; break;
      case 'quick_settings_button': state.trayFlyout = 'quick_settings'; break;
      case 'taskbar_clock': state.trayFlyout = 'calendar'; break;
      case 'notifications_button': state.trayFlyout = 'notifications'; break;
    }
  }
  function dbl(lab) {
    if (/_(row|item)$/.test(lab) && nameFromLabel(lab)) { const n = nameFromLabel(lab); state.selection = [n]; openItem(n); return; }
    click(lab, document.querySelector(`[data-omni="${lab}"]`));
  }
  function context(lab, el, e) {
    state.menu = null; state.contextMenu = null;
    if (lab && /_(row|item)$/.test(lab) && nameFromLabel(lab)) {
      const n = nameFromLabel(lab); if (!n) return;
      if (!state.selection.includes(n)) state.selection = [n];
      state.contextMenu = { target: n, x: Math.min(e.clientX, 1600), y: Math.min(e.clientY, 640) };
    } else if (e.target.closest('.list')) state.contextMenu = null;
  }
  function key(e) {
    const t = e.target; const inField = t && t.tagName === 'INPUT';
    const k = e.key; const lab = inField ? (t.getAttribute('data-omni') || t.getAttribute('data-omni-hidden')) : null;
    if (inField) {
      if (lab === 'rename_field') { if (k === 'Enter') { commitRename(t.value); return true; } if (k === 'Escape') { state.renaming = null; return true; } return false; }
      if (lab === 'search_box' && k === 'Enter') { state.search = t.value; state.searchSubmitted = t.value.trim(); state.selection = []; state.listScroll = 0; return true; }
      if (lab === 'address_bar') {
        if (k === 'Enter') {
          let v = t.value.trim().replace(/\\+$/, ''); const low = v.toLowerCase();
          const known = Object.keys(state.fs).concat(ROOTS).find((p) => low === fullPath(p).toLowerCase() || low === p.toLowerCase());
          state.addressEditing = false;
          if (known) navigate(known); else state.addressError = v;
          return true;
        }
        if (k === 'Escape') { state.addressEditing = false; return true; }
      }
      if (!(e.ctrlKey || e.altKey)) return false;
    }
    const sel = state.selection;
    if (e.ctrlKey && e.shiftKey && (k === 'N' || k === 'n')) { newFolder(); return true; }
    if (e.ctrlKey && !inField) {
      const kk = k.toLowerCase();
      if (kk === 'a') { state.selection = items().map((x) => x.name); return true; }
      if (kk === 'c') { if (sel.length) state.clipboard = { op: 'copy', from: state.path, names: sel.slice() }; return true; }
      if (kk === 'x') { if (sel.length) state.clipboard = { op: 'cut', from: state.path, names: sel.slice() }; return true; }
      if (kk === 'v') { paste(); return true; }
      if (kk === 't') { state.tabs.push('Home'); return true; }
      if (kk === 'w') { state.windowState = 'closed'; return true; }
      if (kk === 'e' || kk === 'f') { state.focus = 'search_box'; return true; }
      if (kk === 'l') { state.addressEditing = true; return true; }
      return false;
    }
    if (e.altKey) {
      if (k === 'ArrowUp') { click('up_button'); return true; }
      if (k === 'ArrowLeft') { click('back_button'); return true; }
      if (k === 'ArrowRight') { click('forward_button'); return true; }
      if (k === 'Enter' && sel.length) { state.properties = sel[0]; return true; }
      return false;
    }
    if (inField) return false;
    if (k === 'F2') { startRename(); return true; }
    if (k === 'Delete') { del(sel.slice()); return true; }
    if (k === 'Enter' && sel.length === 1) { openItem(sel[0]); return true; }
    if (k === 'Backspace') { click('back_button'); return true; }
    if (k === 'F5') { state.refreshed = (state.refreshed || 0) + 1; return true; }
    if (k === 'Escape') { state.contextMenu = null; state.menu = null; return true; }
    if (k === 'ArrowDown' || k === 'ArrowUp') {
      const names = items().map((x) => x.name); const i = sel.length ? names.indexOf(sel[sel.length - 1]) : -1;
      const j = k === 'ArrowDown' ? Math.min(names.length - 1, i + 1) : Math.max(0, i - 1); if (names[j]) state.selection = [names[j]]; return true;
    }
    return false;
  }
  function input(lab, value) { if (lab === 'search_box') state.search = value; }
  function drop(src, dst) { moveInto([src], dst); }
  function after(root) {
    // Explorer selects the base name (not the extension) when renaming, and the whole path in the address bar.
    const r = root.querySelector('.ren');
    if (r) { r.focus(); const v = r.value; const it = findItem(state.renaming); const i = it && it.kind === 'file' ? v.lastIndexOf('.') : -1; r.setSelectionRange(0, i > 0 ? i : v.length); }
    if (state.addressEditing) { const a = root.querySelector('.addr input'); if (a && document.activeElement !== a) { a.focus(); a.select(); } }
  }
  Kit.init({ state, render, click, dbl, context, key, input, drop, after, dragText: (n) => '↳ Move ' + n });
})();
