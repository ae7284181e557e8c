//! `/exports/…`: research exports and their data package descriptor.
//!
//! The export runs on a blocking thread that takes a pooled connection for
//! each batch of rows only; what it writes goes to the response through a
//! bounded channel, 64 KiB at a time, so memory stays flat and a slow client
//! slows the export down instead of filling a buffer. A client that stops
//! reading for `RINASCE_EXPORT_WRITE_TIMEOUT_SECONDS` ends the export, and an
//! account runs at most `RINASCE_EXPORTS_PER_ACCOUNT` exports at once (429
//! beyond). The first chunk is awaited before the response starts:
//! a failure before any data (database down, too many rows for XLSX) is an
//! ordinary problem response; a failure later cuts the transfer short.

use std::io::{self, Read, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::IntoParams;

use super::auth::{Exporter, Staff};
use super::export_slots::{ExportSlot, RETRY_AFTER_SECONDS};
use super::input::{reject_unknown_parameters, FieldErrors};
use super::AppState;
use crate::app::moderation::filter::check_known;
use crate::app::moderation::ModerationQuery;
use crate::app::AppError;
use crate::clock;
use crate::db::contributions::ModerationFilter;
use crate::db::Db;
use crate::domain::{Actor, FieldIssue, Role};
use crate::error::{ApiError, Problem};
use crate::exports::datapackage::{self, DataPackage};
use crate::exports::{self, Export, ExportError, ExportFormat, ExportRequest};
use crate::http::problems::{ExporterProblems, QueryProblems};
use crate::i18n::format::rome_date;

/// Size of the pieces sent to the client.
const CHUNK_BYTES: usize = 64 * 1024;
/// Pieces waiting for a slow client before the export pauses.
const CHANNEL_PIECES: usize = 16;
/// Moderation parameters that make no sense for a whole export.
pub(super) const PAGING_PARAMETERS: [&str; 3] = ["sort", "cursor", "limit"];

/// The parameters of an export besides the moderation filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportOptionsQuery {
    /// File format: `csv` (the default), `xlsx`, `json`, `ndjson`, `qdpx`
    /// (REFI-QDA project) or `qdc` (REFI-QDA codebook).
    #[param(value_type = Option<ExportFormat>, inline, example = "xlsx")]
    pub format: Option<String>,
    /// `true` adds `given_name`, `family_name` and `email` at the end (admins
    /// only; every such export is written to the audit log).
    #[param(value_type = Option<bool>, example = false)]
    pub include_personal_data: Option<String>,
}

/// The documented parameters of an export: its own, then the moderation
/// filters (without `sort`, `cursor` and `limit`: an export is never paged).
pub struct ExportParams;

impl IntoParams for ExportParams {
    fn into_params(parameter_in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = ExportOptionsQuery::into_params(&parameter_in_provider);
        params.extend(
            ModerationQuery::into_params(&parameter_in_provider)
                .into_iter()
                .filter(|p| !PAGING_PARAMETERS.contains(&p.name.as_str())),
        );
        params
    }
}

/// The parameter of the descriptor.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DataPackageQuery {
    /// `true` describes the export with personal data (admins only).
    #[param(value_type = Option<bool>, example = false)]
    pub include_personal_data: Option<String>,
}

/// The moderation filters of a whole selection (an export, a report): any
/// parameter that `P` does not document, paging ones included, is refused.
pub(super) fn whole_selection<P: IntoParams>(
    request: &HttpRequest,
    filters: &ModerationQuery,
    errors: &mut FieldErrors,
) -> ModerationFilter {
    reject_unknown_parameters::<P>(request, errors);
    filters.filter(errors)
}

/// The filter, once its areas and tags are known to exist.
pub(super) async fn known_filter(
    state: &AppState,
    filter: ModerationFilter,
) -> Result<ModerationFilter, AppError> {
    state
        .db
        .read(move |conn| check_known(conn, &filter).map(|()| filter))
        .await
}

pub(super) fn parse_flag(raw: Option<&str>, field: &str, errors: &mut FieldErrors) -> bool {
    match raw.map(str::trim) {
        None => false,
        Some(raw) if raw.eq_ignore_ascii_case("true") => true,
        Some(raw) if raw.eq_ignore_ascii_case("false") => false,
        Some(_) => {
            errors.add(field, FieldIssue::ExpectedBoolean);
            false
        }
    }
}

/// Export the contributions
///
/// Every contribution matching the moderation filters, every status but
/// `spam` and `hidden` unless `status` is given, in order of registration, with the
/// columns `id, reference, received_at, channel, thematic_area,
/// thematic_area_name, title, body, status, tags, author_kind,
/// organization_name, quartiere, author_pseudonym, published_at,
/// status_reason, duplicate_of, received_at_rome, published_at_rome`
/// (`duplicate_of`: the reference of the original of a duplicate; the
/// `_rome` columns: the same instants in Europe/Rome, with their offset)
/// (plus `given_name, family_name, email` with `include_personal_data=true`).
/// Pseudonymised: no name, e-mail, IP address or note; `author_pseudonym`
/// is a keyed hash of a random author group stored with the contribution
/// (shared by an author's confirmed contributions), the same in every
/// export and after erasure. In CSV every field is quoted, and a formula
/// sign (`=`, `+`, `-`, `@`, tab, CR) that begins a text or follows a comma,
/// semicolon, tab or line break in it is preceded by an apostrophe, so that
/// no spreadsheet runs it whatever delimiter it reads with; the other
/// formats keep the exact text. At most `RINASCE_EXPORTS_PER_ACCOUNT`
/// exports of one account run at once (429 beyond), and one whose client
/// stops reading ends after `RINASCE_EXPORT_WRITE_TIMEOUT_SECONDS`.
/// CSV, JSON and NDJSON are
/// streamed as the rows are read; XLSX is prepared in a temporary file
/// first (sheets `contributi` and `dizionario`).
///
/// `qdpx` is a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QDA Miner,
/// Quirkos and QualCoder, also prepared in a temporary file: a zip with
/// `project.qde` and one `sources/<guid>.txt` per contribution (title, a
/// blank line, text), each coded over its whole text with its thematic area
/// and tags (codes under "Area tematica" and "Tag"), with the variables
/// quartiere, author kind, channel, status, date received and author
/// pseudonym as variable values, cases (one per author pseudonym) and sets;
/// GUIDs are the same at every export. `qdc` is the codebook alone.
#[utoipa::path(
    get,
    path = "/exports/contributions",
    tag = "esportazioni",
    operation_id = "export_contributions",
    params(ExportParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The export, as a download: `Content-Disposition: attachment` with a file name that carries the date (`rinasce-contributi-2026-11-25.csv`); `Cache-Control: no-store`. CSV is UTF-8 with a BOM, semicolon-separated (RFC 4180, CRLF, header row); JSON is `{\"items\": [...]}`; NDJSON has one object per line.",
            content(
                (String = "text/csv"),
                (XlsxWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (ExportPage = "application/json"),
                (ExportItem = "application/x-ndjson"),
                (QdpxArchive = "application/zip"),
                (String = "application/xml"),
            )),
        ExporterProblems,
        (status = 422, description = "Invalid parameters, or more rows than an XLSX sheet holds.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This account already runs as many exports as it may (`RINASCE_EXPORTS_PER_ACCOUNT`).", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i32, description = "Seconds to wait."))),
        (status = 503, description = "The database does not answer.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/exports/contributions")]
pub async fn export_contributions(
    Exporter(staff): Exporter,
    state: web::Data<AppState>,
    http_request: HttpRequest,
    options: web::Query<ExportOptionsQuery>,
    filters: web::Query<ModerationQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let include_personal_data = parse_flag(
        options.include_personal_data.as_deref(),
        "include_personal_data",
        &mut errors,
    );
    if include_personal_data {
        staff.require(Role::PERSONAL_DATA_EXPORTERS)?;
    }
    let format = match options.format.as_deref() {
        None => ExportFormat::Csv,
        Some(raw) => ExportFormat::parse(raw).unwrap_or_else(|issue| {
            errors.add("format", issue);
            ExportFormat::Csv
        }),
    };
    let filter = whole_selection::<ExportParams>(&http_request, &filters, &mut errors);
    errors.finish(Some(()))?;
    let filter = known_filter(&state, filter).await?;
    send_export(
        &state,
        &staff,
        ExportRequest::new(format, filter, include_personal_data),
    )
    .await
}

/// Sends the export `request` as a download for `staff`, who may make it:
/// the API and the console alike. It takes one of the account's export
/// slots (429 when none is free) and runs on a blocking thread.
pub(super) async fn send_export(
    state: &AppState,
    staff: &Staff,
    request: ExportRequest,
) -> Result<HttpResponse, ApiError> {
    let slot = state
        .exports
        .take(&staff.id.to_string())
        .ok_or(ApiError::TooManyExports {
            limit: state.config.exports_per_account,
            retry_after: RETRY_AFTER_SECONDS,
        })?;
    let format = request.format;
    let file = exports::file_name(
        format,
        request.include_personal_data,
        rome_date(clock::now()),
    );
    let (sender, mut receiver) = mpsc::channel(CHANNEL_PIECES);
    let db = state.db.clone();
    let key = state.config.pseudonym_key.clone();
    let actor = Actor::Staff(staff.id);
    let finished = Arc::new(AtomicBool::new(false));
    let channel = Channel {
        sender,
        finished: finished.clone(),
        write_timeout: state.config.export_write_timeout,
        runtime: tokio::runtime::Handle::current(),
    };
    actix_web::rt::task::spawn_blocking(move || {
        run_export(&db, key.as_deref(), actor, request, channel, slot);
    });

    let (size, first) = match receiver.recv().await {
        Some(Piece::Failed(error)) => return Err(error),
        Some(Piece::Sized(length)) => (BodySize::Sized(length), None),
        Some(Piece::Data(bytes)) => (BodySize::Stream, Some(bytes)),
        None => (BodySize::Stream, None),
    };
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(ExportBody {
            first,
            receiver,
            size,
            finished,
        }))
}

/// Describe the CSV export as a data package
///
/// A Frictionless Data Package descriptor of the CSV export: each column's
/// name, type, Italian description and allowed values. Save it beside a
/// CSV export made the same day and run `frictionless validate
/// datapackage.json`.
#[utoipa::path(
    get,
    path = "/exports/datapackage.json",
    tag = "esportazioni",
    operation_id = "show_export_datapackage",
    params(DataPackageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The descriptor.", body = DataPackage),
        ExporterProblems,
        QueryProblems,
    )
)]
#[get("/exports/datapackage.json")]
pub async fn show_export_datapackage(
    Exporter(staff): Exporter,
    state: web::Data<AppState>,
    query: web::Query<DataPackageQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let include_personal_data = parse_flag(
        query.include_personal_data.as_deref(),
        "include_personal_data",
        &mut errors,
    );
    errors.finish(Some(()))?;
    if include_personal_data {
        staff.require(Role::PERSONAL_DATA_EXPORTERS)?;
    }
    let descriptor = datapackage::current(&state.db, include_personal_data).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(descriptor))
}

/// The one place where an export failure becomes a problem response: a
/// database that does not answer is a 503 as everywhere else, too many rows
/// for a sheet is the client's to fix (422), the rest is ours (500).
impl From<ExportError> for ApiError {
    fn from(error: ExportError) -> ApiError {
        match error {
            ExportError::Db(error) => error.into(),
            ExportError::TooManyRows { max } => {
                ApiError::validation("format", FieldIssue::TooManyItems { max: max as usize })
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// What the export thread sends to the response.
enum Piece {
    /// The length of the whole body, sent first when known (XLSX).
    Sized(u64),
    Data(Bytes),
    Failed(ApiError),
}

/// Runs an export on the current (blocking) thread, sending its bytes
/// through `channel`; an export with personal data is audited before the
/// response completes. The account's slot is given back when it ends.
fn run_export(
    db: &Db,
    configured_key: Option<&str>,
    actor: Actor,
    request: ExportRequest,
    channel: Channel,
    _slot: ExportSlot,
) {
    let format = request.format;
    let ran = exports::run(
        db,
        configured_key,
        actor,
        request,
        |db, export| match format {
            format if format.needs_file() => send_file(db, export, &channel),
            _ => {
                let mut out = ChannelWriter::new(channel.clone());
                export.write(db, &mut out)?;
                Ok(out.flush()?)
            }
        },
    );
    match ran {
        Ok(_) => channel.finished.store(true, Ordering::Release),
        // The client may be gone or stalled: never wait on it here.
        Err(error) => {
            let _ = channel.sender.try_send(Piece::Failed(error.into()));
        }
    }
}

/// XLSX and QDPX: the file is written to a temporary file, then sent from it.
fn send_file(db: &Db, export: &mut Export, channel: &Channel) -> Result<(), ExportError> {
    let file = tempfile::Builder::new()
        .prefix("rinasce-export-")
        .suffix(&format!(".{}", export.request().format.as_str()))
        .tempfile()?;
    export.write_file(db, file.path())?;
    let mut reader = std::fs::File::open(file.path())?;
    let length = reader.metadata()?.len();
    channel.send(Piece::Sized(length))?;
    let mut buffer = vec![0u8; CHUNK_BYTES];
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        channel.send(Piece::Data(Bytes::copy_from_slice(&buffer[..read])))?;
    }
}

/// The export thread's end of the response channel.
#[derive(Clone)]
struct Channel {
    sender: mpsc::Sender<Piece>,
    /// Set once the export has written its last byte.
    finished: Arc<AtomicBool>,
    /// How long a piece may wait for room before the client counts as stalled.
    write_timeout: Duration,
    /// The worker's runtime, whose timer measures that wait.
    runtime: tokio::runtime::Handle,
}

impl Channel {
    /// Sends one piece, waiting at most the write timeout for the client to
    /// make room: `BrokenPipe` once the client has gone, `TimedOut` once it
    /// has stopped reading. Either stops the export.
    fn send(&self, piece: Piece) -> io::Result<()> {
        let sent = self
            .runtime
            .block_on(self.sender.send_timeout(piece, self.write_timeout));
        match sent {
            Ok(()) => Ok(()),
            Err(mpsc::error::SendTimeoutError::Closed(_)) => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the client went away",
            )),
            Err(mpsc::error::SendTimeoutError::Timeout(_)) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            )),
        }
    }
}

/// Collects writes into 64 KiB pieces for the response; fails once the
/// client has gone or stopped reading, which stops the export.
struct ChannelWriter {
    channel: Channel,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn new(channel: Channel) -> ChannelWriter {
        ChannelWriter {
            channel,
            buffer: Vec::with_capacity(CHUNK_BYTES),
        }
    }

    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK_BYTES));
        self.channel.send(Piece::Data(Bytes::from(full)))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send_buffer()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffer()
    }
}

/// The response body: the pieces of the channel as they come.
struct ExportBody {
    first: Option<Bytes>,
    receiver: mpsc::Receiver<Piece>,
    size: BodySize,
    /// Whether the export ran to its end: a channel that closes before
    /// (say, after the write timeout, when no error could be queued) cuts
    /// the transfer short rather than passing it off as complete.
    finished: Arc<AtomicBool>,
}

impl MessageBody for ExportBody {
    type Error = io::Error;

    fn size(&self) -> BodySize {
        self.size
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, io::Error>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(first)));
        }
        loop {
            return match self.receiver.poll_recv(cx) {
                Poll::Ready(Some(Piece::Data(bytes))) => Poll::Ready(Some(Ok(bytes))),
                Poll::Ready(Some(Piece::Sized(_))) => continue,
                Poll::Ready(Some(Piece::Failed(error))) => {
                    Poll::Ready(Some(Err(io::Error::other(error.to_string()))))
                }
                Poll::Ready(None) if self.finished.load(Ordering::Acquire) => Poll::Ready(None),
                Poll::Ready(None) => Poll::Ready(Some(Err(io::Error::other(
                    "the export stopped before its end",
                )))),
                Poll::Pending => Poll::Pending,
            };
        }
    }
}

/// Documentation only: the XLSX workbook, with the sheets `contributi` and
/// `dizionario`.
#[derive(utoipa::ToSchema)]
#[schema(format = Binary)]
#[allow(dead_code)]
pub struct XlsxWorkbook(String);

/// Documentation only: the REFI-QDA project archive (`.qdpx`).
#[derive(utoipa::ToSchema)]
#[schema(format = Binary)]
#[allow(dead_code)]
pub struct QdpxArchive(String);

/// Documentation only: the JSON export.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ExportPage {
    /// One object per contribution, in order of registration.
    #[schema(max_items = 10_000_000)]
    items: Vec<ExportItem>,
}

/// Documentation only: one exported contribution (a line of NDJSON, an item
/// of JSON, a row of CSV or XLSX).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ExportItem {
    id: uuid::Uuid,
    #[schema(max_length = 20, example = "RF-000042")]
    reference: String,
    received_at: chrono::DateTime<chrono::Utc>,
    channel: crate::domain::Channel,
    #[schema(max_length = 64, example = "mobilita-green")]
    thematic_area: String,
    #[schema(max_length = 200, example = "Mobilità green")]
    thematic_area_name: String,
    #[schema(max_length = 150)]
    title: String,
    #[schema(max_length = 5000)]
    body: String,
    status: crate::domain::ContributionStatus,
    /// The moderators' tags, sorted (comma-separated in CSV and XLSX).
    #[schema(max_items = 100)]
    tags: Vec<String>,
    author_kind: crate::domain::AuthorKind,
    #[schema(max_length = 200)]
    organization_name: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 5)]
    quartiere: Option<i32>,
    /// HMAC-SHA256 of the contribution's random author group: shared by
    /// the contributions whose author confirmed the address, its own for
    /// an unconfirmed one; kept after erasure; null without an e-mail.
    #[schema(max_length = 64, pattern = "^[0-9a-f]{64}$")]
    author_pseudonym: Option<String>,
    published_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The moderators' reason for the status, if given.
    #[schema(max_length = 1000)]
    status_reason: Option<String>,
    /// For a duplicate, the reference of the original.
    #[schema(max_length = 20, example = "RF-000041")]
    duplicate_of: Option<String>,
    /// `received_at` in Europe/Rome, with its offset.
    #[schema(max_length = 40, example = "2026-11-25T10:30:00.000000+01:00")]
    received_at_rome: String,
    /// `published_at` in Europe/Rome, with its offset.
    #[schema(max_length = 40, example = "2026-11-25T10:30:00.000000+01:00")]
    published_at_rome: Option<String>,
    /// Only with `include_personal_data=true`.
    #[schema(max_length = 80)]
    given_name: Option<String>,
    /// Only with `include_personal_data=true`.
    #[schema(max_length = 80)]
    family_name: Option<String>,
    /// Only with `include_personal_data=true`.
    #[schema(max_length = 254)]
    email: Option<String>,
}
