"""Generates tasks.json for the shop app: python make_tasks.py tasks.json (checks use omni.is, see ../_shared/web-kit.js)."""
import json
T = []
def is_(exp=None, extra=None):
    s = "omni.is(" + json.dumps(exp or {}, separators=(", ", ": ")) + ")"
    return s if not extra else f"{extra} && {s}"
def t(screen, goals, steps, check):
    T.append({"screen": screen, "goals": goals, "steps": steps, "check": check})
C = lambda l: {"click": l}
W = lambda s: {"write": s}
P = lambda k: {"press": k}
def cart(*lines): return [dict(item=i, size=s, color=c, qty=q) for i, s, c, q in lines]

# ---------------- home
t("home", ["Search the shop for running shoes", "Look up running shoes using the search bar", "Find running shoes", "Type running shoes into the search box and press Enter"],
  [C("search_input"), W("running shoes"), P("enter")], is_({"view": "results", "searchText": "running shoes", "query": "running shoes"}))
t("home", ["Search for a yoga mat and click the search button", "Use the magnifying-glass button to search for yoga mat", "Find yoga mats in the store"],
  [C("search_input"), W("yoga mat"), C("search_button")], is_({"view": "results", "searchText": "yoga mat", "query": "yoga mat"}))
t("home", ["Use the Ctrl+K shortcut to search for a water bottle", "Press Ctrl K, type water bottle and search", "Jump to the search box with the keyboard shortcut and look for water bottle"],
  [{"hotkey": ["ctrl", "k"]}, W("water bottle"), P("enter")], is_({"view": "results", "searchText": "water bottle", "query": "water bottle"}))
t("home", ["Open my shopping cart", "Go to the cart", "Click the cart icon", "Show what is in my cart"],
  [C("cart_button")], is_({"view": "cart"}))
t("home", ["Browse the Electronics category", "Open the Electronics tile under Shop by category", "Show me electronics"],
  [C("category_electronics_tile")], is_({"view": "results", "category": "Electronics"}))
t("home", ["Open the Deals section from the top menu", "Click Deals in the navigation bar", "Go to today's deals via the nav bar"],
  [C("nav_deals")], is_({"view": "results", "category": "Deals"}))
t("home", ["Advance the banner to the third slide using the next arrow", "Click the right arrow on the hero banner twice", "Skip forward two slides in the main banner"],
  [C("hero_next"), C("hero_next")], is_({"heroSlide": 3}))
t("home", ["Add the discounted noise-cancelling headphones from Deals of the day to the cart", "Put the headphones deal in my cart", "Click Add under the noise-cancelling headphones deal"],
  [C("deal_noise_cancelling_headphones_add")], is_({"cart": cart(("Noise-cancelling headphones", None, None, 1))}))
t("home", ["Add the desk lamp and the steel water bottle deals to the cart", "Put both the desk lamp and the water bottle from today's deals in my cart", "From Deals of the day, add the water bottle and the desk lamp"],
  [C("deal_desk_lamp_add"), C("deal_steel_water_bottle_add")], is_({"cart": cart(("Desk lamp", None, None, 1), ("Steel water bottle", None, None, 1))}))
t("home", ["Save the rain jacket deal to my wish list by double-clicking it", "Double-click the rain jacket deal", "Like the rain jacket in Deals of the day"],
  [{"doubleClick": "deal_rain_jacket_card"}], is_({"wishlist": ["Rain jacket"]}))
t("home", ["Double-click the hiking backpack deal and then the smart fitness watch deal to save both", "Save the backpack and the fitness watch deals to my wish list", "Add the hiking backpack and the smartwatch deals to my wish list with a double-click each"],
  [{"doubleClick": "deal_hiking_backpack_card"}, {"doubleClick": "deal_smart_fitness_watch_card"}], is_({"wishlist": ["Hiking backpack", "Smart fitness watch"]}))
t("home", ["Open the context menu of the espresso maker deal", "Right-click the espresso maker deal card", "Show the options menu for the espresso maker"],
  [{"rightClick": "deal_espresso_maker_card"}], is_({"contextMenu": "Espresso maker"}))
t("home", ["Hover over Men in the menu bar to show its categories", "Point at the Men menu without clicking", "Show the Men drop-down by hovering"],
  [{"moveTo": "nav_men"}], is_({}, "omni.state.ui.megaMenu === 'men'"))
t("home", ["Scroll the Deals of the day row to the right", "Scroll sideways through today's deals", "Move the deals carousel right by scrolling horizontally"],
  [{"hscroll": 5, "at": "deal_desk_lamp_card"}], is_({}, "omni.state.ui.deals >= 450"))
t("home", ["Scroll down the home page", "Scroll down to see more of the page", "Scroll the page down by five notches"],
  [{"scroll": -5}], is_({}, "omni.state.ui.scrollY >= 250"))
t("home", ["Open my account page", "Go to Account", "Click Hello, Sam Account"],
  [C("account_button")], is_({"view": "account"}))

# ---------------- results
F = "filters."
t("results", ["Only show Stride shoes", "Filter the results by the brand Stride", "Tick the Stride brand filter"],
  [C("brand_stride_checkbox")], is_({F + "brands": ["Stride"]}))
t("results", ["Show Stride and Peak shoes rated four stars and up", "Filter by brands Stride and Peak with a rating of at least 4 stars", "Tick Stride, tick Peak and choose 4 stars & up"],
  [C("brand_stride_checkbox"), C("brand_peak_checkbox"), C("rating_4_up")], is_({F + "brands": ["Stride", "Peak"], F + "minRating": 4}))
t("results", ["Sort the results by price from low to high", "Show the cheapest shoes first", "Order results by ascending price"],
  [C("sort_price_low")], is_({"sort": "price_low"}))
t("results", ["Show only items with free shipping in size 42", "Turn on free shipping and filter for EU size 42", "Filter to size 42 shoes that ship free"],
  [C("free_shipping_toggle"), C("size_filter_42")], is_({F + "freeShipping": True, F + "sizes": [42]}))
t("results", ["Drag the maximum price handle to $100", "Set the price slider's upper limit to 100 dollars by dragging", "Limit the price to at most $100 with the slider"],
  [{"moveTo": "price_max_handle"}, {"dragTo": "price_tick_100"}], is_({F + "priceMax": 100}))
t("results", ["Drag the minimum price handle to $50", "Set the lowest price on the slider to 50 dollars", "Move the left price handle to the $50 mark"],
  [{"moveTo": "price_min_handle"}, {"dragTo": "price_tick_50"}], is_({F + "priceMin": 50}))
t("results", ["Restrict the price range to $50-$150 using both slider handles", "Drag the price handles so only shoes between 50 and 150 dollars show", "Set the price filter from $50 to $150 by dragging"],
  [{"moveTo": "price_max_handle"}, {"dragTo": "price_tick_150"}, {"moveTo": "price_min_handle"}, {"dragTo": "price_tick_50"}], is_({F + "priceMin": 50, F + "priceMax": 150}))
t("results", ["Add the Trail Runner 2 to the cart", "Put Trail Runner 2 in my cart from the results", "Click Add to cart on the Trail Runner 2"],
  [C("product_trail_runner_2_add")], is_({"cart": cart(("Trail Runner 2", None, None, 1))}))
t("results", ["Add the Marathon Elite to my wish list", "Click the heart on Marathon Elite", "Save Marathon Elite for later in my wish list"],
  [C("product_marathon_elite_wishlist")], is_({"wishlist": ["Marathon Elite"]}))
t("results", ["Compare the Aero Knit Runner with the Road Racer Pro", "Tick Compare on Aero Knit Runner and on Road Racer Pro", "Select Aero Knit Runner and Road Racer Pro for comparison"],
  [C("product_aero_knit_runner_compare"), C("product_road_racer_pro_compare")], is_({"compare": ["Aero Knit Runner", "Road Racer Pro"]}))
t("results", ["Open the product page of the Cushion Max 5", "Click on Cushion Max 5", "View details of the Cushion Max 5 shoe"],
  [C("product_cushion_max_5_name")], is_({"view": "product", "product.name": "Cushion Max 5"}))
t("results", ["Open a quick view of the Tempo Trainer by double-clicking its picture", "Double-click the Tempo Trainer image", "Quick-view the Tempo Trainer"],
  [{"doubleClick": "product_tempo_trainer_image"}], is_({"quickView": "Tempo Trainer"}))
t("results", ["Right-click the Light Jog to see its options", "Open the context menu on the Light Jog shoe", "Show more options for Light Jog with a right-click"],
  [{"rightClick": "product_light_jog_image"}], is_({"contextMenu": "Light Jog"}))
t("results", ["Go to the second page of results", "Show page 2", "Open results page two"],
  [C("page_2")], is_({"page": 2}))
t("results", ["Replace the search with trail shoes", "Clear the search box, search for trail shoes instead", "Select everything in the search field and search for trail shoes"],
  [C("search_input"), {"hotkey": ["ctrl", "a"]}, W("trail shoes"), P("enter")], is_({"searchText": "trail shoes", "query": "trail shoes"}))
t("results", ["Hover over Kids in the navigation bar", "Show the Kids menu by pointing at it", "Move the mouse over the Kids menu"],
  [{"moveTo": "nav_kids"}], is_({}, "omni.state.ui.megaMenu === 'kids'"))
t("results", ["Switch the results to list view", "Show the results as a list", "Click the list layout button"],
  [C("view_list_button")], is_({"layout": "list"}))

# ---------------- product
t("product", ["Add the Trail Runner 2 in size 42 to the cart", "Choose EU size 42 and add to cart", "Buy size 42 of these shoes, add them to the cart"],
  [C("size_42_option"), C("add_to_cart_button")], is_({"product.size": 42, "cart": cart(("Trail Runner 2", 42, "blue", 1))}))
t("product", ["Add three pairs of red Trail Runner 2 in size 40 to the cart", "Pick red, size 40, quantity 3 and add to cart", "Put 3 red pairs in EU 40 in my cart"],
  [C("color_red"), C("size_40_option"), C("qty_plus"), C("qty_plus"), C("add_to_cart_button")],
  is_({"product.color": "red", "product.size": 40, "product.qty": 3, "cart": cart(("Trail Runner 2", 40, "red", 3))}))
t("product", ["Buy the black pair in size 43 right away", "Choose black, size 43 and click Buy now", "Select size 43 in black and buy it now"],
  [C("color_black"), C("size_43_option"), C("buy_now_button")], is_({"view": "checkout", "product.color": "black", "product.size": 43, "cart": cart(("Trail Runner 2", 43, "black", 1))}))
t("product", ["Add this shoe to my wish list", "Save the Trail Runner 2 to the wish list", "Click Add to wish list"],
  [C("wishlist_toggle")], is_({"wishlist": ["Trail Runner 2"]}))
t("product", ["Show the third product picture", "Click the third thumbnail", "View image 3 of the shoe"],
  [C("thumbnail_3")], is_({"product.image": 3}))
t("product", ["Zoom into the product image", "Double-click the main picture to zoom", "Enlarge the shoe photo"],
  [{"doubleClick": "main_image"}], is_({"product.zoomed": True}))
t("product", ["Set the quantity to 4 by editing the quantity box", "Double-click the quantity, type 4 and press Enter", "Change the quantity field to 4"],
  [{"doubleClick": "qty_input"}, W("4"), P("enter")], is_({"product.qty": 4}))
t("product", ["Check delivery to ZIP code 98052", "Enter 98052 as the ZIP code and click Check", "See when it can be delivered to 98052"],
  [C("postcode_input"), W("98052"), C("check_postcode_button")], is_({"delivery.postcode": "98052", "delivery.checked": "98052"}))
t("product", ["Choose express delivery", "Select the Express ($9.99) delivery option", "Switch delivery to express"],
  [C("delivery_express")], is_({"delivery.option": "express"}))
t("product", ["Hover over the star rating to see the rating breakdown", "Point at the 4.6 stars to show how ratings are distributed", "Show the ratings histogram by hovering on the stars"],
  [{"moveTo": "rating_summary"}], is_({}, "omni.state.ui.tooltip === 'rating'"))
t("product", ["Post a 4-star review saying Great grip on wet trails using the keyboard shortcut", "Rate 4 stars, write 'Great grip on wet trails' and post it with Ctrl+Enter", "Leave a four star review, Great grip on wet trails, submitted with Ctrl Enter"],
  [C("review_star_4"), C("review_textarea"), W("Great grip on wet trails"), {"hotkey": ["ctrl", "enter"]}],
  is_({"reviews.posted": [{"text": "Great grip on wet trails", "stars": 4}]}))
t("product", ["Write a 5-star review 'Fits true to size' and click Post review", "Give five stars with the comment Fits true to size and post it", "Review the shoe: 5 stars, Fits true to size"],
  [C("review_star_5"), C("review_textarea"), W("Fits true to size"), C("submit_review_button")],
  is_({"reviews.posted": [{"text": "Fits true to size", "stars": 5}]}))
t("product", ["Scroll down through the customer reviews", "Scroll the reviews list to read more", "Scroll down three notches in the reviews"],
  [{"scroll": -3, "at": "reviews_list"}], is_({}, "omni.state.ui.reviews >= 250"))
t("product", ["Scroll the Customers also viewed row to the right", "Scroll sideways through the similar products", "Move the also-viewed carousel right"],
  [{"hscroll": 4, "at": "also_city_walk_sneaker_card"}], is_({}, "omni.state.ui.also >= 350"))
t("product", ["Mark the first review as helpful and sort reviews by most recent", "Click Helpful on Maya's review, then show the most recent reviews", "Upvote the first review and switch to newest reviews first"],
  [C("review_1_helpful"), C("reviews_sort_recent")], is_({"reviews.helpful": [1], "reviews.sort": "recent"}))
t("product", ["Open the Aero Knit Runner from Customers also viewed", "Click the Aero Knit Runner in the also viewed row", "Look at the Aero Knit Runner instead"],
  [C("also_aero_knit_runner_card")], is_({"product.name": "Aero Knit Runner"}))

# ---------------- cart (held out)
t("cart", ["Remove the headphones from the cart", "Delete the noise-cancelling headphones from my cart", "Take the headphones out of the cart"],
  [C("cart_noise_cancelling_headphones_remove")], is_({"cart": cart(("Trail Runner 2", 42, "blue", 1), ("Steel water bottle", None, "silver", 2))}))
t("cart", ["Change the water bottle quantity to 5 by typing it", "Double-click the water bottle quantity, enter 5 and press Enter", "Set 5 steel water bottles in the quantity field"],
  [{"doubleClick": "cart_steel_water_bottle_qty"}, W("5"), P("enter")], is_({"cart": cart(("Trail Runner 2", 42, "blue", 1), ("Noise-cancelling headphones", None, "black", 1), ("Steel water bottle", None, "silver", 5))}))
t("cart", ["Apply the promo code SAVE10", "Enter SAVE10 as promo code and click Apply", "Use discount code SAVE10 on this order"],
  [C("promo_input"), W("SAVE10"), C("apply_promo_button")], is_({"promo": {"code": "SAVE10", "applied": "SAVE10"}}))
t("cart", ["Choose express shipping and gift wrap the order", "Select Express shipping and tick gift wrap", "Gift wrap my order and ship it express"],
  [C("ship_express"), C("gift_wrap_checkbox")], is_({"shipping": "express", "giftWrap": True}))
t("cart", ["Drag the Trail Runner 2 into Saved for later", "Save the Trail Runner 2 for later by dragging it to the saved box", "Move the running shoes out of the cart into Saved for later with a drag"],
  [{"moveTo": "cart_trail_runner_2_handle"}, {"dragTo": "saved_for_later_zone"}],
  is_({"cart": cart(("Noise-cancelling headphones", None, "black", 1), ("Steel water bottle", None, "silver", 2)), "saved": ["Rain jacket", "Trail Runner 2"]}))
t("cart", ["Move the rain jacket from Saved for later back to the cart", "Click Move to cart on the rain jacket", "Put the saved rain jacket in my cart"],
  [C("saved_rain_jacket_move")], is_({"saved": [], "cart": cart(("Trail Runner 2", 42, "blue", 1), ("Noise-cancelling headphones", None, "black", 1), ("Steel water bottle", None, "silver", 2), ("Rain jacket", None, None, 1))}))
t("cart", ["Right-click the Trail Runner 2 in the cart", "Open the context menu for the Trail Runner 2 line", "Show the options for the running shoes in my cart"],
  [{"rightClick": "cart_trail_runner_2_name"}], is_({"contextMenu": "Trail Runner 2"}))
t("cart", ["Scroll the Customers also bought row to the right", "Scroll horizontally through Customers also bought", "Move the also-bought carousel sideways"],
  [{"hscroll": 3, "at": "bought_desk_lamp_card"}], is_({}, "omni.state.ui.also >= 250"))
t("cart", ["Add one more water bottle and proceed to checkout", "Increase the bottles to 3 then check out", "Raise the water bottle quantity by one and go to checkout"],
  [C("cart_steel_water_bottle_plus"), C("checkout_button")], is_({"view": "checkout", "cart": cart(("Trail Runner 2", 42, "blue", 1), ("Noise-cancelling headphones", None, "black", 1), ("Steel water bottle", None, "silver", 3))}))
t("cart", ["Apply the code WELCOME with the Enter key", "Type WELCOME in the promo field and press Enter", "Redeem promo WELCOME"],
  [C("promo_input"), W("WELCOME"), P("enter")], is_({"promo": {"code": "WELCOME", "applied": "WELCOME"}}))

# ---------------- more multi-step tasks
t("home", ["Add the headphones, the hiking backpack and the desk lamp deals to the cart", "Put three deals in my cart: headphones, backpack and desk lamp", "From Deals of the day add the noise-cancelling headphones, the hiking backpack and the desk lamp"],
  [C("deal_noise_cancelling_headphones_add"), C("deal_hiking_backpack_add"), C("deal_desk_lamp_add")],
  is_({"cart": cart(("Noise-cancelling headphones", None, None, 1), ("Hiking backpack", None, None, 1), ("Desk lamp", None, None, 1))}))
t("home", ["Search for trail running socks", "Find trail running socks with the search box", "Look for trail running socks and hit Enter"],
  [C("search_input"), W("trail running socks"), P("enter")], is_({"view": "results", "searchText": "trail running socks", "query": "trail running socks"}))
t("results", ["Show Velo shoes in size 43 sorted by average rating", "Filter to brand Velo and size 43, then sort by rating", "Tick Velo, choose size 43 and order by avg. rating"],
  [C("brand_velo_checkbox"), C("size_filter_43"), C("sort_rating")], is_({F + "brands": ["Velo"], F + "sizes": [43], "sort": "rating"}))
t("results", ["Show Urbano and Nimbus shoes up to $100, cheapest first", "Filter by Urbano and Nimbus, drag the max price to $100 and sort by price low to high", "Only Urbano or Nimbus under 100 dollars, sorted by ascending price"],
  [C("brand_urbano_checkbox"), C("brand_nimbus_checkbox"), {"moveTo": "price_max_handle"}, {"dragTo": "price_tick_100"}, C("sort_price_low")],
  is_({F + "brands": ["Urbano", "Nimbus"], F + "priceMax": 100, "sort": "price_low"}))
t("results", ["Add the Trail Runner 2 and the Tempo Trainer to the cart, then open the cart", "Put Trail Runner 2 and Tempo Trainer in the cart and go to it", "Add two shoes, Trail Runner 2 and Tempo Trainer, and view my cart"],
  [C("product_trail_runner_2_add"), C("product_tempo_trainer_add"), C("cart_button")],
  is_({"view": "cart", "cart": cart(("Trail Runner 2", None, None, 1), ("Tempo Trainer", None, None, 1))}))
t("product", ["Pick the grey colour in size 45 and save it to my wish list", "Choose grey, EU 45, then add to wish list", "Select grey and size 45 and click Add to wish list"],
  [C("color_grey"), C("size_45_option"), C("wishlist_toggle")], is_({"product.color": "grey", "product.size": 45, "wishlist": ["Trail Runner 2"]}))
t("product", ["Check delivery to ZIP 10001 using the Enter key", "Type 10001 in the ZIP code box and press Enter", "Find delivery dates for ZIP code 10001"],
  [C("postcode_input"), W("10001"), P("enter")], is_({"delivery.postcode": "10001", "delivery.checked": "10001"}))
t("product", ["Buy two pairs in size 41 now", "Select size 41, set quantity to 2 and click Buy now", "Purchase 2 pairs of EU 41 immediately"],
  [C("size_41_option"), C("qty_plus"), C("buy_now_button")], is_({"view": "checkout", "product.size": 41, "product.qty": 2, "cart": cart(("Trail Runner 2", 41, "blue", 2))}))
t("cart", ["Mark the running shoes as a gift, choose store pickup and check out", "Tick This is a gift on Trail Runner 2, pick up in store, then proceed to checkout", "Gift the Trail Runner 2, collect in store, and go to checkout"],
  [C("cart_trail_runner_2_gift"), C("ship_pickup"), C("checkout_button")],
  is_({"view": "checkout", "shipping": "pickup", "cart": [dict(item="Trail Runner 2", size=42, color="blue", qty=1, gift=True), dict(item="Noise-cancelling headphones", size=None, color="black", qty=1), dict(item="Steel water bottle", size=None, color="silver", qty=2)]}))

import sys
json.dump(T, open(sys.argv[1], "w"), indent=1)
print(len(T), "tasks;", sum(len(x["steps"]) >= 3 for x in T), ">=3 steps")
