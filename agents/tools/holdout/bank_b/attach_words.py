"""Wording of attachments in bank "b": repairers' trades and line items, police, brokers, enclosures.

Same keys as bank "a"'s attachment wording, other firms' and offices' words. Tax kinds and
rates are facts, not wording: both banks use bank "a"'s ``VAT_RATES``.
"""

from __future__ import annotations

TRADES: dict[str, dict[str, str]] = {
    "en": {
        "water": "Heating & Plumbing Services",
        "fire": "Smoke & Fire Damage Specialists",
        "storm": "Roofing Contractors",
        "theft": "Security & Locks",
        "glass": "Window Repairs",
        "collision": "Accident Repair Centre",
        "other": "Property Maintenance",
    },
    "de": {
        "water": "Installateurmeister - Bad & Heizung",
        "fire": "Brandschadensanierung",
        "storm": "Dachdeckerei und Zimmerei",
        "theft": "Türen- und Schlosstechnik",
        "glass": "Glas- und Fensterbau",
        "collision": "Karosserie- und Lackierzentrum",
        "other": "Handwerkerservice",
    },
    "fr": {
        "water": "Dépannage Plomberie",
        "fire": "Nettoyage après incendie",
        "storm": "Charpente Couverture",
        "theft": "Fermetures & Sécurité",
        "glass": "Vitrerie Menuiserie",
        "collision": "Carrosserie Peinture Auto",
        "other": "Multi-services Habitat",
    },
    "es": {
        "water": "Fontanería Urgente",
        "fire": "Limpiezas Post-Incendio",
        "storm": "Impermeabilizaciones y Tejados",
        "theft": "Puertas y Cerraduras",
        "glass": "Vidrios y Aluminios",
        "collision": "Carrocerías",
        "other": "Mantenimiento Integral",
    },
}
LINE_ITEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "water": (
            "Trace and access leak",
            "Isolate and repair supply pipe",
            "Dehumidifier hire (per week)",
            "Make good ceiling and redecorate",
            "Replace swollen kitchen plinths",
        ),
        "fire": (
            "Smoke odour treatment",
            "Strip out fire-damaged materials",
            "Rewire affected circuits",
            "Repaint after smoke damage",
        ),
        "storm": (
            "Access tower hire",
            "Re-felt flat roof",
            "Replace broken roof sheets",
            "Clear debris, make safe",
        ),
        "theft": (
            "Replace multi-point lock",
            "Repair forced door frame",
            "Supply new door",
            "Board up and secure",
        ),
        "glass": (
            "Replacement sealed unit",
            "Laminated glass panel",
            "Glazing labour",
            "Clean up glass fragments",
        ),
        "collision": ("Replace front wing", "Refinish paint", "Realign panels", "Replace door skin"),
        "other": ("Specialist carpet clean", "Parts and materials", "Remedial work", "Decorating"),
    },
    "de": {
        "water": (
            "Leckageortung mit Messgerät",
            "Austausch Leitungsabschnitt",
            "Bautrocknung (pro Tag)",
            "Decke schließen und streichen",
            "Sockelblenden erneuern",
        ),
        "fire": (
            "Geruchsneutralisation",
            "Rückbau brandgeschädigter Teile",
            "Elektroinstallation erneuern",
            "Anstrich nach Rußschaden",
        ),
        "storm": ("Arbeitsbühne", "Dachabdichtung Flachdach", "Wellplatten ersetzen", "Sicherungsarbeiten"),
        "theft": (
            "Mehrfachverriegelung erneuern",
            "Zarge richten",
            "Haustür liefern und montieren",
            "Notverschluss",
        ),
        "glass": ("Isolierglas neu", "VSG-Scheibe", "Verglasungsarbeiten", "Glasreste beseitigen"),
        "collision": (
            "Kotflügel vorne erneuern",
            "Neulackierung",
            "Spaltmaße einstellen",
            "Türaußenhaut ersetzen",
        ),
        "other": ("Teppichreinigung", "Ersatzteile", "Instandsetzung", "Malerleistungen"),
    },
    "fr": {
        "water": (
            "Détection de fuite par caméra",
            "Réparation tuyauterie",
            "Assèchement (par jour)",
            "Remise en état plafond",
            "Remplacement plinthes",
        ),
        "fire": (
            "Traitement des odeurs",
            "Dépose éléments brûlés",
            "Reprise installation électrique",
            "Peinture après fumées",
        ),
        "storm": (
            "Nacelle",
            "Réfection étanchéité toit-terrasse",
            "Remplacement plaques",
            "Mise en sécurité",
        ),
        "theft": (
            "Serrure trois points",
            "Remise en état bâti",
            "Fourniture porte d'entrée",
            "Fermeture provisoire",
        ),
        "glass": ("Vitrage isolant", "Verre feuilleté", "Main d'oeuvre vitrier", "Nettoyage des éclats"),
        "collision": ("Aile avant", "Peinture carrosserie", "Redressage", "Panneau de porte"),
        "other": ("Shampooing moquette", "Pièces", "Remise en état", "Travaux de peinture"),
    },
    "es": {
        "water": (
            "Detección de fugas con cámara",
            "Reparación de tubería",
            "Secado (por día)",
            "Reparación de techo y pintura",
            "Cambio de zócalos",
        ),
        "fire": ("Tratamiento de olores", "Desescombro", "Instalación eléctrica nueva", "Pintura tras humo"),
        "storm": (
            "Plataforma elevadora",
            "Impermeabilización de cubierta",
            "Sustitución de placas",
            "Trabajos de seguridad",
        ),
        "theft": ("Cerradura de seguridad", "Reparación de cerco", "Puerta blindada", "Cierre provisional"),
        "glass": (
            "Vidrio con cámara",
            "Vidrio laminado",
            "Mano de obra cristalero",
            "Limpieza de restos de vidrio",
        ),
        "collision": ("Aleta delantera", "Pintura al horno", "Enderezado", "Panel de puerta"),
        "other": ("Limpieza de moqueta", "Piezas", "Reparaciones", "Trabajos de pintura"),
    },
}
OFFENCES: dict[str, dict[str, str]] = {
    "en": {
        "theft": "Burglary / theft (reported)",
        "collision": "Road traffic incident",
        "other": "Damage to property",
    },
    "de": {
        "theft": "Diebstahl (§ 242 StGB)",
        "collision": "Verkehrsunfallaufnahme",
        "other": "Sachbeschädigung (§ 303 StGB)",
    },
    "fr": {
        "theft": "Vol par effraction",
        "collision": "Accident matériel de la circulation",
        "other": "Destruction / dégradation de biens",
    },
    "es": {
        "theft": "Robo con fuerza en las cosas",
        "collision": "Siniestro vial",
        "other": "Daños a la propiedad",
    },
}
AUTHORITIES: dict[str, str] = {
    "DE": "Polizeipräsidium {city} - Polizeirevier {n}",
    "FR": "Gendarmerie nationale - Brigade de {city}",
    "ES": "Guardia Civil - Puesto de {city}",
    "IE": "Garda Síochána - {city} District Office",
    "US": "{city} Police Dept. - Precinct {n}",
    "AU": "NSW Police Force - {city} Police Area Command",
    "NZ": "NZ Police - {city} Police Station",
    "SG": "Singapore Police Force - Police Division {n}",
    "HK": "Hong Kong Police - {city} Police Station",
}
BROKER_SUFFIX: dict[str, tuple[str, ...]] = {
    "en": ("Insurance Advisers", "Brokerage Ltd", "Risk Solutions", "Cover Consultants"),
    "de": ("Versicherungsbüro", "Maklerkontor", "Versicherungskontor GmbH"),
    "fr": ("Assurances & Patrimoine", "Courtiers associés", "Agence de courtage"),
    "es": ("Mediación de Seguros", "Correduría Asociada", "Consultores de Riesgos"),
}
ENCLOSURE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "form": "Completed claim form",
        "letter": "Client's letter",
        "email": "Client's e-mail",
        "estimate": "Repair quote",
        "invoice": "Repair invoice",
        "police": "Police crime report",
        "photos": "Damage photos",
    },
    "de": {
        "form": "Ausgefülltes Schadenformular",
        "letter": "Kundenschreiben",
        "email": "Kunden-E-Mail",
        "estimate": "Reparaturangebot",
        "invoice": "Handwerkerrechnung",
        "police": "Anzeigebestätigung der Polizei",
        "photos": "Schadenbilder",
    },
    "fr": {
        "form": "Formulaire de déclaration",
        "letter": "Lettre de l'assuré",
        "email": "Mail de l'assuré",
        "estimate": "Devis de réparation",
        "invoice": "Facture de réparation",
        "police": "Récépissé de plainte",
        "photos": "Clichés des dégâts",
    },
    "es": {
        "form": "Formulario de siniestro",
        "letter": "Escrito del asegurado",
        "email": "Email del asegurado",
        "estimate": "Presupuesto de reparación",
        "invoice": "Factura de reparación",
        "police": "Copia de la denuncia",
        "photos": "Fotos de los daños",
    },
}
# The caption of an attachment's own date (an estimate's or a cover sheet's).
DATE_WORD: dict[str, str] = {"en": "Dated", "de": "Ausgestellt am", "fr": "Émis le", "es": "Fecha de emisión"}
