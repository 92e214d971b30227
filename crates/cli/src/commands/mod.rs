pub mod audit;
pub mod backup;
pub mod bulletin;
pub mod calendar;
pub mod demo;
pub mod draw;
pub mod export;
pub mod import;
pub mod keys;
pub mod search;
pub mod serve;
pub mod user;

use rectify_domain::DomainError;
use rectify_i18n::{Lang, issue};

/// A domain refusal worded for the terminal.
pub fn describe(e: &DomainError) -> String {
    match e {
        DomainError::Invalid(errors) => {
            errors.iter().map(|f| format!("{}: {}", f.field, issue(&f.issue, Lang::En))).collect::<Vec<_>>().join("; ")
        }
        DomainError::RuleViolated { rule, field } => {
            format!("{field}: {}", rectify_i18n::rule(*rule, Lang::En))
        }
        other => other.to_string(),
    }
}

/// A progress bar over `unit` (rows, records); hidden with `quiet` and off a terminal.
pub fn progress_bar(quiet: bool, message: &'static str, unit: &str) -> indicatif::ProgressBar {
    let bar = if quiet { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(0) };
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{msg}} [{{bar:40}}] {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}
