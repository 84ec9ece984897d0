"""French accounts of losses and letter phrases (same shape as the English ones).

``{On_date}`` becomes "Le 3 avril 2025," style openings; vehicles are "mon véhicule {car}".
"""

from __future__ import annotations

SCENARIOS: dict[str, tuple[str, ...]] = {
    "water@home": (
        "{On_date}, une canalisation a éclaté sous l'évier de la cuisine pendant que nous étions au travail. "
        "À mon "
        "retour, il y avait plusieurs centimètres d'eau dans la cuisine et l'eau s'était infiltrée chez le "
        "voisin "
        "du dessous. Le parquet stratifié et les meubles bas sont hors d'usage.",
        "{On_date}, le tuyau d'arrivée du lave-linge s'est détaché pendant un cycle de lavage. L'eau s'est "
        "répandue "
        "dans la buanderie et le couloir avant que je puisse fermer le robinet d'arrêt. Plinthes, moquette "
        "et "
        "cloison sont imbibées.",
        "{On_date}, j'ai remarqué une tache d'humidité qui s'étendait au plafond du séjour. Le plombier a "
        "constaté "
        "une fuite sur un raccord du chauffage sous le sol de la salle de bains. Le plafond a dû être "
        "ouvert.",
    ),
    "fire@home": (
        "{On_date}, une poêle d'huile a pris feu sur la plaque pendant que je cuisinais. Les flammes ont "
        "atteint la "
        "hotte et les placards hauts avant l'intervention des pompiers. Toute la cuisine est noircie par la "
        "fumée.",
        "{On_date}, la foudre est tombée sur le toit de notre maison pendant un orage. Un début d'incendie "
        "s'est "
        "déclaré dans les combles et la surtension a détruit le téléviseur, la box et la régulation de la "
        "chaudière.",
        "{On_date}, le sèche-linge a surchauffé et pris feu dans la buanderie. La fumée a envahi le "
        "rez-de-chaussée "
        "et la suie a endommagé murs, rideaux et meubles dans trois pièces.",
    ),
    "storm@home": (
        "{On_date}, une violente tempête avec des rafales de plus de 100 km/h a frappé {place}. Plusieurs "
        "tuiles "
        "ont été arrachées et la pluie a pénétré dans la chambre, abîmant le plafond et une armoire.",
        "{On_date}, un orage de grêle s'est abattu sur notre commune en fin d'après-midi. Les grêlons ont "
        "brisé les "
        "deux fenêtres de toit, cabossé l'abri de jardin et déchiré le store de la terrasse.",
        "Lors de la tempête {on_date}, un grand arbre du jardin voisin a été déraciné et est tombé sur le "
        "toit de "
        "notre garage et sur la clôture. Un côté du toit du garage s'est effondré.",
    ),
    "theft@home": (
        "{On_date}, pendant notre absence pour le week-end, des cambrioleurs ont forcé la porte-fenêtre et "
        "fouillé "
        "toute la maison. Ils ont volé un ordinateur portable, un appareil photo, des bijoux et de l'argent "
        "liquide.",
        "{On_date}, au petit matin, quelqu'un s'est introduit dans notre appartement par la fenêtre de la "
        "cuisine. "
        "Un téléviseur, deux vélos et le sac à main de mon épouse ont été dérobés.",
        "{On_date}, en rentrant, j'ai trouvé la serrure de la porte d'entrée percée. Les voleurs ont emporté "
        "une "
        "console de jeux, ma collection de montres et une tablette.",
    ),
    "glass@home": (
        "{On_date}, un ballon lancé par des enfants qui jouaient dans la rue a traversé la grande baie "
        "vitrée du "
        "salon. Le double vitrage est brisé et l'ouverture a été condamnée provisoirement.",
        "{On_date}, une cocotte m'a échappé des mains et est tombée sur la plaque vitrocéramique, qui s'est "
        "fendue "
        "sur toute la largeur. Elle ne peut plus être utilisée.",
        "{On_date}, la paroi en verre de la douche a éclaté d'un coup alors que personne n'était dans la "
        "salle de "
        "bains. L'installateur pense à un petit éclat préexistant dans le verre trempé.",
    ),
    "other@home": (
        "{On_date}, des inconnus ont couvert la façade de notre maison de graffitis et renversé les "
        "lampadaires du "
        "jardin. La façade doit être nettoyée par une entreprise spécialisée.",
        "{On_date}, en déplaçant des meubles, une lourde bibliothèque a basculé sur la table de la salle à "
        "manger. "
        "Le plateau est fendu et le parquet en chêne profondément rayé.",
        "{On_date}, nous avons constaté de larges fissures sur le mur arrière de la maison après un été très "
        "sec. "
        "Un expert a confirmé un tassement des fondations.",
    ),
    "collision@home": (
        "{On_date}, une camionnette de livraison qui manoeuvrait dans notre allée a percuté le muret du "
        "jardin et "
        "un poteau du carport. Le muret s'est en partie effondré.",
        "{On_date}, une voiture a glissé sur le verglas dans le virage devant chez nous et a percuté la "
        "clôture et "
        "le pilier de la boîte aux lettres.",
    ),
    "collision@motor": (
        "{On_date}, j'étais arrêté à un feu rouge à {place} lorsque le véhicule qui me suivait n'a pas "
        "freiné à "
        "temps et a percuté l'arrière de mon véhicule {car} ({plate}). Pare-chocs, hayon et feu arrière sont "
        "abîmés.",
        "{On_date}, un chevreuil a surgi sur la route départementale près de {place} et je n'ai pas pu "
        "l'éviter. "
        "L'avant de mon véhicule {car} est fortement endommagé : capot, phares et radiateur.",
        "{On_date}, en sortant d'une place de parking du supermarché à {place}, j'ai heurté une borne en "
        "béton. Le "
        "pare-chocs arrière et le hayon de mon véhicule {car} sont enfoncés.",
    ),
    "glass@motor": (
        "{On_date}, sur l'autoroute près de {place}, un gravillon projeté par un camion a touché le "
        "pare-brise de "
        "mon véhicule {car} ({plate}). La fissure s'est étendue et le pare-brise doit être remplacé.",
        "{On_date}, le toit ouvrant en verre de mon véhicule {car} a éclaté en roulant près de {place}. Le "
        "garage "
        "n'a trouvé aucune autre cause.",
    ),
    "theft@motor": (
        "{On_date}, mon véhicule {car}, immatriculé {plate}, a été volé dans la nuit devant mon domicile. "
        "J'ai porté "
        "plainte le matin même ; le véhicule n'a pas été retrouvé.",
        "{On_date}, des voleurs ont fracturé mon véhicule {car} sur un parking à {place}. Ils ont brisé la "
        "vitre "
        "latérale et emporté le GPS, une sacoche d'ordinateur et le siège enfant.",
    ),
    "fire@motor": (
        "{On_date}, de la fumée est sortie du capot de mon véhicule {car} alors que je roulais près de "
        "{place}. Je "
        "me suis arrêté et quelques minutes plus tard le compartiment moteur était en feu. Le véhicule est "
        "détruit.",
        "{On_date}, un incendie dans le garage voisin s'est propagé à l'abri où était garé mon véhicule "
        "{car} "
        "({plate}). Peinture, pneus et pièces en plastique du côté gauche ont brûlé.",
    ),
    "storm@motor": (
        "{On_date}, un violent orage de grêle est passé sur {place} alors que mon véhicule {car} était garé "
        "dehors. "
        "Le toit, le capot et le coffre sont criblés d'impacts.",
        "{On_date}, pendant la tempête, une grosse branche est tombée sur mon véhicule {car} ({plate}) garé "
        "dans la "
        "rue. Le toit est enfoncé et la lunette arrière brisée.",
    ),
    "other@motor": (
        "{On_date}, j'ai constaté que quelqu'un avait rayé toute la carrosserie côté conducteur de mon "
        "véhicule "
        "{car} avec une clé pendant qu'il était garé à {place}.",
        "{On_date}, mon véhicule {car} ne démarrait plus. Le garagiste a constaté qu'une fouine avait rongé "
        "les "
        "câbles d'allumage et les durites de refroidissement.",
    ),
}

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "water": (
        "Le plombier a réparé la fuite le lendemain et des déshumidificateurs ont été installés.",
        "J'ai aussitôt fermé le robinet général et appelé un plombier d'urgence.",
    ),
    "fire": (
        "Heureusement, personne n'a été blessé.",
        "Le rapport d'intervention des pompiers peut vous être transmis.",
    ),
    "storm": (
        "Météo-France a relevé des rafales jusqu'à 110 km/h ce jour-là.",
        "Un couvreur a effectué une réparation provisoire.",
    ),
    "theft": (
        "J'ai porté plainte le jour même.",
        "Les serrures ont depuis été changées.",
    ),
    "glass": ("Un vitrier a sécurisé l'ouverture et pris les mesures.", "Personne n'a été blessé."),
    "collision": (
        "Un constat amiable a été rempli avec l'autre conducteur.",
        "Il n'y a pas eu de blessé ; le véhicule a été remorqué.",
    ),
    "other": ("J'ai photographié les dégâts.", "J'ai conservé les pièces endommagées."),
}

DISTRACTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("fire", "Il n'y a eu aucun incendie.", ("water", "storm", "theft", "glass", "collision", "other")),
    (
        "storm",
        "La tempête de la semaine précédente n'avait causé aucun dégât.",
        ("water", "fire", "theft", "glass", "other"),
    ),
    ("water", "Il n'y a pas eu de dégât des eaux.", ("fire", "theft", "glass", "collision", "other")),
    ("theft", "Rien n'a été volé.", ("water", "fire", "storm", "glass", "other")),
    ("glass", "Aucune vitre n'a été brisée.", ("water", "fire", "other")),
    ("collision", "Aucun autre véhicule n'était impliqué.", ("fire", "storm", "glass", "other")),
)

LETTER: dict[str, tuple[str, ...]] = {
    "intro": (
        "je vous déclare par la présente un sinistre au titre de mon contrat {policy}.",
        "je souhaite vous déclarer un sinistre concernant la police n° {policy}.",
        "j'ai le regret de vous informer d'un sinistre survenu dans le cadre de mon contrat {policy}.",
    ),
    "mail_intro": ("Bonjour,", "Madame, Monsieur,"),
    "amount": (
        "Je vous réclame la somme de {amount}.",
        "Le montant total de mon préjudice est de {amount}.",
        "Ma réclamation s'élève au total à {amount}.",
    ),
    "amount_estimate": (
        "Selon le devis ci-joint, les réparations s'élèvent à {amount}, somme dont je vous demande le "
        "remboursement.",
    ),
    "excess": (
        "Je sais qu'une franchise de {money} sera déduite.",
        "La franchise de {money} prévue au contrat m'est connue.",
    ),
    "new_value": (
        "Le {item} avait été acheté le {date} pour {money}.",
        "Pour information, le {item} valait {money} à l'achat ({date}).",
    ),
    "previous": (
        "Mon seul sinistre précédent date de {year} ({money}).",
        "Mon dernier sinistre remonte à {year} ({money}).",
    ),
    "bank": ("Merci de virer le montant sur mon compte, IBAN {iban}.", "Mes coordonnées bancaires : {iban}."),
    "enclose": ("Vous trouverez ci-joint les justificatifs.", "Les pièces justificatives sont jointes."),
    "split_amount": ("Avec le devis joint, ma réclamation totale s'élève à {amount}.",),
    "visit": ("L'artisan est venu constater les dégâts le {date}.",),
}

# How an account introduces the incident date: a relative phrase (a few days before the letter,
# capitalised and inline forms, one chosen by the date) or the plain preposition.
RELATIVE_DATES: tuple[tuple[str, str], ...] = (("{Weekday} dernier ({date})", "{weekday} dernier ({date})"),)
DATE_LEAD = "le"

ITEMS: tuple[str, ...] = ("téléviseur", "canapé", "réfrigérateur", "tapis", "lave-linge", "vélo")
US_REPLACEMENTS: tuple[tuple[str, str], ...] = ()
