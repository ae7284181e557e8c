//! What can be wrong with one input field, independent of the language the
//! message is finally written in.

use crate::i18n::Language;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldIssue {
    Required,
    NotAllowed,
    ExpectedString,
    ExpectedBoolean,
    ExpectedInteger,
    ExpectedObject,
    ExpectedArray,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    ControlCharacters,
    /// A character that normalisation cannot make harmless, at a 1-based
    /// character position of the text as sent.
    ForbiddenCharacter {
        character: char,
        position: usize,
    },
    /// The form's area select was left on its empty choice.
    AreaNotChosen,
    InvalidEmail,
    OutOfRange {
        min: i64,
        max: i64,
    },
    MustBeTrue,
    UnknownValue {
        allowed: Vec<String>,
    },
    UnknownThematicArea,
    /// A filter value that names nothing stored, such as a tag never created.
    NoSuchValue {
        value: String,
    },
    RequiredForOrganizations,
    InvalidTimestamp,
    /// Not a calendar date `YYYY-MM-DD`.
    InvalidDate,
    /// A time or day that has not come yet, where only past ones make sense.
    InFuture,
    /// A time or day before `earliest` (RFC 3339 or a date).
    TooEarly {
        earliest: &'static str,
    },
    /// A contribution collected at a meeting (channel `event`) names it.
    MeetingRequired,
    /// Only a contribution collected at a meeting names one.
    MeetingOnlyForEvents,
    InvalidCursor,
    /// Not a receipt code such as `RF-000042`.
    InvalidReference,
    /// Not a slug of at most `max` characters.
    InvalidSlug {
        max: usize,
    },
    NoVisibleText,
    InvalidIdempotencyKey,
    ReasonRequired,
    DuplicateOfItself,
    DuplicateOfUnknown,
    DuplicateOfDuplicate,
    DuplicateOfRequired,
    /// A contribution that other duplicates point to cannot become one.
    OriginalOfDuplicates,
    /// An admin may not deactivate their own account.
    CannotDeactivateSelf,
    /// The last active admin may be neither deactivated nor demoted.
    LastActiveAdmin,
    AlreadyExists,
    /// Neither a contribution's id nor its reference.
    InvalidContributionRef,
    /// No contribution has this id or reference.
    UnknownContribution,
    /// No note has this id.
    UnknownNote,
    /// An erasure request may rewrite only the notes on the contributions it concerns.
    NoteOfAnotherContribution,
    /// Neither an RFC 3339 time nor a date.
    InvalidDateOrTime,
    /// An erasure request names an address or a contribution: one of them.
    EmailOrContribution,
    TooManyItems {
        max: usize,
    },
    /// Not the identifier of a contribution.
    NotAContributionId,
    /// An empty list where at least one item is needed.
    EmptyList,
    /// A tag merged into itself.
    SameTag,
    /// `sort=relevance` without a search in `q`: nothing to rank by.
    RelevanceNeedsSearch,
}

impl FieldIssue {
    pub fn message(&self, language: Language) -> String {
        use FieldIssue::*;
        match (self, language) {
            (Required, Language::It) => "campo obbligatorio".into(),
            (Required, Language::En) => "is required".into(),
            (NotAllowed, Language::It) => "campo non previsto".into(),
            (NotAllowed, Language::En) => "is not an accepted field".into(),
            (ExpectedString, Language::It) => "deve essere un testo".into(),
            (ExpectedString, Language::En) => "must be a string".into(),
            (ExpectedBoolean, Language::It) => "deve essere true o false".into(),
            (ExpectedBoolean, Language::En) => "must be true or false".into(),
            (ExpectedInteger, Language::It) => "deve essere un numero intero".into(),
            (ExpectedInteger, Language::En) => "must be an integer".into(),
            (ExpectedObject, Language::It) => "deve essere un oggetto JSON".into(),
            (ExpectedObject, Language::En) => "must be a JSON object".into(),
            (ExpectedArray, Language::It) => "deve essere un elenco JSON".into(),
            (ExpectedArray, Language::En) => "must be a JSON array".into(),
            (TooShort { min: 1 }, Language::It) => "deve contenere almeno 1 carattere".into(),
            (TooShort { min }, Language::It) => format!("deve contenere almeno {min} caratteri"),
            (TooShort { min: 1 }, Language::En) => "must be at least 1 character long".into(),
            (TooShort { min }, Language::En) => format!("must be at least {min} characters long"),
            (TooLong { max }, Language::It) => format!("deve contenere al massimo {max} caratteri"),
            (TooLong { max }, Language::En) => format!("must be at most {max} characters long"),
            (ControlCharacters, Language::It) => {
                "contiene caratteri di controllo non ammessi".into()
            }
            (ControlCharacters, Language::En) => "contains control characters".into(),
            (
                ForbiddenCharacter {
                    character,
                    position,
                },
                Language::It,
            ) => format!(
                "carattere non ammesso U+{:04X} alla posizione {position}",
                u32::from(*character)
            ),
            (
                ForbiddenCharacter {
                    character,
                    position,
                },
                Language::En,
            ) => format!(
                "character U+{:04X} at position {position} is not allowed",
                u32::from(*character)
            ),
            (AreaNotChosen, Language::It) => "scegliere un'area tematica".into(),
            (AreaNotChosen, Language::En) => "choose a thematic area".into(),
            (InvalidEmail, Language::It) => "non è un indirizzo e-mail valido".into(),
            (InvalidEmail, Language::En) => "is not a valid e-mail address".into(),
            (OutOfRange { min, max }, Language::It) => {
                format!("deve essere compreso tra {min} e {max}")
            }
            (OutOfRange { min, max }, Language::En) => format!("must be between {min} and {max}"),
            (MustBeTrue, Language::It) => "occorre accettare l'informativa sulla privacy".into(),
            (MustBeTrue, Language::En) => "the privacy notice must be accepted".into(),
            (UnknownValue { allowed }, Language::It) => {
                format!(
                    "valore non ammesso; valori possibili: {}",
                    allowed.join(", ")
                )
            }
            (UnknownValue { allowed }, Language::En) => {
                format!(
                    "is not an accepted value; accepted values: {}",
                    allowed.join(", ")
                )
            }
            (UnknownThematicArea, Language::It) => "area tematica inesistente o non attiva".into(),
            (UnknownThematicArea, Language::En) => "is not an active thematic area".into(),
            (NoSuchValue { value }, Language::It) => format!("«{value}» non esiste"),
            (NoSuchValue { value }, Language::En) => format!("\"{value}\" does not exist"),
            (RequiredForOrganizations, Language::It) => {
                "obbligatorio quando l'autore è un'associazione o un'organizzazione".into()
            }
            (RequiredForOrganizations, Language::En) => {
                "is required when the author is an association or an organisation".into()
            }
            (InvalidTimestamp, Language::It) => "deve essere una data e ora RFC 3339".into(),
            (InvalidTimestamp, Language::En) => "must be an RFC 3339 date-time".into(),
            (InvalidDate, Language::It) => "deve essere una data nella forma AAAA-MM-GG".into(),
            (InvalidDate, Language::En) => "must be a date in the form YYYY-MM-DD".into(),
            (InFuture, Language::It) => "non può essere nel futuro".into(),
            (InFuture, Language::En) => "cannot be in the future".into(),
            (TooEarly { earliest }, Language::It) => {
                format!("non può essere precedente a {earliest}")
            }
            (TooEarly { earliest }, Language::En) => format!("cannot be earlier than {earliest}"),
            (SameTag, Language::It) => "deve essere un'etichetta diversa da quella da unire".into(),
            (SameTag, Language::En) => "must be another tag than the one merged".into(),
            (MeetingRequired, Language::It) => {
                "obbligatorio per un contributo raccolto a un incontro (canale event)".into()
            }
            (MeetingRequired, Language::En) => {
                "is required for a contribution collected at a meeting (channel event)".into()
            }
            (MeetingOnlyForEvents, Language::It) => {
                "solo per un contributo raccolto a un incontro (canale event)".into()
            }
            (MeetingOnlyForEvents, Language::En) => {
                "only for a contribution collected at a meeting (channel event)".into()
            }
            (OriginalOfDuplicates, Language::It) => {
                "altri contributi sono duplicati di questo: non può diventare un duplicato".into()
            }
            (OriginalOfDuplicates, Language::En) => {
                "other contributions are duplicates of this one: it cannot become a duplicate"
                    .into()
            }
            (CannotDeactivateSelf, Language::It) => {
                "non si può disattivare il proprio account".into()
            }
            (CannotDeactivateSelf, Language::En) => "you cannot deactivate your own account".into(),
            (LastActiveAdmin, Language::It) => {
                "è l'ultimo amministratore attivo: non può essere disattivato né cambiare ruolo"
                    .into()
            }
            (LastActiveAdmin, Language::En) => {
                "is the last active admin: it can be neither deactivated nor given another role"
                    .into()
            }
            (InvalidReference, Language::It) => {
                "deve essere un codice di ricevuta come RF-000042".into()
            }
            (InvalidReference, Language::En) => "must be a receipt code such as RF-000042".into(),
            (RelevanceNeedsSearch, Language::It) => {
                "l'ordine per pertinenza richiede una ricerca nel parametro q".into()
            }
            (RelevanceNeedsSearch, Language::En) => {
                "ordering by relevance needs a search in the q parameter".into()
            }
            (InvalidCursor, Language::It) => "cursore non valido".into(),
            (InvalidCursor, Language::En) => "is not a valid cursor".into(),
            (NoVisibleText, Language::It) => {
                "deve contenere almeno una lettera, una cifra o un simbolo".into()
            }
            (NoVisibleText, Language::En) => {
                "must contain at least one letter, digit or symbol".into()
            }
            (InvalidIdempotencyKey, Language::It) => {
                "deve avere da 1 a 255 caratteri ASCII visibili".into()
            }
            (InvalidIdempotencyKey, Language::En) => {
                "must be 1 to 255 visible ASCII characters".into()
            }
            (InvalidSlug { max }, Language::It) => {
                format!("deve contenere solo lettere minuscole, cifre e trattini (massimo {max})")
            }
            (InvalidSlug { max }, Language::En) => {
                format!("must be lowercase letters, digits and inner hyphens (at most {max})")
            }
            (ReasonRequired, Language::It) => "obbligatorio per questo stato".into(),
            (ReasonRequired, Language::En) => "is required for this status".into(),
            (DuplicateOfItself, Language::It) => {
                "un contributo non può essere duplicato di sé stesso".into()
            }
            (DuplicateOfItself, Language::En) => "a contribution cannot duplicate itself".into(),
            (DuplicateOfUnknown, Language::It) => "il contributo indicato non esiste".into(),
            (DuplicateOfUnknown, Language::En) => "no such contribution".into(),
            (DuplicateOfDuplicate, Language::It) => {
                "il contributo indicato è a sua volta un duplicato".into()
            }
            (DuplicateOfDuplicate, Language::En) => {
                "the contribution named is itself a duplicate".into()
            }
            (DuplicateOfRequired, Language::It) => {
                "obbligatorio quando lo stato è duplicate".into()
            }
            (DuplicateOfRequired, Language::En) => {
                "is required when the status is duplicate".into()
            }
            (InvalidContributionRef, Language::It) => {
                "deve essere l'id o il riferimento (RF-000123) di un contributo".into()
            }
            (InvalidContributionRef, Language::En) => {
                "must be a contribution's id or reference (RF-000123)".into()
            }
            (UnknownContribution, Language::It) => {
                "nessun contributo con questo id o riferimento".into()
            }
            (UnknownContribution, Language::En) => {
                "no contribution has this id or reference".into()
            }
            (EmailOrContribution, Language::It) => {
                "indicare l'e-mail oppure il contributo (uno dei due)".into()
            }
            (EmailOrContribution, Language::En) => {
                "give either the e-mail or the contribution, not both".into()
            }
            (InvalidDateOrTime, Language::It) => {
                "deve essere una data (2026-12-04) o una data e ora RFC 3339".into()
            }
            (InvalidDateOrTime, Language::En) => {
                "must be a date (2026-12-04) or an RFC 3339 date-time".into()
            }
            (UnknownNote, Language::It) => "nessuna nota con questo id".into(),
            (UnknownNote, Language::En) => "no note has this id".into(),
            (NoteOfAnotherContribution, Language::It) => {
                "la nota non è di un contributo di questa richiesta".into()
            }
            (NoteOfAnotherContribution, Language::En) => {
                "the note is not on a contribution this request concerns".into()
            }
            (AlreadyExists, Language::It) => "esiste già".into(),
            (AlreadyExists, Language::En) => "already exists".into(),
            (EmptyList, Language::It) => "l'elenco è vuoto: indicare almeno un contributo".into(),
            (EmptyList, Language::En) => "is empty: name at least one contribution".into(),
            (TooManyItems { max }, Language::It) => format!("al massimo {max} elementi"),
            (TooManyItems { max }, Language::En) => format!("at most {max} items"),
            (NotAContributionId, Language::It) => "non è l'identificativo di un contributo".into(),
            (NotAContributionId, Language::En) => "is not a contribution identifier".into(),
        }
    }
}

/// One invalid input field, named by its path (`author.email`).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub issue: FieldIssue,
}

/// Input that failed, with every failing field.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{} invalid field(s)", .0.len())]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn field(field: impl Into<String>, issue: FieldIssue) -> Invalid {
        Invalid(vec![FieldError {
            field: field.into(),
            issue,
        }])
    }
}

/// Collects the failures of one input, so that one answer names them all.
#[derive(Default, Debug)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, issue: FieldIssue) {
        self.0.push(FieldError {
            field: field.into(),
            issue,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The parsed value, or `None` with its failure noted under `field`.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, FieldIssue>) -> Option<T> {
        parsed.map_err(|issue| self.add(field, issue)).ok()
    }

    /// Whether `field` already has a failure (so it is not named twice).
    pub fn names(&self, field: &str) -> bool {
        self.0.iter().any(|error| error.field == field)
    }

    /// `Ok(value)` when nothing failed, otherwise every failure.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Invalid> {
        match value {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(Invalid(self.0)),
        }
    }

    pub fn into_error(self) -> Invalid {
        Invalid(self.0)
    }
}
