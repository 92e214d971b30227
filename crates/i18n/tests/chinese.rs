//! Every error the domain can raise, worded in Chinese, has no English word in it: the office
//! reads these sentences in refusals, form summaries and import reports.

use rectify_domain::actor::{Permission, Role};
use rectify_domain::wire::WireName;
use rectify_domain::{Denial, Entity, Expected, FileMeasure, Issue, JsonType, Rule};
use rectify_i18n::Lang;
use strum::IntoEnumIterator;

/// Runs of Latin letters that are words, not codes: a code carries `_`, a digit or braces
/// (`time_limited`, `{z}`), and the few names a Chinese official text writes in Latin letters
/// are allowed (URLs, file formats).
fn english_words(text: &str) -> Vec<String> {
    const ALLOWED: &[&str] = &["http", "https", "s", "x", "y", "z", "Excel", "CSV", "PDF", "ID"];
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '{' || c == '}'))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2)
        .filter(|w| !w.contains(['_', '{', '}']) && !w.chars().any(|c| c.is_ascii_digit()))
        .filter(|w| !ALLOWED.contains(w))
        .map(str::to_owned)
        .collect()
}

#[track_caller]
fn assert_chinese(what: &str, text: &str) {
    let words = english_words(text);
    assert!(words.is_empty(), "{what} has English words {words:?}: {text}");
}

/// One of each issue; the `match` fails to compile when a variant is added without a case here.
fn every_issue() -> Vec<Issue> {
    let mut issues = vec![
        Issue::Required,
        Issue::TooLong { max: 200 },
        Issue::TooMany { max: 10 },
        Issue::InvalidDate,
        Issue::NotOneOf { expected: vec!["time_limited".into(), "long_term".into()] },
        Issue::OutOfRange { min: 1, max: 5 },
        Issue::Duplicate,
        Issue::StaffOnly,
        Issue::UnknownField,
        Issue::Decode { detail: "expected value".into() },
        Issue::MissingColumns { columns: vec!["date".into(), "kind".into()] },
    ];
    issues.extend(
        ["starts_on", "from", "period_from", "closed_from", "now"].map(|o| Issue::BeforeOther { other: o.into() }),
    );
    issues.extend(Entity::iter().map(|entity| Issue::UnknownReference { entity }));
    issues.extend(Expected::iter().map(|expected| Issue::Malformed { expected }));
    issues.push(Issue::Malformed { expected: Expected::Text("a valid UUID".into()) });
    issues.extend(
        [JsonType::Text, JsonType::WholeNumber, JsonType::Number, JsonType::Boolean, JsonType::List, JsonType::Object]
            .map(|expected| Issue::WrongType { expected }),
    );
    issues.push(Issue::WrongType { expected: JsonType::Other("struct NewCase".into()) });
    issues.extend(Rule::iter().map(|rule| Issue::Rule { rule }));
    issues.extend(FileMeasure::iter().map(|measure| Issue::FileTooLarge { measure, max: 1000 }));
    for i in &issues {
        match i {
            Issue::Required
            | Issue::TooLong { .. }
            | Issue::TooMany { .. }
            | Issue::InvalidDate
            | Issue::NotOneOf { .. }
            | Issue::OutOfRange { .. }
            | Issue::UnknownReference { .. }
            | Issue::Malformed { .. }
            | Issue::BeforeOther { .. }
            | Issue::Duplicate
            | Issue::StaffOnly
            | Issue::UnknownField
            | Issue::WrongType { .. }
            | Issue::Decode { .. }
            | Issue::MissingColumns { .. }
            | Issue::Rule { .. }
            | Issue::FileTooLarge { .. } => {}
        }
    }
    issues
}

#[test]
fn every_field_issue_reads_in_chinese_alone() {
    for issue in every_issue() {
        assert_chinese(&format!("{issue:?}"), &rectify_i18n::issue(&issue, Lang::Zh));
        // As a form's summary says it, naming the field by its label, or the row of a file.
        for field in ["content", "phone", "row 3", "measures[0].description"] {
            let sentence = rectify_i18n::field_sentence(field, &issue, Lang::Zh);
            assert_chinese(&format!("{field}: {issue:?}"), &sentence);
        }
        assert!(!rectify_i18n::issue(&issue, Lang::En).is_empty());
    }
    assert_eq!(
        rectify_i18n::field_sentence("row 3", &Issue::InvalidDate, Lang::Zh),
        "第3行不是有效日期（应写作2026-12-04）"
    );
}

#[test]
fn every_refusal_reads_in_chinese_alone() {
    for role in Role::ALL {
        for permission in Permission::iter() {
            let d = Denial::Role { role, permission };
            let zh = rectify_i18n::denial(&d, Lang::Zh);
            assert_chinese(&format!("{d:?}"), &zh);
            assert!(!rectify_i18n::denial(&d, Lang::En).chars().any(|c| c > '\u{2fff}'), "English in English: {d:?}");
        }
    }
    for d in [Denial::Investigation, Denial::CovertRound] {
        assert_chinese(&format!("{d:?}"), &rectify_i18n::denial(&d, Lang::Zh));
    }
    assert_eq!(
        rectify_i18n::denial(&Denial::Role { role: Role::UnitClerk, permission: Permission::CreateProblem }, Lang::Zh),
        "单位联络员无权为该单位登记问题"
    );
    for e in Entity::iter() {
        assert_chinese(&format!("{e:?}"), &rectify_i18n::not_found(e, "12", Lang::Zh));
        assert_chinese(&format!("{e:?}"), &rectify_i18n::not_found(e, "", Lang::Zh));
    }
}

/// Each state machine's states and actions, as refusals name them ("该督查轮次当前为「已结束」，
/// 不能「登记督查发现」").
#[test]
fn every_state_conflict_reads_in_chinese_alone() {
    use rectify_domain::machine::Machine;
    use rectify_domain::wire::Wire;
    fn check<M: Machine>() {
        for action in M::Action::all() {
            let action = WireName::of(*action);
            assert_chinese("not permitted", &rectify_i18n::not_permitted(M::ENTITY, action, Lang::Zh));
            for state in M::State::all() {
                let zh = rectify_i18n::state_conflict(M::ENTITY, action, WireName::of(*state), Lang::Zh);
                assert_chinese("state conflict", &zh);
            }
        }
    }
    check::<rectify_domain::problem::ProblemMachine>();
    check::<rectify_domain::case::CaseMachine>();
    check::<rectify_domain::inspection::RoundMachine>();
    check::<rectify_domain::inspection::ReinspectionMachine>();
    check::<rectify_domain::inspection::reinspection::CheckMachine>();
    check::<rectify_domain::accountability::ActionRecordMachine>();
    check::<rectify_domain::bulletin::BulletinMachine>();
}
