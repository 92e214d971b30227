//! Named parameters read one by one with field-level errors: a request's query, a page's query,
//! the command line's `--filter NAME=VALUE`. Names a reader does not ask for are refused, so a
//! typo (`stat=open`) is not silently ignored, whichever edge it came through.

use chrono::NaiveDate;
use rectify_domain::error::Problems;
use rectify_domain::{DomainError, Issue};
use std::str::FromStr;

pub struct Params {
    pairs: Vec<(String, String)>,
    problems: Problems,
    known: Vec<&'static str>,
}

impl Params {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Params {
        Params { pairs, problems: Problems::new(), known: Vec::new() }
    }

    fn raw(&mut self, name: &'static str) -> Option<String> {
        self.known.push(name);
        self.pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    pub fn string(&mut self, name: &'static str) -> Option<String> {
        self.raw(name)
    }

    pub fn parse<T>(
        &mut self,
        name: &'static str,
        parse: impl Fn(&str) -> Option<T>,
        expected: impl Fn() -> Issue,
    ) -> Option<T> {
        let raw = self.raw(name)?;
        let v = parse(&raw);
        if v.is_none() {
            self.problems.push(name, expected());
        }
        v
    }

    pub fn id<T: FromStr>(&mut self, name: &'static str) -> Option<T> {
        self.parse(name, |s| s.parse().ok(), || Issue::Malformed { expected: rectify_domain::Expected::Id })
    }

    pub fn int(&mut self, name: &'static str) -> Option<i64> {
        self.parse(name, |s| s.parse().ok(), || Issue::Malformed { expected: rectify_domain::Expected::WholeNumber })
    }

    pub fn bool(&mut self, name: &'static str) -> Option<bool> {
        self.parse(
            name,
            |s| match s {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            },
            || Issue::NotOneOf { expected: vec!["true".into(), "false".into()] },
        )
    }

    /// A date written `YYYY-MM-DD`: a year of four digits (a year like `+99999` or `-0001`
    /// is no date anyone means, and overflows what dates are compared with).
    pub fn date(&mut self, name: &'static str) -> Option<NaiveDate> {
        self.parse(
            name,
            |s| rectify_domain::time::parse_date(s).filter(|d| (1000..=9999).contains(&chrono::Datelike::year(d))),
            || Issue::InvalidDate,
        )
    }

    /// `from` and `to` (China dates, both included): a `to` before `from` is refused naming `to`.
    pub fn dates(&mut self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let (from, to) = (self.date("from"), self.date("to"));
        self.date_order(from, to);
        (from, to)
    }

    /// Refuses `to` before `from` (naming `to`: "截止日期不能早于开始日期").
    pub fn date_order(&mut self, from: Option<NaiveDate>, to: Option<NaiveDate>) {
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            self.problems.push("to", Issue::BeforeOther { other: "from".into() });
        }
    }

    /// A comma-separated list of words.
    pub fn list<T>(&mut self, name: &'static str, parse: impl Fn(&str) -> Option<T>, words: &[&str]) -> Vec<T> {
        let Some(raw) = self.raw(name) else { return Vec::new() };
        let mut out = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match parse(part) {
                Some(v) => out.push(v),
                None => {
                    self.problems
                        .push(name, Issue::NotOneOf { expected: words.iter().map(|w| (*w).to_owned()).collect() });
                    return Vec::new();
                }
            }
        }
        out
    }

    pub fn record(&mut self, e: DomainError) {
        if let DomainError::Invalid(errors) = e {
            self.problems.extend(errors);
        }
    }

    /// Ends parsing: every bad or unknown parameter at once, or nothing.
    pub fn finish(mut self) -> Result<(), DomainError> {
        for (k, _) in &self.pairs {
            if !self.known.contains(&k.as_str()) {
                self.problems.push(k.clone(), Issue::UnknownField);
            }
        }
        self.problems.into_result()
    }
}
