"""Spanish accounts of losses and letter phrases of bank "b" (same shape as its English ones).

``{On_date}`` becomes "El 3 de abril de 2025", ``{on_date}`` "el 3 de abril de 2025" and
``{date}`` the date alone ("la noche del {date}"). Floors are "planta", never "piso", so that
the US replacement of "piso" (flat) by "apartamento" keeps its meaning.
"""

from __future__ import annotations

SCENARIOS: dict[str, tuple[str, ...]] = {
    "water@home": (
        "Se detectaron {on_date} grandes manchas de humedad y el desprendimiento parcial del techo de la "
        "cocina. El origen estaba en el piso de arriba, donde una bañera se había desbordado durante un buen "
        "rato. Han resultado dañados el yeso del techo, las lámparas y un aparador que había debajo.",
        "Estábamos esquiando y la calefacción estaba al mínimo. Con la ola de frío se congeló y reventó la "
        "tubería del grifo exterior dentro de la pared del garaje, y al descongelarse el agua salió sin "
        "parar. Un vecino vio agua saliendo por debajo de la puerta del garaje {on_date} y me llamó. Todo lo "
        "que había en el suelo está empapado y el tabique de pladur hay que tirarlo si o si.",
        "Falló la junta del plato de ducha. El agua llevaba semanas filtrándose al techo del comedor de "
        "abajo y {on_date} se cayó un trozo. Hay que cambiar azulejos, techo y alfombra.",
        "La noche del {date} el termo eléctrico del lavadero se rajó por una soldadura. Por la mañana la "
        "moqueta del rellano y el dormitorio de al lado estaban empapados y el agua había bajado por la "
        "pared de la escalera.",
        "{On_date} mi hijo se enganchó con el pie en la llave del radiador de su habitación y la partió. El "
        "agua caliente de la calefacción salió a chorro hasta que pude cerrar y vaciar la instalación; la "
        "tarima y el techo de la habitación de abajo están calados.",
    ),
    "fire@home": (
        "Una vela olvidada en el alféizar prendió las cortinas del salón {on_date}. El fuego alcanzó el "
        "marco de la ventana y el sofá antes de que mi marido lo apagara con el extintor. La habitación "
        "está negra de hollín y todo huele a humo.",
        "{On_date}, hacia las siete de la tarde, la batería de nuestra bicicleta eléctrica, que estaba "
        "cargando en la entrada, se recalentó y ardió. La entrada, la puerta y la escalera están muy "
        "quemadas y el humo ha ennegrecido toda la planta de arriba.",
        "En la tarde-noche del {date} se produjo un incendio de chimenea en la vivienda asegurada. El hollín "
        "en llamas prendió una viga junto al conducto y los bomberos tuvieron que levantar parte del tejado "
        "para sofocarlo. Deben repararse la estructura de cubierta, el aislamiento y el suelo del desván.",
        "Muebles de cocina carbonizados, un microondas derretido y humo por toda la planta baja: eso dejó el "
        "fuego que empezó en nuestra tostadora {on_date}. Pasó por la mañana, mientras arreglábamos a los "
        "niños arriba.",
    ),
    "storm@home": (
        "El peso de la nieve, tras dos días nevando sin parar, hundió {on_date} el techo de nuestro "
        "aparcamiento cubierto. Cedieron las placas y dos postes de madera, y los muebles de jardín "
        "guardados debajo quedaron aplastados.",
        "{On_date} el viento huracanado levantó la lámina impermeable de la cubierta plana de nuestra "
        "ampliación y arrancó la mitad. Después la lluvia entró directamente; el techo y el suelo laminado "
        "de la ampliación están dañados.",
        "Durante la tormenta de la noche del {date} el alcantarillado de nuestra calle no dio abasto y el "
        "agua de lluvia entró por el tragaluz del sótano. Llegó a haber unos 20 cm de agua; el arcón "
        "congelador, el control de la caldera y todo lo almacenado se han perdido.",
        "Cayó granizo del tamaño de pelotas de golf en {place} {on_date}. El techo del porche acristalado "
        "quedó perforado en varios puntos y cuatro placas solares del tejado están agrietadas.",
    ),
    "theft@home": (
        "{On_date} dos hombres que dijeron ser de la compañía del agua consiguieron entrar en mi casa. "
        "Mientras uno me entretenía en la cocina, el otro subió a las habitaciones. Cuando se fueron me "
        "faltaban el joyero, dinero en efectivo y la tableta.",
        "La noche del {date} forzaron la caseta del jardín arrancando el cierre del candado. Se llevaron dos "
        "bicicletas de montaña, un cortacésped de gasolina, una desbrozadora y un maletín de herramientas "
        "eléctricas.",
        "Alguien intentó forzar la puerta trasera {on_date} mientras dormíamos. Saltó la alarma y huyeron; "
        "en principio no se llevaron nada, pero la puerta, el marco y la cerradura de seguridad están "
        "destrozados y la puerta no cierra bien.",
        "{On_date} entraron en los trasteros de nuestra comunidad. Cortaron el candado del nuestro y se "
        "llevaron, entre otras cosas, cuatro neumáticos de invierno con llantas, un carrito de bebé y el "
        "material de acampada.",
    ),
    "glass@home": (
        "{On_date} vimos una grieta larga que cruza en diagonal el cristal interior del ventanal orientado "
        "al sur del salón. Nadie lo golpeó; según el carpintero es una rotura por tensión térmica y hay que "
        "cambiar el vidrio.",
        "Estaba pintando los marcos de las ventanas de la primera planta {on_date} cuando la escalera "
        "resbaló y su extremo atravesó la ventana del rellano. El cristal está completamente roto.",
        "La barandilla de cristal de nuestro balcón se agrietó {on_date} cuando se le cayó encima una "
        "jardinera pesada que estábamos moviendo. El vidrio laminado aguanta, pero está partido de arriba "
        "abajo y ya no es seguro.",
        "Mientras se precalentaba el horno {on_date}, estalló el cristal interior de la puerta. Había trozos "
        "por todas partes, pero por suerte no había nadie en la cocina.",
    ),
    "other@home": (
        "Nuestro perro, recién adoptado en la protectora y solo en casa por primera vez {on_date}, mordió el "
        "marco de la puerta del salón, destrozó dos cojines del sofá y arañó la tarima de la entrada hasta "
        "dejar la madera al aire.",
        "{On_date}, subiendo la escalera con un bote de pintura, tropecé y los 5 litros se derramaron sobre "
        "la moqueta del rellano y la alfombra de la escalera. Es esmalte sintético y la empresa de limpieza "
        "dice que la moqueta no tiene arreglo.",
        "Unas ratas entraron en el desván por un hueco del alero. Cuando vino el electricista {on_date} "
        "porque la mitad de las luces no funcionaban, encontró cables roídos en varios puntos y el "
        "aislamiento sucio. Hay que rehacer toda la instalación del desván.",
        "Tras la fiesta de nuestro hijo {on_date} vimos que algunos invitados habían pintado con rotulador "
        "permanente las paredes del pasillo y arrancado el toallero del baño; el papel pintado de la entrada "
        "también está rasgado.",
    ),
    "collision@home": (
        "Un coche que bajaba por nuestra calle a demasiada velocidad perdió el control {on_date}, subió a la "
        "acera y acabó en nuestro jardín delantero. Derribó unos cuatro metros de muro y el pilar de la "
        "cancela y aplastó el seto.",
        "{On_date} el camión de la basura, al dar marcha atrás por nuestra calle estrecha, rozó la esquina "
        "de la casa. Están dañados el canalón, la bajante y la esquina del muro, y ahora sube una grieta "
        "desde el alféizar.",
        "El coche de mi vecino se fue cuesta abajo por su entrada {on_date} —asegura que tenía el freno de "
        "mano echado— y se estampó contra la puerta de nuestro garaje. La puerta está doblada y el motor no "
        "funciona.",
    ),
    "collision@motor": (
        "{On_date} ya estaba dentro de la rotonda de {place} cuando una furgoneta entró por el siguiente "
        "acceso sin ceder el paso y golpeó mi {car} ({plate}) en la puerta del conductor. Puerta, aleta "
        "delantera y retrovisor dañados; el conductor de la furgoneta reconoció su culpa allí mismo.",
        "Al incorporarme a la autovía cerca de {place} {on_date}, un camión que cambió de carril me dio un "
        "golpe lateral. Todo el lado del acompañante de mi {car} está rayado y abollado y la puerta trasera "
        "no abre.",
        "Al volver al aparcamiento subterráneo de {place} {on_date} encontré el paragolpes trasero de mi "
        "{car} ({plate}) hundido y con pintura de otro coche. El responsable se marchó sin dejar nota. He "
        "pedido las grabaciones de las cámaras.",
        "Un ciclista salió de una calle lateral sin detenerse {on_date} y no pude esquivarlo. Pasó por "
        "encima del capó; por suerte solo tiene magulladuras. El capó, el parabrisas y la calandra de mi "
        "{car} están dañados.",
        "Vehículo {plate}: derrape por placa de hielo en carretera comarcal cerca de {place} {on_date} e "
        "impacto contra el guardarraíl. Daños en paragolpes delantero, faro derecho y suspensión.",
    ),
    "glass@motor": (
        "Tras una noche de helada, {on_date} puse la calefacción al máximo para desempañar el parabrisas de "
        "mi {car} y oí un chasquido: una grieta va desde el borde hasta el centro. En el taller de lunas "
        "dicen que hay que cambiarlo.",
        "La luna trasera de mi {car} ({plate}) estalló {on_date} al cerrar el portón. Hay cristales por todo "
        "el maletero y la resistencia térmica está destrozada.",
        "{On_date} la ventanilla del conductor de mi {car} reventó mientras la subía en una gasolinera de "
        "{place}; el técnico cree que se atascó el elevalunas.",
        "Una pelota de golf del campo que hay junto a la carretera cerca de {place} impactó en el parabrisas "
        "de mi {car} {on_date} y dejó una rotura en forma de estrella justo delante del conductor.",
    ),
    "theft@motor": (
        "La noche del {date} robaron el catalizador de mi {car} ({plate}), aparcado delante de casa. No me "
        "di cuenta hasta la mañana, al arrancar, por el ruido ensordecedor.",
        "Mi {car} ({plate}) desapareció de nuestra entrada de madrugada, el {date}. Las dos llaves estaban "
        "dentro de casa; la policía cree que clonaron la señal de la llave inteligente. La cámara del timbre "
        "muestra a dos hombres, y en menos de un minuto el coche ya no estaba.",
        "{On_date} encontré mi {car} en {place} sobre unos ladrillos: le habían robado las cuatro ruedas. Al "
        "bajarlo se dañaron los discos de freno.",
    ),
    "fire@motor": (
        "La noche del {date} mi {car}, aparcado delante de casa, se incendió. Un vecino dio el aviso; los "
        "bomberos sospechan de un fallo eléctrico detrás del salpicadero. El interior está completamente "
        "calcinado.",
        "{On_date} alguien prendió fuego a un contenedor en {place} junto al que estaba aparcado mi {car}, y "
        "las llamas pasaron al coche. El paragolpes y los faros se han derretido y la pintura del capó tiene "
        "ampollas.",
        "En la autopista cerca de {place}, {on_date}, se encendió el testigo del motor y poco después "
        "salieron llamas del paso de rueda delantero. El conductor paró en el arcén y salió; después el "
        "vehículo ardió por completo.",
    ),
    "storm@motor": (
        "Nos pilló una granizada repentina en la autovía cerca de {place} {on_date}, sin sitio para parar. "
        "El techo, el capó y el maletero de mi {car} ({plate}) están llenos de bollos.",
        "Con el temporal del {date}, unas tejas del edificio de al lado cayeron sobre mi {car}, que estaba "
        "aparcado en la calle. El techo y el parabrisas están dañados.",
        "La lluvia torrencial de la tormenta del {date} inundó el paso subterráneo en mi camino de vuelta "
        "desde {place}; el agua superó los bajos de mi {car}, el motor se caló y ya no arrancó. En el taller "
        "dicen que ha entrado agua en el motor.",
    ),
    "other@motor": (
        "La noche del {date} pincharon las cuatro ruedas de mi {car}, aparcado en {place}, y doblaron los "
        "limpiaparabrisas.",
        "{On_date} puse gasolina en mi {car}, que es diésel, en una gasolinera de {place}. A los pocos "
        "kilómetros empezó a fallar; hay que limpiar el depósito, los conductos y los inyectores y cambiar "
        "algunas piezas.",
        "Mientras mi {car} estaba aparcado junto a una obra en {place} {on_date}, le cayó encima mortero "
        "proyectado desde el andamio. Todo el lateral izquierdo y el techo tienen salpicaduras de cemento "
        "que no salen al lavarlo.",
    ),
}

# By peril, or by peril and kind of thing insured where the sentence only fits one of them.
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "water": (
        "Un fontanero de urgencias cortó el agua y la fuga ya está reparada.",
        "Desde entonces tenemos deshumidificadores funcionando.",
        "Las habitaciones afectadas no se pueden usar hasta que se sequen.",
    ),
    "fire": (
        "Intervinieron los bomberos, que pueden confirmar lo ocurrido.",
        "Estamos en casa de unos familiares hasta que se quite el olor a humo.",
    ),
    "fire@motor": (
        "Intervinieron los bomberos, que pueden confirmar lo ocurrido.",
        "Lo que queda del coche está en un desguace.",
    ),
    "storm": (
        "También se vieron afectadas otras casas de la calle.",
        "Un operario ha tapado el daño con una lona de momento.",
    ),
    "storm@motor": (
        "Varios coches de la zona sufrieron los mismos daños.",
        "El coche se puede conducir, pero los daños se ven a simple vista.",
    ),
    "theft": (
        "La denuncia se presentó ese mismo día.",
        "Desde entonces hemos puesto cerrojos adicionales y una alarma.",
    ),
    "theft@motor": (
        "La denuncia se presentó ese mismo día.",
        "Conservo las dos llaves y se las puedo enviar.",
    ),
    "glass": ("El hueco está protegido hasta que se coloque el cristal nuevo.", "Nadie se hizo daño."),
    "glass@motor": ("Ya tengo cita para cambiar la luna.", "Por seguridad no he vuelto a usar el coche."),
    "collision": (
        "El coche está en el taller de chapa esperando su autorización.",
        "Por suerte nadie resultó herido de gravedad.",
        "Hice fotos de los daños en el momento.",
    ),
    "collision@home": (
        "El conductor se paró y nos dio los datos de su seguro.",
        "No hubo que lamentar heridos.",
    ),
    "other": (
        "Pueden enviar un perito cuando lo consideren.",
        "Estoy pidiendo presupuestos para la reparación.",
    ),
    "other@motor": (
        "El coche está en el taller a la espera de su visto bueno.",
        "Pueden enviar un perito cuando lo consideren.",
    ),
}

# (peril mentioned, sentence, damages of claims it may appear in); the last one speaks of the
# insured car and is left out of accounts about homes.
DISTRACTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "fire",
        "En ningún momento hubo fuego ni humo.",
        ("water", "storm", "theft", "glass", "collision", "other"),
    ),
    ("water", "No entró nada de agua.", ("fire", "theft", "glass", "collision", "other")),
    ("theft", "Por lo que he visto, no falta nada.", ("water", "fire", "storm", "glass", "other")),
    ("storm", "Ese día hacía un tiempo tranquilo y seco.", ("fire", "theft", "glass", "other")),
    (
        "storm",
        "No tiene nada que ver con el temporal de principios de mes.",
        ("water", "fire", "theft", "glass", "collision", "other"),
    ),
    ("glass", "No se rompió ni una sola ventana.", ("water", "other")),
    (
        "collision",
        "No hubo ningún accidente; el coche no chocó con nada.",
        ("fire", "storm", "glass", "other"),
    ),
)

LETTER: dict[str, tuple[str, ...]] = {
    "intro": (
        "soy titular de la póliza {policy} con ustedes y necesito dar parte de un siniestro.",
        "me pongo en contacto con ustedes en relación con un daño cubierto por mi contrato nº {policy}.",
        "la presente se refiere a un siniestro amparado por mi póliza {policy}.",
        "tal como hablamos por teléfono, les detallo el siniestro de mi póliza {policy}.",
    ),
    "mail_intro": ("Buenas tardes:", "Hola, buenos días:", "A la atención de siniestros:", "Estimados/as:"),
    "amount": (
        "Solicito una indemnización de {amount}.",
        "En total los daños ascienden a {amount}, cantidad que les pido que me abonen.",
        "Calculo que arreglarlo todo costará {amount} y reclamo dicho importe.",
        "Les ruego me indemnicen con {amount} por reparaciones y reposiciones.",
        "{amount}: esa es la cantidad que reclamo.",
    ),
    "amount_estimate": (
        "Según el presupuesto que adjunto, la obra cuesta {amount}; esa es la cuantía de mi reclamación.",
        "Como se ve en el presupuesto adjunto, la reparación sale por {amount}, que reclamo.",
    ),
    "excess": (
        "Sé que los primeros {money} corren de mi cuenta.",
        "Les ruego descuenten la franquicia de {money} del pago.",
    ),
    "new_value": (
        "El {item} lo compré el {date} por {money}.",
        "Como referencia: {item}, adquirido el {date}, {money}.",
    ),
    "previous": (
        "Salvo un siniestro en {year} ({money}), nunca he dado parte.",
        "Historial: {year}, {money}.",
    ),
    "bank": ("El pago puede hacerse en la cuenta {iban}.", "Cuenta para el abono: {iban}."),
    "enclose": (
        "Adjunto fotos y documentos.",
        "Les envío lo que tengo por ahora.",
        "Acompaño la documentación acreditativa.",
    ),
    "split_amount": (
        "Con el presupuesto adjunto, reclamo en total {amount}.",
        "Presupuesto incluido, la cantidad total que reclamo es {amount}.",
    ),
    "visit": ("Un operario revisó los daños el {date}.", "La visita de inspección fue el {date}."),
}

# How an account introduces the incident date: a relative phrase (a few days before the letter,
# capitalised and inline forms, one chosen by the date) or the plain preposition.
RELATIVE_DATES: tuple[tuple[str, str], ...] = (
    ("Este pasado {weekday} ({date})", "este pasado {weekday} ({date})"),
    ("Este último {weekday} ({date})", "este último {weekday} ({date})"),
)
DATE_LEAD = "el"

ITEMS: tuple[str, ...] = ("horno", "sillón", "escritorio", "microondas", "congelador", "aspirador")
# Longer phrases first: each pair is applied in order to the whole text.
US_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("piso de arriba", "apartamento de arriba"),
    ("coche", "carro"),
    ("aparcamiento subterráneo", "estacionamiento subterráneo"),
    ("aparcamiento cubierto", "cochera"),
    ("aparcado", "estacionado"),
    ("autovía", "autopista"),
    ("maletero", "cajuela"),
    ("furgoneta", "camioneta"),
    ("rotonda", "glorieta"),
    ("20 cm", "8 pulgadas"),
    ("cortacésped", "podadora"),
    ("pladur", "tablaroca"),
    ("arcén", "acotamiento"),
    ("Nos pilló", "Nos agarró"),
    ("bollos", "abolladuras"),
    ("termo eléctrico", "calentador de agua"),
    ("grifo exterior", "llave exterior"),
)
