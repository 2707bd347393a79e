"""Generates tasks.json for the flights app: python make_tasks.py tasks.json (checks use omni.is, see ../_shared/web-kit.js)."""
import json
import sys

T = []


def is_(exp=None, extra=None):
    s = "omni.is(" + json.dumps(exp or {}, separators=(", ", ": ")) + ")"
    return s if not extra else f"{extra} && {s}"


def t(screen, goals, steps, check):
    T.append({"screen": screen, "goals": goals, "steps": steps, "check": check})


def C(label): return {"click": label}
def W(text): return {"write": text}
def P(key): return {"press": key}


# ---------------- search
t("search", ["Search one-way flights from Seattle to Boston on December 18", "Find a one way flight to Boston departing Dec 18", "Look for single-trip flights SEA to Boston on the 18th of December"],
  [C("trip_oneway_tab"), C("to_input"), W("Boston"), C("day_dec_18"), C("search_flights_button")],
  is_({"view": "results", "tripType": "oneway", "to": "Boston", "depart": "2026-12-18"}))
t("search", ["Search round-trip flights to Denver from December 20 to December 27", "Find flights to Denver leaving Dec 20 and returning Dec 27", "Book a Denver round trip, Dec 20 to Dec 27, and search"],
  [C("to_input"), W("Denver"), C("day_dec_20"), C("day_dec_27"), C("search_flights_button")],
  is_({"view": "results", "to": "Denver", "depart": "2026-12-20", "ret": "2026-12-27"}))
t("search", ["Pick December 5 to December 9 and first class", "Select travel dates Dec 5 to Dec 9 in the calendar and choose First", "Set the dates to leave on the 5th and come back on the 9th of December, flying first class"],
  [C("day_dec_5"), C("day_dec_9"), C("cabin_first")], is_({"depart": "2026-12-05", "ret": "2026-12-09", "cabin": "first"}))
t("search", ["Set travellers to 2 adults and 1 child flying business", "Add an adult and a child and choose Business class", "Two adults, one child, business cabin"],
  [C("adults_plus"), C("children_plus"), C("cabin_business")], is_({"adults": 2, "children": 1, "cabin": "business"}))
t("search", ["Switch the cabin class to premium economy", "Choose Premium economy", "Fly premium economy instead of economy"],
  [C("cabin_premium")], is_({"cabin": "premium"}))
t("search", ["Enter Chicago as the destination, then swap origin and destination", "Type Chicago in To and click the swap button", "Make it a Chicago to Seattle search by typing Chicago and swapping"],
  [C("to_input"), W("Chicago"), C("swap_airports_button")], is_({"from": "Chicago", "to": "Seattle (SEA)"}))
t("search", ["Replace the departure airport with Portland (PDX)", "Select all text in From and type Portland (PDX)", "Change where I fly from to Portland (PDX)"],
  [C("from_input"), {"hotkey": ["ctrl", "a"]}, W("Portland (PDX)")], is_({"from": "Portland (PDX)"}))
t("search", ["Choose Honolulu from the popular destinations", "Click the Honolulu card", "Set the destination to Honolulu using the suggestions"],
  [C("dest_honolulu_card")], is_({"to": "Honolulu"}))
t("search", ["Search flights to Miami from January 10 to January 17 using the Miami card", "Pick Miami below, choose Jan 10 to Jan 17 and search", "Find Miami trips leaving Jan 10 and returning Jan 17"],
  [C("dest_miami_card"), C("day_jan_10"), C("day_jan_17"), C("search_flights_button")],
  is_({"view": "results", "to": "Miami", "depart": "2027-01-10", "ret": "2027-01-17"}))
t("search", ["Turn on add a hotel, flexible dates and nonstop only", "Tick Add a hotel, Flexible dates ±3 and Nonstop only", "Only nonstop flights, with flexible dates, plus a hotel"],
  [C("add_hotel_checkbox"), C("flexible_dates_checkbox"), C("nonstop_only_checkbox")], is_({"addHotel": True, "flexible": True, "nonstopOnly": True}))
t("search", ["Add a hotel to this trip", "Tick the Add a hotel box", "Bundle a hotel with the flight"],
  [C("add_hotel_checkbox")], is_({"addHotel": True}))
t("search", ["Scroll the popular destinations to the right", "Scroll sideways through Popular from Seattle", "Move the destination cards right"],
  [{"hscroll": 4, "at": "dest_denver_card"}], is_({}, "omni.state.ui.destScroll >= 350"))
t("search", ["Search Austin trips from Dec 12 to Dec 15 by pressing Enter", "Choose Dec 12 and Dec 15, type Austin in To and hit Enter", "Find flights to Austin, 12th to 15th of December, submitting with the keyboard"],
  [C("day_dec_12"), C("day_dec_15"), C("to_input"), W("Austin"), P("enter")],
  is_({"view": "results", "to": "Austin", "depart": "2026-12-12", "ret": "2026-12-15"}))
t("search", ["Add an infant to the travellers", "Increase infants to 1", "I am travelling with a baby under 2"],
  [C("infants_plus")], is_({"infants": 1}))
t("search", ["Go to hotels", "Open the Hotels tab", "Switch to hotel search"],
  [C("nav_hotels")], is_({"view": "hotels"}))
t("search", ["Make it a same-day trip on December 24 by double-clicking the date", "Double-click Dec 24 in the calendar", "Depart and return on Christmas Eve"],
  [{"doubleClick": "day_dec_24"}], is_({"depart": "2026-12-24", "ret": "2026-12-24"}))

# ---------------- results
F = "filters."
t("results", ["Show only nonstop flights", "Filter to nonstop", "Tick Nonstop under Stops"],
  [C("nonstop_checkbox")], is_({F + "stops": [0]}))
t("results", ["Show nonstop flights on Delta and Alaska Airlines only", "Filter nonstop, airlines Delta and Alaska", "Tick Nonstop, Delta and Alaska Airlines"],
  [C("nonstop_checkbox"), C("airline_delta_checkbox"), C("airline_alaska_checkbox")], is_({F + "stops": [0], F + "airlines": ["delta", "alaska"]}))
t("results", ["Sort by the cheapest flights", "Show the cheapest option first", "Click Cheapest"],
  [C("sort_cheapest")], is_({"sort": "cheapest"}))
t("results", ["Turn on price tracking for this route", "Enable Track prices", "Alert me when prices change"],
  [C("track_prices_toggle")], is_({"trackPrices": True}))
t("results", ["Select the JetBlue flight at 09:10", "Choose the 9:10 JetBlue flight", "Click Select on the JetBlue B6 264 flight"],
  [C("flight_3_select")], is_({"view": "seats", "selected": 3}))
t("results", ["Save the Alaska 07:45 and the United 11:30 flights and track prices", "Heart flights AS 24 and UA 1187, then turn on Track prices", "Add the 7:45 Alaska and 11:30 United flights to saved and enable price tracking"],
  [C("flight_2_save"), C("flight_4_save"), C("track_prices_toggle")], is_({"saved": [2, 4], "trackPrices": True}))
t("results", ["Show details of the American Airlines flight", "Expand Details on the 13:15 American flight", "Open the details of AA 2971"],
  [C("flight_5_details")], is_({"expanded": 5}))
t("results", ["Pin the first flight by double-clicking it", "Double-click the Delta 06:05 flight to pin it", "Pin DL 417 for comparison"],
  [{"doubleClick": "flight_1_card"}], is_({"pinned": [1]}))
t("results", ["Pin the Alaska 07:45 and the United 11:30 flights for comparison", "Double-click AS 24 and then UA 1187", "Pin two flights: Alaska at 7:45 and United at 11:30"],
  [{"doubleClick": "flight_2_card"}, {"doubleClick": "flight_4_card"}], is_({"pinned": [2, 4]}))
t("results", ["Open the context menu for the JetBlue flight", "Right-click the 09:10 JetBlue flight", "Show more options for B6 264"],
  [{"rightClick": "flight_3_card"}], is_({"contextMenu": 3}))
t("results", ["Right-click the American Airlines flight", "Open options for the 13:15 American flight with a right-click", "Context menu on AA 2971"],
  [{"rightClick": "flight_5_card"}], is_({"contextMenu": 5}))
t("results", ["Hover the info icon of the first flight to see fare rules", "Show the fare details tooltip for DL 417", "Point at the i next to Economy on the Delta flight"],
  [{"moveTo": "flight_1_fare_info"}], is_({}, "omni.state.ui.tooltip === 'fare_1'"))
t("results", ["Hover over the fare info of the United 11:30 flight", "Show the fare rules tooltip for UA 1187", "Point at the info icon of the 11:30 United flight"],
  [{"moveTo": "flight_4_fare_info"}], is_({}, "omni.state.ui.tooltip === 'fare_4'"))
t("results", ["Limit the price to $400 with the slider", "Drag the max price handle to $400", "Only show flights up to 400 dollars"],
  [{"moveTo": "price_max_handle"}, {"dragTo": "price_tick_400"}], is_({F + "priceMax": 400}))
t("results", ["Only show departures between 6h and 18h", "Drag the departure time handles to 6h and 18h", "Set the departure window from 6 am to 6 pm"],
  [{"moveTo": "departure_min_handle"}, {"dragTo": "departure_tick_6"}, {"moveTo": "departure_max_handle"}, {"dragTo": "departure_tick_18"}],
  is_({F + "depMin": 6, F + "depMax": 18}))
t("results", ["Show only afternoon departures from noon", "Drag the earliest departure handle to 12h", "Flights leaving after 12:00 only"],
  [{"moveTo": "departure_min_handle"}, {"dragTo": "departure_tick_12"}], is_({F + "depMin": 12}))
t("results", ["Look at flights on Wednesday, December 16", "Switch the date to Dec 16", "Click Wed, Dec 16 in the date bar"],
  [C("date_dec_16")], is_({"date": "2026-12-16"}))
t("results", ["Scroll the date bar to later dates", "Scroll the dates strip to the right", "See prices for later days by scrolling the dates sideways"],
  [{"hscroll": 5, "at": "date_dec_15"}], is_({}, "omni.state.ui.dateScroll >= 450"))
t("results", ["Scroll a little right in the date bar", "Scroll the date chips sideways by three", "Move the dates strip right slightly"],
  [{"hscroll": 3, "at": "date_dec_18"}], is_({}, "omni.state.ui.dateScroll >= 250"))
t("results", ["Scroll down the list of flights", "Scroll the results to see more flights", "Scroll down through the flights"],
  [{"scroll": -3, "at": "flight_3_card"}], is_({}, "omni.state.ui.listScroll >= 250"))
t("results", ["Go back and edit the search", "Click Edit search", "Change my search criteria"],
  [C("edit_search_button")], is_({"view": "search"}))
t("results", ["Fastest nonstop flights with a carry-on bag", "Tick Nonstop, turn on Carry-on bag included and sort by Fastest", "Nonstop only, carry-on included, fastest first"],
  [C("nonstop_checkbox"), C("carry_on_toggle"), C("sort_fastest")], is_({F + "stops": [0], F + "carryOn": True, "sort": "fastest"}))
t("results", ["Show the cheapest one-stop United flights", "Filter United and 1 stop, then sort by cheapest", "Tick United and 1 stop and choose Cheapest"],
  [C("airline_united_checkbox"), C("one_stop_checkbox"), C("sort_cheapest")], is_({F + "airlines": ["united"], F + "stops": [1], "sort": "cheapest"}))

# ---------------- seats
t("seats", ["Choose seat 14C for Alex", "Pick seat 14C", "Give the first passenger seat 14C"],
  [C("seat_14c")], is_({"seats": {"p1": "14C", "p2": None}, "activePassenger": 2}))
t("seats", ["Seat both passengers together in 12B and 12C and continue", "Choose 12B for Alex and 12C for Jordan, then continue to passengers", "Select seats 12B and 12C and go on"],
  [C("seat_12b"), C("seat_12c"), C("continue_button")], is_({"seats": {"p1": "12B", "p2": "12C"}, "activePassenger": 2, "view": "passenger"}))
t("seats", ["Give Jordan Lee seat 16A and Alex seat 16B", "Select Jordan, then seat 16A, then 16B for Alex", "Put the second passenger in 16A and the first in 16B"],
  [C("passenger_2_chip"), C("seat_16a"), C("seat_16b")], is_({"seats": {"p1": "16B", "p2": "16A"}, "activePassenger": 1}))
t("seats", ["Drag Jordan Lee onto seat 18C", "Assign 18C to Jordan by dragging the passenger onto the seat", "Drop Jordan on seat 18C"],
  [{"moveTo": "passenger_2_chip"}, {"dragTo": "seat_18c"}], is_({"seats": {"p1": None, "p2": "18C"}}))
t("seats", ["Drag Alex Kim onto the extra-legroom seat 11D", "Drop Alex on seat 11D", "Move Alex to 11D by dragging"],
  [{"moveTo": "passenger_1_chip"}, {"dragTo": "seat_11d"}], is_({"seats": {"p1": "11D", "p2": None}}))
t("seats", ["Right-click seat 20A to see its details", "Show info about seat 20A", "Open the context menu of seat 20A"],
  [{"rightClick": "seat_20a"}], is_({"seatInfo": "20A"}))
t("seats", ["Right-click seat 13E", "Check the details of seat 13E with a right-click", "What is seat 13E like? Right-click it"],
  [{"rightClick": "seat_13e"}], is_({"seatInfo": "13E"}))
t("seats", ["Hover over seat 10B to see its price", "Point at seat 10B", "Show the price of 10B by hovering"],
  [{"moveTo": "seat_10b"}], is_({}, "omni.state.ui.hoverSeat === '10B'"))
t("seats", ["Scroll down the seat map", "Scroll towards the back of the plane", "Scroll the cabin down four notches"],
  [{"scroll": -4, "at": "seat_18b"}], is_({}, "omni.state.ui.cabinScroll >= 350"))
t("seats", ["Scroll the seat map down a little", "Scroll the cabin down by two", "Nudge the seat map down"],
  [{"scroll": -2, "at": "seat_12a"}], is_({}, "omni.state.ui.cabinScroll >= 150 && omni.state.ui.cabinScroll < 350"))
t("seats", ["Show extra legroom seats only and upgrade to Comfort+", "Turn on extra legroom only and click Upgrade", "Filter legroom seats and buy the Comfort+ upgrade"],
  [C("legroom_only_toggle"), C("upgrade_button")], is_({"legroomOnly": True, "upgrade": True}))
t("seats", ["Skip seat selection", "Assign seats at check-in instead", "Don't pick seats now"],
  [C("skip_seats_button")], is_({"view": "passenger", "seatsSkipped": True}))
t("seats", ["Take seats 21D and 21E and continue", "Choose 21D and 21E, then continue to passengers", "Book the exit-row seats 21D and 21E and move on"],
  [C("seat_21d"), C("seat_21e"), C("continue_button")], is_({"seats": {"p1": "21D", "p2": "21E"}, "activePassenger": 2, "view": "passenger"}))

# ---------------- passenger (held out)
t("passenger", ["Set title Mr and date of birth 14 03 1990", "Choose Mr and enter birth date 14/03/1990 using Tab between fields", "Title Mr, born 14 March 1990"],
  [C("title_mr"), C("dob_day_input"), W("14"), P("tab"), W("03"), P("tab"), W("1990")],
  is_({"form.title": "mr", "form.dobDay": "14", "form.dobMonth": "03", "form.dobYear": "1990"}))
t("passenger", ["Enter the phone number 2065550143", "Type 2065550143 in Phone", "My phone is 206 555 0143, without spaces"],
  [C("phone_input"), W("2065550143")], is_({"form.phone": "2065550143"}))
t("passenger", ["Replace the email with alex@skymail.com", "Select all in the email field and type alex@skymail.com", "Change my email address to alex@skymail.com"],
  [C("email_input"), {"hotkey": ["ctrl", "a"]}, W("alex@skymail.com")], is_({"form.email": "alex@skymail.com"}))
t("passenger", ["Change the last name to Kimura by double-clicking it", "Double-click Kim and type Kimura", "Correct the surname to Kimura"],
  [{"doubleClick": "last_name_input"}, W("Kimura")], is_({"form.last": "Kimura"}))
t("passenger", ["Change the first name to Alexander", "Double-click the first name and type Alexander", "Use Alexander as the first name"],
  [{"doubleClick": "first_name_input"}, W("Alexander")], is_({"form.first": "Alexander"}))
t("passenger", ["Choose a vegetarian meal and add two checked bags", "Vegetarian meal, 2 bags", "Select Vegetarian and press + twice for bags"],
  [C("meal_vegetarian"), C("bags_plus"), C("bags_plus")], is_({"form.meal": "vegetarian", "form.bags": 2}))
t("passenger", ["Accept the terms and continue to payment", "Tick the fare rules box and click Continue to payment", "Agree to the terms and go to payment"],
  [C("terms_checkbox"), C("continue_payment_button")], is_({"form.terms": True, "view": "payment"}))
t("passenger", ["Add travel insurance and SMS updates and accept the terms", "Tick insurance, flight updates by SMS and the terms box", "I want insurance and text message updates; accept the fare rules too"],
  [C("insurance_checkbox"), C("sms_updates_checkbox"), C("terms_checkbox")], is_({"form.insurance": True, "form.sms": True, "form.terms": True}))
t("passenger", ["Enter frequent flyer number SK 4471 2290", "Type SK 4471 2290 as the frequent flyer number", "Add my loyalty number SK 4471 2290"],
  [C("frequent_flyer_input"), W("SK 4471 2290")], is_({"form.ff": "SK 4471 2290"}))
t("passenger", ["Request special assistance", "Turn on I need special assistance", "Enable special assistance"],
  [C("special_assistance_toggle")], is_({"form.assist": True}))
t("passenger", ["Replace the first name with Alexandra", "Select all of the first name and type Alexandra", "Rename the passenger Alexandra"],
  [C("first_name_input"), {"hotkey": ["ctrl", "a"]}, W("Alexandra")], is_({"form.first": "Alexandra"}))

t("search", ["Search one-way first class flights to Anchorage on January 5", "One way, to Anchorage, Jan 5, First class, search", "Find a first-class one-way ticket to Anchorage for January 5"],
  [C("trip_oneway_tab"), C("to_input"), W("Anchorage"), C("day_jan_5"), C("cabin_first"), C("search_flights_button")],
  is_({"view": "results", "tripType": "oneway", "to": "Anchorage", "depart": "2027-01-05", "cabin": "first"}))
t("results", ["Show flights with 2 or more stops under $400, cheapest first", "Tick 2+ stops, drag the max price to $400 and sort by Cheapest", "Cheapest multi-stop flights up to 400 dollars"],
  [C("two_stops_checkbox"), {"moveTo": "price_max_handle"}, {"dragTo": "price_tick_400"}, C("sort_cheapest")],
  is_({F + "stops": [2], F + "priceMax": 400, "sort": "cheapest"}))

json.dump(T, open(sys.argv[1], "w"), indent=1)
print(len(T), "tasks;", sum(len(x["steps"]) >= 3 for x in T), ">=3 steps")
