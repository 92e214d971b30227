//! The columns of each kind of file: one table per kind that both directions use, so the header
//! an export writes (the first name of a field) is one the import reads back, and the order of
//! a table is the order of the exported columns.

use rectify_domain::exchange::ImportKind;

/// A column's meaning, across kinds (one key may appear in several kinds' tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Id,
    Reference,
    Name,
    Parent,
    Kind,
    System,
    ComplaintPhone,
    Mailbox,
    Unit,
    Position,
    Affiliation,
    Phone,
    Description,
    Responsible,
    Leader,
    Measures,
    Deadline,
    Progress,
    State,
    Category,
    Type,
    Level,
    RootCause,
    Published,
    CitizenName,
    Title,
    ReceivedAt,
    Content,
    Answer,
    RepliedAt,
    Channel,
    CaseType,
    Satisfaction,
    Likes,
    Dislikes,
    FirstLevel,
    SecondLevel,
    ThirdLevel,
    Code,
    Window,
    Staff,
    Place,
    Hours,
    Materials,
    Steps,
    LegalLimit,
    PromisedLimit,
    Fees,
    FeeBasis,
    LegalBasis,
    MaxVisits,
    Delivery,
    Lists,
    // Written by exports only; recognised and skipped on import.
    Light,
    DueOn,
    Campaign,
    Batch,
    CreatedAt,
    ClosedAt,
    TrackingCode,
    CaseState,
}

/// How a column's cells look in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    /// A number (ids).
    Number,
    /// One line of text.
    Short,
    /// Text that keeps its line breaks; wrapped in a wide column.
    Long,
    Date,
    Time,
    Light,
}

impl Key {
    /// How the field is named in `--map` and in English headers.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Key::Id => "id",
            Key::Reference => "reference",
            Key::Name => "name",
            Key::Parent => "parent",
            Key::Kind => "kind",
            Key::System => "system",
            Key::ComplaintPhone => "complaint_phone",
            Key::Mailbox => "mailbox",
            Key::Unit => "unit",
            Key::Position => "position",
            Key::Affiliation => "affiliation",
            Key::Phone => "phone",
            Key::Description => "description",
            Key::Responsible => "responsible",
            Key::Leader => "leader",
            Key::Measures => "measures",
            Key::Deadline => "deadline",
            Key::Progress => "progress",
            Key::State => "state",
            Key::Category => "category",
            Key::Type => "type",
            Key::Level => "level",
            Key::RootCause => "root_cause",
            Key::Published => "published",
            Key::CitizenName => "citizen_name",
            Key::Title => "title",
            Key::ReceivedAt => "received_at",
            Key::Content => "content",
            Key::Answer => "answer",
            Key::RepliedAt => "replied_at",
            Key::Channel => "channel",
            Key::CaseType => "case_type",
            Key::Satisfaction => "satisfaction",
            Key::Likes => "likes",
            Key::Dislikes => "dislikes",
            Key::FirstLevel => "first_level",
            Key::SecondLevel => "second_level",
            Key::ThirdLevel => "third_level",
            Key::Code => "code",
            Key::Window => "window",
            Key::Staff => "staff",
            Key::Place => "place",
            Key::Hours => "hours",
            Key::Materials => "materials",
            Key::Steps => "steps",
            Key::LegalLimit => "legal_limit_days",
            Key::PromisedLimit => "promised_limit_days",
            Key::Fees => "fees",
            Key::FeeBasis => "fee_basis",
            Key::LegalBasis => "legal_basis",
            Key::MaxVisits => "max_visits",
            Key::Delivery => "delivery",
            Key::Lists => "lists",
            Key::Light => "light",
            Key::DueOn => "due_on",
            Key::Campaign => "campaign",
            Key::Batch => "batch",
            Key::CreatedAt => "created_at",
            Key::ClosedAt => "closed_at",
            Key::TrackingCode => "tracking_code",
            Key::CaseState => "case_state",
        }
    }

    pub(crate) fn look(self) -> Look {
        match self {
            Key::Id => Look::Number,
            Key::Description
            | Key::Measures
            | Key::Progress
            | Key::RootCause
            | Key::Content
            | Key::Answer
            | Key::Staff
            | Key::Materials
            | Key::Steps
            | Key::Fees
            | Key::FeeBasis
            | Key::LegalBasis => Look::Long,
            Key::Deadline | Key::DueOn => Look::Date,
            Key::ReceivedAt | Key::RepliedAt | Key::CreatedAt | Key::ClosedAt => Look::Time,
            Key::Light => Look::Light,
            _ => Look::Short,
        }
    }
}

/// One column of a kind: its key, its headers (the first is the one exports write; Chinese
/// names come before English ones), and whether an import reads it.
#[derive(Debug)]
pub(crate) struct Field {
    pub key: Key,
    pub headers: &'static [&'static str],
    pub import: bool,
}

const fn read(key: Key, headers: &'static [&'static str]) -> Field {
    Field { key, headers, import: true }
}

const fn export_only(key: Key, headers: &'static [&'static str]) -> Field {
    Field { key, headers, import: false }
}

impl Field {
    pub(crate) fn header(&self) -> &'static str {
        // Every table entry has at least one header (a const table; see the tests).
        self.headers.first().copied().unwrap_or_default()
    }
}

const UNITS: &[Field] = &[
    read(Key::Id, &["系统编号", "ID"]),
    read(Key::Name, &["单位名称", "单位", "名称", "name"]),
    read(Key::Parent, &["上级单位", "上级", "parent"]),
    read(Key::Kind, &["单位类型", "类型", "kind"]),
    read(Key::System, &["系统", "system"]),
    read(Key::ComplaintPhone, &["投诉电话", "监督电话", "complaint_phone"]),
    read(Key::Mailbox, &["投诉信箱", "邮箱", "mailbox"]),
];

const PEOPLE: &[Field] = &[
    read(Key::Id, &["系统编号", "ID"]),
    read(Key::Name, &["姓名", "name"]),
    read(Key::Kind, &["类别", "人员类别", "kind"]),
    read(Key::Unit, &["所在单位", "单位", "unit"]),
    read(Key::Position, &["职务", "position"]),
    read(Key::Affiliation, &["工作单位", "affiliation"]),
    read(Key::Phone, &["联系电话", "电话", "phone"]),
];

const PROBLEMS: &[Field] = &[
    read(Key::Id, &["系统编号", "ID"]),
    read(Key::Reference, &["编号", "序号", "台账编号", "No.", "No", "reference"]),
    read(Key::Description, &["问题描述", "存在问题", "问题", "主要问题", "description"]),
    read(Key::Unit, &["责任单位", "整改单位", "unit"]),
    read(Key::Responsible, &["责任人", "responsible"]),
    read(Key::Leader, &["分管领导", "责任领导", "leader"]),
    read(Key::Measures, &["整改措施", "措施", "measures"]),
    read(Key::Deadline, &["整改时限", "完成时限", "整改时间", "完成时间", "deadline"]),
    read(Key::Progress, &["整改进展", "进展情况", "完成情况", "progress"]),
    // 状态 first: an export writes the state's word, which reads as 待整改 … 已销号.
    read(Key::State, &["状态", "是否销号", "整改状态", "state"]),
    export_only(Key::Light, &["预警", "light"]),
    read(Key::Category, &["问题类别", "类别", "category"]),
    read(Key::Type, &["整改类型", "type"]),
    read(Key::Level, &["问题层级", "level"]),
    read(Key::RootCause, &["问题根源", "原因分析", "root_cause"]),
    read(Key::Published, &["是否公开", "published"]),
    export_only(Key::DueOn, &["到期日", "due_on"]),
    export_only(Key::Campaign, &["所属活动", "campaign"]),
    export_only(Key::Batch, &["批次", "batch"]),
    export_only(Key::CreatedAt, &["登记时间", "created_at"]),
    export_only(Key::ClosedAt, &["销号时间", "closed_at"]),
];

const CASES: &[Field] = &[
    read(Key::Id, &["系统编号", "ID"]),
    read(Key::Reference, &["留言编号", "编号", "reference"]),
    export_only(Key::TrackingCode, &["查询码", "tracking_code"]),
    read(Key::CitizenName, &["留言用户", "用户", "姓名", "citizen_name"]),
    read(Key::Phone, &["联系电话", "phone"]),
    read(Key::Title, &["留言主题", "主题", "标题", "title"]),
    read(Key::ReceivedAt, &["留言时间", "时间", "received_at"]),
    read(Key::Content, &["留言详情", "详情", "内容", "content"]),
    read(Key::Channel, &["渠道", "channel"]),
    read(Key::CaseType, &["类型", "case_type"]),
    read(Key::Unit, &["承办单位", "unit"]),
    export_only(Key::CaseState, &["办理状态", "state"]),
    export_only(Key::DueOn, &["办理时限", "due_on"]),
    read(Key::Answer, &["答复意见", "答复", "answer"]),
    read(Key::RepliedAt, &["答复时间", "replied_at"]),
    read(Key::Satisfaction, &["满意度", "satisfaction"]),
    // The message board's labelled export calls its first-level category 一级分类.
    read(Key::Category, &["问题分类", "一级分类", "分类", "category"]),
    // The board's support of a message: a hot spot's weight.
    read(Key::Likes, &["点赞数", "likes"]),
    read(Key::Dislikes, &["反对数", "dislikes"]),
    export_only(Key::ClosedAt, &["办结时间", "closed_at"]),
];

/// The taxonomy file of the message board (一级分类, 二级分类, 三级分类), with an optional code.
const CATEGORIES: &[Field] = &[
    read(Key::Code, &["分类编码", "编码", "code"]),
    read(Key::FirstLevel, &["一级分类", "一级", "first_level"]),
    read(Key::SecondLevel, &["二级分类", "二级", "second_level"]),
    read(Key::ThirdLevel, &["三级分类", "三级", "third_level"]),
];

/// 事项清单: an item a row, with the headers offices give the columns of their lists and of the
/// 便民服务一本通.
const SERVICES: &[Field] = &[
    read(Key::Code, &["事项编码", "事项编号", "编码", "code"]),
    read(Key::Name, &["事项名称", "服务事项", "名称", "name"]),
    read(Key::Kind, &["事项类型", "权力类型", "类型", "kind"]),
    read(Key::Unit, &["实施主体", "办理单位", "承办单位", "unit"]),
    read(Key::Window, &["办理窗口", "窗口", "window"]),
    read(Key::Staff, &["经办人员", "经办人及电话", "联系人", "staff"]),
    read(Key::Place, &["办理地点", "地点", "place"]),
    read(Key::Hours, &["办理时间", "hours"]),
    read(Key::Materials, &["申请材料", "所需材料", "材料", "materials"]),
    read(Key::Steps, &["办理流程", "办理程序", "流程", "steps"]),
    read(Key::LegalLimit, &["法定时限", "法定办结时限", "legal_limit_days"]),
    read(Key::PromisedLimit, &["承诺时限", "承诺办结时限", "promised_limit_days"]),
    read(Key::Fees, &["收费标准", "是否收费", "fees"]),
    read(Key::FeeBasis, &["收费依据", "fee_basis"]),
    read(Key::LegalBasis, &["设定依据", "法律依据", "legal_basis"]),
    read(Key::MaxVisits, &["跑动次数", "到现场次数", "max_visits"]),
    read(Key::Delivery, &["办理方式", "网办程度", "delivery"]),
    read(Key::Lists, &["所属清单", "主题分类", "lists"]),
];

/// The columns of a kind, in export order.
pub(crate) fn fields(kind: ImportKind) -> &'static [Field] {
    match kind {
        ImportKind::Units => UNITS,
        ImportKind::People => PEOPLE,
        ImportKind::Problems => PROBLEMS,
        ImportKind::Cases => CASES,
        ImportKind::Categories => CATEGORIES,
        ImportKind::Services => SERVICES,
    }
}

/// The sheet an export writes (and the name the kind goes by in messages).
pub(crate) fn sheet_name(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Units => "单位",
        ImportKind::People => "人员",
        ImportKind::Problems => "问题整改台账",
        ImportKind::Cases => "诉求件",
        ImportKind::Categories => "问题分类",
        ImportKind::Services => "事项清单",
    }
}

/// The field of a kind whose key or one of whose headers is `name` (for `--map`).
pub(crate) fn find(kind: ImportKind, name: &str) -> Option<&'static Field> {
    let wanted = normalize(name);
    fields(kind).iter().find(|f| f.key.as_str() == wanted || f.headers.iter().any(|h| normalize(h) == wanted))
}

/// A header as compared: no whitespace of any kind (cells wrap with `\n`, pasted text carries
/// U+3000), no brackets, no required-field stars or trailing colons, English in lower case.
pub(crate) fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && !is_bracket(*c) && !matches!(c, '*' | '＊'))
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .trim_end_matches([':', '：'])
        .to_owned()
}

/// The header without what is in brackets (`整改时限（完成时间）` → `整改时限`): a second
/// chance for headers annotated by the office.
pub(crate) fn without_brackets(header: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut out = String::new();
    let mut had = false;
    for c in header.chars() {
        match c {
            '(' | '（' | '[' | '【' => {
                depth += 1;
                had = true;
            }
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    had.then(|| normalize(&out)).filter(|s| !s.is_empty())
}

fn is_bracket(c: char) -> bool {
    matches!(c, '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_compare_without_spaces_brackets_or_case() {
        assert_eq!(normalize(" 问题\n描述 "), "问题描述");
        assert_eq!(normalize("整改\u{3000}时限（完成时间）"), "整改时限完成时间");
        assert_eq!(without_brackets("整改时限（完成时间）").as_deref(), Some("整改时限"));
        assert_eq!(without_brackets("问题描述"), None);
        assert_eq!(normalize("Root_Cause"), "root_cause");
        assert_eq!(normalize("*问题描述："), "问题描述");
    }

    #[test]
    fn every_header_belongs_to_one_field_of_its_kind() {
        for kind in ImportKind::ALL {
            let mut seen = std::collections::HashSet::new();
            for f in fields(kind) {
                for h in f.headers {
                    assert!(seen.insert(normalize(h)), "{h} twice in {}", kind.as_str());
                }
            }
        }
    }

    #[test]
    fn map_targets_are_keys_or_headers() {
        assert_eq!(find(ImportKind::Problems, "type").map(|f| f.key), Some(Key::Type));
        assert_eq!(find(ImportKind::Problems, "问题描述").map(|f| f.key), Some(Key::Description));
        assert!(find(ImportKind::Problems, "nothing").is_none());
    }
}
