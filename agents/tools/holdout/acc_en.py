"""English accounts of losses and letter phrases.

An account is a scenario for the peril and the kind of thing insured, a follow-up sentence and
sometimes a sentence naming a peril that was *not* the cause, as real claimants write.
Placeholders: ``{On_date}``/``{on_date}`` (the incident date phrase), ``{place}``, ``{car}``, ``{plate}``.
"""

from __future__ import annotations

SCENARIOS: dict[str, tuple[str, ...]] = {
    "water@home": (
        "{On_date} a pipe under the kitchen sink burst while we were at work. When I came home the kitchen "
        "floor "
        "was under several centimetres of water and it had soaked through to the flat below. The laminate "
        "flooring "
        "and the base units of the kitchen are ruined.",
        "{On_date} the hose of our washing machine came loose during a wash cycle. Water ran across the "
        "utility "
        "room and into the hallway before I could turn off the stopcock. The skirting boards, the hall "
        "carpet and "
        "the lower part of the plasterboard wall are soaked.",
        "{On_date} I noticed a damp patch spreading on the living-room ceiling. The plumber found that a "
        "joint on "
        "the heating pipe under the bathroom floor had been leaking. The ceiling had to be opened up and the "
        "plaster, the paintwork and a rug below were spoiled.",
    ),
    "fire@home": (
        "{On_date} a pan of oil caught fire on the hob while I was cooking. The flames spread to the "
        "extractor hood "
        "and the wall cupboards before the fire brigade put them out. The whole kitchen is blackened by "
        "smoke.",
        "{On_date} lightning struck the roof of our house during a thunderstorm. It started a small fire in "
        "the "
        "loft and the surge destroyed the television, the router and the boiler control board.",
        "{On_date} the tumble dryer in the utility room overheated and caught fire. Smoke filled the ground "
        "floor "
        "and soot damaged the walls, curtains and furniture in three rooms.",
    ),
    "storm@home": (
        "{On_date} a severe storm with gusts of well over 100 km/h swept across {place}. Several roof tiles "
        "were "
        "torn off and rain came in through the roof into the bedroom below, damaging the ceiling and a "
        "wardrobe.",
        "{On_date} a hailstorm hit our area in the late afternoon. The hailstones smashed both skylights, "
        "dented "
        "the roof of the garden shed and shredded the awning over the terrace.",
        "During the storm {on_date} a large tree in the neighbour's garden was blown over and fell onto our "
        "garage "
        "roof and the garden fence. One side of the garage roof has collapsed.",
    ),
    "theft@home": (
        "{On_date}, while we were away for the weekend, burglars forced the patio door and searched the "
        "whole "
        "house. They stole a laptop, a camera, jewellery and some cash; the patio door and its frame are "
        "badly "
        "damaged.",
        "{On_date}, in the early hours, someone broke into our flat through the kitchen window. A "
        "television, two "
        "bicycles from the hallway and my wife's handbag were taken. The police came the same morning.",
        "{On_date} I came home to find the lock of the front door drilled out. The thieves had taken a games "
        "console, my watch collection and a tablet.",
    ),
    "glass@home": (
        "{On_date} a football kicked by children playing in the street went through our large living-room "
        "window. "
        "The double-glazed pane is shattered and has been boarded up until it can be replaced.",
        "{On_date} a heavy casserole slipped from my hand onto the ceramic hob, which cracked right across. "
        "The "
        "hob can no longer be used safely.",
        "{On_date} the glass door of our shower enclosure suddenly shattered while nobody was in the "
        "bathroom. "
        "The fitter thinks the toughened glass had a small chip that finally gave way.",
    ),
    "other@home": (
        "{On_date} vandals sprayed graffiti across the front of our house and kicked over the garden lamps. "
        "The "
        "facade has to be cleaned by a specialist firm.",
        "{On_date}, while we were moving furniture, a heavy bookcase tipped over onto the dining table. The "
        "table "
        "top is split and the oak floor is badly gouged.",
        "{On_date} we noticed wide cracks in the rear wall of the house after the long dry summer. A "
        "structural "
        "engineer has confirmed subsidence of the foundations.",
    ),
    "collision@home": (
        "{On_date} a delivery van reversing into our driveway crashed into the garden wall and one post of "
        "the "
        "carport. The wall has partly collapsed and the carport roof is sagging.",
        "{On_date} a car skidded on the icy bend outside our house and hit the front fence and the brick "
        "pillar "
        "of the letterbox, which will have to be rebuilt.",
    ),
    "collision@motor": (
        "{On_date} I was waiting at a red light in {place} when the car behind me failed to brake in time "
        "and ran "
        "into the back of my {car} ({plate}). The rear bumper, the boot lid and a rear light are damaged.",
        "{On_date} a deer ran out of the forest onto the country road near {place} and I could not avoid it. "
        "The "
        "front of my {car} is badly damaged: bonnet, both headlights and the radiator.",
        "{On_date}, reversing out of a parking space at the supermarket in {place}, I hit a concrete bollard "
        "I had "
        "not seen. The rear bumper and the tailgate of my {car} are dented.",
    ),
    "glass@motor": (
        "{On_date}, on the motorway near {place}, a stone thrown up by a lorry hit the windscreen of my "
        "{car} "
        "({plate}). A crack has since spread across the driver's side and the windscreen must be replaced.",
        "{On_date} the glass sunroof of my {car} shattered while I was driving at normal speed near {place}. "
        "The dealer found no other cause and says such spontaneous breakage does happen.",
    ),
    "theft@motor": (
        "{On_date} my {car}, registration {plate}, was stolen from the street outside my home during the "
        "night. I "
        "reported the theft to the police the same morning and the car has not been found.",
        "{On_date} thieves broke into my {car} in a car park in {place}. They smashed the side window and "
        "took the "
        "navigation unit, a laptop bag and the child seat.",
    ),
    "fire@motor": (
        "{On_date} smoke started coming out from under the bonnet of my {car} while I was driving near "
        "{place}. I "
        "stopped and got out, and within minutes the engine compartment was on fire. The car is a total "
        "loss.",
        "{On_date} a fire in the neighbouring garage spread to the carport where my {car} ({plate}) was "
        "parked. "
        "The paintwork, the tyres and the plastic parts on the left side are burnt.",
    ),
    "storm@motor": (
        "{On_date} a violent hailstorm passed over {place} while my {car} was parked outside. The roof, the "
        "bonnet "
        "and the boot are covered in dents.",
        "{On_date}, during the storm, a large branch broke off a tree and fell onto my {car} ({plate}), "
        "which was "
        "parked in the street. The roof is dented and the rear window is smashed.",
    ),
    "other@motor": (
        "{On_date} I found that someone had scratched the paintwork along the whole driver's side of my "
        "{car} "
        "with a key while it was parked in {place}.",
        "{On_date} my {car} would not start. The garage found that a marten had chewed through the ignition "
        "cables and the coolant hoses in the engine compartment.",
    ),
}

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "water": (
        "A plumber repaired the leak the next day and a drying company has installed dehumidifiers.",
        "I turned off the water at the main valve and called an emergency plumber straight away.",
    ),
    "fire": ("Fortunately nobody was hurt.", "The fire brigade's report can be sent on request."),
    "storm": (
        "The weather service recorded gusts of up to 110 km/h that day.",
        "A roofer has made a temporary repair to prevent further damage.",
    ),
    "theft": (
        "I reported it to the police the same day.",
        "The locks have since been changed.",
    ),
    "glass": ("A glazier has made it safe and measured up for the replacement.", "No one was injured."),
    "collision": (
        "The other party's details were exchanged at the scene.",
        "Nobody was injured and the vehicle was towed to a garage.",
    ),
    "other": (
        "I have taken photographs of the damage.",
        "I have kept the damaged parts in case you wish to see them.",
    ),
}

# (peril mentioned, sentence, damages of claims it may appear in)
DISTRACTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("fire", "No fire was involved.", ("water", "storm", "theft", "glass", "collision", "other")),
    (
        "storm",
        "The storm the week before had not caused any damage.",
        ("water", "fire", "theft", "glass", "other"),
    ),
    ("water", "There was no water damage.", ("fire", "theft", "glass", "collision", "other")),
    ("theft", "Nothing was stolen.", ("water", "fire", "storm", "glass", "other")),
    ("glass", "None of the windows were broken.", ("water", "fire", "other")),
    ("collision", "No other vehicle was involved.", ("fire", "storm", "glass", "other")),
)

LETTER: dict[str, tuple[str, ...]] = {
    "intro": (
        "I am writing to report a loss under my policy {policy}.",
        "I would like to notify you of a claim under policy number {policy}.",
        "Please accept this letter as notice of a claim under my policy {policy}.",
        "I have to report damage covered, I hope, by my insurance with you ({policy}).",
    ),
    "mail_intro": ("Hello,", "Good morning,", "Hi,", "Dear Claims Team,"),
    "amount": (
        "I am claiming a total of {amount}.",
        "The total cost of repair and replacement comes to {amount}; please reimburse this amount.",
        "My claim amounts to {amount} in total.",
        "I would ask you to settle my claim of {amount}.",
    ),
    "amount_estimate": (
        "According to the enclosed estimate the repair will cost {amount}, which I hereby claim.",
    ),
    "excess": (
        "I understand that my excess of {money} will be deducted.",
        "I am aware of the {money} excess on my policy.",
    ),
    "new_value": (
        "The {item} was bought on {date} for {money}.",
        "For your information, the {item} cost {money} new ({date}).",
    ),
    "previous": ("My only previous claim was in {year} ({money}).", "I last claimed in {year}, for {money}."),
    "bank": ("Please pay into my account, IBAN {iban}.", "My bank details: {iban}."),
    "enclose": (
        "Please find the relevant documents attached.",
        "I enclose the supporting documents.",
        "Supporting documents are attached.",
    ),
    "split_amount": ("My total claim, including the enclosed estimate, is {amount}.",),
    "visit": ("The repairer came to inspect the damage on {date}.",),
}

# How an account introduces the incident date: a relative phrase (a few days before the letter,
# capitalised and inline forms, one chosen by the date) or the plain preposition.
RELATIVE_DATES: tuple[tuple[str, str], ...] = (("Last {weekday} ({date})", "last {weekday} ({date})"),)
DATE_LEAD = "on"

ITEMS: tuple[str, ...] = ("laptop", "television", "sofa", "bicycle", "camera", "washing machine", "rug")
US_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("windscreen", "windshield"),
    ("tyres", "tires"),
    ("neighbouring", "neighboring"),
    ("neighbour", "neighbor"),
    ("centimetres", "inches"),
    ("motorway", "highway"),
    ("lorry", "truck"),
    ("car park", "parking lot"),
    ("flat", "apartment"),
    ("bonnet", "hood"),
    ("boot lid", "trunk lid"),
    ("the boot", "the trunk"),
    ("fire brigade", "fire department"),
    ("colour", "color"),
    ("jewellery", "jewelry"),
    ("stopcock", "shut-off valve"),
    ("km/h", "mph"),
    ("100 mph", "60 mph"),
    ("110 mph", "70 mph"),
    ("excess", "deductible"),
    ("plasterboard", "drywall"),
)
