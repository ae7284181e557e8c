//! The columns of the research exports and their codebook, in Italian: one
//! table that the CSV header, the XLSX `dizionario` sheet and the Frictionless
//! Data Package descriptor are all written from, so they cannot disagree.

use crate::domain::Quartiere;

/// The Table Schema type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Date,
    Datetime,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
        }
    }
}

/// Which values a column takes.
#[derive(Clone, Copy, Debug)]
pub enum Values {
    /// Free text.
    Text,
    /// A closed list of codes with their Italian meaning.
    Codes(&'static [(&'static str, &'static str)]),
    /// The codes of the thematic areas, read from the database.
    Areas,
    /// The five Quartieri (1–5).
    Quartieri,
    /// Text matching a regular expression.
    Pattern(&'static str),
    /// A calendar date, `YYYY-MM-DD`.
    Day,
    /// An RFC 3339 time in UTC.
    Time,
    /// An RFC 3339 time in Europe/Rome, with its offset.
    RomeTime,
}

#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    pub field_type: FieldType,
    /// The Table Schema format of a string (`uuid`), if any.
    pub format: Option<&'static str>,
    /// Short Italian label.
    pub title: &'static str,
    /// What the column means, in Italian.
    pub description: &'static str,
    pub required: bool,
    pub values: Values,
}

const STATUS_MEANINGS: &[(&str, &str)] = &[
    ("pending", "in attesa di revisione"),
    ("approved", "approvato e pubblicato"),
    ("rejected", "respinto dalla moderazione"),
    ("spam", "spam"),
    ("duplicate", "duplicato di un altro contributo"),
    ("hidden", "nascosto dopo la pubblicazione"),
];

const CHANNEL_MEANINGS: &[(&str, &str)] = &[
    ("form", "modulo online della Rete Civica"),
    ("event", "raccolto durante un incontro pubblico"),
    ("email", "ricevuto per posta elettronica"),
    ("paper", "ricevuto su carta"),
];

const AUTHOR_KIND_MEANINGS: &[(&str, &str)] = &[
    ("citizen", "cittadina o cittadino"),
    ("cultural_association", "associazione culturale"),
    ("trade_association", "associazione di categoria"),
    ("other_organization", "altra organizzazione"),
];

/// The columns of every export, in order.
pub const COLUMNS: [Column; 22] = [
    Column {
        name: "id",
        field_type: FieldType::String,
        format: Some("uuid"),
        title: "Identificativo",
        description: "Identificativo univoco e permanente del contributo (UUID).",
        required: true,
        values: Values::Text,
    },
    Column {
        name: "reference",
        field_type: FieldType::String,
        format: None,
        title: "Codice di ricevuta",
        description: "Codice comunicato a chi ha inviato il contributo, progressivo in ordine di registrazione (es. RF-000042).",
        required: true,
        values: Values::Pattern("RF-[0-9]{6,}"),
    },
    Column {
        name: "received_at",
        field_type: FieldType::Datetime,
        format: None,
        title: "Ricevuto il",
        description: "Data e ora di ricezione, in UTC; la stessa in ora italiana è in received_at_rome.",
        required: true,
        values: Values::Time,
    },
    Column {
        name: "channel",
        field_type: FieldType::String,
        format: None,
        title: "Canale",
        description: "Come il contributo è arrivato al Comune; solo il modulo online (form) conta per l'indicatore del PEG.",
        required: true,
        values: Values::Codes(CHANNEL_MEANINGS),
    },
    Column {
        name: "thematic_area",
        field_type: FieldType::String,
        format: None,
        title: "Area tematica (codice)",
        description: "Codice dell'area tematica del documento «Rinasce Firenze» a cui il contributo si riferisce.",
        required: true,
        values: Values::Areas,
    },
    Column {
        name: "thematic_area_name",
        field_type: FieldType::String,
        format: None,
        title: "Area tematica",
        description: "Nome dell'area tematica al momento dell'esportazione.",
        required: true,
        values: Values::Text,
    },
    Column {
        name: "title",
        field_type: FieldType::String,
        format: None,
        title: "Titolo",
        description: "Titolo del contributo, come scritto dall'autore (5–150 caratteri).",
        required: true,
        values: Values::Text,
    },
    Column {
        name: "body",
        field_type: FieldType::String,
        format: None,
        title: "Testo",
        description: "Testo del contributo, come scritto dall'autore (20–5000 caratteri; può contenere a capo).",
        required: true,
        values: Values::Text,
    },
    Column {
        name: "status",
        field_type: FieldType::String,
        format: None,
        title: "Stato",
        description: "Stato di moderazione al momento dell'esportazione. Senza il filtro status sono esportati tutti i contributi tranne lo spam e i nascosti (hidden: tolti dopo la pubblicazione, per esempio perché il testo nomina una persona privata).",
        required: true,
        values: Values::Codes(STATUS_MEANINGS),
    },
    Column {
        name: "tags",
        field_type: FieldType::String,
        format: None,
        title: "Etichette",
        description: "Etichette assegnate dalla moderazione, in ordine alfabetico e separate da virgola (vuoto se nessuna); nei formati JSON è un elenco.",
        required: false,
        values: Values::Text,
    },
    Column {
        name: "author_kind",
        field_type: FieldType::String,
        format: None,
        title: "Tipo di autore",
        description: "Chi ha scritto il contributo.",
        required: true,
        values: Values::Codes(AUTHOR_KIND_MEANINGS),
    },
    Column {
        name: "organization_name",
        field_type: FieldType::String,
        format: None,
        title: "Organizzazione",
        description: "Nome dell'associazione o organizzazione autrice; vuoto per i cittadini.",
        required: false,
        values: Values::Text,
    },
    Column {
        name: "quartiere",
        field_type: FieldType::Integer,
        format: None,
        title: "Quartiere",
        description: "Quartiere di Firenze indicato dall'autore; vuoto se non indicato.",
        required: false,
        values: Values::Quartieri,
    },
    Column {
        name: "author_pseudonym",
        field_type: FieldType::String,
        format: None,
        title: "Pseudonimo dell'autore",
        description: "Pseudonimo dell'autore: HMAC-SHA256, con una chiave segreta del Comune, di un gruppo d'autore casuale registrato con il contributo. I contributi di cui l'autore ha confermato l'indirizzo (con il collegamento nella ricevuta, o registrati dalla redazione) condividono lo pseudonimo; un contributo non confermato ne ha uno suo. È lo stesso in tutte le esportazioni e resta dopo la cancellazione dei dati personali; non si calcola dall'indirizzo e non permette di risalirvi. Vuoto se il contributo è arrivato senza indirizzo.",
        required: false,
        values: Values::Pattern("[0-9a-f]{64}"),
    },
    Column {
        name: "published_at",
        field_type: FieldType::Datetime,
        format: None,
        title: "Pubblicato il",
        description: "Data e ora della prima pubblicazione, in UTC (in ora italiana in published_at_rome); vuoto se mai pubblicato.",
        required: false,
        values: Values::Time,
    },
    Column {
        name: "status_reason",
        field_type: FieldType::String,
        format: None,
        title: "Motivo dello stato",
        description: "Motivo dato dalla moderazione per lo stato (per esempio per un rifiuto o per un contributo nascosto); vuoto se non indicato.",
        required: false,
        values: Values::Text,
    },
    Column {
        name: "duplicate_of",
        field_type: FieldType::String,
        format: None,
        title: "Duplicato di",
        description: "Per un contributo duplicate, il codice di ricevuta (reference) del contributo originale, per collegarli; vuoto negli altri casi.",
        required: false,
        values: Values::Pattern("RF-[0-9]{6,}"),
    },
    Column {
        name: "received_at_rome",
        field_type: FieldType::Datetime,
        format: None,
        title: "Ricevuto il (ora italiana)",
        description: "Data e ora di ricezione nell'ora di Roma (Europe/Rome, con l'ora legale), con la differenza da UTC (+01:00 o +02:00): lo stesso istante di received_at.",
        required: true,
        values: Values::RomeTime,
    },
    Column {
        name: "published_at_rome",
        field_type: FieldType::Datetime,
        format: None,
        title: "Pubblicato il (ora italiana)",
        description: "Data e ora della prima pubblicazione nell'ora di Roma (Europe/Rome), con la differenza da UTC: lo stesso istante di published_at; vuoto se mai pubblicato.",
        required: false,
        values: Values::RomeTime,
    },
    Column {
        name: "meeting_name",
        field_type: FieldType::String,
        format: None,
        title: "Incontro",
        description: "Per un contributo raccolto a un incontro (channel event), il nome dell'incontro di Quartiere o dell'evento pubblico, come registrato dalla redazione; vuoto negli altri casi.",
        required: false,
        values: Values::Text,
    },
    Column {
        name: "meeting_date",
        field_type: FieldType::Date,
        format: None,
        title: "Data dell'incontro",
        description: "Il giorno in cui si è tenuto l'incontro (calendario di Roma); vuoto se il contributo non viene da un incontro.",
        required: false,
        values: Values::Day,
    },
    Column {
        name: "meeting_quartiere",
        field_type: FieldType::Integer,
        format: None,
        title: "Quartiere dell'incontro",
        description: "Il quartiere che ha tenuto l'incontro (può differire da quello dell'autore, in quartiere); vuoto per un evento di tutta la città o se il contributo non viene da un incontro.",
        required: false,
        values: Values::Quartieri,
    },
];

/// Added at the end of an export with personal data (admins only).
pub const PERSONAL_COLUMNS: [Column; 3] = [
    Column {
        name: "given_name",
        field_type: FieldType::String,
        format: None,
        title: "Nome",
        description: "Nome dell'autore o della persona di riferimento (dato personale).",
        required: false,
        values: Values::Text,
    },
    Column {
        name: "family_name",
        field_type: FieldType::String,
        format: None,
        title: "Cognome",
        description: "Cognome dell'autore o della persona di riferimento (dato personale).",
        required: false,
        values: Values::Text,
    },
    Column {
        name: "email",
        field_type: FieldType::String,
        format: None,
        title: "E-mail",
        description: "Indirizzo e-mail dell'autore (dato personale).",
        required: false,
        values: Values::Text,
    },
];

/// The columns of an export, personal ones last when included.
pub fn columns(include_personal_data: bool) -> impl Iterator<Item = &'static Column> {
    let personal: &'static [Column] = if include_personal_data {
        &PERSONAL_COLUMNS
    } else {
        &[]
    };
    COLUMNS.iter().chain(personal.iter())
}

/// How a text cell is made harmless for spreadsheets.
pub const NEUTRALISATION_NOTE: &str = "Protezione dalle formule: nel file CSV ogni campo è tra virgolette, e un apostrofo (') precede ogni =, +, -, @, tabulazione o ritorno a capo che apra il testo o segua (anche dopo spazi o virgolette) una virgola, un punto e virgola, una tabulazione o un a capo al suo interno, perché nessun foglio di calcolo esegua una formula, con qualunque separatore legga il file; per il testo originale togliere quegli apostrofi. Il foglio XLSX (dove una cella di testo non è mai una formula), JSON, NDJSON e REFI-QDA riportano il testo esatto.";

/// What a default export leaves out.
pub const HIDDEN_NOTE: &str = "Senza il filtro status l'esportazione non contiene lo spam né i contributi nascosti (hidden: tolti dopo la pubblicazione, per esempio perché il testo nomina una persona privata); per averli bisogna chiederli con il filtro status.";

/// General notes of the codebook.
pub const NOTES: [&str; 7] = [
    "Una riga per contributo, in ordine di registrazione (codice di ricevuta crescente).",
    HIDDEN_NOTE,
    "Esportazione pseudonimizzata: non contiene nomi, indirizzi e-mail, indirizzi IP né note interne della moderazione.",
    NEUTRALISATION_NOTE,
    "CSV: UTF-8 con BOM (perché Excel riconosca le lettere accentate), separatore punto e virgola, testi tra virgolette quando serve (RFC 4180), righe terminate da CRLF, prima riga di intestazione; una cella vuota è un valore mancante.",
    "Le date e ore sono date due volte: in UTC (received_at, published_at: nel CSV e nel JSON in formato RFC 3339, es. 2026-11-25T09:30:00.000000Z, nel foglio XLSX come date di Excel aaaa-mm-gg hh:mm:ss, al millisecondo) e nell'ora di Roma (received_at_rome, published_at_rome: in ogni formato come testo RFC 3339 con la differenza da UTC, es. 2026-11-25T10:30:00.000000+01:00), in fondo alle colonne perché le altre restino al loro posto.",
    "Il descrittore Frictionless Data Package (datapackage.json) descrive le stesse colonne con tipi e valori ammessi.",
];

/// The meaning of each value of a column, for the codebook; `areas` are the
/// thematic areas as (code, name).
pub fn values_text(column: &Column, areas: &[(String, String)]) -> String {
    match column.values {
        Values::Text => "testo libero".into(),
        Values::Codes(codes) => codes
            .iter()
            .map(|(code, meaning)| format!("{code} = {meaning}"))
            .collect::<Vec<_>>()
            .join("; "),
        Values::Areas => areas
            .iter()
            .map(|(code, name)| format!("{code} = {name}"))
            .collect::<Vec<_>>()
            .join("; "),
        Values::Quartieri => Quartiere::ALL
            .iter()
            .map(|q| format!("{} = {}", q.number(), q.name()))
            .collect::<Vec<_>>()
            .join("; "),
        Values::Pattern(pattern) => format!("testo nella forma {pattern}"),
        Values::Day => "data nella forma AAAA-MM-GG".into(),
        Values::Time => "data e ora UTC (RFC 3339)".into(),
        Values::RomeTime => "data e ora di Roma con la differenza da UTC (RFC 3339)".into(),
    }
}

/// The Italian label of `code` in the column `column`, for a column with a
/// closed list of codes (status, channel, author kind).
pub fn code_label(column: &str, code: &str) -> Option<&'static str> {
    COLUMNS
        .iter()
        .find(|c| c.name == column)
        .and_then(|c| match c.values {
            Values::Codes(codes) => codes.iter().find(|(c, _)| *c == code).map(|(_, l)| *l),
            _ => None,
        })
}

/// The codes a column may hold, for the descriptor's `enum` constraint.
pub fn codes(column: &Column, areas: &[(String, String)]) -> Option<Vec<String>> {
    match column.values {
        Values::Codes(codes) => Some(codes.iter().map(|(code, _)| (*code).to_owned()).collect()),
        Values::Areas => Some(areas.iter().map(|(code, _)| code.clone()).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AuthorKind, Channel, ContributionStatus};

    #[test]
    fn the_codebook_covers_every_code_the_domain_knows() {
        let column = |name| COLUMNS.iter().find(|c| c.name == name).unwrap();
        let listed = |name| codes(column(name), &[]).unwrap();
        let all = |values: Vec<&str>| values.into_iter().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            listed("status"),
            all(ContributionStatus::ALL.iter().map(|s| s.as_str()).collect())
        );
        assert_eq!(
            listed("channel"),
            all(Channel::ALL.iter().map(|s| s.as_str()).collect())
        );
        assert_eq!(
            listed("author_kind"),
            all(AuthorKind::ALL.iter().map(|s| s.as_str()).collect())
        );
    }

    #[test]
    fn the_columns_are_the_specs() {
        let names: Vec<&str> = columns(true).map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "id",
                "reference",
                "received_at",
                "channel",
                "thematic_area",
                "thematic_area_name",
                "title",
                "body",
                "status",
                "tags",
                "author_kind",
                "organization_name",
                "quartiere",
                "author_pseudonym",
                "published_at",
                "status_reason",
                "duplicate_of",
                "received_at_rome",
                "published_at_rome",
                "meeting_name",
                "meeting_date",
                "meeting_quartiere",
                "given_name",
                "family_name",
                "email"
            ]
        );
        assert_eq!(columns(false).count(), 22);
    }
}
