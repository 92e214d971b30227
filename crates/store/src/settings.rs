//! Settings an administrator may change at run time (stored, so every instance sees them).

use crate::areas::Reference;
use crate::db::{Conn, Json, Q, record};
use crate::error::{StoreError, StoreResult};
use crate::versioned::changed;

use rectify_domain::accountability::{PointsScheme, ProposalRules};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::{CaseDueRule, TriageRules};
use rectify_domain::light::LightRule;
use rectify_domain::{DomainError, Entity, Issue};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The office's complaint phone (作风办监督电话), printed with its name at the foot of every
    /// page of a 便民服务一本通; none, and the foot names the office only.
    #[serde(default)]
    pub complaint_phone: Option<String>,
    /// Units with fewer problems than this are not ranked (a unit with one closed item is not
    /// ahead of one that closed 40 of 42); they are listed apart.
    #[serde(default = "default_ranking_min_items")]
    pub ranking_min_items: u32,
    /// The office accepts (受理) a received case within this many working days; the inbox flags
    /// the cases still waiting after that.
    #[serde(default = "default_accept_within")]
    pub accept_within_working_days: u32,
    /// The tile server the maps draw on; none, and the pages show the address text alone.
    #[serde(default)]
    pub map_tiles: Option<MapTiles>,
    /// Whether the model may route new cases, and when it is refitted.
    #[serde(default)]
    pub triage: TriageRules,
}

fn default_accept_within() -> u32 {
    rectify_domain::case::ACCEPT_WITHIN_WORKING_DAYS
}

/// A map tile server (天地图, or any other with a URL template), as an administrator configures it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapTiles {
    /// The tiles' address with `{z}`, `{x}`, `{y}`, optionally `{s}` (one of `subdomains`, in the
    /// host only) and `{key}`: `https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}`.
    pub url: String,
    /// What `{s}` stands for, e.g. `["0", "1", "2"]`.
    #[serde(default)]
    pub subdomains: Vec<String>,
    /// The credit the provider requires on the map, e.g. `天地图 审图号：GS(2024)0568号`.
    #[serde(default)]
    pub attribution: String,
    /// The provider's key (`tk`), put in for `{key}`. Browsers see it in the tiles' addresses,
    /// so it is no secret: restrict it to the site's domain at the provider.
    #[serde(default)]
    pub key: String,
    /// Where a map without points opens: `[latitude, longitude]`, e.g. the district's centre.
    #[serde(default = "default_center")]
    pub center: [f64; 2],
    /// How close a map without points opens (1–18).
    #[serde(default = "default_zoom")]
    pub zoom: u8,
    /// The closest zoom the server has tiles for (1–22).
    #[serde(default = "default_max_zoom")]
    pub max_zoom: u8,
}

fn default_center() -> [f64; 2] {
    [30.5928, 114.3055]
}

fn default_zoom() -> u8 {
    12
}

fn default_max_zoom() -> u8 {
    18
}

impl MapTiles {
    /// The origins tiles come from (`https://t0.tianditu.gov.cn`, one per subdomain), which the
    /// pages' Content-Security-Policy allows for images.
    pub fn origins(&self) -> Vec<String> {
        let (scheme, rest) = self.url.split_once("://").unwrap_or(("https", &self.url));
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.contains("{s}") {
            self.subdomains.iter().map(|s| format!("{scheme}://{}", host.replace("{s}", s))).collect()
        } else {
            vec![format!("{scheme}://{host}")]
        }
    }

    /// The URL template the map library reads (`{s}`, `{z}`, `{x}`, `{y}`), the key put in.
    pub fn template(&self) -> String {
        self.url.replace("{key}", &self.key)
    }

    /// Checks what an administrator typed; the host goes into a security header, so only plain
    /// host characters pass there.
    fn check(&self) -> Result<(), DomainError> {
        let bad = |field: &str, expected: rectify_domain::Expected| {
            Err(DomainError::field(format!("map_tiles.{field}"), Issue::Malformed { expected }))
        };
        let template = rectify_domain::Expected::TileTemplate;
        let Some((scheme, rest)) = self.url.split_once("://") else { return bad("url", template.clone()) };
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_ok = !host.is_empty()
            && host
                .replace("{s}", "a")
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| self.url.contains(p));
        if !matches!(scheme, "http" | "https") || !host_ok || !placeholders || self.url.len() > 1000 {
            return bad("url", template.clone());
        }
        if self.url.chars().any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>') {
            return bad("url", template.clone());
        }
        let sub_ok =
            |s: &String| !s.is_empty() && s.len() <= 20 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if (host.contains("{s}") && self.subdomains.is_empty())
            || self.subdomains.len() > 10
            || !self.subdomains.iter().all(sub_ok)
        {
            return bad("subdomains", rectify_domain::Expected::Subdomains);
        }
        if self.attribution.chars().count() > 200 {
            return Err(DomainError::field("map_tiles.attribution", Issue::TooLong { max: 200 }));
        }
        if self.key.len() > 200 || !self.key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return bad("key", rectify_domain::Expected::LettersAndDigits);
        }
        let [lat, lng] = self.center;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
            return Err(DomainError::field("map_tiles.center", Issue::OutOfRange { min: -180, max: 180 }));
        }
        if !(1..=18).contains(&self.zoom) {
            return Err(DomainError::field("map_tiles.zoom", Issue::OutOfRange { min: 1, max: 18 }));
        }
        if !(1..=22).contains(&self.max_zoom) {
            return Err(DomainError::field("map_tiles.max_zoom", Issue::OutOfRange { min: 1, max: 22 }));
        }
        Ok(())
    }
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
            complaint_phone: None,
            ranking_min_items: default_ranking_min_items(),
            accept_within_working_days: default_accept_within(),
            map_tiles: None,
            triage: TriageRules::default(),
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
    /// The office's complaint phone on the 便民服务一本通 (5–20 digits with `-`, `+`, brackets or
    /// spaces); an empty text removes it.
    pub complaint_phone: Option<String>,
    /// The fewest problems a unit needs to be ranked (1–1000).
    pub ranking_min_items: Option<i64>,
    /// Working days the office has to accept a received case (0–30).
    pub accept_within_working_days: Option<i64>,
    /// The map tile server; one with an empty `url` removes it (the maps give way to the address
    /// text).
    pub map_tiles: Option<MapTiles>,
    /// Replaces the routing and refit rules: `auto_route_above` 0.5–1.0 or null (a person
    /// routes every case), refits after 1–10000 confirmations or 1–10080 minutes.
    pub triage: Option<TriageRules>,
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
            return bad(
                &format!("points.deductions[{i}]"),
                Issue::Malformed { expected: rectify_domain::Expected::SnakeCase },
            );
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
                    if let Some(phone) = input.complaint_phone {
                        after.complaint_phone = rectify_domain::text::phone("complaint_phone", Some(&phone))
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
                    if let Some(tiles) = input.map_tiles {
                        after.map_tiles = if tiles.url.trim().is_empty() {
                            None
                        } else {
                            tiles.check()?;
                            Some(tiles)
                        };
                    }
                    if let Some(rules) = input.triage {
                        rules.check()?;
                        after.triage = rules;
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
