"""Chinese (and English) texts of the loader's reject and warning codes, for the rejects / warnings files.

The ``reason`` column of those files is the loader's English text (what :func:`issue_code` reads the
code from, and what carries the details); the ``message`` column beside it is the code's template in
the language in force (``--lang``, Chinese by default), filled with the row's ``field`` and ``value``,
so staff read every line in Chinese. A code without a template here (or from the reader,
:mod:`chain_gap._issues`) shows its English reason.
"""

from __future__ import annotations

from typing import Any

from chain_gap import errors

__all__ = ["message"]

#: code → Chinese template (fields: row, field, value, reason); the English template is ``{reason}``.
ZH: dict[str, str] = {
    "row-unparsed": "第{row}行无法解析为一条记录，未载入",
    "row-extra-cells": "第{row}行的单元格多于表头列数，多出的「{value}」已忽略",
    "row-schema": "第{row}行不符合图谱结构，未载入：{value}",
    "name-missing": "第{row}行没有可用的企业名称，未载入",
    "value-too-long": "第{row}行「{field}」过长，无法作为名称使用",
    "value-formula": "第{row}行「{field}」看起来是表格公式（{value}），按文本保留（导出时已转义）",
    "uscc-invalid": "第{row}行统一社会信用代码「{value}」校验不通过，未使用（原值保留为 uscc_raw）",
    "uscc-conflict": "第{row}行统一社会信用代码「{value}」与已有记录冲突",
    "stock-invalid": "第{row}行「{value}」不是股票代码，未使用",
    "region-unknown": "第{row}行地区「{value}」无法识别，未使用",
    "region-not-in-address": "第{row}行地址「{value}」中未找到地区",
    "region-conflict": "第{row}行地区「{value}」与其他地区列矛盾",
    "industry-unknown": "第{row}行行业「{value}」不是 GB/T 4754-2017 的代码或名称，未使用",
    "value-amount": "第{row}行「{field}」的金额「{value}」无法读取；该行已载入，此值未用",
    "value-int": "第{row}行「{field}」的「{value}」不是整数；该行已载入，此值未用",
    "value-date": "第{row}行「{field}」的日期「{value}」无法读取；该行已载入，此值未用",
    "value-negative": "第{row}行「{field}」为负数「{value}」，不可能成立；该行已载入，此值未用",
    "value-date-future": "第{row}行「{field}」的日期「{value}」晚于今天，不可能成立；该行已载入，此值未用",
    "value-staff-range": "第{row}行人员规模「{value}」是区间，取其中点",
    "value-truncated": "第{row}行「{field}」过长，已截断",
    "value-share": "第{row}行「{field}」的占比「{value}」不是数值",
    "value-missing": "第{row}行缺少「{field}」，未载入",
    "decision-invalid": "第{row}行复核结论「{value}」无效（应为 确认 / 排除 / 待定）",
    "role-invalid": "第{row}行角色「{value}」无效",
    "link-invalid": "第{row}行环节「{value}」格式不对（应为 链/环节，如 nev/cathode）",
    "link-unknown": "第{row}行环节「{value}」不在该链中",
    "relation-self-loop": "第{row}行的两端是同一家企业，未载入",
    "company-created": "第{row}行企业「{value}」不在企业名单中，已新建",
    "enterprise-unknown": "第{row}行企业「{value}」不在图谱中，未载入",
    "enterprise-ambiguous": "第{row}行企业「{value}」对应多家企业，未载入",
    "file-missing": "映射所列文件「{value}」在文件夹中不存在，已跳过",
    "contact-legal-rep-invalid": "第{row}行法定代表人「{value}」无效，未使用",
    "contact-phone-invalid": "第{row}行电话「{value}」无效，未使用",
    "contact-email-invalid": "第{row}行邮箱「{value}」无效，未使用",
    "contact-website-invalid": "第{row}行网址「{value}」无效，未使用",
    "contact-address-truncated": "第{row}行地址过长，已截断",
    "merge-conflict": "{field} 两处取值不同（{value}）：{reason}",
}
#: the templates are registered as ``issue:<code>``: an error may use the same code (``region-unknown``)
#: with its own texts
PREFIX = "issue:"
for _code, _zh in ZH.items():
    errors.register(PREFIX + _code, _zh, "{reason}")


def message(code: str, row: Any, field: str, value: Any, reason: str, sheet: Any = "") -> str:
    """One line of the rejects / warnings file in the language in force (the English reason when no template).

    Parameters
    ----------
    code, row, field, value, reason, sheet
        The line's columns.

    Returns
    -------
    str
    """
    if not sheet and code == "xlsx-sheet-ignored":
        sheet = value  # the sheet not read is the value of its line
    params = {"row": row, "field": field, "value": value, "reason": reason, "sheet": sheet or ""}
    own = PREFIX + str(code)
    return errors.render(own if own in errors.MESSAGES else str(code), params, str(reason))
