//! CSV formula injection whatever delimiter the reader uses (issue 16 item
//! 8): a semicolon file opened as comma- or tab-separated must not give a
//! cell that starts a formula.

use std::process::Command;

use serde_json::json;

use crate::exports::download;
use crate::support::*;

/// Titles and texts that start a formula once split on `,`, `;` or a tab.
const TRAPS: [(&str, &str); 3] = [
    (
        "Proposta,=1+2+cmd|' /C calc'!A0",
        "Testo con un elenco:\n- primo punto;@SUM(1+1)\n+ secondo",
    ),
    (
        "Proposta, \"=HYPERLINK(1)\"",
        "Colonna\t=1+2+cmd|' /C calc'!A0",
    ),
    ("Proposta; -2+3", "Una proposta in una riga,\n=1+1"),
];

const SIGNS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn starts_a_formula(cell: &str) -> bool {
    cell.trim_start_matches([' ', '"']).starts_with(SIGNS)
}

/// Every cell as a reader with `delimiter` sees it (rows of any length).
fn cells_with(bytes: &[u8], delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .flat_map(|record| {
            record
                .unwrap()
                .iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[actix_web::test]
async fn no_reader_finds_a_formula_whatever_its_delimiter() {
    let app = TestApp::spawn().await;
    for (title, body) in TRAPS {
        let submission = with(example_submission(), "title", json!(title));
        app.submit_ok(&with(submission, "body", json!(body))).await;
    }
    let researcher = app.researcher().await;
    let (_, bytes) = download(&app, &researcher, "format=csv").await;

    for delimiter in [b';', b',', b'\t'] {
        let cells = cells_with(&bytes, delimiter);
        for cell in cells {
            assert!(
                !starts_a_formula(&cell),
                "a {:?} reader gets {cell:?}",
                delimiter as char
            );
        }
    }
    // The semicolon reader, the file's own, gets each text with its
    // apostrophes and nothing else changed.
    let cells = cells_with(&bytes, b';');
    assert_eq!(cells.len(), 4 * 22);
    assert!(cells.contains(&"Proposta,'=1+2+cmd|' /C calc'!A0".to_owned()));
    assert!(cells.contains(&"Colonna\t'=1+2+cmd|' /C calc'!A0".to_owned()));
    assert!(cells.contains(&"Proposta,' \"=HYPERLINK(1)\"".to_owned()));
    assert!(cells.contains(&"Proposta;' -2+3".to_owned()));
    assert!(
        cells.contains(&"Testo con un elenco:\n'- primo punto;'@SUM(1+1)\n'+ secondo".to_owned())
    );
    // Every text field is quoted.
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("\"id\";\"reference\";"), "{}", &text[..40]);

    pandas_finds_no_formula(&bytes);
}

/// The same check with pandas, as a researcher reads the file, when pandas
/// is installed.
fn pandas_finds_no_formula(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    std::fs::write(&path, bytes).unwrap();
    let script = r#"
import sys
import pandas as pd
found = []
for sep in [";", ",", "\t"]:
    try:
        frame = pd.read_csv(sys.argv[1], sep=sep, header=None, names=range(60), dtype=str,
                            encoding="utf-8-sig", keep_default_na=False)
    except pd.errors.ParserError:
        # A reader that gives up shows no cell at all; the file's own must not.
        assert sep != ";", "pandas cannot read the export"
        continue
    if sep == ";":
        assert len(frame) == 4, frame
    for cell in frame.to_numpy().flatten():
        if str(cell).lstrip(' "').startswith(("=", "+", "-", "@", "\t", "\r")):
            found.append((sep, cell))
print(repr(found))
sys.exit(1 if found else 0)
"#;
    let Ok(output) = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
    else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("No module named 'pandas'") {
        eprintln!("pandas is not installed: its check of the CSV export is skipped");
        return;
    }
    assert!(
        output.status.success(),
        "pandas finds formulas: {}{stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
}
