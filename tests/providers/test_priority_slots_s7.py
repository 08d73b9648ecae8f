"""PrioritySlots: a semaphore whose freed slots go to the waiter of highest priority."""

from __future__ import annotations

import asyncio

import pytest

from llm_doc_manager.providers.asking import PrioritySlots


async def _hold(slots: PrioritySlots, name: str, rank: list[int], log: list[str],
                release: asyncio.Event) -> None:
    async with slots.slot(lambda: rank[0]):
        log.append(name)
        await release.wait()


def test_freed_slots_go_to_the_highest_priority_then_in_arrival_order() -> None:
    async def main() -> list[str]:
        slots, log, release = PrioritySlots(1), [], asyncio.Event()
        tasks = [asyncio.create_task(_hold(slots, name, [rank], log, release))
                 for name, rank in (("first", 0), ("low", 1), ("high", 5), ("low2", 1),
                                    ("high2", 5))]
        await asyncio.sleep(0)  # every task waits now; "first" holds the slot
        release.set()
        await asyncio.gather(*tasks)
        return log

    assert asyncio.run(main()) == ["first", "high", "high2", "low", "low2"]


def test_reorder_asks_the_waiters_priorities_again() -> None:
    async def main() -> list[str]:
        slots, log, release = PrioritySlots(1), [], asyncio.Event()
        ranks = {name: [1] for name in ("first", "a", "b", "c")}
        tasks = [asyncio.create_task(_hold(slots, name, ranks[name], log, release))
                 for name in ranks]
        await asyncio.sleep(0)
        ranks["c"][0] = 9  # learnt while they wait (a run's chains, once all is planned)
        slots.reorder()
        release.set()
        await asyncio.gather(*tasks)
        return log

    assert asyncio.run(main()) == ["first", "c", "a", "b"]


def test_a_cancelled_waiter_loses_no_slot() -> None:
    async def main() -> int:
        slots, log, release = PrioritySlots(2), [], asyncio.Event()
        holders = [asyncio.create_task(_hold(slots, f"h{n}", [0], log, release))
                   for n in range(2)]
        await asyncio.sleep(0)
        waiter = asyncio.create_task(_hold(slots, "gone", [3], log, release))
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        release.set()
        await asyncio.gather(*holders)
        # Both slots are free again: two more hold at once without waiting.
        both = asyncio.Event()
        inside = 0

        async def enter() -> None:
            nonlocal inside
            async with slots.slot():
                inside += 1
                if inside == 2:
                    both.set()
                await both.wait()

        await asyncio.wait_for(asyncio.gather(enter(), enter()), timeout=30)
        return inside

    assert asyncio.run(main()) == 2


def test_a_waiter_cancelled_after_being_handed_a_slot_gives_it_back() -> None:
    async def main() -> list[str]:
        slots, log, release = PrioritySlots(1), [], asyncio.Event()
        release.set()
        async with slots.slot():
            handed = asyncio.create_task(_hold(slots, "handed", [5], log, release))
            after = asyncio.create_task(_hold(slots, "after", [1], log, release))
            await asyncio.sleep(0)  # both wait
        # Leaving the block handed the slot to "handed" (its future set, the task not yet
        # resumed); cancelled now, it must pass the slot on to "after".
        handed.cancel()
        with pytest.raises(asyncio.CancelledError):
            await handed
        await asyncio.wait_for(after, timeout=30)
        return log

    assert asyncio.run(main()) == ["after"]
