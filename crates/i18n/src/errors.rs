//! The domain's errors in words: it reports codes; only the edges turn them into sentences.

use crate::Lang;
use rectify_domain::actor::Permission;
use rectify_domain::wire::WireName;
use rectify_domain::{Denial, Entity, Expected, FileMeasure, Issue, JsonType, Rule};

pub fn entity(e: Entity, lang: Lang) -> &'static str {
    match lang {
        Lang::En => e.as_str(),
        Lang::Zh => match e {
            Entity::Unit => "单位",
            Entity::Person => "人员",
            Entity::Campaign => "活动",
            Entity::Batch => "批次",
            Entity::Problem => "问题",
            Entity::Measure => "整改措施",
            Entity::Progress => "整改进展",
            Entity::Attachment => "附件",
            Entity::Account => "账户",
            Entity::CalendarYear => "节假日年度",
            Entity::Settings => "设置",
            Entity::Case => "诉求件",
            Entity::IntakeSession => "座谈会/走访批次",
            Entity::InspectionPlan => "督查计划",
            Entity::Round => "督查轮次",
            Entity::Finding => "督查发现",
            Entity::Reinspection => "整改回头看",
            Entity::ReinspectionItem => "回头看抽查事项",
            Entity::ActionRecord => "问责与表扬记录",
            Entity::Deduction => "扣分记录",
            Entity::InspectionBulletin => "督查通报",
            Entity::Bulletin => "简报",
            Entity::Category => "问题分类",
            Entity::TrackedCase => "与该查询码和手机号码后四位相符的诉求件",
            Entity::ServiceItem => "服务事项",
            Entity::ServiceCase => "办件",
            Entity::Appointment => "预约",
            Entity::ServiceSample => "回访抽查",
            Entity::OnlineApplication => "网上申报",
            Entity::Rating => "评价",
            Entity::RatingFollowUp => "差评整改",
            Entity::RatingAppeal => "评价申诉",
        },
    }
}

pub fn rule(r: Rule, lang: Lang) -> &'static str {
    match (r, lang) {
        (Rule::DrawImpossible, Lang::En) => {
            "no draw can satisfy these rules with this pool: after recusal and recent pairs too few inspectors are left for the units; add inspectors or units, or lower the group sizes"
        }
        (Rule::DrawImpossible, Lang::Zh) => {
            "按当前规则无法抽取：回避和近期配对排除后，可派督查人员不足；请增加督查人员或被查单位，或减少每组人数"
        }
        (Rule::NothingToSample, Lang::En) => "no problem was closed in this period: there is nothing to re-inspect",
        (Rule::NothingToSample, Lang::Zh) => "该期间内没有已销号的问题，无可抽查",
        (Rule::EvidenceHeld, Lang::En) => {
            "the evidence lists the pairs of a covert round drawn before this one that has not ended; it is published when that round ends"
        }
        (Rule::EvidenceHeld, Lang::Zh) => {
            "该轮证据含有此前抽取、尚未结束的暗访轮次的人员与单位配对，待该暗访轮次结束后公开"
        }
        (Rule::OfficeOnlyField, Lang::En) => "only the supervising office may change this",
        (Rule::OfficeOnlyField, Lang::Zh) => "此项仅督导办可修改",
        (Rule::PlanTooLong, Lang::En) => "a plan runs at most three years (1096 days); plan the years after it again",
        (Rule::PlanTooLong, Lang::Zh) => "督查计划期限最长三年（1096天），此后请另行制定计划",
        (Rule::NothingToTrainOn, Lang::En) => {
            "nothing to learn from yet: set or confirm the category of some cases, or import labelled messages"
        }
        (Rule::NothingToTrainOn, Lang::Zh) => "尚无人工确认分类的诉求件，请先确认部分诉求件的分类或导入已分类的留言",
        (Rule::MaterialsMissing, Lang::En) => {
            "materials are missing: tell the applicant everything missing at once (one-time notice) before accepting"
        }
        (Rule::MaterialsMissing, Lang::Zh) => "材料不齐，不能受理；请先一次性告知申请人所缺全部材料",
        (Rule::ItemWithdrawn, Lang::En) => "the item is withdrawn from the catalog: no new service cases for it",
        (Rule::ItemWithdrawn, Lang::Zh) => "该事项已停止办理，不能新建办件",
        (Rule::NotBookable, Lang::En) => "this item is not booked ahead: come to the window in office hours",
        (Rule::NotBookable, Lang::Zh) => "该事项未开通预约，请在工作时间到窗口办理",
        (Rule::DayNotWorking, Lang::En) => "the day is a holiday or a rest day: choose a working day",
        (Rule::DayNotWorking, Lang::Zh) => "所选日期为法定节假日或休息日，请选择工作日",
        (Rule::SlotPast, Lang::En) => "this time has already begun or passed: choose a later one",
        (Rule::SlotPast, Lang::Zh) => "所选时段已开始或已过，请选择其他时段",
        (Rule::BeyondBookingDays, Lang::En) => "bookings are open for the next 10 working days only",
        (Rule::BeyondBookingDays, Lang::Zh) => "仅可预约今后10个工作日内的时段",
        (Rule::SlotFull, Lang::En) => "every place of this time is taken: choose another",
        (Rule::SlotFull, Lang::Zh) => "该时段预约已满，请选择其他时段",
        (Rule::AlreadyBooked, Lang::En) => {
            "this mobile already holds a booking for the item: cancel it first to book another time"
        }
        (Rule::AlreadyBooked, Lang::Zh) => "该手机号码已预约本事项且尚未办理，如需改约请先取消原预约",
        (Rule::NotTheBookedDay, Lang::En) => "arrival is recorded on the booked day only",
        (Rule::NotTheBookedDay, Lang::Zh) => "仅可在预约当日登记到场",
        (Rule::NotOnline, Lang::En) => {
            "the item is not handled fully online: apply at the window or book an appointment"
        }
        (Rule::NotOnline, Lang::Zh) => "该事项不支持全程网办，请到窗口办理或预约办理",
        (Rule::RatingCaseNotDone, Lang::En) => "only a service case that is done can be rated",
        (Rule::RatingCaseNotDone, Lang::Zh) => "办件尚未办结，不能评价",
        (Rule::RatingDuplicate, Lang::En) => "this service case has already been rated here: one rating per case",
        (Rule::RatingDuplicate, Lang::Zh) => "该办件已评价，一次服务只能评价一次",
        (Rule::AddedCommentMade, Lang::En) => "a rating takes one follow-up comment, and it has been made",
        (Rule::AddedCommentMade, Lang::Zh) => "已追评，每次评价只能追评一次",
        (Rule::AddedCommentClosed, Lang::En) => "the days for a follow-up comment on this rating have passed",
        (Rule::AddedCommentClosed, Lang::Zh) => "已超过追评期限",
        (Rule::RatingLinkExpired, Lang::En) => "this rating link has expired",
        (Rule::RatingLinkExpired, Lang::Zh) => "评价链接已过期",
        (Rule::RatingLinkUsed, Lang::En) => "this rating link has been used: the service is rated",
        (Rule::RatingLinkUsed, Lang::Zh) => "评价链接已使用，该次服务已评价",
        (Rule::AppealNotBad, Lang::En) => "only a bad rating (dissatisfied or very dissatisfied) can be appealed",
        (Rule::AppealNotBad, Lang::Zh) => "只能对差评（不满意、非常不满意）提出申诉",
        (Rule::AppealClosed, Lang::En) => "the working days for an appeal against this rating have passed",
        (Rule::AppealClosed, Lang::Zh) => "已超过申诉期限",
        (Rule::UnitCycle, Lang::En) => "a unit cannot be placed under itself or one of its sub-units",
        (Rule::UnitCycle, Lang::Zh) => "单位不能移到自身或其下级单位之下",
        (Rule::EvidenceRequired, Lang::En) => "closing off needs at least one evidence file in the progress entries",
        (Rule::EvidenceRequired, Lang::Zh) => "销号前须在整改进展中上传至少一份佐证材料",
        (Rule::VerifierInOwnerUnit, Lang::En) => "the verifier must not belong to the owner unit",
        (Rule::VerifierInOwnerUnit, Lang::Zh) => "验收人不能来自责任单位",
        (Rule::ReasonRequired, Lang::En) => "a reason is required",
        (Rule::ReasonRequired, Lang::Zh) => "须填写理由",
        (Rule::MeasuresOpen, Lang::En) => "every measure must be done before reporting the problem fixed",
        (Rule::MeasuresOpen, Lang::Zh) => "尚有整改措施未完成，不能报告整改完成",
        (Rule::BatchNotInCampaign, Lang::En) => "the batch belongs to another campaign",
        (Rule::BatchNotInCampaign, Lang::Zh) => "该批次不属于所选活动",
        (Rule::NotAllowedFromState, Lang::En) => "not allowed in the current state",
        (Rule::NotAllowedFromState, Lang::Zh) => "当前状态下不允许此操作",
        (Rule::ProblemClosed, Lang::En) => "the problem is closed off; reopen it first",
        (Rule::ProblemClosed, Lang::Zh) => "问题已销号，须先重新打开",
        (Rule::AttachmentInUse, Lang::En) => "this file is already evidence of another progress entry",
        (Rule::AttachmentInUse, Lang::Zh) => "该文件已作为其他整改进展的佐证",
        (Rule::IdempotencyKeyReused, Lang::En) => "this Idempotency-Key was already used for a different request",
        (Rule::IdempotencyKeyReused, Lang::Zh) => "该幂等键已用于另一个不同的请求",
        (Rule::UnitInUse, Lang::En) => "the unit still has live sub-units or open problems",
        (Rule::UnitInUse, Lang::Zh) => "该单位仍有下级单位或未销号的问题",
        (Rule::ExtensionAfterDue, Lang::En) => "an extension must be asked before the due date",
        (Rule::ExtensionAfterDue, Lang::Zh) => "延期须在办理期限届满前申请",
        (Rule::UnitNotInOwnGroup, Lang::En) => "is not among the units your group was drawn to inspect",
        (Rule::UnitNotInOwnGroup, Lang::Zh) => "不在本组抽中的督查对象之内",
        (Rule::UnitNotDrawn, Lang::En) => "is not among the units this round drew",
        (Rule::UnitNotDrawn, Lang::Zh) => "不在本轮抽中的督查对象之内",
        (Rule::ExtensionNotLater, Lang::En) => "the new due date must be later than the current one",
        (Rule::ExtensionNotLater, Lang::Zh) => "申请的期限须晚于当前办理期限",
        (Rule::ExtensionPending, Lang::En) => "an extension is already waiting for the office",
        (Rule::ExtensionPending, Lang::Zh) => "已有待审批的延期申请",
        (Rule::NotInvestigated, Lang::En) => "only accepted reports and complaints are investigated",
        (Rule::NotInvestigated, Lang::Zh) => "只有已受理的举报和投诉件需要调查核实",
        (Rule::InvestigationDecided, Lang::En) => "the investigation's outcome is already recorded",
        (Rule::InvestigationDecided, Lang::Zh) => "该件调查结论已记录，不能再补充",
        (Rule::NoDispatch, Lang::En) => "record at least one dispatch of investigators before the outcome",
        (Rule::NoDispatch, Lang::Zh) => "须先登记派员调查情况，再作出调查结论",
        (Rule::UnfoundedDealsWithNobody, Lang::En) => "an unfounded report deals with nobody",
        (Rule::UnfoundedDealsWithNobody, Lang::Zh) => "反映不属实的，不涉及对人员的处理",
        (Rule::NoDeadlineToExtend, Lang::En) => "the problem has no deadline to extend",
        (Rule::NoDeadlineToExtend, Lang::Zh) => "该问题未设整改时限，无需延期",
        (Rule::WordingFixed, Lang::En) => {
            "once work has started, the owner unit can no longer change the problem's wording; ask the office"
        }
        (Rule::WordingFixed, Lang::Zh) => "整改工作开始后，责任单位不能再修改问题表述，如需修改请联系督导办",
        (Rule::NoExtensionPending, Lang::En) => "no extension is waiting for a decision",
        (Rule::NoExtensionPending, Lang::Zh) => "没有待审批的延期申请",
        (Rule::AlreadyRated, Lang::En) => "this reply has already been rated",
        (Rule::AlreadyRated, Lang::Zh) => "已对本次答复作过评价",
        (Rule::NotReplied, Lang::En) => "the case has not been replied to yet",
        (Rule::NotReplied, Lang::Zh) => "诉求尚未答复",
        (Rule::CitizenSatisfactionRequired, Lang::En) => {
            "each citizen who raised it must be found satisfied first, or a reason given in waivers (could not be reached), or a review in reviews (answered unsatisfied)"
        }
        (Rule::CitizenSatisfactionRequired, Lang::Zh) => {
            "销号前须取得每位可联系群众的满意意见；无法联系的须说明原因，答复不满意的须经复核"
        }
        (Rule::UnsatisfiedNeedsReview, Lang::En) => {
            "this citizen answered unsatisfied: a waiver is only for a citizen who could not be reached; record a review instead"
        }
        (Rule::UnsatisfiedNeedsReview, Lang::Zh) => "该群众已答复不满意，不能以无法联系为由免于评价，须经复核",
        (Rule::NothingToReview, Lang::En) => "this citizen did not answer unsatisfied: there is nothing to review",
        (Rule::NothingToReview, Lang::Zh) => "该群众未答复不满意，无需复核",
        (Rule::SatisfactionOrReasonRequired, Lang::En) => {
            "closing needs the citizen's satisfaction or a reason why it was not obtained"
        }
        (Rule::SatisfactionOrReasonRequired, Lang::Zh) => "办结须有群众满意意见，或说明未能取得的原因",
        (Rule::PublicChannelOnly, Lang::En) => "the public form submits through the web channel only",
        (Rule::PublicChannelOnly, Lang::Zh) => "公众只能通过网上渠道提交",
        (Rule::CaseNotOpen, Lang::En) => "a declined or closed case cannot be turned into a problem",
        (Rule::CaseNotOpen, Lang::Zh) => "不予受理或已办结的诉求不能转为问题",
    }
}

pub fn issue(i: &Issue, lang: Lang) -> String {
    match (i, lang) {
        (Issue::Required, Lang::En) => "is required".into(),
        (Issue::Required, Lang::Zh) => "必填".into(),
        (Issue::TooLong { max }, Lang::En) => format!("is too long (at most {max})"),
        (Issue::TooLong { max }, Lang::Zh) => format!("过长（最多 {max}）"),
        (Issue::TooMany { max }, Lang::En) => format!("has too many items (at most {max})"),
        (Issue::TooMany { max }, Lang::Zh) => format!("数量过多（最多 {max} 项）"),
        (Issue::InvalidDate, Lang::En) => "is not a valid date (YYYY-MM-DD)".into(),
        (Issue::InvalidDate, Lang::Zh) => "不是有效日期（应写作2026-12-04）".into(),
        (Issue::NotOneOf { expected }, Lang::En) => format!("must be one of: {}", expected.join(", ")),
        (Issue::NotOneOf { expected }, Lang::Zh) => format!("必须是以下之一：{}", expected.join("、")),
        (Issue::OutOfRange { min, max }, Lang::En) => format!("must be between {min} and {max}"),
        (Issue::OutOfRange { min, max }, Lang::Zh) => format!("须在 {min} 到 {max} 之间"),
        (Issue::UnknownReference { entity: e }, Lang::En) => format!("no such {}", entity(*e, lang)),
        (Issue::UnknownReference { entity: e }, Lang::Zh) => format!("{}不存在或已归档", entity(*e, lang)),
        (Issue::Malformed { expected }, Lang::En) => format!("must be {}", expected.english()),
        (Issue::Malformed { expected: Expected::Text(_) }, Lang::Zh) => "格式不正确".into(),
        (Issue::Malformed { expected }, Lang::Zh) => format!("格式不正确，应为{}", expected_zh(expected)),
        (Issue::BeforeOther { other }, Lang::En) => format!("must not be before {}", earlier_en(other)),
        (Issue::BeforeOther { other }, Lang::Zh) => format!("不能早于{}", earlier_zh(other)),
        (Issue::Duplicate, Lang::En) => "already exists".into(),
        (Issue::Duplicate, Lang::Zh) => "已存在".into(),
        (Issue::StaffOnly, Lang::En) => "can only be set by staff".into(),
        (Issue::StaffOnly, Lang::Zh) => "仅工作人员可填写".into(),
        (Issue::UnknownField, Lang::En) => "is not a known field".into(),
        (Issue::UnknownField, Lang::Zh) => "不是可识别的字段".into(),
        (Issue::WrongType { expected }, Lang::En) => format!("has the wrong type (expected {})", expected.english()),
        (Issue::WrongType { expected }, Lang::Zh) => match json_type_zh(expected) {
            Some(words) => format!("类型不正确，应为{words}"),
            None => "类型不正确".into(),
        },
        (Issue::Decode { detail }, Lang::En) => detail.clone(),
        // The decoder's own words are English: Chinese says what went wrong without them.
        (Issue::Decode { .. }, Lang::Zh) => "内容无法识别，请检查格式".into(),
        (Issue::MissingColumns { columns }, Lang::En) => {
            format!("the header must name the columns {}", columns.join(", "))
        }
        (Issue::MissingColumns { columns }, Lang::Zh) => {
            format!(
                "表头须包含以下列：{}",
                columns
                    .iter()
                    .map(|c| rectify_domain::calendar::column_in_chinese(c).unwrap_or(c))
                    .collect::<Vec<_>>()
                    .join("、")
            )
        }
        (Issue::Rule { rule: r }, _) => rule(*r, lang).into(),
        (Issue::FileTooLarge { measure: FileMeasure::Bytes, max }, Lang::En) => {
            format!("is too large: the import limit is {max} bytes")
        }
        (Issue::FileTooLarge { measure: FileMeasure::Bytes, max }, Lang::Zh) => {
            format!("文件过大：导入上限为 {max} 字节")
        }
        (Issue::FileTooLarge { measure: FileMeasure::Cells, max }, Lang::En) => {
            format!("is too large: a sheet may span at most {max} cells (rows × columns) on import")
        }
        (Issue::FileTooLarge { measure: FileMeasure::Cells, max }, Lang::Zh) => {
            format!("文件过大：导入的工作表最多 {max} 个单元格（行数 × 列数）")
        }
        (Issue::FileTooLarge { measure: FileMeasure::Unpacked, max }, Lang::En) => {
            format!("unpacks to more than {max} bytes: not a workbook an import reads (a zip bomb?)")
        }
        (Issue::FileTooLarge { measure: FileMeasure::Unpacked, max }, Lang::Zh) => {
            format!("文件解压后超过 {max} 字节，无法导入（可能是压缩炸弹）")
        }
    }
}

/// The label of a state or an action named in an error, from the catalog (its wire name when
/// the catalog has none).
pub fn name(n: WireName, lang: Lang) -> String {
    crate::catalog().get(&n.key(), lang).map(str::to_owned).unwrap_or_else(|| n.name.to_owned())
}

/// "cannot publish a bulletin that is published", in words.
pub fn state_conflict(e: Entity, action: WireName, state: WireName, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("该{}当前为「{}」，不能「{}」", entity(e, lang), name(state, lang), name(action, lang)),
        Lang::En => format!("cannot {} a {} that is {}", name(action, lang), entity(e, lang), name(state, lang)),
    }
}

/// "you may not verify this problem", in words.
pub fn not_permitted(e: Entity, action: WireName, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("您无权对该{}执行「{}」", entity(e, lang), name(action, lang)),
        Lang::En => format!("you may not {} this {}", name(action, lang), entity(e, lang)),
    }
}

/// The field a date must not precede, in Chinese (its form label where it has one).
/// The earlier field named in English: `from` as words, others by name.
fn earlier_en(other: &str) -> &str {
    match other {
        "from" => "the start date",
        _ => other,
    }
}

fn earlier_zh(other: &str) -> &'static str {
    match other {
        "now" => "当前时间",
        _ if other.ends_with("from") || other.starts_with("starts") => "开始日期",
        _ => field_label(other, Lang::Zh).unwrap_or("前一日期"),
    }
}

/// A JSON value's kind in Chinese; none for the decoder's own words.
fn json_type_zh(t: &JsonType) -> Option<&'static str> {
    Some(match t {
        JsonType::Text => "文字",
        JsonType::WholeNumber => "整数",
        JsonType::Number => "数字",
        JsonType::Boolean => "是或否（布尔值）",
        JsonType::List => "列表（数组）",
        JsonType::Object => "对象（以“{”开头）",
        JsonType::Other(_) => return None,
    })
}

/// "nothing found", in words: the entity and its id, or the entity alone when it has none to say.
pub fn not_found(e: Entity, id: &str, lang: Lang) -> String {
    match (lang, id.is_empty()) {
        (Lang::Zh, true) => format!("未找到{}", entity(e, lang)),
        (Lang::Zh, false) => format!("{}{}不存在", entity(e, lang), id),
        (Lang::En, true) => format!("no {} found", entity(e, lang)),
        (Lang::En, false) => format!("{} {} not found", entity(e, lang), id),
    }
}

/// Why the caller may not do this, in words.
pub fn denial(d: &Denial, lang: Lang) -> String {
    match (d, lang) {
        (Denial::Role { role, permission }, _) => {
            let role = crate::catalog().get(&format!("role.{}", role.as_str()), lang).unwrap_or(role.as_str());
            match lang {
                Lang::Zh => format!("{role}无权{}", permission_words(*permission, lang)),
                Lang::En => format!("your role ({role}) may not {}", permission_words(*permission, lang)),
            }
        }
        (Denial::Investigation, Lang::Zh) => "您无权登记该件的调查核实情况".into(),
        (Denial::Investigation, Lang::En) => "you may not record this case's investigation".into(),
        (Denial::CovertRound, Lang::Zh) => "暗访轮次结束前，其督查发现仅向本轮督查人员显示".into(),
        (Denial::CovertRound, Lang::En) => {
            "a covert round's findings are shown to its inspectors only until it ends".into()
        }
    }
}

/// What a permission lets one do, as the object of "may not …" / "无权…".
fn permission_words(p: Permission, lang: Lang) -> &'static str {
    use Permission::*;
    let zh = lang == Lang::Zh;
    let pick = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    match p {
        ManageUnits => pick("manage units", "管理单位"),
        ManagePeople => pick("manage people", "管理人员"),
        ManageCampaigns => pick("manage campaigns", "管理活动"),
        ManageCalendar => pick("load holiday calendars", "维护节假日安排"),
        ManageAccounts => pick("manage accounts", "管理账户"),
        ManageSettings => pick("change settings", "修改系统设置"),
        ViewDirectory => pick("see the directory", "查看单位和人员"),
        ViewAllProblems => pick("see the whole ledger", "查看全部问题台账"),
        ViewStats => pick("see the figures", "查看统计数据"),
        CreateProblem => pick("write problems for this unit", "为该单位登记问题"),
        EditProblem => pick("edit this problem", "修改该问题"),
        AddProgress => pick("report progress on this problem", "填报该问题的整改进展"),
        UploadAttachment => pick("upload files", "上传附件"),
        RegisterCase => pick("register cases", "登记诉求件"),
        ViewAllCases => pick("see every case", "查看全部诉求件"),
        LinkCases => pick("turn cases into problems", "将诉求件转为问题"),
        ManageIntakeSessions => pick("manage meetings and visits", "管理座谈会和走访"),
        RevealContact => pick("see contact details in full", "查看完整联系方式"),
        ManageInspections => pick("plan and draw inspections", "安排和抽取督查"),
        ViewInspections => pick("see inspections", "查看督查"),
        RecordFindings => pick("record findings", "登记督查发现"),
        ManageAccountability => pick("record accountability", "登记问责与表扬"),
        ViewAccountability => pick("see accountability records", "查看问责与表扬记录"),
        ImportFiles => pick("import files", "导入文件"),
        ManageBulletins => pick("compose bulletins", "编发简报"),
        ManageServices => pick("write the service catalog", "编制服务事项清单"),
    }
}

/// What a malformed value should have been, in Chinese.
fn expected_zh(e: &Expected) -> String {
    match e {
        Expected::Phone => "电话号码".into(),
        Expected::MobileOrLandline => "11位手机号码或带区号的固定电话".into(),
        Expected::Email => "电子邮箱地址".into(),
        Expected::EmailOrWeb => "电子邮箱地址或网址".into(),
        Expected::WholeNumber => "整数".into(),
        Expected::RowId => "系统编号（整数）".into(),
        Expected::Id => "数字编号".into(),
        Expected::Cursor => "上一页给出的翻页标记".into(),
        Expected::VisibleAscii => "可见的字母、数字或符号".into(),
        Expected::IdempotencyKey => "1至200个可见的字母、数字或符号".into(),
        Expected::Username => "字母、数字及“_ . - @”".into(),
        Expected::SnakeCase => "小写字母、数字和下划线组成的名称".into(),
        Expected::ProblemOrCase => "问题编号或诉求件编号之一".into(),
        Expected::ItemCode => "字母、数字及“- _ .”".into(),
        Expected::StaffMember => "工作人员".into(),
        Expected::Weekend => "星期六或星期日".into(),
        Expected::HexDigest => "64位十六进制数字".into(),
        Expected::CommittedSeed => "与事先公布的摘要相符的种子".into(),
        Expected::FileAgain => "重新选择的文件".into(),
        Expected::NotAnExcelError => "有效的值，而不是“#N/A”等表格错误".into(),
        Expected::MatchingFile { mime } => format!("扩展名与内容相符的文件（{mime}）"),
        Expected::YearInPath { year } => format!("地址中的年份{year}"),
        Expected::OneUnit { named, path } => {
            format!("唯一的单位：名为“{path}”的单位有{named}个，请从上级单位写起（上级/单位）")
        }
        Expected::TileTemplate => "含{z}、{x}、{y}的http(s)地址模板".into(),
        Expected::Subdomains => "主机名含{s}时的一至十个子域名，如0、1、2".into(),
        Expected::LettersAndDigits => "字母和数字".into(),
        Expected::Search(issue) => crate::label(*issue, Lang::Zh),
        Expected::CategoryName => "不含“/”的分类名称".into(),
        Expected::Mobile => "11位手机号码".into(),
        Expected::TimeOfDay => "“时:分”格式的时间，如09:00".into(),
        Expected::Confidence => "0.5至1.0之间的置信度（不填则由人工分派）".into(),
        Expected::Text(t) => t.clone(),
    }
}

/// The label a field has on the forms (the catalog key of its label), for sentences that name the
/// field as the user saw it ("请填写具体内容"); the API's field names stay in `errors[].field`.
const FIELD_LABELS: &[(&str, &str)] = &[
    ("title", "submit.subject"),
    ("content", "submit.content"),
    ("location", "submit.location"),
    ("name", "submit.name"),
    ("phone", "submit.phone"),
    ("email", "case.email"),
    ("code", "track.code"),
    ("phone_tail", "track.phone_tail"),
    ("comment", "track.comment"),
    ("satisfaction", "case.satisfaction"),
    ("username", "login.username"),
    ("password", "login.password"),
    ("description", "problem.description"),
    ("deadline", "problem.deadline"),
    ("category", "problem.category"),
    ("unit_id", "problem.unit"),
    ("unit", "field.unit"),
    ("format", "files.format"),
    ("complaint_phone", "unit.complaint_phone"),
    ("campaign_id", "ledger.campaign"),
    ("batch_id", "ledger.batch"),
    ("root_cause", "ledger.root_cause"),
    ("note", "ledger.note"),
    ("reason", "ledger.reason"),
    ("answer", "case.answer"),
    ("due", "case.new_due"),
    ("headline", "bulletin.headline"),
    ("issuer", "bulletin.issuer"),
    ("issued_on", "bulletin.issued_on"),
    ("editor_note", "bulletin.editor_note"),
    ("body", "bulletin.body"),
    ("selected", "bulletin.selected"),
    ("starts_on", "admin.campaign.starts_on"),
    ("ends_on", "admin.campaign.ends_on"),
    ("from", "field.from"),
    ("to", "field.to"),
    ("q", "field.q"),
    ("person_id", "acct.person"),
    ("kind", "files.kind"),
    ("map", "files.map"),
    ("encoding", "files.encoding"),
    ("yellow_working_days", "admin.settings.yellow_working_days"),
    ("accept_within_working_days", "admin.settings.accept_within_working_days"),
    ("ranking_min_items", "admin.settings.ranking_min_items"),
    ("office_name", "admin.settings.office_name"),
    ("case_due", "admin.settings.case_due"),
    ("map_tiles", "admin.settings.map_tiles"),
    ("triage", "admin.settings.triage"),
    ("triage.auto_route_above", "admin.settings.auto_route_above"),
    ("triage.refit_after_confirmations", "admin.settings.refit_after_confirmations"),
    ("triage.refit_after_minutes", "admin.settings.refit_after_minutes"),
];

/// A field's label in `lang`: its own when it has one (`triage.refit_after_minutes`), else its
/// top-level name's (`measures[0].description` → `measures`); none for a field no form shows.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let top = field.split(['.', '[']).next().unwrap_or(field);
    let key =
        FIELD_LABELS.iter().find(|(f, _)| *f == field).or_else(|| FIELD_LABELS.iter().find(|(f, _)| *f == top))?.1;
    crate::catalog().get(key, lang)
}

/// One field's error as a sentence naming it ("请填写具体内容", "手机号码格式不正确，应为…"); a field
/// without a label gives the message alone.
pub fn field_sentence(field: &str, issue: &Issue, lang: Lang) -> String {
    let message = self::issue(issue, lang);
    // Rows of a data file: "第3行：日期不是有效日期".
    if let Some(n) = field.strip_prefix("row ").and_then(|n| n.parse::<usize>().ok()) {
        return match lang {
            Lang::Zh => format!("第{n}行{message}"),
            Lang::En => format!("row {n} {message}"),
        };
    }
    match (field_label(field, lang), issue, lang) {
        (Some(label), Issue::Required, Lang::Zh) => format!("请填写{label}"),
        // "单位不存在或已归档" names the field already.
        (Some(label), _, Lang::Zh) if message.starts_with(label) => message,
        (Some(label), _, Lang::Zh) => format!("{label}{message}"),
        (Some(label), _, Lang::En) => format!("{label} {message}"),
        (None, _, Lang::Zh) => message,
        (None, _, Lang::En) => format!("{field} {message}"),
    }
}

/// The sentence atop a form or in a problem's `detail`: how many places to correct, and each.
pub fn correct_these(sentences: &[String], lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("请修改以下{}处：{}。", sentences.len(), sentences.join("；")),
        Lang::En => format!("Please correct {} field(s): {}.", sentences.len(), sentences.join("; ")),
    }
}
