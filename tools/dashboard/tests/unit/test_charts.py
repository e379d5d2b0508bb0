from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iop_dashboard.domain.charts import HEIGHT, PLOT_BOTTOM, PLOT_TOP, WIDTH, attendance_rate_chart, bar_chart
from iop_dashboard.domain.model import WeekAttendance

VALUES = st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1000)), max_size=20)


@pytest.mark.unit
@given(values=VALUES, top=st.floats(min_value=0, max_value=1000))
def test_bars_stay_inside_the_plot_and_grow_with_their_value(values: list[float | None], top: float) -> None:
    chart = bar_chart("t", [(str(i), v, "") for i, v in enumerate(values)], top=top)
    assert len(chart.bars) == len(values)
    for bar, value in zip(chart.bars, values, strict=True):
        assert bar.x >= 0 and bar.x + bar.width <= WIDTH + 0.1
        assert PLOT_TOP - 0.1 <= bar.y <= PLOT_BOTTOM and bar.y + bar.height <= PLOT_BOTTOM + 0.1
        assert bar.height <= HEIGHT
        if value is None or top == 0:
            assert bar.height == 0
    heights = [(v, b.height) for v, b in zip(values, chart.bars, strict=True) if v is not None]
    for (v1, h1), (v2, h2) in pairwise(heights):
        if v1 < v2:
            assert h1 <= h2


@pytest.mark.unit
def test_attendance_rate_leaves_out_excused_and_marks_empty_weeks() -> None:
    weeks = [WeekAttendance(date(2026, 3, 2), 10, 6, 2), WeekAttendance(date(2026, 3, 9), 0, 0, 0)]
    chart = attendance_rate_chart(weeks)
    assert [b.value_text for b in chart.bars] == ["75%", "–"]
    assert chart.bars[1].height == 0
    assert chart.summary == "Mar 02: 75%; Mar 09: no sessions"
