//! Rectify's words: the message catalogs (`catalog/*.json`, one file per area, each key with its
//! Chinese and English text side by side), the wording of the domain's errors, and the labels of
//! every wire enum (`case_state.received`). The HTTP edge, the pages, the command line and the
//! notification worker all speak through it, so a word is written once.

mod errors;

pub use errors::{
    correct_these, denial, entity, field_label, field_sentence, issue, name, not_found, not_permitted, rule,
    state_conflict,
};

use rectify_domain::wire::Wire;
use rust_embed::RustEmbed;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

#[derive(RustEmbed)]
#[folder = "catalog/"]
struct Catalogs;

/// Every message in both languages.
#[derive(Debug, Default)]
pub struct Catalog {
    messages: HashMap<String, (String, String)>,
}

#[derive(serde::Deserialize)]
struct Entry {
    zh: String,
    en: String,
}

impl Catalog {
    /// Reads every embedded catalog file, with what was wrong in them (a malformed file, a key
    /// defined twice): build mistakes the catalog test keeps out of CI; at run time a broken file
    /// is skipped and its keys show as themselves.
    pub fn load() -> (Catalog, Vec<String>) {
        let mut messages = HashMap::new();
        let mut faults = Vec::new();
        for name in Catalogs::iter() {
            let Some(file) = Catalogs::get(&name) else { continue };
            let entries: HashMap<String, Entry> = match serde_json::from_slice(&file.data) {
                Ok(e) => e,
                Err(e) => {
                    tracing::error!(catalog = %name, error = %e, "message catalog does not parse");
                    faults.push(format!("{name}: {e}"));
                    continue;
                }
            };
            for (k, e) in entries {
                if messages.contains_key(&k) {
                    faults.push(format!("{name}: key {k} is defined in another file too"));
                    continue;
                }
                messages.insert(k, (e.zh, e.en));
            }
        }
        (Catalog { messages }, faults)
    }

    pub fn get(&self, key: &str, lang: Lang) -> Option<&str> {
        self.messages.get(key).map(|(zh, en)| if lang == Lang::En { en.as_str() } else { zh.as_str() })
    }

    /// `[value, label]` pairs for a select of fixed choices, each label the text of
    /// `{prefix}{value}` (templates call it as `options(values, "prefix.")`).
    pub fn options<S: AsRef<str>>(&self, prefix: &str, values: &[S], lang: Lang) -> Vec<[String; 2]> {
        values
            .iter()
            .map(|v| [v.as_ref().to_owned(), self.text(&format!("{prefix}{}", v.as_ref()), lang, &[])])
            .collect()
    }

    pub fn keys(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.messages.iter().map(|(k, (zh, en))| (k.as_str(), zh.as_str(), en.as_str()))
    }

    /// `key` in `lang` with `{name}` placeholders filled; the key itself when missing, so a
    /// gap shows on the page instead of failing it (the catalog test keeps gaps out of CI).
    pub fn text(&self, key: &str, lang: Lang, args: &[(&str, String)]) -> String {
        let Some(text) = self.get(key, lang) else {
            tracing::warn!(key, "message missing from the catalog");
            return key.to_owned();
        };
        let mut out = text.to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// The catalog of this process, read once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::load().0)
}

/// The label of a wire enum's value (`CaseState::Received` → 已登记).
pub fn label<T: Wire>(value: T, lang: Lang) -> String {
    catalog().text(&value.label_key(), lang, &[])
}

/// The label of the value of `T` named `name` (a wire name or an alias), if it names one.
pub fn label_of<T: Wire>(name: &str, lang: Lang) -> Option<String> {
    T::parse(name).map(|v| label(v, lang))
}

/// A notice's subject and body, in Chinese: notices go to citizens and units in China.
pub fn notice(template: rectify_domain::notice::NoticeTemplate, params: &[(&str, String)]) -> (String, String) {
    let c = catalog();
    let key = template.as_str();
    (
        c.text(&format!("notice_subject.{key}"), Lang::Zh, params),
        c.text(&format!("notice_body.{key}"), Lang::Zh, params),
    )
}

/// The text of an SMS carrying `body`.
pub fn sms_text(body: &str) -> String {
    catalog().text("notice_frame.sms", Lang::Zh, &[("body", body.to_owned())])
}

/// The subject line of an e-mail about `subject`.
pub fn email_subject(subject: &str) -> String {
    catalog().text("notice_frame.email_subject", Lang::Zh, &[("subject", subject.to_owned())])
}

#[cfg(test)]
mod tests {
    use super::{Catalog, Lang};

    /// Every notice to a citizen names their case by its tracking code.
    #[test]
    fn every_notice_to_a_citizen_carries_the_tracking_code() {
        use rectify_domain::notice::NoticeTemplate::*;
        for t in [
            CaseRegistered,
            CaseAccepted,
            CaseDeclined,
            CaseForwarded,
            ExtensionAsked,
            ExtensionGranted,
            ExtensionRefused,
            CaseReplied,
            RateRequest,
            CaseReopened,
            CaseMerged,
            CaseClosed,
            ServiceSubmitted,
            ServiceReturned,
            ServiceReceived,
            ServiceNotified,
            ServiceAccepted,
            ServiceStep,
            ServiceSuspended,
            ServiceResumed,
            ServiceDone,
            ServiceRefused,
            AppointmentBooked,
            AppointmentCancelled,
            RatingLink,
            RatingRectified,
        ] {
            let (_, body) = super::notice(t, &[("code", "ABCD-2345".to_owned())]);
            assert!(body.contains("ABCD-2345"), "{t:?}: {body}");
        }
    }
    use rectify_domain::wire::Wire;

    /// The label keys of `T` missing from the catalog in either language.
    fn missing<T: Wire>(catalog: &Catalog) -> Vec<String> {
        T::all()
            .iter()
            .map(|v| v.label_key())
            .filter(|k| [Lang::Zh, Lang::En].iter().any(|l| catalog.get(k, *l).is_none_or(|t| t.trim().is_empty())))
            .collect()
    }

    /// Every value of the ledger's, the cases' and the directory's wire enums has its label in
    /// both languages under `KIND.wire_name`: pages, files and refusals all word it from there.
    #[test]
    fn every_wire_value_has_its_labels() {
        use rectify_domain::actor::Role;
        use rectify_domain::calendar::DayKind;
        use rectify_domain::case::{
            CaseAction, CaseState, CaseType, Channel, ExtensionStatus, Satisfaction, VisitMethod,
        };
        use rectify_domain::exchange::ImportKind;
        use rectify_domain::figures::CloseBasis;
        use rectify_domain::inspection::Rhythm;
        use rectify_domain::light::Light;
        use rectify_domain::notice::NoticeChannel;
        use rectify_domain::person::PersonKind;
        use rectify_domain::personal_plan::PlanScope;
        use rectify_domain::problem::{Level, ProblemAction, ProblemState, ProblemType, SourceKind};
        use rectify_domain::unit::UnitKind;
        let (catalog, faults) = Catalog::load();
        assert!(faults.is_empty(), "{faults:?}");
        let missing: Vec<String> = [
            missing::<ProblemState>(&catalog),
            missing::<ProblemAction>(&catalog),
            missing::<ProblemType>(&catalog),
            missing::<Level>(&catalog),
            missing::<SourceKind>(&catalog),
            missing::<CloseBasis>(&catalog),
            missing::<Light>(&catalog),
            missing::<CaseState>(&catalog),
            missing::<CaseAction>(&catalog),
            missing::<CaseType>(&catalog),
            missing::<Channel>(&catalog),
            missing::<Satisfaction>(&catalog),
            missing::<VisitMethod>(&catalog),
            missing::<ExtensionStatus>(&catalog),
            missing::<Role>(&catalog),
            missing::<UnitKind>(&catalog),
            missing::<PersonKind>(&catalog),
            missing::<PlanScope>(&catalog),
            missing::<DayKind>(&catalog),
            missing::<ImportKind>(&catalog),
            missing::<Rhythm>(&catalog),
            missing::<NoticeChannel>(&catalog),
            missing::<rectify_domain::search::SearchKind>(&catalog),
            missing::<rectify_domain::search::SearchIssue>(&catalog),
            missing::<rectify_domain::service::catalog::ServiceKind>(&catalog),
            missing::<rectify_domain::service::catalog::Delivery>(&catalog),
            missing::<rectify_domain::service::catalog::MaterialForm>(&catalog),
            missing::<rectify_domain::service::case::ServiceCaseState>(&catalog),
            missing::<rectify_domain::service::case::ServiceCaseAction>(&catalog),
            missing::<rectify_domain::service::record::ServiceChannel>(&catalog),
            missing::<rectify_domain::service::sampling::CallOutcome>(&catalog),
            missing::<rectify_domain::service::appointment::AppointmentState>(&catalog),
            missing::<rectify_domain::service::appointment::AppointmentAction>(&catalog),
            missing::<rectify_domain::service::online::OnlineApplicationState>(&catalog),
            missing::<rectify_domain::service::online::OnlineApplicationAction>(&catalog),
            missing::<rectify_domain::rating::RatingLevel>(&catalog),
            missing::<rectify_domain::rating::RatingChannel>(&catalog),
            missing::<rectify_domain::rating::Indicator>(&catalog),
            missing::<rectify_domain::rating::follow_up::FollowUpState>(&catalog),
            missing::<rectify_domain::rating::follow_up::FollowUpAction>(&catalog),
            missing::<rectify_domain::rating::follow_up::FollowUpAnswer>(&catalog),
            missing::<rectify_domain::rating::appeal::AppealState>(&catalog),
            missing::<rectify_domain::rating::appeal::AppealAction>(&catalog),
        ]
        .concat();
        assert!(missing.is_empty(), "labels missing from the catalog: {missing:?}");
    }

    #[test]
    fn labels_come_from_the_catalog() {
        use rectify_domain::case::Channel;
        use rectify_domain::unit::UnitKind;
        assert_eq!(super::label(Channel::Referral, Lang::Zh), "上级交办");
        assert_eq!(super::label(UnitKind::Window, Lang::En), "Service window");
    }
}
