//! Hot spots (热点问题): groups of messages about the same place (地点) or, when they name no
//! place, the same group of people (人群: 外卖骑手, 退役军人, …), and the same matter, ranked by a
//! heat index. A message joins a group when it names the group's place (or crowd) and its text
//! (without the place's name) is like the group's first message (character pairs,
//! `text::Pairs`), so twenty neighbours writing about one mixing plant in their own words make
//! one hot spot. A place or crowd named by more than a twentieth of the messages (the city
//! itself) groups nothing.
//!
//! Heat (docs/TRIAGE.md): `ln(1 + messages) × ln(e + support) × (1 + spread) × recency`, where
//! support is the likes less the dislikes (at least 0), spread the days with a message (at most
//! 30) over 30, and recency halves every 30 days between the last message and the end of the
//! window. More messages, more support, a matter that keeps coming back and a recent one are
//! hotter; each factor is damped so that no one of them decides alone.

use chrono::{DateTime, Utc};
use rectify_domain::ids::CaseId;
use rectify_domain::text::Pairs;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A message as hot spots read it.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    pub title: String,
    pub content: String,
    pub at: DateTime<Utc>,
    pub likes: u32,
    pub dislikes: u32,
    /// The places it names (`rectify_search::similar::places`).
    pub places: Vec<String>,
    /// The groups of people it names (`rectify_search::similar::crowds`).
    pub crowds: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotSpot {
    /// The place its messages name (地点), if they name one.
    pub place: Option<String>,
    /// The group of people they are about (人群), if they name one.
    pub crowd: Option<String>,
    /// One line: the title of the message most like the others.
    pub description: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Its messages (the contract's `count`).
    pub count: usize,
    pub likes: u64,
    pub dislikes: u64,
    pub heat: f64,
    /// Its messages, oldest first.
    pub case_ids: Vec<CaseId>,
}

/// Texts at least this alike (with a place in common) are about the same matter.
const LINK: f64 = 0.2;
/// A place named by more than this share of the messages is too wide to group them.
const TOO_COMMON: f64 = 0.05;
/// Days over which a matter's spread counts, and in which recency halves.
const DAYS: f64 = 30.0;

/// The hot spots of `messages` (two messages or more each), hottest first, at most `limit`.
/// `end` is the end of the window recency is measured to.
///
/// Grouping is by leader, in time order: a message joins the group (of a place it names) whose
/// first message it is most like, when at least [`LINK`]; otherwise it starts one. Comparing with
/// the first message, not with any member, keeps a chain of each-a-little-alike messages from
/// growing into one group of everything.
pub fn hot_spots(messages: &[Message], end: DateTime<Utc>, limit: usize) -> Vec<HotSpot> {
    // The matter without the place or crowd: a name makes any two messages naming it alike.
    let pairs: Vec<Pairs> = messages
        .iter()
        .map(|m| {
            let text = format!("{}\n{}", m.title, m.content);
            Pairs::new(&m.places.iter().chain(&m.crowds).fold(text, |t, p| t.replace(p.as_str(), " ")))
        })
        .collect();
    let mut naming: HashMap<&str, usize> = HashMap::new();
    for m in messages {
        for p in m.places.iter().chain(&m.crowds).collect::<BTreeSet<_>>() {
            *naming.entry(p.as_str()).or_default() += 1;
        }
    }
    let wide = ((messages.len() as f64) * TOO_COMMON).max(20.0) as usize;
    let mut order: Vec<usize> = (0..messages.len()).collect();
    order.sort_by_key(|&i| (messages[i].at, messages[i].id));
    // Groups as lists of members (the first is the leader), and each place's groups.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut of_place: HashMap<&str, Vec<usize>> = HashMap::new();
    for i in order {
        // Its places; with none, the crowds it names (a crowd across places would join
        // neighbours' unrelated matters).
        let mut places = grouping(&messages[i].places, &naming, wide);
        if places.is_empty() {
            places = grouping(&messages[i].crowds, &naming, wide);
        }
        if places.is_empty() {
            continue;
        }
        let best = places
            .iter()
            .flat_map(|p| of_place.get(p).into_iter().flatten().copied())
            .map(|g| (g, pairs[groups[g][0]].likeness(&pairs[i])))
            .filter(|(_, l)| *l >= LINK)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let g = match best {
            Some((g, _)) => {
                groups[g].push(i);
                g
            }
            None => {
                groups.push(vec![i]);
                groups.len() - 1
            }
        };
        for p in places {
            let list = of_place.entry(p).or_default();
            if !list.contains(&g) {
                list.push(g);
            }
        }
    }
    let mut out: Vec<HotSpot> =
        groups.iter().filter(|m| m.len() >= 2).map(|m| spot(messages, &pairs, m, end)).collect();
    out.sort_by(|a, b| b.heat.total_cmp(&a.heat).then(a.case_ids.cmp(&b.case_ids)));
    out.truncate(limit);
    out
}

/// The names that group: named by two messages or more, and not by too many.
fn grouping<'a>(names: &'a [String], naming: &HashMap<&str, usize>, wide: usize) -> BTreeSet<&'a str> {
    names.iter().map(String::as_str).filter(|p| naming[p] >= 2 && naming[p] <= wide).collect()
}

fn spot(messages: &[Message], pairs: &[Pairs], group: &[usize], end: DateTime<Utc>) -> HotSpot {
    let mut group = group.to_vec();
    group.sort_by_key(|&i| (messages[i].at, messages[i].id));
    // The place, and the crowd, most of them name.
    let most = |names: fn(&Message) -> &Vec<String>| {
        let mut named: HashMap<&str, usize> = HashMap::new();
        for &i in &group {
            for p in names(&messages[i]).iter().collect::<BTreeSet<_>>() {
                *named.entry(p.as_str()).or_default() += 1;
            }
        }
        named.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map(|(p, _)| p.to_owned())
    };
    let (place, crowd) = (most(|m| &m.places), most(|m| &m.crowds));
    // The message most like the others says it in one line.
    let central = group
        .iter()
        .copied()
        .max_by(|&a, &b| {
            let sum = |x: usize| group.iter().filter(|&&y| y != x).map(|&y| pairs[x].likeness(&pairs[y])).sum::<f64>();
            sum(a).total_cmp(&sum(b)).then(b.cmp(&a))
        })
        .unwrap_or(group[0]);
    let m = &messages[central];
    let description = if m.title.trim().is_empty() { m.content.chars().take(40).collect() } else { m.title.clone() };
    let likes: u64 = group.iter().map(|&i| u64::from(messages[i].likes)).sum();
    let dislikes: u64 = group.iter().map(|&i| u64::from(messages[i].dislikes)).sum();
    let (from, to) = (messages[group[0]].at, messages[group[group.len() - 1]].at);
    let days: BTreeSet<chrono::NaiveDate> = group.iter().map(|&i| messages[i].at.date_naive()).collect();
    let heat = heat(group.len(), likes.saturating_sub(dislikes), days.len(), (end - to).num_days().max(0));
    HotSpot {
        place,
        crowd,
        description,
        from,
        to,
        count: group.len(),
        likes,
        dislikes,
        heat: (heat * 100.0).round() / 100.0,
        case_ids: group.iter().map(|&i| CaseId(messages[i].id)).collect(),
    }
}

/// The heat index (see the module's notes).
pub fn heat(messages: usize, support: u64, active_days: usize, days_since_last: i64) -> f64 {
    let count = (1.0 + messages as f64).ln();
    let support = (std::f64::consts::E + support as f64).ln();
    let spread = 1.0 + (active_days as f64).min(DAYS) / DAYS;
    let recency = 0.5f64.powf(days_since_last as f64 / DAYS);
    count * support * spread * recency
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ids(ids: &[i64]) -> Vec<CaseId> {
        ids.iter().copied().map(CaseId).collect()
    }

    fn msg(id: i64, text: &str, place: &str, day: u32, likes: u32) -> Message {
        Message {
            id,
            title: text.chars().take(12).collect(),
            content: text.into(),
            at: Utc.with_ymd_and_hms(2026, 11, day, 2, 0, 0).unwrap(),
            likes,
            dislikes: 0,
            places: if place.is_empty() { Vec::new() } else { vec![place.into()] },
            crowds: Vec::new(),
        }
    }

    #[test]
    fn alike_messages_about_one_place_are_one_hot_spot() {
        let end = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
        let ms = vec![
            msg(1, "丽发新城搅拌站夜间施工噪音扰民", "丽发新城", 1, 3),
            msg(2, "丽发新城旁边搅拌站晚上噪音很大", "丽发新城", 5, 10),
            msg(3, "丽发新城搅拌站噪音扰民严重", "丽发新城", 20, 0),
            msg(4, "丽发新城小区停车位不足", "丽发新城", 6, 0),
            msg(5, "学院路口暴雨后积水严重", "学院路", 7, 0),
            msg(6, "学院路口暴雨积水无法通行", "学院路", 8, 1),
            msg(7, "某处路灯不亮", "", 9, 0),
        ];
        let spots = hot_spots(&ms, end, 10);
        assert_eq!(spots.len(), 2, "{spots:?}");
        assert_eq!((spots[0].place.as_deref(), spots[0].case_ids.as_slice()), (Some("丽发新城"), &ids(&[1, 2, 3])[..]));
        assert_eq!((spots[0].count, spots[0].likes), (3, 13));
        assert_eq!(spots[1].case_ids, ids(&[5, 6]));
        assert!(spots[0].heat > spots[1].heat);
        // The same input, the same answer.
        assert_eq!(hot_spots(&ms, end, 10), spots);
    }

    #[test]
    fn messages_naming_no_place_are_grouped_by_the_people_they_are_about() {
        let end = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
        let crowd = |id, text: &str, day| Message { crowds: vec!["外卖骑手".into()], ..msg(id, text, "", day, 0) };
        let ms = vec![
            crowd(1, "外卖骑手进小区送餐被保安拦住不让进", 1),
            crowd(2, "外卖骑手送餐进不了小区，保安拦着", 3),
            crowd(3, "外卖骑手社保没人交，平台不管", 4),
            msg(4, "某处路灯不亮", "", 9, 0),
        ];
        let spots = hot_spots(&ms, end, 10);
        assert_eq!(spots.len(), 1, "{spots:?}");
        assert_eq!(
            (spots[0].place.as_deref(), spots[0].crowd.as_deref(), spots[0].case_ids.as_slice()),
            (None, Some("外卖骑手"), &ids(&[1, 2])[..])
        );
    }

    #[test]
    fn heat_grows_with_each_factor_and_fades_with_time() {
        let base = heat(5, 10, 3, 0);
        assert!(heat(10, 10, 3, 0) > base && heat(5, 100, 3, 0) > base && heat(5, 10, 10, 0) > base);
        assert!((heat(5, 10, 3, 30) - base / 2.0).abs() < 1e-9, "halves in 30 days");
    }
}
