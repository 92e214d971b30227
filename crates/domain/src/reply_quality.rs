//! 答复质量: how good a reply to a citizen is, on the four measures the message-board studies use
//! (Teddy Cup 2020 problem C, task 3): relevance to the question, completeness (it addresses the
//! citizen, says what was found, what was or will be done and by when, where to ask further),
//! interpretability (it rests on a rule, a policy or a fact), and timeliness (working days from
//! receipt). Each shortfall is a typed reason the replier is warned of before sending; the replier
//! may send anyway. The measures are cues in the text, not a model: they are explained to the
//! replier in words, and the same reply always scores the same.

use crate::calendar::WorkCalendar;
use crate::error::{DomainError, Problems};
use crate::text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// What a reply lacks (worded in the catalog: `reply_issue.no_outcome` → 答复未说明处理结果).
    pub enum ReplyIssue: "reply_issue" {
        /// The words barely touch what the citizen wrote.
        Unrelated = "unrelated",
        /// No 您好 / 网友 / 同志: the citizen is not addressed.
        NoGreeting = "no_greeting",
        /// Nothing of what was looked into or found (经调查, 经核实 …).
        NoFinding = "no_finding",
        /// Nothing of what was done or will be done.
        NoOutcome = "no_outcome",
        /// No date or time by which it is or will be done.
        NoTimeline = "no_timeline",
        /// Nowhere to ask further (a phone, an office, 如有疑问 …).
        NoContact = "no_contact",
        /// Neither a rule, a policy nor a stated fact it rests on.
        NoBasis = "no_basis",
        /// Given after the reply limit.
        Late = "late",
        /// Too short to say anything.
        TooShort = "too_short",
    }
}

/// Body of `POST /api/v1/triage/reply-check`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplyCheckRequest {
    /// The citizen's message (its title and text).
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub question: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub answer: Option<String>,
    /// When the message was received; with `replied_at`, timeliness is measured.
    pub received_at: Option<Timestamp>,
    /// When the reply is (or was) given; now when left out.
    pub replied_at: Option<Timestamp>,
}

impl ReplyCheckRequest {
    /// The question and the answer, both required, each at most a message's length.
    pub fn texts(&self) -> Result<(String, String), DomainError> {
        let mut p = Problems::new();
        let question = p.take(text::required("question", self.question.as_deref(), text::MESSAGE_MAX));
        let answer = p.take(text::required("answer", self.answer.as_deref(), text::MESSAGE_MAX));
        match (question, answer) {
            (Some(q), Some(a)) if p.is_empty() => Ok((q, a)),
            _ => Err(p.into_error()),
        }
    }
}

/// The scores of a reply, each from 0 to 1, and what it lacks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyQuality {
    /// The four measures together, 0–100.
    pub score: u32,
    pub grade: ReplyGrade,
    /// Shared words of the question and the answer (character pairs, cosine).
    pub relevance: f64,
    /// Share of the parts a complete reply has (greeting, finding, outcome, timeline, contact).
    pub completeness: f64,
    /// 1 when it rests on a rule, a policy or a stated fact; 0 otherwise.
    pub interpretability: f64,
    /// 1 within the limit, falling to 0 at twice the limit; none without the receipt time.
    pub timeliness: Option<f64>,
    /// Working days from receipt to reply.
    pub working_days: Option<u32>,
    pub issues: Vec<ReplyIssue>,
}

crate::wire_enum! {
    pub enum ReplyGrade: "reply_grade" {
        /// 较好: nothing important missing.
        Good = "good",
        /// 一般.
        Fair = "fair",
        /// 较差: the replier is warned before sending.
        Weak = "weak",
    }
}

/// Relevance below this is "unrelated". On the 120 replied messages of the Teddy Cup sample, a
/// real reply scores 0.16 in the median and a reply to another message 0.05 at its 90th
/// percentile.
const RELEVANT: f64 = 0.06;
/// Relevance at which a reply is as relevant as it needs to be (the real replies' upper
/// quartile is 0.22).
const FULLY_RELEVANT: f64 = 0.2;
/// An answer shorter than this (in characters, punctuation left out) says nothing.
const SHORT: usize = 15;

const GREETING: &[&str] = &["您好", "你好", "网友", "同志", "先生", "女士", "市民", "来信人", "尊敬的"];
const FINDING: &[&str] =
    &["经调查", "经核实", "经查", "经了解", "调查", "核实", "现场", "查明", "经研究", "了解到", "经核查", "经审查"];
const OUTCOME: &[&str] = &[
    "已",
    "将",
    "处理",
    "整改",
    "解决",
    "安排",
    "要求",
    "责令",
    "落实",
    "完成",
    "督促",
    "答复如下",
    "不宜",
    "不能",
    "可以",
    "不可",
];
const TIMELINE: &[&str] = &["月底", "日前", "日内", "年底", "预计", "近期", "目前", "工作日", "尽快", "之前", "期间"];
const CONTACT: &[&str] = &[
    "如有疑问",
    "咨询电话",
    "联系电话",
    "电话",
    "咨询",
    "详询",
    "联系",
    "来电",
    "窗口",
    "办公室",
    "可拨打",
    "再次反映",
];
const BASIS: &[&str] =
    &["根据", "依据", "按照", "规定", "《", "政策", "法律", "条例", "办法", "文件", "标准", "要求", "经调查", "经核实"];

fn has_any(text: &str, cues: &[&str]) -> bool {
    cues.iter().any(|c| text.contains(c))
}

/// A date or time in the text (2019年4月29日, 5月5日, 8月底, 15个工作日).
fn has_date(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).any(|w| w[0].is_ascii_digit() && matches!(w[1], '月' | '日' | '号' | '天' | '个'))
}

/// Scores `answer` to `question`. `limit` is the reply limit in working days (the case rule's);
/// with both times, the working days between them are counted on `calendar`.
pub fn assess(
    question: &str,
    answer: &str,
    times: Option<(Timestamp, Timestamp)>,
    limit: u32,
    calendar: &WorkCalendar,
) -> ReplyQuality {
    let words = answer.chars().filter(|c| c.is_alphanumeric()).count();
    let relevance = text::likeness(question, answer);
    let parts = [
        (has_any(answer, GREETING), ReplyIssue::NoGreeting),
        (has_any(answer, FINDING), ReplyIssue::NoFinding),
        (has_any(answer, OUTCOME), ReplyIssue::NoOutcome),
        (has_date(answer) || has_any(answer, TIMELINE), ReplyIssue::NoTimeline),
        (has_any(answer, CONTACT), ReplyIssue::NoContact),
    ];
    let completeness = parts.iter().filter(|(ok, _)| *ok).count() as f64 / parts.len() as f64;
    let interpretability = if has_any(answer, BASIS) { 1.0 } else { 0.0 };
    let working_days = times.map(|(received, replied)| {
        calendar.working_days_between(received.china_date(), replied.china_date()).value.max(0) as u32
    });
    let timeliness = working_days.map(|d| {
        let limit = f64::from(limit.max(1));
        (1.0 - (f64::from(d) - limit).max(0.0) / limit).clamp(0.0, 1.0)
    });
    let mut issues = Vec::new();
    if words < SHORT {
        issues.push(ReplyIssue::TooShort);
    }
    if relevance < RELEVANT {
        issues.push(ReplyIssue::Unrelated);
    }
    issues.extend(parts.iter().filter(|(ok, _)| !ok).map(|(_, issue)| *issue));
    if interpretability == 0.0 {
        issues.push(ReplyIssue::NoBasis);
    }
    if working_days.is_some_and(|d| d > limit) {
        issues.push(ReplyIssue::Late);
    }
    // Relevance counts up to a point: a reply that quotes the whole letter is no better for it.
    let relevant = (relevance / FULLY_RELEVANT).min(1.0);
    let measures = [relevant, completeness, interpretability, timeliness.unwrap_or(1.0)];
    let mut score = (measures.iter().sum::<f64>() / measures.len() as f64 * 100.0).round() as u32;
    if words < SHORT {
        score = score.min(20);
    }
    let grade = match score {
        75.. if !issues.contains(&ReplyIssue::NoOutcome) => ReplyGrade::Good,
        50.. if !issues.iter().any(|i| matches!(i, ReplyIssue::NoOutcome | ReplyIssue::Unrelated)) => ReplyGrade::Fair,
        _ => ReplyGrade::Weak,
    };
    ReplyQuality { score, grade, relevance, completeness, interpretability, timeliness, working_days, issues }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUESTION: &str = "潇楚南路从2018年开始修，到现在都快一年了，路挖得稀烂用围栏围起，一直不怎么动工。";

    fn check(answer: &str) -> ReplyQuality {
        assess(QUESTION, answer, None, 15, &WorkCalendar::default())
    }

    #[test]
    fn a_complete_reply_is_good() {
        let q = check(
            "网友您好！针对您反映潇楚南路修了快一年还没修好的问题，经调查核实，该路段原路基土质较差，需整体换填。\
             根据项目计划，目前已完成75%土方，预计今年8月底完工通车。如有疑问，请拨打咨询电话0731-0000000。",
        );
        assert_eq!(q.grade, ReplyGrade::Good, "{q:?}");
        assert!(q.issues.is_empty(), "{:?}", q.issues);
        assert!(q.relevance > RELEVANT);
    }

    #[test]
    fn a_reply_without_an_outcome_is_weak_and_says_why() {
        let q = check("您好，您的留言已收悉，感谢您的关注。");
        assert_eq!(q.grade, ReplyGrade::Weak);
        for issue in [ReplyIssue::Unrelated, ReplyIssue::NoFinding, ReplyIssue::NoContact, ReplyIssue::NoBasis] {
            assert!(q.issues.contains(&issue), "{issue:?} in {:?}", q.issues);
        }
        assert!(!q.issues.contains(&ReplyIssue::NoGreeting));
        let empty = check("已阅");
        assert!(empty.issues.contains(&ReplyIssue::TooShort) && empty.score <= 20);
    }

    #[test]
    fn timeliness_counts_working_days_against_the_limit() {
        let cal = WorkCalendar::default();
        let at = |s: &str| Timestamp::from_utc(chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc());
        // Monday 2 March to Monday 30 March 2026: 20 working days against a limit of 15.
        let late = assess(
            QUESTION,
            "您好，经核实已处理。",
            Some((at("2026-03-02T10:00:00+08:00"), at("2026-03-30T10:00:00+08:00"))),
            15,
            &cal,
        );
        assert_eq!(late.working_days, Some(20));
        assert!(late.issues.contains(&ReplyIssue::Late));
        assert!(late.timeliness.is_some_and(|t| (t - 2.0 / 3.0).abs() < 1e-9), "{:?}", late.timeliness);
        let soon = assess(
            QUESTION,
            "您好，经核实已处理。",
            Some((at("2026-03-02T10:00:00+08:00"), at("2026-03-04T10:00:00+08:00"))),
            15,
            &cal,
        );
        assert_eq!((soon.timeliness, soon.issues.contains(&ReplyIssue::Late)), (Some(1.0), false));
    }

    #[test]
    fn the_same_reply_scores_the_same() {
        let a = check("您好，经调查，已责令施工方加快进度。");
        assert_eq!(a, check("您好，经调查，已责令施工方加快进度。"));
    }
}
