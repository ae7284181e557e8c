//! How moderators see a contribution: personal data included.

use actix_web::http::header;
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::moderation::ContributionDetail;
use crate::clock;
use crate::db::claims::ClaimRow;
use crate::db::meetings::MeetingRow;
use crate::db::notes::NoteRow;
use crate::domain::{AuthorKind, Channel, ContributionStatus, Reference};

/// The author as moderators see it, personal data included.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorView {
    pub kind: AuthorKind,
    #[schema(max_length = 80)]
    pub given_name: Option<String>,
    #[schema(max_length = 80)]
    pub family_name: Option<String>,
    #[schema(max_length = 200)]
    pub organization_name: Option<String>,
    #[schema(max_length = 254)]
    pub email: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 5)]
    pub quartiere: Option<u8>,
}

/// An internal note; never exported to researchers or shown to the public.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    pub id: Uuid,
    pub author_id: Uuid,
    #[schema(max_length = 200)]
    pub author_name: String,
    #[schema(max_length = 5000)]
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl From<NoteRow> for NoteView {
    fn from(note: NoteRow) -> NoteView {
        NoteView {
            id: note.id.uuid(),
            author_id: note.author_id.uuid(),
            author_name: note.author_name,
            text: note.text,
            created_at: clock::utc(note.created_at),
        }
    }
}

/// Who is reviewing a pending contribution, until when: a warning for the
/// other moderators, not a lock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimView {
    pub staff_id: Uuid,
    #[schema(max_length = 200, example = "Anna Bianchi")]
    pub staff_name: String,
    pub claimed_until: DateTime<Utc>,
}

impl From<ClaimRow> for ClaimView {
    fn from(claim: ClaimRow) -> ClaimView {
        ClaimView {
            staff_id: claim.staff_id.uuid(),
            staff_name: claim.staff_name,
            claimed_until: clock::utc(claim.claimed_until),
        }
    }
}

/// The meeting an offline contribution was handed in at.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingView {
    #[schema(max_length = 200, example = "Assemblea pubblica del Quartiere 4")]
    pub name: String,
    /// The day it was held.
    pub date: NaiveDate,
    /// The quartiere that held it; `null` for an event of the whole city.
    #[schema(format = Int32, minimum = 1, maximum = 5)]
    pub quartiere: Option<u8>,
}

impl From<MeetingRow> for MeetingView {
    fn from(meeting: MeetingRow) -> MeetingView {
        MeetingView {
            name: meeting.name,
            date: meeting.held_on,
            quartiere: meeting.quartiere.and_then(|q| u8::try_from(q).ok()),
        }
    }
}

/// A contribution as moderators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModerationContribution {
    pub id: Uuid,
    #[schema(max_length = 20, example = "RF-000042")]
    pub reference: String,
    pub channel: Channel,
    pub status: ContributionStatus,
    /// Why it was rejected or hidden.
    #[schema(max_length = 1000)]
    pub status_reason: Option<String>,
    /// The contribution this one duplicates.
    pub duplicate_of: Option<Uuid>,
    #[schema(max_length = 64)]
    pub thematic_area: String,
    #[schema(max_length = 150)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub body: String,
    pub author: AuthorView,
    pub contact_consent: bool,
    /// Whether the author accepted the privacy notice: always on the form;
    /// for an offline contribution, as the moderator who registered it said.
    pub privacy_notice_accepted: bool,
    /// The meeting it was handed in at (channel `event`); `null` otherwise.
    pub meeting: Option<MeetingView>,
    pub received_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The staff member who registered an offline contribution.
    pub registered_by: Option<Uuid>,
    #[schema(max_items = 100)]
    pub tags: Vec<String>,
    #[schema(max_items = 1000)]
    pub notes: Vec<NoteView>,
    /// The moderator reviewing it while it is pending; `null` when nobody is.
    pub claim: Option<ClaimView>,
    /// Increases at every change; sent as the `ETag`.
    #[schema(format = Int64, minimum = 1)]
    pub version: i64,
}

impl From<ContributionDetail> for ModerationContribution {
    fn from(
        ContributionDetail {
            row,
            tags,
            notes,
            claim,
            meeting,
        }: ContributionDetail,
    ) -> Self {
        ModerationContribution {
            id: row.id.uuid(),
            reference: Reference::from_sequence(row.seq).to_string(),
            channel: row.channel,
            status: row.status,
            status_reason: row.status_reason,
            duplicate_of: row.duplicate_of.map(Uuid::from),
            thematic_area: row.thematic_area,
            title: row.title,
            body: row.body,
            author: AuthorView {
                kind: row.author_kind,
                given_name: row.given_name,
                family_name: row.family_name,
                organization_name: row.organization_name,
                email: row.email,
                quartiere: row.quartiere.and_then(|q| u8::try_from(q).ok()),
            },
            contact_consent: row.contact_consent,
            privacy_notice_accepted: row.privacy_notice_accepted,
            meeting: meeting.map(MeetingView::from),
            received_at: clock::utc(row.received_at),
            published_at: row.published_at.map(clock::utc),
            updated_at: clock::utc(row.updated_at),
            registered_by: row.registered_by.map(Uuid::from),
            tags,
            notes: notes.into_iter().map(NoteView::from).collect(),
            claim: claim.map(ClaimView::from),
            version: row.version,
        }
    }
}

/// The contribution with its version as `ETag`; never cached.
pub fn with_etag(
    view: &ModerationContribution,
    mut response: actix_web::HttpResponseBuilder,
) -> HttpResponse {
    response
        .insert_header((header::ETAG, format!("\"v{}\"", view.version)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(view)
}

/// A JSON answer with personal data: never cached.
pub fn no_store(
    mut response: actix_web::HttpResponseBuilder,
    body: impl Serialize,
) -> HttpResponse {
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}
