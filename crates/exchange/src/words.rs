//! The words of the domain's enums as offices write them: the label an export writes (the
//! catalog's Chinese, as the pages show it), the API's snake_case word, and the synonyms found in
//! real ledgers, the labels of earlier versions among them, so files exported before still read.

use rectify_domain::case::{CaseState, CaseType, Channel, Satisfaction};
use rectify_domain::light::Light;
use rectify_domain::person::PersonKind;
use rectify_domain::problem::{Level, ProblemState, ProblemType};
use rectify_domain::unit::UnitKind;
use rectify_domain::wire::Wire;
use rectify_i18n::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

/// An enum read from and written to a cell.
pub(crate) trait Word: Wire + PartialEq {
    /// Other words for a value, beyond its label and its API word.
    const SYNONYMS: &'static [(&'static str, Self)];
    /// Its words, gathered once.
    fn words() -> &'static Words<Self>;

    /// The Chinese label an export writes (`整改中`).
    fn label(self) -> &'static str {
        Self::words().label(self)
    }
}

/// The labels of an enum and every word that names a value, as compared.
pub(crate) struct Words<T: 'static> {
    labels: Vec<(T, &'static str)>,
    by_word: HashMap<String, T>,
}

impl<T: Word> Words<T> {
    fn build() -> Words<T> {
        let catalog = rectify_i18n::catalog();
        let labels: Vec<(T, &'static str)> =
            T::all().iter().map(|v| (*v, catalog.get(&v.label_key(), Lang::Zh).unwrap_or(v.as_str()))).collect();
        // A value's own words come first, in declaration order; then the synonyms.
        let mut by_word = HashMap::new();
        for (v, label) in &labels {
            by_word.entry(v.as_str().to_owned()).or_insert(*v);
            by_word.entry(normalize(label)).or_insert(*v);
        }
        for (word, v) in T::SYNONYMS {
            by_word.entry(normalize(word)).or_insert(*v);
        }
        Words { labels, by_word }
    }

    fn label(&self, value: T) -> &'static str {
        self.labels.iter().find(|(v, _)| *v == value).map_or(value.as_str(), |(_, l)| l)
    }
}

/// Declares an enum's synonyms and gathers its words once.
macro_rules! words {
    ($t:ty, [$(($word:literal, $value:expr)),* $(,)?]) => {
        impl Word for $t {
            const SYNONYMS: &'static [(&'static str, Self)] = &[$(($word, $value)),*];
            fn words() -> &'static Words<Self> {
                static WORDS: OnceLock<Words<$t>> = OnceLock::new();
                WORDS.get_or_init(Words::build)
            }
        }
    };
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
    T::words().by_word.get(&normalize(word)).copied()
}

/// The words a cell may hold, for `Issue::NotOneOf`: the labels, then the API's words.
pub(crate) fn expected<T: Word>() -> Vec<String> {
    let words = T::words();
    let labels = words.labels.iter().map(|(_, l)| (*l).to_owned());
    labels.chain(words.labels.iter().map(|(v, _)| v.as_str().to_owned())).collect()
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

// 已完成 / 已整改 is the unit's word that the work is done: reported, waiting for the office's
// verification; only 销号 is the office's close-off.
words!(
    ProblemState,
    [
        ("未整改", ProblemState::Open),
        ("未开始", ProblemState::Open),
        ("正在整改", ProblemState::InProgress),
        ("推进中", ProblemState::InProgress),
        ("进行中", ProblemState::InProgress),
        ("持续整改", ProblemState::InProgress),
        ("未完成", ProblemState::InProgress),
        ("基本完成", ProblemState::InProgress),
        ("已整改", ProblemState::Reported),
        ("待验收", ProblemState::Reported),
        ("整改完成", ProblemState::Reported),
        ("已完成", ProblemState::Reported),
        ("完成", ProblemState::Reported),
        ("已办结", ProblemState::Reported),
        ("销号", ProblemState::Closed),
        ("已销号", ProblemState::Closed),
    ]
);

words!(
    ProblemType,
    [
        ("立即整改", ProblemType::Immediate),
        ("即知即改", ProblemType::Immediate),
        ("长期整改", ProblemType::LongTerm),
        ("长期", ProblemType::LongTerm),
        ("制度建设", ProblemType::Institutional),
    ]
);

words!(
    Level,
    [
        ("领导班子", Level::LeadershipTeam),
        ("班子层面", Level::LeadershipTeam),
        ("领导班子成员", Level::TeamMember),
        ("单位层面", Level::Unit),
        ("干部个人", Level::Individual),
        ("个人层面", Level::Individual),
    ]
);

words!(
    UnitKind,
    [
        ("区", UnitKind::District),
        ("县", UnitKind::District),
        ("县区", UnitKind::District),
        ("督导办", UnitKind::Office),
        ("作风办", UnitKind::Office),
        ("部门", UnitKind::Department),
        ("乡", UnitKind::Township),
        ("镇", UnitKind::Township),
        ("村委会", UnitKind::Village),
        ("居委会", UnitKind::Community),
        ("基层站所", UnitKind::Station),
    ]
);

words!(
    PersonKind,
    [
        ("干部", PersonKind::Staff),
        ("监督员", PersonKind::Supervisor),
        ("督查员", PersonKind::Supervisor),
        ("行风监督员", PersonKind::Supervisor),
        ("作风督查员", PersonKind::Supervisor),
        ("效能督查员", PersonKind::Supervisor),
        ("特邀廉政监察员", PersonKind::Supervisor),
    ]
);

words!(
    Channel,
    [
        ("网上", Channel::Web),
        ("留言板", Channel::Web),
        ("网站", Channel::Web),
        ("网络", Channel::Web),
        ("热线", Channel::Hotline),
        ("12345", Channel::Hotline),
        ("电话", Channel::Hotline),
        ("信件", Channel::Letter),
        ("邮件", Channel::Email),
        ("信箱", Channel::Mailbox),
        ("来访", Channel::Visit),
        ("大走访", Channel::Visit),
        ("问卷调查", Channel::Questionnaire),
        ("转办", Channel::Referral),
        ("交办", Channel::Referral),
        ("媒体", Channel::Media),
        ("督查", Channel::Inspection),
    ]
);

words!(CaseType, [("意见建议", CaseType::Suggestion), ("意见", CaseType::Suggestion)]);

words!(Satisfaction, [("很满意", Satisfaction::VerySatisfied)]);

words!(CaseState, []);

words!(Light, []);

words!(
    rectify_domain::service::catalog::ServiceKind,
    [
        ("许可", rectify_domain::service::catalog::ServiceKind::License),
        ("给付", rectify_domain::service::catalog::ServiceKind::Benefit),
        ("确认", rectify_domain::service::catalog::ServiceKind::Confirmation),
        ("征收", rectify_domain::service::catalog::ServiceKind::Levy),
        ("其他权力", rectify_domain::service::catalog::ServiceKind::OtherPower),
        ("其他", rectify_domain::service::catalog::ServiceKind::OtherPower),
        ("公共服务事项", rectify_domain::service::catalog::ServiceKind::Public),
        ("便民服务事项", rectify_domain::service::catalog::ServiceKind::Convenience),
    ]
);

words!(
    rectify_domain::service::catalog::Delivery,
    [
        ("网上办理", rectify_domain::service::catalog::Delivery::Online),
        ("网办", rectify_domain::service::catalog::Delivery::Online),
        ("全程网上办理", rectify_domain::service::catalog::Delivery::Online),
        ("预约办理", rectify_domain::service::catalog::Delivery::Appointment),
        ("预约", rectify_domain::service::catalog::Delivery::Appointment),
        ("窗口", rectify_domain::service::catalog::Delivery::Window),
        ("现场办理", rectify_domain::service::catalog::Delivery::Window),
    ]
);

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
        fn check<T: Word + std::fmt::Debug>() {
            for v in T::all() {
                assert_eq!(parse::<T>(v.label()), Some(*v));
                assert_eq!(parse::<T>(v.as_str()), Some(*v));
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

    /// Files exported before the labels were the catalog's still read back.
    #[test]
    fn earlier_labels_still_read() {
        assert_eq!(Channel::Referral.label(), "上级交办");
        assert_eq!(parse::<ProblemState>("已整改"), Some(ProblemState::Reported));
        assert_eq!(parse::<UnitKind>("督导办"), Some(UnitKind::Office));
        assert_eq!(parse::<PersonKind>("监督员"), Some(PersonKind::Supervisor));
        for (old, c) in [("网上", Channel::Web), ("来访", Channel::Visit), ("转办", Channel::Referral)] {
            assert_eq!(parse::<Channel>(old), Some(c));
        }
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
