"""Spanish accounts of losses and letter phrases (same shape as the English ones).

``{On_date}`` becomes "El 3 de abril de 2025," style openings.
"""

from __future__ import annotations

SCENARIOS: dict[str, tuple[str, ...]] = {
    "water@home": (
        "{On_date} reventó una tubería debajo del fregadero mientras estábamos trabajando. Al volver, la "
        "cocina "
        "tenía varios centímetros de agua y el agua había pasado al piso de abajo. El suelo laminado y los "
        "muebles "
        "bajos de la cocina han quedado inservibles.",
        "{On_date} se soltó el tubo de entrada de la lavadora durante un lavado. El agua se extendió por el "
        "lavadero "
        "y el pasillo antes de que pudiera cerrar la llave de paso. Rodapiés, alfombra y tabique están "
        "empapados.",
        "{On_date} observé una mancha de humedad que se extendía por el techo del salón. El fontanero "
        "detectó una "
        "fuga en una unión de la calefacción bajo el suelo del baño. Hubo que abrir el techo.",
    ),
    "fire@home": (
        "{On_date} se prendió una sartén con aceite en la placa mientras cocinaba. Las llamas alcanzaron la "
        "campana y los armarios altos antes de que los bomberos las apagaran. Toda la cocina está "
        "ennegrecida.",
        "{On_date} cayó un rayo en el tejado de nuestra casa durante una tormenta eléctrica. Se produjo un "
        "pequeño "
        "incendio en el desván y la sobretensión destruyó el televisor, el router y la centralita de la "
        "caldera.",
        "{On_date} la secadora se recalentó y se incendió en el lavadero. El humo invadió la planta baja y "
        "el hollín "
        "dañó paredes, cortinas y muebles de tres habitaciones.",
    ),
    "storm@home": (
        "{On_date} un fuerte temporal con rachas de más de 100 km/h azotó {place}. Se desprendieron varias "
        "tejas y "
        "la lluvia entró en el dormitorio, dañando el techo y un armario.",
        "{On_date} cayó una fuerte granizada a última hora de la tarde. El granizo rompió los dos "
        "lucernarios, "
        "abolló el tejado de la caseta del jardín y destrozó el toldo de la terraza.",
        "Durante el temporal {on_date} un árbol grande del jardín vecino fue arrancado y cayó sobre el "
        "tejado de "
        "nuestro garaje y la valla. Un lado del tejado del garaje se ha hundido.",
    ),
    "theft@home": (
        "{On_date}, mientras estábamos fuera el fin de semana, unos ladrones forzaron la puerta de la "
        "terraza y "
        "registraron toda la casa. Se llevaron un portátil, una cámara, joyas y dinero en efectivo.",
        "{On_date}, de madrugada, alguien entró en nuestro piso por la ventana de la cocina. Robaron un "
        "televisor, "
        "dos bicicletas y el bolso de mi mujer. La policía vino esa misma mañana.",
        "{On_date} al volver a casa encontré la cerradura de la puerta taladrada. Los ladrones se llevaron "
        "una "
        "videoconsola, mi colección de relojes y una tableta.",
    ),
    "glass@home": (
        "{On_date} un balón de unos niños que jugaban en la calle atravesó el ventanal del salón. El doble "
        "acristalamiento está roto y el hueco se ha tapado provisionalmente.",
        "{On_date} se me cayó una cazuela pesada sobre la placa vitrocerámica, que se rajó de lado a lado. "
        "Ya no "
        "se puede usar con seguridad.",
        "{On_date} la mampara de cristal de la ducha estalló de repente sin que hubiera nadie en el baño. El "
        "instalador cree que el cristal templado tenía una pequeña mella.",
    ),
    "other@home": (
        "{On_date} unos desconocidos pintaron grafitis en toda la fachada de nuestra casa y tiraron las "
        "farolas "
        "del jardín. La fachada debe limpiarla una empresa especializada.",
        "{On_date}, al mover muebles, una estantería pesada cayó sobre la mesa del comedor. El tablero está "
        "partido "
        "y el parqué de roble muy rayado.",
        "{On_date} detectamos grietas anchas en la pared trasera de la casa tras un verano muy seco. Un "
        "técnico ha "
        "confirmado un asentamiento de la cimentación.",
    ),
    "collision@home": (
        "{On_date} una furgoneta de reparto que maniobraba marcha atrás en nuestra entrada chocó contra el "
        "muro del "
        "jardín y un poste del porche. El muro se ha derrumbado en parte.",
        "{On_date} un coche patinó por el hielo en la curva de delante de casa y chocó contra la valla y el "
        "pilar "
        "del buzón.",
    ),
    "collision@motor": (
        "{On_date} estaba parado en un semáforo en rojo en {place} cuando el coche de detrás no frenó a "
        "tiempo y "
        "golpeó la parte trasera de mi {car} ({plate}). El parachoques, el portón y un piloto están dañados.",
        "{On_date} un corzo salió del bosque en la carretera cerca de {place} y no pude evitarlo. La parte "
        "delantera "
        "de mi {car} está muy dañada: capó, faros y radiador.",
        "{On_date}, al salir marcha atrás de una plaza del aparcamiento del supermercado en {place}, golpeé "
        "un "
        "bolardo de hormigón. El parachoques trasero y el portón de mi {car} están abollados.",
    ),
    "glass@motor": (
        "{On_date}, en la autovía cerca de {place}, una piedra que levantó un camión golpeó el parabrisas de "
        "mi "
        "{car} ({plate}). La grieta se ha extendido y hay que cambiar el parabrisas.",
        "{On_date} el techo solar de cristal de mi {car} estalló mientras circulaba cerca de {place}. El "
        "taller no "
        "encontró otra causa.",
    ),
    "theft@motor": (
        "{On_date} me robaron el {car}, matrícula {plate}, aparcado por la noche delante de mi casa. "
        "Presenté "
        "denuncia esa misma mañana y el vehículo no ha aparecido.",
        "{On_date} unos ladrones forzaron mi {car} en un aparcamiento de {place}. Rompieron la ventanilla "
        "lateral y "
        "se llevaron el navegador, una bolsa con un portátil y la silla infantil.",
    ),
    "fire@motor": (
        "{On_date} empezó a salir humo del capó de mi {car} mientras circulaba cerca de {place}. Me detuve y "
        "a los "
        "pocos minutos el compartimento del motor estaba en llamas. El vehículo es siniestro total.",
        "{On_date} un incendio en el garaje vecino se extendió a la cochera donde estaba aparcado mi {car} "
        "({plate}). La pintura, los neumáticos y los plásticos del lado izquierdo se quemaron.",
    ),
    "storm@motor": (
        "{On_date} una fuerte granizada cayó sobre {place} mientras mi {car} estaba aparcado en la calle. El "
        "techo, "
        "el capó y el maletero están llenos de abolladuras.",
        "{On_date}, durante el temporal, una rama grande cayó sobre mi {car} ({plate}), aparcado en la "
        "calle. El "
        "techo está hundido y la luna trasera rota.",
    ),
    "other@motor": (
        "{On_date} descubrí que alguien había rayado con una llave toda la chapa del lado del conductor de "
        "mi "
        "{car} mientras estaba aparcado en {place}.",
        "{On_date} mi {car} no arrancaba. En el taller vieron que una garduña había mordido los cables de "
        "encendido "
        "y los manguitos del refrigerante.",
    ),
}

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "water": (
        "El fontanero reparó la fuga al día siguiente y se instalaron deshumidificadores.",
        "Cerré enseguida la llave general y llamé a un fontanero de urgencia.",
    ),
    "fire": (
        "Por suerte nadie resultó herido.",
        "El informe de los bomberos puede enviarse si lo necesitan.",
    ),
    "storm": (
        "La agencia meteorológica registró rachas de hasta 110 km/h ese día.",
        "Un tejador ha hecho una reparación provisional.",
    ),
    "theft": ("Lo denuncié a la policía el mismo día.", "Ya hemos cambiado las cerraduras."),
    "glass": ("Un cristalero ha asegurado el hueco y ha tomado medidas.", "No hubo heridos."),
    "collision": (
        "Rellenamos el parte amistoso con el otro conductor.",
        "No hubo heridos; el coche fue remolcado.",
    ),
    "other": ("He fotografiado los daños.", "He guardado las piezas dañadas."),
}

DISTRACTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("fire", "No hubo ningún incendio.", ("water", "storm", "theft", "glass", "collision", "other")),
    (
        "storm",
        "El temporal de la semana anterior no había causado daños.",
        ("water", "fire", "theft", "glass", "other"),
    ),
    ("water", "No hubo daños por agua.", ("fire", "theft", "glass", "collision", "other")),
    ("theft", "No se robó nada.", ("water", "fire", "storm", "glass", "other")),
    ("glass", "No se rompió ningún cristal.", ("water", "fire", "other")),
    ("collision", "No había ningún otro vehículo implicado.", ("fire", "storm", "glass", "other")),
)

LETTER: dict[str, tuple[str, ...]] = {
    "intro": (
        "por la presente les comunico un siniestro de mi póliza {policy}.",
        "les escribo para declarar un siniestro relativo a la póliza nº {policy}.",
        "lamento comunicarles un siniestro cubierto por mi contrato {policy}.",
    ),
    "mail_intro": ("Buenos días:", "Hola:", "Estimados señores:"),
    "amount": (
        "Reclamo la cantidad de {amount}.",
        "El importe total de los daños es de {amount}; les ruego su abono.",
        "Mi reclamación asciende en total a {amount}.",
    ),
    "amount_estimate": (
        "Según el presupuesto adjunto, la reparación asciende a {amount}, importe que reclamo.",
    ),
    "excess": (
        "Sé que se descontará una franquicia de {money}.",
        "Conozco la franquicia de {money} de mi póliza.",
    ),
    "new_value": (
        "El {item} se compró el {date} por {money}.",
        "Para su información, el {item} costó {money} ({date}).",
    ),
    "previous": (
        "Mi único siniestro anterior fue en {year} ({money}).",
        "Mi último siniestro fue en {year} ({money}).",
    ),
    "bank": ("Les ruego transfieran el importe a mi cuenta, IBAN {iban}.", "Mis datos bancarios: {iban}."),
    "enclose": ("Les adjunto la documentación.", "Adjunto los justificantes."),
    "split_amount": ("Incluido el presupuesto adjunto, mi reclamación total es de {amount}.",),
    "visit": ("El técnico vino a ver los daños el {date}.",),
}

# How an account introduces the incident date: a relative phrase (a few days before the letter,
# capitalised and inline forms, one chosen by the date) or the plain preposition.
RELATIVE_DATES: tuple[tuple[str, str], ...] = (
    ("El pasado {weekday} ({date})", "el pasado {weekday} ({date})"),
)
DATE_LEAD = "el"

ITEMS: tuple[str, ...] = ("televisor", "sofá", "frigorífico", "colchón", "lavavajillas")
US_REPLACEMENTS: tuple[tuple[str, str], ...] = (("piso", "apartamento"), ("coche", "carro"), ("km/h", "mph"))
