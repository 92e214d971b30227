//! Bulletins (简报) of a campaign, like seed 000's 《简报》第8期: a masthead with the issuing
//! office and date, an editor's note whose figures are the ledger's at that moment, written as
//! sentences ("各单位上报的98个第一批立改项目中，已有80个整改到位"), tables per unit and per
//! category, the overdue items, and items chosen by staff. A draft is composed over days; when
//! published it gets the campaign's next number and its content is frozen.
//!
//! The store gathers the facts; [`compose`] turns them into the [`BulletinContent`] every
//! rendering (page, DOCX, PDF) shows, so a preview and the published issue agree.

mod state;

pub use state::{BulletinDecision, BulletinMachine, BulletinRequest, BulletinStatus, BulletinStep, fire};

use crate::error::{DomainError, Issue, Problems};
use crate::figures::{GroupTally, LedgerRates, LedgerTally, ProblemFact, Ranking, rank, tally, tally_by};
use crate::ids::{BatchId, BulletinId, CampaignId, CaseId, ProblemId, UnitId};
use crate::light::LightThresholds;
use crate::patch::Change;
use crate::text;
use crate::time::Timestamp;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Items a bulletin may select (seed 000 prints seven units' practice).
pub const MAX_SELECTED: usize = 30;
/// Overdue items listed by name; the rest are counted.
pub const MAX_OVERDUE_LISTED: usize = 50;
/// Hot spots a bulletin prints at most.
pub const MAX_HOT_SPOTS: usize = 5;
/// Days up to the bulletin's moment its hot spots are mined from (the hot-spots page's default).
pub const HOT_SPOT_DAYS: u64 = 90;

/// The parts a bulletin shows besides the editor's note (all by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Sections {
    /// The table per unit, ranked.
    pub units: bool,
    /// The table per category.
    pub categories: bool,
    /// The overdue (red) items by name.
    pub overdue: bool,
    /// The charts (rates per unit, lights per unit).
    pub charts: bool,
    /// The hottest matters the public wrote about (热点问题).
    pub hot_spots: bool,
    /// The service windows' figures by unit (政务服务办件情况).
    pub services: bool,
}

impl Default for Sections {
    fn default() -> Self {
        Sections { units: true, categories: true, overdue: true, charts: true, hot_spots: true, services: true }
    }
}

/// A case or problem chosen by staff to be printed, with what they write about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Selection {
    pub problem_id: Option<ProblemId>,
    pub case_id: Option<CaseId>,
    /// The editor's words on it (做法, 成效).
    pub comment: Option<String>,
}

/// What staff write and choose: stored with the draft, and kept with the published issue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Composition {
    /// Text of the 【编者按】 before the figures' sentence.
    pub editor_note: Option<String>,
    /// Further paragraphs after the figures (blank lines separate paragraphs).
    pub body: Option<String>,
    pub selected: Vec<Selection>,
    pub sections: Sections,
}

/// Body of `POST /api/v1/bulletins`: a draft.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewBulletin {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub campaign_id: Option<CampaignId>,
    /// Limits the figures to one batch (第一批立改项目).
    pub batch_id: Option<BatchId>,
    /// The headline (defaults to the campaign's name).
    pub headline: Option<String>,
    /// The issuing office (defaults to the setting `office_name`).
    pub issuer: Option<String>,
    /// The date printed on the masthead (defaults to today).
    pub issued_on: Option<NaiveDate>,
    pub editor_note: Option<String>,
    pub body: Option<String>,
    #[serde(default)]
    pub selected: Vec<Selection>,
    pub sections: Option<Sections>,
}

/// Body of `PATCH /api/v1/bulletins/{id}` (drafts only).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulletinPatch {
    pub version: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub batch_id: Change<BatchId>,
    pub headline: Option<String>,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub editor_note: Change<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub body: Change<String>,
    pub selected: Option<Vec<Selection>>,
    pub sections: Option<Sections>,
}

/// A draft's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinFields {
    pub campaign_id: CampaignId,
    pub batch_id: Option<BatchId>,
    pub headline: Option<String>,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub composition: Composition,
}

fn check_composition(
    p: &mut Problems,
    editor_note: Option<&str>,
    body: Option<&str>,
    selected: &[Selection],
    sections: Sections,
) -> Option<Composition> {
    let editor_note = p.take(text::optional("editor_note", editor_note, text::TEXT_MAX));
    let body = p.take(text::optional("body", body, text::TEXT_MAX * 4));
    if selected.len() > MAX_SELECTED {
        p.push("selected", Issue::TooMany { max: MAX_SELECTED });
    }
    let mut chosen = Vec::with_capacity(selected.len());
    for (i, s) in selected.iter().enumerate() {
        match (s.problem_id, s.case_id) {
            (Some(_), None) | (None, Some(_)) => {}
            (None, None) => p.push(format!("selected[{i}].problem_id"), Issue::Required),
            (Some(_), Some(_)) => p.push(
                format!("selected[{i}].case_id"),
                Issue::Malformed { expected: crate::error::Expected::ProblemOrCase },
            ),
        }
        if selected[..i].iter().any(|o| o.problem_id == s.problem_id && o.case_id == s.case_id) {
            p.push(format!("selected[{i}]"), Issue::Duplicate);
        }
        let comment = p.take(text::optional(&format!("selected[{i}].comment"), s.comment.as_deref(), text::TEXT_MAX));
        chosen.push(Selection { problem_id: s.problem_id, case_id: s.case_id, comment: comment.flatten() });
    }
    Some(Composition { editor_note: editor_note?, body: body?, selected: chosen, sections })
}

impl NewBulletin {
    pub fn validate(&self) -> Result<BulletinFields, DomainError> {
        let mut p = Problems::new();
        if self.campaign_id.is_none() {
            p.push("campaign_id", Issue::Required);
        }
        let headline = p.take(text::optional("headline", self.headline.as_deref(), text::SHORT_MAX));
        let issuer = p.take(text::optional("issuer", self.issuer.as_deref(), text::SHORT_MAX));
        let composition = check_composition(
            &mut p,
            self.editor_note.as_deref(),
            self.body.as_deref(),
            &self.selected,
            self.sections.unwrap_or_default(),
        );
        p.finish(|| ())?;
        match (self.campaign_id, headline, issuer, composition) {
            (Some(campaign_id), Some(headline), Some(issuer), Some(composition)) => Ok(BulletinFields {
                campaign_id,
                batch_id: self.batch_id,
                headline,
                issuer,
                issued_on: self.issued_on,
                composition,
            }),
            _ => Err(DomainError::field("campaign_id", Issue::Required)),
        }
    }
}

impl BulletinPatch {
    pub fn apply(&self, b: &Bulletin) -> Result<BulletinFields, DomainError> {
        let mut p = Problems::new();
        if self.version.is_none() {
            p.push("version", Issue::Required);
        }
        let c = &b.composition;
        let merged = NewBulletin {
            campaign_id: Some(b.campaign_id),
            batch_id: self.batch_id.clone().apply_to(b.batch_id),
            headline: Some(self.headline.clone().unwrap_or_else(|| b.headline.clone())),
            issuer: Some(self.issuer.clone().unwrap_or_else(|| b.issuer.clone())),
            issued_on: Some(self.issued_on.unwrap_or(b.issued_on)),
            editor_note: self.editor_note.clone().apply_to(c.editor_note.clone()),
            body: self.body.clone().apply_to(c.body.clone()),
            selected: self.selected.clone().unwrap_or_else(|| c.selected.clone()),
            sections: Some(self.sections.unwrap_or(c.sections)),
        };
        let fields = merged.validate();
        p.finish(|| ())?;
        fields
    }
}

/// A bulletin as stored: the draft's composition and, once published, its frozen content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bulletin {
    pub id: BulletinId,
    pub campaign_id: CampaignId,
    pub batch_id: Option<BatchId>,
    /// 第N期, counted per campaign; given when published.
    pub number: Option<u32>,
    pub status: BulletinStatus,
    pub headline: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub composition: Composition,
    pub published_at: Option<Timestamp>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The frozen content of a published issue (single reads only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<BulletinContent>,
}

/// An overdue item named in a bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverdueItem {
    pub problem_id: ProblemId,
    pub reference: Option<String>,
    pub unit: String,
    pub description: String,
    pub due_on: NaiveDate,
    /// Working days past the due date.
    pub days_overdue: u32,
}

/// A chosen item as printed: what it was, what was done, and the editor's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelectedItem {
    pub problem_id: Option<ProblemId>,
    pub case_id: Option<CaseId>,
    pub unit: Option<String>,
    pub title: String,
    /// The problem's description or the citizen's message.
    pub text: String,
    /// The measures taken or the answer given.
    pub outcome: Option<String>,
    pub comment: Option<String>,
}

/// A hot spot (热点问题) as a bulletin prints it: where, what, how many and when, never which
/// messages; its description is a citizen's subject, so a phone, e-mail or ID number in it is
/// masked before a public issue prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinHotSpot {
    /// 地点.
    pub place: Option<String>,
    /// 人群.
    pub crowd: Option<String>,
    pub description: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub count: u64,
    /// The board's 点赞数 over its messages.
    pub likes: u64,
    pub heat: f64,
}

/// The hot spots of a bulletin and the days they were mined from (every figure says its scope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinHotSpots {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The hottest first, at most [`MAX_HOT_SPOTS`].
    pub items: Vec<BulletinHotSpot>,
}

/// The service figures a bulletin prints: each unit's service cases received in the months
/// `from_month` to `to_month` (every figure says its scope), with the whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinServices {
    pub from_month: String,
    pub to_month: String,
    pub total: BulletinServiceLine,
    /// The units with most cases first.
    pub units: Vec<BulletinServiceLine>,
}

/// One line of the service figures, as `crate::service::figures` defines them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinServiceLine {
    pub name: String,
    pub received: u64,
    pub done: u64,
    /// Open past the promise on the day of the figures.
    pub overdue: u64,
    /// 承诺期内按时办结率.
    pub on_time_rate: f64,
    /// 一次办结率.
    pub one_visit_rate: f64,
    /// Cases told what to bring more than once.
    pub notified_again: u64,
    pub average_days: f64,
}

impl BulletinServiceLine {
    pub fn of(name: String, t: &crate::service::figures::ServiceTally) -> BulletinServiceLine {
        let r = t.rates();
        BulletinServiceLine {
            name,
            received: t.received,
            done: t.done,
            overdue: t.overdue,
            on_time_rate: r.on_time_rate,
            one_visit_rate: r.one_visit_rate,
            notified_again: t.notified_again,
            average_days: r.average_days,
        }
    }
}

/// Everything a bulletin prints, computed from the ledger at `as_of`; frozen when published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinContent {
    pub as_of: Timestamp,
    pub campaign: String,
    pub batch: Option<String>,
    pub number: Option<u32>,
    pub headline: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub editor_note: Option<String>,
    /// The figures in sentences (the editor's note goes on with it).
    pub summary: String,
    pub figures: LedgerTally,
    pub rates: LedgerRates,
    pub sections: Sections,
    /// Every unit with items, in ranking order then the units under the minimum.
    pub ranking: Ranking,
    pub categories: Vec<GroupTally>,
    pub overdue: Vec<OverdueItem>,
    /// Overdue items beyond those listed.
    pub overdue_unlisted: u64,
    pub selected: Vec<SelectedItem>,
    /// Paragraphs after the figures.
    pub body: Vec<String>,
    /// The hottest matters in the citizens' messages (none in issues published before they were
    /// printed, or with the section off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hot_spots: Option<BulletinHotSpots>,
    /// The service figures (none in issues published before they were printed, with the
    /// section off, or in an office with no service cases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<BulletinServices>,
}

impl BulletinContent {
    /// The words a reader of the issue reads, paragraph by paragraph (for the search index;
    /// figures are left to the tables).
    pub fn text(&self) -> String {
        let items = self
            .selected
            .iter()
            .flat_map(|i| [Some(i.title.as_str()), Some(i.text.as_str()), i.outcome.as_deref(), i.comment.as_deref()]);
        let overdue = self.overdue.iter().map(|o| Some(o.description.as_str()));
        let hot = self.hot_spots.iter().flat_map(|h| h.items.iter().map(|i| Some(i.description.as_str())));
        [self.editor_note.as_deref(), Some(self.summary.as_str())]
            .into_iter()
            .chain(self.body.iter().map(|p| Some(p.as_str())))
            .chain(items)
            .chain(overdue)
            .chain(hot)
            .flatten()
            .filter(|p| !p.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Composition {
    /// A draft's own words: the editor's note and the paragraphs after the figures.
    pub fn text(&self) -> String {
        [self.editor_note.as_deref(), self.body.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n")
    }
}

/// What [`compose`] needs from the store, read in one snapshot.
#[derive(Debug, Clone)]
pub struct BulletinFacts {
    pub as_of: Timestamp,
    pub thresholds: LightThresholds,
    pub campaign: String,
    pub batch: Option<String>,
    pub problems: Vec<ProblemFact>,
    pub unit_names: HashMap<UnitId, String>,
    /// The overdue items, most overdue first (the store orders and counts working days).
    pub overdue: Vec<OverdueItem>,
    pub selected: Vec<SelectedItem>,
    /// Units with fewer items are not ranked (setting `ranking_min_items`).
    pub ranking_min_items: u32,
    /// The batch's 立改清单 quota (items each unit must propose), when the bulletin counts one.
    pub batch_quota: Option<u32>,
    /// The hot spots of the [`HOT_SPOT_DAYS`] up to `as_of`, hottest first, as mined (none when
    /// the section is off: the store need not mine them).
    pub hot_spots: Option<BulletinHotSpots>,
    /// The service figures of the year so far (none when the section is off).
    pub services: Option<BulletinServices>,
}

/// The fewest items a unit needs to be ranked: the setting, or a batch's own quota when that
/// is lower — a 立改清单 of two items per unit ranks every unit that proposed its two, where a
/// minimum of five would rank none ("尚无达到排名条件的单位").
pub fn ranking_minimum(setting: u32, batch_quota: Option<u32>) -> u32 {
    match batch_quota {
        Some(q) if q > 0 => q.min(setting),
        _ => setting,
    }
}

/// The bulletin's content from its draft and the facts of the moment.
pub fn compose(b: &Bulletin, facts: BulletinFacts) -> BulletinContent {
    let t = facts.thresholds;
    let figures = tally(&facts.problems, &t);
    let named = |key: String, name: String, tally: LedgerTally| GroupTally { key, name, tally };
    let units: Vec<GroupTally> = tally_by(&facts.problems, &t, |f| Some(f.unit_id))
        .into_iter()
        .map(|(u, tally)| {
            let name = facts.unit_names.get(&u).cloned().unwrap_or_else(|| format!("#{u}"));
            named(u.to_string(), name, tally)
        })
        .collect();
    let mut categories: Vec<GroupTally> =
        tally_by(&facts.problems, &t, |f| Some(f.category.clone().unwrap_or_default()))
            .into_iter()
            .map(|(c, tally)| {
                let name = if c.is_empty() { "未分类".to_owned() } else { c.clone() };
                named(c, name, tally)
            })
            .collect();
    categories.sort_by(|a, b| b.tally.total.cmp(&a.tally.total).then_with(|| a.name.cmp(&b.name)));
    let overdue_total = facts.overdue.len();
    let overdue: Vec<OverdueItem> = facts.overdue.into_iter().take(MAX_OVERDUE_LISTED).collect();
    let as_of_day = facts.as_of.china_date();
    BulletinContent {
        as_of: facts.as_of,
        summary: summary(as_of_day, facts.batch.as_deref(), &figures),
        campaign: facts.campaign,
        batch: facts.batch,
        number: b.number,
        headline: b.headline.clone(),
        issuer: b.issuer.clone(),
        issued_on: b.issued_on,
        editor_note: b.composition.editor_note.clone(),
        rates: figures.rates(),
        figures,
        sections: b.composition.sections,
        ranking: rank(units, ranking_minimum(facts.ranking_min_items, facts.batch_quota)),
        categories,
        overdue_unlisted: (overdue_total - overdue.len()) as u64,
        overdue,
        selected: facts.selected,
        body: paragraphs(b.composition.body.as_deref().unwrap_or("")),
        hot_spots: facts.hot_spots.filter(|_| b.composition.sections.hot_spots).map(public_hot_spots),
        services: facts.services.filter(|_| b.composition.sections.services),
    }
}

/// The hottest [`MAX_HOT_SPOTS`], with the citizens' details in their descriptions masked.
fn public_hot_spots(mut h: BulletinHotSpots) -> BulletinHotSpots {
    h.items.truncate(MAX_HOT_SPOTS);
    for i in &mut h.items {
        i.description = crate::privacy::mask_text(&i.description);
        i.heat = (i.heat * 100.0).round() / 100.0;
    }
    h
}

/// Paragraphs of staff text: blank lines (or single line breaks) separate them.
fn paragraphs(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// `81.63%`: a rate as printed in Chinese bulletins (two decimals, trailing zeros kept).
pub fn percent(rate: f64) -> String {
    format!("{:.2}%", rate * 100.0)
}

/// `2014年4月27日`.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The figures in sentences, in the words of seed 000 ("截至目前，各单位上报的98个第一批立改项目中，
/// 已有80个整改到位"): what was found, what is closed and verified, what waits for verification,
/// what is still being fixed and what is overdue. Every number is a count of `figures`.
pub fn summary(as_of: NaiveDate, batch: Option<&str>, f: &LedgerTally) -> String {
    let items = match batch {
        // A batch is usually named for what it holds (第一批立改项目); say 项目 once.
        Some(b) if b.ends_with("项目") || b.ends_with("事项") => format!("{}个{b}", f.total),
        Some(b) => format!("{}个{b}项目", f.total),
        None => format!("{}个问题", f.total),
    };
    if f.total == 0 {
        return format!("截至{}，台账中尚无问题。", chinese_date(as_of));
    }
    let mut s = format!("截至{}，各单位上报的{items}中，已销号{}个", chinese_date(as_of), f.closed);
    if f.verified == f.closed {
        s.push_str(&format!("（均经验收整改到位），整改率{}", percent(f.rate())));
    } else {
        s.push_str(&format!(
            "，其中经验收整改到位{}个，整改率{}、整改到位率{}",
            f.verified,
            percent(f.rate()),
            percent(f.verified_rate())
        ));
    }
    if f.reported > 0 {
        s.push_str(&format!("；已整改待验收{}个", f.reported));
    }
    let unfinished = f.unfinished();
    if unfinished > 0 {
        s.push_str(&format!("；正在整改{unfinished}个"));
        if f.red > 0 {
            s.push_str(&format!("，其中逾期未整改{}个", f.red));
        }
    }
    if f.settled > 0 {
        s.push_str(&format!("；按期整改率{}", percent(f.on_time_rate())));
    }
    if f.rebounded > 0 {
        s.push_str(&format!("；销号后反弹{}个", f.rebounded));
    }
    s.push('。');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::CloseBasis;
    use crate::problem::ProblemState;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn seed_000_in_sentences() {
        let f = LedgerTally {
            total: 98,
            closed: 80,
            verified: 80,
            in_progress: 18,
            settled: 80,
            on_time: 80,
            ..Default::default()
        };
        assert_eq!(
            summary(d("2014-04-27"), Some("第一批立改项目"), &f),
            "截至2014年4月27日，各单位上报的98个第一批立改项目中，已销号80个（均经验收整改到位），整改率81.63%；正在整改18个；按期整改率100.00%。"
        );
    }

    #[test]
    fn closed_and_verified_are_told_apart() {
        let f = LedgerTally {
            total: 10,
            closed: 6,
            verified: 4,
            reported: 1,
            open: 3,
            red: 2,
            settled: 8,
            on_time: 5,
            rebounded: 1,
            ..Default::default()
        };
        assert!(summary(d("2026-12-03"), Some("第一批立改"), &f).contains("10个第一批立改项目中"));
        let s = summary(d("2026-12-03"), None, &f);
        assert!(s.contains("已销号6个，其中经验收整改到位4个，整改率60.00%、整改到位率40.00%"), "{s}");
        assert!(
            s.contains("已整改待验收1个；正在整改3个，其中逾期未整改2个；按期整改率62.50%；销号后反弹1个。"),
            "{s}"
        );
        assert_eq!(summary(d("2026-12-03"), None, &LedgerTally::default()), "截至2026年12月3日，台账中尚无问题。");
    }

    fn draft() -> Bulletin {
        let t = Timestamp::from_utc(chrono::Utc::now());
        Bulletin {
            id: BulletinId(1),
            campaign_id: CampaignId(1),
            batch_id: None,
            number: Some(8),
            status: BulletinStatus::Draft,
            headline: "各单位坚持问题导向立查立改".into(),
            issuer: "金东区群教办".into(),
            issued_on: d("2014-04-27"),
            composition: Composition { body: Some("第一段。\n\n第二段。".into()), ..Default::default() },
            published_at: None,
            version: 1,
            created_at: t,
            updated_at: t,
            content: None,
        }
    }

    #[test]
    fn compose_counts_every_table_from_the_same_facts() {
        let fact = |unit: i64, state: ProblemState, category: &str| ProblemFact {
            unit_id: UnitId(unit),
            category: Some(category.into()),
            state,
            deadline: Some(d("2026-12-01")),
            due_on: Some(d("2026-12-01")),
            done_on: (state == ProblemState::Closed).then(|| d("2026-11-20")),
            close_basis: (state == ProblemState::Closed).then_some(CloseBasis::Verified),
            reopened: false,
        };
        let mut problems = Vec::new();
        for i in 0..12 {
            problems.push(fact(
                1 + i % 3,
                if i % 2 == 0 { ProblemState::Closed } else { ProblemState::Open },
                ["形式主义", "官僚主义"][i as usize % 2],
            ));
        }
        let facts = BulletinFacts {
            as_of: Timestamp::from_utc(chrono::Utc::now()),
            thresholds: LightThresholds { today: d("2026-12-03"), yellow_until: d("2026-12-08") },
            campaign: "活动".into(),
            batch: None,
            problems,
            unit_names: HashMap::from([(UnitId(1), "甲".into()), (UnitId(2), "乙".into()), (UnitId(3), "丙".into())]),
            overdue: Vec::new(),
            selected: Vec::new(),
            ranking_min_items: 5,
            batch_quota: None,
            hot_spots: None,
            services: None,
        };
        let c = compose(&draft(), facts.clone());
        assert_eq!((c.figures.total, c.figures.closed, c.figures.red), (12, 6, 6));
        let unit_sum: u64 = c.ranking.ranked.iter().map(|r| r.group.tally.total).sum::<u64>()
            + c.ranking.unranked.iter().map(|g| g.tally.total).sum::<u64>();
        assert_eq!(unit_sum, 12);
        assert_eq!(c.categories.iter().map(|g| g.tally.total).sum::<u64>(), 12);
        assert_eq!(c.body, ["第一段。", "第二段。"]);
        assert_eq!(c.number, Some(8));
        // Each unit holds four items: none reaches the setting's five, all reach a batch's quota of two.
        assert!(c.ranking.ranked.is_empty());
        let c = compose(&draft(), BulletinFacts { batch_quota: Some(2), ..facts });
        assert_eq!((c.ranking.min_items, c.ranking.ranked.len()), (2, 3));
        assert_eq!(ranking_minimum(5, Some(0)), 5);
    }

    #[test]
    fn hot_spots_are_the_hottest_five_with_details_masked_and_follow_the_section() {
        let spot = |n: u64| BulletinHotSpot {
            place: Some("丽发新城".into()),
            crowd: None,
            description: format!("搅拌站噪音扰民第{n}次反映，联系电话13812345678"),
            from: d("2026-10-01"),
            to: d("2026-11-30"),
            count: 10 - n,
            likes: 3,
            heat: 12.345_678 - n as f64,
        };
        let facts = BulletinFacts {
            as_of: Timestamp::from_utc(chrono::Utc::now()),
            thresholds: LightThresholds { today: d("2026-12-03"), yellow_until: d("2026-12-08") },
            campaign: "活动".into(),
            batch: None,
            problems: Vec::new(),
            unit_names: HashMap::new(),
            overdue: Vec::new(),
            selected: Vec::new(),
            ranking_min_items: 5,
            batch_quota: None,
            hot_spots: Some(BulletinHotSpots {
                from: d("2026-09-05"),
                to: d("2026-12-03"),
                items: (0..7).map(spot).collect(),
            }),
            services: None,
        };
        let c = compose(&draft(), facts.clone());
        let h = c.hot_spots.as_ref().expect("the section is on by default");
        assert_eq!(h.items.len(), MAX_HOT_SPOTS);
        assert_eq!((h.items[0].heat, h.items[0].count), (12.35, 10));
        assert!(h.items.iter().all(|i| !i.description.contains("13812345678")), "{:?}", h.items[0]);
        assert!(c.text().contains("搅拌站噪音扰民第0次反映"));
        let mut off = draft();
        off.composition.sections.hot_spots = false;
        assert_eq!(compose(&off, facts).hot_spots, None);
        // Issues frozen before the section existed read back without it.
        let old = serde_json::json!({ "units": true, "categories": true, "overdue": false, "charts": true });
        let sections: Sections = serde_json::from_value(old).unwrap();
        assert!(sections.hot_spots && sections.services && !sections.overdue);
    }

    #[test]
    fn selections_name_one_item_each() {
        let input = NewBulletin {
            campaign_id: Some(CampaignId(1)),
            selected: vec![
                Selection { problem_id: Some(ProblemId(1)), ..Default::default() },
                Selection::default(),
                Selection { problem_id: Some(ProblemId(1)), ..Default::default() },
            ],
            ..Default::default()
        };
        let DomainError::Invalid(errors) = input.validate().unwrap_err() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["selected[1].problem_id", "selected[2]"]);
    }
}
