/* Cartwheel, an online shop: home, search results, product page and cart, one screen per ?screen=. */
(function () {
  const {h, icon, bind, sync, money, slug} = Kit;
  const SCREEN = Kit.params.get('screen') || 'home';
  const SIZES = [38, 39, 40, 41, 42, 43, 44, 45, 46];
  const SOLD_OUT = [44];
  const COLORS = [['blue', '#2f6fd6'], ['black', '#1f2937'], ['red', '#d94040'], ['grey', '#9ca3af'], ['green', '#0e9f6e']];
  const TICKS = [0, 50, 100, 150, 200];

  const state = {
    view: SCREEN,
    searchText: SCREEN === 'results' ? 'running shoes' : '',
    query: SCREEN === 'results' ? 'running shoes' : null,
    category: null,
    cart: SCREEN === 'cart' ? Kit.clone(CART0) : [],
    wishlist: [],
    compare: [],
    saved: SCREEN === 'cart' ? ['Rain jacket'] : [],
    filters: {brands: [], priceMin: 0, priceMax: 200, minRating: 0, freeShipping: false, sizes: []},
    sort: 'relevance',
    layout: 'grid',
    page: 1,
    quickView: null,
    contextMenu: null,
    heroSlide: 1,
    product: {name: 'Trail Runner 2', color: 'blue', size: null, qty: 1, image: 1, zoomed: false},
    delivery: {postcode: '', checked: null, option: 'standard'},
    reviews: {sort: 'top', helpful: [], draft: '', stars: 0, posted: []},
    promo: {code: '', applied: null},
    shipping: 'standard',
    giftWrap: false,
    newsletter: {email: '', subscribed: null},
    ui: {megaMenu: null, tooltip: null, scrollY: 0, deals: 0, reviews: 0, also: 0, recs: 0, dragging: null},
  };

  const root = document.getElementById('root');
  let menuEl = null;

  function set(fn) { fn(state); sync(); }
  function go(view) { state.view = view; state.contextMenu = null; renderView(); }

  function stars(r, size) {
    const out = [];
    for (let i = 1; i <= 5; i++) {
      const cls = r >= i ? 'fa-solid fa-star' : r >= i - 0.5 ? 'fa-solid fa-star-half-stroke' : 'fa-regular fa-star';
      out.push(icon(cls));
    }
    return h('span', {class: 'stars' + (size ? ' ' + size : '')}, out);
  }
  function thumb(p, cls) {
    return h('div', {class: 'thumb ' + (cls || ''), style: {background: `linear-gradient(135deg, ${p.tint}22, ${p.tint}55)`}},
      icon('fa-solid ' + p.icon, ''), h('span', {class: 'thumb-shadow'}));
  }
  function cartCount() { return state.cart.reduce((n, c) => n + c.qty, 0); }

  // ---------------------------------------------------------------- header, nav, context menu
  function header() {
    const search = h('input', {class: 'search-input', type: 'text', placeholder: 'Search Cartwheel', omni: 'search_input',
      value: state.searchText, on: {input: (e) => set((s) => { s.searchText = e.target.value; }),
        keydown: (e) => { if (e.key === 'Enter') submitSearch(); }}});
    return h('header', {},
      h('div', {class: 'promo-strip', static: 'promo_banner'}, icon('fa-solid fa-truck-fast'), ' Free shipping on orders over $50 · Free returns within 30 days'),
      h('div', {class: 'topbar'},
        h('a', {class: 'logo', omni: 'logo_link', on: {click: () => go('home')}}, icon('fa-solid fa-dharmachakra'), h('span', {}, 'Cartwheel')),
        h('button', {class: 'deliver', omni: 'deliver_to_button'}, icon('fa-solid fa-location-dot'), h('span', {}, h('small', {}, 'Deliver to Sam'), h('b', {}, 'Seattle 98101'))),
        h('div', {class: 'search'},
          h('button', {class: 'search-scope', omni: 'search_scope_button'}, 'All ', icon('fa-solid fa-caret-down')),
          search,
          h('span', {class: 'kbd', static: 'search_shortcut_hint'}, 'Ctrl K'),
          h('button', {class: 'search-btn', omni: 'search_button', title: 'Search', on: {click: submitSearch}}, icon('fa-solid fa-magnifying-glass'))),
        h('button', {class: 'hdr-btn', omni: 'account_button', on: {click: () => go('account')}}, icon('fa-regular fa-user'), h('span', {}, h('small', {}, 'Hello, Sam'), h('b', {}, 'Account'))),
        h('button', {class: 'hdr-btn', omni: 'orders_button', on: {click: () => go('orders')}}, icon('fa-solid fa-box'), h('span', {}, h('small', {}, 'Returns'), h('b', {}, '& Orders'))),
        h('button', {class: 'hdr-btn icon-only', omni: 'wishlist_button', title: 'Wish list', on: {click: () => go('wishlist')}}, icon('fa-regular fa-heart'),
          bind(h('span', {class: 'badge'}), (el) => { el.textContent = state.wishlist.length; el.style.display = state.wishlist.length ? '' : 'none'; })),
        h('button', {class: 'hdr-btn cart-btn', omni: 'cart_button', on: {click: () => go('cart')}}, icon('fa-solid fa-cart-shopping'),
          bind(h('span', {class: 'badge cart-badge'}), (el) => { el.textContent = cartCount(); }), h('b', {}, 'Cart'))),
      h('nav', {class: 'navbar'},
        h('button', {class: 'nav-all', omni: 'nav_all_menu'}, icon('fa-solid fa-bars'), ' All'),
        NAV.map((n) => {
          const key = slug(n);
          return bind(h('button', {class: 'nav-item', omni: 'nav_' + key,
            on: {mouseenter: () => set((s) => { s.ui.megaMenu = key; }), mouseleave: () => set((s) => { s.ui.megaMenu = null; }),
              click: () => { state.ui.megaMenu = null; state.category = n; go('results'); }}}, n,
            (key === 'men' || key === 'women' || key === 'kids') ? icon('fa-solid fa-chevron-down', 'small') : null),
          (el) => el.classList.toggle('hover', state.ui.megaMenu === key));
        }),
        h('span', {class: 'grow'}),
        h('button', {class: 'nav-item', omni: 'help_link', on: {click: () => go('help')}}, icon('fa-regular fa-circle-question'), ' Help'),
        h('button', {class: 'nav-item strong', omni: 'sell_link'}, 'Sell on Cartwheel')),
      bind(h('div', {class: 'mega'}, ['Running shoes', 'Trainers', 'Hiking boots', 'Sandals', 'Socks', 'Jackets', 'Shorts', 'Accessories'].map((x) => h('a', {}, x))),
        (el) => { el.style.display = ['men', 'women', 'kids'].includes(state.ui.megaMenu) ? 'grid' : 'none';
                  el.style.left = ({men: 70, women: 140, kids: 230})[state.ui.megaMenu] + 'px'; }));
  }
  function submitSearch() {
    const q = state.searchText.trim();
    if (!q) return;
    state.query = q;
    go('results');
  }
  function openMenu(e, target, items) {
    e.preventDefault();
    set((s) => { s.contextMenu = target; });
    if (menuEl) menuEl.remove();
    menuEl = h('div', {class: 'ctx-menu', style: {left: e.clientX + 'px', top: e.clientY + 'px'}},
      h('div', {class: 'ctx-title'}, target), items.map(([label, ic]) => h('div', {class: 'ctx-item'}, icon(ic), ' ', label)));
    document.body.appendChild(menuEl);
  }
  document.addEventListener('mousedown', (e) => {
    if (menuEl && !menuEl.contains(e.target) && e.button === 0) { menuEl.remove(); menuEl = null; set((s) => { s.contextMenu = null; }); }
  });

  // ---------------------------------------------------------------- home
  function home() {
    const slides = ['Autumn running sale', 'New season trail gear', 'Smart home week'];
    const hero = h('section', {class: 'hero', static: 'hero_banner'},
      h('div', {class: 'hero-text'},
        bind(h('div', {class: 'eyebrow'}), (el) => { el.textContent = 'Slide ' + state.heroSlide + ' of 3'; }),
        bind(h('h1', {}), (el) => { el.textContent = slides[state.heroSlide - 1]; }),
        h('p', {}, 'Up to 40% off shoes, apparel and accessories from the brands runners trust.'),
        h('button', {class: 'btn primary big', omni: 'hero_shop_now_button', on: {click: () => { state.category = 'Running'; go('results'); }}}, 'Shop now'),
        h('div', {class: 'dots'}, [1, 2, 3].map((i) => bind(h('button', {class: 'dot', omni: 'hero_dot_' + i, on: {click: () => set((s) => { s.heroSlide = i; })}}),
          (el) => el.classList.toggle('on', state.heroSlide === i))))),
      h('div', {class: 'hero-art'}, icon('fa-solid fa-person-running'), icon('fa-solid fa-shoe-prints', 'second')),
      h('button', {class: 'hero-arrow left', omni: 'hero_prev', on: {click: () => set((s) => { s.heroSlide = s.heroSlide === 1 ? 3 : s.heroSlide - 1; })}}, icon('fa-solid fa-chevron-left')),
      h('button', {class: 'hero-arrow right', omni: 'hero_next', on: {click: () => set((s) => { s.heroSlide = s.heroSlide === 3 ? 1 : s.heroSlide + 1; })}}, icon('fa-solid fa-chevron-right')));
    const side = h('aside', {class: 'home-side'},
      h('div', {class: 'card signin'}, h('h3', {}, 'Sign in for the best experience'),
        h('button', {class: 'btn primary', omni: 'sign_in_button', on: {click: () => go('signin')}}, 'Sign in securely'),
        h('a', {class: 'link', omni: 'create_account_link', on: {click: () => go('register')}}, 'New customer? Start here.')),
      h('div', {class: 'card today'}, h('h3', {}, "Today's deal"),
        h('div', {class: 'today-row'}, thumb(DEALS[0], 'small'), h('div', {}, h('b', {}, DEALS[0].name), h('div', {class: 'price'}, money(DEALS[0].price), h('s', {}, money(DEALS[0].old))),
          h('button', {class: 'btn small', omni: 'todays_deal_add', on: {click: () => addToCart(DEALS[0].name, null, 'black')}}, 'Add to cart')))));
    const cats = h('section', {class: 'cats'}, h('h2', {}, 'Shop by category'),
      h('div', {class: 'cat-row'}, CATEGORIES.map((c) => h('button', {class: 'cat-tile', omni: 'category_' + slug(c.name) + '_tile', style: {background: c.tint},
        on: {click: () => { state.category = c.name; go('results'); }}}, icon('fa-solid ' + c.icon), h('span', {}, c.name)))));
    const track = h('div', {class: 'deal-track', on: {scroll: (e) => { state.ui.deals = e.target.scrollLeft; }}},
      DEALS.map((d) => {
        const k = slug(d.name);
        const off = Math.round(100 * (1 - d.price / d.old));
        return h('div', {class: 'deal-card', omni: 'deal_' + k + '_card',
          on: {dblclick: () => set((s) => { if (!s.wishlist.includes(d.name)) s.wishlist.push(d.name); }),
               contextmenu: (e) => { if (e.target.closest('button')) { e.preventDefault(); return; } openMenu(e, d.name, [['Add to wish list', 'fa-regular fa-heart'], ['Share', 'fa-solid fa-share-nodes'], ['Hide this deal', 'fa-regular fa-eye-slash']]); }}},
          thumb(d), h('span', {class: 'off'}, '-' + off + '%'),
          bind(h('i', {class: 'fa-solid fa-heart liked'}), (el) => { el.style.display = state.wishlist.includes(d.name) ? '' : 'none'; }),
          h('div', {class: 'deal-name'}, d.name),
          h('div', {class: 'price'}, money(d.price), ' ', h('s', {}, money(d.old))),
          h('button', {class: 'btn small', omni: 'deal_' + k + '_add', on: {click: (e) => { e.stopPropagation(); addToCart(d.name, null, null); }}}, icon('fa-solid fa-cart-plus'), ' Add'));
      }));
    const deals = h('section', {class: 'deals'},
      h('div', {class: 'sec-head'}, h('h2', {}, 'Deals of the day'), h('span', {class: 'timer', static: 'deals_timer'}, icon('fa-regular fa-clock'), ' Ends in 05:42:17'),
        h('span', {class: 'hint'}, 'Double-click a deal to save it'), h('span', {class: 'grow'}),
        h('button', {class: 'round', omni: 'deals_prev', on: {click: () => { track.scrollLeft -= 648; }}}, icon('fa-solid fa-chevron-left')),
        h('button', {class: 'round', omni: 'deals_next', on: {click: () => { track.scrollLeft += 648; }}}, icon('fa-solid fa-chevron-right')),
        h('a', {class: 'link', omni: 'see_all_deals_link', on: {click: () => { state.category = 'Deals'; go('results'); }}}, 'See all deals')),
      track);
    const recs = h('section', {class: 'recs'}, h('h2', {}, 'Recommended for you'),
      h('div', {class: 'rec-grid'}, PRODUCTS.slice(0, 4).map((p) => h('div', {class: 'rec-card'}, thumb(p), h('b', {}, p.name), h('div', {class: 'price'}, money(p.price))))));
    const news = h('section', {class: 'newsletter'}, h('h2', {}, 'Get deals in your inbox'),
      h('input', {type: 'email', placeholder: 'Email address', omni: 'newsletter_email_input', on: {input: (e) => set((s) => { s.newsletter.email = e.target.value; })}}),
      h('button', {class: 'btn primary', omni: 'newsletter_subscribe_button', on: {click: () => set((s) => { if (s.newsletter.email) s.newsletter.subscribed = s.newsletter.email; })}}, 'Subscribe'));
    return h('main', {class: 'home'}, h('div', {class: 'home-top'}, hero, side), cats, deals, recs, news, footer());
  }
  function footer() {
    return h('footer', {}, ['Get to know us', 'Make money with us', 'Let us help you'].map((t) => h('div', {}, h('b', {}, t), h('span', {}, 'About · Careers · Press'))),
      h('div', {class: 'copy'}, '© 2026 Cartwheel, Inc.'));
  }

  // ---------------------------------------------------------------- results
  function addToCart(name, size, color, qty) {
    set((s) => {
      const line = s.cart.find((c) => c.item === name && c.size === (size ?? null) && c.color === (color ?? null));
      if (line) line.qty += qty || 1; else s.cart.push({item: name, size: size ?? null, color: color ?? null, qty: qty || 1});
    });
  }
  function toggle(list, v) { const i = list.indexOf(v); if (i >= 0) list.splice(i, 1); else list.push(v); }

  function slider() {
    const W = 200;  // px between the $0 and $200 ticks
    const track = h('div', {class: 'range'});
    const fill = bind(h('div', {class: 'range-fill'}), (el) => { el.style.left = (state.filters.priceMin / 200 * W) + 'px'; el.style.width = ((state.filters.priceMax - state.filters.priceMin) / 200 * W) + 'px'; });
    const value = (x) => {
      const r = track.getBoundingClientRect();
      const v = Math.round(Math.max(0, Math.min(1, (x - r.left) / W)) * 40) * 5;  // $5 steps
      return v;
    };
    const handle = (which) => {
      const el = bind(h('div', {class: 'range-handle', omni: 'price_' + which + '_handle', title: which === 'min' ? 'Minimum price' : 'Maximum price'}),
        (e) => { e.style.left = (state.filters[which === 'min' ? 'priceMin' : 'priceMax'] / 200 * W) + 'px'; });
      Kit.draggable(el, {onMove: (x) => set((s) => {
        const v = value(x);
        if (which === 'min') s.filters.priceMin = Math.min(v, s.filters.priceMax - 5); else s.filters.priceMax = Math.max(v, s.filters.priceMin + 5);
      })});
      return el;
    };
    track.append(h('div', {class: 'range-rail'}), fill, handle('min'), handle('max'));
    const ticks = h('div', {class: 'ticks'}, TICKS.map((t) => h('button', {class: 'tick', omni: 'price_tick_' + t, style: {left: (t / 200 * W) + 'px'},
      on: {click: () => set((s) => {  // a tick moves the nearer handle to it
        if (Math.abs(t - s.filters.priceMin) <= Math.abs(t - s.filters.priceMax) && t < s.filters.priceMax) s.filters.priceMin = t; else if (t > s.filters.priceMin) s.filters.priceMax = t;
      })}}, '$' + t)));
    return h('div', {class: 'facet'}, h('h4', {}, 'Price'),
      bind(h('div', {class: 'range-label'}), (el) => { el.textContent = `$${state.filters.priceMin} – $${state.filters.priceMax}${state.filters.priceMax === 200 ? '+' : ''}`; }),
      track, ticks);
  }
  function checkRow(label, omni, get, flip) {
    return bind(h('label', {class: 'check-row', omni, on: {click: (e) => { e.preventDefault(); set(flip); }}}, h('span', {class: 'box'}, icon('fa-solid fa-check')), label),
      (el) => el.classList.toggle('on', get()));
  }
  function results() {
    const f = state.filters;
    const side = h('aside', {class: 'filters'},
      h('div', {class: 'facet-head'}, h('h3', {}, 'Filters'), h('a', {class: 'link', omni: 'clear_filters_button', on: {click: () => set((s) => { s.filters = {brands: [], priceMin: 0, priceMax: 200, minRating: 0, freeShipping: false, sizes: []}; })}}, 'Clear all')),
      h('div', {class: 'facet'}, h('h4', {}, 'Brand'), ['Stride', 'Velo', 'Peak', 'Urbano', 'Nimbus'].map((b) =>
        checkRow(b, 'brand_' + slug(b) + '_checkbox', () => state.filters.brands.includes(b), (s) => toggle(s.filters.brands, b)))),
      slider(),
      h('div', {class: 'facet'}, h('h4', {}, 'Customer rating'), [4, 3, 2].map((r) => bind(h('button', {class: 'rating-row', omni: 'rating_' + r + '_up',
        on: {click: () => set((s) => { s.filters.minRating = s.filters.minRating === r ? 0 : r; })}}, stars(r), ' & up'), (el) => el.classList.toggle('on', state.filters.minRating === r)))),
      h('div', {class: 'facet'}, h('h4', {}, 'Shipping'),
        bind(h('button', {class: 'switch-row', omni: 'free_shipping_toggle', on: {click: () => set((s) => { s.filters.freeShipping = !s.filters.freeShipping; })}},
          h('span', {class: 'switch'}, h('span', {class: 'knob'})), 'Free shipping'), (el) => el.classList.toggle('on', state.filters.freeShipping))),
      h('div', {class: 'facet'}, h('h4', {}, 'Size (EU)'), h('div', {class: 'chips'}, [39, 40, 41, 42, 43, 44].map((z) =>
        bind(h('button', {class: 'chip', omni: 'size_filter_' + z, on: {click: () => set((s) => toggle(s.filters.sizes, z))}}, String(z)), (el) => el.classList.toggle('on', state.filters.sizes.includes(z)))))));
    const sorts = [['relevance', 'Relevance'], ['price_low', 'Price: low to high'], ['price_high', 'Price: high to low'], ['rating', 'Avg. rating'], ['newest', 'Newest']];
    const toolbar = h('div', {class: 'toolbar'},
      h('div', {class: 'count', static: 'results_count'}, '1–8 of 126 results for ', h('b', {}, '"' + (state.query || state.category || 'all') + '"')),
      h('span', {class: 'grow'}), h('span', {class: 'muted'}, 'Sort by:'),
      sorts.map(([k, t]) => bind(h('button', {class: 'seg', omni: 'sort_' + k, on: {click: () => set((s) => { s.sort = k; })}}, t), (el) => el.classList.toggle('on', state.sort === k))),
      bind(h('button', {class: 'seg icon', omni: 'view_grid_button', title: 'Grid', on: {click: () => set((s) => { s.layout = 'grid'; })}}, icon('fa-solid fa-grip')), (el) => el.classList.toggle('on', state.layout === 'grid')),
      bind(h('button', {class: 'seg icon', omni: 'view_list_button', title: 'List', on: {click: () => set((s) => { s.layout = 'list'; })}}, icon('fa-solid fa-list')), (el) => el.classList.toggle('on', state.layout === 'list')));
    const grid = h('div', {class: 'grid'}, PRODUCTS.map((p) => {
      const k = slug(p.name);
      return h('div', {class: 'pcard', on: {contextmenu: (e) => e.preventDefault()}},
        h('div', {class: 'pimg', omni: 'product_' + k + '_image', on: {dblclick: () => set((s) => { s.quickView = p.name; }),
          contextmenu: (e) => { e.stopPropagation(); openMenu(e, p.name, [['Open in new tab', 'fa-solid fa-up-right-from-square'], ['Add to compare', 'fa-solid fa-code-compare'], ['Add to wish list', 'fa-regular fa-heart'], ['Share', 'fa-solid fa-share-nodes']]); }}}, thumb(p), p.old ? h('span', {class: 'off'}, 'Sale') : null),
        bind(h('button', {class: 'heart', omni: 'product_' + k + '_wishlist', title: 'Add to wish list', on: {click: () => set((s) => toggle(s.wishlist, p.name))}}, icon('fa-regular fa-heart')),
          (el) => { el.firstChild.className = state.wishlist.includes(p.name) ? 'fa-solid fa-heart' : 'fa-regular fa-heart'; }),
        h('a', {class: 'pname', omni: 'product_' + k + '_name', on: {click: () => { state.product.name = p.name; go('product'); }}}, p.name),
        h('div', {class: 'brand'}, 'by ' + p.brand),
        h('div', {class: 'rating'}, stars(p.rating), h('span', {class: 'muted'}, ' ' + p.reviews.toLocaleString('en-US'))),
        h('div', {class: 'price'}, money(p.price), p.old ? h('s', {}, money(p.old)) : null),
        h('div', {class: 'ship ' + (p.ship ? 'free' : '')}, p.ship ? 'FREE delivery Tue, Dec 1' : '$5.99 delivery'),
        h('div', {class: 'prow'},
          h('button', {class: 'btn small primary', omni: 'product_' + k + '_add', on: {click: () => addToCart(p.name, null, null)}}, 'Add to cart'),
          bind(h('label', {class: 'cmp', omni: 'product_' + k + '_compare', on: {click: (e) => { e.preventDefault(); set((s) => toggle(s.compare, p.name)); }}}, h('span', {class: 'box'}, icon('fa-solid fa-check')), 'Compare'),
            (el) => el.classList.toggle('on', state.compare.includes(p.name)))));
    }));
    const pager = h('div', {class: 'pager'},
      h('button', {class: 'pg', omni: 'page_previous', on: {click: () => set((s) => { if (s.page > 1) s.page -= 1; })}}, icon('fa-solid fa-chevron-left'), ' Previous'),
      [1, 2, 3].map((i) => bind(h('button', {class: 'pg', omni: 'page_' + i, on: {click: () => set((s) => { s.page = i; })}}, String(i)), (el) => el.classList.toggle('on', state.page === i))),
      h('span', {class: 'muted'}, '…'), h('button', {class: 'pg', omni: 'page_16'}, '16'),
      h('button', {class: 'pg', omni: 'page_next', on: {click: () => set((s) => { if (s.page < 16) s.page += 1; })}}, 'Next ', icon('fa-solid fa-chevron-right')));
    const quick = bind(h('div', {class: 'quickview'}), (el) => {
      el.style.display = state.quickView ? '' : 'none';
      el.textContent = state.quickView ? 'Quick view: ' + state.quickView : '';
    });
    return h('main', {class: 'results'}, h('div', {class: 'crumbs'}, 'Sports & outdoors › Running › ', h('b', {}, 'Shoes')),
      h('div', {class: 'res-body'}, side, h('div', {class: 'res-main'}, toolbar, grid, pager)), quick);
  }

  // ---------------------------------------------------------------- product
  function product() {
    const p = findItem(state.product.name);
    const gallery = h('div', {class: 'gallery'},
      h('div', {class: 'thumbs'}, [1, 2, 3, 4].map((i) => bind(h('button', {class: 'gthumb', omni: 'thumbnail_' + i, on: {click: () => set((s) => { s.product.image = i; })}},
        icon(['fa-solid fa-shoe-prints', 'fa-solid fa-shoe-prints fa-flip-horizontal', 'fa-solid fa-socks', 'fa-solid fa-box-open'][i - 1])), (el) => el.classList.toggle('on', state.product.image === i)))),
      bind(h('div', {class: 'main-image', omni: 'main_image', on: {dblclick: () => set((s) => { s.product.zoomed = !s.product.zoomed; })}},
        icon('fa-solid fa-shoe-prints'), h('span', {class: 'zoom-hint'}, icon('fa-solid fa-magnifying-glass-plus'), ' Double-click to zoom')),
      (el) => { el.classList.toggle('zoomed', state.product.zoomed); el.style.setProperty('--tint', COLORS.find((c) => c[0] === state.product.color)[1]); }));
    const ratingBox = bind(h('div', {class: 'rating-pop'},
      [[5, 68], [4, 19], [3, 7], [2, 3], [1, 3]].map(([s, pct]) => h('div', {class: 'bar-row'}, s + ' star', h('span', {class: 'bar'}, h('span', {style: {width: pct + '%'}})), pct + '%'))),
      (el) => { el.style.display = state.ui.tooltip === 'rating' ? '' : 'none'; });
    const details = h('div', {class: 'details'},
      h('a', {class: 'link', omni: 'brand_link'}, 'Visit the Stride store'),
      h('h1', {}, p.name + ' Trail Running Shoe, Waterproof'),
      h('div', {class: 'rating-line'},
        h('span', {class: 'rating-hover', omni: 'rating_summary', on: {mouseenter: () => set((s) => { s.ui.tooltip = 'rating'; }), mouseleave: () => set((s) => { s.ui.tooltip = null; })}},
          '4.6 ', stars(4.6), ' ', icon('fa-solid fa-chevron-down', 'small')),
        h('a', {class: 'link', omni: 'ratings_count_link', on: {click: () => set((s) => { s.ui.tooltip = null; })}}, '1,284 ratings'), ratingBox),
      h('div', {class: 'badge-line'}, h('span', {class: 'pill'}, "#1 Best Seller"), ' in Trail Running Shoes'),
      h('div', {class: 'big-price'}, h('span', {class: 'pct'}, '-25%'), ' $89', h('sup', {}, '99'), h('div', {class: 'muted'}, 'List price: ', h('s', {}, '$119.99'))),
      h('div', {class: 'opt-label'}, 'Colour: ', bind(h('b', {}), (el) => { el.textContent = state.product.color[0].toUpperCase() + state.product.color.slice(1); })),
      h('div', {class: 'swatches'}, COLORS.map(([c, hex]) => bind(h('button', {class: 'swatch', omni: 'color_' + c, title: c, style: {background: hex},
        on: {click: () => set((s) => { s.product.color = c; })}}), (el) => el.classList.toggle('on', state.product.color === c)))),
      h('div', {class: 'opt-label'}, 'Size (EU): ', bind(h('b', {}), (el) => { el.textContent = state.product.size ? String(state.product.size) : 'Select'; }),
        h('a', {class: 'link right', omni: 'size_guide_link'}, icon('fa-solid fa-ruler'), ' Size guide')),
      h('div', {class: 'sizes'}, SIZES.map((z) => bind(h('button', {class: 'size' + (SOLD_OUT.includes(z) ? ' sold' : ''), omni: 'size_' + z + '_option',
        on: {click: () => { if (!SOLD_OUT.includes(z)) set((s) => { s.product.size = z; }); }}}, String(z)), (el) => el.classList.toggle('on', state.product.size === z)))),
      h('div', {class: 'compare-line'},
        bind(h('label', {class: 'check-row', omni: 'compare_checkbox', on: {click: (e) => { e.preventDefault(); set((s) => toggle(s.compare, p.name)); }}}, h('span', {class: 'box'}, icon('fa-solid fa-check')), 'Add to compare'),
          (el) => el.classList.toggle('on', state.compare.includes(p.name))),
        h('button', {class: 'link', omni: 'share_button'}, icon('fa-solid fa-share-nodes'), ' Share')));
    const qty = h('input', {class: 'qty-input', omni: 'qty_input', value: '1', inputmode: 'numeric',
      on: {keydown: (e) => { if (e.key === 'Enter') commitQty(e.target.value); }, change: (e) => commitQty(e.target.value)}});
    function commitQty(v) { const n = parseInt(v, 10); set((s) => { if (n >= 1 && n <= 10) s.product.qty = n; }); }
    bind(qty, (el) => { if (document.activeElement !== el) el.value = String(state.product.qty); });
    const buy = h('div', {class: 'buybox'},
      h('div', {class: 'big-price small'}, '$89.99'),
      h('div', {class: 'free'}, 'FREE delivery ', h('b', {}, 'Tuesday, December 1')),
      h('div', {class: 'stock'}, 'In stock'),
      h('div', {class: 'qty'}, h('span', {}, 'Quantity'),
        h('button', {class: 'qbtn', omni: 'qty_minus', on: {click: () => set((s) => { if (s.product.qty > 1) s.product.qty -= 1; })}}, icon('fa-solid fa-minus')),
        qty,
        h('button', {class: 'qbtn', omni: 'qty_plus', on: {click: () => set((s) => { if (s.product.qty < 10) s.product.qty += 1; })}}, icon('fa-solid fa-plus'))),
      h('button', {class: 'btn yellow wide', omni: 'add_to_cart_button', on: {click: () => { if (state.product.size) addToCart(p.name, state.product.size, state.product.color, state.product.qty); }}}, 'Add to cart'),
      h('button', {class: 'btn orange wide', omni: 'buy_now_button', on: {click: () => { if (state.product.size) { addToCart(p.name, state.product.size, state.product.color, state.product.qty); go('checkout'); } }}}, 'Buy now'),
      bind(h('button', {class: 'btn ghost wide', omni: 'wishlist_toggle', on: {click: () => set((s) => toggle(s.wishlist, p.name))}}),
        (el) => { el.innerHTML = ''; el.append(icon(state.wishlist.includes(p.name) ? 'fa-solid fa-heart' : 'fa-regular fa-heart'), state.wishlist.includes(p.name) ? ' Saved to wish list' : ' Add to wish list'); }),
      h('div', {class: 'deliv'}, h('b', {}, 'Check delivery'),
        h('div', {class: 'row'}, h('input', {class: 'postcode', placeholder: 'ZIP code', omni: 'postcode_input', on: {input: (e) => set((s) => { s.delivery.postcode = e.target.value; }), keydown: (e) => { if (e.key === 'Enter') checkPost(); }}}),
          h('button', {class: 'btn small', omni: 'check_postcode_button', on: {click: checkPost}}, 'Check')),
        bind(h('div', {class: 'muted'}), (el) => { el.textContent = state.delivery.checked ? 'Delivers to ' + state.delivery.checked + ' by Dec 1' : 'Enter a ZIP code to see delivery dates'; }),
        [['standard', 'Standard (free)'], ['express', 'Express ($9.99)'], ['pickup', 'Pick up in store']].map(([k, t]) =>
          bind(h('label', {class: 'radio-row', omni: 'delivery_' + k, on: {click: (e) => { e.preventDefault(); set((s) => { s.delivery.option = k; }); }}}, h('span', {class: 'radio'}), t),
            (el) => el.classList.toggle('on', state.delivery.option === k)))));
    function checkPost() { set((s) => { if (/^\d{5}$/.test(s.delivery.postcode)) s.delivery.checked = s.delivery.postcode; }); }

    const also = h('div', {class: 'also-track', on: {scroll: (e) => { state.ui.also = e.target.scrollLeft; }}},
      PRODUCTS.slice(1).concat(DEALS.slice(0, 5)).map((q) => h('div', {class: 'also-card', omni: 'also_' + slug(q.name) + '_card',
        on: {click: () => { state.product.name = q.name; go('product'); }}}, thumb(q, 'small'), h('div', {class: 'also-name'}, q.name), h('div', {class: 'price'}, money(q.price)))));
    const list = h('div', {class: 'review-list', omni: 'reviews_list', on: {scroll: (e) => { state.ui.reviews = e.target.scrollTop; }}},
      REVIEWS.map((r) => h('div', {class: 'review'},
        h('div', {class: 'rv-head'}, h('span', {class: 'avatar'}, r.who[0]), h('b', {}, r.who), stars(r.stars, 'small'), h('span', {class: 'muted'}, r.date)),
        h('div', {class: 'rv-title'}, r.title), h('div', {class: 'rv-text'}, r.text),
        bind(h('button', {class: 'helpful', omni: 'review_' + r.id + '_helpful', on: {click: () => set((s) => toggle(s.reviews.helpful, r.id))}}, icon('fa-regular fa-thumbs-up'), ' Helpful'),
          (el) => el.classList.toggle('on', state.reviews.helpful.includes(r.id))))));
    const draft = h('textarea', {class: 'review-draft', placeholder: 'Share your thoughts with other customers', omni: 'review_textarea',
      on: {input: (e) => set((s) => { s.reviews.draft = e.target.value; }), keydown: (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); postReview(); } }}});
    function postReview() { set((s) => { if (s.reviews.draft.trim()) { s.reviews.posted.push({text: s.reviews.draft, stars: s.reviews.stars}); s.reviews.draft = ''; s.reviews.stars = 0; } }); draft.value = state.reviews.draft; }
    const reviews = h('section', {class: 'reviews'},
      h('div', {class: 'sec-head'}, h('h2', {}, 'Customer reviews'), h('span', {class: 'grow'}),
        [['top', 'Top reviews'], ['recent', 'Most recent']].map(([k, t]) => bind(h('button', {class: 'seg', omni: 'reviews_sort_' + k, on: {click: () => set((s) => { s.reviews.sort = k; })}}, t), (el) => el.classList.toggle('on', state.reviews.sort === k)))),
      h('div', {class: 'rv-body'}, list,
        h('div', {class: 'write'}, h('b', {}, 'Review this product'),
          h('div', {class: 'star-input'}, [1, 2, 3, 4, 5].map((i) => bind(h('button', {class: 'star-btn', omni: 'review_star_' + i, title: i + ' stars', on: {click: () => set((s) => { s.reviews.stars = i; })}}, icon('fa-solid fa-star')),
            (el) => el.classList.toggle('on', state.reviews.stars >= i)))),
          draft, h('div', {class: 'row'}, h('span', {class: 'muted kbd-hint'}, 'Ctrl + Enter to post'), h('button', {class: 'btn primary small', omni: 'submit_review_button', on: {click: postReview}}, 'Post review')))));
    return h('main', {class: 'product'},
      h('div', {class: 'crumbs'}, h('a', {omni: 'crumb_sports', on: {click: () => { state.category = 'Sports'; go('results'); }}}, 'Sports & outdoors'), ' › ',
        h('a', {omni: 'crumb_running', on: {click: () => { state.category = 'Running'; go('results'); }}}, 'Running'), ' › ', h('a', {omni: 'crumb_shoes', on: {click: () => { state.category = 'Shoes'; go('results'); }}}, 'Shoes')),
      h('div', {class: 'p-top'}, gallery, details, buy),
      h('div', {class: 'p-bottom'}, h('section', {class: 'also'}, h('div', {class: 'sec-head'}, h('h2', {}, 'Customers also viewed')), also), reviews));
  }

  // ---------------------------------------------------------------- cart
  function cart() {
    const rows = h('div', {class: 'cart-rows'});
    bind(rows, (el) => {
      // Rows are rebuilt only when the set of lines changes, so quantity fields keep their nodes while typing.
      const keyNow = state.cart.map((c) => c.item).join('|');
      if (el.dataset.key === keyNow) return;
      el.dataset.key = keyNow;
      el.innerHTML = '';
      state.cart.forEach((c) => el.append(cartRow(c)));
      if (!state.cart.length) el.append(h('div', {class: 'empty'}, 'Your cart is empty.'));
    });
    function cartRow(c) {
      const p = findItem(c.item), k = slug(c.item);
      const q = h('input', {class: 'qty-input', omni: 'cart_' + k + '_qty', value: String(c.qty),
        on: {keydown: (e) => { if (e.key === 'Enter') commit(e.target.value); }, change: (e) => commit(e.target.value)}});
      function commit(v) { const n = parseInt(v, 10); set((s) => { const l = s.cart.find((x) => x.item === c.item); if (l && n >= 1 && n <= 10) l.qty = n; }); }
      bind(q, (el) => { const l = state.cart.find((x) => x.item === c.item); if (l && document.activeElement !== el) el.value = String(l.qty); });
      const row = h('div', {class: 'cart-row', on: {contextmenu: (e) => e.preventDefault()}},
        h('span', {class: 'handle', omni: 'cart_' + k + '_handle', title: 'Drag to save for later'}, icon('fa-solid fa-grip-vertical')),
        thumb(p, 'small'),
        h('div', {class: 'cr-info'}, h('a', {class: 'pname', omni: 'cart_' + k + '_name', on: {click: () => { state.product.name = c.item; go('product'); },
          contextmenu: (e) => openMenu(e, c.item, [['Move to wish list', 'fa-regular fa-heart'], ['Save for later', 'fa-regular fa-bookmark'], ['Remove', 'fa-regular fa-trash-can']])}}, c.item),
          h('div', {class: 'stock'}, 'In stock'), h('div', {class: 'muted'}, [c.size ? 'Size: ' + c.size : null, c.color ? 'Colour: ' + c.color : null].filter(Boolean).join(' · ')),
          h('div', {class: 'cr-actions'},
            h('button', {class: 'qbtn', omni: 'cart_' + k + '_minus', on: {click: () => set((s) => { const l = s.cart.find((x) => x.item === c.item); if (l.qty > 1) l.qty -= 1; })}}, icon('fa-solid fa-minus')),
            q,
            h('button', {class: 'qbtn', omni: 'cart_' + k + '_plus', on: {click: () => set((s) => { const l = s.cart.find((x) => x.item === c.item); if (l.qty < 10) l.qty += 1; })}}, icon('fa-solid fa-plus')),
            h('span', {class: 'sep'}),
            h('button', {class: 'link', omni: 'cart_' + k + '_remove', on: {click: () => set((s) => { s.cart = s.cart.filter((x) => x.item !== c.item); })}}, 'Delete'),
            h('button', {class: 'link', omni: 'cart_' + k + '_save', on: {click: () => saveForLater(c.item)}}, 'Save for later'),
            bind(h('label', {class: 'check-row small', omni: 'cart_' + k + '_gift', on: {click: (e) => { e.preventDefault(); set((s) => { const l = s.cart.find((x) => x.item === c.item); l.gift = !l.gift; if (!l.gift) delete l.gift; }); }}},
              h('span', {class: 'box'}, icon('fa-solid fa-check')), 'This is a gift'), (el) => { const l = state.cart.find((x) => x.item === c.item); el.classList.toggle('on', !!(l && l.gift)); }))),
        h('div', {class: 'cr-price'}, money(p.price)));
      Kit.draggable(row.querySelector('.handle'), {
        onStart: () => set((s) => { s.ui.dragging = c.item; }),
        onDrop: (x, y) => { const over = Kit.labelAt(x, y); set((s) => { s.ui.dragging = null; }); if (over === 'saved_for_later_zone' || (over || '').startsWith('saved_')) saveForLater(c.item); }});
      return row;
    }
    function saveForLater(item) { set((s) => { s.cart = s.cart.filter((x) => x.item !== item); if (!s.saved.includes(item)) s.saved.push(item); }); }
    const subtotal = () => state.cart.reduce((n, c) => n + findItem(c.item).price * c.qty, 0);
    const summary = h('aside', {class: 'summary'},
      bind(h('div', {class: 'sub'}), (el) => { el.innerHTML = ''; el.append('Subtotal (' + cartCount() + ' items): ', h('b', {}, money(subtotal()))); }),
      bind(h('label', {class: 'check-row', omni: 'gift_wrap_checkbox', on: {click: (e) => { e.preventDefault(); set((s) => { s.giftWrap = !s.giftWrap; }); }}}, h('span', {class: 'box'}, icon('fa-solid fa-check')), 'Gift wrap this order (+$4.99)'),
        (el) => el.classList.toggle('on', state.giftWrap)),
      h('h4', {}, 'Shipping'),
      [['standard', 'Standard · free · Dec 3–5'], ['express', 'Express · $9.99 · Dec 1'], ['pickup', 'Pick up at Cartwheel Seattle']].map(([k, t]) =>
        bind(h('label', {class: 'radio-row', omni: 'ship_' + k, on: {click: (e) => { e.preventDefault(); set((s) => { s.shipping = k; }); }}}, h('span', {class: 'radio'}), t), (el) => el.classList.toggle('on', state.shipping === k))),
      h('h4', {}, 'Promo code'),
      h('div', {class: 'row'}, h('input', {class: 'promo', placeholder: 'Enter code', omni: 'promo_input', on: {input: (e) => set((s) => { s.promo.code = e.target.value; }), keydown: (e) => { if (e.key === 'Enter') applyPromo(); }}}),
        h('button', {class: 'btn small', omni: 'apply_promo_button', on: {click: applyPromo}}, 'Apply')),
      bind(h('div', {class: 'promo-msg'}), (el) => { el.textContent = state.promo.applied ? 'Code ' + state.promo.applied + ' applied: 10% off' : ''; }),
      h('button', {class: 'btn yellow wide', omni: 'checkout_button', on: {click: () => go('checkout')}}, 'Proceed to checkout'),
      h('button', {class: 'btn dark wide', omni: 'paypal_button', on: {click: () => go('paypal')}}, icon('fa-brands fa-paypal'), ' PayPal'),
      h('a', {class: 'link', omni: 'continue_shopping_link', on: {click: () => go('home')}}, 'Continue shopping'));
    function applyPromo() { set((s) => { const c = s.promo.code.trim().toUpperCase(); if (['SAVE10', 'WELCOME'].includes(c)) s.promo.applied = c; }); }
    const saved = h('section', {class: 'saved', omni: 'saved_for_later_zone'}, h('h3', {}, icon('fa-regular fa-bookmark'), ' Saved for later'),
      h('span', {class: 'muted'}, 'Drag items here to save them'),
      bind(h('div', {class: 'saved-items'}), (el) => {
        el.innerHTML = '';
        state.saved.forEach((name) => el.append(h('div', {class: 'saved-item'}, thumb(findItem(name), 'tiny'), h('span', {}, name),
          h('button', {class: 'btn small', omni: 'saved_' + slug(name) + '_move', on: {click: () => set((s) => { s.saved = s.saved.filter((x) => x !== name); s.cart.push({item: name, size: null, color: null, qty: 1}); })}}, 'Move to cart'))));
      }));
    const bought = h('div', {class: 'also-track', on: {scroll: (e) => { state.ui.also = e.target.scrollLeft; }}},
      DEALS.slice(3).map((q) => h('div', {class: 'also-card small', omni: 'bought_' + slug(q.name) + '_card', on: {click: () => { state.product.name = q.name; go('product'); }}}, thumb(q, 'small'), h('div', {class: 'also-name'}, q.name), h('div', {class: 'price'}, money(q.price)),
        h('button', {class: 'btn small', omni: 'bought_' + slug(q.name) + '_add', on: {click: (e) => { e.stopPropagation(); addToCart(q.name, null, null); }}}, 'Add'))));
    return h('main', {class: 'cartpage'},
      h('div', {class: 'cart-main'}, h('h1', {}, 'Shopping Cart'), h('div', {class: 'cart-head muted'}, h('a', {class: 'link', omni: 'deselect_all_link'}, 'Deselect all items'), h('span', {class: 'grow'}), 'Price'), rows),
      summary, h('div', {class: 'cart-bottom'}, saved, h('section', {class: 'also'}, h('div', {class: 'sec-head'}, h('h2', {}, 'Customers also bought')), bought)));
  }

  function checkoutView() {
    return h('main', {class: 'checkout'}, h('h1', {}, ({paypal: 'Redirecting to PayPal…', checkout: 'Checkout', account: 'Your account', orders: 'Your orders', wishlist: 'Your wish list', signin: 'Sign in', register: 'Create account', help: 'Help & customer service'})[state.view] || state.view),
      h('p', {}, 'Items: ' + cartCount() + ' · Shipping: ' + state.shipping));
  }

  // ---------------------------------------------------------------- keyboard and page scroll
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      const s = document.querySelector('[data-omni="search_input"]');
      if (s) { s.focus(); s.select(); }
    }
    if (e.key === 'Escape' && menuEl) { menuEl.remove(); menuEl = null; set((s) => { s.contextMenu = null; }); }
  });
  window.addEventListener('scroll', () => { state.ui.scrollY = Math.round(window.scrollY); });

  function renderView() {
    Kit.resetBinders();
    if (menuEl) { menuEl.remove(); menuEl = null; }
    root.innerHTML = '';
    const views = {home, results, product, cart};
    root.append(header(), (views[state.view] || checkoutView)());
    window.scrollTo(0, 0);
    sync();
  }
  renderView();
  Kit.ready(state);
})();
