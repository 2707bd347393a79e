// The Meridian: a news site. One page renders every screen (?screen=<name>) from data.js; every
// interaction updates window.omni.state, which the suite's success checks read.
(function () {
  "use strict";
  const D = window.NEWS;
  const params = new URLSearchParams(location.search);
  const SCREEN = params.get("screen") || "home";
  const S = {
    screen: SCREEN, view: SCREEN, section: null, article: null,
    bookmarks: [], contextMenu: null, hoverMenu: null, preview: null, playing: null, fullscreen: null,
    defined: null, authorCard: false, following: false, shared: null, linkCopied: false, printed: false,
    fontScale: 0, listening: false, gift: false, subscribeOpen: false, menuOpen: false, tickerClosed: false,
    commentDraft: "", comments: [], likes: [], replyTo: null, flagged: [], commentsTab: "reader_picks",
    search: {text: SCREEN === "search" ? "climate" : "", query: SCREEN === "search" ? "climate" : "", submitted: false},
    filters: {date: "any", sections: [], types: []}, sort: "relevance", sortOpen: false, page: 1,
    league: "all", followedTeams: [], team: null, game: null,
    settings: null, saved: null, settingsPage: SCREEN === "display" ? "display" : "newsletters",
    scroll: {page: 0, comments: 0, videos: 0, scores: 0, results: 0},
  };
  window.omni = {ready: false, state: S};
  const app = document.getElementById("app");
  const esc = (t) => String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;");

  // ---------- shared chrome ----------
  function header(active) {
    const nav = D.sections.map(([id, name]) => {
      const sub = D.subsections[id];
      const menu = sub ? `<div class="mega"><div class="mega-title">${name}</div>${sub.map((s) =>
        `<a class="mega-link">${s}</a>`).join("")}</div>` : "";
      return `<li class="navitem${active === id ? " active" : ""}" data-omni="section_${id}" data-sec="${id}">${name}${sub ? ' <i class="fa-solid fa-chevron-down"></i>' : ""}${menu}</li>`;
    }).join("");
    return `
    <div class="utility"><div class="wrap">
      <span data-omni-static="today_date">${D.today}</span>
      <a data-omni="todays_paper_link">Today's Paper</a><a data-omni="podcasts_link">Podcasts</a>
      <a data-omni="games_link">Games</a><a data-omni="cooking_link">Cooking</a>
      <span class="spacer"></span>
      <span class="weather" data-omni-static="weather"><i class="fa-solid fa-cloud-sun"></i> New York 48°F</span>
      <a data-omni="edition_us" class="ed on">U.S.</a><a data-omni="edition_international" class="ed">International</a>
      <a data-omni="edition_espanol" class="ed">Español</a>
    </div></div>
    <header class="mast"><div class="wrap">
      <div class="mast-left">
        <button class="iconbtn" data-omni="menu_button" title="Sections"><i class="fa-solid fa-bars"></i></button>
        <div class="searchbox"><i class="fa-solid fa-magnifying-glass"></i>
          <input data-omni="search_input" id="search_input" placeholder="Search The Meridian" value="${SCREEN === "search" ? "" : ""}"></div>
      </div>
      <a class="logo" data-omni="logo_home">The Meridian</a>
      <div class="mast-right">
        <button class="subscribe" data-omni="subscribe_button">Subscribe for $1/week</button>
        <button class="iconbtn badge-wrap" data-omni="saved_button" title="Saved articles"><i class="fa-regular fa-bookmark"></i><span class="badge" id="saved_count"></span></button>
        <button class="account" data-omni="account_button"><i class="fa-solid fa-circle-user"></i> Jordan R. <i class="fa-solid fa-caret-down"></i></button>
      </div>
    </div></header>
    <nav class="sections"><ul class="wrap">${nav}</ul></nav>`;
  }

  function art(kind, icon, cls) {
    return `<div class="art art-${kind} ${cls || ""}"><i class="fa-solid ${icon}"></i></div>`;
  }

  // ---------- home ----------
  function home() {
    const st = D.stories;
    const lead = st[0];
    const card = (s, big) => `
      <article class="story ${big ? "lead" : "small"}" data-omni="story_${s.id}" data-story="${s.id}">
        ${big ? art(s.art, s.icon, "lead-art") : ""}
        <div class="story-body">
          <div class="kicker">${s.section}</div>
          <h2 class="${big ? "h-lead" : "h-small"}">${esc(s.title)}</h2>
          <p class="dek">${esc(s.dek)}</p>
          <div class="meta"><span>${s.time}</span> · <span>${s.read}</span>
            <button class="bm" data-omni="bookmark_story_${s.id}" data-bm="${s.id}" title="Save"><i class="fa-regular fa-bookmark"></i></button></div>
        </div>
        ${big ? "" : art(s.art, s.icon, "thumb")}
      </article>`;
    const most = D.mostRead.map((t, i) => `<li data-omni="most_read_${i + 1}"><span class="num">${i + 1}</span>${t}</li>`).join("");
    const vids = D.videos.map((v, i) => `
      <div class="vcard" data-omni="video_${i + 1}" data-video="${i + 1}">
        <div class="vthumb art-${["night", "violet", "teal", "sea", "green", "rose", "sand", "gold", "violet", "teal"][i]}">
          <i class="fa-solid fa-circle-play"></i><span class="dur">${v[1]}</span><span class="live-prev">Preview</span></div>
        <div class="vtitle">${v[0]}</div></div>`).join("");
    const mk = D.markets.map((m) => `<tr><td>${m[0]}</td><td>${m[1]}</td><td class="${m[2][0] === "-" ? "neg" : "pos"}">${m[2]}</td></tr>`).join("");
    const more = st.slice(3).concat(st.slice(0, 3)).map((s, i) => `
      <div class="more-card" data-omni="more_story_${i + 1}">${art(s.art, s.icon, "more-art")}<div class="kicker">${s.section}</div><h3>${esc(s.title)}</h3><p>${esc(s.dek)}</p></div>`).join("");
    app.innerHTML = header("home") + `
      <div class="ticker" id="ticker"><div class="wrap"><span class="breaking">BREAKING</span>
        <span class="ticker-text" data-omni="ticker_story">Earthquake of magnitude 6.1 strikes off the coast of northern Chile; no tsunami warning issued</span>
        <button class="iconbtn small" data-omni="close_ticker" title="Dismiss"><i class="fa-solid fa-xmark"></i></button></div></div>
      <main class="wrap home">
        <section class="col-lead">${card(lead, true)}</section>
        <section class="col-mid">${st.slice(1, 5).map((s) => card(s, false)).join("")}</section>
        <aside class="col-side">
          <div class="widget"><h4 class="wtitle">Most Read</h4><ol class="mostread">${most}</ol></div>
          <div class="widget markets"><h4 class="wtitle">Markets <a data-omni="markets_more" class="wlink">More <i class="fa-solid fa-angle-right"></i></a></h4>
            <table data-omni-static="markets_table">${mk}</table></div>
        </aside>
      </main>
      <section class="wrap videos">
        <div class="vhead"><h4 class="wtitle"><i class="fa-solid fa-video"></i> Watch</h4>
          <div><button class="iconbtn small round" data-omni="videos_prev"><i class="fa-solid fa-chevron-left"></i></button>
          <button class="iconbtn small round" data-omni="videos_next"><i class="fa-solid fa-chevron-right"></i></button></div></div>
        <div class="vstrip" data-omni="video_carousel" id="vstrip">${vids}</div>
      </section>
      <section class="wrap morenews"><h4 class="wtitle">More News</h4><div class="more-grid">${more}</div></section>
      <section class="wrap opinion-strip"><h4 class="wtitle">Opinion</h4>
        <div class="more-grid">${["The Case for Slower Cities", "What Teachers Know That Economists Don't", "Stop Apologizing for Your Hobbies", "Our Parks Need Night Skies"].map((t, i) =>
        `<div class="op" data-omni="opinion_${i + 1}"><div class="opav"><i class="fa-solid fa-user"></i></div><h3>${t}</h3><p>By ${["Anita Gomez", "Paul Fischer", "Mei Tanaka", "Rob Ellison"][i]}</p></div>`).join("")}</div></section>
      ${footer()}`;
  }

  function footer() {
    return `<footer class="foot"><div class="wrap"><div class="logo small">The Meridian</div>
      <div class="fcols">${[["News", "Home Page", "World", "U.S.", "Politics", "Business"], ["Opinion", "Today's Opinion", "Columnists", "Editorials", "Letters"],
      ["Arts", "Books", "Movies", "Music", "Television"], ["More", "Games", "Cooking", "Podcasts", "Newsletters"]].map((c) =>
      `<ul><li class="fh">${c[0]}</li>${c.slice(1).map((x) => `<li>${x}</li>`).join("")}</ul>`).join("")}</div>
      <p class="copy">© 2026 The Meridian Company · Privacy Policy · Terms of Service · Contact Us</p></div></footer>`;
  }

  // ---------- article ----------
  function article() {
    const a = D.stories[0];
    const cm = D.comments.map((c, i) => commentHtml(c, i + 1)).join("");
    app.innerHTML = header("climate") + `
      <main class="wrap articlepage">
        <article class="art-col" id="artcol">
          <div class="crumbs"><a data-omni="crumb_climate">Climate</a> <i class="fa-solid fa-angle-right"></i> <a data-omni="crumb_energy">Energy &amp; Environment</a></div>
          <h1 class="headline">${esc(a.title)}</h1>
          <p class="art-dek">${esc(a.dek)}</p>
          <div class="byline">
            <div class="avatar"><i class="fa-solid fa-user"></i></div>
            <div><div>By <a class="author" data-omni="author_link">Elena Marsh</a>
              <div class="authorcard" id="authorcard"><b>Elena Marsh</b><br>Climate correspondent based in Geneva. Covers energy policy and international climate negotiations.</div></div>
              <div class="pub">Published Nov. 29, 2026, 8:14 a.m. ET · Updated 10:02 a.m. ET</div></div>
            <button class="follow" data-omni="follow_author" id="follow"><i class="fa-solid fa-plus"></i> Follow</button>
          </div>
          <div class="toolbar">
            <button class="gift" data-omni="gift_article"><i class="fa-solid fa-gift"></i> Give this article</button>
            <button class="tb" data-omni="share_facebook" title="Share on Facebook"><i class="fa-brands fa-facebook-f"></i></button>
            <button class="tb" data-omni="share_x" title="Share on X"><i class="fa-brands fa-x-twitter"></i></button>
            <button class="tb" data-omni="share_email" title="Email"><i class="fa-solid fa-envelope"></i></button>
            <button class="tb" data-omni="copy_link" title="Copy link"><i class="fa-solid fa-link"></i></button>
            <button class="tb" data-omni="bookmark_article" id="bm_article" title="Save (Ctrl+B)"><i class="fa-regular fa-bookmark"></i></button>
            <button class="tb" data-omni="print_article" title="Print (Ctrl+P)"><i class="fa-solid fa-print"></i></button>
            <span class="tsep"></span>
            <button class="tb txt" data-omni="font_smaller" title="Smaller text">A<sup>−</sup></button>
            <button class="tb txt big" data-omni="font_larger" title="Larger text">A<sup>+</sup></button>
            <button class="listen" data-omni="listen_button" id="listen"><i class="fa-solid fa-headphones"></i> Listen · 6:12</button>
          </div>
          <div class="body" id="body">
          <figure>${art("sea", "fa-industry", "hero")}<figcaption>A gas processing plant near the Caspian coast. <span class="credit">Photo: Anna Kovacs for The Meridian</span></figcaption></figure>
            <p>GENEVA — Negotiators from 140 countries agreed early Sunday to cut emissions of <span class="term" data-omni="term_methane">methane</span>, a potent greenhouse gas, from oil and gas operations by 60 percent within a decade, capping two weeks of tense talks that at times appeared close to collapse.</p>
            <p>The agreement requires producers to find and repair leaks using satellite monitoring, and to end routine <span class="term" data-omni="term_flaring">flaring</span>, the burning of excess gas at well sites, by 2030. Countries that miss interim targets would face review by an independent panel.</p>
            <p>Scientists welcomed the deal but warned that natural sources are rising too: thawing <span class="term" data-omni="term_permafrost">permafrost</span> in the Arctic is releasing methane that has been locked in frozen soil for thousands of years.</p>
            <p>“This is the fastest lever we have to slow warming in our lifetimes,” said the summit's president, Amara Diallo, as delegates applauded. “But a pledge is only as good as its measurement.”</p>
            <p>The United States, the European Union and Canada pledged a combined $4 billion to help developing countries buy detection equipment. Several major producers, including two in the Gulf, signed on only after a clause on financing was softened.</p>
          </div>
        </article>
        <aside class="comments" id="comments">
          <div class="chead"><h3><i class="fa-regular fa-comments"></i> Comments <span class="ccount">214</span></h3>
            <button class="iconbtn small" data-omni="comments_settings"><i class="fa-solid fa-gear"></i></button></div>
          <div class="ctabs"><button data-omni="tab_reader_picks" class="on">Reader Picks</button><button data-omni="tab_all">All</button><button data-omni="tab_meridian_picks">Meridian Picks</button></div>
          <div class="cform"><textarea data-omni="comment_box" id="comment_box" placeholder="Share your thoughts… (Ctrl+Enter to post)"></textarea>
            <div class="cform-row"><span class="as">Commenting as <b>Jordan R.</b></span><button class="post" data-omni="post_comment">Post</button></div></div>
          <div class="clist" data-omni="comments_list" id="clist">${cm}</div>
        </aside>
      </main>`;
  }

  function commentHtml(c, n) {
    return `<div class="comment" id="comment_${n}"><div class="chd"><span class="cav">${c[0][0]}</span><b>${esc(c[0])}</b><span class="cloc">${c[1]} · ${c[4]}</span></div>
      <p>${esc(c[2])}</p>
      <div class="cact"><button data-omni="like_comment_${n}" data-like="${n}"><i class="fa-regular fa-thumbs-up"></i> <span>${c[3]}</span></button>
      <button data-omni="reply_comment_${n}" data-reply="${n}"><i class="fa-solid fa-reply"></i> Reply</button>
      <button data-omni="flag_comment_${n}" data-flag="${n}" title="Report"><i class="fa-regular fa-flag"></i></button></div></div>`;
  }

  // ---------- search ----------
  function search() {
    const dates = [["any", "Any time"], ["24h", "Past 24 hours"], ["week", "Past week"], ["month", "Past month"], ["year", "Past year"]];
    const secs = [["world", "World", 212], ["climate", "Climate", 486], ["science", "Science", 174], ["business", "Business", 139], ["opinion", "Opinion", 97], ["sports", "Sports", 41]];
    const types = [["article", "Articles", 1102], ["video", "Videos", 121], ["podcast", "Podcasts", 61]];
    const res = D.results.map((r, i) => `
      <div class="result" data-omni="result_${i + 1}" data-result="${i + 1}">
        <div class="rmeta"><span class="kicker">${r.section}</span> · ${r.date}</div>
        <h3>${esc(r.title)}</h3><p>${esc(r.snippet)}</p><div class="rby">By ${r.author}</div>
        <button class="bm" data-omni="save_result_${i + 1}" data-bm="r${i + 1}" title="Save"><i class="fa-regular fa-bookmark"></i></button>
        ${art(["sea", "teal", "gold", "sand", "night", "rose"][i], ["fa-wind", "fa-person-skiing", "fa-plug", "fa-brain", "fa-satellite", "fa-city"][i], "rthumb")}
      </div>`).join("");
    app.innerHTML = header(null) + `
      <main class="wrap searchpage">
        <div class="sbar"><div class="sfield"><i class="fa-solid fa-magnifying-glass"></i>
          <input data-omni="search_query" id="search_query" value="climate">
          <button class="iconbtn small" data-omni="clear_search" title="Clear"><i class="fa-solid fa-xmark"></i></button></div>
          <button class="sbtn" data-omni="search_submit">Search</button></div>
        <div class="sgrid">
          <aside class="filters">
            <h4>Date Range</h4>${dates.map(([k, t]) => `<label class="radio${k === "any" ? " on" : ""}" data-omni="date_${k}" data-date="${k}"><span class="rdot"></span>${t}</label>`).join("")}
            <h4>Section</h4>${secs.map(([k, t, n]) => `<label class="check" data-omni="filter_${k}" data-sec="${k}"><span class="cbox"><i class="fa-solid fa-check"></i></span>${t}<span class="cnt">${n}</span></label>`).join("")}
            <h4>Type</h4>${types.map(([k, t, n]) => `<label class="check" data-omni="type_${k}" data-type="${k}"><span class="cbox"><i class="fa-solid fa-check"></i></span>${t}<span class="cnt">${n}</span></label>`).join("")}
            <button class="linkbtn" data-omni="reset_filters">Reset all filters</button>
          </aside>
          <section class="results">
            <div class="rhead"><span>Showing <b>1,284</b> results for <b>“climate”</b></span>
              <div class="dropdown" id="sortdd"><span class="ddlabel">Sort by</span>
                <button class="ddbtn" data-omni="sort_dropdown" id="sort_btn"><span id="sort_val">Relevance</span> <i class="fa-solid fa-chevron-down"></i></button>
                <ul class="ddmenu" id="sort_menu"><li data-v="relevance">Relevance</li><li data-v="newest">Newest</li><li data-v="oldest">Oldest</li></ul></div></div>
            <div id="results">${res}</div>
            <div class="pager"><button data-omni="page_prev" disabled><i class="fa-solid fa-angle-left"></i></button>
              ${[1, 2, 3, 4, 5].map((n) => `<button data-omni="page_${n}" class="${n === 1 ? "on" : ""}">${n}</button>`).join("")}<span>…</span><button data-omni="page_215">215</button>
              <button data-omni="page_next"><i class="fa-solid fa-angle-right"></i></button></div>
          </section>
        </div>
      </main>${footer()}`;
  }

  // ---------- sports ----------
  function sports() {
    const games = D.games.map((g, i) => {
      const done = g[3] !== null;
      const w1 = done && g[3] > g[5], w2 = done && g[5] > g[3];
      return `<div class="game" data-omni="game_${i + 1}" data-game="${i + 1}"><div class="gst"><span class="lg">${g[0]}</span><span class="${/Q|OT/.test(g[1]) && !/Final/.test(g[1]) ? "livegame" : ""}">${g[1]}</span></div>
        <div class="gt ${w1 ? "win" : ""}"><span>${g[2]}</span><b>${done ? g[3] : ""}</b></div><div class="gt ${w2 ? "win" : ""}"><span>${g[4]}</span><b>${done ? g[5] : ""}</b></div></div>`;
    }).join("");
    const leagues = ["all", "nfl", "nba", "nhl", "mlb", "epl", "mls", "tennis"];
    const ln = {all: "All", nfl: "NFL", nba: "NBA", nhl: "NHL", mlb: "MLB", epl: "Premier League", mls: "MLS", tennis: "Tennis"};
    const rows = D.standings.map((r, i) => `<tr data-omni="team_${r[0].split(" ").pop().toLowerCase()}" data-team="${r[0]}"><td>${i + 1}</td><td class="tn">${r[0]}</td><td>${r[1]}</td><td>${r[2]}</td><td>${r[3]}</td><td>${r[4]}</td>
      <td><button class="star" data-omni="follow_${r[0].split(" ").pop().toLowerCase()}" data-follow="${r[0]}"><i class="fa-regular fa-star"></i></button></td></tr>`).join("");
    const s = D.stories[6];
    const side = [["fa-basketball", "Celtics Win Fifth Straight Behind Tatum's 38 Points", "NBA"], ["fa-football", "Chiefs' Defense Faces Its Biggest Test Yet", "NFL"],
      ["fa-hockey-puck", "Rangers Edge Bruins in Overtime Thriller", "NHL"], ["fa-baseball", "Free-Agent Tracker: Where the Top 25 Players Landed", "MLB"]];
    app.innerHTML = header("sports") + `
      <div class="scores"><button class="sarrow left" data-omni="scores_prev"><i class="fa-solid fa-chevron-left"></i></button>
        <div class="sstrip" data-omni="scores_strip" id="sstrip">${games}</div>
        <button class="sarrow right" data-omni="scores_next"><i class="fa-solid fa-chevron-right"></i></button></div>
      <main class="wrap sportspage">
        <div class="leagues">${leagues.map((l) => `<button data-omni="league_${l}" class="${l === "all" ? "on" : ""}">${ln[l]}</button>`).join("")}</div>
        <div class="sgrid2">
          <section class="sp-lead"><article class="story lead" data-omni="story_7" data-story="7">${art(s.art, s.icon, "lead-art short")}<div class="story-body"><div class="kicker">Soccer</div>
            <h2 class="h-lead">${esc(s.title)}</h2><p class="dek">${esc(s.dek)}</p><div class="meta">${s.time} · ${s.read}</div></div></article></section>
          <section class="sp-list">${side.map((x, i) => `<div class="sp-item" data-omni="sports_story_${i + 1}"><div class="sp-ic"><i class="fa-solid ${x[0]}"></i></div><div><div class="kicker">${x[2]}</div><h3>${x[1]}</h3></div></div>`).join("")}</section>
          <aside class="standings"><h4 class="wtitle">NBA Standings <span class="sub">Eastern Conference</span></h4>
            <table><thead><tr><th>#</th><th>Team</th><th>W</th><th>L</th><th>PCT</th><th>STRK</th><th></th></tr></thead><tbody>${rows}</tbody></table>
            <a class="wlink" data-omni="full_standings">Full standings <i class="fa-solid fa-angle-right"></i></a></aside>
        </div>
      </main>`;
  }

  // ---------- settings (newsletters, display) ----------
  function settingsShell(active, inner) {
    const items = [["account", "fa-user", "Account"], ["newsletters", "fa-envelope-open-text", "Newsletters & Email"], ["notifications", "fa-bell", "Notifications"],
      ["display", "fa-display", "Display & Home Page"], ["privacy", "fa-shield-halved", "Privacy"], ["subscription", "fa-credit-card", "Subscription & Billing"]];
    app.innerHTML = header(null) + `
      <main class="wrap settings">
        <aside class="snav"><div class="who"><i class="fa-solid fa-circle-user"></i><div><b>Jordan Rivera</b><br><span>All Access subscriber</span></div></div>
          ${items.map(([k, ic, t]) => `<a data-omni="settings_${k}" class="${k === active ? "on" : ""}"><i class="fa-solid ${ic}"></i> ${t}</a>`).join("")}
          <a data-omni="sign_out" class="signout"><i class="fa-solid fa-right-from-bracket"></i> Log out</a></aside>
        <section class="spanel">${inner}
          <div class="savebar"><span id="savemsg" class="savemsg"></span><button class="ghost" data-omni="cancel_changes">Cancel</button>
            <button class="primary" data-omni="save_settings">Save changes</button></div></section>
      </main>`;
  }

  function newsletters() {
    S.settings = {name: "Jordan Rivera", email: "j.rivera@example.com", newsletters: {}, frequency: "daily", deliveryTime: "7:00 AM", format: "html", partnerOffers: false};
    D.newsletters.forEach((n) => { S.settings.newsletters[n[0]] = n[4]; });
    const cards = D.newsletters.map((n) => `<div class="nl"><div class="nlic"><i class="fa-solid ${n[3]}"></i></div><div class="nlt"><b>${n[1]}</b><p>${n[2]}</p></div>
      <button class="nlbtn${n[4] ? " on" : ""}" data-omni="newsletter_${n[0]}" data-nl="${n[0]}">${n[4] ? '<i class="fa-solid fa-check"></i> Subscribed' : "Sign up"}</button></div>`).join("");
    const times = ["6:00 AM", "7:00 AM", "8:00 AM", "12:00 PM", "6:00 PM"];
    settingsShell("newsletters", `
      <h1>Newsletters &amp; Email</h1><p class="lede">Choose what lands in your inbox. Changes apply from the next edition.</p>
      <div class="frow"><label class="fl">Full name<input data-omni="name_input" id="name_input" value="Jordan Rivera"></label>
        <label class="fl">Email address<input data-omni="email_input" id="email_input" value="j.rivera@example.com"></label></div>
      <h3>Newsletters</h3><div class="nlgrid">${cards}</div>
      <div class="frow three">
        <div><h3>Frequency</h3>${[["daily", "Daily digest"], ["weekly", "Weekly roundup"], ["breaking", "Only breaking news"]].map(([k, t]) =>
        `<label class="radio${k === "daily" ? " on" : ""}" data-omni="frequency_${k}" data-freq="${k}"><span class="rdot"></span>${t}</label>`).join("")}</div>
        <div><h3>Delivery time</h3><div class="dropdown wide" id="timedd"><button class="ddbtn" data-omni="delivery_time_dropdown" id="time_btn"><i class="fa-regular fa-clock"></i> <span id="time_val">7:00 AM</span> <i class="fa-solid fa-chevron-down"></i></button>
          <ul class="ddmenu" id="time_menu">${times.map((t) => `<li data-v="${t}">${t}</li>`).join("")}</ul></div>
          <p class="hint">Eastern Time (ET). Use ↑ ↓ and Enter to choose.</p></div>
        <div><h3>Email format</h3>${[["html", "Rich (HTML)"], ["text", "Plain text"]].map(([k, t]) =>
        `<label class="radio${k === "html" ? " on" : ""}" data-omni="format_${k}" data-format="${k}"><span class="rdot"></span>${t}</label>`).join("")}
          <label class="check" data-omni="partner_offers" id="partner"><span class="cbox"><i class="fa-solid fa-check"></i></span>Offers from our partners</label></div>
      </div>
      <a class="danger" data-omni="unsubscribe_all"><i class="fa-solid fa-ban"></i> Unsubscribe from all emails</a>`);
  }

  function display() {
    S.settings = {textSize: 2, theme: "light", order: ["world", "politics", "business", "tech", "sports", "culture"],
      shown: {world: true, politics: true, business: true, tech: true, sports: false, culture: true}, autoplay: true, compact: false};
    const sizes = ["Small", "Default", "Large", "Larger", "Largest"];
    settingsShell("display", `
      <h1>Display &amp; Home Page</h1><p class="lede">Make The Meridian easier to read and put the sections you care about first.</p>
      <div class="dgrid"><div>
        <h3>Text size</h3>
        <div class="slider" id="tslider"><div class="track" data-omni="text_size_track" id="ttrack"><div class="fill" id="tfill"></div>
          <div class="sthumb" data-omni="text_size_thumb" id="tthumb"></div></div>
          <div class="ticks">${sizes.map((s, i) => `<span data-omni="text_size_${i + 1}" data-size="${i + 1}">${s}</span>`).join("")}</div></div>
        <p class="preview" id="tpreview">Aa — The quick brown fox reads the morning news.</p>
        <h3>Theme</h3><div class="themes">${[["light", "fa-sun", "Light"], ["dark", "fa-moon", "Dark"], ["system", "fa-circle-half-stroke", "Match system"]].map(([k, ic, t]) =>
        `<button class="theme${k === "light" ? " on" : ""}" data-omni="theme_${k}" data-theme="${k}"><i class="fa-solid ${ic}"></i>${t}</button>`).join("")}</div>
        <h3>Playback</h3>
        <label class="toggle on" data-omni="autoplay_toggle" data-tog="autoplay"><span class="sw"></span>Autoplay videos on the home page</label>
        <label class="toggle" data-omni="compact_toggle" data-tog="compact"><span class="sw"></span>Compact headlines</label>
      </div><div>
        <h3>Home page sections <span class="sub">Drag <i class="fa-solid fa-grip-vertical"></i> to reorder</span></h3>
        <ul class="order" id="order"></ul>
      </div></div>`);
    renderOrder();
  }

  function renderOrder() {
    const names = {world: "World", politics: "Politics", business: "Business", tech: "Tech", sports: "Sports", culture: "Culture"};
    document.getElementById("order").innerHTML = S.settings.order.map((k, i) => `<li class="orow" data-omni="section_row_${k}" data-row="${k}">
      <span class="grip" data-omni="drag_${k}" data-drag="${k}"><i class="fa-solid fa-grip-vertical"></i></span><span class="opos">${i + 1}</span>${names[k]}
      <label class="toggle sm${S.settings.shown[k] ? " on" : ""}" data-omni="show_${k}" data-show="${k}"><span class="sw"></span></label></li>`).join("");
  }

  function setTextSize(n) {
    S.settings.textSize = n;
    const pct = (n - 1) * 25;
    document.getElementById("tthumb").style.left = pct + "%";
    document.getElementById("tfill").style.width = pct + "%";
    document.getElementById("tpreview").style.fontSize = (13 + n * 3) + "px";
  }

  // ---------- render ----------
  const screens = {home, article, search, sports, newsletters, display};
  (screens[SCREEN] || home)();
  if (SCREEN === "display") setTextSize(2);

  // ---------- interactions ----------
  function toast(msg) {
    let t = document.getElementById("toast");
    if (!t) { t = document.createElement("div"); t.id = "toast"; t.className = "toast"; document.body.appendChild(t); }
    t.textContent = msg; t.style.display = "block";
  }
  function toggleIn(arr, v) { const i = arr.indexOf(v); if (i >= 0) arr.splice(i, 1); else arr.push(v); return i < 0; }
  function snapshot() { S.saved = JSON.parse(JSON.stringify(S.settings)); }

  const ctx = document.getElementById("ctxmenu");
  function closeCtx() { ctx.hidden = true; S.contextMenu = null; }

  function openDropdown(id) {
    const dd = document.getElementById(id);
    dd.classList.add("open"); dd.dataset.hi = dd.dataset.hi || String([...dd.querySelectorAll("li")].findIndex((li) => li.classList.contains("sel")));
    if (dd.dataset.hi === "-1") dd.dataset.hi = "0";
    hiDropdown(dd);
  }
  function hiDropdown(dd) { dd.querySelectorAll("li").forEach((li, i) => li.classList.toggle("hi", String(i) === dd.dataset.hi)); }
  function chooseDropdown(dd, v) {
    dd.classList.remove("open");
    if (dd.id === "sortdd") { S.sort = v; S.sortOpen = false; document.getElementById("sort_val").textContent = v[0].toUpperCase() + v.slice(1); }
    if (dd.id === "timedd") { S.settings.deliveryTime = v; document.getElementById("time_val").textContent = v; }
    dd.querySelectorAll("li").forEach((li) => li.classList.toggle("sel", li.dataset.v === v));
  }
  ["sortdd", "timedd"].forEach((id) => { const dd = document.getElementById(id); if (dd) dd.querySelectorAll("li").forEach((li) => li.classList.toggle("sel", li.dataset.v === (id === "sortdd" ? "relevance" : "7:00 AM"))); });

  function handle(label, el, e) {
    if (label === "search_input" || label === "search_query" || label === "comment_box" || label === "name_input" || label === "email_input") return;
    let m;
    if ((m = label.match(/^section_(\w+)$/)) && el.dataset.sec) { S.section = m[1]; S.view = "section"; return; }
    if ((m = label.match(/^bookmark_story_(\d+)$/))) { const on = toggleIn(S.bookmarks, "story_" + m[1]); el.innerHTML = `<i class="fa-${on ? "solid" : "regular"} fa-bookmark"></i>`; el.classList.toggle("on", on); updateSaved(); return; }
    if ((m = label.match(/^save_result_(\d+)$/))) { const on = toggleIn(S.bookmarks, "result_" + m[1]); el.innerHTML = `<i class="fa-${on ? "solid" : "regular"} fa-bookmark"></i>`; el.classList.toggle("on", on); updateSaved(); return; }
    if ((m = label.match(/^(story|more_story|most_read|opinion|sports_story|result)_(\d+)$/))) { S.view = "article"; S.article = label; return; }
    if ((m = label.match(/^video_(\d+)$/))) { S.playing = label; document.querySelectorAll(".vcard").forEach((v) => v.classList.toggle("playing", v === el)); return; }
    if (label === "videos_next" || label === "videos_prev") { const v = document.getElementById("vstrip"); v.scrollLeft += label === "videos_next" ? 536 : -536; return; }
    if (label === "scores_next" || label === "scores_prev") { const v = document.getElementById("sstrip"); v.scrollLeft += label === "scores_next" ? 560 : -560; return; }
    if (label === "close_ticker") { S.tickerClosed = true; document.getElementById("ticker").style.display = "none"; return; }
    if (label === "menu_button") { S.menuOpen = !S.menuOpen; return; }
    if (label === "subscribe_button") { S.subscribeOpen = true; S.view = "subscribe"; return; }
    if (label === "saved_button") { S.view = "saved"; return; }
    if (label === "account_button") { S.view = "account_menu"; return; }
    if (label === "logo_home") { S.view = "home"; return; }
    // article
    if (label === "follow_author") { S.following = !S.following; el.innerHTML = S.following ? '<i class="fa-solid fa-check"></i> Following' : '<i class="fa-solid fa-plus"></i> Follow'; el.classList.toggle("on", S.following); return; }
    if ((m = label.match(/^share_(facebook|x|email)$/))) { S.shared = m[1]; toast("Sharing via " + m[1]); return; }
    if (label === "copy_link") { S.linkCopied = true; toast("Link copied to clipboard"); return; }
    if (label === "bookmark_article") { toggleArticleBookmark(); return; }
    if (label === "print_article") { S.printed = true; toast("Preparing print view…"); return; }
    if (label === "gift_article") { S.gift = true; toast("Gift link created: 10 gift articles left this month"); return; }
    if (label === "font_smaller" || label === "font_larger") { S.fontScale += label === "font_larger" ? 1 : -1; document.getElementById("body").style.fontSize = (18 + 2 * S.fontScale) + "px"; return; }
    if (label === "listen_button") { S.listening = !S.listening; el.innerHTML = S.listening ? '<i class="fa-solid fa-pause"></i> Pause · 6:12' : '<i class="fa-solid fa-headphones"></i> Listen · 6:12'; return; }
    if ((m = label.match(/^tab_(\w+)$/))) { S.commentsTab = m[1]; document.querySelectorAll(".ctabs button").forEach((b) => b.classList.toggle("on", b === el)); return; }
    if (label === "post_comment") { postComment(); return; }
    if ((m = label.match(/^like_comment_(\d+)$/))) { const on = toggleIn(S.likes, +m[1]); const c = el.querySelector("span"); c.textContent = D.comments[m[1] - 1][3] + (on ? 1 : 0); el.classList.toggle("on", on); return; }
    if ((m = label.match(/^reply_comment_(\d+)$/))) { S.replyTo = +m[1]; const box = document.getElementById("comment_box"); box.placeholder = "Reply to " + D.comments[m[1] - 1][0] + "…"; box.focus(); return; }
    if ((m = label.match(/^flag_comment_(\d+)$/))) { toggleIn(S.flagged, +m[1]); el.classList.toggle("on"); return; }
    // search
    if (label === "clear_search") { const q = document.getElementById("search_query"); q.value = ""; S.search.text = ""; q.focus(); return; }
    if (label === "search_submit") { submitSearch(document.getElementById("search_query").value); return; }
    if ((m = label.match(/^date_(\w+)$/))) { S.filters.date = m[1]; el.parentNode.querySelectorAll("[data-date]").forEach((r) => r.classList.toggle("on", r === el)); return; }
    if ((m = label.match(/^filter_(\w+)$/))) { el.classList.toggle("on", toggleIn(S.filters.sections, m[1])); return; }
    if ((m = label.match(/^type_(\w+)$/))) { el.classList.toggle("on", toggleIn(S.filters.types, m[1])); return; }
    if (label === "reset_filters") { S.filters = {date: "any", sections: [], types: []}; document.querySelectorAll(".filters .check").forEach((c) => c.classList.remove("on")); document.querySelectorAll("[data-date]").forEach((r) => r.classList.toggle("on", r.dataset.date === "any")); return; }
    if (label === "sort_dropdown") { const dd = document.getElementById("sortdd"); if (dd.classList.contains("open")) dd.classList.remove("open"); else openDropdown("sortdd"); S.sortOpen = dd.classList.contains("open"); return; }
    if (label === "delivery_time_dropdown") { const dd = document.getElementById("timedd"); if (dd.classList.contains("open")) dd.classList.remove("open"); else openDropdown("timedd"); return; }
    if ((m = label.match(/^page_(\d+|next|prev)$/))) { S.page = m[1] === "next" ? S.page + 1 : m[1] === "prev" ? Math.max(1, S.page - 1) : +m[1]; document.querySelectorAll(".pager button").forEach((b) => b.classList.toggle("on", b.dataset.omni === "page_" + S.page)); return; }
    // sports
    if ((m = label.match(/^league_(\w+)$/))) { S.league = m[1]; document.querySelectorAll(".leagues button").forEach((b) => b.classList.toggle("on", b === el)); return; }
    if ((m = label.match(/^follow_(\w+)$/))) { const on = toggleIn(S.followedTeams, el.dataset.follow); el.innerHTML = `<i class="fa-${on ? "solid" : "regular"} fa-star"></i>`; el.classList.toggle("on", on); return; }
    if ((m = label.match(/^team_(\w+)$/))) { S.team = el.dataset.team; return; }
    if ((m = label.match(/^game_(\d+)$/))) { S.game = +m[1]; document.querySelectorAll(".game").forEach((g) => g.classList.toggle("sel", g === el)); return; }
    // settings
    if ((m = label.match(/^settings_(\w+)$/))) { S.settingsPage = m[1]; document.querySelectorAll(".snav a").forEach((a) => a.classList.toggle("on", a === el)); return; }
    if (label === "sign_out") { S.view = "signed_out"; return; }
    if ((m = label.match(/^newsletter_(\w+)$/))) { const on = !S.settings.newsletters[m[1]]; S.settings.newsletters[m[1]] = on; el.classList.toggle("on", on); el.innerHTML = on ? '<i class="fa-solid fa-check"></i> Subscribed' : "Sign up"; return; }
    if ((m = label.match(/^frequency_(\w+)$/))) { S.settings.frequency = m[1]; document.querySelectorAll("[data-freq]").forEach((r) => r.classList.toggle("on", r === el)); return; }
    if ((m = label.match(/^format_(\w+)$/))) { S.settings.format = m[1]; document.querySelectorAll("[data-format]").forEach((r) => r.classList.toggle("on", r === el)); return; }
    if (label === "partner_offers") { S.settings.partnerOffers = !S.settings.partnerOffers; el.classList.toggle("on", S.settings.partnerOffers); return; }
    if (label === "unsubscribe_all") { Object.keys(S.settings.newsletters).forEach((k) => { S.settings.newsletters[k] = false; }); document.querySelectorAll(".nlbtn").forEach((b) => { b.classList.remove("on"); b.textContent = "Sign up"; }); return; }
    if (label === "save_settings") { snapshot(); document.getElementById("savemsg").innerHTML = '<i class="fa-solid fa-circle-check"></i> Your changes have been saved.'; return; }
    if (label === "cancel_changes") { S.view = "settings_cancelled"; S.saved = null; return; }
    if ((m = label.match(/^text_size_(\d)$/))) { setTextSize(+m[1]); return; }
    if ((m = label.match(/^theme_(\w+)$/))) { S.settings.theme = m[1]; document.querySelectorAll(".theme").forEach((b) => b.classList.toggle("on", b === el)); return; }
    if (el.dataset.tog) { const k = el.dataset.tog; S.settings[k] = !S.settings[k]; el.classList.toggle("on", S.settings[k]); return; }
    if (el.dataset.show) { const k = el.dataset.show; S.settings.shown[k] = !S.settings.shown[k]; el.classList.toggle("on", S.settings.shown[k]); return; }
    if (label.startsWith("edition_")) { S.edition = label.slice(8); return; }
    if (/_link$|^crumb_|^markets_more$|^full_standings$|^ticker_story$|^author_link$/.test(label)) { S.view = label; return; }
  }

  function updateSaved() { const b = document.getElementById("saved_count"); if (b) b.textContent = S.bookmarks.length || ""; }
  function toggleArticleBookmark() {
    const on = toggleIn(S.bookmarks, "article_1");
    const b = document.getElementById("bm_article");
    b.innerHTML = `<i class="fa-${on ? "solid" : "regular"} fa-bookmark"></i>`; b.classList.toggle("on", on); updateSaved();
    toast(on ? "Saved to your reading list" : "Removed from your reading list");
  }
  function postComment() {
    const box = document.getElementById("comment_box");
    const t = box.value.trim();
    if (!t) return;
    S.comments.push({text: t, replyTo: S.replyTo});
    const div = document.createElement("div");
    div.innerHTML = commentHtml(["Jordan R.", "New York", t, 0, "Just now"], 100 + S.comments.length);
    div.firstChild.classList.add("mine");
    const list = document.getElementById("clist");
    list.insertBefore(div.firstChild, list.firstChild);
    box.value = ""; S.commentDraft = ""; S.replyTo = null; box.placeholder = "Share your thoughts… (Ctrl+Enter to post)";
  }
  function submitSearch(q) { S.search.query = q.trim(); S.search.submitted = true; S.view = "search_results"; }

  document.addEventListener("click", (e) => {
    if (!ctx.hidden && !ctx.contains(e.target)) closeCtx();
    const li = e.target.closest(".ddmenu li");
    if (li) { chooseDropdown(li.closest(".dropdown"), li.dataset.v); return; }
    const el = e.target.closest("[data-omni]");
    document.querySelectorAll(".dropdown.open").forEach((dd) => { if (!el || !dd.contains(el)) { dd.classList.remove("open"); if (dd.id === "sortdd") S.sortOpen = false; } });
    if (!el) return;
    handle(el.dataset.omni, el, e);
  });

  document.addEventListener("dblclick", (e) => {
    const el = e.target.closest("[data-omni]");
    if (!el) return;
    const l = el.dataset.omni;
    if (l.startsWith("term_")) {
      S.defined = l.slice(5);
      const defs = {methane: "a colourless, odourless gas (CH4); a greenhouse gas about 80 times as potent as CO2 over 20 years.",
        flaring: "the controlled burning of natural gas that cannot be processed or sold.",
        permafrost: "ground that stays frozen for at least two consecutive years."};
      const r = el.getBoundingClientRect();
      let pop = document.getElementById("defpop");
      if (!pop) { pop = document.createElement("div"); pop.id = "defpop"; pop.className = "defpop"; document.body.appendChild(pop); }
      pop.innerHTML = `<b>${S.defined}</b> <i>noun</i><br>${defs[S.defined]}`;
      pop.style.left = r.left + "px"; pop.style.top = (r.bottom + window.scrollY + 6) + "px"; pop.style.display = "block";
      window.getSelection().removeAllRanges();
    } else if (l.startsWith("video_") && el.dataset.video) {
      S.fullscreen = l;
      const fs = document.createElement("div"); fs.className = "fsplayer";
      fs.innerHTML = `<div class="fsbar"><i class="fa-solid fa-pause"></i> ${D.videos[el.dataset.video - 1][0]} <span>0:03 / ${D.videos[el.dataset.video - 1][1]}</span><i class="fa-solid fa-compress"></i></div>`;
      document.body.appendChild(fs);
    }
  });

  document.addEventListener("contextmenu", (e) => {
    // Only the card itself opens its menu: a right-click on its bookmark button is a right-click on that button.
    const el = e.target.closest("[data-omni]");
    e.preventDefault();
    if (!el || !el.matches("[data-story],[data-result],[data-video]")) return;
    S.contextMenu = el.dataset.omni;
    ctx.innerHTML = ["Open in new tab", "Save for later", "Share…", "Copy link", "Hide this story"].map((t) => `<div class="ci">${t}</div>`).join("");
    ctx.style.left = e.clientX + "px"; ctx.style.top = e.clientY + "px"; ctx.hidden = false;
  });

  // Hover: section mega menus, video previews, the author card.
  document.addEventListener("mouseover", (e) => {
    const nav = e.target.closest(".navitem");
    S.hoverMenu = nav && D.subsections[nav.dataset.sec] ? nav.dataset.sec : null;
    document.querySelectorAll(".navitem").forEach((n) => n.classList.toggle("hover", n === nav));
    const v = e.target.closest(".vcard");
    S.preview = v ? v.dataset.omni : null;
    document.querySelectorAll(".vcard").forEach((c) => c.classList.toggle("preview", c === v));
    const au = e.target.closest(".author,.authorcard");
    S.authorCard = !!au;
    const ac = document.getElementById("authorcard"); if (ac) ac.style.display = au ? "block" : "none";
  });

  // Mouse drags: the text-size slider and the home-page section order.
  let drag = null;
  document.addEventListener("mousedown", (e) => {
    if (e.button !== 0) return;
    if (e.target.closest("#tthumb") || e.target.closest("#ttrack")) { drag = {kind: "slider"}; e.preventDefault(); return; }
    const g = e.target.closest("[data-drag]");
    if (g) { drag = {kind: "row", key: g.dataset.drag}; g.closest(".orow").classList.add("dragging"); e.preventDefault(); }
  });
  document.addEventListener("mousemove", (e) => {
    if (!drag) return;
    if (drag.kind === "slider") sliderAt(e.clientX);
    if (drag.kind === "row") document.querySelectorAll(".orow").forEach((r) => { const b = r.getBoundingClientRect(); r.classList.toggle("over", e.clientY >= b.top && e.clientY < b.bottom && r.dataset.row !== drag.key); });
  });
  document.addEventListener("mouseup", (e) => {
    if (!drag) return;
    if (drag.kind === "slider") sliderAt(e.clientX);
    if (drag.kind === "row") {
      const target = [...document.querySelectorAll(".orow")].find((r) => { const b = r.getBoundingClientRect(); return e.clientY >= b.top && e.clientY < b.bottom; });
      if (target && target.dataset.row !== drag.key) {
        const o = S.settings.order.filter((k) => k !== drag.key);
        o.splice(o.indexOf(target.dataset.row), 0, drag.key);
        S.settings.order = o;
      }
      renderOrder();
    }
    drag = null;
  });
  function sliderAt(x) {
    const b = document.getElementById("ttrack").getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (x - b.left) / b.width));
    setTextSize(1 + Math.round(f * 4));
  }

  // Keyboard: search on Enter, dropdown keys, shortcuts.
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    const open = document.querySelector(".dropdown.open");
    if (open && (e.key === "ArrowDown" || e.key === "ArrowUp" || e.key === "Enter" || e.key === "Escape")) {
      const n = open.querySelectorAll("li").length;
      if (e.key === "ArrowDown") open.dataset.hi = String(Math.min(n - 1, +open.dataset.hi + 1));
      if (e.key === "ArrowUp") open.dataset.hi = String(Math.max(0, +open.dataset.hi - 1));
      if (e.key === "Enter") chooseDropdown(open, open.querySelectorAll("li")[+open.dataset.hi].dataset.v);
      if (e.key === "Escape") open.classList.remove("open");
      hiDropdown(open); e.preventDefault(); return;
    }
    if (e.key === "Enter" && t && (t.id === "search_input" || t.id === "search_query")) { submitSearch(t.value); e.preventDefault(); return; }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && t && t.id === "comment_box") { postComment(); e.preventDefault(); return; }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "b" && SCREEN === "article") { toggleArticleBookmark(); e.preventDefault(); return; }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "p" && SCREEN === "article") { S.printed = true; toast("Preparing print view…"); e.preventDefault(); return; }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s" && S.settings) { snapshot(); document.getElementById("savemsg").innerHTML = '<i class="fa-solid fa-circle-check"></i> Your changes have been saved.'; e.preventDefault(); return; }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") { const s = document.getElementById("search_input"); s.focus(); S.searchFocused = true; e.preventDefault(); return; }
    if (e.key === "/" && !(t && /INPUT|TEXTAREA/.test(t.tagName))) { document.getElementById("search_input").focus(); S.searchFocused = true; e.preventDefault(); return; }
    if (e.key === "Escape") {
      if (!ctx.hidden) closeCtx();
      const fs = document.querySelector(".fsplayer"); if (fs) { fs.remove(); S.fullscreen = null; }
      const pop = document.getElementById("defpop"); if (pop) { pop.style.display = "none"; S.defined = null; }
    }
  });
  document.addEventListener("input", (e) => {
    const t = e.target;
    if (t.id === "search_input" || t.id === "search_query") S.search.text = t.value;
    if (t.id === "comment_box") S.commentDraft = t.value;
    if (t.id === "name_input" && S.settings) S.settings.name = t.value;
    if (t.id === "email_input" && S.settings) S.settings.email = t.value;
  });
  document.addEventListener("focusin", (e) => { if (e.target.id === "search_input") S.searchFocused = true; });
  // Scroll positions, so scroll tasks can be checked.
  window.addEventListener("scroll", () => { S.scroll.page = Math.round(window.scrollY); }, {passive: true});
  [["clist", "comments"], ["vstrip", "videos"], ["sstrip", "scores"]].forEach(([id, k]) => {
    const el = document.getElementById(id);
    if (el) el.addEventListener("scroll", () => { S.scroll[k] = Math.round(k === "comments" ? el.scrollTop : el.scrollLeft); }, {passive: true});
  });
  window.omni.ready = true;
})();
