"""core.heap.settle: the start-up heap leaves the collector's sight, and young objects are collected later."""

from __future__ import annotations

import gc

from bailiff.core import heap


def test_settle_freezes_the_start_up_heap_and_raises_the_thresholds() -> None:
    before = gc.get_threshold()
    start_up = [[n] for n in range(1000)]  # containers alive at start-up, as imports leave them
    try:
        heap.settle()
        assert gc.get_threshold() == heap.GC_THRESHOLDS
        assert gc.get_freeze_count() >= len(start_up)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
