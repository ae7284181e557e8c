//! The phrase lists the demo texts and authors are assembled from: data,
//! kept apart from the generator. Titles and texts are in Italian and set in
//! real places of the five Quartieri.

/// Phrases of one thematic area.
pub(super) struct AreaPhrases {
    pub code: &'static str,
    /// Title openings, completed by a place.
    pub proposals: &'static [&'static str],
    pub problems: &'static [&'static str],
    pub actions: &'static [&'static str],
    pub tags: &'static [&'static str],
}

pub(super) const AREAS: [AreaPhrases; 9] = [
    AreaPhrases {
        code: "citta-policentrica",
        proposals: &[
            "Una casa di quartiere",
            "Più servizi comunali vicino a casa",
            "Riaprire lo sportello anagrafe",
            "Un mercato rionale settimanale",
            "Una piazza come centro di vita",
            "Servizi di prossimità",
        ],
        problems: &[
            "per ogni pratica bisogna attraversare mezza città",
            "i servizi sono concentrati in poche zone e i quartieri periferici restano dormitori",
            "mancano luoghi di incontro per chi abita qui",
            "molti negozi di vicinato hanno chiuso durante la pandemia",
        ],
        actions: &[
            "aprire uno sportello polifunzionale con orari anche il sabato mattina",
            "usare gli edifici comunali vuoti come case di quartiere",
            "coinvolgere i consigli di quartiere nelle scelte sui servizi",
            "portare in periferia almeno una parte degli eventi della città",
        ],
        tags: &["servizi-di-prossimita", "case-di-quartiere", "periferie"],
    },
    AreaPhrases {
        code: "centro-storico-nuovo",
        proposals: &[
            "Case in affitto per chi ci abita",
            "Limitare gli affitti brevi",
            "Botteghe artigiane al posto dei souvenir",
            "Meno tavolini e più spazio per i residenti",
            "Un centro storico da riabitare",
            "Negozi di vicinato nel centro",
        ],
        problems: &[
            "gli affitti turistici hanno svuotato interi palazzi",
            "non si trova più un alimentari aperto la sera",
            "le famiglie se ne vanno perché il centro è pensato solo per i turisti",
            "i marciapiedi sono occupati e gli anziani fanno fatica a camminare",
        ],
        actions: &[
            "dare incentivi ai proprietari che affittano a residenti e studenti",
            "riservare i fondi sfitti del Comune alle botteghe artigiane",
            "fissare un tetto agli affitti brevi per ogni edificio",
            "ridurre i permessi per i dehors nelle vie più strette",
        ],
        tags: &["residenza", "affitti-brevi", "commercio"],
    },
    AreaPhrases {
        code: "vivere-spazi-urbani",
        proposals: &[
            "Più panchine e più ombra",
            "Un giardino curato e sicuro",
            "Illuminazione migliore",
            "Fontanelli di acqua potabile",
            "Aree gioco rinnovate",
            "Orti urbani condivisi",
        ],
        problems: &[
            "d'estate non c'è un albero sotto cui sedersi",
            "la sera il giardino è buio e nessuno ci va più",
            "i giochi per bambini sono rotti da mesi",
            "gli spazi verdi sono pochi e mal tenuti",
        ],
        actions: &[
            "piantare alberi e mettere panchine lungo i percorsi più usati",
            "affidare la cura delle aiuole alle associazioni del quartiere",
            "installare luci a basso consumo nei viali del parco",
            "creare orti urbani assegnati a famiglie e scuole",
        ],
        tags: &["verde-pubblico", "sicurezza", "arredo-urbano"],
    },
    AreaPhrases {
        code: "mobilita-green",
        proposals: &[
            "Più piste ciclabili protette",
            "Autobus più frequenti",
            "Rastrelliere sicure per le biciclette",
            "Zona 30",
            "Marciapiedi accessibili",
            "Prolungare la tramvia",
        ],
        problems: &[
            "andare in bicicletta al lavoro è pericoloso per il traffico",
            "l'autobus passa ogni venti minuti e sempre pieno",
            "le auto corrono davanti alla scuola",
            "con il passeggino o la carrozzina i marciapiedi sono impraticabili",
        ],
        actions: &[
            "collegare le piste esistenti con tratti protetti da cordoli",
            "aumentare le corse nelle ore di punta e la sera",
            "istituire il limite dei 30 all'ora nelle strade residenziali",
            "abbassare i marciapiedi agli attraversamenti",
        ],
        tags: &[
            "piste-ciclabili",
            "trasporto-pubblico",
            "pedonalita",
            "zona-30",
        ],
    },
    AreaPhrases {
        code: "sviluppo-economia-cittadina",
        proposals: &[
            "Aiuti ai negozi di vicinato",
            "Spazi di coworking comunali",
            "Sostegno all'artigianato",
            "Meno burocrazia per aprire un'attività",
            "Un mercato dei produttori locali",
            "Lavoro per i giovani",
        ],
        problems: &[
            "dopo i mesi di chiusura molte attività non hanno riaperto",
            "per aprire un laboratorio servono troppi permessi e troppo tempo",
            "i giovani se ne vanno perché non trovano lavoro stabile",
            "le botteghe storiche chiudono una dopo l'altra",
        ],
        actions: &[
            "ridurre per due anni il canone di suolo pubblico ai negozi di vicinato",
            "aprire uno sportello unico per le imprese con risposte in trenta giorni",
            "mettere a disposizione spazi comunali per coworking a prezzi bassi",
            "organizzare un mercato settimanale dei produttori del territorio",
        ],
        tags: &["commercio", "artigianato", "lavoro"],
    },
    AreaPhrases {
        code: "cultura-diffusa",
        proposals: &[
            "Cinema all'aperto nei quartieri",
            "Concerti nelle piazze",
            "Musei aperti la sera",
            "Biblioteche aperte più a lungo",
            "Teatro per ragazzi",
            "Un festival di quartiere",
        ],
        problems: &[
            "la cultura si trova solo nei luoghi simbolo del centro",
            "la biblioteca chiude proprio quando si esce dal lavoro",
            "per i ragazzi non c'è niente da fare la sera",
            "le associazioni culturali non hanno spazi dove provare",
        ],
        actions: &[
            "portare rassegne estive di cinema e musica nei giardini di quartiere",
            "aprire le biblioteche fino alle 22 almeno due sere a settimana",
            "dare in uso gratuito le sale comunali alle associazioni",
            "creare un biglietto unico per musei e teatri per i residenti",
        ],
        tags: &["eventi", "biblioteche", "musei"],
    },
    AreaPhrases {
        code: "bambini-famiglie",
        proposals: &[
            "Più posti negli asili nido",
            "Doposcuola gratuito",
            "Strade scolastiche",
            "Centri estivi accessibili",
            "Spazi per gli adolescenti",
            "Sostegno alle famiglie",
        ],
        problems: &[
            "la lista d'attesa del nido è lunghissima",
            "chi lavora fino a tardi non sa dove lasciare i figli il pomeriggio",
            "all'uscita di scuola le auto in doppia fila sono un pericolo",
            "i centri estivi costano troppo per molte famiglie",
        ],
        actions: &[
            "chiudere al traffico le strade davanti alle scuole negli orari di ingresso e uscita",
            "aprire le scuole il pomeriggio per compiti, sport e laboratori",
            "aumentare i posti al nido con convenzioni e orari flessibili",
            "ridurre le rette dei centri estivi in base al reddito",
        ],
        tags: &["scuola", "infanzia", "adolescenti"],
    },
    AreaPhrases {
        code: "cura-persona",
        proposals: &[
            "Case popolari da ristrutturare",
            "Assistenza agli anziani soli",
            "Uno sportello per il lavoro",
            "Affitti a canone concordato",
            "Presidi sanitari di quartiere",
            "Sostegno psicologico dopo la pandemia",
        ],
        problems: &[
            "tanti alloggi popolari sono vuoti perché da ristrutturare",
            "molti anziani vivono soli e nessuno se ne accorge",
            "trovare una casa in affitto a un prezzo giusto è impossibile",
            "dopo la pandemia tante persone hanno bisogno di ascolto",
        ],
        actions: &[
            "ristrutturare e assegnare in fretta gli alloggi popolari sfitti",
            "creare una rete di volontari e servizi che chiami ogni giorno gli anziani soli",
            "aprire uno sportello di orientamento al lavoro in ogni quartiere",
            "offrire colloqui gratuiti con psicologi nei presidi sanitari",
        ],
        tags: &["casa", "anziani", "welfare", "salute"],
    },
    AreaPhrases {
        code: "citta-intelligente",
        proposals: &[
            "Wi-Fi gratuito nelle piazze",
            "Pratiche comunali tutte online",
            "Dati aperti sui servizi",
            "Prenotare gli uffici da casa",
            "Un'app per segnalare i guasti",
            "Corsi di informatica per anziani",
        ],
        problems: &[
            "per un certificato si perde ancora una mattinata in fila",
            "non si sa mai quando passa l'autobus o quando apre un ufficio",
            "molti anziani non riescono a usare i servizi digitali",
            "le segnalazioni di buche e lampioni spenti si perdono",
        ],
        actions: &[
            "rendere prenotabili online tutti gli sportelli con conferma per SMS",
            "pubblicare in formato aperto i dati su trasporti, servizi e bilancio",
            "organizzare corsi gratuiti di informatica nelle biblioteche",
            "creare un'unica app per segnalazioni con risposta tracciabile",
        ],
        tags: &["servizi-digitali", "dati-aperti", "inclusione-digitale"],
    },
];

/// Generic phrases for areas added by admins.
pub(super) const OTHER_AREA: AreaPhrases = AreaPhrases {
    code: "",
    proposals: &["Una proposta per la città", "Un'idea per ripartire"],
    problems: &["dopo la pandemia la città deve ripensarsi"],
    actions: &["ascoltare di più chi vive e lavora nei quartieri"],
    tags: &["proposte"],
};

/// Places of each Quartiere (1–5), with their preposition.
pub(super) const PLACES: [&[&str]; 5] = [
    &[
        "in piazza Santo Spirito",
        "a San Frediano",
        "in Santa Croce",
        "a Sant'Ambrogio",
        "a San Lorenzo",
        "in piazza Tasso",
        "in Oltrarno",
        "in via dei Serragli",
    ],
    &[
        "a Campo di Marte",
        "a Coverciano",
        "in viale dei Mille",
        "a Varlungo",
        "a Rovezzano",
        "alle Cure",
        "in piazza Alberti",
    ],
    &[
        "a Gavinana",
        "al Galluzzo",
        "in viale Europa",
        "a Sorgane",
        "al Bandino",
        "a Ricorboli",
    ],
    &[
        "all'Isolotto",
        "a Legnaia",
        "a Monticelli",
        "al Pignone",
        "a Soffiano",
        "in via Pisana",
    ],
    &[
        "a Rifredi",
        "a Novoli",
        "a Careggi",
        "alle Piagge",
        "a Brozzi",
        "a Peretola",
        "al Romito",
        "in piazza Dalmazia",
    ],
];

pub(super) const CITY_PLACES: &[&str] = &["in tutta la città", "nei quartieri", "a Firenze"];

/// Meetings of a quartiere, `{q}` its number, where contributions of the
/// channel `event` were handed in.
pub(super) const QUARTIERE_MEETINGS: &[&str] = &[
    "Assemblea pubblica del Quartiere {q}",
    "Consiglio aperto del Quartiere {q}",
    "Laboratorio «Rinasce Firenze» nel Quartiere {q}",
];
/// Meetings of the whole city.
pub(super) const CITY_MEETINGS: &[&str] = &[
    "Incontro cittadino «Rinasce Firenze» a Palazzo Vecchio",
    "Tavolo delle associazioni alle Murate",
];

pub(super) const CITIZEN_OPENINGS: &[&str] = &[
    "Abito {place} da molti anni e vedo che",
    "Sono madre di due bambini e ogni giorno constato che",
    "Da pensionato che vive {place} posso dire che",
    "Lavoro {place} e tutti i giorni noto che",
    "Da residente mi sembra evidente che",
    "Sono uno studente fuori sede e mi accorgo che",
];

pub(super) const ORGANIZATION_OPENINGS: &[&str] = &[
    "La nostra associazione opera {place} da anni e i soci ci segnalano che",
    "Come associazione raccogliamo ogni giorno le voci di chi vive {place}:",
    "Nei nostri incontri con i cittadini {place} emerge che",
];

pub(super) const CITIZEN_REQUESTS: &[&str] =
    &["Propongo di", "Chiedo al Comune di", "Suggerisco di"];
pub(super) const ORGANIZATION_REQUESTS: &[&str] =
    &["Chiediamo di", "Proponiamo di", "Suggeriamo di"];

pub(super) const CLOSINGS: &[&str] = &[
    "Sarebbe un segnale importante per la ripartenza dopo la pandemia.",
    "Si potrebbe partire con una sperimentazione di sei mesi e poi valutare.",
    "Siamo disponibili a collaborare con il Comune.",
    "Molti vicini la pensano allo stesso modo.",
    "Grazie per l'attenzione e per questa occasione di partecipazione.",
    "",
];

pub(super) const GIVEN_NAMES: &[&str] = &[
    "Maria",
    "Giulia",
    "Francesca",
    "Chiara",
    "Sara",
    "Anna",
    "Elena",
    "Laura",
    "Martina",
    "Alessandra",
    "Silvia",
    "Paola",
    "Lucia",
    "Giovanna",
    "Federica",
    "Marco",
    "Luca",
    "Giovanni",
    "Andrea",
    "Francesco",
    "Alessandro",
    "Matteo",
    "Lorenzo",
    "Stefano",
    "Paolo",
    "Simone",
    "Roberto",
    "Davide",
    "Filippo",
    "Tommaso",
    "Niccolò",
    "Jacopo",
];

pub(super) const FAMILY_NAMES: &[&str] = &[
    "Rossi",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "Bartolini",
    "Innocenti",
    "Cecchi",
    "Bini",
    "Fabbri",
    "Bartoli",
    "Baldini",
    "Nocentini",
    "Paoli",
    "Salvadori",
    "Tognetti",
    "Del Bene",
];

pub(super) const CULTURAL_NAMES: &[&str] = &[
    "Associazione culturale Il Ponte",
    "Associazione culturale Oltrarno Viva",
    "Associazione culturale La Rificolona",
    "Circolo musicale Le Piagge",
    "Compagnia teatrale di quartiere",
    "Associazione culturale Lettori Fiorentini",
];

pub(super) const TRADE_NAMES: &[&str] = &[
    "Associazione commercianti del quartiere",
    "Associazione artigiani fiorentini",
    "Associazione esercenti pubblici",
    "Consorzio botteghe del centro",
];

pub(super) const OTHER_NAMES: &[&str] = &[
    "Comitato di cittadini",
    "Cooperativa sociale Il Girasole",
    "Rete dei genitori delle scuole",
    "Gruppo di volontariato Insieme",
];

pub(super) const REJECTION_REASONS: &[&str] = &[
    "Il contributo non riguarda le competenze del Comune.",
    "Il testo contiene espressioni offensive.",
    "La proposta è già stata realizzata.",
];

pub(super) const HIDING_REASONS: &[&str] = &[
    "Segnalato per dati personali di terzi nel testo.",
    "Nascosto su richiesta dell'autore.",
];

/// The phrases of `area`, or the generic ones for an area added by admins.
pub(super) fn phrases_of(area: &str) -> &'static AreaPhrases {
    AREAS.iter().find(|a| a.code == area).unwrap_or(&OTHER_AREA)
}
