//! Rows into records, one builder per kind, and the checks across rows (required cells,
//! duplicates).

use super::header::{Layout, blank};
use super::row::RowCtx;
use super::source::Grid;
use crate::dates::Deadline;
use crate::fields::{self, Key};
use crate::text;
use rectify_domain::case::{CaseType, Channel, Satisfaction, citizen_phone};
use rectify_domain::category::{self, CATEGORY_KEY_MAX};
use rectify_domain::error::Issue;
use rectify_domain::exchange::{
    CaseRecord, CategoryRecord, ImportKind, PersonRecord, ProblemRecord, Records, Row, RowError, ServiceRecord,
    UnitRecord,
};
use rectify_domain::ids::{CaseId, PersonId, ProblemId, UnitId};
use rectify_domain::person::PersonKind;
use rectify_domain::problem::{Level, MAX_MEASURES, ProblemState, ProblemType};
use rectify_domain::text::{MESSAGE_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX, mailbox, phone};
use rectify_domain::unit::UnitKind;
use std::collections::HashMap;

pub(crate) fn build(kind: ImportKind, grid: &Grid<'_>, layout: &Layout) -> (Records, Vec<RowError>) {
    let mut errors = Vec::new();
    let records = match kind {
        ImportKind::Units => Records::Units(rows(grid, layout, &mut errors, unit)),
        ImportKind::People => Records::People(rows(grid, layout, &mut errors, person)),
        ImportKind::Problems => Records::Problems(rows(grid, layout, &mut errors, problem)),
        ImportKind::Cases => Records::Cases(rows(grid, layout, &mut errors, case)),
        ImportKind::Categories => Records::Categories(rows(grid, layout, &mut errors, category)),
        ImportKind::Services => Records::Services(services(rows(grid, layout, &mut errors, service), &mut errors)),
    };
    (records, errors)
}

/// What makes two rows the same record: the id, and the office's own number.
trait Keyed {
    fn id(&self) -> Option<i64>;
    fn reference(&self) -> Option<&str> {
        None
    }
    /// The column the reference is read from.
    fn reference_column() -> Key {
        Key::Reference
    }
    /// Whether a row with the same key repeats this record (and is left out) rather than
    /// contradicting it.
    fn repeats(&self, earlier: &Self) -> bool
    where
        Self: PartialEq,
    {
        self == earlier
    }
}

/// Every non-blank row after the header, built; rows with errors are kept (their bad fields
/// empty) so a dry run counts them.
fn rows<R: Keyed + PartialEq>(
    grid: &Grid<'_>,
    layout: &Layout,
    errors: &mut Vec<RowError>,
    build: fn(&mut RowCtx<'_, '_>) -> R,
) -> Vec<Row<R>> {
    let mut out: Vec<Row<R>> = Vec::new();
    let mut cells = Vec::new();
    // Keys seen, with the index in `out` of the row that has them.
    let mut ids: HashMap<i64, usize> = HashMap::new();
    let mut references: HashMap<String, usize> = HashMap::new();
    for i in layout.header_index + 1..grid.len() {
        let row = grid.row(i, &mut cells);
        if layout.columns.iter().all(|b| cells.get(b.col).is_none_or(blank)) {
            continue;
        }
        let first_error = errors.len();
        let mut ctx = RowCtx { row, cells: &cells, columns: &layout.columns, errors };
        let record = build(&mut ctx);
        // The same record listed twice (a message board lists a message under each of its
        // categories) is one record; the same key with different content is an error.
        let earlier = record
            .id()
            .and_then(|id| ids.get(&id))
            .or_else(|| record.reference().and_then(|r| references.get(r)))
            .copied();
        if let Some(i) = earlier {
            if record.repeats(&out[i].record) && ctx.errors.len() == first_error {
                continue;
            }
            match record.id() {
                Some(id) if ids.contains_key(&id) => ctx.fail(Key::Id, Some(&id.to_string()), Issue::Duplicate),
                _ => ctx.fail(R::reference_column(), record.reference(), Issue::Duplicate),
            }
        }
        if let Some(id) = record.id() {
            ids.entry(id).or_insert(out.len());
        }
        if let Some(reference) = record.reference() {
            references.entry(reference.to_owned()).or_insert(out.len());
        }
        // A row's errors in the order of its columns, whatever order the fields were read in.
        let col = |e: &RowError| layout.columns.iter().find(|b| e.column.as_ref() == Some(&b.header)).map(|b| b.col);
        errors[first_error..].sort_by_key(|e| col(e).unwrap_or(usize::MAX));
        out.push(Row { row, record });
    }
    out
}

/// Reports a blank required cell, naming the column by its export header when it is missing.
fn require(r: &mut RowCtx<'_, '_>, kind: ImportKind, key: Key) {
    if r.is_blank(key) {
        let header = fields::fields(kind).iter().find(|f| f.key == key).map_or("", |f| f.header());
        r.required(key, header);
    }
}

impl Keyed for UnitRecord {
    fn id(&self) -> Option<i64> {
        self.id.map(UnitId::get)
    }
}

fn unit(r: &mut RowCtx<'_, '_>) -> UnitRecord {
    let id = r.id(Key::Id).map(UnitId);
    if r.is_blank(Key::Id) {
        require(r, ImportKind::Units, Key::Name);
    }
    UnitRecord {
        id,
        name: r.short(Key::Name, NAME_MAX),
        parent: r.unit(Key::Parent, NAME_MAX),
        kind: r.word::<UnitKind>(Key::Kind),
        system: r.short(Key::System, NAME_MAX),
        complaint_phone: r.checked(Key::ComplaintPhone, phone),
        mailbox: r.checked(Key::Mailbox, mailbox),
    }
}

impl Keyed for PersonRecord {
    fn id(&self) -> Option<i64> {
        self.id.map(PersonId::get)
    }
}

fn person(r: &mut RowCtx<'_, '_>) -> PersonRecord {
    let id = r.id(Key::Id).map(PersonId);
    if r.is_blank(Key::Id) {
        require(r, ImportKind::People, Key::Name);
    }
    PersonRecord {
        id,
        name: r.short(Key::Name, NAME_MAX),
        kind: r.word::<PersonKind>(Key::Kind),
        unit: r.unit(Key::Unit, NAME_MAX),
        position: r.short(Key::Position, NAME_MAX),
        affiliation: r.short(Key::Affiliation, NAME_MAX),
        phone: r.checked(Key::Phone, phone),
    }
}

impl Keyed for ProblemRecord {
    fn id(&self) -> Option<i64> {
        self.id.map(ProblemId::get)
    }
    fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
}

fn problem(r: &mut RowCtx<'_, '_>) -> ProblemRecord {
    let id = r.id(Key::Id).map(ProblemId);
    if r.is_blank(Key::Id) {
        require(r, ImportKind::Problems, Key::Description);
        require(r, ImportKind::Problems, Key::Unit);
    }
    let typed = r.word::<ProblemType>(Key::Type);
    // 长期坚持 / 立行立改 in the deadline column say the type too, unless the type column
    // says something itself.
    let implied = |t: ProblemType, r: &RowCtx<'_, '_>| if r.is_blank(Key::Type) { Some(t) } else { typed };
    let (deadline, problem_type) = match r.deadline(Key::Deadline) {
        Some(Deadline::On(date)) => (Some(date), typed),
        Some(Deadline::LongTerm) => (None, implied(ProblemType::LongTerm, r)),
        Some(Deadline::Immediate) => (None, implied(ProblemType::Immediate, r)),
        None => (None, typed),
    };
    ProblemRecord {
        id,
        reference: r.short(Key::Reference, NAME_MAX),
        description: r.long(Key::Description, TEXT_MAX),
        unit: r.unit(Key::Unit, NAME_MAX),
        responsible: r.short(Key::Responsible, NAME_MAX),
        leader: r.short(Key::Leader, NAME_MAX),
        measures: measures(r),
        deadline,
        progress: r.long(Key::Progress, TEXT_MAX),
        state: state(r),
        category: r.short(Key::Category, NAME_MAX),
        problem_type,
        level: r.word::<Level>(Key::Level),
        root_cause: r.long(Key::RootCause, TEXT_MAX),
        published: r.boolean(Key::Published),
    }
}

fn measures(r: &mut RowCtx<'_, '_>) -> Option<Vec<String>> {
    // The whole cell may hold up to MAX_MEASURES full-length measures.
    let cell = r.long(Key::Measures, TEXT_MAX * MAX_MEASURES)?;
    let measures = text::split_measures(&cell);
    if measures.len() > MAX_MEASURES {
        r.fail(Key::Measures, Some(&cell), Issue::TooMany { max: MAX_MEASURES });
        return None;
    }
    if let Some(long) = measures.iter().find(|m| m.chars().count() > TEXT_MAX) {
        r.fail(Key::Measures, Some(long), Issue::TooLong { max: TEXT_MAX });
        return None;
    }
    (!measures.is_empty()).then_some(measures)
}

/// 状态 words; in a 是否销号 column, 是 is closed off and 否 says nothing more than "not yet".
fn state(r: &mut RowCtx<'_, '_>) -> Option<ProblemState> {
    if r.yes_no(Key::State) {
        match r.boolean_quiet(Key::State) {
            Some(true) => return Some(ProblemState::Closed),
            Some(false) => return None,
            None => {}
        }
    }
    r.word::<ProblemState>(Key::State)
}

impl Keyed for CaseRecord {
    fn id(&self) -> Option<i64> {
        self.id.map(CaseId::get)
    }
    fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
    // A message board lists a message under each of its categories: the first row's is kept.
    fn repeats(&self, earlier: &Self) -> bool {
        CaseRecord { category: earlier.category.clone(), ..self.clone() } == *earlier
    }
}

fn case(r: &mut RowCtx<'_, '_>) -> CaseRecord {
    let id = r.id(Key::Id).map(CaseId);
    let reference = r.short(Key::Reference, NAME_MAX);
    if r.is_blank(Key::Id) && r.is_blank(Key::Reference) {
        require(r, ImportKind::Cases, Key::Content);
    }
    CaseRecord {
        id,
        reference,
        citizen_name: r.short(Key::CitizenName, NAME_MAX),
        phone: r.checked(Key::Phone, citizen_phone),
        title: r.short(Key::Title, SHORT_MAX),
        received_at: r.time(Key::ReceivedAt),
        content: r.long(Key::Content, MESSAGE_MAX),
        answer: r.long(Key::Answer, MESSAGE_MAX),
        replied_at: r.time(Key::RepliedAt),
        channel: r.word::<Channel>(Key::Channel),
        case_type: r.word::<CaseType>(Key::CaseType),
        unit: r.unit(Key::Unit, NAME_MAX),
        satisfaction: r.word::<Satisfaction>(Key::Satisfaction),
        category: r.short(Key::Category, CATEGORY_KEY_MAX),
        likes: r.count(Key::Likes),
        dislikes: r.count(Key::Dislikes),
    }
}

impl Keyed for CategoryRecord {
    fn id(&self) -> Option<i64> {
        None
    }
    // A code names one category: the same code on another path is a duplicate.
    fn reference(&self) -> Option<&str> {
        self.code.as_deref()
    }
    fn reference_column() -> Key {
        Key::Code
    }
}

fn category(r: &mut RowCtx<'_, '_>) -> CategoryRecord {
    const LEVELS: [Key; category::LEVELS] = [Key::FirstLevel, Key::SecondLevel, Key::ThirdLevel];
    let code = r.short(Key::Code, NAME_MAX);
    let levels = LEVELS.map(|k| r.short(k, category::NAME_MAX));
    match category::path(levels.clone()) {
        Ok(path) => CategoryRecord { code, path },
        Err((level, issue)) => {
            let key = LEVELS[level];
            let value = levels[level].clone();
            if issue == Issue::Required {
                let header =
                    fields::fields(ImportKind::Categories).iter().find(|f| f.key == key).map_or("", |f| f.header());
                r.required(key, header);
            } else {
                r.fail(key, value.as_deref(), issue);
            }
            CategoryRecord { code, path: Vec::new() }
        }
    }
}

impl Keyed for ServiceRecord {
    fn id(&self) -> Option<i64> {
        None
    }

    /// The item's code names it: two rows with one code are one item told twice.
    fn reference(&self) -> Option<&str> {
        self.code.as_deref()
    }

    fn reference_column() -> Key {
        Key::Code
    }
}

fn service(r: &mut RowCtx<'_, '_>) -> ServiceRecord {
    use crate::cells;
    // A row that names no item carries more materials of the item above it (merged cells).
    if !(r.is_blank(Key::Code) && r.is_blank(Key::Name)) {
        require(r, ImportKind::Services, Key::Code);
    }
    ServiceRecord {
        code: r.short(Key::Code, rectify_domain::service::catalog::CODE_MAX),
        name: r.short(Key::Name, SHORT_MAX),
        kind: r.word(Key::Kind),
        unit: r.unit(Key::Unit, NAME_MAX),
        window: r.short(Key::Window, SHORT_MAX),
        staff: r.list(Key::Staff, cells::staff),
        place: r.short(Key::Place, SHORT_MAX),
        hours: r.short(Key::Hours, SHORT_MAX),
        materials: r.list(Key::Materials, |t| cells::items(t, false).iter().map(|m| cells::material(m)).collect()),
        steps: r.list(Key::Steps, |t| cells::items(t, true)),
        legal_limit_days: r.number_in(Key::LegalLimit, cells::working_days),
        promised_limit_days: r.number_in(Key::PromisedLimit, cells::working_days),
        fees: r.long(Key::Fees, TEXT_MAX),
        fee_basis: r.long(Key::FeeBasis, TEXT_MAX),
        legal_basis: r.long(Key::LegalBasis, TEXT_MAX),
        max_visits: r.number_in(Key::MaxVisits, cells::visits),
        delivery: r.word(Key::Delivery),
        lists: r.list(Key::Lists, cells::names),
    }
}

/// Rows that name no item added to the item above them: their materials (and staff, steps)
/// continue its cells, as a merged cell leaves them.
fn services(rows: Vec<Row<ServiceRecord>>, errors: &mut Vec<RowError>) -> Vec<Row<ServiceRecord>> {
    let mut out: Vec<Row<ServiceRecord>> = Vec::new();
    for Row { row, record } in rows {
        if record.code.is_some() || record.name.is_some() {
            out.push(Row { row, record });
            continue;
        }
        match out.last_mut() {
            Some(item) => {
                item.record.materials.extend(record.materials);
                item.record.staff.extend(record.staff);
                item.record.steps.extend(record.steps);
            }
            None => {
                let code = fields::fields(ImportKind::Services).iter().find(|f| f.key == Key::Code);
                let column = code.map(|f| f.header().to_owned());
                errors.push(RowError { row, column, value: None, issue: Issue::Required });
            }
        }
    }
    out
}
