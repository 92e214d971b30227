//! A citizen's details written into free text: mainland mobile numbers (`13812345678`,
//! `138-1234-5678`, `+86 138 1234 5678`), landlines with their area code (`0574-65512345`,
//! `(0574)65512345`, `057465512345`), e-mail addresses, and 18-digit resident ID numbers whose
//! GB 11643 check digit and birth date are valid. [`find`] says where they are; [`mask_text`]
//! masks each the way the structured fields are masked.
//!
//! Numbers are only taken whole: a run of digits that is part of a longer number or code (an
//! order number, a tracking code, an amount with decimals) is left alone, and so are dates,
//! 17-digit numbers and 18-digit numbers whose check digit or birth date is wrong.

use super::{mask_email, mask_id_number, mask_phone};

/// What a span of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Mobile,
    Landline,
    Email,
    IdNumber,
}

/// A detail found in a text: its kind, where it is (byte offsets, `start..end`) and how it is
/// shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub kind: Found,
    pub start: usize,
    pub end: usize,
    pub masked: String,
}

/// The text with every detail [`find`] finds masked; the same text when there is none.
pub fn mask_text(text: &str) -> String {
    let spans = find(text);
    if spans.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in spans {
        out.push_str(&text[at..s.start]);
        out.push_str(&s.masked);
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Every detail in `text`, in order, none overlapping.
pub fn find(text: &str) -> Vec<Span> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let scan = Scan { text, chars: &chars };
    let mut spans = scan.emails();
    let mut numbers = scan.numbers(&spans);
    spans.append(&mut numbers);
    spans.sort_by_key(|s| s.start);
    spans
}

/// Whether `id` is an 18-character resident ID number (GB 11643-1999): a region starting 1–8, a
/// real birth date from 1900 on, and the check digit (`X` for 10) that its first 17 digits give.
pub fn id_number_is_valid(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !(b'1'..=b'8').contains(&b[0]) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| id[r].parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (num(6..10), num(10..12), num(12..14)) else { return false };
    if !(1900..=2099).contains(&y) || chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_none() {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(c, w)| u32::from(c - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    b[17].to_ascii_uppercase() == check
}

/// A digit, ASCII or full-width, as its value.
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// Characters that may stand between the groups of one number: spaces and dashes.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{3000}' | '-' | '－' | '‐' | '–' | '—')
}

fn is_open(c: char) -> bool {
    matches!(c, '(' | '（')
}

fn is_close(c: char) -> bool {
    matches!(c, ')' | '）')
}

/// Characters that glue a number to a longer code or number: letters and digits.
fn is_glue(c: char) -> bool {
    c.is_ascii_alphanumeric() || digit(c).is_some()
}

/// One group of digits of a number as written.
#[derive(Debug)]
struct Group {
    /// Where the group starts, counting a `+` or an opening parenthesis before it (char index).
    outer: usize,
    /// Its first digit (char index).
    first: usize,
    /// One past its last digit, or past its `X` (char index).
    end: usize,
    /// The digits (ASCII), and a final `X` or `x` if written.
    digits: String,
    plus: bool,
    /// Written in parentheses, `(0574)`.
    enclosed: bool,
}

impl Group {
    fn plain(&self) -> bool {
        !self.plus && !self.enclosed && self.numeric()
    }

    fn numeric(&self) -> bool {
        !self.digits.ends_with(['X', 'x'])
    }
}

struct Scan<'a> {
    text: &'a str,
    chars: &'a [(usize, char)],
}

impl Scan<'_> {
    fn ch(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|c| c.1)
    }

    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |c| c.0)
    }

    /// `local@domain.tld`: the local part in ASCII letters, digits and `._%+-`, the domain in
    /// labels of letters, digits and `-`, the last all letters.
    fn emails(&self) -> Vec<Span> {
        let is_local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
        let is_domain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
        let mut out = Vec::new();
        let mut taken = 0;
        for k in 0..self.chars.len() {
            if self.chars[k].1 != '@' || k < taken {
                continue;
            }
            let mut s = k;
            while s > 0 && is_local(self.chars[s - 1].1) {
                s -= 1;
            }
            while s < k && matches!(self.chars[s].1, '.' | '-' | '+') {
                s += 1;
            }
            let mut e = k + 1;
            while e < self.chars.len() && is_domain(self.chars[e].1) {
                e += 1;
            }
            while e > k + 1 && matches!(self.chars[e - 1].1, '.' | '-') {
                e -= 1;
            }
            if s == k || s < taken {
                continue;
            }
            let domain = &self.text[self.byte(k + 1)..self.byte(e)];
            let labels: Vec<&str> = domain.split('.').collect();
            let tld = labels.last().copied().unwrap_or_default();
            let ok = labels.len() >= 2
                && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
                && tld.len() >= 2
                && tld.chars().all(|c| c.is_ascii_alphabetic());
            if !ok {
                continue;
            }
            let (start, end) = (self.byte(s), self.byte(e));
            out.push(Span { kind: Found::Email, start, end, masked: mask_email(&self.text[start..end]) });
            taken = e;
        }
        out
    }

    /// Phones and ID numbers, outside the e-mail addresses already found.
    fn numbers(&self, emails: &[Span]) -> Vec<Span> {
        let in_email = |i: usize| {
            let b = self.byte(i);
            emails.iter().any(|s| s.start <= b && b < s.end)
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.chars.len() {
            let c = self.chars[i].1;
            let starts = digit(c).is_some() || ((c == '+' || is_open(c)) && self.ch(i + 1).and_then(digit).is_some());
            if !starts || in_email(i) {
                i += 1;
                continue;
            }
            let (groups, next) = self.run(i);
            // A run glued to letters or digits, or a decimal, is part of something else.
            let is_digit = |k: Option<usize>| k.and_then(|k| self.ch(k)).and_then(digit).is_some();
            let glued = |c: Option<char>, beyond: Option<usize>| {
                c.is_some_and(is_glue) || (matches!(c, Some('.' | ',')) && is_digit(beyond))
            };
            let before = i.checked_sub(1).and_then(|p| self.ch(p));
            let head_ok = !glued(before, i.checked_sub(2));
            let last_end = groups.last().map_or(next, |g| g.end);
            let tail_ok = !glued(self.ch(last_end), Some(last_end + 1));
            let mut g = 0;
            while g < groups.len() {
                let found = self.number_at(&groups, g).filter(|(n, _)| {
                    (g > 0 || head_ok) && (g + n < groups.len() || tail_ok) && !in_email(groups[g + n - 1].end - 1)
                });
                match found {
                    Some((n, span)) => {
                        out.push(span);
                        g += n;
                    }
                    None => g += 1,
                }
            }
            i = next.max(i + 1);
        }
        out
    }

    /// The groups of one number as written from `i`, and where scanning goes on.
    fn run(&self, mut i: usize) -> (Vec<Group>, usize) {
        let mut groups = Vec::new();
        loop {
            let outer = i;
            let plus = self.ch(i) == Some('+');
            let open = self.ch(i).is_some_and(is_open);
            if plus || open {
                i += 1;
            }
            let first = i;
            let mut digits = String::new();
            while let Some(d) = self.ch(i).and_then(digit) {
                digits.push(d);
                i += 1;
            }
            if digits.is_empty() {
                return (groups, outer);
            }
            // The check character of an ID number, after 17 digits (or after the last group of
            // `110105 19491001 002X`), when it ends the word.
            if matches!(digits.len(), 3 | 17)
                && matches!(self.ch(i), Some('X' | 'x'))
                && !self.ch(i + 1).is_some_and(|c| c.is_ascii_alphanumeric())
            {
                digits.push(self.ch(i).expect("just matched"));
                i += 1;
            }
            let end = i;
            let closed = open && self.ch(i).is_some_and(is_close);
            if closed {
                i += 1;
            }
            groups.push(Group { outer, first, end, digits, plus, enclosed: closed });
            if open && !closed {
                // An opening parenthesis nobody closed belongs to the text, not the number.
                let g = groups.last_mut().expect("just pushed");
                g.outer = g.first;
            }
            // Up to three spaces or dashes, then the next group.
            let mut j = i;
            while j < i + 3 && self.ch(j).is_some_and(is_separator) {
                j += 1;
            }
            let next_starts = |k: usize| {
                self.ch(k).and_then(digit).is_some()
                    || (self.ch(k).is_some_and(|c| c == '+' || is_open(c)) && self.ch(k + 1).and_then(digit).is_some())
            };
            if (j > i || closed) && next_starts(j) {
                i = j;
            } else {
                return (groups, i);
            }
        }
    }

    /// A number made of whole groups from `g` on: how many groups it takes, and its span.
    fn number_at(&self, groups: &[Group], g: usize) -> Option<(usize, Span)> {
        self.id_number(groups, g).or_else(|| self.mobile(groups, g)).or_else(|| self.landline(groups, g))
    }

    fn span(&self, kind: Found, from: usize, to: usize, masked: String) -> Span {
        Span { kind, start: self.byte(from), end: self.byte(to), masked }
    }

    /// `110105194910010029`, or `110105 19491001 0029`.
    fn id_number(&self, groups: &[Group], g: usize) -> Option<(usize, Span)> {
        let one = &groups[g];
        let (n, id) = if one.digits.len() == 18 {
            (1, one.digits.clone())
        } else {
            let three = groups.get(g..g + 3)?;
            let lens: Vec<usize> = three.iter().map(|x| x.digits.len()).collect();
            if lens != [6, 8, 4] || !three[..2].iter().all(Group::numeric) {
                return None;
            }
            (3, three.iter().map(|x| x.digits.as_str()).collect())
        };
        let parts = &groups[g..g + n];
        if parts.iter().any(|x| x.plus) || !id_number_is_valid(&id) {
            return None;
        }
        Some((n, self.span(Found::IdNumber, parts[0].first, parts[n - 1].end, mask_id_number(&id))))
    }

    /// `13812345678`, `138 1234 5678`, `138-1234-5678`, `+86 138 1234 5678`, `+8613812345678`.
    fn mobile(&self, groups: &[Group], g: usize) -> Option<(usize, Span)> {
        let is_mobile = |d: &str| d.len() == 11 && d.starts_with('1') && matches!(d.as_bytes()[1], b'3'..=b'9');
        let first = &groups[g];
        // `+8613812345678` in one group.
        if first.plus && first.numeric() && first.digits.len() == 13 && first.digits.starts_with("86") {
            let national = &first.digits[2..];
            return is_mobile(national).then(|| {
                (1, self.span(Found::Mobile, first.outer, first.end, format!("+86 {}", mask_phone(national))))
            });
        }
        let prefixed = first.numeric() && !first.enclosed && (first.digits == "86" || first.digits == "0086");
        let (from, start, prefix) = if prefixed { (g + 1, first.outer, "+86 ") } else { (g, first.first, "") };
        if !prefixed && first.plus {
            return None;
        }
        for n in 1..=3 {
            let parts = groups.get(from..from + n)?;
            let digits: String = parts.iter().map(|x| x.digits.as_str()).collect();
            if digits.len() > 11 {
                return None;
            }
            let shapely = parts.iter().all(|x| x.numeric() && !x.plus && x.digits.len() >= 3)
                && (n == 1 || parts.iter().all(|x| !x.enclosed));
            if digits.len() == 11 {
                if !shapely || !is_mobile(&digits) {
                    return None;
                }
                let span =
                    self.span(Found::Mobile, start, parts[n - 1].end, format!("{prefix}{}", mask_phone(&digits)));
                return Some((from - g + n, span));
            }
        }
        None
    }

    /// `0574-65512345`, `(0574)6551 2345`, `010 1234 5678`, `057465512345`: an area code of 3
    /// digits (`01x`, `02x`) or 4, then 7 or 8 digits not starting with 0 or 1.
    fn landline(&self, groups: &[Group], g: usize) -> Option<(usize, Span)> {
        let area_len = |d: &str| if d.starts_with("01") || d.starts_with("02") { 3 } else { 4 };
        let local_ok = |d: &str| (7..=8).contains(&d.len()) && matches!(d.as_bytes()[0], b'2'..=b'9');
        let area_ok = |d: &str| d.len() == area_len(d) && d.starts_with('0') && d.as_bytes()[1] != b'0';
        let first = &groups[g];
        if !first.numeric() || first.plus {
            return None;
        }
        let masked = |area: &str, local: &str| mask_phone(&format!("{area}-{local}"));
        // All in one group.
        if !first.enclosed && first.digits.starts_with('0') && (11..=12).contains(&first.digits.len()) {
            let (area, local) = first.digits.split_at(area_len(&first.digits));
            if area_ok(area) && local_ok(local) {
                return Some((1, self.span(Found::Landline, first.first, first.end, masked(area, local))));
            }
            return None;
        }
        if !area_ok(&first.digits) {
            return None;
        }
        let start = if first.enclosed { first.outer } else { first.first };
        for n in 1..=2 {
            let parts = groups.get(g + 1..g + 1 + n)?;
            if !parts.iter().all(Group::plain) || parts.iter().any(|x| x.digits.len() < 3) {
                return None;
            }
            let local: String = parts.iter().map(|x| x.digits.as_str()).collect();
            if local_ok(&local) {
                let span = self.span(Found::Landline, start, parts[n - 1].end, masked(&first.digits, &local));
                return Some((1 + n, span));
            }
            if local.len() >= 8 {
                return None;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Found, &str)> {
        find(text).into_iter().map(|s| (s.kind, &text[s.start..s.end])).collect()
    }

    #[test]
    fn mobiles_in_every_usual_writing() {
        for (text, shown) in [
            ("我的电话13812345678，请回电", "我的电话138****5678，请回电"),
            ("联系电话：138-1234-5678。", "联系电话：138****5678。"),
            ("手机 138 1234 5678 白天打", "手机 138****5678 白天打"),
            ("+86 138 1234 5678", "+86 138****5678"),
            ("+86-13812345678", "+86 138****5678"),
            ("+8613812345678", "+86 138****5678"),
            ("0086 13812345678", "+86 138****5678"),
            ("（13987654321）", "（139****4321）"),
            ("电话:19912345678", "电话:199****5678"),
            ("tel.13812345678. Thanks", "tel.138****5678. Thanks"),
            ("１３８１２３４５６７８", "138****5678"),
            ("13812345678", "138****5678"),
            ("138 12345678", "138****5678"),
            ("两个号码13812345678、13987654321都行", "两个号码138****5678、139****4321都行"),
            ("号码13812345678 13987654321", "号码138****5678 139****4321"),
        ] {
            assert_eq!(mask_text(text), shown, "{text}");
        }
        assert_eq!(kinds("电话13812345678"), [(Found::Mobile, "13812345678")]);
    }

    #[test]
    fn landlines_with_their_area_code() {
        for (text, shown) in [
            ("座机0574-65512345", "座机057****2345"),
            ("座机 (0574)65512345 找王老师", "座机 057****2345 找王老师"),
            ("（0574）6551 2345", "057****2345"),
            ("010-62345678", "010****5678"),
            ("020 8765 4321", "020****4321"),
            ("请拨057465512345", "请拨057****2345"),
            ("0931-7612345转8001", "093****2345转8001"),
            ("0574 - 65512345", "057****2345"),
        ] {
            assert_eq!(mask_text(text), shown, "{text}");
        }
        // The shown form is the structured field's.
        assert_eq!(mask_text("0574-65512345"), mask_phone("0574-65512345"));
        assert_eq!(kinds("电话：0574-65512345"), [(Found::Landline, "0574-65512345")]);
    }

    #[test]
    fn email_addresses() {
        for (text, shown) in [
            ("邮箱zhangsan@qq.com，谢谢", "邮箱z***@qq.com，谢谢"),
            ("发到 Li.Si-2024@mail.example.com.cn。", "发到 L***@mail.example.com.cn。"),
            ("13812345678@163.com", "1***@163.com"),
            ("写信给whistle.blower@example.com反映", "写信给w***@example.com反映"),
            ("a@b.co和c_d@e.org", "a***@b.co和c***@e.org"),
        ] {
            assert_eq!(mask_text(text), shown, "{text}");
        }
        for not in ["@某某 你好", "name@localhost", "x@y.", "x@.com", "email@域名.中国", "@@", "a@b.c1"] {
            assert_eq!(mask_text(not), not, "{not}");
        }
    }

    #[test]
    fn id_numbers_with_a_valid_check_digit() {
        assert!(id_number_is_valid("11010519491231002X"));
        let valid = valid_id("33022619850615123");
        assert_eq!(mask_text(&format!("身份证号{valid}，")), format!("身份证号330226********{}，", &valid[14..]));
        assert_eq!(mask_text("身份证11010519491231002X"), "身份证110105********002X");
        assert_eq!(mask_text("身份证11010519491231002x号"), "身份证110105********002x号");
        let spaced = format!("{} {} {}", &valid[..6], &valid[6..14], &valid[14..]);
        assert_eq!(mask_text(&spaced), format!("330226********{}", &valid[14..]));
        assert_eq!(kinds(&valid), [(Found::IdNumber, valid.as_str())]);
    }

    /// The ID number with `first17` and the check digit GB 11643 gives it.
    fn valid_id(first17: &str) -> String {
        (0..=10)
            .map(|i| format!("{first17}{}", if i == 10 { 'X' } else { char::from(b'0' + i as u8) }))
            .find(|id| id_number_is_valid(id))
            .unwrap()
    }

    #[test]
    fn numbers_that_are_not_details_are_left_alone() {
        let valid = valid_id("33022619850615123");
        let wrong_check = {
            let last = valid.as_bytes()[17];
            let other = if last == b'1' { '2' } else { '1' };
            format!("{}{other}", &valid[..17])
        };
        for text in [
            "2026-12-05",
            "2026年12月5日上午9:30",
            "于2026-12-05 14:30:00提交",
            "金额12345.67元",
            "罚款13812345678.50元",
            "共计1,381,234,567元",
            "查询码 7K3M9-P2Q4R",
            "订单号20261205138123456789",
            "订单号DD13812345678",
            "单号13812345678A",
            "12812345678",
            "1381234567",
            "138123456789",
            "23812345678",
            "12345678901234567",
            "33022619850615123",
            wrong_check.as_str(),
            "202612051381234567",
            "110105180012310025",
            "第3-4条",
            "65512345",
            "0000-12345678",
            "0574-1234567",
            "IP 192.168.13.812",
            "版本1.3812345678",
            "电话尾号5678",
            "138****5678",
        ] {
            assert_eq!(find(text), Vec::new(), "{text}");
            assert_eq!(mask_text(text), text);
        }
    }

    #[test]
    fn several_kinds_in_one_message_each_masked() {
        let id = valid_id("33022619850615123");
        let text = format!("我叫什么不重要。电话13812345678，座机0574-65512345，邮箱zs@qq.com，身份证{id}。2026-12-05");
        let shown = mask_text(&text);
        assert_eq!(
            shown,
            format!(
                "我叫什么不重要。电话138****5678，座机057****2345，邮箱z***@qq.com，身份证330226********{}。2026-12-05",
                &id[14..]
            )
        );
        let found: Vec<Found> = find(&text).into_iter().map(|s| s.kind).collect();
        assert_eq!(found, [Found::Mobile, Found::Landline, Found::Email, Found::IdNumber]);
        // Masking twice changes nothing more, and a text with nothing in it comes back whole.
        assert_eq!(mask_text(&shown), shown);
        assert_eq!(mask_text("小区电梯长期故障无人维修"), "小区电梯长期故障无人维修");
        assert_eq!(mask_text(""), "");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any text: no panic, spans in order on character boundaries, and masking is stable.
            #[test]
            fn any_text(text in "[0-9０-９a-zA-Z@._+()（）\\- 电话邮箱身份证xX]{0,60}") {
                let spans = find(&text);
                let mut at = 0;
                for s in &spans {
                    prop_assert!(s.start >= at && s.start < s.end && text.is_char_boundary(s.start));
                    at = s.end;
                }
                let shown = mask_text(&text);
                prop_assert_eq!(mask_text(&shown), shown.clone());
            }

            /// A mobile number between words is always hidden, whatever its writing.
            #[test]
            fn a_mobile_between_words_is_hidden(
                second in 3u8..=9, rest in 0u64..1_000_000_000, sep in prop::sample::select(vec!["", " ", "-"]),
                before in "[我电话：，]{0,3}", after in "[，。请回电]{0,3}",
            ) {
                let digits = format!("1{second}{rest:09}");
                let written = format!("{}{sep}{}{sep}{}", &digits[..3], &digits[3..7], &digits[7..]);
                let shown = mask_text(&format!("{before}{written}{after}"));
                prop_assert_eq!(shown, format!("{before}{}{after}", mask_phone(&digits)));
            }
        }
    }
}
