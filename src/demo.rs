//! `rinasce demo-data --count N`: realistic synthetic contributions for
//! demos and benchmarks. Italian titles and texts are assembled from phrase
//! lists of each thematic area and set in real places of the five
//! Quartieri; authors come back (one e-mail, several contributions);
//! statuses are mixed as after weeks of moderation, with publication times
//! for what was published. Rows go in with multi-row `INSERT`s of
//! [`BATCH_ROWS`], one transaction per batch (two connections at a time on
//! PostgreSQL). Addresses use the reserved `example.*` domains, so no demo
//! e-mail can reach anyone.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::{contribution_tags, contributions, tags};
use crate::db::{thematic_areas, Backend, Db, DbConnection, DbError};
use crate::domain::text::search_fold;

/// Rows per `INSERT`: 21 values each stays below PostgreSQL's 65,535
/// parameters and SQLite's 32,766.
pub const BATCH_ROWS: usize = 1_000;

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub count: u64,
    /// The same seed gives the same texts, authors and statuses.
    pub seed: u64,
    /// Contributions arrive between these times, spread over the days.
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
}

impl DemoOptions {
    /// The consultation window when configured, else the last 60 days;
    /// never later than `now`.
    pub fn window(
        count: u64,
        seed: u64,
        opens_at: Option<NaiveDateTime>,
        closes_at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> DemoOptions {
        let to = closes_at.map_or(now, |closes| closes.min(now));
        let from = opens_at.unwrap_or(to - Duration::days(60));
        let (from, to) = if from < to {
            (from, to)
        } else {
            (to - Duration::days(60), to)
        };
        DemoOptions {
            count,
            seed,
            from,
            to,
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = contributions, treat_none_as_default_value = false)]
struct DemoRow {
    id: String,
    channel: &'static str,
    status: &'static str,
    status_reason: Option<&'static str>,
    duplicate_of: Option<String>,
    thematic_area: String,
    title: String,
    body: String,
    search_text: String,
    author_kind: &'static str,
    given_name: Option<&'static str>,
    family_name: Option<&'static str>,
    organization_name: Option<String>,
    email: Option<String>,
    quartiere: Option<i16>,
    contact_consent: bool,
    privacy_notice_accepted: bool,
    received_at: NaiveDateTime,
    published_at: Option<NaiveDateTime>,
    updated_at: NaiveDateTime,
    version: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = contribution_tags)]
struct DemoTag {
    contribution_id: String,
    tag: &'static str,
}

/// SplitMix64: small, fast and reproducible from a seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % n.max(1) as u64) as usize
    }

    /// Uniform in 0–1.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Picks by weight.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total as usize) as u32;
        for (item, weight) in items {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }
}

/// Phrases of one thematic area.
struct AreaPhrases {
    code: &'static str,
    /// Title openings, completed by a place.
    proposals: &'static [&'static str],
    problems: &'static [&'static str],
    actions: &'static [&'static str],
    tags: &'static [&'static str],
}

const AREAS: [AreaPhrases; 9] = [
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
const OTHER_AREA: AreaPhrases = AreaPhrases {
    code: "",
    proposals: &["Una proposta per la città", "Un'idea per ripartire"],
    problems: &["dopo la pandemia la città deve ripensarsi"],
    actions: &["ascoltare di più chi vive e lavora nei quartieri"],
    tags: &["proposte"],
};

/// Places of each Quartiere (1–5), with their preposition.
const PLACES: [&[&str]; 5] = [
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

const CITY_PLACES: &[&str] = &["in tutta la città", "nei quartieri", "a Firenze"];

const CITIZEN_OPENINGS: &[&str] = &[
    "Abito {place} da molti anni e vedo che",
    "Sono madre di due bambini e ogni giorno constato che",
    "Da pensionato che vive {place} posso dire che",
    "Lavoro {place} e tutti i giorni noto che",
    "Da residente mi sembra evidente che",
    "Sono uno studente fuori sede e mi accorgo che",
];

const ORGANIZATION_OPENINGS: &[&str] = &[
    "La nostra associazione opera {place} da anni e i soci ci segnalano che",
    "Come associazione raccogliamo ogni giorno le voci di chi vive {place}:",
    "Nei nostri incontri con i cittadini {place} emerge che",
];

const CITIZEN_REQUESTS: &[&str] = &["Propongo di", "Chiedo al Comune di", "Suggerisco di"];
const ORGANIZATION_REQUESTS: &[&str] = &["Chiediamo di", "Proponiamo di", "Suggeriamo di"];

const CLOSINGS: &[&str] = &[
    "Sarebbe un segnale importante per la ripartenza dopo la pandemia.",
    "Si potrebbe partire con una sperimentazione di sei mesi e poi valutare.",
    "Siamo disponibili a collaborare con il Comune.",
    "Molti vicini la pensano allo stesso modo.",
    "Grazie per l'attenzione e per questa occasione di partecipazione.",
    "",
];

const GIVEN_NAMES: &[&str] = &[
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

const FAMILY_NAMES: &[&str] = &[
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

const CULTURAL_NAMES: &[&str] = &[
    "Associazione culturale Il Ponte",
    "Associazione culturale Oltrarno Viva",
    "Associazione culturale La Rificolona",
    "Circolo musicale Le Piagge",
    "Compagnia teatrale di quartiere",
    "Associazione culturale Lettori Fiorentini",
];

const TRADE_NAMES: &[&str] = &[
    "Associazione commercianti del quartiere",
    "Associazione artigiani fiorentini",
    "Associazione esercenti pubblici",
    "Consorzio botteghe del centro",
];

const OTHER_NAMES: &[&str] = &[
    "Comitato di cittadini",
    "Cooperativa sociale Il Girasole",
    "Rete dei genitori delle scuole",
    "Gruppo di volontariato Insieme",
];

const REJECTION_REASONS: &[&str] = &[
    "Il contributo non riguarda le competenze del Comune.",
    "Il testo contiene espressioni offensive.",
    "La proposta è già stata realizzata.",
];

const HIDING_REASONS: &[&str] = &[
    "Segnalato per dati personali di terzi nel testo.",
    "Nascosto su richiesta dell'autore.",
];

#[derive(Clone, Copy)]
enum Kind {
    Citizen,
    Cultural,
    Trade,
    Other,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Citizen => "citizen",
            Kind::Cultural => "cultural_association",
            Kind::Trade => "trade_association",
            Kind::Other => "other_organization",
        }
    }
}

/// One author: derived from its number, so that the same number always
/// gives the same person (and the same e-mail) without keeping a list.
struct Author {
    kind: Kind,
    given_name: &'static str,
    family_name: &'static str,
    organization_name: Option<String>,
    email: String,
    quartiere: Option<i16>,
}

fn author(seed: u64, number: u64) -> Author {
    let mut random = Random(seed ^ number.wrapping_mul(0xA24B_AED4_963E_E407));
    let kind = random.weighted(&[
        (Kind::Citizen, 78),
        (Kind::Cultural, 9),
        (Kind::Trade, 7),
        (Kind::Other, 6),
    ]);
    let given_name = *random.pick(GIVEN_NAMES);
    let family_name = *random.pick(FAMILY_NAMES);
    let quartiere = random.chance(0.85).then(|| random.below(5) as i16 + 1);
    let organization_name = match kind {
        Kind::Citizen => None,
        Kind::Cultural => Some(random.pick(CULTURAL_NAMES).to_string()),
        Kind::Trade => Some(random.pick(TRADE_NAMES).to_string()),
        Kind::Other => Some(random.pick(OTHER_NAMES).to_string()),
    }
    .map(|name| match quartiere {
        Some(q) => format!("{name} – Quartiere {q}"),
        None => name,
    });
    let local: String = format!("{given_name}.{family_name}")
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'à' | 'á' => Some('a'),
            'è' | 'é' => Some('e'),
            'ì' => Some('i'),
            'ò' => Some('o'),
            'ù' => Some('u'),
            c if c.is_ascii_alphanumeric() || c == '.' => Some(c),
            _ => None,
        })
        .collect();
    let domain = random.pick(&["example.org", "example.com", "example.net"]);
    Author {
        kind,
        given_name,
        family_name,
        organization_name,
        email: format!("{local}.{number}@{domain}"),
        quartiere,
    }
}

/// What `generate` did.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub inserted: u64,
    pub authors: u64,
}

/// Inserts `options.count` contributions; `progress` is called after each batch.
pub fn generate(
    db: &Db,
    options: &DemoOptions,
    progress: impl FnMut(u64) + Send,
) -> Result<DemoSummary, DbError> {
    let areas: Vec<String> = db
        .read_blocking(|conn| thematic_areas::list(conn, true))?
        .into_iter()
        .map(|area| area.code)
        .collect();
    if areas.is_empty() {
        return Ok(DemoSummary::default());
    }
    let tag_names: Vec<&'static str> = AREAS
        .iter()
        .flat_map(|a| a.tags.iter().copied())
        .chain(OTHER_AREA.tags.iter().copied())
        .collect();
    let now = options.to;
    db.write_blocking(|conn| ensure_tags(conn, &tag_names, now))?;

    // Each author writes about 2.5 contributions on average, a few many more.
    let authors = (options.count * 2 / 5).max(1);
    // One thread writes the texts while others insert them: on PostgreSQL
    // two connections, so that the server uses both cores; SQLite has one
    // writer at a time anyway.
    let inserters = match db.backend() {
        Backend::Postgres => 2,
        Backend::Sqlite => 1,
    };
    let (batches, ready) = std::sync::mpsc::sync_channel::<Batch>(inserters + 1);
    let ready = Mutex::new(ready);
    let inserted = AtomicU64::new(0);
    let failed = AtomicBool::new(false);
    let progress = Mutex::new(progress);
    let outcome = std::thread::scope(|scope| {
        scope.spawn(|| make_batches(options, &areas, authors, batches, &failed));
        let workers: Vec<_> = (0..inserters)
            .map(|_| {
                scope.spawn(|| loop {
                    let next = ready.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok(batch) = next else {
                        return Ok(());
                    };
                    if failed.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                    if let Err(error) = db.write_blocking(|conn| insert_batch(conn, &batch)) {
                        failed.store(true, Ordering::Relaxed);
                        return Err(error);
                    }
                    let done = inserted.fetch_add(batch.rows.len() as u64, Ordering::Relaxed)
                        + batch.rows.len() as u64;
                    (progress.lock().unwrap_or_else(|p| p.into_inner()))(done);
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("an insert thread panicked"))
            .collect::<Result<Vec<()>, DbError>>()
    });
    outcome?;
    Ok(DemoSummary {
        inserted: inserted.into_inner(),
        authors: authors.min(options.count),
    })
}

/// The rows of one `INSERT`, with their tags.
struct Batch {
    rows: Vec<DemoRow>,
    tags: Vec<DemoTag>,
}

/// Generates every batch and sends it to `batches`; stops early when the
/// receiver is gone (an insert failed).
fn make_batches(
    options: &DemoOptions,
    areas: &[String],
    authors: u64,
    batches: std::sync::mpsc::SyncSender<Batch>,
    failed: &AtomicBool,
) {
    let span = (options.to - options.from).num_seconds().max(1);
    let days = (span / 86_400).max(1);
    let mut random = Random(options.seed);
    let mut made = 0u64;
    while made < options.count {
        let size = (options.count - made).min(BATCH_ROWS as u64) as usize;
        let mut rows = Vec::with_capacity(size);
        let mut row_tags = Vec::new();
        // Duplicates point at earlier contributions of the same INSERT: the
        // batches of two connections may commit in either order.
        let mut earlier: Vec<String> = Vec::new();
        for index in 0..size as u64 {
            let position = made + index;
            // Days in order of arrival, times of day mostly in daytime.
            let day = (position as i128 * days as i128 / options.count as i128) as i64;
            let hour = random.weighted(&[
                (8i64, 2),
                (10, 3),
                (13, 2),
                (16, 3),
                (19, 3),
                (21, 2),
                (0, 1),
            ]);
            let offset = day * 86_400 + hour * 3_600 + random.below(3 * 3_600) as i64;
            let received_at = (options.from
                + Duration::seconds(offset.min(span))
                + Duration::microseconds(random.below(1_000_000) as i64))
            .min(options.to);
            let skewed = (random.unit() * random.unit() * authors as f64) as u64;
            let row = contribution(
                &mut random,
                options.seed,
                skewed,
                areas,
                &earlier,
                received_at,
            );
            if matches!(row.status, "approved" | "hidden") && random.chance(0.3) {
                let phrases = phrases_of(&row.thematic_area);
                let first = random.below(phrases.tags.len());
                row_tags.push(DemoTag {
                    contribution_id: row.id.clone(),
                    tag: phrases.tags[first],
                });
                if phrases.tags.len() > 1 && random.chance(0.3) {
                    let second =
                        (first + 1 + random.below(phrases.tags.len() - 1)) % phrases.tags.len();
                    row_tags.push(DemoTag {
                        contribution_id: row.id.clone(),
                        tag: phrases.tags[second],
                    });
                }
            }
            if row.status != "duplicate" && index % 10 == 0 {
                earlier.push(row.id.clone());
            }
            rows.push(row);
        }
        made += size as u64;
        let batch = Batch {
            rows,
            tags: row_tags,
        };
        if failed.load(Ordering::Relaxed) || batches.send(batch).is_err() {
            return;
        }
    }
}

fn phrases_of(area: &str) -> &'static AreaPhrases {
    AREAS.iter().find(|a| a.code == area).unwrap_or(&OTHER_AREA)
}

fn contribution(
    random: &mut Random,
    seed: u64,
    author_number: u64,
    areas: &[String],
    earlier: &[String],
    received_at: NaiveDateTime,
) -> DemoRow {
    let author = author(seed, author_number);
    let area = random.pick(areas).clone();
    let phrases = phrases_of(&area);
    let local_place = author
        .quartiere
        .map(|q| *random.pick(PLACES[q as usize - 1]));
    // Titles may speak of the whole city; who writes lives somewhere.
    let place = match local_place {
        Some(place) if random.chance(0.8) => place,
        _ => *random.pick(CITY_PLACES),
    };
    let home = local_place.unwrap_or("a Firenze");
    let title = format!("{} {place}", random.pick(phrases.proposals));
    let organization = !matches!(author.kind, Kind::Citizen);
    let opening = if organization {
        random.pick(ORGANIZATION_OPENINGS)
    } else {
        random.pick(CITIZEN_OPENINGS)
    }
    .replace("{place}", home);
    let request = if organization {
        random.pick(ORGANIZATION_REQUESTS)
    } else {
        random.pick(CITIZEN_REQUESTS)
    };
    let mut body = format!(
        "{opening} {}. {request} {}.",
        random.pick(phrases.problems),
        random.pick(phrases.actions)
    );
    if random.chance(0.5) {
        body.push_str(&format!(
            "\n\nInoltre, {}: per questo si potrebbe anche {}.",
            random.pick(phrases.problems),
            random.pick(phrases.actions)
        ));
    }
    let closing = random.pick(CLOSINGS);
    if !closing.is_empty() {
        body.push(' ');
        body.push_str(closing);
    }

    let channel = random.weighted(&[("form", 86), ("event", 6), ("email", 5), ("paper", 3)]);
    let mut status = random.weighted(&[
        ("pending", 25),
        ("approved", 50),
        ("rejected", 7),
        ("spam", 5),
        ("duplicate", 7),
        ("hidden", 6),
    ]);
    if status == "duplicate" && earlier.is_empty() {
        status = "pending";
    }
    let status_reason = match status {
        "rejected" => Some(*random.pick(REJECTION_REASONS)),
        "hidden" => Some(*random.pick(HIDING_REASONS)),
        _ => None,
    };
    let duplicate_of = (status == "duplicate").then(|| random.pick(earlier).clone());
    let published_at = matches!(status, "approved" | "hidden")
        .then(|| received_at + Duration::minutes(60 + random.below(72 * 60) as i64));
    let moderated_at = match status {
        "pending" => received_at,
        _ => published_at.unwrap_or(received_at + Duration::hours(24)),
    };
    let email = (channel != "paper" || random.chance(0.4)).then_some(author.email);
    DemoRow {
        id: Uuid::now_v7().to_string(),
        channel,
        status,
        status_reason,
        duplicate_of,
        search_text: search_fold(&format!("{title}\n{body}")),
        thematic_area: area,
        title,
        body,
        author_kind: author.kind.as_str(),
        given_name: Some(author.given_name),
        family_name: Some(author.family_name),
        organization_name: author.organization_name,
        email,
        quartiere: author.quartiere,
        contact_consent: random.chance(0.4),
        privacy_notice_accepted: channel == "form",
        received_at,
        published_at,
        updated_at: moderated_at,
        version: if status == "pending" { 1 } else { 2 },
    }
}

fn ensure_tags(conn: &mut DbConnection, names: &[&str], now: NaiveDateTime) -> Result<(), DbError> {
    let rows: Vec<_> = names
        .iter()
        .map(|name| (tags::name.eq(*name), tags::created_at.eq(now)))
        .collect();
    match conn {
        DbConnection::Pg(pg) => diesel::insert_into(tags::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(tags::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .execute(sqlite)?,
    };
    Ok(())
}

/// One multi-row `INSERT` of contributions and one of their tags. The
/// multi-backend connection has no multi-row insert: the same statement runs
/// on the inner connection. On PostgreSQL the commit does not wait for the
/// disk (`synchronous_commit = off` for this transaction only): a crash
/// could lose the last batches of demo data, never corrupt anything.
fn insert_batch(conn: &mut DbConnection, batch: &Batch) -> Result<(), DbError> {
    match conn {
        DbConnection::Pg(pg) => {
            pg.batch_execute("SET LOCAL synchronous_commit = off")?;
            diesel::insert_into(contributions::table)
                .values(&batch.rows)
                .execute(pg)?;
            if !batch.tags.is_empty() {
                diesel::insert_into(contribution_tags::table)
                    .values(&batch.tags)
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::insert_into(contributions::table)
                .values(&batch.rows)
                .execute(sqlite)?;
            if !batch.tags.is_empty() {
                diesel::insert_into(contribution_tags::table)
                    .values(&batch.tags)
                    .execute(sqlite)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_author_number_is_always_the_same_person() {
        let a = author(7, 42);
        let b = author(7, 42);
        assert_eq!(a.email, b.email);
        assert!(
            a.email.ends_with(".42@example.org")
                || a.email.ends_with(".42@example.com")
                || a.email.ends_with(".42@example.net")
        );
        assert!(a.email.is_ascii());
    }

    #[test]
    fn texts_are_valid_contributions() {
        let mut random = Random(1);
        let areas: Vec<String> = AREAS.iter().map(|a| a.code.to_owned()).collect();
        let now = chrono::Utc::now().naive_utc();
        for n in 0..500 {
            let row = contribution(&mut random, 1, n, &areas, &["x".into()], now);
            let title = crate::domain::ContributionTitle::parse(&row.title).unwrap();
            assert_eq!(title.as_str(), row.title);
            let body = crate::domain::ContributionBody::parse(&row.body).unwrap();
            assert_eq!(body.as_str(), row.body);
            if let Some(email) = &row.email {
                crate::domain::EmailAddress::parse(email).unwrap();
            }
            assert_eq!(
                row.published_at.is_some(),
                matches!(row.status, "approved" | "hidden")
            );
        }
    }

    #[test]
    fn the_window_is_the_consultation_or_the_last_sixty_days() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let default = DemoOptions::window(10, 1, None, None, now);
        assert_eq!(default.to, now);
        assert_eq!(default.from, now - Duration::days(60));
        let opens = now - Duration::days(10);
        let open = DemoOptions::window(10, 1, Some(opens), Some(now + Duration::days(5)), now);
        assert_eq!((open.from, open.to), (opens, now));
    }
}
