//! The downloads of the exports page, each with a short "how to load
//! this" in R, Python, a spreadsheet or a QDA program. The snippets name
//! the file as it downloads that day, so that they run as they are in the
//! folder where it was saved (the browser suite runs the Python ones).

use chrono::NaiveDate;

use crate::exports::{file_name, report, ExportFormat, XLSX_MAX_ROWS};
use crate::http::console::labels::pick;
use crate::i18n::format::italian_count;
use crate::i18n::Language;

/// The name the data package descriptor downloads as.
pub const DATAPACKAGE_FILE: &str = "datapackage.json";

/// One thing to download, with how to load it.
pub struct Download {
    /// A stable name (`csv`, `datapackage`, `report`…): the section's id.
    pub id: &'static str,
    pub title: String,
    pub summary: String,
    pub href: String,
    pub file_name: String,
    /// The report opens in the browser; the rest are files.
    pub opens_in_browser: bool,
    pub guides: Vec<Guide>,
}

/// How to load a download with one tool.
pub struct Guide {
    pub tool: &'static str,
    pub text: String,
    pub code: Option<Snippet>,
}

/// Code to copy: `language` is `r`, `python` or `shell`.
pub struct Snippet {
    pub language: &'static str,
    pub text: String,
}

/// What the downloads carry and how they are named.
pub struct DownloadContext<'a> {
    /// The selection as the links' query (filters, personal data).
    pub query: &'a str,
    /// The filters alone, for the report.
    pub filters_query: &'a str,
    pub include_personal_data: bool,
    pub today: NaiveDate,
    pub language: Language,
}

fn tr(language: Language, italian: &'static str, english: &'static str) -> String {
    pick(language, italian, english).to_owned()
}

fn guide(tool: &'static str, text: String) -> Guide {
    Guide {
        tool,
        text,
        code: None,
    }
}

fn guide_with_code(
    tool: &'static str,
    text: String,
    language: &'static str,
    code: String,
) -> Guide {
    Guide {
        tool,
        text,
        code: Some(Snippet {
            language,
            text: code,
        }),
    }
}

/// A link's address: `path`, then `query` when there is one.
fn href(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else if path.contains('?') {
        format!("{path}&{query}")
    } else {
        format!("{path}?{query}")
    }
}

/// Every download of the page, in the order shown.
pub fn downloads(context: &DownloadContext) -> Vec<Download> {
    vec![
        csv(context),
        xlsx(context),
        json(context),
        ndjson(context),
        qdpx(context),
        qdc(context),
        datapackage(context),
        report_page(context),
    ]
}

fn export_download(
    context: &DownloadContext,
    format: ExportFormat,
    title: String,
    summary: String,
    guides: impl FnOnce(&str) -> Vec<Guide>,
) -> Download {
    let file = file_name(format, context.include_personal_data, context.today);
    Download {
        id: format.as_str(),
        title,
        summary,
        href: href(
            &format!("/console/esportazioni/file?format={}", format.as_str()),
            context.query,
        ),
        guides: guides(&file),
        file_name: file,
        opens_in_browser: false,
    }
}

fn csv(context: &DownloadContext) -> Download {
    let l = context.language;
    export_download(
        context,
        ExportFormat::Csv,
        "CSV".to_owned(),
        tr(
            l,
            "Una riga per contributo: UTF-8 con BOM, separatore punto e virgola, ogni campo tra virgolette, riga d'intestazione.",
            "One row per contribution: UTF-8 with a BOM, semicolon-separated, every field quoted, a header row.",
        ),
        |file| {
            vec![
                guide_with_code(
                    "R",
                    tr(
                        l,
                        "Con readr; in R di base: read.csv2(…, fileEncoding = \"UTF-8-BOM\").",
                        "With readr; in base R: read.csv2(…, fileEncoding = \"UTF-8-BOM\").",
                    ),
                    "r",
                    format!("contributi <- readr::read_delim(\"{file}\", delim = \";\")"),
                ),
                guide_with_code(
                    "Python",
                    tr(
                        l,
                        "Con pandas; le etichette sono un elenco separato da virgole: contributi[\"tags\"].str.split(\",\").",
                        "With pandas; tags are a comma-separated list: contributi[\"tags\"].str.split(\",\").",
                    ),
                    "python",
                    format!(
                        "import pandas as pd\n\ncontributi = pd.read_csv(\"{file}\", sep=\";\", encoding=\"utf-8-sig\", dtype={{\"quartiere\": \"Int64\"}})"
                    ),
                ),
                guide(
                    "LibreOffice Calc",
                    tr(
                        l,
                        "Aprire il file e, nella finestra di importazione, scegliere il set di caratteri «Unicode (UTF-8)», il solo separatore «Punto e virgola» e il delimitatore di testo \".",
                        "Open the file and, in the import dialog, choose the character set “Unicode (UTF-8)”, “Semicolon” as the only separator and \" as the string delimiter.",
                    ),
                ),
                guide(
                    "Excel",
                    tr(
                        l,
                        "In italiano si apre con un doppio clic (il BOM indica l'UTF-8 e il punto e virgola è il separatore italiano); altrimenti Dati › Da testo/CSV, origine «65001: Unicode (UTF-8)», delimitatore «Punto e virgola».",
                        "With Italian settings it opens with a double click (the BOM says UTF-8 and the semicolon is the Italian list separator); otherwise Data › From Text/CSV, file origin “65001: Unicode (UTF-8)”, delimiter “Semicolon”.",
                    ),
                ),
                guide(
                    pick(l, "Testi e formule", "Texts and formulas"),
                    tr(
                        l,
                        "Un segno di formula (= + - @, tabulazione) all'inizio di un testo, o dopo una virgola, un punto e virgola, una tabulazione o un a capo, è preceduto da un apostrofo ', perché nessun foglio di calcolo esegua formule: un elenco puntato si legge quindi '- . Il testo esatto è nei formati XLSX, JSON e NDJSON.",
                        "A formula sign (= + - @, tab) at the start of a text, or after a comma, semicolon, tab or line break in it, is preceded by an apostrophe ' so that no spreadsheet runs a formula: a dash list therefore reads '- . The exact text is in XLSX, JSON and NDJSON.",
                    ),
                ),
            ]
        },
    )
}

fn xlsx(context: &DownloadContext) -> Download {
    let l = context.language;
    let max = italian_count(i64::try_from(XLSX_MAX_ROWS).unwrap_or(i64::MAX));
    export_download(
        context,
        ExportFormat::Xlsx,
        "XLSX".to_owned(),
        match l {
            Language::It => format!("Cartella di lavoro con il foglio «contributi» (una riga per contributo) e il foglio «dizionario» (le colonne spiegate). I testi sono esatti: una cella di testo non è mai una formula. Al massimo {max} righe: oltre, usare il CSV."),
            Language::En => format!("A workbook with the sheet “contributi” (one row per contribution) and the sheet “dizionario” (the columns explained). Texts are exact: a text cell is never a formula. At most {max} rows: beyond, use CSV."),
        },
        |file| {
            vec![
                guide_with_code(
                    "R",
                    tr(l, "Con readxl.", "With readxl."),
                    "r",
                    format!(
                        "contributi <- readxl::read_excel(\"{file}\", sheet = \"contributi\")\ndizionario <- readxl::read_excel(\"{file}\", sheet = \"dizionario\")"
                    ),
                ),
                guide_with_code(
                    "Python",
                    tr(
                        l,
                        "Con pandas, che legge l'XLSX con openpyxl (pip install openpyxl).",
                        "With pandas, which reads XLSX with openpyxl (pip install openpyxl).",
                    ),
                    "python",
                    format!(
                        "import pandas as pd\n\ncontributi = pd.read_excel(\"{file}\", sheet_name=\"contributi\")\ndizionario = pd.read_excel(\"{file}\", sheet_name=\"dizionario\")"
                    ),
                ),
                guide(
                    "LibreOffice Calc, Excel",
                    tr(
                        l,
                        "Si apre direttamente, senza scelte di importazione.",
                        "Opens directly, with no import choices.",
                    ),
                ),
            ]
        },
    )
}

fn json(context: &DownloadContext) -> Download {
    let l = context.language;
    export_download(
        context,
        ExportFormat::Json,
        "JSON".to_owned(),
        tr(
            l,
            "Un oggetto {\"items\": […]}, un elemento per contributo; le etichette sono un elenco, quartiere un numero intero.",
            "One object {\"items\": […]}, an item per contribution; tags are a list, quartiere an integer.",
        ),
        |file| {
            vec![
                guide_with_code(
                    "R",
                    tr(l, "Con jsonlite.", "With jsonlite."),
                    "r",
                    format!("contributi <- jsonlite::fromJSON(\"{file}\")$items"),
                ),
                guide_with_code(
                    "Python",
                    tr(l, "Con json e pandas.", "With json and pandas."),
                    "python",
                    format!(
                        "import json\nimport pandas as pd\n\nwith open(\"{file}\", encoding=\"utf-8\") as file:\n    contributi = pd.DataFrame(json.load(file)[\"items\"])"
                    ),
                ),
                guide(
                    "LibreOffice Calc, Excel",
                    tr(
                        l,
                        "Excel: Dati › Recupera dati › Da file › Da JSON, poi espandere l'elenco «items». LibreOffice Calc non apre il JSON: usare il CSV o l'XLSX.",
                        "Excel: Data › Get Data › From File › From JSON, then expand the list “items”. LibreOffice Calc does not open JSON: use CSV or XLSX.",
                    ),
                ),
            ]
        },
    )
}

fn ndjson(context: &DownloadContext) -> Download {
    let l = context.language;
    export_download(
        context,
        ExportFormat::Ndjson,
        "NDJSON".to_owned(),
        tr(
            l,
            "Un oggetto JSON per riga, gli stessi campi del JSON: si legge un contributo alla volta, anche per selezioni molto grandi.",
            "One JSON object per line, the same fields as JSON: it reads one contribution at a time, even for very large selections.",
        ),
        |file| {
            vec![
                guide_with_code(
                    "R",
                    tr(l, "Con jsonlite.", "With jsonlite."),
                    "r",
                    format!("contributi <- jsonlite::stream_in(file(\"{file}\"))"),
                ),
                guide_with_code(
                    "Python",
                    tr(l, "Con pandas.", "With pandas."),
                    "python",
                    format!(
                        "import pandas as pd\n\ncontributi = pd.read_json(\"{file}\", lines=True)"
                    ),
                ),
                guide(
                    "LibreOffice Calc, Excel",
                    tr(
                        l,
                        "Non è fatto per i fogli di calcolo: usare il CSV o l'XLSX.",
                        "Not meant for spreadsheets: use CSV or XLSX.",
                    ),
                ),
            ]
        },
    )
}

fn qdpx(context: &DownloadContext) -> Download {
    let l = context.language;
    export_download(
        context,
        ExportFormat::Qdpx,
        tr(l, "Progetto REFI-QDA (.qdpx)", "REFI-QDA project (.qdpx)"),
        tr(
            l,
            "Per l'analisi qualitativa: ogni contributo è un documento di testo (codice e titolo, poi il testo), codificato per intero con la sua area tematica e le sue etichette; quartiere, tipo di autore, canale, stato, data e pseudonimo dell'autore sono variabili del documento, un caso per pseudonimo e insiemi per quartiere, area e tipo di autore. Gli identificativi restano gli stessi a ogni esportazione: un'esportazione aggiornata si reimporta sopra la precedente.",
            "For qualitative analysis: each contribution is a text document (reference and title, then the text), coded as a whole with its thematic area and tags; quartiere, author kind, channel, status, date and author pseudonym are document variables, with a case per pseudonym and sets per quartiere, area and author kind. Identifiers stay the same at every export: an updated export re-imports over the earlier one.",
        ),
        |file| {
            vec![
                guide(
                    "NVivo",
                    tr(
                        l,
                        "NVivo per Windows: File › Open › Browse, tipo di file «REFI-QDA Project (*.qdpx, *.qde)», scegliere il file, poi Convert. NVivo per Mac: File › Open Project. I contributi diventano file, le aree e le etichette codici, gli pseudonimi casi.",
                        "NVivo for Windows: File › Open › Browse, file type “REFI-QDA Project (*.qdpx, *.qde)”, choose the file, then Convert. NVivo for Mac: File › Open Project. Contributions become files, areas and tags codes, pseudonyms cases.",
                    ),
                ),
                guide(
                    "ATLAS.ti",
                    tr(
                        l,
                        "Importare il file come progetto REFI-QDA (.qdpx) con l'importazione di progetti. Gli insiemi «quartiere: 3», «thematic_area: …» e «author_kind: …» diventano gruppi di documenti.",
                        "Import the file as a REFI-QDA project (.qdpx) with the project import. The sets “quartiere: 3”, “thematic_area: …” and “author_kind: …” become document groups.",
                    ),
                ),
                guide(
                    "MAXQDA",
                    tr(
                        l,
                        "Importare il file come progetto REFI-QDA (.qdpx) dal menu di importazione. Quartiere, tipo di autore, canale, stato, data e pseudonimo arrivano come variabili dei documenti.",
                        "Import the file as a REFI-QDA project (.qdpx) from the import menu. Quartiere, author kind, channel, status, date and pseudonym arrive as document variables.",
                    ),
                ),
                guide_with_code(
                    "Python",
                    tr(
                        l,
                        "Con pyrefiqda (pip install pyrefiqda): i documenti sono in progetto.sources.text_source, i codici in progetto.code_book.",
                        "With pyrefiqda (pip install pyrefiqda): the documents are in progetto.sources.text_source, the codes in progetto.code_book.",
                    ),
                    "python",
                    format!(
                        "from pyrefiqda import RefiProject\n\nprogetto = RefiProject.load(\"{file}\", extract_dir=\"rinasce-qdpx\")"
                    ),
                ),
                guide_with_code(
                    "R",
                    tr(
                        l,
                        "È uno zip: project.qde (XML) e i testi in sources/. Per le analisi statistiche è più comodo il CSV.",
                        "It is a zip: project.qde (XML) and the texts in sources/. For statistics, CSV is easier.",
                    ),
                    "r",
                    format!(
                        "unzip(\"{file}\", exdir = \"rinasce-qdpx\")\nprogetto <- xml2::read_xml(\"rinasce-qdpx/project.qde\")"
                    ),
                ),
            ]
        },
    )
}

fn qdc(context: &DownloadContext) -> Download {
    let l = context.language;
    export_download(
        context,
        ExportFormat::Qdc,
        tr(l, "Codebook REFI-QDA (.qdc)", "REFI-QDA codebook (.qdc)"),
        tr(
            l,
            "I codici da soli: uno per area tematica (anche quelle non più attive) e uno per etichetta, sotto «Area tematica» e «Tag».",
            "The codes alone: one per thematic area (inactive ones too) and one per tag, under “Area tematica” and “Tag”.",
        ),
        |file| {
            vec![
                guide(
                    "NVivo, ATLAS.ti, MAXQDA",
                    tr(
                        l,
                        "Importare il file come codebook REFI-QDA (.qdc) dall'importazione del codebook (in NVivo: Import › Codebook).",
                        "Import the file as a REFI-QDA codebook (.qdc) with the codebook import (in NVivo: Import › Codebook).",
                    ),
                ),
                guide_with_code(
                    "Python",
                    tr(
                        l,
                        "Con pyrefiqda: i codici sono in codebook.codes.code.",
                        "With pyrefiqda: the codes are in codebook.codes.code.",
                    ),
                    "python",
                    format!(
                        "from pyrefiqda import RefiCodebook\n\ncodebook = RefiCodebook.load(\"{file}\")"
                    ),
                ),
            ]
        },
    )
}

fn datapackage(context: &DownloadContext) -> Download {
    let l = context.language;
    let csv = file_name(
        ExportFormat::Csv,
        context.include_personal_data,
        context.today,
    );
    let personal = if context.include_personal_data {
        "?include_personal_data=true"
    } else {
        ""
    };
    Download {
        id: "datapackage",
        title: tr(l, "Data package (Frictionless)", "Data package (Frictionless)"),
        summary: match l {
            Language::It => format!("Il descrittore del CSV: nome, tipo, descrizione italiana e valori ammessi di ogni colonna, con le loro etichette. Salvarlo nella cartella del CSV scaricato oggi ({csv}): il descrittore lo nomina così, senza rinominare nulla."),
            Language::En => format!("The descriptor of the CSV: each column's name, type, Italian description and allowed values, with their labels. Save it in the folder of the CSV downloaded today ({csv}): the descriptor names it so, with nothing to rename."),
        },
        href: format!("/console/esportazioni/{DATAPACKAGE_FILE}{personal}"),
        file_name: DATAPACKAGE_FILE.to_owned(),
        opens_in_browser: false,
        guides: vec![
            guide_with_code(
                "frictionless",
                tr(
                    l,
                    "Verifica il CSV contro il descrittore (pip install frictionless).",
                    "Checks the CSV against the descriptor (pip install frictionless).",
                ),
                "shell",
                format!("frictionless validate {DATAPACKAGE_FILE}"),
            ),
            guide_with_code(
                "Python",
                tr(
                    l,
                    "Con pandas, dal percorso e dal separatore scritti nel descrittore.",
                    "With pandas, from the path and delimiter the descriptor gives.",
                ),
                "python",
                format!(
                    "import json\nimport pandas as pd\n\nwith open(\"{DATAPACKAGE_FILE}\", encoding=\"utf-8\") as file:\n    risorsa = json.load(file)[\"resources\"][0]\ncontributi = pd.read_csv(risorsa[\"path\"], sep=risorsa[\"dialect\"][\"delimiter\"], encoding=\"utf-8-sig\")"
                ),
            ),
            guide_with_code(
                "R",
                tr(
                    l,
                    "Con il pacchetto frictionless di rOpenSci.",
                    "With rOpenSci's frictionless package.",
                ),
                "r",
                format!(
                    "pacchetto <- frictionless::read_package(\"{DATAPACKAGE_FILE}\")\ncontributi <- frictionless::read_resource(pacchetto, \"contributi\")"
                ),
            ),
        ],
    }
}

fn report_page(context: &DownloadContext) -> Download {
    let l = context.language;
    Download {
        id: "report",
        title: tr(l, "Rapporto descrittivo (HTML)", "Descriptive report (HTML)"),
        summary: tr(
            l,
            "Conteggi per area, quartiere e tipo di autore, andamento settimanale, etichette per area, parole caratteristiche e testi di esempio di ogni area, senza dati personali; la prima pagina riporta i filtri e l'ora.",
            "Counts by area, quartiere and author kind, weekly timeline, tags by area, characteristic words and sample texts of each area, with no personal data; the first page gives the filters and the time.",
        ),
        href: href("/console/esportazioni/rapporto", context.filters_query),
        file_name: report::file_name(crate::clock::now()),
        opens_in_browser: true,
        guides: vec![
            guide(
                "Browser",
                tr(
                    l,
                    "Si apre nel browser. Per un PDF: Stampa › Salva come PDF (A4, una sezione per pagina).",
                    "Opens in the browser. For a PDF: Print › Save as PDF (A4, one section per page).",
                ),
            ),
            guide(
                "R, Python",
                tr(
                    l,
                    "Ogni tabella ha un collegamento che la scarica in CSV (UTF-8 con BOM, punto e virgola): si carica come il CSV qui sopra.",
                    "Each table has a link that downloads it as CSV (UTF-8 with a BOM, semicolons): it loads like the CSV above.",
                ),
            ),
        ],
    }
}
