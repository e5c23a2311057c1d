"""The benchmark's catalogue: Hanoi's reporting system has 171 indicators (issue 10), whose
list is not public; this is the seed catalogue (infra/seed/indicators.csv) completed to 171
with generated indicators of every kind the rules allow: counts that sum, amounts with a
scale, parts bounded by their total (at_most), parts that sum to a total (part_of), rates
averaged by a weight, disaggregated counts and text.

    python bench/catalogue.py > catalogue.csv
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "infra" / "seed" / "indicators.csv"
SIZE = 171
FIELDS = ("Kinh tế", "Văn hóa - Xã hội", "Đô thị - Môi trường", "Hành chính - Dân nguyện")
LOCAL = "ward;commune"


def _generated(n: int) -> list[dict[str, str]]:
    """`n` more indicators, in groups of five that refer to each other."""
    rows: list[dict[str, str]] = []
    group = 0
    while len(rows) < n:
        group += 1
        field = FIELDS[group % len(FIELDS)]
        total = f"BENCH_{group:03d}_TONG"
        base = {"field": field, "unit_kinds": LOCAL, "minimum": "0"}
        rows += [
            {**base, "code": total, "name": f"Tổng số đối tượng nhóm {group}",
             "unit_of_measure": "người", "value_type": "integer", "aggregation": "sum",
             "disaggregations": "sex" if group % 3 == 0 else ""},
            {**base, "code": f"BENCH_{group:03d}_A", "name": f"Đối tượng nhóm {group} loại A",
             "unit_of_measure": "người", "value_type": "integer", "aggregation": "sum",
             "part_of": total, "at_most": total},
            {**base, "code": f"BENCH_{group:03d}_B", "name": f"Đối tượng nhóm {group} loại B",
             "unit_of_measure": "người", "value_type": "integer", "aggregation": "sum",
             "part_of": total},
            {**base, "code": f"BENCH_{group:03d}_KP", "name": f"Kinh phí thực hiện nhóm {group}",
             "unit_of_measure": "tỷ đồng", "value_type": "decimal", "scale": "2",
             "aggregation": "sum"},
            {**base, "code": f"BENCH_{group:03d}_TL", "name": f"Tỷ lệ hoàn thành nhóm {group}",
             "unit_of_measure": "%", "value_type": "percent", "scale": "1",
             "aggregation": "weighted_average", "weight": total, "minimum": ""},
        ]  # fmt: skip
    rows = rows[:n]  # a group cut short keeps its total first, so what it names is there
    for row in rows:
        row.setdefault("definition", f"{row['name']} trong kỳ báo cáo (số liệu dùng để đo tải)")
    return rows


def catalogue_rows(size: int = SIZE) -> tuple[list[str], list[dict[str, str]]]:
    """The header and `size` rows: the seed's, then generated ones."""
    with SEED.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)[:size]
    return header, rows + _generated(size - len(rows))


def catalogue_csv(size: int = SIZE) -> bytes:
    """The catalogue of `size` indicators as a CSV file (UTF-8)."""
    header, rows = catalogue_rows(size)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


if __name__ == "__main__":
    sys.stdout.buffer.write(catalogue_csv(int(sys.argv[1]) if len(sys.argv) > 1 else SIZE))
