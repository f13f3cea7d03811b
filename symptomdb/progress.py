"""A progress bar for long management commands: redrawn in place on a terminal, a line per
tenth otherwise (logs, CI)."""


class ProgressBar:
    WIDTH = 30

    def __init__(self, stream, total, label):
        self.stream, self.total, self.label = stream, max(total, 1), label
        self.terminal = hasattr(stream, "isatty") and stream.isatty()
        self.shown_tenth = -1

    def update(self, done):
        filled = self.WIDTH * done // self.total
        bar = f"{self.label:<9} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{self.total}"
        if self.terminal:
            self.stream.write(f"\r{bar}" + ("\n" if done >= self.total else ""))
            self.stream.flush()
            return
        tenth = 10 * done // self.total
        if tenth != self.shown_tenth:
            self.shown_tenth = tenth
            self.stream.write(bar + "\n")
