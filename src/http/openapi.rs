//! The OpenAPI document: generated from the handlers by utoipa, completed
//! with what the Italian interoperability guidelines ask for.

use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::server::{ServerBuilder, ServerVariableBuilder};
use utoipa::openapi::{OpenApi as Document, Paths};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use super::API_BASE;
use crate::domain::{AuditAction, TargetType};
use crate::error::{Problem, ProblemField};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rinasce Firenze — contributi",
        version = "1.0.0",
        description = "API del Comune di Firenze per raccogliere i contributi dei cittadini, delle associazioni culturali e delle associazioni di categoria a «Rinasce Firenze», la strategia partecipata per la ripartenza della città, e per seguire l'indicatore del PEG (300 contributi ricevuti tramite il modulo della Rete Civica). Gli errori seguono RFC 9457 (application/problem+json); i messaggi sono in italiano, in inglese con `Accept-Language: en`.",
        contact(name = "Comune di Firenze — Rete Civica", email = "retecivica@comune.fi.it", url = "https://www.comune.fi.it"),
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    tags(
        (name = "contributi", description = "Invio dei contributi e consultazione di quelli pubblicati."),
        (name = "aree-tematiche", description = "Le aree tematiche del documento «Rinasce Firenze»."),
        (name = "indicatori", description = "Avanzamento verso l'obiettivo del PEG."),
        (name = "stato", description = "Stato del servizio."),
        (name = "moderazione", description = "Revisione dei contributi (ruolo moderator)."),
        (name = "esportazioni", description = "Esportazioni pseudonimizzate per la ricerca (CSV, XLSX, JSON, NDJSON, REFI-QDA) e descrittore Frictionless Data Package (ruoli researcher e moderator)."),
        (name = "amministrazione", description = "Account del personale, aree tematiche e registro di audit (ruolo admin)."),
    ),
    components(schemas(Problem, ProblemField, AuditAction, TargetType)),
)]
struct BaseDocument;

pub fn base_document() -> Document {
    BaseDocument::openapi()
}

/// Adds what utoipa cannot derive, and moves the `/api/v1` prefix from the
/// paths into the server URLs (the guidelines expect `/status` as a path).
pub fn finish(mut document: Document) -> Document {
    document.info.extensions = Some(
        ExtensionsBuilder::new()
            .add(
                "x-summary",
                "Contributi dei cittadini a «Rinasce Firenze» e indicatore del PEG.",
            )
            .add("x-api-id", "d1f0c9a2-6f3e-4c1b-9a57-2b8e0e7a4c11")
            .build(),
    );
    document.info.terms_of_service = Some("https://www.comune.fi.it/pagina/privacy".into());
    document.servers = Some(vec![
        ServerBuilder::new()
            .url(API_BASE)
            .description(Some("Questo server (sviluppo e prove)."))
            .extensions(Some(
                ExtensionsBuilder::new().add("x-sandbox", true).build(),
            ))
            .build(),
        ServerBuilder::new()
            .url(format!("https://{{host}}{API_BASE}"))
            .description(Some("Produzione, dietro il proxy del Comune."))
            .parameter(
                "host",
                ServerVariableBuilder::new()
                    .default_value("rinasce.comune.fi.it")
                    .description(Some("Nome host del servizio.")),
            )
            .build(),
    ]);
    let components = document.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "Token del personale, creato con `rinasce staff add` o da un admin.",
                ))
                .build(),
        ),
    );
    let mut paths = Paths::new();
    for (path, item) in std::mem::take(&mut document.paths.paths) {
        let relative = path.strip_prefix(API_BASE).unwrap_or(&path).to_owned();
        paths.paths.insert(relative, item);
    }
    document.paths = paths;
    drop_unreferenced_schemas(&mut document);
    document
}

/// utoipa inlines generic pages (`Page<AuditEvent>`), which can leave a
/// schema registered but unused; unused components are noise to clients.
fn drop_unreferenced_schemas(document: &mut Document) {
    let text = serde_json::to_string(&document.paths).unwrap_or_default();
    let Some(components) = document.components.as_mut() else {
        return;
    };
    let schemas_text = serde_json::to_string(&components.schemas).unwrap_or_default();
    components.schemas.retain(|name, _| {
        let reference = format!("\"#/components/schemas/{name}\"");
        text.contains(&reference) || schemas_text.contains(&reference)
    });
}

/// Swagger UI at `/docs`, served from the binary, and the document at
/// `/api/v1/openapi.json`.
pub fn swagger_ui(document: Document) -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url(format!("{API_BASE}/openapi.json"), document)
}

/// `/docs` → `/docs/`, where Swagger UI's relative asset links resolve.
pub async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}

/// The document as committed in `openapi/openapi.json`: keys sorted, so
/// that the output is the same at every run (utoipa keeps extensions in a
/// hash map).
pub fn to_pretty_json(document: &Document) -> String {
    let value = serde_json::to_value(document).expect("the OpenAPI document serialises");
    let mut json = serde_json::to_string_pretty(&sorted(value)).expect("JSON serialises");
    json.push('\n');
    json
}

fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use crate::http::admin::areas::{NewThematicArea, ThematicAreaPatch};
    use crate::http::admin::erasure::ErasureRequest;
    use crate::http::admin::staff::{NewStaffAccount, StaffAccountPatch};
    use crate::http::contributions::{SubmissionRules, AUTHOR_FIELDS, MEETING_FIELDS};
    use crate::http::input::DocumentedBody;
    use crate::http::moderation::bulk::BulkAction;
    use crate::http::moderation::notes::NewNote;
    use crate::http::moderation::review::ModerationPatch;
    use crate::http::moderation::tags::{TagMerge, TagPatch};

    /// The bodies are read field by field (so that one answer names every
    /// failing field); the documented types must name the same fields.
    #[test]
    fn documented_fields_are_the_parsed_ones() {
        let document = serde_json::to_value(crate::http::openapi_document()).unwrap();
        let schemas = &document["components"]["schemas"];
        let parsed: &[(&str, Vec<&str>)] = &[
            ("ContributionSubmission", SubmissionRules::Form.fields()),
            ("AuthorSubmission", AUTHOR_FIELDS.to_vec()),
            ("OfflineContribution", SubmissionRules::Offline.fields()),
            ("OfflineAuthor", AUTHOR_FIELDS.to_vec()),
            ("OfflineMeeting", MEETING_FIELDS.to_vec()),
            ("ModerationPatch", ModerationPatch::FIELDS.to_vec()),
            ("NewNote", NewNote::FIELDS.to_vec()),
            ("TagPatch", TagPatch::FIELDS.to_vec()),
            ("TagMerge", TagMerge::FIELDS.to_vec()),
            ("BulkAction", BulkAction::FIELDS.to_vec()),
            ("NewStaffAccount", NewStaffAccount::FIELDS.to_vec()),
            ("StaffAccountPatch", StaffAccountPatch::FIELDS.to_vec()),
            ("NewThematicArea", NewThematicArea::FIELDS.to_vec()),
            ("ThematicAreaPatch", ThematicAreaPatch::FIELDS.to_vec()),
            ("ErasureRequest", ErasureRequest::FIELDS.to_vec()),
        ];
        for (schema, fields) in parsed {
            let properties = schemas[schema]["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{schema} is not documented"));
            let mut documented: Vec<&str> = properties.keys().map(String::as_str).collect();
            let mut fields = fields.clone();
            documented.sort_unstable();
            fields.sort_unstable();
            assert_eq!(documented, fields, "{schema}");
        }
    }
}
