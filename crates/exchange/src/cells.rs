//! The cells of a service catalog (事项清单) as offices fill them: materials one a line with what
//! to hand in in brackets (`结婚证（原件和复印件，2份）`), staff as `姓名 电话`, steps as
//! `申请→受理→办结` or numbered lines, limits as `5个工作日` or `即办`, visits as `最多跑一次`.
//! Each reader has its writer, so an exported cell reads back the same.

use crate::text::split_measures;
use rectify_domain::service::catalog::{ItemStaff, MaterialForm, NewMaterial};

/// Items of a list cell: numbered items or lines, `；` and (for steps) arrows separating them.
pub(crate) fn items(s: &str, arrows: bool) -> Vec<String> {
    let mut text = s.replace(['；', ';'], "\n");
    if arrows {
        for arrow in ["→", "->", "—>", "＞", ">", "➡"] {
            text = text.replace(arrow, "\n");
        }
    }
    split_measures(&text)
        .into_iter()
        .map(|i| i.replace('\n', " ").trim().to_owned())
        .filter(|i| !i.is_empty())
        .collect()
}

/// A list of names in one cell (所属清单): `、`, commas, `；` or lines between them.
pub(crate) fn names(s: &str) -> Vec<String> {
    s.split(['、', '，', ',', '；', ';', '\n', '/']).map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect()
}

const BOTH: [&str; 4] = ["原件和复印件", "原件及复印件", "原件、复印件", "原件与复印件"];
const OPTIONAL: [&str; 5] = ["视情形提供", "视情况提供", "如有", "容缺", "非必需"];

/// A material: its name, and in a trailing bracket what to hand in, how many and whether it is
/// needed only in some cases. Words it does not know stay in the name.
pub(crate) fn material(s: &str) -> NewMaterial {
    let s = s.trim();
    let (name, note) = match s.strip_suffix(['）', ')']).and_then(|rest| rest.rfind(['（', '(']).map(|i| (rest, i))) {
        Some((rest, i)) => {
            let open = rest[i..].chars().next().map_or(0, char::len_utf8);
            (rest[..i].trim(), Some(&rest[i + open..]))
        }
        None => (s, None),
    };
    let mut m = NewMaterial { name: Some(name.to_owned()), ..NewMaterial::default() };
    let Some(note) = note else { return m };
    let mut unknown = Vec::new();
    for part in note.split(['，', ',', '；', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        if BOTH.contains(&part) {
            m.form = Some(MaterialForm::Both);
        } else if part == "原件" {
            m.form = Some(MaterialForm::Original);
        } else if part == "复印件" {
            m.form = Some(MaterialForm::Copy);
        } else if OPTIONAL.contains(&part) {
            m.optional = true;
        } else if let Some(n) = part.strip_suffix('份').and_then(|n| n.trim().parse().ok()) {
            m.count = Some(n);
        } else {
            unknown.push(part);
        }
    }
    if !unknown.is_empty() {
        // Brackets that are part of the name (`营业执照（副本）`) stay in it.
        m.name = Some(format!("{name}（{}）", unknown.join("，")));
    }
    m
}

/// A material as a cell's line writes it (read back by [`material`]).
pub(crate) fn material_text(m: &NewMaterial) -> String {
    let mut note = vec![
        match m.form.unwrap_or(MaterialForm::Original) {
            MaterialForm::Original => "原件",
            MaterialForm::Copy => "复印件",
            MaterialForm::Both => "原件和复印件",
        }
        .to_owned(),
    ];
    if let Some(n) = m.count.filter(|n| *n != 1) {
        note.push(format!("{n}份"));
    }
    if m.optional {
        note.push(OPTIONAL[0].to_owned());
    }
    format!("{}（{}）", m.name.as_deref().unwrap_or_default(), note.join("，"))
}

/// Staff one a line (or separated by `；`): the name, then the phone (`李红 0931-7612345`,
/// `李红：0931-7612345`). A line without a phone is a name alone (the catalog asks for one).
pub(crate) fn staff(s: &str) -> Vec<ItemStaff> {
    s.split(['\n', '；', ';'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let split = line.find(|c: char| c.is_ascii_digit() || c == '(' || c == '（' || c == '+');
            let (name, phone) = match split {
                Some(i) => (&line[..i], Some(line[i..].trim())),
                None => (line, None),
            };
            let name = name.trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '：' | ',' | '，'));
            ItemStaff { name: Some(name.to_owned()), phone: phone.filter(|p| !p.is_empty()).map(str::to_owned) }
        })
        .collect()
}

pub(crate) fn staff_text(staff: &[ItemStaff]) -> String {
    let line =
        |s: &ItemStaff| [s.name.as_deref(), s.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    staff.iter().map(line).collect::<Vec<_>>().join("\n")
}

/// Working days as written: `5`, `5个工作日`, `5日`; `即办` and `当场办结` are 0. `None` when
/// the text names no number of days.
pub(crate) fn working_days(s: &str) -> Option<u32> {
    let s = s.trim();
    if ["即办", "当场办结", "即时办结", "立即办结"].iter().any(|w| s.contains(w)) {
        return Some(0);
    }
    let number = ["个工作日", "工作日", "日", "天"].iter().find_map(|u| s.strip_suffix(u)).unwrap_or(s);
    number.trim().parse().ok()
}

pub(crate) fn working_days_text(days: u32) -> String {
    if days == 0 { "即办".to_owned() } else { format!("{days}个工作日") }
}

/// The most visits (跑动次数): a number, `零跑腿` or `最多跑一次`.
pub(crate) fn visits(s: &str) -> Option<u32> {
    let s = s.trim();
    match s {
        "零跑腿" | "零次" | "0次" => Some(0),
        "最多跑一次" | "一次" | "1次" => Some(1),
        _ => s.trim_end_matches('次').trim().parse().ok(),
    }
}

pub(crate) fn visits_text(n: u32) -> String {
    match n {
        0 => "零跑腿".to_owned(),
        1 => "最多跑一次".to_owned(),
        n => format!("{n}次"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn materials_read_what_to_hand_in_and_write_back_the_same() {
        let m = material("夫妻双方居民身份证（原件和复印件，2份）");
        assert_eq!(
            (m.name.as_deref(), m.form, m.count, m.optional),
            (Some("夫妻双方居民身份证"), Some(MaterialForm::Both), Some(2), false)
        );
        assert_eq!(material(&material_text(&m)), m);
        let kept = material("营业执照（副本）");
        assert_eq!((kept.name.as_deref(), kept.form), (Some("营业执照（副本）"), None));
        let optional = material("委托书(视情形提供)");
        assert!(optional.optional);
        assert_eq!(material("结婚证").name.as_deref(), Some("结婚证"));
    }

    #[test]
    fn lists_steps_and_staff_split_as_offices_write_them() {
        assert_eq!(items("申请→受理→审核→办结", true), ["申请", "受理", "审核", "办结"]);
        assert_eq!(items("1.申请\n2.受理\n3.办结", true), ["申请", "受理", "办结"]);
        assert_eq!(items("身份证；户口簿", false), ["身份证", "户口簿"]);
        assert_eq!(names("最多跑一次、生育"), ["最多跑一次", "生育"]);
        let s = staff("李红 0931-7612345\n王强：13912345678");
        assert_eq!(s[1], ItemStaff { name: Some("王强".into()), phone: Some("13912345678".into()) });
        assert_eq!(staff(&staff_text(&s)), s);
        assert_eq!(staff("张伟")[0].phone, None);
    }

    #[test]
    fn limits_and_visits_read_numbers_and_words() {
        assert_eq!(working_days("5个工作日"), Some(5));
        assert_eq!(working_days("即办"), Some(0));
        assert_eq!(working_days("20"), Some(20));
        assert_eq!(working_days("五个工作日"), None);
        assert_eq!(working_days(&working_days_text(7)), Some(7));
        assert_eq!(visits("最多跑一次"), Some(1));
        assert_eq!(visits(&visits_text(0)), Some(0));
        assert_eq!(visits("2次"), Some(2));
    }
}
