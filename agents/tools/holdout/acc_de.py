"""German accounts of losses and letter phrases (same shape as the English ones).

``{On_date}`` becomes "Am 3. April 2025" and ``{on_date}`` "am 3. April 2025".
"""

from __future__ import annotations

SCENARIOS: dict[str, tuple[str, ...]] = {
    "water@home": (
        "{On_date} platzte während unserer Abwesenheit ein Wasserrohr unter der Spüle. Als ich nach Hause "
        "kam, "
        "stand das Wasser mehrere Zentimeter hoch in der Küche und war bereits in die Wohnung darunter "
        "gelaufen. "
        "Der Laminatboden und die Unterschränke der Küche sind zerstört.",
        "{On_date} löste sich während des Waschgangs der Zulaufschlauch unserer Waschmaschine. Das Wasser "
        "lief "
        "durch den Hauswirtschaftsraum bis in den Flur, bevor ich den Haupthahn schließen konnte. "
        "Sockelleisten, "
        "Teppich und die Trockenbauwand sind durchnässt.",
        "{On_date} bemerkte ich einen sich ausbreitenden feuchten Fleck an der Wohnzimmerdecke. Der "
        "Installateur "
        "stellte fest, dass eine Verbindung der Heizungsleitung im Badezimmerboden undicht war. Die Decke "
        "musste "
        "geöffnet werden; Putz, Anstrich und ein Teppich sind beschädigt.",
    ),
    "fire@home": (
        "{On_date} fing beim Kochen eine Pfanne mit Öl auf dem Herd Feuer. Die Flammen griffen auf die "
        "Dunstabzugshaube und die Hängeschränke über, bevor die Feuerwehr sie löschte. Die ganze Küche ist "
        "verrußt.",
        "{On_date} schlug während eines Gewitters der Blitz in unser Dach ein. Im Dachboden entstand ein "
        "kleiner "
        "Brand, und die Überspannung zerstörte Fernseher, Router und die Steuerung der Heizung.",
        "{On_date} überhitzte der Wäschetrockner im Keller und geriet in Brand. Der Rauch zog durch das "
        "ganze "
        "Erdgeschoss, Ruß hat Wände, Vorhänge und Möbel in drei Räumen beschädigt.",
    ),
    "storm@home": (
        "{On_date} zog ein schwerer Sturm mit Böen von deutlich über 100 km/h über {place}. Mehrere "
        "Dachziegel "
        "wurden abgerissen, Regen drang durch das Dach in das Schlafzimmer und beschädigte Decke und "
        "Kleiderschrank.",
        "{On_date} ging am späten Nachmittag ein Hagelunwetter über unserem Ort nieder. Die Hagelkörner "
        "zerschlugen beide Dachfenster, verbeulten das Dach des Gartenhauses und zerfetzten die Markise.",
        "Beim Sturm {on_date} wurde ein großer Baum im Nachbargarten entwurzelt und stürzte auf unser "
        "Garagendach "
        "und den Gartenzaun. Das Garagendach ist auf einer Seite eingebrochen.",
    ),
    "theft@home": (
        "{On_date} brachen Unbekannte während unseres Wochenendausflugs die Terrassentür auf und "
        "durchsuchten das "
        "ganze Haus. Gestohlen wurden ein Laptop, eine Kamera, Schmuck und Bargeld; Tür und Rahmen sind "
        "stark "
        "beschädigt.",
        "{On_date} drang in den frühen Morgenstunden jemand durch das Küchenfenster in unsere Wohnung ein. "
        "Ein "
        "Fernseher, zwei Fahrräder aus dem Flur und die Handtasche meiner Frau wurden entwendet. Die Polizei "
        "war "
        "noch am selben Morgen da.",
        "{On_date} fand ich bei meiner Rückkehr das Schloss der Wohnungstür aufgebohrt vor. Die Täter hatten "
        "eine "
        "Spielkonsole, meine Uhrensammlung und ein Tablet mitgenommen.",
    ),
    "glass@home": (
        "{On_date} flog ein Fußball spielender Kinder durch unser großes Wohnzimmerfenster. Die "
        "Isolierglasscheibe "
        "ist zersprungen und wurde bis zum Austausch mit Brettern gesichert.",
        "{On_date} rutschte mir ein schwerer Bräter aus der Hand und fiel auf das Ceranfeld, das quer "
        "durchgesprungen "
        "ist. Das Kochfeld kann nicht mehr sicher benutzt werden.",
        "{On_date} zersprang plötzlich die Glastür unserer Duschkabine, während niemand im Bad war. Der "
        "Monteur "
        "vermutet eine kleine Vorschädigung im Sicherheitsglas.",
    ),
    "other@home": (
        "{On_date} besprühten Unbekannte die Fassade unseres Hauses mit Graffiti und traten die "
        "Gartenleuchten um. "
        "Die Fassade muss von einer Fachfirma gereinigt werden.",
        "{On_date} kippte beim Umstellen der Möbel ein schweres Bücherregal auf den Esstisch. Die "
        "Tischplatte ist "
        "gespalten und das Eichenparkett tief zerkratzt.",
        "{On_date} bemerkten wir nach dem langen, trockenen Sommer breite Risse in der Rückwand des Hauses. "
        "Ein "
        "Statiker hat eine Setzung des Fundaments festgestellt.",
    ),
    "collision@home": (
        "{On_date} fuhr ein rückwärts in unsere Einfahrt setzender Lieferwagen gegen die Gartenmauer und "
        "einen "
        "Pfosten des Carports. Die Mauer ist teilweise eingestürzt, das Carportdach hängt durch.",
        "{On_date} kam ein Pkw in der vereisten Kurve vor unserem Haus ins Rutschen und prallte gegen den "
        "Zaun und "
        "den gemauerten Briefkastenpfeiler.",
    ),
    "collision@motor": (
        "{On_date} stand ich in {place} an einer roten Ampel, als der nachfolgende Wagen zu spät bremste und "
        "auf "
        "meinen {car} ({plate}) auffuhr. Stoßfänger, Heckklappe und eine Rückleuchte sind beschädigt.",
        "{On_date} lief auf der Landstraße bei {place} ein Reh aus dem Wald; ich konnte nicht mehr "
        "ausweichen. Die "
        "Front meines {car} ist stark beschädigt: Motorhaube, beide Scheinwerfer und der Kühler.",
        "{On_date} stieß ich beim Ausparken auf dem Supermarktparkplatz in {place} gegen einen Betonpoller. "
        "Stoßfänger und Heckklappe meines {car} sind eingedrückt.",
    ),
    "glass@motor": (
        "{On_date} traf auf der Autobahn bei {place} ein von einem Lkw aufgewirbelter Stein die "
        "Windschutzscheibe "
        "meines {car} ({plate}). Der Riss hat sich über die Fahrerseite ausgebreitet, die Scheibe muss "
        "ersetzt werden.",
        "{On_date} zersprang während der Fahrt bei {place} das Glasschiebedach meines {car}. Die Werkstatt "
        "konnte "
        "keine andere Ursache feststellen.",
    ),
    "theft@motor": (
        "{On_date} wurde mein {car}, Kennzeichen {plate}, nachts vor meinem Haus gestohlen. Ich habe den "
        "Diebstahl "
        "noch am Morgen bei der Polizei angezeigt; das Fahrzeug ist nicht wieder aufgetaucht.",
        "{On_date} brachen Diebe meinen {car} auf einem Parkplatz in {place} auf. Sie schlugen die "
        "Seitenscheibe ein "
        "und stahlen das Navigationsgerät, eine Laptoptasche und den Kindersitz.",
    ),
    "fire@motor": (
        "{On_date} stieg während der Fahrt bei {place} Rauch unter der Motorhaube meines {car} auf. Ich "
        "hielt an, "
        "stieg aus, und wenige Minuten später brannte der Motorraum. Das Fahrzeug ist ein Totalschaden.",
        "{On_date} griff ein Brand in der Nachbargarage auf den Carport über, in dem mein {car} ({plate}) "
        "stand. "
        "Lack, Reifen und Kunststoffteile auf der linken Seite sind verbrannt.",
    ),
    "storm@motor": (
        "{On_date} zog ein heftiges Hagelunwetter über {place}, während mein {car} im Freien parkte. Dach, "
        "Motorhaube und Kofferraumdeckel sind übersät mit Dellen.",
        "{On_date} brach während des Sturms ein großer Ast ab und fiel auf meinen am Straßenrand geparkten "
        "{car} "
        "({plate}). Das Dach ist eingedellt und die Heckscheibe zerschlagen.",
    ),
    "other@motor": (
        "{On_date} stellte ich fest, dass jemand den Lack meines in {place} geparkten {car} auf der ganzen "
        "Fahrerseite mit einem Schlüssel zerkratzt hatte.",
        "{On_date} sprang mein {car} nicht mehr an. Die Werkstatt stellte fest, dass ein Marder Zündkabel "
        "und "
        "Kühlwasserschläuche im Motorraum durchgebissen hatte.",
    ),
}

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "water": (
        "Ein Installateur hat das Leck am nächsten Tag abgedichtet, eine Trocknungsfirma hat Geräte "
        "aufgestellt.",
        "Ich habe sofort den Haupthahn zugedreht und den Notdienst gerufen.",
    ),
    "fire": (
        "Zum Glück wurde niemand verletzt.",
        "Der Einsatzbericht der Feuerwehr kann nachgereicht werden.",
    ),
    "storm": (
        "Der Wetterdienst hat an diesem Tag Böen bis 110 km/h gemessen.",
        "Ein Dachdecker hat das Dach provisorisch abgedichtet.",
    ),
    "theft": (
        "Ich habe den Diebstahl noch am selben Tag bei der Polizei angezeigt.",
        "Die Schlösser wurden inzwischen ausgetauscht.",
    ),
    "glass": ("Ein Glaser hat die Öffnung gesichert und das Maß genommen.", "Verletzt wurde niemand."),
    "collision": (
        "Die Daten des Unfallgegners wurden vor Ort ausgetauscht.",
        "Es gab keine Verletzten; das Fahrzeug wurde abgeschleppt.",
    ),
    "other": ("Ich habe den Schaden fotografiert.", "Die beschädigten Teile habe ich aufbewahrt."),
}

DISTRACTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("fire", "Ein Brand war nicht im Spiel.", ("water", "storm", "theft", "glass", "collision", "other")),
    (
        "storm",
        "Das Unwetter der Vorwoche hatte keinen Schaden verursacht.",
        ("water", "fire", "theft", "glass", "other"),
    ),
    ("water", "Ein Wasserschaden ist nicht entstanden.", ("fire", "theft", "glass", "collision", "other")),
    ("theft", "Gestohlen wurde nichts.", ("water", "fire", "storm", "glass", "other")),
    ("glass", "Fensterscheiben sind nicht zu Bruch gegangen.", ("water", "fire", "other")),
    ("collision", "Ein anderes Fahrzeug war nicht beteiligt.", ("fire", "storm", "glass", "other")),
)

LETTER: dict[str, tuple[str, ...]] = {
    "intro": (
        "hiermit melde ich einen Schaden zu meinem Vertrag {policy}.",
        "ich möchte Ihnen einen Schaden zu Versicherungsschein-Nr. {policy} melden.",
        "leider muss ich Ihnen einen Schaden aus meinem Vertrag {policy} anzeigen.",
    ),
    "mail_intro": ("Guten Tag,", "Hallo,", "Sehr geehrte Damen und Herren,"),
    "amount": (
        "Ich mache einen Betrag von {amount} geltend.",
        "Der Gesamtschaden beträgt {amount}; ich bitte um Erstattung.",
        "Meine Forderung beläuft sich auf insgesamt {amount}.",
    ),
    "amount_estimate": (
        "Laut beiliegendem Kostenvoranschlag belaufen sich die Kosten auf {amount}, die ich hiermit "
        "geltend mache.",
    ),
    "excess": (
        "Mir ist bekannt, dass eine Selbstbeteiligung von {money} abgezogen wird.",
        "Die vereinbarte Selbstbeteiligung von {money} ist mir bekannt.",
    ),
    "new_value": (
        "Der {item} wurde am {date} für {money} gekauft.",
        "Zur Info: Der {item} hat neu {money} gekostet (gekauft am {date}).",
    ),
    "previous": (
        "Mein einziger Vorschaden war {year} ({money}).",
        "Zuletzt hatte ich {year} einen Schaden über {money}.",
    ),
    "bank": ("Bitte überweisen Sie den Betrag auf mein Konto, IBAN {iban}.", "Meine Bankverbindung: {iban}."),
    "enclose": ("Die Unterlagen finden Sie in der Anlage.", "Die Belege füge ich bei."),
    "split_amount": ("Einschließlich des beigefügten Kostenvoranschlags beträgt meine Forderung {amount}.",),
    "visit": ("Der Handwerker hat den Schaden am {date} besichtigt.",),
}

# How an account introduces the incident date: a relative phrase (a few days before the letter,
# capitalised and inline forms, one chosen by the date) or the plain preposition.
RELATIVE_DATES: tuple[tuple[str, str], ...] = (
    ("Am vergangenen {weekday} ({date})", "am vergangenen {weekday} ({date})"),
)
DATE_LEAD = "am"

ITEMS: tuple[str, ...] = ("Laptop", "Fernseher", "Teppich", "Kühlschrank", "Schrank", "Herd")
US_REPLACEMENTS: tuple[tuple[str, str], ...] = ()
