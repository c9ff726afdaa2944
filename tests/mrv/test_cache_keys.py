"""Cache keys of several spans at once are the keys of each span alone, and move with the building's data."""

import pandas as pd
import pytest

from buildings.services import building_data_changed
from mrv.cache_keys import mrv_cache_key, mrv_cache_keys
from tests.metering.helpers import make_building

pytestmark = pytest.mark.django_db


def test_keys_read_together_are_the_keys_read_alone(owner):
    building = make_building(owner)
    april, may = pd.Period("2024-04", freq="M"), pd.Period("2024-05", freq="M")
    together = mrv_cache_keys(building=building, spans=[(april, april), (april, may)], kind="anomalies")
    alone = [
        mrv_cache_key(building=building, first=april, last=april, kind="anomalies"),
        mrv_cache_key(building=building, first=april, last=may, kind="anomalies"),
    ]
    assert together == alone and len(set(together)) == 2
    building_data_changed(building)
    assert mrv_cache_keys(building=building, spans=[(april, april)], kind="anomalies")[0] != together[0]
