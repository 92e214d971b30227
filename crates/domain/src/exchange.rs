//! Files in and out (台账导入导出): the records a spreadsheet row becomes, checked as far as the
//! file alone allows, and the report of an import. Reading and writing the files is an edge
//! (`crates/exchange`); resolving references (a unit by name or path, a person by name) and
//! writing is the store's, in one transaction.
//!
//! Every field of a record is `Option`: a column missing from the file leaves the stored value
//! as it is when a row updates a record, so a file without a column never wipes it.

use crate::case::{CaseState, CaseType, Channel, Satisfaction};
use crate::error::Issue;
use crate::ids::{CaseId, PersonId, ProblemId, UnitId};
use crate::light::Light;
use crate::person::PersonKind;
use crate::problem::{Level, ProblemState, ProblemType};
use crate::service::catalog::{Delivery, ItemStaff, NewMaterial, ServiceKind};
use crate::time::Timestamp;
use crate::unit::UnitKind;
use chrono::NaiveDate;
use serde::Serialize;

crate::wire_enum! {
    /// What a file holds (`rectify import KIND FILE`). Its labels are the files pages' own.
    pub enum ImportKind: "files.kind" {
        Units = "units",
        People = "people",
        Problems = "problems",
        Cases = "cases",
        /// 问题分类: the taxonomy's rows (一级分类, 二级分类, 三级分类).
        Categories = "categories",
        /// 事项清单: the service catalog's items with their materials.
        Services = "services",
    }
}

/// A unit named in a file: by Rectify's id (the 系统编号 column of an export), or by its name or
/// its path from the top of the tree (`蔡甸区/公安/新农派出所`; `／`, `>` and `\` separate too).
/// A bare name must name one live unit; a path is matched from a top-level unit, or from any
/// unit when its first part names one unit only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "value")]
pub enum UnitRef {
    Id(UnitId),
    Path(Vec<String>),
}

impl UnitRef {
    /// Reads `蔡甸区/公安/新农派出所`, a bare name, or `#12` (an id); `None` for blank text.
    pub fn parse(text: &str) -> Option<UnitRef> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Some(id) = text.strip_prefix('#').and_then(|n| n.trim().parse::<i64>().ok()) {
            return Some(UnitRef::Id(UnitId(id)));
        }
        let parts: Vec<String> =
            text.split(['/', '／', '>', '\\']).map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
        (!parts.is_empty()).then_some(UnitRef::Path(parts))
    }

    /// As written in an export: the path joined with `/`.
    pub fn display(&self) -> String {
        match self {
            UnitRef::Id(id) => format!("#{id}"),
            UnitRef::Path(parts) => parts.join("/"),
        }
    }
}

/// One row of a units file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnitRecord {
    /// 系统编号: Rectify's id, present in exported files; the row updates that unit.
    pub id: Option<UnitId>,
    /// 单位名称.
    pub name: Option<String>,
    /// 上级单位 (a name or path); none for a top-level unit.
    pub parent: Option<UnitRef>,
    /// 单位类型; new units default to `other`.
    pub kind: Option<UnitKind>,
    /// 系统 (公安, 国税 …).
    pub system: Option<String>,
    /// 投诉电话.
    pub complaint_phone: Option<String>,
    /// 投诉信箱.
    pub mailbox: Option<String>,
}

/// One row of a people file. Without an id, a person is the same person when the name and the
/// unit are the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PersonRecord {
    /// 系统编号.
    pub id: Option<PersonId>,
    /// 姓名.
    pub name: Option<String>,
    /// 类别 (工作人员 / 监督员); new people default to staff.
    pub kind: Option<PersonKind>,
    /// 所在单位.
    pub unit: Option<UnitRef>,
    /// 职务.
    pub position: Option<String>,
    /// 工作单位 (of an outside supervisor).
    pub affiliation: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
}

/// One row of a ledger file (问题整改台账).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProblemRecord {
    /// 系统编号: Rectify's id (exported files); the row updates that problem.
    pub id: Option<ProblemId>,
    /// 编号 / 序号: the office's own number of the item, unique within the campaign the file is
    /// imported into; a row whose number is already in the ledger updates that problem.
    pub reference: Option<String>,
    /// 问题描述 / 存在问题.
    pub description: Option<String>,
    /// 责任单位.
    pub unit: Option<UnitRef>,
    /// 责任人: a person of the unit, by name (created in the unit when unknown).
    pub responsible: Option<String>,
    /// 分管领导: likewise.
    pub leader: Option<String>,
    /// 整改措施, one per line or numbered item (`1.`, `2、`, `（3）`).
    pub measures: Option<Vec<String>>,
    /// 整改时限. `长期坚持` reads as no deadline and the long-term type, `立行立改`/`立即` as the
    /// immediate type.
    pub deadline: Option<NaiveDate>,
    /// 整改进展: becomes a progress entry when it differs from the latest one.
    pub progress: Option<String>,
    /// 是否销号 / 状态.
    pub state: Option<ProblemState>,
    /// 问题类别.
    pub category: Option<String>,
    /// 整改类型.
    pub problem_type: Option<ProblemType>,
    /// 问题层级.
    pub level: Option<Level>,
    /// 问题根源.
    pub root_cause: Option<String>,
    /// 是否公开.
    pub published: Option<bool>,
}

/// One row of a cases file: the message-board export columns (留言编号, 留言用户, 留言主题,
/// 留言时间, 留言详情, 答复意见, 答复时间) and Rectify's own.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CaseRecord {
    /// 系统编号.
    pub id: Option<CaseId>,
    /// 留言编号: the number the other system gave it; a row whose number is known updates it.
    pub reference: Option<String>,
    /// 留言用户 (sealed at rest like every citizen's name).
    pub citizen_name: Option<String>,
    /// 联系电话 (sealed).
    pub phone: Option<String>,
    /// 留言主题.
    pub title: Option<String>,
    /// 留言时间: when the citizen wrote; new cases default to the time of the import.
    pub received_at: Option<Timestamp>,
    /// 留言详情.
    pub content: Option<String>,
    /// 答复意见.
    pub answer: Option<String>,
    /// 答复时间 (with an answer: the case was replied then).
    pub replied_at: Option<Timestamp>,
    /// 渠道; defaults to the import's channel (web messages).
    pub channel: Option<Channel>,
    /// 类型; defaults to the import's type.
    pub case_type: Option<CaseType>,
    /// 承办单位.
    pub unit: Option<UnitRef>,
    /// 满意度 (回访).
    pub satisfaction: Option<Satisfaction>,
    /// 一级分类 / 问题分类: a category of the taxonomy, by its path, its code or its name.
    pub category: Option<String>,
    /// 点赞数 and 反对数: the board's support of the message.
    pub likes: Option<u32>,
    pub dislikes: Option<u32>,
}

/// One row of a taxonomy file: a category by its path, the deeper levels blank for a category
/// of the first or second level. Rows repeat their upper levels, which are added once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CategoryRecord {
    /// 分类编码: the office's code of the row's category; two rows with one code are an error.
    pub code: Option<String>,
    /// The names from the first level down, checked for gaps (`category::path`).
    pub path: Vec<String>,
}

/// One item of a service catalog file (事项清单), by its code (事项编码). Its materials are in one
/// cell (one a line, or separated by `；`), or on the rows below it that leave the code and the
/// name blank, as offices lay the sheet out with merged cells; staff are `姓名 电话` a line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceRecord {
    pub code: Option<String>,
    pub name: Option<String>,
    pub kind: Option<ServiceKind>,
    pub unit: Option<UnitRef>,
    pub window: Option<String>,
    pub staff: Vec<ItemStaff>,
    pub place: Option<String>,
    pub hours: Option<String>,
    pub materials: Vec<NewMaterial>,
    pub steps: Vec<String>,
    pub legal_limit_days: Option<u32>,
    pub promised_limit_days: Option<u32>,
    pub fees: Option<String>,
    pub fee_basis: Option<String>,
    pub legal_basis: Option<String>,
    pub max_visits: Option<u32>,
    pub delivery: Option<Delivery>,
    pub lists: Vec<String>,
}

/// A row of the file as read: its number as a spreadsheet shows it (1-based, title rows
/// counted) and its record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row<T> {
    pub row: usize,
    pub record: T,
}

/// The rows of a file of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "rows", rename_all = "snake_case")]
pub enum Records {
    Units(Vec<Row<UnitRecord>>),
    People(Vec<Row<PersonRecord>>),
    Problems(Vec<Row<ProblemRecord>>),
    Cases(Vec<Row<CaseRecord>>),
    Categories(Vec<Row<CategoryRecord>>),
    Services(Vec<Row<ServiceRecord>>),
}

impl Records {
    pub fn kind(&self) -> ImportKind {
        match self {
            Records::Units(_) => ImportKind::Units,
            Records::People(_) => ImportKind::People,
            Records::Problems(_) => ImportKind::Problems,
            Records::Cases(_) => ImportKind::Cases,
            Records::Categories(_) => ImportKind::Categories,
            Records::Services(_) => ImportKind::Services,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Records::Units(r) => r.len(),
            Records::People(r) => r.len(),
            Records::Problems(r) => r.len(),
            Records::Cases(r) => r.len(),
            Records::Categories(r) => r.len(),
            Records::Services(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What is wrong with one cell (or one row, when `column` is empty): the row as the spreadsheet
/// numbers it, the column's header as written in the file, the value, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    pub row: usize,
    pub column: Option<String>,
    pub value: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub issue: Issue,
}

/// Settings of one import that are not in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Problems: the campaign (and batch) the rows belong to; numbers (`reference`) are unique
    /// within it.
    pub campaign_id: Option<crate::ids::CampaignId>,
    pub batch_id: Option<crate::ids::BatchId>,
    /// Cases: the channel and type of rows that do not say (a message board: `web`, `complaint`).
    pub channel: Option<Channel>,
    pub case_type: Option<CaseType>,
    /// A name for the history rows and the audit trail (the file's name).
    pub source: String,
    /// The file's header of each field (`unit` → `责任单位`), so that errors found while writing
    /// name the column as the file does.
    pub headers: std::collections::BTreeMap<String, String>,
}

impl ImportOptions {
    /// The file's header for `field` (the field's own name when the file did not say).
    pub fn header(&self, field: &str) -> String {
        self.headers.get(field).cloned().unwrap_or_else(|| field.to_owned())
    }
}

/// What an import did, or — on a dry run, or when any row is wrong — would do. A real import
/// with errors writes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub kind: String,
    pub dry_run: bool,
    /// Whether anything was written.
    pub applied: bool,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Rows equal to what is stored.
    pub unchanged: usize,
    /// People created because a problem named them as responsible person or leader.
    pub people_created: usize,
    /// Columns of the file that match no field (left out).
    pub ignored_columns: Vec<String>,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A problem as an export writes it: the record an import reads back, and the columns only an
/// export has (read back, they are recognised and left alone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemLine {
    pub record: ProblemRecord,
    /// 预警: shown as a coloured cell.
    pub light: Light,
    /// 到期日: the effective due date (the deadline or an earlier unfinished measure's).
    pub due_on: Option<NaiveDate>,
    /// 所属活动 and 批次, by name.
    pub campaign: Option<String>,
    pub batch: Option<String>,
    /// 登记时间, 销号时间.
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

/// A case as an export writes it. The citizen's name and phone are in `record` only for a
/// reader with the right to see them (the office's reveal right); otherwise they are `None`
/// and the columns are left out of the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseLine {
    pub record: CaseRecord,
    /// 查询码.
    pub tracking_code: String,
    /// 办理状态.
    pub state: CaseState,
    /// 办理时限.
    pub due_on: Option<NaiveDate>,
    /// 办结时间.
    pub closed_at: Option<Timestamp>,
}

/// What an export writes, one kind per file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "lines", rename_all = "snake_case")]
pub enum Lines {
    Units(Vec<UnitRecord>),
    People(Vec<PersonRecord>),
    Problems(Vec<ProblemLine>),
    /// `contacts`: whether the citizen's name and phone columns are written.
    Cases {
        lines: Vec<CaseLine>,
        contacts: bool,
    },
    /// The taxonomy, one row per category with its path (a file that imports back).
    Categories(Vec<CategoryRecord>),
    /// The service catalog, one row per item (a file that imports back).
    Services(Vec<ServiceRecord>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_refs_read_paths_names_and_ids() {
        assert_eq!(
            UnitRef::parse(" 蔡甸区/公安／新农派出所 "),
            Some(UnitRef::Path(vec!["蔡甸区".into(), "公安".into(), "新农派出所".into()]))
        );
        assert_eq!(UnitRef::parse("区交通局"), Some(UnitRef::Path(vec!["区交通局".into()])));
        assert_eq!(UnitRef::parse("#42"), Some(UnitRef::Id(UnitId(42))));
        assert_eq!(UnitRef::parse("  "), None);
        assert_eq!(UnitRef::parse("蔡甸区/公安").unwrap().display(), "蔡甸区/公安");
    }
}
