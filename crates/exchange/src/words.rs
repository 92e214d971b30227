//! The words of the domain's enums as offices write them: the Chinese label an export writes,
//! the API's snake_case word, and the synonyms found in real ledgers. The domain's own words
//! are not changed; what is missing there lives here.

use rectify_domain::case::{CaseState, CaseType, Channel, Satisfaction};
use rectify_domain::light::Light;
use rectify_domain::person::PersonKind;
use rectify_domain::problem::{Level, ProblemState, ProblemType};
use rectify_domain::unit::UnitKind;

/// An enum read from and written to a cell.
pub(crate) trait Word: Copy + 'static {
    const ALL: &'static [Self];
    /// Other words for a value, beyond its label and its API word.
    const SYNONYMS: &'static [(&'static str, Self)] = &[];
    /// The API's word (`in_progress`).
    fn api(self) -> &'static str;
    /// The Chinese label an export writes (`整改中`).
    fn label(self) -> &'static str;
}

/// A cell's word as compared: no spaces, brackets or separating punctuation
/// (`已整改（待验收）`, `已整改，待验收`), English in lower case.
pub(crate) fn normalize(word: &str) -> String {
    word.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】' | ',' | '，' | '、' | '。' | ';' | '；'
                )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

pub(crate) fn parse<T: Word>(word: &str) -> Option<T> {
    let w = normalize(word);
    T::ALL
        .iter()
        .copied()
        .find(|v| v.api() == w || normalize(v.label()) == w)
        .or_else(|| T::SYNONYMS.iter().find(|(s, _)| normalize(s) == w).map(|(_, v)| *v))
}

/// The words a cell may hold, for `Issue::NotOneOf`: the labels, then the API's words.
pub(crate) fn expected<T: Word>() -> Vec<String> {
    let labels = T::ALL.iter().map(|v| v.label().to_owned());
    labels.chain(T::ALL.iter().map(|v| v.api().to_owned())).collect()
}

/// Yes and no, as ticked, typed or exported.
pub(crate) fn parse_bool(word: &str) -> Option<bool> {
    match normalize(word).as_str() {
        "是" | "y" | "yes" | "true" | "1" | "✓" | "√" | "✔" | "公开" | "已公开" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "×" | "✗" | "✘" | "x" | "不公开" | "未公开" => Some(false),
        _ => None,
    }
}

pub(crate) const BOOL_WORDS: [&str; 4] = ["是", "否", "true", "false"];

pub(crate) fn bool_label(value: bool) -> &'static str {
    if value { "是" } else { "否" }
}

impl Word for ProblemState {
    const ALL: &'static [Self] = &ProblemState::ALL;
    // 已完成 / 已整改 is the unit's word that the work is done: reported, waiting for the
    // office's verification; only 销号 is the office's close-off.
    const SYNONYMS: &'static [(&'static str, Self)] = &[
        ("未整改", ProblemState::Open),
        ("未开始", ProblemState::Open),
        ("正在整改", ProblemState::InProgress),
        ("推进中", ProblemState::InProgress),
        ("进行中", ProblemState::InProgress),
        ("持续整改", ProblemState::InProgress),
        ("未完成", ProblemState::InProgress),
        ("基本完成", ProblemState::InProgress),
        ("已整改待验收", ProblemState::Reported),
        ("待验收", ProblemState::Reported),
        ("整改完成", ProblemState::Reported),
        ("已完成", ProblemState::Reported),
        ("完成", ProblemState::Reported),
        ("已办结", ProblemState::Reported),
        ("销号", ProblemState::Closed),
        ("已销号", ProblemState::Closed),
    ];
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        match self {
            ProblemState::Open => "待整改",
            ProblemState::InProgress => "整改中",
            ProblemState::Reported => "已整改",
            ProblemState::Closed => "已销号",
        }
    }
}

impl Word for ProblemType {
    const ALL: &'static [Self] = &ProblemType::ALL;
    const SYNONYMS: &'static [(&'static str, Self)] = &[
        ("立即整改", ProblemType::Immediate),
        ("即知即改", ProblemType::Immediate),
        ("长期整改", ProblemType::LongTerm),
        ("长期", ProblemType::LongTerm),
        ("制度建设", ProblemType::Institutional),
    ];
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        match self {
            ProblemType::Immediate => "立行立改",
            ProblemType::TimeLimited => "限期整改",
            ProblemType::LongTerm => "长期坚持",
            ProblemType::Institutional => "建章立制",
        }
    }
}

impl Word for Level {
    const ALL: &'static [Self] = &Level::ALL;
    const SYNONYMS: &'static [(&'static str, Self)] = &[
        ("领导班子", Level::LeadershipTeam),
        ("班子层面", Level::LeadershipTeam),
        ("领导班子成员", Level::TeamMember),
        ("单位层面", Level::Unit),
        ("干部个人", Level::Individual),
        ("个人层面", Level::Individual),
    ];
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        match self {
            Level::LeadershipTeam => "班子",
            Level::TeamMember => "班子成员",
            Level::Unit => "单位",
            Level::Individual => "个人",
        }
    }
}

impl Word for UnitKind {
    const ALL: &'static [Self] = &UnitKind::ALL;
    const SYNONYMS: &'static [(&'static str, Self)] = &[
        ("区", UnitKind::District),
        ("县", UnitKind::District),
        ("县区", UnitKind::District),
        ("作风办", UnitKind::Office),
        ("部门", UnitKind::Department),
        ("乡", UnitKind::Township),
        ("镇", UnitKind::Township),
        ("村委会", UnitKind::Village),
        ("居委会", UnitKind::Community),
        ("基层站所", UnitKind::Station),
    ];
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        match self {
            UnitKind::District => "区县",
            UnitKind::Office => "督导办",
            UnitKind::Department => "机关部门",
            UnitKind::Street => "街道",
            UnitKind::Township => "乡镇",
            UnitKind::Community => "社区",
            UnitKind::Village => "村",
            UnitKind::Station => "站所",
            UnitKind::Window => "窗口",
            UnitKind::Section => "科室",
            UnitKind::Enterprise => "企业",
            UnitKind::Other => "其他",
        }
    }
}

impl Word for PersonKind {
    const ALL: &'static [Self] = &[PersonKind::Staff, PersonKind::Supervisor];
    const SYNONYMS: &'static [(&'static str, Self)] = &[
        ("干部", PersonKind::Staff),
        ("督查员", PersonKind::Supervisor),
        ("行风监督员", PersonKind::Supervisor),
        ("作风督查员", PersonKind::Supervisor),
        ("效能督查员", PersonKind::Supervisor),
        ("特邀廉政监察员", PersonKind::Supervisor),
    ];
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        match self {
            PersonKind::Staff => "工作人员",
            PersonKind::Supervisor => "监督员",
        }
    }
}

impl Word for Channel {
    const ALL: &'static [Self] = &Channel::ALL;
    const SYNONYMS: &'static [(&'static str, Self)] = &[
        ("留言板", Channel::Web),
        ("网站", Channel::Web),
        ("网络", Channel::Web),
        ("热线", Channel::Hotline),
        ("12345", Channel::Hotline),
        ("电话", Channel::Hotline),
        ("信件", Channel::Letter),
        ("邮件", Channel::Email),
        ("信箱", Channel::Mailbox),
        ("大走访", Channel::Visit),
        ("问卷调查", Channel::Questionnaire),
        ("交办", Channel::Referral),
        ("媒体", Channel::Media),
        ("督查", Channel::Inspection),
    ];
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        self.label_zh()
    }
}

impl Word for CaseType {
    const ALL: &'static [Self] = &CaseType::ALL;
    const SYNONYMS: &'static [(&'static str, Self)] =
        &[("意见建议", CaseType::Suggestion), ("意见", CaseType::Suggestion)];
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        self.label_zh()
    }
}

impl Word for Satisfaction {
    const ALL: &'static [Self] = &Satisfaction::ALL;
    const SYNONYMS: &'static [(&'static str, Self)] = &[("很满意", Satisfaction::VerySatisfied)];
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "非常满意",
            Satisfaction::Satisfied => "满意",
            Satisfaction::BasicallySatisfied => "基本满意",
            Satisfaction::Unsatisfied => "不满意",
            Satisfaction::VeryUnsatisfied => "非常不满意",
        }
    }
}

impl Word for CaseState {
    const ALL: &'static [Self] = &CaseState::ALL;
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        match self {
            CaseState::Received => "已登记",
            CaseState::Accepted => "已受理",
            CaseState::Declined => "不予受理",
            CaseState::Assigned => "已派单",
            CaseState::InProgress => "办理中",
            CaseState::Replied => "已答复",
            CaseState::Closed => "已办结",
        }
    }
}

impl Word for Light {
    const ALL: &'static [Self] = &Light::ALL;
    fn api(self) -> &'static str {
        self.as_str()
    }
    fn label(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_office_words_carefully() {
        assert_eq!(parse::<ProblemState>("已整改"), Some(ProblemState::Reported));
        assert_eq!(parse::<ProblemState>("已完成"), Some(ProblemState::Reported));
        assert_eq!(parse::<ProblemState>("已整改（待验收）"), Some(ProblemState::Reported));
        assert_eq!(parse::<ProblemState>("已销号"), Some(ProblemState::Closed));
        assert_eq!(parse::<ProblemState>(" 整改中 "), Some(ProblemState::InProgress));
        assert_eq!(parse::<ProblemState>("IN_PROGRESS"), Some(ProblemState::InProgress));
        assert_eq!(parse::<ProblemState>("是"), None);
    }

    #[test]
    fn labels_read_back_and_are_unique() {
        fn check<T: Word + PartialEq + std::fmt::Debug>() {
            for v in T::ALL {
                assert_eq!(parse::<T>(v.label()), Some(*v));
                assert_eq!(parse::<T>(v.api()), Some(*v));
            }
        }
        check::<ProblemState>();
        check::<ProblemType>();
        check::<Level>();
        check::<UnitKind>();
        check::<PersonKind>();
        check::<Channel>();
        check::<CaseType>();
        check::<Satisfaction>();
        check::<CaseState>();
        check::<Light>();
    }

    #[test]
    fn other_words() {
        assert_eq!(parse::<Channel>("12345"), Some(Channel::Hotline));
        assert_eq!(parse::<CaseType>("投诉"), Some(CaseType::Complaint));
        assert_eq!(parse::<Level>("领导班子"), Some(Level::LeadershipTeam));
        assert_eq!(parse::<UnitKind>("街道"), Some(UnitKind::Street));
        assert_eq!(parse_bool("√"), Some(true));
        assert_eq!(parse_bool("N"), Some(false));
        assert_eq!(parse_bool("也许"), None);
        assert!(expected::<ProblemType>().contains(&"立行立改".to_owned()));
    }
}
