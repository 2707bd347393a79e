/* Fixed catalogue: the shop never reads the network, so every screen renders the same pixels. */
const PRODUCTS = [
  {name: 'Trail Runner 2', brand: 'Stride', price: 89.99, old: 119.99, rating: 4.6, reviews: 1284, icon: 'fa-shoe-prints', tint: '#2f6fd6', ship: true},
  {name: 'Road Racer Pro', brand: 'Velo', price: 129.00, old: null, rating: 4.4, reviews: 873, icon: 'fa-shoe-prints', tint: '#d94040', ship: true},
  {name: 'City Walk Sneaker', brand: 'Urbano', price: 59.99, old: 74.99, rating: 4.1, reviews: 412, icon: 'fa-shoe-prints', tint: '#6b7280', ship: false},
  {name: 'Aero Knit Runner', brand: 'Stride', price: 104.50, old: null, rating: 4.7, reviews: 2210, icon: 'fa-shoe-prints', tint: '#0e9f6e', ship: true},
  {name: 'Marathon Elite', brand: 'Peak', price: 159.99, old: 189.99, rating: 4.8, reviews: 655, icon: 'fa-shoe-prints', tint: '#7e3af2', ship: true},
  {name: 'Cushion Max 5', brand: 'Velo', price: 119.99, old: null, rating: 4.3, reviews: 1030, icon: 'fa-shoe-prints', tint: '#ff8a4c', ship: false},
  {name: 'Tempo Trainer', brand: 'Peak', price: 74.99, old: 84.99, rating: 3.9, reviews: 298, icon: 'fa-shoe-prints', tint: '#1c64f2', ship: true},
  {name: 'Light Jog', brand: 'Nimbus', price: 44.99, old: null, rating: 3.6, reviews: 187, icon: 'fa-shoe-prints', tint: '#c27803', ship: false},
];
const DEALS = [
  {name: 'Noise-cancelling headphones', price: 149.00, old: 229.00, icon: 'fa-headphones', tint: '#1f2937'},
  {name: 'Smart fitness watch', price: 99.00, old: 149.00, icon: 'fa-clock', tint: '#0e7490'},
  {name: 'Steel water bottle', price: 19.50, old: 29.00, icon: 'fa-bottle-water', tint: '#2563eb'},
  {name: 'Hiking backpack', price: 64.00, old: 89.00, icon: 'fa-bag-shopping', tint: '#15803d'},
  {name: 'Rain jacket', price: 79.00, old: 120.00, icon: 'fa-shirt', tint: '#ca8a04'},
  {name: 'Desk lamp', price: 24.99, old: 39.99, icon: 'fa-lightbulb', tint: '#f59e0b'},
  {name: 'Espresso maker', price: 189.00, old: 249.00, icon: 'fa-mug-hot', tint: '#78350f'},
  {name: 'Bluetooth speaker', price: 45.00, old: 70.00, icon: 'fa-volume-high', tint: '#be185d'},
  {name: 'Polarised sunglasses', price: 35.00, old: 60.00, icon: 'fa-glasses', tint: '#374151'},
  {name: 'Action camera', price: 219.00, old: 299.00, icon: 'fa-camera', tint: '#4338ca'},
  {name: 'Yoga mat', price: 29.00, old: 45.00, icon: 'fa-person-running', tint: '#db2777'},
  {name: 'Dumbbell set', price: 84.00, old: 110.00, icon: 'fa-dumbbell', tint: '#475569'},
];
const CATEGORIES = [
  {name: 'Running', icon: 'fa-person-running', tint: '#e0edff'},
  {name: 'Fitness', icon: 'fa-dumbbell', tint: '#fde8e8'},
  {name: 'Electronics', icon: 'fa-laptop', tint: '#e5f6ee'},
  {name: 'Home & kitchen', icon: 'fa-couch', tint: '#fdf6b2'},
  {name: 'Outdoor', icon: 'fa-mountain-sun', tint: '#edebfe'},
  {name: 'Kids', icon: 'fa-child', tint: '#fce8f3'},
];
const NAV = ['Men', 'Women', 'Kids', 'Sports', 'Electronics', 'Home & garden', 'Deals', 'Gift cards'];
const REVIEWS = [
  {id: 1, who: 'Maya R.', stars: 5, date: 'Oct 12, 2026', title: 'Best trail shoe I have owned', text: 'Grippy on wet rock, light on the road. Size runs true.'},
  {id: 2, who: 'Daniel K.', stars: 4, date: 'Oct 3, 2026', title: 'Comfortable, a bit narrow', text: 'Great cushioning for long runs. Consider half a size up if you have wide feet.'},
  {id: 3, who: 'Priya S.', stars: 5, date: 'Sep 28, 2026', title: 'Light and stable', text: 'Used them for a 30 km race, no blisters at all.'},
  {id: 4, who: 'Tom B.', stars: 3, date: 'Sep 17, 2026', title: 'Good but laces slip', text: 'The shoe is solid; the laces come undone unless double knotted.'},
  {id: 5, who: 'Lena W.', stars: 5, date: 'Sep 2, 2026', title: 'Waterproof enough', text: 'Splashed through puddles all morning and stayed dry.'},
  {id: 6, who: 'Omar F.', stars: 4, date: 'Aug 21, 2026', title: 'Nice colourway', text: 'The blue looks even better in person. Sole is firm.'},
];
const CART0 = [
  {item: 'Trail Runner 2', size: 42, color: 'blue', qty: 1},
  {item: 'Noise-cancelling headphones', size: null, color: 'black', qty: 1},
  {item: 'Steel water bottle', size: null, color: 'silver', qty: 2},
];
const ALL_ITEMS = PRODUCTS.concat(DEALS);
const findItem = (name) => ALL_ITEMS.find((p) => p.name === name);
