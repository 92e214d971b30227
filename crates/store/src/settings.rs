//! Settings an administrator may change at run time (stored, so every instance sees them).

use crate::areas::Reference;
use crate::db::{Conn, Json, Q, record};
use crate::error::{StoreError, StoreResult};
use crate::versioned::changed;

use rectify_domain::accountability::{PointsScheme, ProposalRules};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::CaseDueRule;
use rectify_domain::light::LightRule;
use rectify_domain::{DomainError, Entity, Issue};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    /// A deadline this many working days away or closer shows yellow.
    pub yellow_working_days: u32,
    /// Working days a unit has to reply to a case, by case type (urgent cases: the same day).
    #[serde(default)]
    pub case_due: CaseDueRule,
    /// When the system proposes accountability actions.
    #[serde(default)]
    pub proposal_rules: ProposalRules,
    /// Staff members' yearly points and what each deduction costs.
    #[serde(default)]
    pub points: PointsScheme,
    /// The issuing office printed on bulletins (简报) unless a bulletin names another.
    #[serde(default = "default_office_name")]
    pub office_name: String,
    /// Units with fewer problems than this are not ranked (a unit with one closed item is not
    /// ahead of one that closed 40 of 42); they are listed apart.
    #[serde(default = "default_ranking_min_items")]
    pub ranking_min_items: u32,
    /// The office accepts (受理) a received case within this many working days; the inbox flags
    /// the cases still waiting after that.
    #[serde(default = "default_accept_within")]
    pub accept_within_working_days: u32,
}

fn default_accept_within() -> u32 {
    rectify_domain::case::ACCEPT_WITHIN_WORKING_DAYS
}

fn default_office_name() -> String {
    "作风建设领导小组办公室".into()
}

fn default_ranking_min_items() -> u32 {
    5
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            yellow_working_days: LightRule::default().yellow_working_days,
            case_due: CaseDueRule::default(),
            proposal_rules: ProposalRules::default(),
            points: PointsScheme::default(),
            office_name: default_office_name(),
            ranking_min_items: default_ranking_min_items(),
            accept_within_working_days: default_accept_within(),
        }
    }
}

impl Settings {
    pub fn light_rule(&self) -> LightRule {
        LightRule { yellow_working_days: self.yellow_working_days }
    }
}

/// Body of `PUT /api/v1/settings`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub yellow_working_days: Option<i64>,
    /// Replaces the reply deadlines by case type (each 0–60 working days).
    pub case_due: Option<CaseDueRule>,
    /// Replaces the thresholds of the proposing rules (each 0–250 working days).
    pub proposal_rules: Option<ProposalRules>,
    /// Replaces the points scheme (yearly 1–100; 1–20 deduction types costing 1–100 each).
    pub points: Option<PointsScheme>,
    /// The issuing office on bulletins (1–100 characters).
    pub office_name: Option<String>,
    /// The fewest problems a unit needs to be ranked (1–1000).
    pub ranking_min_items: Option<i64>,
    /// Working days the office has to accept a received case (0–30).
    pub accept_within_working_days: Option<i64>,
}

const KEY: &str = "settings";

/// About a year of working days: a threshold beyond it would never fire.
const MAX_RULE_DAYS: u32 = 250;

/// A points scheme an office can run: a sensible yearly allowance and named, priced deductions.
fn check_points(s: &PointsScheme) -> StoreResult<()> {
    let bad = |field: &str, issue| Err(DomainError::field(field, issue).into());
    if !(1..=100).contains(&s.yearly) {
        return bad("points.yearly", Issue::OutOfRange { min: 1, max: 100 });
    }
    if s.deductions.is_empty() || s.deductions.len() > 20 {
        return bad("points.deductions", Issue::OutOfRange { min: 1, max: 20 });
    }
    for (i, (name, cost)) in s.deductions.iter().enumerate() {
        let well_formed = !name.is_empty()
            && name.len() <= 40
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return bad(&format!("points.deductions[{i}]"), Issue::Malformed { expected: "snake_case name".into() });
        }
        if !(1..=100).contains(cost) {
            return bad(&format!("points.deductions[{i}]"), Issue::OutOfRange { min: 1, max: 100 });
        }
    }
    if s.deductions.iter().enumerate().any(|(i, (n, _))| s.deductions[..i].iter().any(|(m, _)| m == n)) {
        return bad("points.deductions", Issue::Duplicate);
    }
    Ok(())
}

pub(crate) async fn load(c: &mut Conn<'_>) -> StoreResult<Settings> {
    record! {
        struct Row {
            value: Settings as Json,
        }
    }
    let row: Option<Row> = c.fetch_optional(Q::new("SELECT value FROM settings WHERE key = $1").bind(KEY)).await?;
    Ok(row.map(|r| r.value).unwrap_or_default())
}

impl Reference<'_> {
    /// The settings, for the use cases that apply them.
    pub async fn settings(&self) -> StoreResult<Settings> {
        self.reference_cache.settings(&self.db).await
    }

    /// The settings for someone reading them: every account may (forms show the rules).
    pub async fn view_settings(&self, actor: &Actor) -> StoreResult<Settings> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        self.reference().settings().await
    }

    pub async fn update_settings(&self, actor: &Actor, input: SettingsInput) -> StoreResult<Settings> {
        authorize(actor, Permission::ManageSettings, Party::Office)?;
        let (now, today) = (self.now(), self.today());
        let actor = actor.clone();
        let saved = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = load(&mut c).await?;
                    let mut after = before.clone();
                    if let Some(d) = input.yellow_working_days {
                        if !(0..=30).contains(&d) {
                            return Err(DomainError::field(
                                "yellow_working_days",
                                Issue::OutOfRange { min: 0, max: 30 },
                            )
                            .into());
                        }
                        after.yellow_working_days = d as u32;
                    }
                    if let Some(rule) = input.case_due {
                        if rule.values().iter().any(|d| *d > 60) {
                            return Err(DomainError::field("case_due", Issue::OutOfRange { min: 0, max: 60 }).into());
                        }
                        after.case_due = rule;
                    }
                    if let Some(mut rules) = input.proposal_rules {
                        // Switched on now unless the office says since when (or did before).
                        rules.since = rules.since.or(after.proposal_rules.since).or(Some(today));
                        let limit = |d: u32| d > MAX_RULE_DAYS;
                        if limit(rules.red_working_days) || limit(rules.overdue_after_reminder_working_days) {
                            let range = Issue::OutOfRange { min: 0, max: i64::from(MAX_RULE_DAYS) };
                            return Err(DomainError::field("proposal_rules", range).into());
                        }
                        after.proposal_rules = rules;
                    }
                    if let Some(points) = input.points {
                        check_points(&points)?;
                        after.points = points;
                    }
                    if input.office_name.is_some() {
                        after.office_name =
                            rectify_domain::text::required("office_name", input.office_name.as_deref(), 100)
                                .map_err(|e| DomainError::Invalid(vec![e]))?;
                    }
                    if let Some(n) = input.ranking_min_items {
                        if !(1..=1000).contains(&n) {
                            let range = Issue::OutOfRange { min: 1, max: 1000 };
                            return Err(DomainError::field("ranking_min_items", range).into());
                        }
                        after.ranking_min_items = n as u32;
                    }
                    if let Some(n) = input.accept_within_working_days {
                        if !(0..=30).contains(&n) {
                            let range = Issue::OutOfRange { min: 0, max: 30 };
                            return Err(DomainError::field("accept_within_working_days", range).into());
                        }
                        after.accept_within_working_days = n as u32;
                    }
                    let json = serde_json::to_string(&after).map_err(|e| StoreError::Encode(e.to_string()))?;
                    c.execute(
                        Q::new(
                            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
                             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                        )
                        .bind(KEY)
                        .bind(json)
                        .bind(now),
                    )
                    .await?;
                    changed(&mut c, &actor, now, Entity::Settings, KEY, "update", None, &before, after).await
                })
            })
            .await?;
        self.reference_cache.invalidate();
        Ok(saved)
    }
}
