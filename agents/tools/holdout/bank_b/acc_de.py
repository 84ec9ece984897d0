"""German accounts of losses and letter phrases of bank "b" (same shape as its English ones).

``{On_date}`` becomes "Am 3. April 2025", ``{on_date}`` "am 3. April 2025" and ``{date}`` the
date alone, for accounts that bring it with their own words ("In der Nacht zum {date}").
"""

from __future__ import annotations

SCENARIOS: dict[str, tuple[str, ...]] = {
    "water@home": (
        "Wasserflecken und herabgestürzter Deckenputz in unserer Küche wurden {on_date} festgestellt. "
        "Ursache war die Wohnung über uns: Dort war die Badewanne übergelaufen, weil der Hahn offen "
        "geblieben war. Beschädigt sind die Decke, die Küchenbeleuchtung und ein Buffetschrank.",
        "Wir waren im Skiurlaub, die Heizung lief auf Sparflamme. Bei dem strengen Frost ist die Leitung zum "
        "Außenwasserhahn in der Garagenwand eingefroren und geplatzt, und beim Tauwetter lief das Wasser "
        "einfach raus. Unser Nachbar hat {on_date} gesehen, dass Wasser unter dem Garagentor hervorkommt, "
        "und mich angerufen. Alles was auf dem Boden stand ist nass, die Rigipswand ist defintiv hinüber.",
        "Dichtung der Duschtasse defekt. Das Wasser ist wochenlang unbemerkt in die Decke des Esszimmers "
        "darunter gezogen, {on_date} ist ein Stück Decke heruntergekommen. Fliesen, Decke und Teppich müssen "
        "erneuert werden.",
        "In der Nacht zum {date} ist unser Warmwasserspeicher im Hauswirtschaftsraum an einer Naht gerissen. "
        "Am Morgen waren der Flurteppich und das angrenzende Schlafzimmer durchnässt, und das Wasser war "
        "die Wand des Treppenhauses hinuntergelaufen.",
        "{On_date} ist mein Sohn mit dem Fuß am Heizkörperventil in seinem Zimmer hängen geblieben und hat "
        "es abgebrochen. Heißes Heizungswasser spritzte heraus, bis ich die Anlage abgestellt und entleert "
        "hatte; die Dielen und die Decke des Raums darunter sind durchnässt.",
    ),
    "fire@home": (
        "Eine auf der Fensterbank vergessene Kerze hat {on_date} die Gardinen in unserem Wohnzimmer "
        "entzündet. Das Feuer griff auf den Fensterrahmen und das Sofa über, bevor mein Mann es mit dem "
        "Feuerlöscher ersticken konnte. Der Raum ist schwarz vor Ruß, alles riecht nach Rauch.",
        "Bei einer Feier in der Nachbarschaft landete {on_date} eine Feuerwerksrakete auf unserem Balkon. "
        "Markise und Balkonmöbel fingen Feuer; Balkontür und Fassade sind verrußt und angeschmolzen.",
        "Am Abend des {date} kam es in dem versicherten Gebäude zu einem Kaminbrand. Brennender Ruß "
        "entzündete einen Dachbalken neben dem Schornstein; die Feuerwehr musste zum Löschen einen Teil der "
        "Dacheindeckung öffnen. Dachstuhl, Dämmung und Dachbodenbelag sind instand zu setzen.",
        "Angekohlte Küchenschränke, eine geschmolzene Mikrowelle und Rauchschäden im ganzen Erdgeschoss - "
        "das hat der Brand hinterlassen, der {on_date} in unserem Toaster ausbrach. Wir waren zu der Zeit "
        "oben und haben die Kinder fertig gemacht.",
        "{On_date} hat sich gegen 18 Uhr der Akku unseres E-Bikes, der im Flur geladen wurde, überhitzt und "
        "entzündet. Flur, Haustür und Treppe sind stark verbrannt, im Obergeschoss ist alles verrußt.",
    ),
    "storm@home": (
        "Unter der Schneelast nach zwei Tagen Dauerschneefall ist {on_date} das Dach unseres Carports "
        "eingebrochen. Die Dachplatten und zwei Holzpfosten gaben nach, die darunter abgestellten "
        "Gartenmöbel wurden zerdrückt.",
        "{On_date} hat ein Orkantief über {place} die Dachpappe auf dem Flachdach unseres Anbaus angehoben "
        "und zur Hälfte abgerissen. Der Regen lief danach ungehindert durch die Schalung; Decke und Laminat "
        "im Anbau sind beschädigt.",
        "Während des Gewitters in der Nacht zum {date} konnte die Kanalisation in unserer Straße den "
        "Starkregen nicht mehr aufnehmen, und das Regenwasser lief durch den Lichtschacht in den Keller. "
        "Dort stand es rund 20 cm hoch; Gefriertruhe, Heizungssteuerung und alles Eingelagerte sind hinüber.",
        "Hagelkörner so groß wie Golfbälle gingen {on_date} über {place} nieder. Das Dach unseres "
        "Wintergartens wurde an mehreren Stellen durchschlagen, vier Solarmodule auf dem Hausdach haben "
        "Sprünge.",
    ),
    "theft@home": (
        "{On_date} haben sich zwei Männer, die sich als Mitarbeiter der Stadtwerke ausgaben, Zutritt zu "
        "meiner Wohnung verschafft. Während mich der eine in der Küche ablenkte, ging der andere ins "
        "Schlafzimmer. Danach fehlten meine Schmuckschatulle, Bargeld und mein Tablet.",
        "In der Nacht zum {date} wurde unser Gartenhaus aufgebrochen - die Überfalle des Vorhängeschlosses "
        "war abgehebelt. Gestohlen wurden zwei Mountainbikes, ein Benzinrasenmäher, ein Freischneider und "
        "ein Koffer mit Elektrowerkzeug.",
        "Jemand hat {on_date} nachts versucht, unsere Hintertür aufzuhebeln. Die Alarmanlage ging los und "
        "die Täter flohen; soweit wir wissen, fehlt nichts, aber Tür, Zarge und Mehrfachverriegelung sind "
        "kaputt, und die Tür schließt nicht mehr richtig.",
        "{On_date} wurde in den Keller unseres Mehrfamilienhauses eingebrochen. Das Schloss unseres "
        "Kellerabteils wurde aufgeschnitten; entwendet wurden u. a. ein Satz Winterreifen auf Felgen, ein "
        "Kinderwagen und unsere Campingausrüstung.",
    ),
    "glass@home": (
        "{On_date} haben wir einen langen Riss bemerkt, der diagonal über die innere Scheibe des großen "
        "Südfensters im Wohnzimmer läuft. Niemand ist dagegen gestoßen; laut Fensterbauer handelt es sich um "
        "einen thermischen Spannungsriss, das Isolierglas muss getauscht werden.",
        "Beim Streichen der Fensterrahmen im ersten Stock ist mir {on_date} die Leiter weggerutscht, und das "
        "obere Ende ging durch das Flurfenster. Die Scheibe ist komplett zerbrochen.",
        "Die Glasbrüstung unseres Balkons hat {on_date} einen Sprung bekommen, als ein schwerer Pflanzkübel "
        "beim Umstellen dagegen kippte. Das Verbundglas hält zwar noch, ist aber von oben bis unten "
        "gerissen und nicht mehr sicher.",
        "Beim Vorheizen des Backofens ist {on_date} die innere Glasscheibe der Ofentür explodiert. Überall "
        "lagen Scherben, zum Glück war gerade niemand in der Küche.",
    ),
    "other@home": (
        "Unser neuer Hund aus dem Tierheim war {on_date} zum ersten Mal allein zu Hause und hat den Rahmen "
        "der Wohnzimmertür angenagt, zwei Sofakissen zerfetzt und die Dielen im Flur bis aufs Holz "
        "zerkratzt.",
        "{On_date} bin ich mit einem Eimer Farbe auf der Treppe gestolpert, und der ganze 5-Liter-Eimer hat "
        "sich über den Teppich im Obergeschoss und den Treppenläufer ergossen. Es ist Lack; die "
        "Reinigungsfirma sagt, der Teppich ist nicht zu retten.",
        "Ratten sind durch eine Lücke an der Traufe auf den Dachboden gelangt. Als der Elektriker {on_date} "
        "kam, weil die Hälfte der Lampen ausgefallen war, fand er mehrere durchgebissene Kabel und "
        "verschmutzte Dämmung. Die Leitungen auf dem Dachboden müssen neu verlegt werden.",
        "Nach der Party unseres Sohnes {on_date} mussten wir feststellen, dass einige Gäste die Flurwände "
        "mit Permanentmarker bemalt und den Handtuchhalter im Bad aus der Wand gerissen hatten; die Tapete "
        "im Flur ist ebenfalls zerrissen.",
    ),
    "collision@home": (
        "Ein viel zu schnell fahrendes Auto kam {on_date} in unserer Straße von der Fahrbahn ab, fuhr über "
        "den Gehweg und landete in unserem Vorgarten. Rund vier Meter Gartenmauer und der Torpfeiler sind "
        "eingerissen, die Hecke ist platt.",
        "{On_date} hat das Müllfahrzeug beim Zurücksetzen in unserer schmalen Straße die Hausecke "
        "gestreift. Dachrinne, Fallrohr und die Mauerecke sind beschädigt, vom Fenstersims zieht sich jetzt "
        "ein Riss nach oben.",
        "Das Auto meines Nachbarn ist {on_date} seine Einfahrt hinuntergerollt - er schwört, die "
        "Handbremse war angezogen - und direkt in unser Garagentor. Das Tor ist verbogen, der Antrieb "
        "kaputt.",
    ),
    "collision@motor": (
        "{On_date} befand ich mich bereits im Kreisverkehr in {place}, als ein Transporter aus der nächsten "
        "Einfahrt ohne Rücksicht auf die Vorfahrt einfuhr und meinen {car} ({plate}) an der Fahrertür traf. "
        "Tür, vorderer Kotflügel und Außenspiegel sind beschädigt; der Fahrer des Transporters hat seine "
        "Schuld vor Ort eingeräumt.",
        "Beim Einfädeln auf die Autobahn bei {place} wurde ich {on_date} von einem Lkw touchiert, der auf "
        "meine Spur wechselte. Die gesamte Beifahrerseite meines {car} ist verschrammt und eingedrückt, die "
        "hintere Tür lässt sich nicht mehr öffnen.",
        "Als ich {on_date} ins Parkhaus in {place} zurückkam, war die hintere Stoßstange meines {car} "
        "({plate}) eingedrückt, mit Fremdlack daran. Der Verursacher ist ohne Nachricht weggefahren "
        "(Unfallflucht). Die Videoaufzeichnung habe ich angefordert.",
        "Ein Radfahrer kam {on_date} ohne anzuhalten aus einer Seitenstraße, ich konnte nicht mehr "
        "ausweichen. Er wurde über die Motorhaube geschleudert, ist aber zum Glück nur leicht verletzt. "
        "Motorhaube, Windschutzscheibe und Kühlergrill meines {car} sind beschädigt.",
        "Fahrzeug {plate} geriet {on_date} auf der Kreisstraße bei {place} auf Glatteis ins Schleudern und "
        "prallte gegen die Leitplanke. Schäden an Frontschürze, rechtem Scheinwerfer und Fahrwerk.",
    ),
    "glass@motor": (
        "Nach einer Frostnacht habe ich {on_date} die Heizung voll aufgedreht, um die Windschutzscheibe "
        "meines {car} frei zu bekommen, und es knackte: Vom Rand zieht sich jetzt ein Riss bis zur Mitte. "
        "Laut Glasfachbetrieb muss die Scheibe ersetzt werden.",
        "Die Heckscheibe meines {car} ({plate}) ist {on_date} beim Schließen der Heckklappe zersprungen. Die "
        "Scherben liegen im ganzen Kofferraum, der Heizdraht ist zerstört.",
        "{On_date} ist die Scheibe der Fahrertür meines {car} beim Hochfahren an einer Tankstelle in {place} "
        "geplatzt; der Monteur vermutet, dass sich der Fensterheber verklemmt hat.",
        "Ein Golfball vom Platz neben der Straße bei {place} traf {on_date} die Windschutzscheibe meines "
        "{car} und hinterließ einen sternförmigen Bruch direkt im Sichtfeld.",
    ),
    "theft@motor": (
        "In der Nacht zum {date} wurde unter meinem vor dem Haus geparkten {car} ({plate}) der Katalysator "
        "abgesägt. Ich habe es erst am Morgen bemerkt, als der Motor beim Starten ohrenbetäubend laut war.",
        "Mein {car} ({plate}) wurde in den frühen Morgenstunden des {date} aus unserer Einfahrt gestohlen. "
        "Beide Schlüssel lagen im Haus; die Polizei geht von einem Angriff auf das Keyless-System aus. Die "
        "Türklingelkamera zeigt zwei Männer, nach einer Minute war der Wagen weg.",
        "{On_date} fand ich meinen {car} in {place} auf Pflastersteinen aufgebockt vor: Alle vier Räder "
        "waren gestohlen. Beim Herunterlassen wurden die Bremsscheiben beschädigt.",
    ),
    "fire@motor": (
        "In der Nacht zum {date} geriet mein vor dem Haus geparkter {car} in Brand. Ein Nachbar alarmierte "
        "die Feuerwehr, die einen technischen Defekt hinter dem Armaturenbrett vermutet. Der Innenraum ist "
        "völlig ausgebrannt.",
        "{On_date} wurde in {place} ein Müllcontainer angezündet, neben dem mein {car} parkte, und die "
        "Flammen griffen auf das Auto über. Stoßfänger und Scheinwerfer sind geschmolzen, der Lack der "
        "Motorhaube hat Blasen geworfen.",
        "Auf der Autobahn bei {place} leuchtete {on_date} die Motorkontrollleuchte auf, kurz darauf schlugen "
        "Flammen aus dem vorderen Radkasten. Der Fahrer hielt auf dem Standstreifen und stieg aus; das "
        "Fahrzeug brannte anschließend vollständig aus.",
    ),
    "storm@motor": (
        "Auf der Heimfahrt auf der Autobahn bei {place} sind wir {on_date} in einen plötzlichen "
        "Hagelschauer geraten, ohne Möglichkeit anzuhalten. Dach, Motorhaube und Kofferraumdeckel meines "
        "{car} ({plate}) sind voller Dellen.",
        "Beim Sturm {on_date} wurden Dachziegel vom Nachbargebäude heruntergeweht und fielen auf meinen an "
        "der Straße geparkten {car}. Dach und Windschutzscheibe sind beschädigt.",
        "Der Starkregen während des Unwetters vom {date} hat die Unterführung auf meinem Heimweg aus {place} "
        "überflutet; das Wasser stand bis über die Schweller meines {car}, der Motor ging aus und sprang "
        "nicht mehr an. Laut Werkstatt hat der Motor Wasser angesaugt.",
    ),
    "other@motor": (
        "In der Nacht zum {date} wurden an meinem in {place} geparkten {car} alle vier Reifen zerstochen und "
        "die Scheibenwischer umgebogen.",
        "{On_date} habe ich an einer Tankstelle in {place} versehentlich Benzin in meinen {car} getankt, "
        "obwohl er ein Diesel ist. Nach ein paar Kilometern fing der Motor an zu stottern; Tank, Leitungen "
        "und Einspritzdüsen müssen gereinigt und teils ersetzt werden.",
        "Während mein {car} {on_date} neben einer Baustelle in {place} parkte, wehte Putznebel vom Gerüst "
        "herüber. Die ganze linke Seite und das Dach sind mit Zementspritzern übersät, die sich nicht "
        "abwaschen lassen.",
    ),
}

# By peril, or by peril and kind of thing insured where the sentence only fits one of them.
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "water": (
        "Ein Notdienst hat die Leitung abgesperrt, das Leck ist inzwischen repariert.",
        "Seitdem laufen bei uns Bautrockner.",
        "Die betroffenen Räume sind bis zur Trocknung nicht nutzbar.",
    ),
    "fire": (
        "Die Feuerwehr war im Einsatz und kann den Hergang bestätigen.",
        "Bis der Brandgeruch beseitigt ist, wohnen wir bei Verwandten.",
    ),
    "fire@motor": (
        "Die Feuerwehr war im Einsatz und kann den Hergang bestätigen.",
        "Das Wrack steht inzwischen beim Verwerter.",
    ),
    "storm": (
        "Auch andere Häuser in der Straße hat es getroffen.",
        "Ein Handwerker hat den Schaden vorläufig mit einer Plane abgedeckt.",
    ),
    "storm@motor": (
        "In der Umgebung wurden mehrere Autos genauso beschädigt.",
        "Das Auto ist fahrbereit, der Schaden aber deutlich sichtbar.",
    ),
    "theft": (
        "Die Polizei hat noch am selben Tag eine Vorgangsnummer vergeben.",
        "Wir haben inzwischen zusätzliche Schlösser und eine Alarmanlage einbauen lassen.",
    ),
    "theft@motor": (
        "Die Polizei hat noch am selben Tag eine Vorgangsnummer vergeben.",
        "Beide Schlüssel habe ich noch und kann sie Ihnen zusenden.",
    ),
    "glass": (
        "Die Öffnung ist bis zum Einbau der neuen Scheibe gesichert.",
        "Personen kamen nicht zu Schaden.",
    ),
    "glass@motor": (
        "Für den Scheibentausch habe ich bereits einen Termin.",
        "Aus Sicherheitsgründen fahre ich das Auto seitdem nicht.",
    ),
    "collision": (
        "Das Fahrzeug steht in einer Karosseriewerkstatt und wartet auf Ihre Freigabe.",
        "Glücklicherweise wurde niemand schwer verletzt.",
        "Die Schäden habe ich sofort fotografiert.",
    ),
    "collision@home": (
        "Der Fahrer hat angehalten und uns seine Versicherungsdaten gegeben.",
        "Menschen kamen nicht zu Schaden.",
    ),
    "other": (
        "Ein Gutachter kann sich den Schaden gerne ansehen.",
        "Angebote für die Reparatur hole ich gerade ein.",
    ),
    "other@motor": (
        "Das Auto steht in der Werkstatt und wartet auf Ihre Freigabe.",
        "Ein Gutachter kann sich den Schaden gerne ansehen.",
    ),
}

# (peril mentioned, sentence, damages of claims it may appear in); the last one speaks of the
# insured car and is left out of accounts about homes.
DISTRACTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "fire",
        "Feuer oder Rauch gab es zu keinem Zeitpunkt.",
        ("water", "storm", "theft", "glass", "collision", "other"),
    ),
    ("water", "Wasser ist nicht eingedrungen.", ("fire", "theft", "glass", "collision", "other")),
    ("theft", "Soweit ich sehe, fehlt nichts.", ("water", "fire", "storm", "glass", "other")),
    ("storm", "Das Wetter war an dem Tag ruhig und trocken.", ("fire", "theft", "glass", "other")),
    (
        "storm",
        "Mit dem Sturm Anfang des Monats hat das nichts zu tun.",
        ("water", "fire", "theft", "glass", "collision", "other"),
    ),
    ("glass", "Keine einzige Fensterscheibe ging zu Bruch.", ("water", "other")),
    (
        "collision",
        "Einen Unfall gab es nicht; das Auto ist nirgends angestoßen.",
        ("fire", "storm", "glass", "other"),
    ),
)

LETTER: dict[str, tuple[str, ...]] = {
    "intro": (
        "ich bin bei Ihnen unter der Vertragsnummer {policy} versichert und muss leider einen Schaden "
        "melden.",
        "unter Bezug auf meinen Vertrag {policy} teile ich Ihnen folgenden Schadenfall mit.",
        "dieses Schreiben betrifft einen Schaden, der unter meine Police {policy} fällt.",
        "wie telefonisch besprochen, erhalten Sie hier die Einzelheiten zu meinem Schaden (Vertrag "
        "{policy}).",
    ),
    "mail_intro": (
        "Hallo liebes Schadenteam,",
        "Sehr geehrte Damen, sehr geehrte Herren,",
        "Moin,",
        "Guten Morgen,",
    ),
    "amount": (
        "Ich beanspruche insgesamt {amount}.",
        "Alles in allem beläuft sich der Schaden auf {amount}; diesen Betrag bitte ich Sie zu erstatten.",
        "Die Kosten für die Beseitigung des Schadens schätze ich auf {amount} und mache diesen Betrag "
        "geltend.",
        "Bitte regulieren Sie {amount} für Reparatur und Ersatz.",
        "{amount} - so hoch ist meine Forderung.",
    ),
    "amount_estimate": (
        "Laut dem beiliegenden Angebot kostet die Reparatur {amount}; in dieser Höhe mache ich den Schaden "
        "geltend.",
        "Wie aus dem Angebot in der Anlage hervorgeht, kommen {amount} zusammen, die ich hiermit "
        "beanspruche.",
    ),
    "excess": (
        "Die ersten {money} eines Schadens trage ich selbst, das ist mir klar.",
        "Bitte ziehen Sie die Selbstbeteiligung von {money} von der Zahlung ab.",
    ),
    "new_value": (
        "{item}: gekauft am {date} für {money}.",
        "Zum Neuwert: {item}, angeschafft am {date}, Kaufpreis {money}.",
    ),
    "previous": (
        "Bis auf einen Schaden im Jahr {year} ({money}) habe ich nie etwas gemeldet.",
        "Schadenhistorie: {year}, {money}.",
    ),
    "bank": ("Die Zahlung kann auf {iban} erfolgen.", "Als Konto für die Auszahlung nenne ich Ihnen {iban}."),
    "enclose": (
        "Fotos und Unterlagen liegen bei.",
        "Was ich bisher habe, schicke ich mit.",
        "Die Nachweise sind beigefügt.",
    ),
    "split_amount": (
        "Zusammen mit dem beigefügten Angebot fordere ich insgesamt {amount}.",
        "Inklusive Angebot komme ich auf eine Gesamtforderung von {amount}.",
    ),
    "visit": (
        "Ein Handwerker hat sich den Schaden am {date} angesehen.",
        "Die Besichtigung fand am {date} statt.",
    ),
}

# How an account introduces the incident date: a relative phrase (a few days before the letter,
# capitalised and inline forms, one chosen by the date) or the plain preposition.
RELATIVE_DATES: tuple[tuple[str, str], ...] = (
    ("Letzten {weekday} ({date})", "letzten {weekday} ({date})"),
    ("Vorigen {weekday} ({date})", "vorigen {weekday} ({date})"),
)
DATE_LEAD = "am"

ITEMS: tuple[str, ...] = (
    "Geschirrspüler",
    "Kaffeevollautomat",
    "Sessel",
    "Wäschetrockner",
    "Schreibtisch",
    "Staubsauger",
)
US_REPLACEMENTS: tuple[tuple[str, str], ...] = ()
