"""The state-expanded graph: truck lifts between road and the other modes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from silkrail import read_network
from silkrail.graph import compile_graph
from silkrail.graph.compile import CLASS_NAMES, EDGE_TRANSFER
from silkrail.network.summary import summarize_network

if TYPE_CHECKING:
    from pathlib import Path

ROAD = CLASS_NAMES.index("road")
LIFTED = CLASS_NAMES.index("road (lifted)")


def test_truck_lifts_only_where_offered_and_road_meets_another_mode(toy_road_dir: Path) -> None:
    net = read_network(toy_road_dir)
    assert summarize_network(net).road_transfer_nodes == 3  # Alpha, Delta and Zeta
    g = compile_graph(net)
    lift = (g.edge_kind == EDGE_TRANSFER) & (
        (g.state_class[g.edge_tail] == ROAD) | (g.state_class[g.edge_head] == LIFTED)
    )
    # A container lifted onto a truck leaves by road: no lift back from the lifted state.
    assert not ((g.edge_kind == EDGE_TRANSFER) & (g.state_class[g.edge_tail] == LIFTED)).any()
    nodes = sorted({str(net.node_id[i]) for i in g.edge_node[lift]})
    # Zeta offers a lift but has no road; Door and Town have no rail to lift to.
    assert nodes == ["CN-ALPHA", "KZ-DELTA"]
    alpha = net.index_of("CN-ALPHA")
    at_alpha = lift & (g.edge_node == alpha)
    assert at_alpha.sum() == 2  # road -> rail 1435 and back
    assert np.all(g.time_mean[at_alpha] == 0.5)
    assert np.all(g.cost[at_alpha] == 100.0)
    assert np.all(g.transship[at_alpha] == 1)
    delta = lift & (g.edge_node == net.index_of("KZ-DELTA"))
    assert g.time_mean[delta].tolist() == pytest.approx([1.0, 1.0])


def test_no_lift_without_the_column(toy_dir: Path) -> None:
    net = read_network(toy_dir)
    assert not net.offers_road_transfer.any()
    assert summarize_network(net).road_transfer_nodes == 0
    g = compile_graph(net)
    assert not (g.state_class == ROAD).any()
