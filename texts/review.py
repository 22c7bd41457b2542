"""What the pages say about reviewing uploads (#12, item 3): the history's review state and buttons, the reviewers'
list, the notice of returned uploads on the upload page, and the dashboards' note on unreviewed figures; keyed as
i18n.t("review.KEY"). The states themselves are cycle.review_pending / _approved / _returned."""
from __future__ import annotations

REVIEW: dict[str, tuple[str, str]] = {
    # the history's columns and the chosen upload's review
    "column_state": ("审核", "Review"),
    "column_reviewer": ("审核人", "Reviewed by"),
    "column_reviewed_at": ("审核时间", "Reviewed at"),
    "column_reason": ("退回原因", "Reason for return"),
    "column_units": ("涉及单位", "Units"),
    "column_returned_at": ("退回时间", "Returned at"),
    "column_replaced": ("已重新上报", "Figures re-uploaded"),
    "not_reviewed": ("无需审核", "not reviewed"),
    "units_more": ("等 {count} 个单位", "and {count} more"),
    "chosen_state": ("审核：{state}", "Review: {state}"),
    "chosen_decided": ("审核：{state}（{reviewer}，{when}）", "Review: {state} ({reviewer}, {when})"),
    "chosen_reason": ("退回原因：{reason}", "Reason: {reason}"),
    # approving and returning
    "approve": ("通过", "Approve"),
    "approve_help": ("审核通过此上传的数据。", "Approve this upload's figures."),
    "return": ("退回", "Return"),
    "return_help": ("退回此上传：其数据移出汇总，直至该单位重新上传；原因将显示给上传人。",
                    "Return this upload: its figures leave the totals until the unit uploads again; the uploader "
                    "sees the reason."),
    "reason_label": ("退回原因（退回时必填）", "Reason for returning (required to return)"),
    "reason_placeholder": ("例如：南京市服务队数与台账不符，请核对后重新上传", "e.g. Nanjing's team count differs from "
                           "the ledger: check it and upload again"),
    "approved_done": ("上传 {id} 已审核通过。", "Upload {id} approved."),
    "returned_done": ("上传 {id} 已退回：其数据已移出汇总，直至该单位重新上传。",
                      "Upload {id} returned: its figures are out of the totals until the unit uploads again."),
    # the reviewers' list
    "to_review_header": ("待审核（{count}）", "To review ({count})"),
    "to_review_intro": ("您辖区内等待审核的上传，最新的在前。在下方选择上传后可通过或退回。",
                        "Uploads in your scope awaiting your review, newest first. Choose one below to approve or "
                        "return it."),
    "to_review_none": ("暂无待您审核的上传。", "Nothing awaits your review."),
    "only_to_review": ("只显示待我审核的上传", "Only uploads awaiting my review"),
    "file_to_review": ("待审核上传", "uploads_to_review"),
    # the upload page's notice of returned uploads
    "returned_notice": ("您有 {count} 个上传被审核退回，其数据未计入汇总。请按退回原因更正后重新上传；"
                        "新的上传包含被退回上传的全部数据后，此提示不再显示。",
                        "{count} of your uploads were returned by a reviewer; their figures are not in the totals. "
                        "Correct them as the reason says and upload again; this notice goes once a new upload "
                        "holds all of a returned upload's figures."),
    "file_returned": ("退回的上传", "returned_uploads"),
    # the dashboards: whether the figures shown include unreviewed ones (KPI_REQUIRE_APPROVAL)
    "includes_pending": ("含待审核数据（{count} 个上传待审）", "Includes figures awaiting review ({count} uploads)"),
    "approved_only": ("仅含审核通过的数据（{count} 个上传待审未计入）",
                      "Approved figures only ({count} uploads awaiting review not counted)"),
    "approved_only_all": ("仅含审核通过的数据", "Approved figures only"),
}
