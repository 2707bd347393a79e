/* music.js: a macOS Music-style player. Screens: albums (library grid), album (album detail), listen_now.
   window.omni.state: view ('albums' | 'album:<id>' | 'listen_now' | 'songs' | 'playlist:<id>' | 'search' | ...),
   playing, current {album, track, title, artist}, position (s), duration (s), volume (0-100), shuffle,
   repeat ('off' | 'all' | 'one'), selectedTrack ('<album>:<n>'), loved [...], playlists {id: {name, tracks}},
   contextMenu, hover, tooltip, search, searchSubmitted, gridScroll, contentScroll, shelf scrolls, lyricsOpen,
   queueOpen, airplayMenu, showRemaining, openMenu, dockClicked, windowState. */
(function () {
  const esc = Kit.esc;
  const slug = Mac.slug;
  const A = [
    [1, 'Midnight Harbor', 'The Velvet Tides', 2024, 'Alternative', ['#1f3b73', '#0b1a33'], 'fa-anchor'],
    [2, 'Golden Hour Static', 'Nova Reyes', 2025, 'Pop', ['#f7b267', '#f25c54'], 'fa-sun'],
    [3, 'Paper Planets', 'Lumen & Ash', 2023, 'Indie Folk', ['#a8dadc', '#457b9d'], 'fa-paper-plane'],
    [4, 'Northern Lights Motel', 'Cass Holloway', 2022, 'Singer/Songwriter', ['#2a9d8f', '#264653'], 'fa-moon'],
    [5, 'Concrete Gardens', 'Orbit Kids', 2025, 'Hip-Hop/Rap', ['#8d99ae', '#2b2d42'], 'fa-building'],
    [6, 'Blue Season', 'June Alder', 2021, 'Jazz', ['#4361ee', '#3a0ca3'], 'fa-cloud-rain'],
    [7, 'Slow Fire', 'Marlow Keys', 2024, 'R&B/Soul', ['#e76f51', '#9d0208'], 'fa-fire'],
    [8, 'Electric Meadow', 'Sunday Avenue', 2023, 'Electronic', ['#b5e48c', '#168aad'], 'fa-bolt'],
    [9, 'Glass Rivers', 'Ilse Varga', 2020, 'Classical', ['#e0fbfc', '#98c1d9'], 'fa-water'],
    [10, 'Neon Psalms', 'Static Choir', 2025, 'Rock', ['#f72585', '#3f37c9'], 'fa-guitar'],
    [11, 'Salt & Cedar', 'The Hollow Pines', 2022, 'Country', ['#ddb892', '#7f5539'], 'fa-tree'],
    [12, 'Afterglow Radio', 'DJ Kenta', 2024, 'Dance', ['#ffbe0b', '#fb5607'], 'fa-radio'],
    [13, 'Quiet Machines', 'Tessellate', 2023, 'Ambient', ['#adb5bd', '#495057'], 'fa-gears'],
    [14, 'Wildflower Tapes', 'Rosa Lind', 2021, 'Indie Pop', ['#ffc8dd', '#cdb4db'], 'fa-seedling'],
    [15, 'Heatwave Boulevard', 'The Palms', 2025, 'Pop', ['#ff9f1c', '#ff4d6d'], 'fa-umbrella-beach'],
    [16, 'Long Way Home', 'Eli Brennan', 2019, 'Americana', ['#6b705c', '#3f4238'], 'fa-road'],
    [17, 'Static Bloom', 'Nova Reyes', 2022, 'Pop', ['#ffafcc', '#a2d2ff'], 'fa-spa'],
    [18, 'Low Tide Letters', 'The Velvet Tides', 2021, 'Alternative', ['#0f4c5c', '#5f0f40'], 'fa-envelope'],
    [19, 'Copper Sky', 'Mara Quinn', 2024, 'Folk', ['#e9c46a', '#bc6c25'], 'fa-feather'],
    [20, 'Velvet Underpass', 'Night Shift', 2023, 'Electronic', ['#3a0ca3', '#720026'], 'fa-headphones'],
    [21, 'Summer Static', 'Orbit Kids', 2021, 'Hip-Hop/Rap', ['#00b4d8', '#0077b6'], 'fa-microphone'],
    [22, 'Lighthouse Sessions', 'June Alder', 2024, 'Jazz', ['#cdb4db', '#6d597a'], 'fa-lightbulb'],
    [23, 'Parade', 'The Palms', 2020, 'Pop', ['#ff70a6', '#ff9770'], 'fa-star'],
    [24, 'Frost & Ember', 'Ilse Varga', 2023, 'Classical', ['#caf0f8', '#48cae4'], 'fa-snowflake'],
  ];
  const TRACKS = {
    1: [['Lanterns on the Water', 232], ['Harbor Lights', 254], ['Undertow', 221], ['Saltwater Radio', 198], ['Night Ferry', 267],
      ['Paper Boats', 185], ['Glass Tide', 243], ['Northbound', 276], ['The Last Pier', 214], ['Midnight Harbor', 301]],
    2: [['Golden Hour', 201], ['Static Heart', 189], ['Sunset Avenue', 228], ['Polaroid Summer', 212], ['Neon Freeway', 195], ['Slow Motion', 240],
      ['Daydream Radio', 204], ['Fade to Gold', 236]],
  };
  const POOL = ['Open Road', 'Silver Lining', 'Echoes', 'Morning Light', 'Hold On', 'Tidal', 'Little Wars', 'Satellites', 'Wildfire', 'Gravity',
    'Blue Hour', 'Afterglow', 'Runaway', 'Homecoming', 'Starling', 'Low Light', 'Ocean Eyes', 'Parallel', 'Shelter', 'Paper Crowns'];
  for (const [id] of A) if (!TRACKS[id]) TRACKS[id] = Array.from({ length: 9 }, (_, i) => [POOL[(id * 7 + i * 3) % POOL.length], 170 + ((id * 37 + i * 53) % 140)]);
  const album = (id) => A.find((a) => a[0] === id);
  const tinfo = (ref) => { const [a, n] = ref.split(':').map(Number); const al = album(a); const [title, dur] = TRACKS[a][n - 1]; return { album: a, track: n, title, artist: al[2], albumTitle: al[1], dur }; };

  const screen = Kit.params.get('screen') || 'albums';
  const PL = [['chill_mix', 'Chill Mix', ['6:2', '13:1', '9:4', '14:3', '4:2', '3:5']], ['road_trip', 'Road Trip', ['15:1', '2:5', '10:3', '16:2', '12:1', '1:4', '8:6', '11:2']],
    ['workout', 'Workout', ['12:3', '10:1', '5:2', '8:1', '15:4']], ['focus', 'Focus', ['13:2', '9:1', '9:6', '13:5', '6:4', '3:1', '8:8']],
    ['90s_hits', '90s Hits', ['16:1', '11:4', '4:6', '7:2', '18:3', '17:1', '14:7', '5:5', '6:6', '10:8']]];
  const state = {
    screen, view: screen === 'album' ? 'album:1' : screen, playing: false, current: null, position: 72, duration: 228, volume: 60, shuffle: false,
    repeat: 'off', selectedTrack: null, loved: ['1:2', '2:3'], playlists: {}, playlistOrder: PL.map((p) => p[0]), contextMenu: null, hover: null, tooltip: null,
    search: '', searchSubmitted: '', gridScroll: 0, contentScroll: 0, topScroll: 0, recentScroll: 0, mixScroll: 0, lyricsOpen: false, queueOpen: false,
    airplayMenu: false, showRemaining: false, openMenu: null, dockClicked: null, windowState: 'normal', focus: null, editingPlaylist: null,
    queue: [], history: [],
  };
  for (const [id, name, tracks] of PL) state.playlists[id] = { name, tracks: tracks.slice() };
  function setCurrent(ref, keepPos) {
    const t = tinfo(ref);
    state.current = { ref, album: t.album, track: t.track, title: t.title, artist: t.artist };
    state.duration = t.dur;
    if (!keepPos) state.position = 0;
  }
  setCurrent('2:3', true);
  if (screen === 'listen_now') { state.playing = true; state.position = 131; }

  const fmt = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  const cover = (al, size, extra) => `<div class="cover${extra || ''}" style="width:${size}px;height:${size}px;background:linear-gradient(135deg,${al[5][0]},${al[5][1]})"><i class="fa-solid ${al[6]}" style="font-size:${Math.round(size / 3.2)}px"></i><span class="ct" style="font-size:${Math.max(9, Math.round(size / 14))}px">${esc(al[1].toUpperCase())}</span></div>`;

  const MENUS = [
    ['File', [['New', ''], ['Open Stream URL…', '⌘U'], ['Close Window', '⌘W'], '-', ['Library', ''], ['Import…', '⌘O'], '-', ['Page Setup…', ''], ['Print…', '⌘P']]],
    ['Edit', [['Undo', '⌘Z'], ['Cut', '⌘X'], ['Copy', '⌘C'], ['Paste', '⌘V'], ['Select All', '⌘A'], '-', ['Find', '⌘F']]],
    ['Song', [['Info', '⌘I'], ['Favorite', ''], ['Suggest Less', ''], '-', ['Show in Playlist', ''], ['Add to Playlist', ''], ['Share', '']]],
    ['View', [['Show Lyrics', '⌘⌥U'], ['Show Playing Next', '⌘⌥U'], '-', ['Show View Options', '⌘J'], ['Enter Full Screen', '⌃⌘F']]],
    ['Controls', [['Play', 'Space'], ['Stop', '⌘.'], ['Next', '⌘→'], ['Previous', '⌘←'], ['Go to Current Song', '⌘L'], '-', ['Increase Volume', '⌘↑'], ['Decrease Volume', '⌘↓'], '-', ['Shuffle', ''], ['Repeat', '']]],
    ['Account', [['Sign Out', ''], ['Settings…', '']]],
    ['Window', [['Minimize', '⌘M'], ['Zoom', ''], ['MiniPlayer', '⌥⌘M']]],
    ['Help', [['Search', ''], ['Music Help', '']]],
  ];
  const MENU_LEFT = { apple: 8, Music: 38, File: 92, Edit: 130, Song: 168, View: 209, Controls: 250, Account: 320, Window: 388, Help: 450 };

  function sidebar() {
    let h = '<div class="sidebar"><div class="sb-top">' + Mac.lights('window_') + '</div>';
    h += `<div class="sb-search"><i class="fa-solid fa-magnifying-glass"></i><input data-omni="search_field" placeholder="Search" value="${esc(state.search)}" spellcheck="false"></div><div class="sb-scroll">`;
    const item = (id, label, icon, cls) => `<div class="si${state.view === id ? ' sel' : ''}" data-omni="sidebar_${slug(id)}"><i class="${icon}${cls ? ' ' + cls : ''}"></i><span>${label}</span></div>`;
    h += '<div class="sb-sec" data-omni-static="sidebar_section_apple_music">Apple Music</div>';
    h += item('listen_now', 'Listen Now', 'fa-solid fa-circle-play') + item('browse', 'Browse', 'fa-solid fa-table-cells-large') + item('radio', 'Radio', 'fa-solid fa-tower-broadcast');
    h += '<div class="sb-sec" data-omni-static="sidebar_section_library">Library</div>';
    h += item('recently_added', 'Recently Added', 'fa-regular fa-clock') + item('artists', 'Artists', 'fa-solid fa-microphone-lines') +
      item('albums', 'Albums', 'fa-solid fa-record-vinyl') + item('songs', 'Songs', 'fa-solid fa-music') + item('made_for_you', 'Made for You', 'fa-regular fa-user');
    h += '<div class="sb-sec" data-omni-static="sidebar_section_playlists">Playlists</div>';
    h += `<div class="si${state.view === 'all_playlists' ? ' sel' : ''}" data-omni="sidebar_all_playlists"><i class="fa-solid fa-table-list"></i><span>All Playlists</span></div>`;
    for (const id of state.playlistOrder) {
      const p = state.playlists[id];
      const ctx = state.contextMenu && state.contextMenu.playlist === id;
      if (state.editingPlaylist === id) h += `<div class="si edit"><i class="fa-solid fa-list-ul"></i><input data-omni="new_playlist_name_field" value="${esc(p.name)}" spellcheck="false"></div>`;
      else h += `<div class="si${state.view === 'playlist:' + id ? ' sel' : ''}${ctx ? ' ctx' : ''}" data-omni="playlist_${id}" data-drop="${id}"><i class="fa-solid fa-list-ul"></i><span>${esc(p.name)}</span></div>`;
    }
    return h + '</div></div>';
  }

  function toolbar() {
    const c = state.current;
    const al = album(c.album);
    let h = '<div class="tbar"><div class="transport">';
    h += `<div class="tb${state.shuffle ? ' on' : ''}" data-omni="shuffle_button" data-tip="Shuffle"><i class="fa-solid fa-shuffle"></i></div>`;
    h += '<div class="tb" data-omni="previous_button" data-tip="Previous"><i class="fa-solid fa-backward"></i></div>';
    h += `<div class="tb big" data-omni="play_pause_button" data-tip="${state.playing ? 'Pause' : 'Play'}"><i class="fa-solid ${state.playing ? 'fa-pause' : 'fa-play'}"></i></div>`;
    h += '<div class="tb" data-omni="next_button" data-tip="Next"><i class="fa-solid fa-forward"></i></div>';
    h += `<div class="tb${state.repeat !== 'off' ? ' on' : ''}" data-omni="repeat_button" data-tip="Repeat"><i class="fa-solid fa-repeat"></i>${state.repeat === 'one' ? '<b class="one">1</b>' : ''}</div>`;
    h += '</div><div class="lcd">';
    h += `<div class="lcd-art" data-omni="now_playing_artwork" data-tip="Show Now Playing">${cover(al, 46)}</div><div class="lcd-c">`;
    h += `<div class="lcd-t" data-omni="now_playing_title">${esc(c.title)}</div><div class="lcd-a" data-omni="now_playing_artist_album">${esc(c.artist)} — ${esc(al[1])}</div>`;
    const frac = state.position / state.duration;
    h += `<div class="prog"><span class="tm" data-omni="elapsed_time_label">${fmt(state.position)}</span><div class="ptrack" data-omni="progress_slider" data-slider="progress"><div class="pfill" style="width:${(frac * 100).toFixed(2)}%"></div><div class="knob" data-omni="progress_knob" style="left:${(frac * 100).toFixed(2)}%"></div></div>`;
    h += `<span class="tm" data-omni="remaining_time_toggle" data-tip="Show remaining time">${state.showRemaining ? '-' + fmt(state.duration - state.position) : fmt(state.duration)}</span></div></div>`;
    h += `<div class="tb more" data-omni="now_playing_more_button" data-tip="More"><i class="fa-solid fa-ellipsis"></i></div></div>`;
    h += '<div class="vol">';
    h += '<div class="vi" data-omni="volume_min_icon" data-tip="Mute"><i class="fa-solid fa-volume-off"></i></div>';
    h += `<div class="vtrack" data-omni="volume_slider" data-slider="volume"><div class="vfill" style="width:${state.volume}%"></div><div class="knob" data-omni="volume_knob" style="left:${state.volume}%"></div></div>`;
    h += '<div class="vi" data-omni="volume_max_icon" data-tip="Maximum Volume"><i class="fa-solid fa-volume-high"></i></div>';
    h += `<div class="tb${state.lyricsOpen ? ' on' : ''}" data-omni="lyrics_button" data-tip="Lyrics"><i class="fa-solid fa-quote-right"></i></div>`;
    h += `<div class="tb${state.queueOpen ? ' on' : ''}" data-omni="playing_next_button" data-tip="Playing Next"><i class="fa-solid fa-list-ul"></i></div>`;
    h += `<div class="tb" data-omni="airplay_button" data-tip="AirPlay"><i class="fa-solid fa-tv"></i></div>`;
    return h + '</div></div>';
  }

  function albumsView() {
    let h = '<div class="content" data-scroll="gridScroll"><div class="vh"><h1>Albums</h1>';
    h += '<div class="sortby" data-omni="sort_albums_button">Sort By: Recently Added <i class="fa-solid fa-chevron-down"></i></div></div><div class="grid">';
    for (const al of A) {
      const ctx = state.contextMenu && state.contextMenu.album === al[0];
      h += `<div class="card"><div class="cwrap${ctx ? ' ctx' : ''}" data-omni="album_${al[0]}_cover" data-drag="a:${al[0]}">${cover(al, 168)}<div class="ov"><i class="fa-solid fa-circle-play"></i><i class="fa-solid fa-circle-chevron-down dots"></i></div></div>`;
      h += `<div class="ctitle">${esc(al[1])}</div><div class="cartist">${esc(al[2])}</div></div>`;
    }
    return h + '</div></div>';
  }

  function trackTable(refs, withAlbum) {
    let h = '<div class="ttable">';
    refs.forEach((ref, i) => {
      const t = tinfo(ref);
      const playingThis = state.current && state.current.ref === ref;
      const sel = state.selectedTrack === ref;
      const ctx = state.contextMenu && state.contextMenu.track === ref;
      const lab = withAlbum ? `song_${i + 1}` : `track_${t.track}`;
      h += `<div class="trow${sel ? ' sel' : ''}${ctx ? ' ctx' : ''}${i % 2 ? ' odd' : ''}" data-omni="${lab}_row" data-drag="t:${ref}">`;
      h += `<span class="tn">${playingThis ? `<i class="fa-solid ${state.playing ? 'fa-volume-high' : 'fa-volume-off'}"></i>` : (withAlbum ? '' : t.track)}</span>`;
      h += `<span class="tt">${esc(t.title)}</span>`;
      if (withAlbum) h += `<span class="tar">${esc(t.artist)}</span><span class="tal">${esc(t.albumTitle)}</span>`;
      h += `<span class="tstar${state.loved.includes(ref) ? ' loved' : ''}" data-omni="${lab}_favorite_button" data-tip="Favorite"><i class="fa-${state.loved.includes(ref) ? 'solid' : 'regular'} fa-star"></i></span>`;
      h += `<span class="td">${fmt(t.dur)}</span><span class="tmore" data-omni="${lab}_more_button" data-tip="More"><i class="fa-solid fa-ellipsis"></i></span></div>`;
    });
    return h + '</div>';
  }

  function albumView(id) {
    const al = album(id);
    const tr = TRACKS[id];
    const total = Math.round(tr.reduce((a, t) => a + t[1], 0) / 60);
    let h = '<div class="content" data-scroll="contentScroll"><div class="ahead">' + cover(al, 230, ' big');
    h += `<div class="ainfo"><h1>${esc(al[1])}</h1><div class="aartist" data-omni="artist_link">${esc(al[2])}</div><div class="ameta">${esc(al[4].toUpperCase())} · ${al[3]} · <i class="fa-solid fa-music"></i> Lossless</div>`;
    h += '<div class="abtns"><div class="btn red" data-omni="album_play_button"><i class="fa-solid fa-play"></i> Play</div><div class="btn red" data-omni="album_shuffle_button"><i class="fa-solid fa-shuffle"></i> Shuffle</div>';
    h += `<div class="round" data-omni="album_more_button" data-tip="More"><i class="fa-solid fa-ellipsis"></i></div><div class="round" data-omni="album_favorite_button" data-tip="Favorite"><i class="fa-${state.albumLoved ? 'solid' : 'regular'} fa-star"></i></div></div></div></div>`;
    h += trackTable(tr.map((_, i) => `${id}:${i + 1}`), false);
    h += `<div class="afoot">November 14, ${al[3]}<br>${tr.length} songs, ${total} minutes<br>℗ ${al[3]} Harbor Sound Records</div>`;
    h += `<h2>More by ${esc(al[2])}</h2><div class="morerow">`;
    for (const o of A.filter((x) => x[2] === al[2] && x[0] !== id).concat(A.slice(10, 14))) h += `<div class="card">${cover(o, 150)}<div class="ctitle">${esc(o[1])}</div><div class="cartist">${o[3]}</div></div>`;
    return h + '</div></div>';
  }

  function shelf(title, key, lab, items, size, seeAll) {
    let h = `<div class="shelf"><div class="sh-h"><h2>${title}</h2>${seeAll ? `<span class="seeall" data-omni="${lab}_see_all">See All</span>` : ''}</div>`;
    h += `<div class="sh-row" data-hscroll="${key}">`;
    items.forEach((it, i) => {
      h += `<div class="card" style="width:${size}px"><div class="cwrap" data-omni="${lab}_${i + 1}_card">${it.html}<div class="ov"><i class="fa-solid fa-circle-play"></i></div></div><div class="ctitle">${esc(it.title)}</div><div class="cartist">${esc(it.sub)}</div></div>`;
    });
    return h + '</div></div>';
  }
  const MIXES = [['Favorites Mix', ['#ff6b6b', '#c9184a']], ['New Music Mix', ['#4cc9f0', '#4361ee']], ['Chill Mix', ['#90be6d', '#277da1']], ['Get Up! Mix', ['#f9c74f', '#f3722c']],
    ['Friends Mix', ['#b8c0ff', '#6a4c93']], ['Heavy Rotation Mix', ['#ffd6a5', '#e85d04']], ['Replay 2026', ['#2b2d42', '#ef233c']], ['Discovery Station', ['#06d6a0', '#118ab2']]];
  const mixCover = (name, cols, size) => `<div class="cover mix" style="width:${size}px;height:${size}px;background:linear-gradient(160deg,${cols[0]},${cols[1]})"><i class="fa-brands fa-apple"></i> Music<span>${esc(name.replace(' Mix', ''))}</span><b>Mix</b></div>`;
  function listenNowView() {
    let h = '<div class="content" data-scroll="contentScroll"><div class="vh"><h1>Listen Now</h1></div>';
    const top = [[2, 'Because you listened to Nova Reyes'], [7, 'New release'], [10, 'Featuring Static Choir'], [4, 'Made for you'], [12, 'Dance picks']];
    h += shelf('Top Picks for You', 'topScroll', 'top_pick', top.map(([id, why]) => ({ html: cover(album(id), 250), title: album(id)[1], sub: why })), 250, false);
    const rec = [1, 6, 9, 3, 14, 11, 5, 8, 15, 13, 16, 18];
    h += shelf('Recently Played', 'recentScroll', 'recently_played', rec.map((id) => ({ html: cover(album(id), 160), title: album(id)[1], sub: album(id)[2] })), 160, true);
    h += shelf('Made for You', 'mixScroll', 'made_for_you', MIXES.map(([n, c]) => ({ html: mixCover(n, c, 160), title: n, sub: 'Updated Monday' })), 160, true);
    return h + '</div>';
  }
  function songsView(title, refs, lab) {
    let h = `<div class="content" data-omni-static="${lab}" data-scroll="contentScroll"><div class="vh"><h1>${esc(title)}</h1>`;
    h += `<div class="sub">${refs.length} songs</div></div>`;
    h += '<div class="thead"><span class="tn"></span><span class="tt">Title</span><span class="tar">Artist</span><span class="tal">Album</span><span class="tstar"></span><span class="td">Time</span><span class="tmore"></span></div>';
    return h + trackTable(refs, true) + '</div>';
  }
  function mainView() {
    const v = state.view;
    if (v === 'albums' || v === 'recently_added') return albumsView();
    if (v.startsWith('album:')) return albumView(+v.slice(6));
    if (v === 'listen_now' || v === 'browse' || v === 'radio' || v === 'made_for_you') return listenNowView();
    if (v.startsWith('playlist:')) { const p = state.playlists[v.slice(9)]; return songsView(p.name, p.tracks, 'playlist_page'); }
    if (v === 'search') {
      const q = state.searchSubmitted.toLowerCase(); const refs = [];
      for (const al of A) TRACKS[al[0]].forEach((t, i) => { if ((t[0] + ' ' + al[1] + ' ' + al[2]).toLowerCase().includes(q)) refs.push(`${al[0]}:${i + 1}`); });
      return songsView(`Results for “${state.searchSubmitted}”`, refs.slice(0, 30), 'search_results');
    }
    if (v === 'artists') {
      const names = [...new Set(A.map((a) => a[2]))].sort();
      return '<div class="content"><div class="vh"><h1>Artists</h1></div>' + names.map((n) => `<div class="artist" data-omni="artist_${slug(n)}"><span class="aav">${esc(n[0])}</span>${esc(n)}</div>`).join('') + '</div>';
    }
    const refs = []; for (const id of [1, 2, 3, 4]) TRACKS[id].forEach((_, i) => refs.push(`${id}:${i + 1}`));
    return songsView(v === 'songs' ? 'Songs' : 'All Playlists', refs, 'songs_page');
  }

  function sidePanel() {
    if (state.lyricsOpen) return `<div class="panel"><h3>Lyrics</h3><p class="lyr">${esc(state.current.title)}</p><p>City lights are fading into gold<br>we keep the radio low<br>every street we used to know<br>sings it back to us slow</p></div>`;
    if (!state.queueOpen) return '';
    const c = state.current; const tr = TRACKS[c.album];
    let h = '<div class="panel"><h3>Playing Next</h3>';
    for (let i = c.track; i < Math.min(tr.length, c.track + 6); i++) h += `<div class="qi">${cover(album(c.album), 34)}<div><div>${esc(tr[i][0])}</div><small>${esc(c.artist)}</small></div></div>`;
    return h + '</div>';
  }

  function contextMenu() {
    const c = state.contextMenu;
    const items = c.track ? ['Play Next', 'Play Last', '-', 'Add to Library', 'Add to Playlist', '-', 'Favorite', 'Suggest Less', '-', 'Show in Album', 'Share', 'Get Info', 'Delete from Library']
      : c.album ? ['Play', 'Shuffle', 'Play Next', 'Play Last', '-', 'Add to Playlist', 'Favorite', '-', 'Share', 'Delete from Library']
        : ['Open in New Window', 'Play', 'Shuffle', '-', 'Edit Playlist', 'Duplicate', 'Delete from Library'];
    let h = `<div class="ctxmenu" style="left:${c.x}px;top:${c.y}px">`;
    for (const it of items) h += it === '-' ? '<div class="sep"></div>' : `<div class="it" data-omni="context_${slug(it)}_item"><span>${esc(it)}</span></div>`;
    return h + '</div>';
  }

  function render() {
    let h = Mac.menuBar('Music', MENUS, state.openMenu);
    if (state.openMenu) {
      const def = state.openMenu === 'apple' ? [['About This Mac', ''], '-', ['System Settings…', ''], ['App Store…', ''], '-', ['Sleep', ''], ['Restart…', ''], ['Shut Down…', '']]
        : state.openMenu === 'Music' ? [['About Music', ''], '-', ['Settings…', '⌘,'], '-', ['Hide Music', '⌘H'], ['Quit Music', '⌘Q']] : MENUS.find((m) => m[0] === state.openMenu)[1];
      h += Mac.dropdown(state.openMenu, def, MENU_LEFT[state.openMenu] || 40, 'menu_' + slug(state.openMenu));
    }
    if (state.windowState !== 'minimized' && state.windowState !== 'closed') {
      h += `<div class="window${state.windowState === 'zoomed' ? ' zoomed' : ''}">` + sidebar() + '<div class="main">' + toolbar() + '<div class="body">' + mainView() + sidePanel() + '</div></div></div>';
    }
    if (state.airplayMenu) h += '<div class="popover"><b>AirPlay</b><div><i class="fa-solid fa-laptop"></i> This Mac <i class="fa-solid fa-check"></i></div><div><i class="fa-solid fa-tv"></i> Living Room Apple TV</div><div><i class="fa-solid fa-speaker"></i> Kitchen HomePod</div></div>';
    if (state.contextMenu) h += contextMenu();
    h += Mac.dock(['finder', 'mail', 'music', 'safari']);
    return h;
  }

  // ---- behaviour ----
  function playRef(ref) { setCurrent(ref); state.playing = true; state.history.push(ref); }
  function step(dir) {
    const c = state.current; const n = TRACKS[c.album].length;
    if (dir < 0 && state.position > 3) { state.position = 0; return; }
    let t = c.track + dir;
    if (state.shuffle && dir > 0) t = ((c.track * 5 + 3) % n) + 1;
    if (t > n) t = state.repeat === 'all' ? 1 : n;
    if (t < 1) t = 1;
    setCurrent(`${c.album}:${t}`);
  }
  function openView(v) { state.view = v; state.contentScroll = 0; state.gridScroll = 0; state.selectedTrack = null; }
  function setVolume(v) { state.volume = Math.max(0, Math.min(100, Math.round(v))); }
  function newPlaylist() {
    let k = 1; while (state.playlists['untitled_' + k]) k++;
    const id = 'untitled_' + k;
    state.playlists[id] = { name: 'Untitled Playlist', tracks: [] };
    state.playlistOrder.push(id); state.editingPlaylist = id; state.focus = 'new_playlist_name_field';
    openView('playlist:' + id);
  }
  function finishRename(value) {
    const id = state.editingPlaylist; if (!id) return;
    const name = (value || '').trim() || 'Untitled Playlist';
    state.playlists[id].name = name; state.editingPlaylist = null; state.focus = null;
  }

  function click(label) {
    const menuWas = state.openMenu; state.openMenu = null;
    const ctx = state.contextMenu; state.contextMenu = null; state.airplayMenu = false;
    if (state.editingPlaylist && label !== 'new_playlist_name_field') { const f = document.querySelector('[data-omni="new_playlist_name_field"],[data-omni-hidden="new_playlist_name_field"]'); finishRename(f ? f.value : ''); }
    if (!label) return;
    let m;
    if (label === 'apple_menu') { if (menuWas !== 'apple') state.openMenu = 'apple'; return; }
    if ((m = label.match(/^menu_([a-z]+)$/))) {
      const name = m[1] === 'music' ? 'Music' : MENUS.map((x) => x[0]).find((n) => slug(n) === m[1]);
      if (name && menuWas !== name) state.openMenu = name; return;
    }
    if (label.startsWith('menu_') && label.endsWith('_item')) {
      const it = label.replace(/^menu_[a-z]+_/, '').slice(0, -5);
      const map = { play: () => { state.playing = !state.playing; }, next: () => step(1), previous: () => step(-1), shuffle: () => { state.shuffle = !state.shuffle; },
        increase_volume: () => setVolume(state.volume + 10), decrease_volume: () => setVolume(state.volume - 10), show_lyrics: () => { state.lyricsOpen = true; }, minimize: () => { state.windowState = 'minimized'; } };
      if (map[it]) map[it](); return;
    }
    if (label.startsWith('context_') && ctx) {
      const it = label.slice(8, -5);
      if (ctx.track) {
        if (it === 'favorite') { if (!state.loved.includes(ctx.track)) state.loved.push(ctx.track); }
        if (it === 'play_next') state.queue.unshift(ctx.track);
        if (it === 'play_last') state.queue.push(ctx.track);
        if (it === 'show_in_album') openView('album:' + ctx.track.split(':')[0]);
      } else if (ctx.album) {
        if (it === 'play') playRef(ctx.album + ':1');
        if (it === 'shuffle') { state.shuffle = true; playRef(ctx.album + ':1'); }
      } else if (ctx.playlist && (it === 'play' || it === 'shuffle')) { if (it === 'shuffle') state.shuffle = true; playRef(state.playlists[ctx.playlist].tracks[0]); }
      return;
    }
    if ((m = label.match(/^sidebar_(\w+)$/))) { openView(m[1]); return; }
    if ((m = label.match(/^playlist_(\w+)$/)) && state.playlists[m[1]]) { openView('playlist:' + m[1]); return; }
    if ((m = label.match(/^album_(\d+)_cover$/))) { openView('album:' + m[1]); return; }
    if ((m = label.match(/^(top_pick|recently_played)_(\d+)_card$/))) {
      const ids = m[1] === 'top_pick' ? [2, 7, 10, 4, 12] : [1, 6, 9, 3, 14, 11, 5, 8, 15, 13, 16, 18];
      openView('album:' + ids[+m[2] - 1]); return;
    }
    if ((m = label.match(/^made_for_you_(\d+)_card$/))) { state.openedMix = MIXES[+m[1] - 1][0]; openView('playlist:chill_mix'); return; }
    if ((m = label.match(/^(track|song)_(\d+)_(row|favorite_button|more_button)$/))) {
      const ref = refFor(m[1], +m[2]);
      if (m[3] === 'row') state.selectedTrack = ref;
      else if (m[3] === 'favorite_button') { const i = state.loved.indexOf(ref); if (i >= 0) state.loved.splice(i, 1); else state.loved.push(ref); }
      else { const el = document.querySelector(`[data-omni="${label}"]`); const r = el ? el.getBoundingClientRect() : { left: 700, bottom: 400 }; state.contextMenu = { track: ref, x: r.left - 180, y: Math.min(r.bottom, 560), via: 'more' }; }
      return;
    }
    if ((m = label.match(/^dock_(\w+)$/))) { state.dockClicked = m[1]; return; }
    const v = state.view;
    switch (label) {
      case 'play_pause_button': state.playing = !state.playing; break;
      case 'next_button': step(1); break;
      case 'previous_button': step(-1); break;
      case 'shuffle_button': state.shuffle = !state.shuffle; break;
      case 'repeat_button': state.repeat = { off: 'all', all: 'one', one: 'off' }[state.repeat]; break;
      case 'volume_min_icon': setVolume(0); break;
      case 'volume_max_icon': setVolume(100); break;
      case 'remaining_time_toggle': state.showRemaining = !state.showRemaining; break;
      case 'lyrics_button': state.lyricsOpen = !state.lyricsOpen; if (state.lyricsOpen) state.queueOpen = false; break;
      case 'playing_next_button': state.queueOpen = !state.queueOpen; if (state.queueOpen) state.lyricsOpen = false; break;
      case 'airplay_button': state.airplayMenu = true; break;
      case 'now_playing_title': openView('album:' + state.current.album); break;
      case 'now_playing_artist_album': openView('artists'); state.artistShown = state.current.artist; break;
      case 'now_playing_artwork': state.nowPlayingExpanded = true; break;
      case 'now_playing_more_button': state.contextMenu = { track: state.current.ref, x: 880, y: 96, via: 'now_playing' }; break;
      case 'album_play_button': if (v.startsWith('album:')) { state.shuffle = false; playRef(v.slice(6) + ':1'); } break;
      case 'album_shuffle_button': if (v.startsWith('album:')) { state.shuffle = true; playRef(v.slice(6) + ':' + (((+v.slice(6)) * 3) % 7 + 1)); } break;
      case 'album_more_button': state.contextMenu = { album: +v.slice(6), x: 560, y: 330, via: 'more' }; break;
      case 'album_favorite_button': state.albumLoved = !state.albumLoved; break;
      case 'artist_link': openView('artists'); state.artistShown = album(+v.slice(6))[2]; break;
      case 'sort_albums_button': state.sortMenu = true; break;
      case 'recently_played_see_all': openView('recently_added'); break;
      case 'made_for_you_see_all': openView('made_for_you'); state.seeAll = 'made_for_you'; break;
      case 'window_close_button': state.windowState = 'closed'; break;
      case 'window_minimize_button': state.windowState = 'minimized'; break;
      case 'window_zoom_button': state.windowState = state.windowState === 'zoomed' ? 'normal' : 'zoomed'; break;
      case 'spotlight_button': state.spotlight = true; break;
      case 'control_center_button': state.controlCenter = true; break;
    }
  }
  function refFor(kind, n) {
    if (kind === 'track') return state.view.slice(6) + ':' + n;
    const rows = document.querySelectorAll('.trow');
    const el = rows[n - 1]; return el ? el.getAttribute('data-drag').slice(2) : null;
  }
  function dbl(label) {
    let m;
    if ((m = label.match(/^(track|song)_(\d+)_row$/))) { const ref = refFor(m[1], +m[2]); state.selectedTrack = ref; playRef(ref); return; }
    if ((m = label.match(/^album_(\d+)_cover$/))) { openView('album:' + m[1]); playRef(m[1] + ':1'); return; }
    if ((m = label.match(/^(top_pick|recently_played)_(\d+)_card$/))) { click(label); playRef(state.view.slice(6) + ':1'); return; }
    if ((m = label.match(/^made_for_you_(\d+)_card$/))) { click(label); playRef(state.playlists.chill_mix.tracks[0]); return; }
    if ((m = label.match(/^playlist_(\w+)$/)) && state.playlists[m[1]]) { openView('playlist:' + m[1]); state.playlistWindow = m[1]; return; }
    click(label);
  }
  function context(label, el, e) {
    state.contextMenu = null; state.openMenu = null;
    if (!label) return;
    let m;
    const y = Math.min(e.clientY, 560), x = Math.min(e.clientX, 1180);
    if ((m = label.match(/^(track|song)_(\d+)_row$/))) state.contextMenu = { track: refFor(m[1], +m[2]), x, y, via: 'right' };
    else if ((m = label.match(/^album_(\d+)_cover$/))) state.contextMenu = { album: +m[1], x, y, via: 'right' };
    else if ((m = label.match(/^(top_pick|recently_played)_(\d+)_card$/))) state.contextMenu = { album: (m[1] === 'top_pick' ? [2, 7, 10, 4, 12] : [1, 6, 9, 3, 14, 11, 5, 8, 15, 13, 16, 18])[+m[2] - 1], x, y, via: 'right' };
    else if ((m = label.match(/^playlist_(\w+)$/)) && state.playlists[m[1]]) state.contextMenu = { playlist: m[1], x, y, via: 'right' };
  }
  function key(e) {
    const t = e.target; const inField = t && (t.tagName === 'INPUT');
    const k = e.key;
    if (inField) {
      const lab = t.getAttribute('data-omni') || t.getAttribute('data-omni-hidden');
      if (k === 'Enter' && lab === 'search_field') { state.search = t.value; state.searchSubmitted = t.value.trim(); openView('search'); state.focus = null; return true; }
      if (k === 'Enter' && lab === 'new_playlist_name_field') { finishRename(t.value); return true; }
      if (k === 'Escape' && lab === 'new_playlist_name_field') { finishRename(''); return true; }
      if (!e.metaKey) return false;
    }
    if (e.metaKey) {
      if (k === 'ArrowRight') { step(1); return true; }
      if (k === 'ArrowLeft') { step(-1); return true; }
      if (k === 'ArrowUp') { setVolume(state.volume + 10); return true; }
      if (k === 'ArrowDown') { setVolume(state.volume - 10); return true; }
      if (k === 'n' && !e.shiftKey) { newPlaylist(); return true; }
      if (k === 'f') { state.focus = 'search_field'; return true; }
      if (k === 'l') { openView('album:' + state.current.album); state.selectedTrack = state.current.ref; return true; }
      if (k === 'm') { state.windowState = 'minimized'; return true; }
      if (k === 'u' && e.altKey) { state.queueOpen = !state.queueOpen; return true; }
      return false;
    }
    if (k === ' ') { state.playing = !state.playing; return true; }
    if (k === 'Enter' && state.selectedTrack) { playRef(state.selectedTrack); return true; }
    if (k === 'Escape') { state.contextMenu = null; state.openMenu = null; return true; }
    if (k === 'ArrowDown' || k === 'ArrowUp') {
      const rows = [...document.querySelectorAll('.trow')].map((r) => r.getAttribute('data-drag').slice(2));
      const i = rows.indexOf(state.selectedTrack);
      const j = k === 'ArrowDown' ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1);
      if (rows[j]) state.selectedTrack = rows[j];
      return true;
    }
    return false;
  }
  function input(label, value) { if (label === 'search_field') state.search = value; }
  function slide(name, frac, done) {
    if (name === 'volume') setVolume(frac * 100);
    else state.position = Math.min(state.duration - 1, Math.round(frac * state.duration));
    // live feedback while dragging without replacing the slider node under the pointer
    const fill = document.querySelector(name === 'volume' ? '.vfill' : '.pfill');
    const knob = document.querySelector(name === 'volume' ? '.vtrack .knob' : '.ptrack .knob');
    const pct = name === 'volume' ? state.volume : (state.position / state.duration * 100);
    if (fill) fill.style.width = pct + '%';
    if (knob) knob.style.left = pct + '%';
  }
  function drop(src, dst) {
    const pl = state.playlists[dst]; if (!pl) return;
    if (src.startsWith('t:')) pl.tracks.push(src.slice(2));
    else if (src.startsWith('a:')) { const id = +src.slice(2); TRACKS[id].forEach((_, i) => pl.tracks.push(`${id}:${i + 1}`)); }
  }
  function dragText(src) { if (src.startsWith('t:')) return '♪ ' + tinfo(src.slice(2)).title; return '◉ ' + album(+src.slice(2))[1]; }
  function after(root) {
    // a new playlist starts with its whole name selected, so typing replaces "Untitled Playlist"
    const f = root.querySelector('.si.edit input');
    if (f && !state.nameSelected) { f.focus(); f.select(); state.nameSelected = true; }
    if (!f) state.nameSelected = false;
  }
  Kit.init({ state, render, click, dbl, context, key, input, slide, drop, dragText, after });
})();
