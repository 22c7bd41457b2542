"""keys.py: one integer per fact key, the same partition for the loader's duplicate check and the store."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from keys import combine_codes, key_codes
from model import KEY_COLUMNS


def random_facts(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.to_datetime(["2020-06-01", "2020-07-01", "2020-08-01"])
    start = months[rng.integers(0, 3, n)]
    return pd.DataFrame({
        "period_start": start.astype("datetime64[ns]"),
        "period_end": (start + pd.offsets.MonthEnd(0)).astype("datetime64[ns]"),
        "city": rng.choice(["南京市", "苏州市", ""], n).astype(object),
        "county": rng.choice(["", "高淳区"], n).astype(object),
        "unit": rng.choice(["", "一队"], n).astype(object),
        "campaign": rng.choice(["flood_power", "light_up"], n).astype(object),
        "metric": rng.choice(["teams", "staff_deployed"], n).astype(object),
        "value": rng.integers(0, 9, n).astype(float),
    })


def same_partition(codes: np.ndarray, frame: pd.DataFrame) -> bool:
    """Equal codes exactly where the key columns are equal."""
    plain = frame[KEY_COLUMNS].astype(str).agg("|".join, axis=1)
    return pd.factorize(codes)[0].tolist() == pd.factorize(plain)[0].tolist()


@pytest.mark.parametrize("seed", range(5))
def test_key_codes_tell_keys_apart_exactly(seed):
    facts = random_facts(seed)
    assert same_partition(key_codes(facts), facts)


@pytest.mark.parametrize("seed", range(3))
def test_categorical_and_stacked_frames_give_the_same_partition(seed):
    facts = random_facts(seed)
    half = len(facts) // 2
    as_categories = facts.astype({c: "category" for c in ("city", "county", "unit", "campaign", "metric")})
    stacked = key_codes(as_categories.iloc[:half], facts.iloc[half:])
    assert same_partition(stacked, facts)


def test_known_codes_stand_for_their_columns():
    facts = random_facts(7)
    metric = pd.factorize(facts["metric"])[0]
    region = combine_codes([pd.factorize(facts[c])[0] for c in ("city", "county")])
    codes = key_codes(facts, known={"metric": metric, ("city", "county"): region})
    assert same_partition(codes, facts)


def test_combine_codes_never_overflows():
    rng = np.random.default_rng(1)
    parts = [rng.integers(-1, 2**20, 1000) for _ in range(6)]  # 2**120 combinations: renumbered on the way
    combined = combine_codes(parts)
    rows = pd.Series(list(zip(*parts)))
    assert pd.factorize(combined)[0].tolist() == pd.factorize(rows)[0].tolist()


def test_the_loader_and_the_store_use_the_same_function():
    import loaders.validate
    import store.payload

    assert store.payload.key_codes is key_codes and loaders.validate.key_codes is key_codes
