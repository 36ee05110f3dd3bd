from festival_assets.common.progress import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_logged_at_most_every_ten_seconds_with_rate_failures_and_time_left() -> None:
    lines: list[str] = []
    clock = Clock()
    progress = Progress(lines.append, "people and movies", "looked up", 13_667, clock=clock)
    for second in range(1, 31):
        clock.now = float(second)
        for index in range(40):
            progress.advance(failed=second == 5 and index == 0)
    assert len(lines) == 3
    assert lines[0] == (
        "people and movies: 361 / 13,667 looked up, 36.1/s, 1 failed, about 6 min left"
    )
    assert lines[-1].startswith("people and movies: 1,161 / 13,667 looked up, 38.7/s, 1 failed")


def test_the_last_line_says_everything_was_done_without_time_left() -> None:
    lines: list[str] = []
    clock = Clock()
    progress = Progress(lines.append, "images", "downloaded", 2, clock=clock)
    clock.now = 1.0
    progress.advance()
    progress.advance(failed=True)
    progress.log()
    assert lines == ["images: 2 / 2 downloaded, 2.0/s, 1 failed"]


def test_a_total_that_grows_while_the_step_runs_gives_no_time_left() -> None:
    lines: list[str] = []
    clock = Clock()
    progress = Progress(lines.append, "images", "downloaded", 0, clock=clock)
    progress.add_to_total(20)
    for second in range(1, 31):
        clock.now = float(second)
        progress.advance()
        if second % 10 == 5:
            progress.add_to_total(20)
    assert lines == [
        "images: 10 / 40 downloaded, 1.0/s, 0 failed, the total may still grow",
        "images: 20 / 60 downloaded, 1.0/s, 0 failed, the total may still grow",
        "images: 30 / 80 downloaded, 1.0/s, 0 failed, the total may still grow",
    ]


def test_a_total_added_to_once_gives_no_time_left_either_and_the_last_line_none_at_all() -> None:
    lines: list[str] = []
    clock = Clock()
    progress = Progress(lines.append, "images", "downloaded", 5, clock=clock)
    progress.add_to_total(95)
    clock.now = 10.0
    progress.advance()
    for _ in range(99):
        progress.advance()
    progress.log()
    assert lines == [
        "images: 1 / 100 downloaded, 0.1/s, 0 failed, the total may still grow",
        "images: 100 / 100 downloaded, 10.0/s, 0 failed",
    ]
