"""Policy wording in English and German: cover, exclusions, conditions and definitions.

Texts carry ``{limit}``, ``{excess}`` and ``{days}`` so that the same clause reads differently
in every policy, as real schedules do.
"""

from __future__ import annotations

Bank = dict[str, tuple[tuple[str, str], ...]]

EN: Bank = {
    "water": (
        (
            "Escape of water",
            "We will pay for loss of or damage to the insured property caused by water or oil "
            "escaping from any fixed water or heating installation, washing machine, dishwasher or tank. We "
            "will "
            "also pay the cost of tracing the source of the escape up to {excess_x10}.",
        ),
        (
            "Leaking pipes and appliances",
            "Cover includes sudden and accidental escape of water from pipes, "
            "tanks and domestic appliances. Gradual seepage, wear and tear and the cost of repairing the "
            "appliance itself are not covered.",
        ),
    ),
    "fire": (
        (
            "Fire, lightning and explosion",
            "We will pay for loss of or damage to the insured property caused by "
            "fire, smoke, lightning or explosion, up to the sum insured of {limit}.",
        ),
        (
            "Fire and smoke",
            "Damage caused by fire, including smoke and soot damage resulting from a fire in the "
            "home, is covered. Damage by scorching without flame is excluded.",
        ),
    ),
    "storm": (
        (
            "Storm, hail and flood",
            "We cover damage caused by storm, hail, snow load or flood. A storm means "
            "wind of at least force 8 on the Beaufort scale; damage to gates and fences is limited to "
            "{excess_x5}.",
        ),
        (
            "Weather perils",
            "Loss or damage caused by storm or hail is covered, including rain or snow entering "
            "the building through an opening made by the storm.",
        ),
    ),
    "theft": (
        (
            "Theft and attempted theft",
            "We will pay for loss or damage caused by theft or attempted theft "
            "involving forcible and violent entry to or exit from the home or the vehicle.",
        ),
        (
            "Burglary",
            "Cover applies to theft following break-in, robbery and the damage caused by thieves "
            "gaining entry. Theft from an unlocked vehicle is not covered.",
        ),
    ),
    "glass": (
        (
            "Glass breakage",
            "We will pay for breakage of fixed glass in windows, doors, ceramic hobs and, for "
            "vehicles, the windscreen, windows and sunroof. Payment of a glass claim does not affect any "
            "no-claims "
            "discount.",
        ),
        (
            "Accidental breakage of glass",
            "Accidental breakage of glazing, mirrors and glass-ceramic cooking "
            "surfaces is covered up to {excess_x10} per event.",
        ),
    ),
    "collision": (
        (
            "Accidental damage to the vehicle",
            "We will pay for damage to the insured vehicle caused by "
            "collision with another vehicle, an object or an animal, whoever was at fault.",
        ),
        (
            "Own damage",
            "Cover includes damage to your car resulting from an accident, including glass "
            "broken in the same accident, less the excess of {excess}.",
        ),
    ),
    "other": (
        (
            "Malicious damage",
            "We cover damage caused maliciously by persons other than you or members of your "
            "household, and accidental damage to the insured property.",
        ),
        (
            "Accidental damage",
            "Sudden and unforeseen damage from an external cause not covered elsewhere in "
            "this policy, including subsidence and damage by animals, is insured.",
        ),
    ),
}
EN_EXCLUSIONS: tuple[tuple[str, str], ...] = (
    (
        "Wear and tear",
        "We will not pay for wear and tear, gradual deterioration, rot, rust or mechanical breakdown.",
    ),
    (
        "Unoccupied property",
        "We will not pay for theft or escape of water if the home has been unoccupied for more "
        "than {days_x2} consecutive days.",
    ),
    (
        "War and terrorism",
        "This policy does not cover any loss caused by war, invasion, civil commotion or terrorism.",
    ),
    (
        "Deliberate acts",
        "Loss or damage deliberately caused by you or a member of your household is excluded.",
    ),
    (
        "Unlicensed drivers",
        "There is no cover while the vehicle is driven by a person without a valid licence.",
    ),
    (
        "Pre-existing damage",
        "We do not cover damage that existed before the start of the period of insurance.",
    ),
)
EN_CONDITIONS: tuple[tuple[str, str], ...] = (
    (
        "Notification of claims",
        "You must tell us about any claim as soon as possible and in any event within {days} "
        "days of the incident.",
    ),
    (
        "Excess",
        "You must pay the first {excess} of every claim. The excess applies to each incident separately.",
    ),
    ("Limit of indemnity", "The most we will pay for any one claim is {limit}."),
    (
        "Police reports",
        "Theft, attempted theft and malicious damage must be reported to the police within 24 hours.",
    ),
    ("Fraud", "If any claim is fraudulent in any respect, all benefit under this policy will be forfeited."),
    (
        "Other insurance",
        "If any other insurance covers the same loss we will pay only our rateable proportion.",
    ),
)
EN_DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Home", "The private dwelling at the address shown in the schedule, its garages and outbuildings."),
    ("Period of insurance", "The period shown in the schedule for which we have accepted your premium."),
    ("Storm", "Wind with gusts of at least 90 km/h, or torrential rain or hail of exceptional intensity."),
    ("Vehicle", "The motor vehicle shown in the schedule, including its standard accessories."),
)

DE: Bank = {
    "water": (
        (
            "Leitungswasser",
            "Versichert sind Schäden durch Leitungswasser, das bestimmungswidrig aus Rohren der "
            "Wasserversorgung, aus Heizungsanlagen oder angeschlossenen Geräten ausgetreten ist. Kosten der "
            "Leckortung werden bis {excess_x10} ersetzt.",
        ),
        (
            "Rohrbruch",
            "Der Versicherer ersetzt frostbedingte und sonstige Bruchschäden an Rohren sowie die "
            "durch austretendes Wasser verursachten Schäden.",
        ),
    ),
    "fire": (
        (
            "Brand, Blitzschlag, Explosion",
            "Versichert sind Schäden durch Brand, Blitzschlag, Explosion, "
            "Implosion sowie Rauch und Ruß, höchstens bis zur Versicherungssumme von {limit}.",
        ),
        (
            "Feuer",
            "Entschädigt werden Brandschäden einschließlich Ruß- und Löschwasserschäden. Sengschäden ohne "
            "Brand sind nicht versichert.",
        ),
    ),
    "storm": (
        (
            "Sturm, Hagel",
            "Versichert sind Schäden durch Sturm und Hagel. Sturm ist eine wetterbedingte "
            "Luftbewegung von mindestens Windstärke 8.",
        ),
        (
            "Sturm und Unwetter",
            "Ersetzt werden Schäden durch unmittelbare Einwirkung von Sturm oder Hagel sowie "
            "durch Regen, der durch vom Sturm geschaffene Öffnungen eindringt.",
        ),
    ),
    "theft": (
        (
            "Einbruchdiebstahl",
            "Versichert ist der Diebstahl nach Einbruch in die Wohnung oder das Fahrzeug, Raub "
            "sowie Vandalismus nach einem Einbruch.",
        ),
        (
            "Diebstahl und Raub",
            "Der Versicherer leistet Entschädigung bei Einbruchdiebstahl, Raub und "
            "versuchtem Diebstahl einschließlich der dabei entstandenen Gebäudeschäden.",
        ),
    ),
    "glass": (
        (
            "Glasbruch",
            "Versichert sind Bruchschäden an Scheiben von Fenstern und Türen, an Glaskeramik-"
            "Kochflächen sowie an Front-, Seiten- und Heckscheiben versicherter Fahrzeuge.",
        ),
        (
            "Glasversicherung",
            "Ersetzt wird der Bruch von Gebäude- und Mobiliarverglasung bis {excess_x10} je Schadenfall.",
        ),
    ),
    "collision": (
        (
            "Unfallschäden (Vollkasko)",
            "Versichert sind Schäden am Fahrzeug durch Unfall, d. h. durch ein "
            "unmittelbar von außen plötzlich mit mechanischer Gewalt einwirkendes Ereignis.",
        ),
        (
            "Kollision",
            "Ersetzt werden Schäden durch Zusammenstoß mit anderen Fahrzeugen, Gegenständen oder "
            "Tieren abzüglich der Selbstbeteiligung von {excess}.",
        ),
    ),
    "other": (
        (
            "Vandalismus",
            "Versichert sind mut- oder böswillige Beschädigungen durch fremde Personen sowie "
            "unbenannte Gefahren im Rahmen dieser Bedingungen.",
        ),
        (
            "Sonstige Schäden",
            "Versichert sind plötzliche, unvorhergesehene Schäden, die nicht unter eine andere "
            "Gefahr fallen, einschließlich Tierbiss und Erdsenkung.",
        ),
    ),
}
DE_EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("Verschleiß", "Nicht versichert sind Schäden durch Abnutzung, Verschleiß, Korrosion oder Fäulnis."),
    (
        "Leerstand",
        "Bei Leerstand der Wohnung über mehr als {days_x2} Tage entfällt der Versicherungsschutz für "
        "Einbruchdiebstahl und Leitungswasser.",
    ),
    ("Krieg und innere Unruhen", "Ausgeschlossen sind Schäden durch Krieg, innere Unruhen und Kernenergie."),
    ("Vorsatz", "Vorsätzlich herbeigeführte Schäden sind nicht versichert."),
    (
        "Fahrerlaubnis",
        "Kein Versicherungsschutz besteht, wenn der Fahrer nicht die erforderliche Fahrerlaubnis hat.",
    ),
    ("Vorschäden", "Schäden, die vor Versicherungsbeginn eingetreten sind, sind nicht versichert."),
)
DE_CONDITIONS: tuple[tuple[str, str], ...] = (
    (
        "Anzeigepflicht",
        "Der Versicherungsnehmer hat jeden Schaden unverzüglich, spätestens innerhalb von {days} Tagen, "
        "anzuzeigen.",
    ),
    (
        "Selbstbeteiligung",
        "Je Schadenfall trägt der Versicherungsnehmer eine Selbstbeteiligung von {excess}.",
    ),
    ("Entschädigungsgrenze", "Die Entschädigung ist je Versicherungsfall auf {limit} begrenzt."),
    ("Polizeiliche Anzeige", "Einbruchdiebstahl und Vandalismus sind unverzüglich der Polizei anzuzeigen."),
    ("Arglistige Täuschung", "Bei arglistiger Täuschung über Tatsachen ist der Versicherer leistungsfrei."),
    (
        "Mehrfachversicherung",
        "Besteht Versicherungsschutz bei mehreren Versicherern, haftet jeder nur anteilig.",
    ),
)
DE_DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Versicherungsort", "Versicherungsort ist die im Versicherungsschein bezeichnete Wohnung."),
    (
        "Versicherungsperiode",
        "Die Versicherungsperiode beträgt ein Jahr, sofern nichts anderes vereinbart ist.",
    ),
    ("Sturm", "Sturm ist eine wetterbedingte Luftbewegung von mindestens Windstärke 8 nach Beaufort."),
    ("Fahrzeug", "Fahrzeug ist das im Versicherungsschein bezeichnete Kraftfahrzeug einschließlich Zubehör."),
)
