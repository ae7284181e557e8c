//! What the public side asks of the service: submitting through the form,
//! and reading published contributions and the thematic areas.

use crate::app::idempotency;
use crate::app::last_good::Fresh;
use crate::app::submissions::{
    ContributionInput, IdempotencyClaim, Stored, Submission, SubmissionReceipt, SubmitFailure,
};
use crate::app::{AppError, Resource, Services};
use crate::clock;
use crate::db::contribution_counts::Total;
use crate::db::contributions::{self, Order, Position, PublishedFilter};
use crate::db::models::{ContributionRow, ThematicAreaRow};
use crate::db::thematic_areas;
use crate::domain::{
    BotSignals, ConsultationState, ContributionId, FieldError, FieldIssue, Invalid, Reference,
    ThematicAreaCode,
};

/// How a form submission was answered.
pub enum Submitted {
    /// Stored now.
    New(Stored),
    /// The same body came before with this Idempotency-Key: its answer again.
    Replayed(SubmissionReceipt),
}

/// A submission from the form, as every front reads it: the contribution
/// (or every failing field), the area it names even when other fields
/// failed, and the client's Idempotency-Key with the hash of the body.
pub struct FormSubmission {
    pub input: Result<ContributionInput, Invalid>,
    pub area: Option<ThematicAreaCode>,
    pub idempotency: Option<IdempotencyClaim>,
    /// The honeypot and the form token, judged by `services.form_guard`.
    pub bot_signals: BotSignals,
    /// Whose quota of accepted submissions it uses, when known.
    pub client: Option<std::net::IpAddr>,
}

/// The form's use case: a replay answers as the first time did (even after
/// the consultation closed); outside the window nothing is accepted; one
/// answer names every failing field, the area included; a valid submission
/// is stored (grouped with concurrent ones, see `submissions`) and counted
/// at once, unless the form guard takes it for a bot's: then it is stored
/// as spam, unacknowledged and uncounted, and answered the same way.
pub async fn submit(services: &Services, form: FormSubmission) -> Result<Submitted, AppError> {
    if let Some(claim) = &form.idempotency {
        if let Some(receipt) = replay(services, claim).await? {
            return Ok(Submitted::Replayed(receipt));
        }
    }
    match services.config.consultation().state(clock::now()) {
        ConsultationState::Open => {}
        outside => return Err(AppError::ConsultationClosed(outside)),
    }
    let input = match form.input {
        Ok(input) => input,
        Err(invalid) => return Err(with_area_check(services, form.area, invalid).await),
    };
    let idempotency = form.idempotency.clone();
    let bot = services.form_guard.judge(&form.bot_signals, clock::now());
    match services
        .submission_writer
        .store(Submission {
            input,
            idempotency,
            bot,
            client: form.client,
        })
        .await
    {
        Ok(stored) => {
            services.indicators.invalidate();
            Ok(Submitted::New(stored))
        }
        // A concurrent request with the same key stored first.
        Err(SubmitFailure::KeyTaken) => match &form.idempotency {
            Some(claim) => replay(services, claim)
                .await?
                .map(Submitted::Replayed)
                .ok_or_else(|| AppError::Internal("idempotency key vanished".into())),
            None => Err(AppError::Internal("key taken without a key".into())),
        },
        Err(failure) => Err(failure.into()),
    }
}

/// When other fields failed, the area is still checked so that one answer
/// names every failing field.
async fn with_area_check(
    services: &Services,
    area: Option<ThematicAreaCode>,
    mut invalid: Invalid,
) -> AppError {
    if let Some(area) = area {
        match is_active_area(services, area).await {
            Ok(false) => invalid.0.push(FieldError {
                field: "thematic_area".into(),
                issue: FieldIssue::UnknownThematicArea,
            }),
            Ok(true) => {}
            Err(error) => return error,
        }
    }
    AppError::Invalid(invalid)
}

/// The stored answer for the claim's key, when the same body was sent before.
async fn replay(
    services: &Services,
    claim: &IdempotencyClaim,
) -> Result<Option<SubmissionReceipt>, AppError> {
    let claim = claim.clone();
    let stored = services
        .db
        .read(move |conn| idempotency::earlier(conn, &claim))
        .await?;
    let Some(answer) = stored.map(|row| row.response_body) else {
        return Ok(None);
    };
    let answer =
        answer.ok_or_else(|| AppError::Internal("form idempotency key without answer".into()))?;
    serde_json::from_str(&answer)
        .map(Some)
        .map_err(|e| AppError::Internal(format!("stored idempotent answer unreadable: {e}")))
}

/// Whether contributions may be sent to `area` now.
pub async fn is_active_area(services: &Services, area: ThematicAreaCode) -> Result<bool, AppError> {
    let found = services
        .db
        .read(move |conn| thematic_areas::find_active(conn, area.as_str()))
        .await?;
    Ok(found.is_some())
}

/// Every thematic area in display order, inactive ones included; while the
/// database does not answer, the list as last read.
pub async fn thematic_areas(services: &Services) -> Result<Fresh<Vec<ThematicAreaRow>>, AppError> {
    let read = services
        .db
        .read(|conn| thematic_areas::list(conn, false))
        .await
        .map_err(AppError::from);
    services.last_areas.or_last(read)
}

/// A page of published contributions with the total for its filters.
pub struct PublishedPage {
    /// In the order asked for, `limit + 1` at most, each with its position.
    pub rows: Vec<(ContributionRow, Position)>,
    pub total: Total,
}

/// Published contributions matching `filter`, and how many match in all.
pub async fn list_published(
    services: &Services,
    filter: PublishedFilter,
    order: Order,
    after: Option<Position>,
    limit: i64,
) -> Result<PublishedPage, AppError> {
    let many = services.many_matches.clone();
    services
        .db
        .read(move |conn| {
            let probe = many.probe(conn, &filter.selection())?;
            let rows =
                contributions::list_published(conn, &filter, probe.as_ref(), order, after, limit)?;
            let total = contributions::count_published(conn, &filter, probe.as_ref())?;
            Ok::<_, AppError>(PublishedPage { rows, total })
        })
        .await
}

/// The name of every thematic area by its code (inactive ones too).
pub async fn area_names(
    services: &Services,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(thematic_areas(services)
        .await?
        .value
        .into_iter()
        .map(|area| (area.code, area.name))
        .collect())
}

/// One published contribution; any other is not found.
pub async fn find_published(
    services: &Services,
    id: ContributionId,
) -> Result<ContributionRow, AppError> {
    services
        .db
        .read(move |conn| contributions::find_published(conn, id))
        .await?
        .ok_or(AppError::NotFound(Resource::Contribution))
}

/// One published contribution by its receipt reference (`RF-000042`).
pub async fn find_published_by_reference(
    services: &Services,
    reference: Reference,
) -> Result<ContributionRow, AppError> {
    services
        .db
        .read(move |conn| contributions::find_published_by_seq(conn, reference.sequence()))
        .await?
        .ok_or(AppError::NotFound(Resource::Contribution))
}
