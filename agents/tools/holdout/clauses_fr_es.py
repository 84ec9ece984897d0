"""Policy wording in French and Spanish: cover, exclusions, conditions and definitions.

Same placeholders as the English and German banks.
"""

from __future__ import annotations

Bank = dict[str, tuple[tuple[str, str], ...]]

FR: Bank = {
    "water": (
        (
            "Dégâts des eaux",
            "Sont garantis les dommages causés par les fuites, ruptures ou débordements des "
            "conduites d'eau, des appareils à effet d'eau et des installations de chauffage. La recherche de "
            "fuite "
            "est prise en charge jusqu'à {excess_x10}.",
        ),
        (
            "Fuites et ruptures",
            "L'assureur garantit les dégâts des eaux accidentels provenant des canalisations "
            "intérieures. Les infiltrations lentes et l'usure ne sont pas couvertes.",
        ),
    ),
    "fire": (
        (
            "Incendie et événements assimilés",
            "Sont garantis les dommages causés par l'incendie, l'explosion, la "
            "foudre et la fumée, dans la limite de {limit}.",
        ),
        (
            "Incendie",
            "Les dommages d'incendie, y compris les dégâts de fumée et de suie, sont garantis. Les "
            "brûlures sans embrasement sont exclues.",
        ),
    ),
    "storm": (
        (
            "Tempête, grêle, poids de la neige",
            "Sont garantis les dommages causés par le vent, la grêle et le "
            "poids de la neige lorsque le vent dépasse 100 km/h.",
        ),
        (
            "Événements climatiques",
            "Sont couverts les dommages dus à la tempête ou à la grêle, y compris la "
            "pluie pénétrant par une ouverture créée par la tempête.",
        ),
    ),
    "theft": (
        (
            "Vol et vandalisme",
            "Sont garantis le vol commis par effraction, escalade ou usage de fausses clés, "
            "ainsi que les détériorations commises à cette occasion.",
        ),
        (
            "Vol",
            "L'assureur garantit le vol et la tentative de vol avec effraction du domicile ou du véhicule.",
        ),
    ),
    "glass": (
        (
            "Bris de glaces",
            "Sont garantis les bris accidentels des vitres, baies vitrées, plaques "
            "vitrocéramiques et, pour les véhicules, du pare-brise et des vitres latérales.",
        ),
        ("Bris de glace", "Le bris des produits verriers est indemnisé jusqu'à {excess_x10} par sinistre."),
    ),
    "collision": (
        (
            "Dommages tous accidents",
            "Sont garantis les dommages subis par le véhicule assuré à la suite "
            "d'une collision avec un autre véhicule, un objet ou un animal.",
        ),
        (
            "Collision",
            "Les dommages résultant d'un accident, y compris les bris de glace consécutifs, sont "
            "indemnisés sous déduction d'une franchise de {excess}.",
        ),
    ),
    "other": (
        (
            "Vandalisme et dommages accidentels",
            "Sont garantis les actes de vandalisme commis par des tiers et "
            "les dommages accidentels d'origine externe.",
        ),
        (
            "Autres dommages",
            "Sont couverts les dommages soudains et imprévus non visés par une autre garantie, "
            "y compris ceux causés par des animaux.",
        ),
    ),
}
FR_EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("Usure", "Sont exclus les dommages dus à l'usure, à la vétusté ou à un défaut d'entretien."),
    (
        "Inoccupation",
        "La garantie vol est suspendue si les locaux sont inoccupés plus de {days_x2} jours consécutifs.",
    ),
    ("Guerre", "Sont exclus les dommages résultant de la guerre étrangère ou civile et des émeutes."),
    ("Faute intentionnelle", "Sont exclus les dommages causés intentionnellement par l'assuré."),
    (
        "Conduite sans permis",
        "La garantie ne s'applique pas si le conducteur n'est pas titulaire du permis requis.",
    ),
    ("Dommages antérieurs", "Les dommages antérieurs à la prise d'effet du contrat ne sont pas garantis."),
)
FR_CONDITIONS: tuple[tuple[str, str], ...] = (
    (
        "Déclaration du sinistre",
        "L'assuré doit déclarer tout sinistre dans les {days} jours ouvrés où il en a eu connaissance.",
    ),
    ("Franchise", "Une franchise de {excess} reste à la charge de l'assuré pour chaque sinistre."),
    ("Plafond", "L'indemnité ne peut excéder {limit} par sinistre."),
    ("Dépôt de plainte", "En cas de vol ou de vandalisme, l'assuré doit porter plainte dans les 48 heures."),
    ("Fausse déclaration", "Toute fausse déclaration intentionnelle entraîne la déchéance de la garantie."),
    ("Assurances cumulatives", "En cas de pluralité d'assurances, chaque assureur intervient à proportion."),
)
FR_DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Habitation", "Les bâtiments situés à l'adresse indiquée aux conditions particulières."),
    ("Année d'assurance", "La période comprise entre deux échéances principales."),
    (
        "Tempête",
        "Action directe du vent d'une intensité telle qu'il détruit des bâtiments de bonne construction.",
    ),
    ("Véhicule", "Le véhicule terrestre à moteur désigné aux conditions particulières."),
)

ES: Bank = {
    "water": (
        (
            "Daños por agua",
            "Se cubren los daños causados por escapes accidentales de agua de las conducciones, "
            "aparatos y depósitos de la vivienda. La localización de la avería se abona hasta {excess_x10}.",
        ),
        (
            "Fugas y roturas",
            "El asegurador indemniza los daños por rotura o desbordamiento de tuberías y "
            "electrodomésticos. Las filtraciones lentas no están cubiertas.",
        ),
    ),
    "fire": (
        (
            "Incendio, rayo y explosión",
            "Quedan cubiertos los daños por incendio, explosión, caída de rayo y humo, "
            "hasta la suma asegurada de {limit}.",
        ),
        (
            "Incendio",
            "Se indemnizan los daños por incendio, incluidos los de humo y hollín. Las quemaduras sin "
            "llama quedan excluidas.",
        ),
    ),
    "storm": (
        (
            "Fenómenos atmosféricos",
            "Se cubren los daños por lluvia, viento, granizo o nieve cuando el viento supere los 80 km/h.",
        ),
        (
            "Tormenta y granizo",
            "Se indemnizan los daños por tormenta o granizo, incluida la lluvia que entre por "
            "aberturas causadas por el temporal.",
        ),
    ),
    "theft": (
        (
            "Robo y expoliación",
            "Se cubre el robo con fuerza en las cosas, el atraco y los desperfectos causados "
            "por los ladrones para entrar.",
        ),
        ("Robo", "El asegurador indemniza el robo y la tentativa de robo en la vivienda o el vehículo."),
    ),
    "glass": (
        (
            "Rotura de cristales",
            "Se cubre la rotura accidental de cristales, lunas, vitrocerámicas y, en "
            "vehículos, del parabrisas, ventanillas y techo solar.",
        ),
        ("Cristales", "La rotura de cristales se indemniza hasta {excess_x10} por siniestro."),
    ),
    "collision": (
        (
            "Daños propios",
            "Se cubren los daños sufridos por el vehículo asegurado por colisión con otro "
            "vehículo, un objeto o un animal.",
        ),
        (
            "Colisión",
            "Se indemnizan los daños por accidente, incluida la rotura de lunas en el mismo, "
            "descontando una franquicia de {excess}.",
        ),
    ),
    "other": (
        (
            "Actos vandálicos",
            "Se cubren los actos vandálicos o malintencionados de terceros y los daños "
            "accidentales de origen externo.",
        ),
        (
            "Otros daños",
            "Se cubren los daños súbitos e imprevistos no incluidos en otra garantía, incluidos los "
            "causados por animales.",
        ),
    ),
}
ES_EXCLUSIONS: tuple[tuple[str, str], ...] = (
    (
        "Desgaste",
        "No se cubren los daños por desgaste, deterioro paulatino, corrosión o falta de mantenimiento.",
    ),
    (
        "Deshabitación",
        "La cobertura de robo se suspende si la vivienda está deshabitada más de {days_x2} días.",
    ),
    ("Guerra", "Se excluyen los daños derivados de guerra, motín o terrorismo."),
    ("Dolo", "No se cubren los daños causados intencionadamente por el asegurado."),
    ("Conductor sin permiso", "No hay cobertura si el conductor carece del permiso de conducir válido."),
    ("Daños preexistentes", "No se cubren los daños anteriores a la fecha de efecto de la póliza."),
)
ES_CONDITIONS: tuple[tuple[str, str], ...] = (
    (
        "Comunicación del siniestro",
        "El tomador debe comunicar el siniestro en el plazo máximo de {days} días desde que lo conoció.",
    ),
    ("Franquicia", "En cada siniestro el asegurado soporta una franquicia de {excess}."),
    ("Límite", "La indemnización máxima por siniestro es de {limit}."),
    ("Denuncia", "En caso de robo o vandalismo debe presentarse denuncia ante la autoridad."),
    ("Mala fe", "La mala fe del asegurado libera al asegurador del pago de la indemnización."),
    ("Concurrencia de seguros", "Si existen varios seguros, cada asegurador contribuye proporcionalmente."),
)
ES_DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Vivienda", "El inmueble situado en la dirección indicada en las condiciones particulares."),
    ("Anualidad", "El periodo de doce meses que comienza en la fecha de efecto."),
    ("Temporal", "Viento con rachas superiores a 80 km/h o precipitación de intensidad extraordinaria."),
    ("Vehículo", "El vehículo a motor descrito en las condiciones particulares."),
)
