"""Deterministic randomness keyed by (seed, what, which), so any record can be rebuilt alone, on demand."""

import random
import zlib

_MASK = 0xFFFFFFFFFFFFFFFF


def _splitmix64(value: int) -> int:
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _topic_key(seed: int, topic: str) -> int:
    # crc32, not hash(): str hashes change with PYTHONHASHSEED, and the data must not.
    return _splitmix64(_splitmix64(seed & _MASK) ^ zlib.crc32(topic.encode()))


class FieldDraw:
    """Uniform draws for one field of many records, one hash each (about 0.5 µs, for 100,000-row indexes)."""

    def __init__(self, seed: int, topic: str, field: str) -> None:
        self._key = _topic_key(seed, f"{topic}/{field}")

    def fraction(self, entity_id: int) -> float:
        """A uniform draw in [0, 1) for this record."""
        return _splitmix64(self._key ^ entity_id) / 2**64

    def below(self, entity_id: int, bound: int) -> int:
        """A uniform integer in [0, bound) for this record."""
        return _splitmix64(self._key ^ entity_id) % bound


def record_random(seed: int, topic: str, entity_id: int) -> random.Random:
    """A Random for building the rest of one record (about 6 µs to create, so only for records being served)."""
    return random.Random(_splitmix64(_topic_key(seed, topic) ^ entity_id))
