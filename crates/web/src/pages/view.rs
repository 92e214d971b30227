//! Templates and message catalogs. Templates (`templates/`) hold no wording: every text goes
//! through `t("key")`, looked up in the catalogs (`i18n/*.json`, one per area, each key with its
//! `zh` and `en` text side by side so a missing translation is easy to see).

use crate::i18n::Lang;
use chrono::{DateTime, NaiveDate};
use minijinja::value::Kwargs;
use minijinja::{Environment, Error, ErrorKind, State, Value};
pub use rectify_i18n::Catalog;
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "templates/"]
pub(crate) struct Templates;

/// The template environment with the catalog.
pub struct View {
    env: Environment<'static>,
    pub catalog: &'static Catalog,
}

impl Default for View {
    fn default() -> Self {
        View::new()
    }
}

impl View {
    pub fn new() -> View {
        let catalog = rectify_i18n::catalog();
        let mut env = Environment::new();
        env.set_loader(|name| Ok(Templates::get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned())));
        let cat = catalog;
        env.add_function("t", move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, Error> {
            let args: Vec<(&str, String)> =
                kwargs.args().map(|k| (k, kwargs.get::<Value>(k).map(|v| v.to_string()).unwrap_or_default())).collect();
            kwargs.assert_all_used()?;
            Ok(cat.text(key, lang_of(state), &args))
        });
        let cat = catalog;
        // `t_or("key", fallback)`: for open-ended codes (history actions) that may have no text.
        env.add_function("t_or", move |state: &State, key: &str, fallback: String| -> String {
            cat.get(key, lang_of(state)).map(str::to_owned).unwrap_or(fallback)
        });
        let cat = catalog;
        // `options(values, "prefix.")`: `[value, label]` pairs for a select, each label the
        // catalog's text for `prefix.value` (Jinja's `set` inside a loop cannot build a list).
        env.add_function("options", move |state: &State, values: Vec<String>, prefix: &str| -> Vec<[String; 2]> {
            cat.options(prefix, &values, lang_of(state))
        });
        // Dates as people read them in the page's language (2026年12月4日); `iso_date` where a
        // machine or a form field reads them.
        env.add_filter("date", |state: &State, v: Value| spoken_date(&iso_date(v), lang_of(state), true));
        env.add_filter("iso_date", iso_date);
        env.add_filter("datetime", |state: &State, v: Value| datetime(v, lang_of(state)));
        env.add_filter("month_day", |state: &State, v: Value| spoken_date(&iso_date(v), lang_of(state), false));
        env.add_filter("percent", percent);
        env.add_filter("mask_phone", mask_phone);
        env.add_filter("truncate", truncate);
        View { env, catalog }
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<String, Error> {
        self.env.get_template(name)?.render(ctx)
    }
}

fn lang_of(state: &State) -> Lang {
    match state.lookup("lang").as_ref().and_then(|v| v.as_str()) {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// RFC 3339 (already in +08:00) or a plain date → `2026-11-23`.
fn iso_date(v: Value) -> String {
    let s = v.as_str().map(str::to_owned).unwrap_or_else(|| if v.is_none() { String::new() } else { v.to_string() });
    if let Ok(t) = DateTime::parse_from_rfc3339(&s) {
        return rectify_domain::time::china_date(t.to_utc()).to_string();
    }
    s.parse::<NaiveDate>().map(|d| d.to_string()).unwrap_or(s)
}

/// A day as a person reads it: `2026年12月4日` / `4 December 2026`, or without the year
/// (`12月23日` / `23 December`); what is not a date is left as it is.
fn spoken_date(iso: &str, lang: Lang, with_year: bool) -> String {
    let Ok(d) = iso.parse::<NaiveDate>() else { return iso.to_owned() };
    match (lang, with_year) {
        (Lang::Zh, true) => d.format("%Y年%-m月%-d日").to_string(),
        (Lang::Zh, false) => d.format("%-m月%-d日").to_string(),
        (Lang::En, true) => d.format("%-d %B %Y").to_string(),
        (Lang::En, false) => d.format("%-d %B").to_string(),
    }
}

/// RFC 3339 → `2026年11月23日 09:30` / `23 Nov 2026 09:30` in Asia/Shanghai.
fn datetime(v: Value, lang: Lang) -> String {
    let Some(s) = v.as_str() else { return String::new() };
    let Ok(t) = DateTime::parse_from_rfc3339(s) else { return s.to_owned() };
    let t = t.with_timezone(&rectify_domain::time::china());
    match lang {
        Lang::Zh => t.format("%Y年%-m月%-d日 %H:%M").to_string(),
        Lang::En => t.format("%-d %b %Y %H:%M").to_string(),
    }
}

/// A rate 0..1 → `61.6%`.
fn percent(v: Value) -> Result<String, Error> {
    let x = f64::try_from(v).map_err(|_| Error::new(ErrorKind::InvalidOperation, "percent needs a number"))?;
    Ok(format!("{:.1}%", x * 100.0))
}

/// The first `n` characters (not bytes: Chinese text), with an ellipsis when cut.
fn truncate(s: String, n: usize) -> String {
    if s.chars().count() <= n {
        return s;
    }
    let mut out: String = s.chars().take(n).collect();
    out.push('…');
    out
}

/// `13812345678` → `138****5678`: staff lists never show a full number.
pub fn mask_phone(v: Value) -> String {
    let s = v.as_str().unwrap_or_default();
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rectify_domain::accountability::ActionKind;
    use rectify_domain::actor::Role;
    use rectify_domain::case::{CaseAction, CaseState, CaseType, Channel, Satisfaction, VisitMethod};
    use rectify_domain::inspection::{CheckOutcome, CheckState, ReinspectionAction, Rhythm, RoundAction, RoundStatus};
    use rectify_domain::personal_plan::PlanScope;
    use rectify_domain::problem::{ProblemAction, ProblemState, ProblemType};
    use rectify_domain::wire::Wire;

    /// The label keys of every value of `T`.
    fn labels<T: Wire>() -> Vec<String> {
        T::all().iter().map(|v| v.label_key()).collect()
    }

    fn is_cjk(c: char) -> bool {
        ('\u{3400}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
    }

    /// Every `t("literal")` in the templates.
    fn literal_keys() -> Vec<(String, String)> {
        let mut keys = Vec::new();
        for name in Templates::iter() {
            let Some(file) = Templates::get(&name) else { continue };
            let text = String::from_utf8_lossy(&file.data).into_owned();
            for quote in ['"', '\''] {
                let open = format!("t({quote}");
                let mut rest = text.as_str();
                while let Some(i) = rest.find(&open) {
                    rest = &rest[i + open.len()..];
                    let Some(end) = rest.find(quote) else { break };
                    let key = &rest[..end];
                    // `t("light." ~ l)`: a prefix, checked against the enums below.
                    if !rest[end + 1..].trim_start().starts_with('~') {
                        keys.push((name.to_string(), key.to_owned()));
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn the_catalogs_load_and_every_message_has_both_languages() {
        let (catalog, faults) = Catalog::load();
        assert!(faults.is_empty(), "catalog faults: {faults:?}");
        for (key, zh, en) in catalog.keys() {
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{key} lacks a text");
            // The language switch names the other language in itself (中文 on English pages).
            if key != "nav.other_lang" {
                assert!(!en.chars().any(is_cjk), "the English text of {key} has Chinese in it: {en}");
            }
        }
    }

    #[test]
    fn every_key_the_templates_use_exists() {
        let (catalog, _) = Catalog::load();
        let missing: Vec<_> = literal_keys().into_iter().filter(|(_, k)| catalog.get(k, Lang::En).is_none()).collect();
        assert!(missing.is_empty(), "keys missing from the catalogs: {missing:?}");
        // Keys the templates build from domain values.
        let mut built: Vec<String> = Vec::new();
        built.extend(ProblemState::ALL.iter().map(|s| format!("problem_state.{}", s.as_str())));
        built.extend(ProblemType::ALL.iter().map(|s| format!("problem_type.{}", s.as_str())));
        built.extend(ProblemAction::ALL.iter().map(|s| format!("problem_action.{}", s.as_str())));
        built.extend(["red", "yellow", "green"].iter().map(|s| format!("light.{s}")));
        built.extend(CaseState::ALL.iter().map(|s| format!("case_state.{}", s.as_str())));
        built.extend(CaseType::ALL.iter().map(|s| format!("case_type.{}", s.as_str())));
        built.extend(Channel::ALL.iter().map(|s| format!("channel.{}", s.as_str())));
        built.extend(Satisfaction::ALL.iter().map(|s| format!("satisfaction.{}", s.as_str())));
        built.extend(VisitMethod::ALL.iter().map(|s| format!("visit_method.{}", s.as_str())));
        built.extend(CaseAction::ALL.iter().map(|s| format!("case_action.{}", s.as_str())));
        built.extend(
            ["received", "rated", "linked", "waived", "reviewed", "dispatch", "investigated", "resubmitted"]
                .iter()
                .map(|s| format!("case_action.{s}")),
        );
        built.extend(labels::<Role>());
        // The tracking page's progress bar: each step and where it stands.
        built.extend(rectify_domain::case::TrackStep::ALL.iter().map(|s| format!("track_step.{}", s.as_str())));
        built.extend(["done", "current", "todo", "stopped"].iter().map(|s| format!("track.status.{s}")));
        built.push("done.forgotten".into());
        built.extend(
            ["received", "accepted", "declined", "assigned", "replied", "rated", "reopened", "closed"]
                .iter()
                .map(|s| format!("case_event.{s}")),
        );
        built.extend(super::super::cases::BOXES.iter().map(|b| format!("inbox.box_{b}")));
        built.extend(labels::<rectify_domain::case::ExtensionStatus>());
        built.extend(labels::<Rhythm>());
        // A plan's schedule, worded per rhythm.
        for r in Rhythm::ALL {
            built.extend(["due_this", "done"].iter().map(|k| format!("inspect.schedule.{k}.{}", r.as_str())));
        }
        built.extend(labels::<rectify_domain::figures::CloseBasis>());
        built.extend(labels::<rectify_domain::case::InvestigationOutcome>());
        built.extend(["satisfied", "unsatisfied", "unanswered"].iter().map(|s| format!("ledger.standing.{s}")));
        built.extend(labels::<rectify_domain::unit::UnitKind>());
        built.extend(labels::<rectify_domain::person::PersonKind>());
        built.extend(labels::<PlanScope>());
        built.extend(PlanScope::ALL.iter().map(|s| format!("plan.scope_note.{}", s.as_str())));
        // The states and actions of the machines, named in pages and in refusals.
        built.extend(labels::<RoundStatus>());
        built.extend(labels::<RoundAction>());
        built.extend(labels::<ReinspectionAction>());
        built.extend(labels::<CheckState>());
        built.extend(labels::<CheckOutcome>());
        built.extend(labels::<rectify_domain::accountability::ActionStatus>());
        built.extend(labels::<rectify_domain::accountability::ActionStep>());
        built.extend(labels::<rectify_domain::bulletin::BulletinStatus>());
        built.extend(labels::<rectify_domain::bulletin::BulletinStep>());
        built.extend(["committed", "drawn", "ended", "finding"].iter().map(|s| format!("inspect.done.{s}")));
        built.extend(ActionKind::ALL.iter().map(|k| format!("acct.kind.{}", k.as_str())));
        built.extend(
            ["red_problem", "overdue_after_reminder", "points_exhausted", "none"]
                .iter()
                .map(|r| format!("acct.rule.{r}")),
        );
        built.extend(["recorded", "confirmed", "dismissed", "deducted", "decided"].iter().map(|d| format!("done.{d}")));
        built.extend(labels::<rectify_domain::exchange::ImportKind>());
        built.extend(["auto", "utf-8", "gbk", "gb18030"].iter().map(|e| format!("files.encoding.{e}")));
        built.extend(
            ["created", "saved", "published", "dispatched", "concluded", "selected"]
                .iter()
                .map(|d| format!("done.{d}")),
        );
        built.extend(["decided_confirmed", "decided_dismissed"].iter().map(|d| format!("done.{d}")));
        // The to-do list's lines, and the notice after each action says what was done.
        built.extend(rectify_domain::todo::Todo::ALL.iter().map(|t| format!("todo.{}", t.as_str())));
        for a in CaseAction::ALL {
            for approve in [None, Some("true"), Some("false")] {
                for reassigned in [false, true] {
                    built.push(format!(
                        "done.{}",
                        super::super::cases::done_key("case", a.as_str(), approve, reassigned)
                    ));
                }
            }
        }
        for a in ProblemAction::ALL {
            for approve in [None, Some("true"), Some("false")] {
                built.push(format!("done.{}", super::super::cases::done_key("problem", a.as_str(), approve, false)));
            }
        }
        // The maps' markers, worded in `pages/map.rs` and `pages/portal.rs`.
        built.extend(["map.case", "map.problem"].iter().map(|k| k.to_string()));
        let missing: Vec<_> = built.into_iter().filter(|k| catalog.get(k, Lang::En).is_none()).collect();
        assert!(missing.is_empty(), "keys missing from the catalogs: {missing:?}");
    }

    #[test]
    fn phones_are_masked_and_text_is_cut_by_characters() {
        assert_eq!(mask_phone(Value::from("13812345678")), "138****5678");
        assert_eq!(mask_phone(Value::from("12345")), "*****");
        assert_eq!(truncate("小区门口路灯坏了".into(), 4), "小区门口…");
    }

    #[test]
    fn dates_read_as_people_say_them() {
        assert_eq!(spoken_date("2026-12-04", Lang::Zh, true), "2026年12月4日");
        assert_eq!(spoken_date("2026-12-23", Lang::Zh, false), "12月23日");
        assert_eq!(spoken_date("2026-12-23", Lang::En, false), "23 December");
        assert_eq!(spoken_date("2026-12-04", Lang::En, true), "4 December 2026");
        assert_eq!(spoken_date("", Lang::Zh, true), "");
    }
}
