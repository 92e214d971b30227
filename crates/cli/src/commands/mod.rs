pub mod audit;
pub mod backup;
pub mod bulletin;
pub mod calendar;
pub mod demo;
pub mod draw;
pub mod export;
pub mod import;
pub mod keys;
pub mod serve;
pub mod user;

use rectify_domain::DomainError;

/// A domain refusal worded for the terminal.
pub fn describe(e: &DomainError) -> String {
    match e {
        DomainError::Invalid(errors) => errors
            .iter()
            .map(|f| format!("{}: {}", f.field, rectify_web::i18n::issue(&f.issue, rectify_web::i18n::Lang::En)))
            .collect::<Vec<_>>()
            .join("; "),
        DomainError::RuleViolated { rule, field } => {
            format!("{field}: {}", rectify_web::i18n::rule(*rule, rectify_web::i18n::Lang::En))
        }
        other => other.to_string(),
    }
}
