//! Lines as a table of typed values, in the columns of the kind's field table.

use crate::fields::{self, Key, Look};
use crate::text::join_measures;
use crate::words::{self, Word};
use chrono::NaiveDate;
use rectify_domain::exchange::{
    CaseLine, CategoryRecord, ImportKind, Lines, PersonRecord, ProblemLine, ServiceRecord, UnitRecord, UnitRef,
};
use rectify_domain::light::Light;
use rectify_domain::time::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Empty,
    Text(String),
    Int(i64),
    Date(NaiveDate),
    Time(Timestamp),
    Light(Light),
}

pub(crate) struct Column {
    pub header: &'static str,
    pub look: Look,
}

pub(crate) struct Table {
    pub sheet: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

pub(crate) fn of(lines: &Lines) -> Table {
    let all = |_: Key| true;
    match lines {
        Lines::Units(v) => table(ImportKind::Units, v, all, unit),
        Lines::People(v) => table(ImportKind::People, v, all, person),
        Lines::Problems(v) => table(ImportKind::Problems, v, all, problem),
        // Reporter protection: without the reveal right the columns are not there at all.
        Lines::Cases { lines, contacts } => {
            table(ImportKind::Cases, lines, |k| *contacts || !matches!(k, Key::CitizenName | Key::Phone), case)
        }
        Lines::Categories(v) => table(ImportKind::Categories, v, all, category),
        Lines::Services(v) => table(ImportKind::Services, v, all, service),
    }
}

fn table<L>(kind: ImportKind, lines: &[L], keep: impl Fn(Key) -> bool, value: fn(&L, Key) -> Value) -> Table {
    let keys: Vec<Key> = fields::fields(kind).iter().map(|f| f.key).filter(|k| keep(*k)).collect();
    let columns = fields::fields(kind)
        .iter()
        .filter(|f| keep(f.key))
        .map(|f| Column { header: f.header(), look: f.key.look() })
        .collect();
    let rows = lines.iter().map(|line| keys.iter().map(|k| printable(value(line, *k))).collect()).collect();
    Table { sheet: fields::sheet_name(kind), columns, rows }
}

/// Text without control characters but tabs and line breaks: a NUL or an escape sequence a
/// form let through would otherwise corrupt the file (Excel refuses the workbook) or drive
/// the terminal of whoever prints the CSV.
fn printable(value: Value) -> Value {
    match value {
        Value::Text(s) if s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n')) => {
            Value::Text(s.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n')).collect())
        }
        other => other,
    }
}

fn text(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Empty, |s| Value::Text(s.clone()))
}

fn word<T: Word>(w: Option<T>) -> Value {
    w.map_or(Value::Empty, |w| Value::Text(w.label().to_owned()))
}

fn unit_ref(u: &Option<UnitRef>) -> Value {
    u.as_ref().map_or(Value::Empty, |u| Value::Text(u.display()))
}

fn id(i: Option<i64>) -> Value {
    i.map_or(Value::Empty, Value::Int)
}

fn date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Empty, Value::Date)
}

fn time(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Empty, Value::Time)
}

fn category(c: &CategoryRecord, key: Key) -> Value {
    let level = |n: usize| c.path.get(n).map_or(Value::Empty, |name| Value::Text(name.clone()));
    match key {
        Key::Code => text(&c.code),
        Key::FirstLevel => level(0),
        Key::SecondLevel => level(1),
        Key::ThirdLevel => level(2),
        _ => Value::Empty,
    }
}

fn service(s: &ServiceRecord, key: Key) -> Value {
    use crate::cells;
    let lines = |items: Vec<String>| if items.is_empty() { Value::Empty } else { Value::Text(items.join("\n")) };
    let days = |d: Option<u32>| d.map_or(Value::Empty, |d| Value::Text(cells::working_days_text(d)));
    match key {
        Key::Code => text(&s.code),
        Key::Name => text(&s.name),
        Key::Kind => word(s.kind),
        Key::Unit => unit_ref(&s.unit),
        Key::Window => text(&s.window),
        Key::Staff if s.staff.is_empty() => Value::Empty,
        Key::Staff => Value::Text(cells::staff_text(&s.staff)),
        Key::Place => text(&s.place),
        Key::Hours => text(&s.hours),
        Key::Materials => lines(s.materials.iter().map(cells::material_text).collect()),
        Key::Steps => lines(s.steps.clone()),
        Key::LegalLimit => days(s.legal_limit_days),
        Key::PromisedLimit => days(s.promised_limit_days),
        Key::Fees => text(&s.fees),
        Key::FeeBasis => text(&s.fee_basis),
        Key::LegalBasis => text(&s.legal_basis),
        Key::MaxVisits => s.max_visits.map_or(Value::Empty, |n| Value::Text(cells::visits_text(n))),
        Key::Delivery => word(s.delivery),
        Key::Lists => Value::Text(s.lists.join("、")),
        _ => Value::Empty,
    }
}

fn unit(u: &UnitRecord, key: Key) -> Value {
    match key {
        Key::Id => id(u.id.map(|i| i.get())),
        Key::Name => text(&u.name),
        Key::Parent => unit_ref(&u.parent),
        Key::Kind => word(u.kind),
        Key::System => text(&u.system),
        Key::ComplaintPhone => text(&u.complaint_phone),
        Key::Mailbox => text(&u.mailbox),
        _ => Value::Empty,
    }
}

fn person(p: &PersonRecord, key: Key) -> Value {
    match key {
        Key::Id => id(p.id.map(|i| i.get())),
        Key::Name => text(&p.name),
        Key::Kind => word(p.kind),
        Key::Unit => unit_ref(&p.unit),
        Key::Position => text(&p.position),
        Key::Affiliation => text(&p.affiliation),
        Key::Phone => text(&p.phone),
        _ => Value::Empty,
    }
}

fn problem(line: &ProblemLine, key: Key) -> Value {
    let p = &line.record;
    match key {
        Key::Id => id(p.id.map(|i| i.get())),
        Key::Reference => text(&p.reference),
        Key::Description => text(&p.description),
        Key::Unit => unit_ref(&p.unit),
        Key::Responsible => text(&p.responsible),
        Key::Leader => text(&p.leader),
        Key::Measures => match &p.measures {
            Some(m) if !m.is_empty() => Value::Text(join_measures(m)),
            _ => Value::Empty,
        },
        Key::Deadline => date(p.deadline),
        Key::Progress => text(&p.progress),
        Key::State => word(p.state),
        Key::Light => Value::Light(line.light),
        Key::Category => text(&p.category),
        Key::Type => word(p.problem_type),
        Key::Level => word(p.level),
        Key::RootCause => text(&p.root_cause),
        Key::Published => p.published.map_or(Value::Empty, |b| Value::Text(words::bool_label(b).to_owned())),
        Key::DueOn => date(line.due_on),
        Key::Campaign => text(&line.campaign),
        Key::Batch => text(&line.batch),
        Key::CreatedAt => Value::Time(line.created_at),
        Key::ClosedAt => time(line.closed_at),
        _ => Value::Empty,
    }
}

fn case(line: &CaseLine, key: Key) -> Value {
    let c = &line.record;
    match key {
        Key::Id => id(c.id.map(|i| i.get())),
        Key::Reference => text(&c.reference),
        Key::TrackingCode => Value::Text(line.tracking_code.clone()),
        Key::CitizenName => text(&c.citizen_name),
        Key::Phone => text(&c.phone),
        Key::Title => text(&c.title),
        Key::ReceivedAt => time(c.received_at),
        Key::Content => text(&c.content),
        Key::Channel => word(c.channel),
        Key::CaseType => word(c.case_type),
        Key::Unit => unit_ref(&c.unit),
        Key::CaseState => word(Some(line.state)),
        Key::DueOn => date(line.due_on),
        Key::Answer => text(&c.answer),
        Key::RepliedAt => time(c.replied_at),
        Key::Satisfaction => word(c.satisfaction),
        Key::Category => text(&c.category),
        Key::Likes => id(c.likes.map(i64::from)),
        Key::Dislikes => id(c.dislikes.map(i64::from)),
        Key::ClosedAt => time(line.closed_at),
        _ => Value::Empty,
    }
}
