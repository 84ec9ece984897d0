"""French accounts of losses and letter phrases of bank "b" (same shape as its English ones).

``{On_date}`` becomes "Le 3 avril 2025", ``{on_date}`` "le 3 avril 2025" and ``{date}`` the
date alone ("dans la nuit du {date}"); the insured car is "ma {car}" or "ma voiture".
"""

from __future__ import annotations

SCENARIOS: dict[str, tuple[str, ...]] = {
    "water@home": (
        "D'importantes traces d'humidité et un effondrement partiel du plafond de la cuisine ont été "
        "constatés {on_date}. L'origine se trouvait dans l'appartement du dessus, où une baignoire avait "
        "débordé pendant un long moment. Le plâtre du plafond, les luminaires et un buffet placé en dessous "
        "sont endommagés.",
        "Nous étions au ski et le chauffage était en mode hors-gel. Avec le grand froid, le tuyau du robinet "
        "extérieur a gelé et s'est fendu dans le mur du garage, et au dégel l'eau a coulé sans s'arrêter. "
        "Mon voisin a vu de l'eau sortir sous la porte du garage {on_date} et m'a appelé. Tout ce qui était "
        "par terre est trempé et la cloison en placo est a jeter.",
        "Joint du bac de douche défectueux. L'eau s'infiltrait depuis des semaines dans le plafond de la "
        "salle à manger en dessous et, {on_date}, un morceau de plafond est tombé. Carrelage, plafond et "
        "moquette sont à refaire.",
        "Dans la nuit du {date}, le ballon d'eau chaude du cellier s'est fendu le long d'une soudure. Au "
        "matin, la moquette du palier et la chambre voisine étaient détrempées et l'eau avait coulé le long "
        "du mur de la cage d'escalier.",
        "{On_date}, mon fils a accroché du pied le robinet du radiateur de sa chambre, qui s'est cassé net. "
        "L'eau chaude du chauffage a jailli jusqu'à ce que je coupe l'installation et la vidange ; le "
        "parquet et le plafond de la pièce du dessous sont imbibés.",
    ),
    "fire@home": (
        "Une bougie oubliée sur le rebord de la fenêtre a mis le feu aux rideaux du salon {on_date}. Les "
        "flammes ont gagné l'encadrement de la fenêtre et le canapé avant que mon mari ne les éteigne avec "
        "l'extincteur. La pièce est noire de suie et tout sent la fumée.",
        "{On_date}, vers 19 heures, la batterie de notre vélo électrique, en charge dans l'entrée, a "
        "surchauffé et s'est enflammée. L'entrée, la porte et l'escalier sont fortement brûlés et l'étage "
        "est noirci par la fumée.",
        "Un feu de cheminée s'est déclaré dans l'habitation assurée dans la soirée du {date}. La suie "
        "enflammée a atteint une pièce de charpente voisine du conduit ; les pompiers ont dû découvrir une "
        "partie de la toiture pour l'éteindre. Charpente, isolation et plancher des combles sont à "
        "reprendre.",
        "Meubles de cuisine carbonisés, micro-ondes fondu, fumée dans tout le rez-de-chaussée : voilà ce "
        "qu'a laissé l'incendie parti de notre grille-pain {on_date}. Cela s'est passé le matin, pendant que "
        "nous préparions les enfants à l'étage.",
    ),
    "storm@home": (
        "Sous le poids de la neige, après deux jours de chutes continues, la toiture de notre carport s'est "
        "effondrée {on_date}. Les plaques et deux poteaux en bois ont cédé et le salon de jardin rangé "
        "dessous est écrasé.",
        "{On_date}, des vents violents ont soulevé le revêtement d'étanchéité du toit plat de notre "
        "extension et en ont arraché la moitié. La pluie est ensuite entrée directement ; le plafond et le "
        "sol stratifié de l'extension sont abîmés.",
        "Lors de l'orage, dans la nuit du {date}, les égouts de notre rue ont débordé et l'eau de pluie "
        "s'est engouffrée par le soupirail de la cave. Il y avait environ 20 cm d'eau ; le congélateur, la "
        "régulation de la chaudière et tout ce qui était stocké sont perdus.",
        "Des grêlons gros comme des balles de golf sont tombés sur {place} {on_date}. Le toit de notre "
        "véranda est percé à plusieurs endroits et quatre panneaux solaires de la toiture sont fêlés.",
    ),
    "theft@home": (
        "{On_date}, deux hommes se présentant comme des agents de la compagnie des eaux sont entrés chez "
        "moi. Pendant que l'un m'occupait dans la cuisine, l'autre est monté à l'étage. Après leur départ, "
        "ma boîte à bijoux, de l'argent liquide et ma tablette avaient disparu.",
        "Notre abri de jardin a été forcé dans la nuit du {date} : le moraillon du cadenas a été arraché au "
        "pied-de-biche. Ont été dérobés deux VTT, une tondeuse thermique, une débroussailleuse et une caisse "
        "d'outillage électrique.",
        "Quelqu'un a tenté de forcer notre porte de derrière {on_date} pendant la nuit. L'alarme s'est "
        "déclenchée et les individus ont pris la fuite ; a priori rien n'a été emporté, mais la porte, le "
        "dormant et la serrure multipoints sont hors d'usage.",
        "La cave de notre immeuble a fait l'objet d'une effraction {on_date}. Le cadenas de notre box a été "
        "sectionné et son contenu emporté, notamment quatre pneus neige sur jantes, une poussette et notre "
        "matériel de camping.",
    ),
    "glass@home": (
        "{On_date}, nous avons remarqué une longue fissure en diagonale sur la vitre intérieure de la grande "
        "fenêtre plein sud du séjour. Personne ne l'a heurtée ; selon le menuisier, c'est un choc thermique "
        "et le vitrage doit être changé.",
        "Alors que je repeignais les encadrements des fenêtres de l'étage {on_date}, l'échelle a glissé et "
        "son sommet a traversé la fenêtre du palier. La vitre est entièrement cassée.",
        "Le garde-corps en verre de notre balcon s'est fêlé {on_date} lorsqu'un lourd bac à fleurs que nous "
        "déplacions a basculé contre lui. Le verre feuilleté tient encore, mais il est fendu de haut en bas "
        "et n'est plus sûr.",
        "Pendant le préchauffage du four {on_date}, la vitre intérieure de la porte a explosé. Il y avait "
        "des éclats partout ; heureusement, personne n'était dans la cuisine.",
    ),
    "other@home": (
        "Notre chien, adopté récemment au refuge et laissé seul pour la première fois {on_date}, a rongé "
        "l'encadrement de la porte du salon, éventré deux coussins du canapé et rayé le parquet de l'entrée "
        "jusqu'au bois brut.",
        "{On_date}, en montant l'escalier avec un pot de peinture, j'ai trébuché et les 5 litres se sont "
        "répandus sur la moquette du palier et le tapis d'escalier. C'est de la laque glycéro ; le nettoyeur "
        "dit que la moquette est irrécupérable.",
        "Des rats sont entrés dans les combles par un trou sous l'avant-toit. Quand l'électricien est venu "
        "{on_date} parce que la moitié des lampes ne marchait plus, il a trouvé des câbles rongés à "
        "plusieurs endroits et l'isolant souillé. Toute l'installation des combles est à refaire.",
        "Après la fête de notre fils {on_date}, nous avons découvert que des invités avaient écrit au "
        "marqueur indélébile sur les murs du couloir et arraché le porte-serviettes de la salle de bains ; "
        "le papier peint de l'entrée est déchiré lui aussi.",
    ),
    "collision@home": (
        "Une voiture qui roulait bien trop vite a perdu le contrôle {on_date}, est montée sur le trottoir "
        "et a fini dans notre jardin. Environ quatre mètres de muret et le pilier du portail sont démolis, "
        "la haie est couchée.",
        "{On_date}, le camion-benne des ordures ménagères a accroché l'angle de la maison en reculant dans "
        "notre ruelle. La gouttière, la descente et l'angle de la maçonnerie sont abîmés ; une fissure part "
        "maintenant de l'appui de fenêtre.",
        "La voiture de mon voisin a dévalé son allée {on_date} - il jure que le frein à main était serré - "
        "et a terminé sa course dans notre porte de garage, qui est pliée ; la motorisation ne fonctionne "
        "plus.",
    ),
    "collision@motor": (
        "{On_date}, j'étais déjà engagé dans le rond-point de {place} lorsqu'une camionnette venant de "
        "l'entrée suivante n'a pas cédé le passage et a percuté la portière conducteur de ma {car} "
        "({plate}). Portière, aile avant et rétroviseur sont endommagés ; le conducteur a reconnu ses torts "
        "sur place.",
        "En m'insérant sur l'autoroute près de {place} {on_date}, j'ai été accroché par un poids lourd qui "
        "se rabattait sur ma voie. Tout le côté passager de ma {car} est rayé et enfoncé, la porte arrière "
        "ne s'ouvre plus.",
        "En revenant au parking souterrain de {place} {on_date}, j'ai trouvé le pare-chocs arrière de ma "
        "voiture ({plate}) enfoncé, avec des traces de peinture d'un autre véhicule. L'auteur est parti sans "
        "laisser de mot (délit de fuite). J'ai demandé les images de vidéosurveillance.",
        "Un cycliste a débouché d'une rue transversale sans s'arrêter {on_date} et je n'ai pas pu l'éviter. "
        "Il a roulé sur le capot ; par chance, il n'a que des contusions. Capot, pare-brise et calandre de "
        "ma {car} sont endommagés.",
        "Véhicule {plate} : perte de contrôle sur plaque de verglas, route communale près de {place}, "
        "{on_date}, choc contre la glissière de sécurité. Dégâts au bouclier avant, au phare droit et au "
        "train avant.",
    ),
    "glass@motor": (
        "Après une nuit de gel, {on_date}, j'ai mis le chauffage à fond pour dégivrer le pare-brise de ma "
        "{car} et j'ai entendu un craquement : une fissure part du bord jusqu'au milieu. Le spécialiste "
        "vitrage dit qu'il faut le remplacer.",
        "La lunette arrière de ma voiture ({plate}) a éclaté {on_date} quand j'ai refermé le hayon. Il y a "
        "des morceaux de verre dans tout le coffre et le dégivrage est détruit.",
        "{On_date}, la vitre conducteur de ma {car} a explosé pendant que je la remontais dans une "
        "station-service de {place} ; le réparateur pense que le lève-vitre s'est bloqué.",
        "Une balle de golf venue du parcours qui longe la route près de {place} a frappé le pare-brise de ma "
        "{car} {on_date}, laissant un impact en étoile juste devant le conducteur.",
    ),
    "theft@motor": (
        "Dans la nuit du {date}, on a volé le pot catalytique de ma {car} ({plate}) garée devant chez moi. "
        "Je ne m'en suis aperçu que le matin, au démarrage, à cause du bruit assourdissant.",
        "Ma voiture ({car}, {plate}) a été volée dans notre allée aux premières heures du {date}. Les deux "
        "clés étaient dans la maison ; la police pense à un piratage du système sans clé. La caméra de la "
        "sonnette montre deux hommes et la voiture partie en moins d'une minute.",
        "{On_date}, j'ai retrouvé ma {car} sur des parpaings à {place} : les quatre roues avaient été "
        "volées. Les disques de frein ont été abîmés quand la voiture a été redescendue.",
    ),
    "fire@motor": (
        "Dans la nuit du {date}, ma {car} a pris feu alors qu'elle était garée devant chez moi. Un voisin a "
        "donné l'alerte ; les pompiers soupçonnent un court-circuit derrière le tableau de bord. L'habitacle "
        "est entièrement calciné.",
        "{On_date}, à {place}, une benne de chantier à côté de laquelle ma voiture était stationnée a été "
        "incendiée et le feu s'est propagé au véhicule. Pare-chocs et phares ont fondu, la peinture du capot "
        "a cloqué.",
        "Sur l'autoroute près de {place}, {on_date}, le voyant moteur s'est allumé, puis des flammes sont "
        "sorties du passage de roue avant. Le conducteur s'est arrêté sur la bande d'arrêt d'urgence et est "
        "sorti ; le véhicule a ensuite entièrement brûlé.",
    ),
    "storm@motor": (
        "Nous avons été surpris par une averse de grêle soudaine sur l'autoroute près de {place} {on_date}, "
        "sans possibilité de nous arrêter. Le toit, le capot et le coffre de ma {car} ({plate}) sont "
        "couverts de bosses.",
        "Pendant la tempête, {on_date}, des tuiles arrachées de l'immeuble voisin sont tombées sur ma "
        "voiture garée dans la rue. Le pavillon et le pare-brise sont endommagés.",
        "Les pluies diluviennes de l'orage du {date} ont inondé le passage souterrain sur mon trajet de "
        "retour de {place} ; l'eau est montée au-dessus des bas de caisse de ma {car}, le moteur a calé et "
        "n'a plus redémarré. D'après le garage, il a aspiré de l'eau.",
    ),
    "other@motor": (
        "Dans la nuit du {date}, les quatre pneus de ma {car} garée à {place} ont été crevés au couteau et "
        "les essuie-glaces tordus.",
        "{On_date}, dans une station-service de {place}, j'ai mis de l'essence dans ma {car}, qui roule au "
        "gazole. Après quelques kilomètres le moteur a commencé à tousser ; réservoir, conduites et "
        "injecteurs sont à nettoyer et certaines pièces à remplacer.",
        "Alors que ma voiture était garée près d'un chantier à {place} {on_date}, des projections d'enduit "
        "provenant de l'échafaudage l'ont recouverte. Tout le côté gauche et le toit sont constellés de "
        "ciment qui ne part pas au lavage.",
    ),
}

# By peril, or by peril and kind of thing insured where the sentence only fits one of them.
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "water": (
        "Un plombier d'urgence a coupé l'arrivée d'eau et la fuite est réparée.",
        "Des assécheurs tournent depuis.",
        "Les pièces touchées sont inutilisables tant qu'elles n'ont pas séché.",
    ),
    "fire": (
        "Les pompiers sont intervenus et peuvent confirmer les faits.",
        "Nous logeons chez de la famille le temps d'éliminer l'odeur de fumée.",
    ),
    "fire@motor": (
        "Les pompiers sont intervenus et peuvent confirmer les faits.",
        "L'épave a été enlevée par une casse.",
    ),
    "storm": ("D'autres maisons de la rue ont été touchées.", "Un artisan a bâché provisoirement."),
    "storm@motor": (
        "Plusieurs autres voitures du quartier ont subi les mêmes dégâts.",
        "La voiture roule encore, mais les dégâts sont bien visibles.",
    ),
    "theft": (
        "La plainte a été enregistrée le jour même.",
        "Nous avons depuis fait poser des verrous supplémentaires et une alarme.",
    ),
    "theft@motor": (
        "La plainte a été enregistrée le jour même.",
        "J'ai toujours les deux clés et peux vous les envoyer.",
    ),
    "glass": ("L'ouverture est sécurisée en attendant le nouveau vitrage.", "Personne n'a été touché."),
    "glass@motor": (
        "Le remplacement de la vitre est déjà programmé.",
        "Par prudence, je ne roule plus avec la voiture.",
    ),
    "collision": (
        "La voiture est chez le carrossier, en attente de votre accord.",
        "Heureusement, personne n'a été gravement blessé.",
        "J'ai pris des photos des dégâts tout de suite.",
    ),
    "collision@home": (
        "Le conducteur s'est arrêté et nous a donné ses coordonnées d'assurance.",
        "Aucun blessé à déplorer.",
    ),
    "other": (
        "Un expert peut venir constater quand vous le souhaitez.",
        "Je fais établir des devis de réparation.",
    ),
    "other@motor": (
        "La voiture est au garage, dans l'attente de votre feu vert.",
        "Un expert peut venir constater quand vous le souhaitez.",
    ),
}

# (peril mentioned, sentence, damages of claims it may appear in); the last one speaks of the
# insured car and is left out of accounts about homes.
DISTRACTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "fire",
        "Il n'y a eu ni feu ni fumée à aucun moment.",
        ("water", "storm", "theft", "glass", "collision", "other"),
    ),
    ("water", "Aucune eau n'est entrée.", ("fire", "theft", "glass", "collision", "other")),
    ("theft", "À première vue, il ne manque rien.", ("water", "fire", "storm", "glass", "other")),
    ("storm", "Ce jour-là, le temps était calme et sec.", ("fire", "theft", "glass", "other")),
    (
        "storm",
        "Cela n'a rien à voir avec la tempête du début du mois.",
        ("water", "fire", "theft", "glass", "collision", "other"),
    ),
    ("glass", "Pas une seule vitre n'a été cassée.", ("water", "other")),
    (
        "collision",
        "Il n'y a eu aucun accident ; la voiture n'a rien percuté.",
        ("fire", "storm", "glass", "other"),
    ),
)

LETTER: dict[str, tuple[str, ...]] = {
    "intro": (
        "titulaire du contrat {policy} auprès de votre compagnie, je dois malheureusement vous déclarer un "
        "sinistre.",
        "je me permets de vous écrire au sujet d'un dommage couvert par mon contrat n° {policy}.",
        "la présente concerne un sinistre relevant de ma police {policy}.",
        "suite à notre entretien téléphonique, voici le détail de mon sinistre (contrat {policy}).",
    ),
    "mail_intro": ("Bonjour à vous,", "Monsieur, Madame,", "Bonsoir,", "À l'attention du service sinistres,"),
    "amount": (
        "Je sollicite une indemnisation de {amount}.",
        "Au total, le préjudice s'élève à {amount}, somme que je vous demande de me régler.",
        "J'estime le coût de la remise en état à {amount} et vous réclame ce montant.",
        "Merci de m'indemniser à hauteur de {amount} pour les réparations et les remplacements.",
        "{amount} : c'est le montant de ma demande.",
    ),
    "amount_estimate": (
        "D'après le devis joint, les travaux coûtent {amount} ; c'est le montant de ma demande.",
        "Comme le montre le devis en pièce jointe, la remise en état revient à {amount}, que je vous "
        "réclame.",
    ),
    "excess": (
        "Je sais que les {money} de franchise restent à ma charge.",
        "Merci de déduire la franchise de {money} du règlement.",
    ),
    "new_value": (
        "Concernant le {item} : acheté le {date} pour {money}.",
        "Pour mémoire : {item}, acquis le {date}, {money}.",
    ),
    "previous": (
        "Hormis un sinistre en {year} ({money}), je n'ai jamais rien déclaré.",
        "Antécédents : {year}, {money}.",
    ),
    "bank": ("Le règlement peut se faire sur le compte {iban}.", "Compte à créditer : {iban}."),
    "enclose": (
        "Photos et justificatifs joints.",
        "Je vous transmets ce dont je dispose pour l'instant.",
        "Les pièces justificatives accompagnent ce courrier.",
    ),
    "split_amount": (
        "Le total de ma demande, devis compris, est de {amount}.",
        "En tenant compte du devis joint, je réclame {amount} au total.",
    ),
    "visit": ("Un artisan a examiné les dégâts le {date}.", "La visite sur place a eu lieu le {date}."),
}

# How an account introduces the incident date: a relative phrase (a few days before the letter,
# capitalised and inline forms, one chosen by the date) or the plain preposition.
RELATIVE_DATES: tuple[tuple[str, str], ...] = (
    ("{Weekday} passé ({date})", "{weekday} passé ({date})"),
    ("Ce {weekday} ({date})", "ce {weekday} ({date})"),
)
DATE_LEAD = "le"

ITEMS: tuple[str, ...] = ("lave-vaisselle", "fauteuil", "sèche-linge", "bureau", "four", "aspirateur")
US_REPLACEMENTS: tuple[tuple[str, str], ...] = ()
