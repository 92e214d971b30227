//! Dates and times as offices type them, mixed in one column: `2019/4/25 9:32:09`,
//! `2017-06-08 17:31:20`, `2019-4-25`, `2019年4月25日`, `2019.4.25`, `20190425`, Excel serial
//! numbers; and deadlines as ledgers word them (`2014年5月底`, `长期坚持`, `立行立改`). Local
//! times are China time.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};
use rectify_domain::time::{Timestamp, from_china_local};

/// What a deadline cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deadline {
    On(NaiveDate),
    /// 长期坚持: no deadline, the long-term type.
    LongTerm,
    /// 立行立改: no deadline, the immediate type.
    Immediate,
}

const LONG_TERM: &[&str] = &["长期坚持", "长期", "长期整改", "持续整改", "持续推进", "常态化"];
const IMMEDIATE: &[&str] = &["立行立改", "立即", "立即整改", "即知即改"];

/// Serial numbers taken for dates: 1954-10-03 to 2099-12-31. Outside that a number in a date
/// column is far more likely a typo (or a year, `2019`) than a date.
const SERIAL_MIN: f64 = 20_000.0;
const SERIAL_MAX: f64 = 73_051.0;

/// An Excel serial date-time (1900 system, as every workbook made on Windows) at China time.
pub(crate) fn from_serial(serial: f64) -> Option<NaiveDateTime> {
    if !(SERIAL_MIN..SERIAL_MAX).contains(&serial) {
        return None;
    }
    // 1899-12-30 rather than 12-31 absorbs Excel's phantom 1900-02-29 for every serial in range.
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    // Whole seconds: ledgers never carry less, and float noise would otherwise leak in.
    epoch.checked_add_signed(TimeDelta::seconds((serial * 86_400.0).round() as i64))
}

/// A number in a date column: `20190425`, or a serial.
pub(crate) fn from_number(n: f64) -> Option<NaiveDateTime> {
    if n.fract() == 0.0 && (19_000_101.0..=21_001_231.0).contains(&n) {
        let n = n as u32;
        return NaiveDate::from_ymd_opt((n / 10_000) as i32, n / 100 % 100, n % 100)
            .map(|d| d.and_time(NaiveTime::MIN));
    }
    from_serial(n)
}

/// A date-time cell's text; a date alone is midnight. RFC 3339 with an offset (an API's
/// export) keeps its instant.
pub(crate) fn time_text(s: &str) -> Option<Timestamp> {
    let s = ascii(s);
    if let Ok(t) = DateTime::parse_from_rfc3339(&s) {
        return Some(Timestamp::from_utc(t.with_timezone(&Utc)));
    }
    local_text(&s).map(china)
}

/// A deadline: a date, the end of a month or year (`2014年5月底`, `2014年5月`, `2019年底`),
/// optionally with `前`/`之前`; or a word for no deadline.
pub(crate) fn deadline_text(s: &str) -> Option<Deadline> {
    let s = ascii(s);
    let word: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if LONG_TERM.contains(&word.as_str()) {
        return Some(Deadline::LongTerm);
    }
    if IMMEDIATE.contains(&word.as_str()) {
        return Some(Deadline::Immediate);
    }
    let s = s.strip_prefix("截至").or_else(|| s.strip_prefix("截止")).unwrap_or(&s);
    let s = ["前完成", "之前", "以前", "前", "完成"].iter().find_map(|x| s.strip_suffix(x)).unwrap_or(s);
    let p = parts(s)?;
    let end = |y: i32, m: u32| last_day(y, m);
    match (p.month, p.day, p.rest) {
        (Some(m), Some(d), "") => NaiveDate::from_ymd_opt(p.year, m, d),
        (Some(m), None, "" | "底" | "末") => end(p.year, m),
        (None, None, "底" | "末") => end(p.year, 12),
        _ => None,
    }
    .map(Deadline::On)
}

/// The instant of a China wall-clock time.
pub(crate) fn china(local: NaiveDateTime) -> Timestamp {
    Timestamp::from_utc(from_china_local(local))
}

/// The China wall-clock time of an instant, to the second (what files show).
pub(crate) fn local(t: Timestamp) -> NaiveDateTime {
    let local = t.utc().with_timezone(&rectify_domain::time::china()).naive_local();
    local.with_nanosecond(0).unwrap_or(local)
}

fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1)? } else { first.with_month(month + 1)? };
    next.pred_opt()
}

/// A full date with an optional time and nothing after it; or a number (`20190425`, a serial).
fn local_text(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>()
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return from_number(n);
    }
    let p = parts(s)?;
    let date = NaiveDate::from_ymd_opt(p.year, p.month?, p.day?)?;
    (p.rest.is_empty()).then(|| date.and_time(p.time.unwrap_or(NaiveTime::MIN)))
}

/// Full-width digits and punctuation (typed with a Chinese input method) as ASCII.
fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The pieces of `2019-4-25 9:32:09`, `2019年4月25日9时32分`, `2019.4`, `20190425`, `2019年底`.
#[derive(Debug)]
struct Parts<'a> {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
    time: Option<NaiveTime>,
    /// Whatever follows what was understood (`底`).
    rest: &'a str,
}

fn parts(s: &str) -> Option<Parts<'_>> {
    let mut c = Cursor(s.trim());
    let (first, width) = c.digits(8)?;
    let (year, month, day) = match width {
        8 => (first / 10_000, Some(first / 100 % 100), Some(first % 100)),
        4 => {
            let sep = c.eat(&['-', '/', '.', '年'])?;
            match c.digits(2) {
                None if sep == '年' => (first, None, None),
                None => return None,
                Some((m, _)) if sep == '年' => {
                    c.eat(&['月'])?;
                    let d = c.digits(2).map(|(d, _)| d);
                    if d.is_some() {
                        c.eat(&['日', '号']);
                    }
                    (first, Some(m), d)
                }
                Some((m, _)) => {
                    let d = if c.eat(&[sep]).is_some() { Some(c.digits(2)?.0) } else { None };
                    (first, Some(m), d)
                }
            }
        }
        _ => return None,
    };
    if !(1900..=2100).contains(&year) {
        return None;
    }
    let time = if day.is_some() { c.time() } else { None };
    Some(Parts { year: year as i32, month, day, time, rest: c.0.trim() })
}

struct Cursor<'a>(&'a str);

impl Cursor<'_> {
    /// One to `max` ASCII digits.
    fn digits(&mut self, max: usize) -> Option<(u32, usize)> {
        let n = self.0.bytes().take(max).take_while(u8::is_ascii_digit).count();
        if n == 0 || self.0.as_bytes().get(n).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let v = self.0[..n].parse().ok()?;
        self.0 = &self.0[n..];
        Some((v, n))
    }

    fn eat(&mut self, any: &[char]) -> Option<char> {
        let c = self.0.chars().next().filter(|c| any.contains(c))?;
        self.0 = &self.0[c.len_utf8()..];
        Some(c)
    }

    /// ` 9:32:09`, `T09:32:09.5`, `9时32分`, `9:32`; left untouched when it is not a time.
    fn time(&mut self) -> Option<NaiveTime> {
        let start = self.0;
        let parsed = self.time_inner();
        if parsed.is_none() {
            self.0 = start;
        }
        parsed
    }

    fn time_inner(&mut self) -> Option<NaiveTime> {
        let trimmed = self.0.trim_start();
        self.0 = trimmed.strip_prefix('T').unwrap_or(trimmed);
        let (h, _) = self.digits(2)?;
        self.eat(&[':', '时', '点'])?;
        let (m, _) = self.digits(2)?;
        let mut s = 0;
        let mut nanos = 0;
        if self.eat(&[':', '分']).is_some()
            && let Some((v, _)) = self.digits(2)
        {
            s = v;
            self.eat(&['秒']);
            if self.eat(&['.']).is_some() {
                let (frac, width) = self.digits(9)?;
                nanos = frac * 10u32.pow(9 - width as u32);
            }
        }
        NaiveTime::from_hms_nano_opt(h, m, s, nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap()
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_forms_found_in_real_files() {
        let t = |s| time_text(s).map(local);
        assert_eq!(t("2019/4/25 9:32:09"), Some(dt(2019, 4, 25, 9, 32, 9)));
        assert_eq!(t("2017-06-08 17:31:20"), Some(dt(2017, 6, 8, 17, 31, 20)));
        assert_eq!(t("2019-4-25"), Some(dt(2019, 4, 25, 0, 0, 0)));
        assert_eq!(t("2019年4月25日"), Some(dt(2019, 4, 25, 0, 0, 0)));
        assert_eq!(t("2019年4月25日 9时32分"), Some(dt(2019, 4, 25, 9, 32, 0)));
        assert_eq!(t("2019.4.25"), Some(dt(2019, 4, 25, 0, 0, 0)));
        assert_eq!(t("20190425"), Some(dt(2019, 4, 25, 0, 0, 0)));
        assert_eq!(t("２０１９－０４－２５"), Some(dt(2019, 4, 25, 0, 0, 0)));
        assert_eq!(t("2019-04-25T09:32:09"), Some(dt(2019, 4, 25, 9, 32, 9)));
        assert_eq!(t("2019-04-25T09:32:09+08:00"), Some(dt(2019, 4, 25, 9, 32, 9)));
        assert_eq!(t("2019-04-25T01:32:09Z"), Some(dt(2019, 4, 25, 9, 32, 9)));
        assert_eq!(t("43580.5"), Some(dt(2019, 4, 25, 12, 0, 0)));
    }

    #[test]
    fn local_times_are_china_time() {
        let t = time_text("2019-04-25 08:00:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2019-04-25T08:00:00+08:00");
        assert_eq!(t.utc().to_rfc3339(), "2019-04-25T00:00:00+00:00");
    }

    #[test]
    fn what_is_not_a_date() {
        for s in ["2019/13/1", "2019-02-30", "明天", "2019", "2019-4-25 上午", "4/25/2019", "1.5", "2019年4月", ""]
        {
            assert_eq!(time_text(s), None, "{s}");
        }
    }

    #[test]
    fn serials_and_numbers() {
        assert_eq!(from_number(43580.5), Some(dt(2019, 4, 25, 12, 0, 0)));
        assert_eq!(from_number(43580.397337963), Some(dt(2019, 4, 25, 9, 32, 10)));
        assert_eq!(from_number(20190425.0), Some(dt(2019, 4, 25, 0, 0, 0)));
        assert_eq!(from_number(2019.0), None);
    }

    #[test]
    fn deadlines() {
        let d = deadline_text;
        assert_eq!(d("2014年5月底"), Some(Deadline::On(ymd(2014, 5, 31))));
        assert_eq!(d("2014年5月"), Some(Deadline::On(ymd(2014, 5, 31))));
        assert_eq!(d("2016年2月底前"), Some(Deadline::On(ymd(2016, 2, 29))));
        assert_eq!(d("2019年底前"), Some(Deadline::On(ymd(2019, 12, 31))));
        assert_eq!(d("2019年6月30日前"), Some(Deadline::On(ymd(2019, 6, 30))));
        assert_eq!(d("2019-12"), Some(Deadline::On(ymd(2019, 12, 31))));
        assert_eq!(d("2019/4/25 17:00"), Some(Deadline::On(ymd(2019, 4, 25))));
        assert_eq!(d("长期坚持"), Some(Deadline::LongTerm));
        assert_eq!(d(" 长期 "), Some(Deadline::LongTerm));
        assert_eq!(d("立行立改"), Some(Deadline::Immediate));
        assert_eq!(d("立即"), Some(Deadline::Immediate));
        assert_eq!(d("尽快"), None);
        assert_eq!(d("2019年"), None);
    }
}
