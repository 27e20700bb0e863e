"""A clock for the tests: time passes only when the code waits, and each wait is recorded, never slept.

``clock = FakeClock.install(monkeypatch, http_session)`` puts one in the module's place;
``clock.waits`` is then the waits it was asked for, in seconds.
"""

WALL_CLOCK_START = 1_700_000_000.0  # what time.time() reads when the test starts (2023-11-14T22:13:20Z)


class FakeClock:
    def __init__(self):
        self.elapsed = 0.0
        self.waits = []

    @classmethod
    def install(cls, monkeypatch, module):
        """A fake clock in place of ``module``'s monotonic, sleep and time."""
        clock = cls()
        monkeypatch.setattr(module, "monotonic", clock.monotonic)
        monkeypatch.setattr(module, "sleep", clock.sleep)
        monkeypatch.setattr(module, "time", clock.time)
        return clock

    def monotonic(self):
        return 100.0 + self.elapsed

    def time(self):
        return WALL_CLOCK_START + self.elapsed

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.elapsed += seconds
