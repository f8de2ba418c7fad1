"""Throughput of certificate rendering and examiner-database export against their targets."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import date, datetime

from core.certificates.numbers import new_certificate_number
from core.render.certificate import CertificateData, render_certificate
from core.render.xlsx import write_table

CERT_TARGET_PER_S = 25.0
EXPORT_TARGET_S = 2.0
N_CERTS = 200
N_ROWS = 10_000

HEADERS = [
    "证书编号",
    "姓名",
    "性别",
    "证件号码",
    "职业（工种）",
    "考评等级范围",
    "单位名称",
    "手机",
    "邮箱",
    "发证日期",
    "入库时间",
    "考试成绩",
]


def _certificates(n: int) -> list[CertificateData]:
    rand = random.Random(2026)
    base = CertificateData(
        holder_name="",
        id_number_masked="340104********123X",
        occupation="电工",
        level_scope=("五级/初级工", "四级/中级工", "三级/高级工"),
        certificate_no="",
        issue_date=date(2026, 9, 3),
        verify_url="",
    )
    out = []
    for i in range(n):
        no = new_certificate_number(2026, rand)
        name = ("阿依古丽·买买提", "张伟", "欧阳晓明", "王芳")[i % 4]
        out.append(
            replace(base, holder_name=name, certificate_no=no, verify_url=f"https://kpy.example.cn/v/{no}")
        )
    return out


def _rows(n: int) -> list[list[object]]:
    rand = random.Random(1)
    return [
        [
            new_certificate_number(2026, rand),
            f"考生{i}",
            "女" if i % 2 else "男",
            "340104********123X",
            "电工",
            "五级/初级工、四级/中级工、三级/高级工",
            "中国某某集团有限公司安徽分公司",
            "138****0000",
            f"user{i}@example.cn",
            date(2026, 9, 3),
            datetime(2026, 9, 3, 10, 0),
            90 + i % 11,
        ]
        for i in range(n)
    ]


def run() -> list[dict[str, object]]:
    """Measure both figures; rows are {name, value, unit, target, ratio} with ratio >= 1 meaning on target."""
    certs = _certificates(N_CERTS)
    render_certificate(certs[0])  # font registration and subsetting caches are a one-off, not throughput
    start = time.perf_counter()
    for c in certs:
        render_certificate(c)
    rate = N_CERTS / (time.perf_counter() - start)
    rows = _rows(N_ROWS)
    start = time.perf_counter()
    write_table(HEADERS, rows, "考评人员信息库")
    export_s = time.perf_counter() - start
    return [
        {
            "name": f"certificates rendered ({N_CERTS}, one core)",
            "value": round(rate, 1),
            "unit": "per s",
            "target": CERT_TARGET_PER_S,
            "ratio": round(rate / CERT_TARGET_PER_S, 2),
        },
        {
            "name": f"examiner export ({N_ROWS} rows xlsx)",
            "value": round(export_s, 2),
            "unit": "s",
            "target": EXPORT_TARGET_S,
            "ratio": round(EXPORT_TARGET_S / export_s, 2),
        },
    ]


def main() -> None:
    """Print the measurements as a small table."""
    results = run()
    print(f"{'benchmark':<42} {'value':>8} {'unit':<6} {'target':>7} {'ratio':>6}")
    for r in results:
        print(f"{r['name']!s:<42} {r['value']!s:>8} {r['unit']!s:<6} {r['target']!s:>7} {r['ratio']!s:>6}")


if __name__ == "__main__":
    main()
