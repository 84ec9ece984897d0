"""Wording of attachments: repairers' trades and line items, police offences and authorities.

Kept apart from the claimant lexicons because these documents are written by third parties.
"""

from __future__ import annotations

TRADES: dict[str, dict[str, str]] = {
    "en": {
        "water": "Plumbing & Heating Ltd",
        "fire": "Fire Restoration Services",
        "storm": "Roofing & Building",
        "theft": "Locksmiths & Glazing",
        "glass": "Glass & Glazing",
        "collision": "Motor Body Repairs",
        "other": "Building Services",
    },
    "de": {
        "water": "Sanitär- und Heizungstechnik GmbH",
        "fire": "Brandsanierung GmbH",
        "storm": "Bedachungen GmbH",
        "theft": "Schlüsseldienst & Sicherheitstechnik",
        "glass": "Glaserei",
        "collision": "Kfz-Meisterbetrieb",
        "other": "Malerbetrieb",
    },
    "fr": {
        "water": "Plomberie Chauffage SARL",
        "fire": "Rénovation après sinistre",
        "storm": "Couverture Zinguerie",
        "theft": "Serrurerie Métallerie",
        "glass": "Miroiterie Vitrerie",
        "collision": "Carrosserie Garage",
        "other": "Bâtiment Services",
    },
    "es": {
        "water": "Fontanería y Calefacción S.L.",
        "fire": "Reformas Integrales S.L.",
        "storm": "Cubiertas y Tejados",
        "theft": "Cerrajería",
        "glass": "Cristalería",
        "collision": "Taller de Chapa y Pintura",
        "other": "Reformas y Mantenimiento",
    },
}
LINE_ITEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "water": (
            "Leak detection",
            "Replace section of pipe",
            "Drying equipment hire",
            "Replaster and paint",
            "Flooring, supply and fit",
        ),
        "fire": ("Soot cleaning", "Replace kitchen units", "Electrical inspection", "Redecoration"),
        "storm": ("Scaffolding", "Replace roof tiles", "Repair flashing", "Ceiling repair"),
        "theft": ("Replace door lock", "Repair door frame", "New patio door", "Security bolts"),
        "glass": ("Double-glazed unit", "Toughened glass panel", "Fitting", "Disposal of broken glass"),
        "collision": ("Rear bumper", "Paint and materials", "Headlamp unit", "Panel beating"),
        "other": ("Specialist cleaning", "Materials", "Repair works", "Paintwork"),
    },
    "de": {
        "water": (
            "Leckortung",
            "Rohrstück erneuern",
            "Trocknungsgeräte Miete",
            "Putz- und Malerarbeiten",
            "Bodenbelag liefern und verlegen",
        ),
        "fire": ("Rußreinigung", "Küchenschränke ersetzen", "Elektroprüfung", "Malerarbeiten"),
        "storm": ("Gerüst", "Dachziegel ersetzen", "Verwahrung erneuern", "Deckenreparatur"),
        "theft": (
            "Schließzylinder ersetzen",
            "Türrahmen instand setzen",
            "Terrassentür neu",
            "Zusatzsicherung",
        ),
        "glass": ("Isolierglaseinheit", "Sicherheitsglas", "Montage", "Entsorgung Altglas"),
        "collision": ("Stoßfänger hinten", "Lackierung inkl. Material", "Scheinwerfer", "Karosseriearbeiten"),
        "other": ("Fassadenreinigung", "Material", "Reparaturarbeiten", "Lackierarbeiten"),
    },
    "fr": {
        "water": (
            "Recherche de fuite",
            "Remplacement canalisation",
            "Location déshumidificateurs",
            "Reprise plâtre et peinture",
            "Fourniture et pose revêtement",
        ),
        "fire": ("Nettoyage suie", "Remplacement meubles de cuisine", "Contrôle électrique", "Peinture"),
        "storm": ("Échafaudage", "Remplacement tuiles", "Reprise solins", "Réfection plafond"),
        "theft": ("Remplacement serrure", "Réparation huisserie", "Porte-fenêtre neuve", "Verrous"),
        "glass": ("Double vitrage", "Verre trempé", "Pose", "Évacuation débris"),
        "collision": ("Pare-chocs arrière", "Peinture et ingrédients", "Optique avant", "Tôlerie"),
        "other": ("Nettoyage façade", "Fournitures", "Travaux de réparation", "Peinture"),
    },
    "es": {
        "water": (
            "Localización de fuga",
            "Sustitución de tubería",
            "Alquiler deshumidificadores",
            "Yeso y pintura",
            "Suministro y colocación de suelo",
        ),
        "fire": ("Limpieza de hollín", "Sustitución muebles de cocina", "Revisión eléctrica", "Pintura"),
        "storm": ("Andamio", "Sustitución de tejas", "Reparación de remates", "Reparación de techo"),
        "theft": ("Cambio de cerradura", "Reparación de marco", "Puerta de terraza nueva", "Cerrojos"),
        "glass": ("Doble acristalamiento", "Vidrio templado", "Montaje", "Retirada de restos"),
        "collision": ("Paragolpes trasero", "Pintura y materiales", "Faro delantero", "Chapa"),
        "other": ("Limpieza de fachada", "Materiales", "Trabajos de reparación", "Pintura"),
    },
}
OFFENCES: dict[str, dict[str, str]] = {
    "en": {"theft": "Theft / burglary", "collision": "Road traffic collision", "other": "Criminal damage"},
    "de": {
        "theft": "Einbruchdiebstahl / Diebstahl",
        "collision": "Verkehrsunfall",
        "other": "Sachbeschädigung",
    },
    "fr": {"theft": "Vol / cambriolage", "collision": "Accident de la circulation", "other": "Dégradations"},
    "es": {"theft": "Robo", "collision": "Accidente de tráfico", "other": "Daños"},
}
AUTHORITIES: dict[str, str] = {
    "DE": "Polizei {city} - Polizeikommissariat {n}",
    "FR": "Police nationale - Commissariat de {city}",
    "ES": "Policía Nacional - Comisaría de {city}",
    "IE": "An Garda Síochána - {city} Garda Station",
    "US": "{city} Police Department - District {n}",
    "AU": "NSW Police Force - {city} Police Station",
    "NZ": "New Zealand Police - {city} Station",
    "SG": "Singapore Police Force - Neighbourhood Police Centre {n}",
    "HK": "Hong Kong Police Force - {city} Division",
}
BROKER_SUFFIX: dict[str, tuple[str, ...]] = {
    "en": ("Insurance Brokers Ltd", "Risk & Insurance", "Insurance Services", "& Partners Brokers"),
    "de": ("Versicherungsmakler GmbH", "Assekuranzmakler", "Finanz- & Versicherungsservice"),
    "fr": ("Courtage & Conseil", "Cabinet de courtage", "Assurances Conseil"),
    "es": ("Correduría de Seguros S.L.", "Asesores de Seguros", "Correduría"),
}
# The caption of an attachment's own date (an estimate's or a cover sheet's).
DATE_WORD: dict[str, str] = {"en": "Date", "de": "Datum", "fr": "Date", "es": "Fecha"}
# Tax kinds and rates by country: facts, not wording, so every bank shares them.
VAT_RATES: dict[str, tuple[str, float]] = {
    "DE": ("vat", 19),
    "FR": ("vat", 20),
    "ES": ("vat", 21),
    "IE": ("vat", 13.5),
    "US": ("vat", 0),
    "AU": ("gst", 10),
    "NZ": ("gst", 15),
    "SG": ("gst", 9),
    "HK": ("vat", 0),
}
ENCLOSURE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "form": "Claim form",
        "letter": "Letter from client",
        "email": "E-mail from client",
        "estimate": "Estimate",
        "invoice": "Invoice",
        "police": "Police report",
        "photos": "Photographs",
    },
    "de": {
        "form": "Schadenanzeige",
        "letter": "Schreiben des Kunden",
        "email": "E-Mail des Kunden",
        "estimate": "Kostenvoranschlag",
        "invoice": "Rechnung",
        "police": "Polizeiliche Anzeige",
        "photos": "Fotos",
    },
    "fr": {
        "form": "Déclaration de sinistre",
        "letter": "Courrier du client",
        "email": "Courriel du client",
        "estimate": "Devis",
        "invoice": "Facture",
        "police": "Dépôt de plainte",
        "photos": "Photos",
    },
    "es": {
        "form": "Parte de siniestro",
        "letter": "Carta del cliente",
        "email": "Correo del cliente",
        "estimate": "Presupuesto",
        "invoice": "Factura",
        "police": "Denuncia",
        "photos": "Fotografías",
    },
}
