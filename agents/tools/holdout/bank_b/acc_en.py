"""English accounts of losses and letter phrases of bank "b".

Other events than bank "a" for every peril, told in other shapes: the date opening the
account, inside it or after words of its own ("in the night of {date}"), the consequence
before the cause, passive and formal reports next to short, informal ones with the odd typo.
Placeholders: ``{On_date}``/``{on_date}`` (the date phrase with its preposition), ``{date}``
(the date alone), ``{place}``, ``{car}``, ``{plate}``.
"""

from __future__ import annotations

SCENARIOS: dict[str, tuple[str, ...]] = {
    "water@home": (
        "Extensive staining and a partial collapse of the kitchen ceiling were discovered {on_date}. The "
        "cause was traced to the flat upstairs, where a bath had been left running and had overflowed for "
        "some time. The ceiling plaster, the kitchen lights and a dresser standing underneath were damaged.",
        "We were away skiing with the heating turned low. During the cold snap the pipe feeding the outside "
        "tap froze and split inside the garage wall, and when it thawed it just poured out. My neighbour saw "
        "water coming under the garage door {on_date} and rang me. Everything stored on the garage floor "
        "got soaked and the wall board is definately ruined.",
        "Shower tray seal failed. Water had been seeping through to the dining room below for a while and "
        "{on_date} a section of the ceiling came down. Tiling, ceiling and the dining-room carpet all need "
        "replacing.",
        "The hot water cylinder in our airing cupboard split along a seam during the night of {date}. By "
        "morning the landing carpet and the bedroom next to it were saturated and water had run down the "
        "wall of the stairwell.",
        "{On_date} my son caught the valve of the radiator in his bedroom with his foot and it snapped off. "
        "Hot water from the heating system sprayed out until I managed to shut the system down and drain "
        "it; the floorboards and the ceiling of the room below are wet through.",
    ),
    "fire@home": (
        "A candle left burning on the windowsill set the curtains alight in our lounge {on_date}. The fire "
        "spread to the window frame and the sofa before my husband put it out with the extinguisher. The "
        "room is black with soot and everything smells of smoke.",
        "{On_date}, at about tea time, an e-bike battery that was on charge in the hallway overheated and "
        "burst into flames. The hallway, the front door and the staircase are badly burnt and there is "
        "smoke damage all over the first floor.",
        "The insured property suffered a chimney fire on the evening of {date}. Burning soot set light to a "
        "roof timber next to the flue, and the fire brigade had to open part of the roof to put it out. The "
        "roof structure, the insulation and the loft floor require repair.",
        "Scorched kitchen cabinets, a melted microwave and smoke damage throughout the ground floor: that is "
        "what the fire that started in our toaster {on_date} left behind. It happened in the morning while "
        "we were upstairs getting the children ready.",
    ),
    "storm@home": (
        "The weight of snow after two days of heavy snowfall brought down the roof of our carport {on_date}. "
        "The roof sheets and two of the timber posts gave way, and the garden furniture stored underneath "
        "was crushed.",
        "{On_date} gale-force winds got under the felt on the flat roof of our extension and peeled half of "
        "it off. Rain then came straight in through the boards; the ceiling and the laminate floor of the "
        "extension are damaged.",
        "During the thunderstorm in the night of {date} the drains in our street could not cope and "
        "rainwater poured in through the basement light well. There was about 20 cm of water in the "
        "basement and the freezer, the boiler controls and everything we had stored down there are ruined.",
        "Hailstones the size of golf balls fell on {place} {on_date}. Our conservatory roof was smashed in "
        "several places and four of the solar panels on the main roof are cracked.",
    ),
    "theft@home": (
        "Two men who said they were from the water company talked their way into my home {on_date}. While "
        "one of them kept me talking in the kitchen the other went upstairs. Afterwards I found that my "
        "jewellery box, some cash and my tablet were gone.",
        "Our garden shed was broken into overnight on {date}. The padlock hasp had been levered off. Taken: "
        "two mountain bikes, a petrol lawnmower, a strimmer and a box of power tools.",
        "Someone tried to force our back door {on_date} while we were asleep. The alarm went off and they "
        "ran, so as far as we know nothing was taken, but the door, its frame and the multi-point lock are "
        "wrecked and the door will not close properly.",
        "Entry was gained to our apartment building's cellar {on_date}; the lock of our storage cage was "
        "cut and its contents removed, among them a set of winter tyres on rims, a pushchair and our "
        "camping gear.",
    ),
    "glass@home": (
        "{On_date} we noticed a long crack running diagonally across the inner pane of the big south-facing "
        "window in the living room. Nobody hit it; the window company says it is a thermal stress crack and "
        "the sealed unit has to be replaced.",
        "I was painting the window frames on the first floor {on_date} when the ladder slipped sideways and "
        "its top went through the landing window. The pane is completely broken.",
        "The glass balustrade panel on our balcony cracked {on_date} when a heavy planter we were moving "
        "tipped against it. The panel is laminated so it held together, but it is cracked from top to "
        "bottom and no longer safe.",
        "While the oven was heating up {on_date}, the inner glass of its door exploded. Bits of glass went "
        "everywhere but luckily nobody was in the kitchen at the time.",
    ),
    "other@home": (
        "Our new rescue dog, left on his own for the first time {on_date}, chewed through the frame of the "
        "living-room door, ripped open two sofa cushions and scratched the hall floor down to the bare wood.",
        "{On_date}, carrying a tin of paint up the stairs, I tripped and the whole 5-litre tin emptied over "
        "the landing carpet and the stair runner. It is gloss paint and the specialist cleaners say the "
        "carpet cannot be saved.",
        "Rats got into the loft through a gap at the eaves. When the electrician came out {on_date} because "
        "half the lights had stopped working, he found cables chewed through in several places and the "
        "insulation fouled. The loft wiring has to be replaced.",
        "After our son's party {on_date} we found that some of the guests had written on the hallway walls "
        "with permanent marker and pulled the towel rail in the bathroom off the wall; the wallpaper in the "
        "hall is torn as well.",
    ),
    "collision@home": (
        "A car coming down our road far too fast lost control {on_date}, mounted the pavement and ended up "
        "in our front garden. It demolished about four metres of the front wall and the gate pillar and "
        "flattened the hedge.",
        "{On_date} the refuse lorry reversing up our lane clipped the corner of the house. The gutter, the "
        "downpipe and the corner of the brickwork were damaged, and a crack now runs up from the window "
        "sill.",
        "My neighbour's car rolled down his drive {on_date} - he swears the handbrake was on - and went "
        "straight into our garage door. The door is buckled and the motor that opens it is broken.",
    ),
    "collision@motor": (
        "{On_date} I was already on the roundabout in {place} when a van joined from the next entry without "
        "giving way and hit my {car} ({plate}) on the driver's door. The door, the front wing and the wing "
        "mirror are damaged; the van driver admitted fault at the scene.",
        "Merging onto the motorway near {place} {on_date}, I was sideswiped by a lorry that moved into my "
        "lane. The whole passenger side of my {car} is scraped and dented and the rear passenger door no "
        "longer opens.",
        "When I came back to the multi-storey car park in {place} {on_date} I found the rear bumper of my "
        "{car} ({plate}) smashed in, with another car's paint on it. Whoever did it drove off without "
        "leaving a note. I have asked for the CCTV.",
        "A cyclist came out of a side street without stopping {on_date} and I could not avoid him. He went "
        "over my bonnet; thankfully he was only bruised. The bonnet, the windscreen and the front grille of "
        "my {car} are damaged.",
        "Vehicle {plate} skidded on black ice on the B-road near {place} {on_date} and struck the crash "
        "barrier. Damage to front bumper, nearside headlamp and suspension.",
    ),
    "glass@motor": (
        "After a frosty night {on_date} I ran the heater on full to clear the windscreen of my {car} and "
        "heard a crack: a split has run in from the edge of the glass to the middle. The glass specialist "
        "says it has to be replaced.",
        "The rear window of my {car} ({plate}) shattered {on_date} when I shut the tailgate. The glass is in "
        "pieces all over the boot and the heating element is destroyed.",
        "{On_date} the driver's window of my {car} burst as I was closing it at a petrol station in {place}; "
        "the fitter thinks the window mechanism jammed and put the glass under strain.",
        "A golf ball from the course beside the road near {place} hit the windscreen of my {car} {on_date}, "
        "leaving a star-shaped break right in front of the driver.",
    ),
    "theft@motor": (
        "Thieves took the catalytic converter from underneath my {car} ({plate}) while it was parked outside "
        "my house on the night of {date}. I only found out in the morning when the engine made a deafening "
        "noise on starting.",
        "My {car} ({plate}) was taken from our driveway in the early hours of {date}. Both keys were inside "
        "the house; the police think the keyless entry signal was relayed. Our doorbell camera shows two "
        "men and the car gone within a minute.",
        "{On_date} I came back to my {car} in {place} to find it up on bricks: all four wheels had been "
        "stolen. The brake discs were damaged when the car was let down.",
    ),
    "fire@motor": (
        "My {car} caught fire while parked outside my home in the night of {date}. A neighbour raised the "
        "alarm; the fire brigade suspect an electrical fault behind the dashboard. The interior is "
        "completely burnt out.",
        "{On_date} a skip next to where my {car} was parked in {place} was set alight and the flames spread "
        "to the car. The front bumper and the headlights have melted and the paint on the bonnet is "
        "blistered.",
        "On the motorway near {place} {on_date} the vehicle's engine warning light came on, followed by "
        "flames from the front wheel arch. The driver stopped on the hard shoulder and got out; the vehicle "
        "was then destroyed by the fire.",
    ),
    "storm@motor": (
        "We got caught in a sudden hailstorm driving home on the motorway near {place} {on_date}. There was "
        "nowhere to pull over. The roof, bonnet and boot of my {car} ({plate}) are covered in dents.",
        "Roof tiles blown off the building next door in the storm {on_date} landed on my {car}, which was "
        "parked in the street. The roof panel and the windscreen are damaged.",
        "Heavy rain during the storm of {date} flooded the underpass on my way home from {place}; the water "
        "came up over the sills of my {car} and the engine cut out and would not restart. The garage says "
        "the engine has taken in water.",
    ),
    "other@motor": (
        "All four tyres of my {car} were slashed overnight on {date} while it was parked in {place}, and the "
        "wipers were bent back.",
        "{On_date} I put petrol into my {car}, which runs on diesel, at a filling station in {place}. I only "
        "noticed after a few kilometres when it started to misfire; the tank, the fuel lines and the "
        "injectors now need cleaning and some parts replacing.",
        "While my {car} was parked next to a building site in {place} {on_date}, render spray from the "
        "scaffolding drifted over it. The whole left side and the roof are speckled with cement that will "
        "not wash off.",
    ),
}

# By peril, or by peril and kind of thing insured where the sentence only fits one of them.
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "water": (
        "An emergency plumber isolated the supply and the leak has been fixed.",
        "We have had dehumidifiers running ever since.",
        "The rooms affected cannot be used until they have dried out.",
    ),
    "fire": (
        "The fire service attended and can confirm what happened.",
        "We are staying with relatives while the smoke smell is dealt with.",
    ),
    "fire@motor": (
        "The fire service attended and can confirm what happened.",
        "What is left of the car has been taken to a salvage yard.",
    ),
    "storm": (
        "Other houses in the street were hit as well.",
        "A builder has covered the damage with a tarpaulin for now.",
    ),
    "storm@motor": (
        "Several other cars in the area were damaged the same way.",
        "The car can still be driven but the damage is plain to see.",
    ),
    "theft": (
        "A crime reference number was issued the same day.",
        "We have since fitted extra locks and an alarm.",
    ),
    "theft@motor": (
        "A crime reference number was issued the same day.",
        "I still have both keys and can send them to you if needed.",
    ),
    "glass": ("The opening has been made safe until the new glass is fitted.", "No one was hurt."),
    "glass@motor": (
        "I have booked the car in for a replacement screen.",
        "I have not driven the car since, to be safe.",
    ),
    "collision": (
        "The car is at a body shop waiting for your approval to start work.",
        "Luckily nobody was seriously hurt.",
        "Photos of the damage were taken straight away.",
    ),
    "collision@home": ("The driver stopped and gave us his insurance details.", "Nobody was hurt."),
    "other": ("I am happy for an assessor to come and look.", "Quotes for the repair are being obtained."),
    "other@motor": (
        "The garage has the car and is waiting for your go-ahead.",
        "I am happy for an assessor to come and look.",
    ),
}

# (peril mentioned, sentence, damages of claims it may appear in); the last one speaks of the
# insured car and is left out of accounts about homes.
DISTRACTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "fire",
        "There was no fire or smoke at any point.",
        ("water", "storm", "theft", "glass", "collision", "other"),
    ),
    ("water", "No water got in.", ("fire", "theft", "glass", "collision", "other")),
    ("theft", "As far as I can tell nothing is missing.", ("water", "fire", "storm", "glass", "other")),
    ("storm", "The weather that day was calm and dry.", ("fire", "theft", "glass", "other")),
    (
        "storm",
        "This has nothing to do with the storm we had earlier in the month.",
        ("water", "fire", "theft", "glass", "collision", "other"),
    ),
    ("glass", "Not a single window was broken.", ("water", "other")),
    (
        "collision",
        "There was no accident; the car had not run into anything.",
        ("fire", "storm", "glass", "other"),
    ),
)

LETTER: dict[str, tuple[str, ...]] = {
    "intro": (
        "I hold policy {policy} with you and need to make a claim.",
        "My policy number is {policy}, and I am writing about damage I would like to claim for.",
        "This letter concerns a loss covered under policy {policy}.",
        "Further to my phone call, here are the details of my claim on policy {policy}.",
        "please treat this as formal notice of a claim on policy {policy}.",
    ),
    "mail_intro": ("Dear Sir/Madam,", "Morning,", "To the claims department,", "Hi there,"),
    "amount": (
        "The total I am claiming is {amount}.",
        "Altogether the loss comes to {amount}, and that is the sum I am asking you to pay.",
        "I put the cost of putting everything right at {amount} and claim that amount.",
        "Please settle {amount}, which covers the repairs and the replacements.",
        "{amount} is the figure I am claiming.",
    ),
    "amount_estimate": (
        "The enclosed quote puts the work at {amount}; this is the amount of my claim.",
        "As the attached estimate shows, the repairs will come to {amount}, which I am claiming.",
    ),
    "excess": (
        "I know the first {money} of any claim is mine to pay.",
        "Please deduct the {money} excess from the settlement.",
    ),
    "new_value": (
        "My {item} (bought {date}) cost {money} at the time.",
        "The {item}, {money} when new, dates from {date}.",
    ),
    "previous": (
        "Apart from one claim in {year} for {money}, I have never claimed.",
        "Claims history: {year}, {money}.",
    ),
    "bank": ("Payment can be made to {iban}.", "The account for payment is {iban}."),
    "enclose": (
        "Photos and paperwork are enclosed.",
        "I attach what I have so far.",
        "The supporting paperwork is attached.",
    ),
    "split_amount": (
        "Including the attached quote, I am claiming {amount} in total.",
        "With the estimate enclosed, my claim comes to {amount} overall.",
    ),
    "visit": ("A tradesman looked at the damage on {date}.", "The damage was inspected on {date}."),
}

# How an account introduces the incident date: a relative phrase (a few days before the letter,
# capitalised and inline forms, one chosen by the date) or the plain preposition.
RELATIVE_DATES: tuple[tuple[str, str], ...] = (
    ("This past {weekday} ({date})", "this past {weekday} ({date})"),
    ("On {weekday} just gone ({date})", "on {weekday} just gone ({date})"),
)
DATE_LEAD = "on"

ITEMS: tuple[str, ...] = ("dishwasher", "games console", "armchair", "coffee machine", "tumble dryer", "desk")
# Longer phrases first: each pair is applied in order to the whole text.
US_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("the flat upstairs", "the apartment upstairs"),
    ("neighbour", "neighbor"),
    ("outside tap", "outdoor faucet"),
    ("jewellery", "jewelry"),
    ("petrol lawnmower", "gas lawnmower"),
    ("petrol station", "gas station"),
    ("filling station", "gas station"),
    ("put petrol", "put gasoline"),
    ("tyres", "tires"),
    ("pushchair", "stroller"),
    ("wing mirror", "side mirror"),
    ("front wing", "front fender"),
    ("roundabout", "traffic circle"),
    ("refuse lorry", "garbage truck"),
    ("motorway", "highway"),
    ("hard shoulder", "shoulder"),
    ("lorry", "truck"),
    ("multi-storey car park", "parking garage"),
    ("bonnet", "hood"),
    ("windscreen", "windshield"),
    ("replacement screen", "replacement windshield"),
    ("nearside headlamp", "passenger-side headlight"),
    ("B-road", "county road"),
    ("the boot", "the trunk"),
    ("and boot", "and trunk"),
    ("a skip", "a dumpster"),
    ("fire brigade", "fire department"),
    ("fire service", "fire department"),
    ("pavement", "sidewalk"),
    ("four metres", "13 feet"),
    ("downpipe", "downspout"),
    ("handbrake", "parking brake"),
    ("20 cm", "8 inches"),
    ("kilometres", "miles"),
    ("5-litre tin", "gallon can"),
    ("tin of paint", "can of paint"),
    ("lounge", "living room"),
    ("tea time", "dinner time"),
    ("render spray", "stucco spray"),
    ("building site", "construction site"),
    ("strimmer", "weed whacker"),
    ("airing cupboard", "utility closet"),
    ("rang me", "called me"),
    ("front garden", "front yard"),
    ("garden furniture", "patio furniture"),
    ("garden shed", "backyard shed"),
    ("down his drive", "down his driveway"),
    ("extension", "addition"),
    ("loft", "attic"),
    ("excess", "deductible"),
)
