// Fixed content of The Meridian: every screen renders from these tables, so screenshots are deterministic.
window.NEWS = {
  today: "Sunday, November 29, 2026",
  sections: [
    ["home", "Home"], ["world", "World"], ["us", "U.S."], ["politics", "Politics"], ["business", "Business"],
    ["tech", "Tech"], ["science", "Science"], ["climate", "Climate"], ["health", "Health"], ["sports", "Sports"],
    ["culture", "Culture"], ["opinion", "Opinion"], ["travel", "Travel"]
  ],
  subsections: {
    world: ["Africa", "Americas", "Asia", "Australia", "Europe", "Middle East"],
    politics: ["Congress", "White House", "Supreme Court", "Elections", "Polls"],
    business: ["Markets", "Economy", "Deals", "Energy", "Media", "Your Money"],
    tech: ["Artificial Intelligence", "Gadgets", "Security", "Startups", "Reviews"],
    sports: ["Football", "Basketball", "Soccer", "Baseball", "Tennis", "Golf"]
  },
  stories: [
    {id: 1, section: "Climate", title: "Nations Strike Last-Minute Deal to Cut Methane Emissions at Geneva Summit",
     dek: "After two weeks of talks, 140 countries agreed to slash methane leaks from oil and gas wells by 60 percent before 2035, the most ambitious pledge yet.",
     author: "Elena Marsh", time: "2h ago", icon: "fa-earth-europe", art: "sea", read: "6 min read"},
    {id: 2, section: "Business", title: "Central Bank Holds Rates Steady, Signals a Possible Cut in Spring",
     dek: "Policymakers pointed to cooling inflation but said they needed more evidence.", author: "David Okafor",
     time: "48m ago", icon: "fa-building-columns", art: "gold", read: "4 min read"},
    {id: 3, section: "Tech", title: "Inside the Race to Build a Battery That Lasts a Decade",
     dek: "Start-ups are betting on solid-state chemistry to end range anxiety.", author: "Priya Raman",
     time: "3h ago", icon: "fa-car-battery", art: "violet", read: "9 min read"},
    {id: 4, section: "U.S.", title: "City Council Approves $2.1 Billion Plan to Expand Light Rail",
     dek: "The vote clears the way for 14 new stations across the east side.", author: "Marcus Bell",
     time: "5h ago", icon: "fa-train-tram", art: "teal", read: "5 min read"},
    {id: 5, section: "Science", title: "A Rare Comet Will Be Visible to the Naked Eye This Week",
     dek: "Look low in the western sky just after sunset, astronomers say.", author: "Hana Sato",
     time: "6h ago", icon: "fa-meteor", art: "night", read: "3 min read"},
    {id: 6, section: "Opinion", title: "The Four-Day Workweek Is Coming. Are Managers Ready?",
     dek: "Guest essay by Laura Chen", author: "Laura Chen", time: "7h ago", icon: "fa-briefcase", art: "sand", read: "7 min read"},
    {id: 7, section: "Sports", title: "Underdogs Stun the Champions 3-1 to Reach the Cup Final",
     dek: "A late double from the 19-year-old forward sealed a famous night.", author: "Tom Alvarez",
     time: "1h ago", icon: "fa-futbol", art: "green", read: "4 min read"},
    {id: 8, section: "Culture", title: "A Quiet Revival: Independent Bookstores Are Opening Again",
     dek: "More than 300 new shops opened this year, a trade group says.", author: "Nora Whitfield",
     time: "9h ago", icon: "fa-book-open", art: "rose", read: "8 min read"}
  ],
  mostRead: [
    "What the Methane Deal Means for Your Energy Bill",
    "The 50 Best Restaurants in America Right Now",
    "How to See the Comet: A Viewing Guide by City",
    "Why Everyone Is Suddenly Talking About Heat Pumps",
    "The Supreme Court Takes Up a Landmark Privacy Case"
  ],
  videos: [
    ["Watch the summit's closing session in 90 seconds", "1:32"],
    ["How a solid-state battery works", "4:05"],
    ["Drone footage: the new light rail route", "2:18"],
    ["The comet, photographed from the Atacama", "0:58"],
    ["Cup semifinal: all four goals", "3:41"],
    ["A day in a 24-hour bookstore", "6:12"],
    ["Chef's table: the perfect winter soup", "8:30"],
    ["Inside the world's largest wind farm", "5:07"],
    ["Election explainer: what the polls miss", "4:44"],
    ["Tokyo's tiniest apartments", "7:20"]
  ],
  markets: [
    ["S&P 500", "5,981.32", "+0.42%"], ["Nasdaq", "19,204.11", "+0.77%"], ["Dow", "43,870.35", "-0.12%"],
    ["10-Yr Yield", "4.18%", "-0.03"], ["Crude Oil", "$71.06", "+1.35%"], ["Bitcoin", "$96,412", "-2.08%"]
  ],
  comments: [
    ["Margaret H.", "Portland, OR", "Finally some real numbers. The question is who will check that the leaks actually get fixed.", 412, "3h ago"],
    ["Jonas Weber", "Berlin", "Satellite monitoring is the key point here. Without independent measurements this is just another pledge.", 287, "2h ago"],
    ["Carlos M.", "Mexico City", "My town sits next to a gas field. We can smell the leaks on windy days. I hope this changes that.", 199, "2h ago"],
    ["A. Singh", "Toronto", "Good article, but I wish it explained what happens to countries that miss the 2035 target.", 143, "1h ago"],
    ["Rebecca L.", "Austin, TX", "The industry already has the technology. Flaring and venting could end tomorrow if regulators enforced it.", 121, "1h ago"],
    ["Peter O.", "Lagos", "Developing nations were promised financing for this in 2021. Where is it?", 98, "58m ago"],
    ["Lin Wei", "Singapore", "Methane is 80 times more potent than CO2 over twenty years. This matters more than people realise.", 87, "45m ago"],
    ["Sam Carter", "Denver, CO", "Cautiously optimistic. Let's see the follow-through.", 54, "30m ago"],
    ["Isabel F.", "Lisbon", "Excellent reporting by Ms. Marsh, as always.", 41, "22m ago"],
    ["Dmitri K.", "Helsinki", "The permafrost section was eye-opening. More on that, please.", 33, "15m ago"],
    ["Grace N.", "Nairobi", "We need the same ambition for agriculture emissions.", 19, "9m ago"],
    ["Owen P.", "Cardiff", "Will the full text of the agreement be published?", 7, "2m ago"]
  ],
  results: [
    {title: "Climate Talks Enter Final Day With Methane Deal Within Reach", section: "Climate", date: "Nov. 28, 2026", author: "Elena Marsh",
     snippet: "Negotiators worked through the night on a text that would commit oil and gas producers to measurable cuts in methane leaks..."},
    {title: "How Climate Change Is Reshaping Winter Sports", section: "Sports", date: "Nov. 26, 2026", author: "Tom Alvarez",
     snippet: "Ski resorts are investing in snow-making and summer attractions as the season shortens by a week every decade..."},
    {title: "The Climate Bill's Hidden Winner: Rural Electric Co-ops", section: "Business", date: "Nov. 24, 2026", author: "David Okafor",
     snippet: "Tax credits meant for big utilities are flowing to small cooperatives that serve farms and small towns..."},
    {title: "Opinion: Climate Anxiety Is Real. Here's What Helps.", section: "Opinion", date: "Nov. 21, 2026", author: "Ruth Adebayo",
     snippet: "Therapists report a surge of patients whose worries about the planet keep them up at night. Action, not avoidance..."},
    {title: "Scientists Map Thawing Permafrost With Satellite Radar", section: "Science", date: "Nov. 19, 2026", author: "Hana Sato",
     snippet: "A new map shows ground in Siberia and northern Canada sinking by up to four centimetres a year as ice melts..."},
    {title: "Climate Migration Is Already Changing Europe's Cities", section: "World", date: "Nov. 15, 2026", author: "Jonas Lind",
     snippet: "From Lisbon to Athens, city planners are preparing for newcomers displaced by heat and drought..."}
  ],
  games: [
    ["NBA", "Final", "Celtics", 112, "Knicks", 104], ["NBA", "Final", "Lakers", 98, "Nuggets", 101],
    ["NFL", "Q4 2:14", "Chiefs", 24, "Bills", 21], ["NFL", "Q3 8:40", "Eagles", 17, "Cowboys", 10],
    ["NHL", "Final/OT", "Rangers", 3, "Bruins", 2], ["EPL", "FT", "Arsenal", 2, "Chelsea", 2],
    ["EPL", "FT", "Liverpool", 3, "Man City", 1], ["NBA", "8:00 PM", "Warriors", null, "Suns", null],
    ["NFL", "8:20 PM", "49ers", null, "Packers", null], ["NHL", "7:00 PM", "Oilers", null, "Flames", null],
    ["MLS", "Final", "LAFC", 1, "Galaxy", 0], ["NBA", "9:30 PM", "Heat", null, "Bulls", null]
  ],
  standings: [
    ["Boston Celtics", 15, 4, ".789", "W5"], ["Cleveland Cavaliers", 14, 5, ".737", "W2"],
    ["New York Knicks", 12, 7, ".632", "L1"], ["Milwaukee Bucks", 11, 8, ".579", "W1"],
    ["Orlando Magic", 10, 9, ".526", "L2"], ["Miami Heat", 9, 9, ".500", "W3"]
  ],
  newsletters: [
    ["morning", "The Morning", "Make sense of the day's news and ideas. Every weekday.", "fa-mug-hot", true],
    ["breaking", "Breaking News", "Alerts for the biggest stories, as they happen.", "fa-bolt", false],
    ["tech", "Tech Weekly", "The week's most important technology stories, explained.", "fa-microchip", false],
    ["climate", "Climate Forward", "Our reporters on the science and politics of a warming planet.", "fa-leaf", true],
    ["weekend", "Weekend Reads", "The best longreads from the week, every Saturday.", "fa-book", false],
    ["cooking", "Cooking", "Recipes, tips and menus for the week ahead.", "fa-utensils", false]
  ]
};
