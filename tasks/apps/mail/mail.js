/* mail.js: a macOS Mail-style client. Screens: inbox, family, compose (see app.json).
   window.omni.state: mailbox, selected (message id), messages [{id, mailbox, read, flagged, from, subject}],
   compose (null or {mode, ref, to, cc, subject, body}), sent [...], openMenu, contextMenu, tooltip, hover,
   openedWindow, quickLook, listScroll, readingScroll, attachScroll, search, searchSubmitted, filterUnread,
   sidebarHidden, windowState, dockClicked, gotMail, saved, attachDialog, formatBar. */
(function () {
  const esc = Kit.esc;
  const ME = 'Alex Morgan';
  const P = (t) => t; // paragraphs are plain strings

  const M = [
    [1, 'inbox', 'Anna Berg', 'anna.berg@northwind.com', 'Q4 budget review — updated numbers', '9:12 AM', true, false, ['Q4_Budget_v3.xlsx'],
      ['Hi Alex,', 'I went through the Q4 numbers with finance this morning and updated the forecast. Marketing is now 6% under plan because the trade-show spend moved to January, and the cloud bill came in higher than we expected after the October traffic spike.',
        'Summary of the changes in v3:', '• Revenue forecast: $4.82M (was $4.75M)\n• Cloud infrastructure: $412K (was $368K)\n• Marketing: $655K (was $697K)\n• Headcount: unchanged, 2 open roles carried into Q1',
        'Could you review the attached sheet before our meeting on Wednesday at 2 PM? I mainly need a sanity check on the infrastructure line and on whether we should pull the two hires forward.',
        'Also, Jonas asked whether we can share a short version with the board. I drafted a one-page summary on the second tab; feel free to edit it directly.',
        'Thanks!\nAnna', '— \nAnna Berg\nHead of Finance Operations, Northwind Labs\n+1 (415) 555-0142',
        'On Nov 24, 2026, at 4:18 PM, Alex Morgan wrote:\n> Hi Anna, when do you expect the updated Q4 forecast? I would like to go through it before the board prep on Friday. Thanks, Alex',
        '> On Nov 20, 2026, at 9:02 AM, Anna Berg wrote:\n>> Hi team, finance closes the October books on Monday. Please send any outstanding vendor invoices and travel receipts by end of day Friday so that they land in the right quarter.',
        '>> Reminder of the schedule:\n>> • Nov 23: October close\n>> • Nov 27: first Q4 forecast draft\n>> • Dec 2: budget review with department heads\n>> • Dec 4: board pre-read goes out',
        '>> If you expect a large purchase in December (hardware, annual licences, events), let me know now so we can plan the cash flow. Thanks, Anna']],
    [2, 'inbox', 'GitHub', 'notifications@github.com', '[northwind/atlas] Pull request #214 merged', '8:47 AM', false, false, [],
      ['Merged #214 into main.', 'feat(search): add incremental index rebuild — 14 commits, 23 files changed.', 'View it on GitHub or unsubscribe from this thread.']],
    [3, 'inbox', 'Marcus Lee', 'marcus.lee@gmail.com', 'Lunch on Thursday?', '8:05 AM', false, false, [],
      ['Hey Alex!', 'Are you free for lunch on Thursday? There is a new ramen place on Valencia Street that everyone keeps talking about. 12:30 works best for me.', 'Cheers,\nMarcus']],
    [4, 'inbox', 'Delta Air Lines', 'deltaairlines@t.delta.com', 'Your trip to Lisbon is confirmed', 'Yesterday', true, true, [],
      ['Confirmation #HX7QLM', 'SFO → LIS, Sat Dec 12, 2026, departs 3:40 PM, seat 24C.', 'Manage your trip, add bags or change seats in the Fly Delta app.']],
    [5, 'inbox', 'Priya Natarajan', 'priya@northwind.com', 'Design review notes', 'Yesterday', false, false, ['Review_notes.pdf'],
      ['Hi all, attached are the notes from today\'s design review. Main open question: do we keep the left navigation on tablets?', 'Priya']],
    [6, 'inbox', 'Apple', 'no_reply@email.apple.com', 'Your receipt from Apple', 'Yesterday', true, false, [],
      ['iCloud+ with 200 GB storage — $2.99 per month.', 'Billed to Visa •••• 4821. Order ID: MQ8H2KX4P1.']],
    [7, 'inbox', 'Tom Fischer', 'tom.fischer@northwind.com', 'Re: Offsite agenda', 'Saturday', true, false, [],
      ['Looks great. I would move the roadmap session to the morning when people are fresh.', 'Tom']],
    [8, 'inbox', 'LinkedIn', 'messages-noreply@linkedin.com', 'You appeared in 14 searches this week', 'Saturday', true, false, [],
      ['See who is looking at your profile and what they searched for.']],
    [9, 'inbox', 'Sofia Romero', 'sofia.romero@icloud.com', 'Dinner at our place on Sunday', 'Friday', false, false, [],
      ['We are making paella! Come around 6. Bring the kids.', 'Sofia']],
    [10, 'inbox', 'Dr. Helen Park Clinic', 'appointments@parkclinic.com', 'Appointment reminder: Dec 3', 'Friday', true, false, [],
      ['This is a reminder of your appointment on Thursday, December 3 at 10:15 AM.', 'Reply C to confirm or call (415) 555-0199 to reschedule.']],
    [11, 'inbox', 'Amazon', 'shipment-tracking@amazon.com', 'Your package was delivered', 'Thursday', true, false, [],
      ['Your package with USB-C Hub, 7-in-1 was delivered to the front door.']],
    [12, 'inbox', 'Kevin Wu', 'kevin.wu@harborlegal.com', 'Contract draft v3', 'Wednesday', true, true, ['Northwind_MSA_v3.docx'],
      ['Alex, the third draft of the MSA is attached with the indemnity changes tracked.', 'Kevin']],
    [13, 'inbox', 'The New York Times', 'nytdirect@nytimes.com', 'The Morning: A warmer winter ahead', 'Wednesday', true, false, [],
      ['Good morning. Forecasters expect a warmer-than-usual winter across much of the country.']],
    [14, 'inbox', 'Bank of America', 'onlinebanking@ealerts.bankofamerica.com', 'Your statement is ready', '11/23/26', true, false, [],
      ['Your November statement for account ending in 0934 is now available.']],
    [20, 'family', 'Sofia Romero', 'sofia.romero@icloud.com', 'Photos from the weekend', '10:02 AM', false, false,
      ['IMG_4821.HEIC', 'IMG_4822.HEIC', 'IMG_4825.HEIC', 'IMG_4830.HEIC', 'IMG_4833.HEIC', 'IMG_4838.HEIC', 'IMG_4840.HEIC', 'IMG_4851.HEIC'],
      ['Hi Alex,', 'Here are the photos from the hike at Point Reyes! The one of the kids at the lighthouse is my favorite. The fog cleared just in time for the picnic.', 'Can you send me the ones you took with the big camera? I only have phone pictures.', 'Love,\nSofia']],
    [21, 'family', 'Mom', 'linda.morgan@comcast.net', 'Thanksgiving leftovers recipe', 'Yesterday', true, false, [],
      ['Here is the turkey pot pie recipe I promised. Use the leftover gravy!', 'Love, Mom']],
    [22, 'family', 'Dad', 'richard.morgan@comcast.net', 'Flight details for Christmas', 'Friday', true, true, [],
      ['We land at SFO on Dec 22 at 4:05 PM, United 1432.']],
    [23, 'family', 'Lucas Romero', 'lucas.r@icloud.com', 'Birthday party Saturday!', 'Wednesday', false, false, [],
      ['Uncle Alex, my party is at 2 at the trampoline park. Can you come?']],
    [24, 'family', 'Grandma June', 'june.h@aol.com', 'Thank you card', '11/20/26', true, false, [], ['Thank you for the lovely flowers, dear.']],
    [30, 'work', 'Jonas Weber', 'jonas@northwind.com', 'Board deck outline', 'Yesterday', true, false, [], ['Outline for the December board meeting attached.']],
    [31, 'work', 'HR Team', 'hr@northwind.com', 'Open enrollment closes Dec 4', 'Friday', true, false, [], ['Please confirm your benefits choices.']],
    [40, 'travel', 'Airbnb', 'automated@airbnb.com', 'Reservation confirmed — Alfama loft', 'Tuesday', true, false, [], ['Dec 12 – Dec 19, 2026 · 2 guests']],
    [41, 'travel', 'TAP Air Portugal', 'flytap@flytap.com', 'Check-in opens soon', '11/22/26', true, false, [], ['Online check-in opens 36 hours before departure.']],
    [50, 'receipts', 'Uber Receipts', 'uber.us@uber.com', 'Your Thursday evening trip', 'Thursday', true, false, [], ['Total $23.41']],
    [51, 'receipts', 'Spotify', 'no-reply@spotify.com', 'Your Spotify Premium receipt', '11/18/26', true, false, [], ['$11.99 charged to Visa •••• 4821']],
    [60, 'sent', 'Anna Berg', 'anna.berg@northwind.com', 'Re: Q4 budget review', 'Nov 24', true, false, [], ['Hi Anna, when do you expect the updated Q4 forecast?']],
    [61, 'sent', 'Marcus Lee', 'marcus.lee@gmail.com', 'Climbing gym pass', 'Nov 21', true, false, [], ['I have a guest pass if you want to join Saturday.']],
    [70, 'drafts', 'Tom Fischer', 'tom.fischer@northwind.com', 'Offsite budget', 'Nov 27', true, false, [], ['Tom, for the offsite we have']],
    [90, 'junk', 'Prize Center', 'winner@prize-center.biz', 'Congratulations! You won a $1,000 gift card', '10:44 AM', false, false, [], ['Click here to claim your reward today only.']],
    [91, 'junk', 'Crypto Alerts', 'alerts@coin-boost.io', '5x returns guaranteed', 'Yesterday', false, false, [], ['Limited time offer.']],
    [95, 'trash', 'Groupon', 'deals@groupon.com', '70% off spa days near you', '11/19/26', true, false, [], ['Relax this holiday season.']],
  ];
  const ARCHIVE_SUBJECTS = ['Team photo day', 'Parking permit renewal', 'Quarterly all-hands recording', 'Your flight receipt', 'Welcome to the book club',
    'Password changed', 'Library holds ready', 'Dentist follow-up', 'Conference talk accepted', 'Recipe swap', 'Gym membership update', 'Invoice #4471 paid'];
  ARCHIVE_SUBJECTS.forEach((s, i) => M.push([100 + i, 'archive', ['Northwind IT', 'City of SF', 'Jonas Weber', 'United Airlines', 'Book Club', 'Apple ID', 'SF Public Library', 'Bright Smiles Dental', 'PyData Global', 'Sofia Romero', 'FitLab', 'Acme Billing'][i],
    'noreply@example.com', s, `11/${17 - i}/26`, true, false, [], [s + '.']]));

  const MAILBOXES = [
    ['Favorites', [['inbox', 'Inbox', 'fa-solid fa-inbox'], ['flagged', 'Flagged', 'fa-solid fa-flag'], ['sent', 'Sent', 'fa-solid fa-paper-plane'], ['drafts', 'Drafts', 'fa-regular fa-file-lines']]],
    ['iCloud', [['archive', 'Archive', 'fa-solid fa-box-archive'], ['junk', 'Junk', 'fa-solid fa-ban'], ['trash', 'Trash', 'fa-regular fa-trash-can'],
      ['work', 'Work', 'fa-regular fa-folder'], ['family', 'Family', 'fa-regular fa-folder'], ['travel', 'Travel', 'fa-regular fa-folder'], ['receipts', 'Receipts', 'fa-regular fa-folder']]],
  ];
  const MB_NAME = {}; MAILBOXES.forEach(([, l]) => l.forEach(([id, n]) => MB_NAME[id] = n));

  const screen = Kit.params.get('screen') || 'inbox';
  const data = {};
  const state = {
    screen, mailbox: 'inbox', selected: 1, messages: [], compose: null, sent: [], openMenu: null, contextMenu: null,
    tooltip: null, hover: null, openedWindow: null, quickLook: null, listScroll: 0, readingScroll: 0, attachScroll: 0,
    search: '', searchSubmitted: '', filterUnread: false, sidebarHidden: false, windowState: 'normal', dockClicked: null,
    gotMail: false, saved: null, attachDialog: false, formatBar: false, focus: null, dragging: null,
  };
  for (const m of M) {
    const [id, mailbox, from, email, subject, date, read, flagged, att, body] = m;
    data[id] = { email, date, att, body };
    state.messages.push({ id, mailbox, from, subject, read, flagged });
  }
  const msg = (id) => state.messages.find((m) => m.id === id);
  if (screen === 'family') { state.mailbox = 'family'; state.selected = 20; }
  if (screen === 'compose') { state.compose = { mode: 'new', ref: null, to: '', cc: '', subject: '', body: '' }; state.focus = 'compose_to_field'; }
  if (state.selected) msg(state.selected).read = true;

  function visibleMessages() {
    let list;
    if (state.searchSubmitted) {
      const q = state.searchSubmitted.toLowerCase();
      list = state.messages.filter((m) => m.mailbox !== 'trash' && (m.from + ' ' + m.subject + ' ' + data[m.id].body.join(' ') + ' ' + data[m.id].att.join(' ')).toLowerCase().includes(q));
    } else if (state.mailbox === 'flagged') list = state.messages.filter((m) => m.flagged && m.mailbox !== 'trash');
    else list = state.messages.filter((m) => m.mailbox === state.mailbox);
    if (state.filterUnread) list = list.filter((m) => !m.read);
    return list;
  }
  const unreadIn = (mb) => state.messages.filter((m) => m.mailbox === mb && !m.read).length;

  const MENUS = [
    ['File', [['New Message', '⌘N'], ['New Viewer Window', '⌥⌘N'], ['Open Message', '⌘O'], '-', ['Close', '⌘W'], ['Save As…', '⇧⌘S'], ['Save Attachments…', ''], '-', ['Print…', '⌘P']]],
    ['Edit', [['Undo', '⌘Z'], ['Redo', '⇧⌘Z'], '-', ['Cut', '⌘X'], ['Copy', '⌘C'], ['Paste', '⌘V'], ['Select All', '⌘A'], '-', ['Find', '']]],
    ['View', [['Sort By', ''], ['Filter', ''], '-', ['Show Sidebar', '⌃⌘S'], ['Show Favorites Bar', '⌥⌘⇧H'], '-', ['Enter Full Screen', '⌃⌘F']]],
    ['Mailbox', [['Get All New Mail', '⇧⌘N'], ['Online Status', ''], '-', ['Erase Deleted Items', ''], ['Erase Junk Mail', '⌥⌘J'], '-', ['New Mailbox…', ''], ['Rename Mailbox…', '']]],
    ['Message', [['Send Again', '⇧⌘D'], ['Reply', '⌘R'], ['Reply All', '⇧⌘R'], ['Forward', '⇧⌘F'], '-', ['Archive', '⌃⌘A'], ['Mark as Unread', '⇧⌘U'], ['Flag', '⇧⌘L'], ['Move to Junk', '⇧⌘J']]],
    ['Format', [['Show Fonts', '⌘T'], ['Show Colors', '⇧⌘C'], '-', ['Style', ''], ['Alignment', ''], ['Make Plain Text', '⇧⌘T']]],
    ['Window', [['Minimize', '⌘M'], ['Zoom', ''], '-', ['Message Viewer', '⌥⌘1'], ['Activity', '']]],
    ['Help', [['Search', ''], ['Mail Help', '']]],
  ];
  const MENU_LEFT = { apple: 8, Mail: 38, File: 82, Edit: 120, View: 158, Mailbox: 203, Message: 266, Format: 333, Window: 392, Help: 454 };

  const initials = (n) => n.split(/\s+/).filter((w) => /[A-Za-z]/.test(w[0])).slice(0, 2).map((w) => w[0]).join('').toUpperCase();
  const AVATAR = ['#5e8bde', '#d9745b', '#62a86b', '#a66bc7', '#d1a23a', '#4aa3a8', '#c95f8a'];
  const avatarColor = (n) => AVATAR[[...n].reduce((a, c) => a + c.charCodeAt(0), 0) % AVATAR.length];
  const PHOTO_BG = ['linear-gradient(135deg,#7fb3d5,#2e6f95)', 'linear-gradient(135deg,#f6d365,#fda085)', 'linear-gradient(135deg,#84fab0,#3c9d6b)', 'linear-gradient(135deg,#a1c4fd,#c2e9fb)',
    'linear-gradient(135deg,#d4a373,#7f5539)', 'linear-gradient(135deg,#89f7fe,#66a6ff)', 'linear-gradient(135deg,#fbc2eb,#a6c1ee)', 'linear-gradient(135deg,#c1dfc4,#5a8f69)'];
  const PHOTO_ICON = ['fa-tower-observation', 'fa-sun', 'fa-tree', 'fa-water', 'fa-mountain', 'fa-person-hiking', 'fa-children', 'fa-utensils'];
  const slug = Mac.slug;

  function sidebar() {
    let h = '<div class="sidebar"><div class="sb-top">' + Mac.lights('window_') +
      '<div class="sb-btn" data-omni="toggle_sidebar_button" data-tip="Hide Sidebar"><i class="fa-solid fa-table-columns"></i></div></div><div class="sb-scroll">';
    for (const [sec, list] of MAILBOXES) {
      h += `<div class="sb-sec" data-omni-static="sidebar_section_${slug(sec)}">${sec}</div>`;
      for (const [id, name, icon] of list) {
        const n = id === 'flagged' ? state.messages.filter((m) => m.flagged && m.mailbox !== 'trash').length : unreadIn(id);
        const sel = !state.searchSubmitted && state.mailbox === id;
        const ctx = state.contextMenu && state.contextMenu.mailbox === id;
        h += `<div class="mb${sel ? ' sel' : ''}${ctx ? ' ctx' : ''}" data-omni="mailbox_${id}" data-drop="${id}"><i class="${icon}${id === 'flagged' ? ' flagc' : ''}"></i><span>${name}</span>${n && id !== 'sent' && id !== 'trash' ? `<span class="cnt">${n}</span>` : ''}</div>`;
      }
    }
    h += '<div class="sb-sec" data-omni-static="sidebar_section_smart">Smart Mailboxes</div>';
    h += '<div class="mb" data-omni="mailbox_today"><i class="fa-solid fa-gear"></i><span>Today</span></div>';
    return h + '</div></div>';
  }

  function listPane() {
    const list = visibleMessages();
    const title = state.searchSubmitted ? 'Search results' : MB_NAME[state.mailbox];
    const unread = list.filter((m) => !m.read).length;
    let h = '<div class="listpane"><div class="lp-head">';
    h += `<div class="lp-title"><div class="t">${esc(title)}</div><div class="s">${list.length} message${list.length === 1 ? '' : 's'}${unread ? `, ${unread} unread` : ''}</div></div>`;
    h += `<div class="tb${state.filterUnread ? ' on' : ''}" data-omni="filter_button" data-tip="Filter by: Unread"><i class="fa-solid fa-filter"></i></div>`;
    h += '<div class="tb" data-omni="compose_button" data-tip="New Message"><i class="fa-regular fa-pen-to-square"></i></div></div>';
    h += '<div class="rows" data-scroll="listScroll">';
    if (!list.length) h += '<div class="empty" data-omni-static="no_messages_text">No Messages</div>';
    for (const m of list) {
      const d = data[m.id];
      const sel = m.id === state.selected;
      const ctx = state.contextMenu && state.contextMenu.message === m.id;
      h += `<div class="row${sel ? ' sel' : ''}${ctx ? ' ctx' : ''}" data-omni="email_${m.id}_row" data-drag="${m.id}">`;
      h += `<div class="dot">${m.read ? '' : '<span class="ud"></span>'}</div><div class="rc">`;
      h += `<div class="r1"><span class="from">${esc(m.from)}</span>${d.att.length ? '<i class="fa-solid fa-paperclip clip"></i>' : ''}<span class="date">${esc(d.date)}</span></div>`;
      h += `<div class="r2"><span class="subj">${esc(m.subject)}</span>${m.flagged ? '<i class="fa-solid fa-flag fl"></i>' : ''}</div>`;
      h += `<div class="r3">${esc(d.body.join(' ').replace(/\n/g, ' ').slice(0, 150))}</div></div></div>`;
    }
    return h + '</div></div>';
  }

  function readingPane() {
    let h = '<div class="readpane"><div class="rp-head">';
    const B = (lab, icon, tip, extra) => `<div class="tb${extra || ''}" data-omni="${lab}" data-tip="${tip}"><i class="${icon}"></i></div>`;
    h += B('get_mail_button', 'fa-regular fa-envelope', 'Get Mail');
    h += '<div class="tsep"></div>';
    h += B('archive_button', 'fa-solid fa-box-archive', 'Archive') + B('delete_button', 'fa-regular fa-trash-can', 'Delete') + B('junk_button', 'fa-solid fa-xmark', 'Move to Junk');
    h += '<div class="tsep"></div>';
    h += B('reply_button', 'fa-solid fa-reply', 'Reply') + B('reply_all_button', 'fa-solid fa-reply-all', 'Reply All') + B('forward_button', 'fa-solid fa-share', 'Forward');
    h += '<div class="tsep"></div>';
    const cur = state.selected && msg(state.selected);
    h += B('flag_button', 'fa-solid fa-flag', cur && cur.flagged ? 'Unflag' : 'Flag', cur && cur.flagged ? ' flagon' : '');
    h += B('mark_unread_button', 'fa-solid fa-envelope-open', cur && !cur.read ? 'Mark as Read' : 'Mark as Unread');
    h += `<div class="search"><i class="fa-solid fa-magnifying-glass"></i><input data-omni="search_field" placeholder="Search" value="${esc(state.search)}" spellcheck="false"></div>`;
    h += '</div>';
    if (!cur || !visibleMessages().some((m) => m.id === cur.id)) return h + '<div class="rp-empty" data-omni-static="no_message_selected">No Message Selected</div></div>';
    const d = data[cur.id];
    h += '<div class="rp-body" data-omni="reading_pane" data-scroll="readingScroll">';
    h += `<div class="mh"><div class="av" style="background:${avatarColor(cur.from)}">${initials(cur.from)}</div><div class="mhc">`;
    h += `<div class="mfrom"><span data-omni="sender_name_link" data-tip="${esc(d.email)}">${esc(cur.from)}</span><span class="mdate">${esc(d.date === 'Yesterday' ? 'Yesterday at 4:26 PM' : d.date)}</span></div>`;
    h += `<div class="msubj">${esc(cur.subject)}</div><div class="mto">To: <span>${ME}</span></div></div>`;
    if (cur.flagged) h += '<i class="fa-solid fa-flag mflag"></i>';
    h += '</div>';
    if (d.att.length && d.att[0].endsWith('.HEIC')) {
      h += `<div class="photohead"><span>${d.att.length} photos · 14.2 MB</span><span class="saveall" data-omni="save_all_attachments_button">Save All…</span></div>`;
      h += '<div class="photos" data-hscroll="attachScroll">';
      d.att.forEach((a, i) => {
        h += `<div class="photo" data-omni="photo_${i + 1}_attachment" style="background:${PHOTO_BG[i]}"><i class="fa-solid ${PHOTO_ICON[i]}"></i><span>${a}</span></div>`;
      });
      h += '</div>';
    } else if (d.att.length) {
      h += '<div class="atts">';
      for (const a of d.att) {
        const icon = a.endsWith('.xlsx') ? 'fa-file-excel xl' : a.endsWith('.pdf') ? 'fa-file-pdf pdf' : 'fa-file-word doc';
        h += `<div class="att" data-omni="attachment_${slug(a)}"><i class="fa-solid ${icon}"></i><div><div class="an">${esc(a)}</div><div class="as">${a.endsWith('.xlsx') ? '248 KB' : '1.2 MB'}</div></div></div>`;
      }
      h += '</div>';
    }
    h += '<div class="mbody">';
    for (const p of d.body) h += `<p>${esc(p).replace(/\n/g, '<br>')}</p>`;
    if (cur.id === 2) h += '<p><span class="link" data-omni="view_pull_request_link">View it on GitHub</span></p>';
    h += '</div></div>';
    return h + '</div>';
  }

  function composeWin() {
    const c = state.compose;
    const title = c.subject || (c.mode === 'new' ? 'New Message' : c.subject);
    let h = '<div class="compose"><div class="cw-bar">' + Mac.lights('compose_') + `<div class="cw-title" data-omni-static="compose_title">${esc(title)}</div>`;
    h += '<div class="cw-tools">';
    h += `<div class="tb send" data-omni="send_button" data-tip="Send"><i class="fa-solid fa-paper-plane"></i></div>`;
    h += '<div class="tb" data-omni="attach_button" data-tip="Attach"><i class="fa-solid fa-paperclip"></i></div>';
    h += `<div class="tb${state.formatBar ? ' on' : ''}" data-omni="format_button" data-tip="Format"><span style="font-weight:700">Aa</span></div>`;
    h += '<div class="tb" data-omni="emoji_button" data-tip="Emoji"><i class="fa-regular fa-face-smile"></i></div>';
    h += '<div class="tb" data-omni="photo_browser_button" data-tip="Photo Browser"><i class="fa-regular fa-image"></i></div></div></div>';
    if (state.formatBar) h += '<div class="fmtbar"><span><b>B</b></span><span><i>I</i></span><span><u>U</u></span><span>Helvetica</span><span>12</span><span><i class="fa-solid fa-align-left"></i></span><span><i class="fa-solid fa-list-ul"></i></span></div>';
    h += `<div class="cf"><label>To:</label><input data-omni="compose_to_field" value="${esc(c.to)}" spellcheck="false"></div>`;
    h += `<div class="cf"><label>Cc:</label><input data-omni="compose_cc_field" value="${esc(c.cc)}" spellcheck="false"></div>`;
    h += `<div class="cf"><label>Subject:</label><input data-omni="compose_subject_field" value="${esc(c.subject)}" spellcheck="false"></div>`;
    h += `<div class="cf from"><label>From:</label><span data-omni-static="compose_from">${ME} – alex.morgan@icloud.com</span></div>`;
    h += `<textarea data-omni="compose_body_field" spellcheck="false">${esc(c.body)}</textarea>`;
    return h + '</div>';
  }

  function contextMenu() {
    const c = state.contextMenu;
    let items;
    if (c.message) {
      const m = msg(c.message);
      items = ['Open Message', 'Reply', 'Reply All', 'Forward', '-', 'Archive', 'Move to Junk', 'Delete', '-', m.read ? 'Mark as Unread' : 'Mark as Read', m.flagged ? 'Unflag' : 'Flag'];
    } else items = ['Open in New Window', 'Mark All Messages as Read', '-', 'New Mailbox…', 'Rename Mailbox…', 'Delete Mailbox…', '-', 'Export Mailbox…'];
    let h = `<div class="ctxmenu" style="left:${c.x}px;top:${c.y}px">`;
    for (const it of items) h += it === '-' ? '<div class="sep"></div>' : `<div class="it" data-omni="context_${slug(it)}_item"><span>${esc(it)}</span></div>`;
    return h + '</div>';
  }

  function render() {
    const menus = MENUS;
    let h = Mac.menuBar('Mail', menus, state.openMenu);
    if (state.openMenu) {
      const def = state.openMenu === 'apple' ? [['About This Mac', ''], '-', ['System Settings…', ''], ['App Store…', ''], '-', ['Sleep', ''], ['Restart…', ''], ['Shut Down…', ''], '-', ['Lock Screen', '⌃⌘Q']]
        : state.openMenu === 'Mail' ? [['About Mail', ''], '-', ['Settings…', '⌘,'], ['Accounts…', ''], '-', ['Hide Mail', '⌘H'], ['Quit Mail', '⌘Q']]
          : MENUS.find((m) => m[0] === state.openMenu)[1];
      h += Mac.dropdown(state.openMenu, def, MENU_LEFT[state.openMenu] || 40, 'menu_' + slug(state.openMenu));
    }
    if (state.windowState !== 'closed' && state.windowState !== 'minimized') {
      h += `<div class="window${state.sidebarHidden ? ' nosb' : ''}${state.windowState === 'zoomed' ? ' zoomed' : ''}">`;
      if (!state.sidebarHidden) h += sidebar();
      else h += '<div class="sb-mini">' + Mac.lights('window_') + '<div class="sb-btn" data-omni="toggle_sidebar_button" data-tip="Show Sidebar"><i class="fa-solid fa-table-columns"></i></div></div>';
      h += listPane() + readingPane() + '</div>';
    }
    if (state.compose) h += composeWin();
    if (state.openedWindow) {
      const m = msg(state.openedWindow);
      h += `<div class="msgwin"><div class="cw-bar">${Mac.lights('message_window_')}<div class="cw-title">${esc(m.subject)}</div></div><div class="mw-body"><b>${esc(m.from)}</b><br>${esc(data[m.id].body.join(' '))}</div></div>`;
    }
    if (state.quickLook) h += `<div class="quicklook"><div class="ql-bar"><span data-omni="quicklook_close_button"><i class="fa-solid fa-xmark"></i></span><span>${esc(state.quickLook)}</span></div><div class="ql-body"><i class="fa-regular fa-image"></i></div></div>`;
    if (state.attachDialog) h += '<div class="sheet" data-omni-static="attach_file_sheet"><b>Choose files to attach</b><div>Desktop · Documents · Downloads</div></div>';
    if (state.contextMenu) h += contextMenu();
    h += Mac.dock(['finder', 'mail', 'messages', 'music']);
    return h;
  }

  // ---- behaviour ----
  function openCompose(mode, ref) {
    const m = ref && msg(ref);
    const d = ref && data[ref];
    const c = { mode, ref: ref || null, to: '', cc: '', subject: '', body: '' };
    if (mode === 'reply' || mode === 'replyAll') { c.to = d.email; c.subject = 'Re: ' + m.subject.replace(/^Re: /, ''); if (mode === 'replyAll' && m.mailbox === 'inbox' && d.email.endsWith('northwind.com')) c.cc = 'team@northwind.com'; }
    if (mode === 'forward') c.subject = 'Fwd: ' + m.subject;
    state.compose = c;
    state.focus = mode === 'reply' || mode === 'replyAll' ? 'compose_body_field' : 'compose_to_field';
  }
  function send() {
    const c = state.compose;
    if (!c || !c.to.trim()) return;
    state.sent.push({ to: c.to.trim(), cc: c.cc.trim(), subject: c.subject, body: c.body, mode: c.mode, ref: c.ref });
    state.compose = null; state.focus = null;
  }
  function moveTo(id, mb) {
    const m = msg(id); if (!m) return;
    m.mailbox = mb;
    if (state.selected === id) {
      const list = visibleMessages();
      state.selected = list.length ? list[0].id : null;
    }
  }
  const cmd = {
    archive: (id) => moveTo(id, 'archive'), delete: (id) => moveTo(id, 'trash'), junk: (id) => moveTo(id, 'junk'),
    flag: (id) => { msg(id).flagged = !msg(id).flagged; }, unread: (id) => { msg(id).read = !msg(id).read; },
  };
  function select(id) { state.selected = id; msg(id).read = true; state.readingScroll = 0; state.attachScroll = 0; }

  function click(label) {
    const hadPopup = state.openMenu || state.contextMenu;
    const menuWas = state.openMenu;
    state.openMenu = null;
    const ctx = state.contextMenu; state.contextMenu = null;
    if (!label) return;
    let m;
    if ((m = label.match(/^menu_(.+)$/)) && !label.endsWith('_item')) {
      const name = m[1] === 'mail' ? 'Mail' : MENUS.map((x) => x[0]).find((n) => slug(n) === m[1]);
      if (name && menuWas !== name) state.openMenu = name;
      return;
    }
    if (label === 'apple_menu') { if (menuWas !== 'apple') state.openMenu = 'apple'; return; }
    if (label.startsWith('context_') && ctx) {
      const it = label.slice(8, -5);
      if (ctx.message) {
        const id = ctx.message;
        if (it === 'open_message') state.openedWindow = id;
        else if (it === 'reply') openCompose('reply', id); else if (it === 'reply_all') openCompose('replyAll', id); else if (it === 'forward') openCompose('forward', id);
        else if (it === 'archive') cmd.archive(id); else if (it === 'move_to_junk') cmd.junk(id); else if (it === 'delete') cmd.delete(id);
        else if (it === 'mark_as_unread' || it === 'mark_as_read') cmd.unread(id); else if (it === 'flag' || it === 'unflag') cmd.flag(id);
      } else if (it === 'mark_all_messages_as_read') state.messages.filter((x) => x.mailbox === ctx.mailbox).forEach((x) => { x.read = true; });
      return;
    }
    if (label.startsWith('menu_') && label.endsWith('_item')) {
      const it = label.replace(/^menu_[a-z]+_/, '').slice(0, -5);
      const sel = state.selected;
      const map = { new_message: () => openCompose('new'), reply: () => sel && openCompose('reply', sel), reply_all: () => sel && openCompose('replyAll', sel),
        forward: () => sel && openCompose('forward', sel), archive: () => sel && cmd.archive(sel), flag: () => sel && cmd.flag(sel), mark_as_unread: () => sel && cmd.unread(sel),
        move_to_junk: () => sel && cmd.junk(sel), get_all_new_mail: () => { state.gotMail = true; }, minimize: () => { state.windowState = 'minimized'; },
        show_sidebar: () => { state.sidebarHidden = !state.sidebarHidden; } };
      if (map[it]) map[it]();
      return;
    }
    
    if ((m = label.match(/^email_(\d+)_row$/))) { select(+m[1]); return; }
    if ((m = label.match(/^mailbox_(\w+)$/))) {
      if (m[1] === 'today') { state.mailbox = 'inbox'; state.filterUnread = false; }
      else state.mailbox = m[1];
      state.searchSubmitted = ''; state.search = ''; state.listScroll = 0; state.readingScroll = 0;
      const list = visibleMessages(); state.selected = null;
      if (list.length) select(list[0].id);
      return;
    }
    if ((m = label.match(/^dock_(\w+)$/))) { state.dockClicked = m[1]; if (m[1] === 'mail') state.windowState = 'normal'; return; }
    if ((m = label.match(/^photo_(\d+)_attachment$/))) { state.selectedPhoto = +m[1]; return; }
    if ((m = label.match(/^attachment_(\w+)$/))) { state.selectedAttachment = m[1]; return; }
    const sel = state.selected;
    switch (label) {
      case 'archive_button': if (sel) cmd.archive(sel); break;
      case 'delete_button': if (sel) cmd.delete(sel); break;
      case 'junk_button': if (sel) cmd.junk(sel); break;
      case 'flag_button': if (sel) cmd.flag(sel); break;
      case 'mark_unread_button': if (sel) cmd.unread(sel); break;
      case 'reply_button': if (sel) openCompose('reply', sel); break;
      case 'reply_all_button': if (sel) openCompose('replyAll', sel); break;
      case 'forward_button': if (sel) openCompose('forward', sel); break;
      case 'compose_button': openCompose('new'); break;
      case 'filter_button': state.filterUnread = !state.filterUnread; state.listScroll = 0; break;
      case 'get_mail_button': state.gotMail = true; break;
      case 'toggle_sidebar_button': state.sidebarHidden = !state.sidebarHidden; break;
      case 'window_close_button': state.windowState = 'closed'; break;
      case 'window_minimize_button': state.windowState = 'minimized'; break;
      case 'window_zoom_button': state.windowState = state.windowState === 'zoomed' ? 'normal' : 'zoomed'; break;
      case 'send_button': send(); break;
      case 'attach_button': state.attachDialog = true; break;
      case 'format_button': state.formatBar = !state.formatBar; break;
      case 'emoji_button': state.emojiPicker = true; break;
      case 'photo_browser_button': state.photoBrowser = true; break;
      case 'compose_close_button': if (state.compose) { state.drafts = (state.drafts || 0) + 1; state.compose = null; } break;
      case 'compose_minimize_button': state.composeMinimized = true; break;
      case 'compose_zoom_button': state.composeZoomed = true; break;
      case 'message_window_close_button': state.openedWindow = null; break;
      case 'quicklook_close_button': state.quickLook = null; break;
      case 'save_all_attachments_button': state.saved = 'all'; break;
      case 'view_pull_request_link': state.openedLink = 'https://github.com/northwind/atlas/pull/214'; break;
      case 'sender_name_link': state.senderCard = state.selected; break;
      case 'spotlight_button': state.spotlight = true; break;
      case 'control_center_button': state.controlCenter = true; break;
    }
  }
  function dbl(label) {
    let m;
    if ((m = label.match(/^email_(\d+)_row$/))) { select(+m[1]); state.openedWindow = +m[1]; return; }
    if ((m = label.match(/^photo_(\d+)_attachment$/))) { state.quickLook = data[state.selected].att[+m[1] - 1]; return; }
    if ((m = label.match(/^attachment_(\w+)$/))) { state.quickLook = data[state.selected].att.find((a) => slug(a) === m[1]); return; }
    if ((m = label.match(/^mailbox_(\w+)$/))) { click(label); state.mailboxWindow = m[1]; return; }
    click(label);
  }
  function context(label, el, e) {
    state.openMenu = null; state.contextMenu = null;
    let m;
    if (label && (m = label.match(/^email_(\d+)_row$/))) state.contextMenu = { message: +m[1], x: e.clientX, y: Math.min(e.clientY, 600) };
    else if (label && (m = label.match(/^mailbox_(\w+)$/))) state.contextMenu = { mailbox: m[1], x: e.clientX, y: e.clientY };
  }
  function key(e) {
    const t = e.target;
    const inField = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA');
    const k = e.key.toLowerCase();
    const sel = state.selected;
    if (e.metaKey) {
      if (e.shiftKey) {
        if (k === 'd') { send(); return true; }
        if (k === 'r') { if (sel) openCompose('replyAll', sel); return true; }
        if (k === 'f') { if (sel) openCompose('forward', sel); return true; }
        if (k === 'u') { if (sel) cmd.unread(sel); return true; }
        if (k === 'l') { if (sel) cmd.flag(sel); return true; }
        if (k === 'j') { if (sel) cmd.junk(sel); return true; }
        if (k === 'n') { state.gotMail = true; return true; }
        return false;
      }
      if (e.ctrlKey && k === 'a') { if (sel) cmd.archive(sel); return true; }
      if (e.ctrlKey && k === 's') { state.sidebarHidden = !state.sidebarHidden; return true; }
      if (k === 'n') { openCompose('new'); return true; }
      if (k === 'r') { if (sel) openCompose('reply', sel); return true; }
      if (k === 'm') { state.windowState = 'minimized'; return true; }
      if (k === 'w') { if (state.compose) { state.drafts = (state.drafts || 0) + 1; state.compose = null; } else state.windowState = 'closed'; return true; }
      if (k === 'f' && e.altKey) { state.focus = 'search_field'; return true; }
      if (k >= '1' && k <= '4') { click('mailbox_' + ['inbox', 'flagged', 'sent', 'drafts'][+k - 1]); return true; }
      return false;
    }
    if (inField) {
      if (k === 'enter' && t.getAttribute('data-omni') === 'search_field') {
        state.searchSubmitted = t.value.trim(); state.search = t.value; state.listScroll = 0;
        const list = visibleMessages(); if (list.length) select(list[0].id); else state.selected = null;
        return true;
      }
      if (k === 'escape' && t.getAttribute('data-omni') === 'search_field') { state.search = ''; state.searchSubmitted = ''; return true; }
      return false;
    }
    if (k === 'escape') { state.openMenu = null; state.contextMenu = null; state.quickLook = null; return true; }
    if ((k === 'delete' || k === 'backspace') && sel) { cmd.delete(sel); return true; }
    if (k === 'arrowdown' || k === 'arrowup') {
      const list = visibleMessages(); const i = list.findIndex((m) => m.id === sel);
      const j = k === 'arrowdown' ? Math.min(list.length - 1, i + 1) : Math.max(0, i - 1);
      if (list[j]) select(list[j].id); return true;
    }
    if (k === ' ' && state.selected && data[state.selected].att.length) { state.quickLook = state.quickLook ? null : data[state.selected].att[0]; return true; }
    return false;
  }
  function input(label, value) {
    if (label === 'search_field') state.search = value;
    const m = label && label.match(/^compose_(to|cc|subject|body)_field$/);
    if (m && state.compose) state.compose[m[1]] = value;
  }
  function drop(src, dst) {
    if (['flagged', 'today'].includes(dst)) { if (dst === 'flagged') msg(+src).flagged = true; return; }
    moveTo(+src, dst);
  }
  Kit.init({ state, render, click, dbl, context, key, input, drop, dragText: (id) => { const m = msg(+id); return '✉ ' + m.subject; } });
})();
