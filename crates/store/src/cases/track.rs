//! What the citizen sees: `/api/v1/track/{code}` and their one rating per reply. A wrong code and
//! a wrong phone tail get the same "not found"; the edge limits how often a client may try.

use super::flow::fire_case;
use super::{COLUMNS, CaseRow, public_events, row};
use crate::areas::Cases;
use crate::db::{Conn, Q};
use crate::error::StoreResult;
use chrono::NaiveDate;
use rectify_domain::actor::Actor;
use rectify_domain::attachment::AttachmentMeta;
use rectify_domain::case::{
    CaseAction, CaseParty, CaseState, CaseTransitionRequest, PublicEvent, RatingRequest, Satisfaction, StepView,
    TrackingCode, VisitMethod, progress, public_timeline,
};
use rectify_domain::ids::AttachmentId;
use rectify_domain::{DomainError, Entity, Issue, Rule, text};
use rectify_vault::Keyring;
use serde::Serialize;

/// The public view of a case: no names, phones, notes or internal steps.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackView {
    pub tracking_code: String,
    pub state: CaseState,
    /// The five steps (已登记 → 已受理 → 已转办 → 已答复 → 已评价) and where the case stands.
    pub steps: Vec<StepView>,
    /// What the citizen sent: their title and text (phones, e-mails and ID numbers in it masked).
    pub title: Option<String>,
    pub content: String,
    /// The files they sent (served to them by `/track/photos/{id}` with the code and phone tail).
    pub files: Vec<AttachmentMeta>,
    /// The day the reply is due, while one is owed.
    pub reply_due: Option<NaiveDate>,
    /// The citizen's satisfaction with the latest reply, once known.
    pub satisfaction: Option<Satisfaction>,
    pub timeline: Vec<PublicEvent>,
    /// The unit's (or the office's) answer, once replied.
    pub answer: Option<String>,
    /// The citizen may rate the latest reply now.
    pub can_rate: bool,
}

fn not_found() -> DomainError {
    DomainError::not_found(Entity::TrackedCase, "")
}

/// The case behind a code and phone tail, or the one "not found" for every mismatch.
async fn find(c: &mut Conn<'_>, vault: &Keyring, code: &str, phone_tail: Option<&str>) -> StoreResult<CaseRow> {
    let code = TrackingCode::parse(code).ok_or_else(not_found)?;
    let r: Option<CaseRow> = c
        .fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM cases WHERE tracking_code = $1")).bind(code.as_str()))
        .await?;
    let r = r.ok_or_else(not_found)?;
    let phone = crate::pii::open(vault, crate::pii::PHONE, r.sealed_phone.as_deref())?;
    match phone.as_deref().map(tail_of) {
        // Anonymous cases are found by the code alone.
        None => Ok(r),
        Some(t) if phone_tail.map(str::trim) == Some(t.as_str()) => Ok(r),
        Some(_) => Err(not_found().into()),
    }
}

/// The last four digits of a phone: what the citizen gives with the code.
fn tail_of(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(4)..].iter().collect()
}

/// Once per reply: a new reply clears the previous rating.
fn can_rate(r: &CaseRow) -> StoreResult<bool> {
    Ok(r.state == CaseState::Replied && r.rated_at.is_none())
}

async fn view(c: &mut Conn<'_>, r: CaseRow) -> StoreResult<TrackView> {
    let id = r.id;
    let events = super::events(c, id).await?;
    let files = crate::attachments::metas_of_case(c, id).await?;
    // Owed until replied; again after a reopening.
    let owed = !r.state.is_final() && r.state != CaseState::Replied;
    Ok(TrackView {
        tracking_code: TrackingCode::parse(&r.tracking_code).map(|t| t.to_string()).unwrap_or_default(),
        state: r.state,
        steps: progress(r.state, r.satisfaction.is_some()),
        title: r.title.clone(),
        content: r.content.clone(),
        files,
        reply_due: if owed { r.due_on } else { None },
        satisfaction: r.satisfaction,
        timeline: public_timeline(&public_events(&events)),
        answer: if r.replied_at.is_some() { r.answer.clone() } else { None },
        can_rate: can_rate(&r)?,
    })
}

impl Cases<'_> {
    pub async fn track_case(&self, code: &str, phone_tail: Option<&str>) -> StoreResult<TrackView> {
        let (code, tail, vault) = (code.to_owned(), phone_tail.map(str::to_owned), self.vault.clone());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = find(&mut c, &vault, &code, tail.as_deref()).await?;
                    view(&mut c, r).await
                })
            })
            .await
    }

    /// A file the citizen sent with their case, to them only: the code and phone tail must
    /// match, and the file must be one of that case's; anything else is the one "not found".
    pub async fn tracked_file(
        &self,
        code: &str,
        phone_tail: Option<&str>,
        id: AttachmentId,
    ) -> StoreResult<crate::attachments::AttachmentFile> {
        let (code, tail, vault) = (code.to_owned(), phone_tail.map(str::to_owned), self.vault.clone());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = find(&mut c, &vault, &code, tail.as_deref()).await?;
                    let meta = crate::attachments::metas_of_case(&mut c, r.id)
                        .await?
                        .into_iter()
                        .find(|m| m.id == id)
                        .ok_or_else(|| DomainError::not_found(Entity::Attachment, id))?;
                    let bytes: Vec<u8> = c
                        .scalar(
                            Q::new("SELECT bytes FROM attachment_blobs WHERE sha256 = $1").bind(meta.sha256.as_str()),
                        )
                        .await?;
                    Ok(crate::attachments::AttachmentFile { meta, bytes })
                })
            })
            .await
    }

    /// The citizen's rating of the latest reply (five levels, once per reply). Unsatisfied, it
    /// sends the case back to its unit, and a problem made from it comes back (反弹).
    pub async fn rate_case(&self, code: &str, req: RatingRequest) -> StoreResult<TrackView> {
        let satisfaction = req.satisfaction.ok_or_else(|| DomainError::field("satisfaction", Issue::Required))?;
        let comment = text::optional("comment", req.comment.as_deref(), text::SHORT_MAX * 5)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        let ctx = self.case_context().await?;
        let (code, tail) = (code.to_owned(), req.phone_tail);
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = find(&mut c, &ctx.vault, &code, tail.as_deref()).await?;
                    if r.state != CaseState::Replied {
                        return Err(DomainError::rule(Rule::NotReplied, "satisfaction").into());
                    }
                    if !can_rate(&r)? {
                        return Err(DomainError::rule(Rule::AlreadyRated, "satisfaction").into());
                    }
                    let id = r.id;
                    let req = CaseTransitionRequest {
                        action: Some("visit".into()),
                        satisfaction: Some(satisfaction),
                        method: Some(VisitMethod::SelfRated),
                        note: comment,
                        ..Default::default()
                    };
                    fire_case(&mut c, &Actor::public(), r, CaseParty::Citizen, CaseAction::Visit, &req, &ctx).await?;
                    let r = row(&mut c, id).await?.ok_or_else(not_found)?;
                    view(&mut c, r).await
                })
            })
            .await
    }
}
