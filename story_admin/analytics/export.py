"""The figures of the Players view as one CSV file: a section per table, each with its own header row."""

import csv
import io

from .figures import StoryAnalytics


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}"


def analytics_csv(analytics: StoryAnalytics) -> str:
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(["Figure", "Value"])
    rows.writerow(["Story", analytics.scenario.title])
    rows.writerow(["From", analytics.since.isoformat() if analytics.since else ""])
    rows.writerow(["Until", analytics.until.isoformat() if analytics.until else ""])
    rows.writerow(["Players who started", analytics.started])
    rows.writerow(["Players who finished", analytics.finished])
    rows.writerow(["Completion rate (%)", _percent(analytics.completion_rate)])
    rows.writerow(
        [
            "Median seconds to an ending",
            "" if analytics.median_seconds_to_ending is None else f"{analytics.median_seconds_to_ending:g}",
        ]
    )
    rows.writerow(
        [
            "Median scenes visited",
            "" if analytics.median_scenes_visited is None else f"{analytics.median_scenes_visited:g}",
        ]
    )
    rows.writerow([])
    rows.writerow(["Ending", "Scene id", "Players", "Share of finished (%)"])
    for ending in analytics.endings:
        rows.writerow([ending.scene.title, str(ending.scene.pk), ending.count, _percent(ending.share)])
    rows.writerow([])
    rows.writerow(
        [f"Stopped at (no move for {analytics.drop_off_days} days)", "Scene id", "Players", "Share of started (%)"]
    )
    for row in analytics.drop_off:
        rows.writerow([row.scene.title, str(row.scene.pk), row.count, _percent(row.share)])
    rows.writerow([])
    rows.writerow(["Scene", "Choice", "Choice id", "Saw it", "Took it", "Share (%)"])
    for row in analytics.choices:
        rows.writerow(
            [
                row.choice.from_scene.title,
                row.choice.text,
                str(row.choice.pk),
                row.shown,
                row.taken,
                _percent(row.share),
            ]
        )
    return out.getvalue()
