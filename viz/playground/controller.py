"""Controller: play, pause, step and reset a Playground, training in a background thread; no widgets needed."""

from __future__ import annotations

import threading
from collections.abc import Callable

import nn

from .config import Config
from .picture import Picture
from .session import Playground


class Controller:
    """The playground's live loop: each epoch trains, redraws the one Picture in place and sends its PNG to on_frame.

    ``on_frame(png_bytes)`` and ``on_status(text)`` are called from the training thread while playing. One lock
    keeps the buttons (step, reset, a new setting) from touching the network in the middle of an epoch.
    """

    def __init__(self, config: Config | None = None, *, on_frame: Callable[[bytes], object],
                 on_status: Callable[[str], object] = lambda text: None, picture: Picture | None = None,
                 show_test: bool = False) -> None:
        if not callable(on_frame) or not callable(on_status):
            raise TypeError("Controller: on_frame and on_status must be callables")
        self.playground = Playground(config)
        self.picture = picture if picture is not None else Picture()
        self.on_frame, self.on_status = on_frame, on_status
        self.show_test = bool(show_test)
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._draw()

    @property
    def playing(self) -> bool:
        """True while the training thread runs."""
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def play(self) -> None:
        """Train epoch after epoch in a background thread until pause() (a no-op if already playing)."""
        if self.playing:
            return
        self.pause()   # a thread that is still finishing its last epoch ends first
        self._stop.clear()
        self.on_status("playing")   # before the thread starts, so a first epoch that fails has the last word
        self._thread = threading.Thread(target=self._loop, name="playground", daemon=True)
        self._thread.start()

    def pause(self) -> None:
        """Stop after the epoch being trained; returns once the thread has ended."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._thread = None

    def step(self) -> None:
        """Pause, then train exactly one epoch and redraw."""
        self.pause()
        if self._advance():
            self.on_status(f"paused at epoch {self.playground.epoch}")

    def reset(self) -> None:
        """Back to epoch 0 with the same setting (keeps playing if it was playing)."""
        with self._lock:
            self.playground.reset()
            self._draw()
        if not self.playing:
            self.on_status("reset: epoch 0")

    def apply(self, **settings) -> bool:
        """Change settings (Config field names); a bad entry reports why on on_status and changes nothing."""
        try:
            config = self.playground.config.replace(**settings)
        except ValueError as error:
            self.on_status(str(error))
            return False
        with self._lock:
            restarted = self.playground.configure(config)
            self._draw()
        self.on_status("new setting: back to epoch 0" if restarted else f"from epoch {self.playground.epoch + 1} on: "
                       + ", ".join(f"{k} = {v}" for k, v in settings.items()))
        return True

    def set_show_test(self, show: bool) -> None:
        """Show or hide the test points."""
        with self._lock:
            self.show_test = bool(show)
            self._draw()

    def _loop(self) -> None:
        while not self._stop.is_set() and self._advance():
            pass

    def _advance(self) -> bool:
        with self._lock:
            try:
                self.playground.step()
            except nn.DivergedError:
                self._stop.set()
                self.on_status(f"diverged at epoch {self.playground.epoch + 1} (the loss became infinite): paused; "
                               "lower the learning rate and press reset")
                return False
            except Exception as error:   # in the training thread: say it, rather than die silently
                self._stop.set()
                self.on_status(f"stopped: {type(error).__name__}: {error}")
                return False
            self._draw()
        return True

    def _draw(self) -> None:
        self.picture.show(self.playground, show_test=self.show_test)
        self.on_frame(self.picture.render())
