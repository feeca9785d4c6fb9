"""The graphs inside an ONNX graph's nodes (a Loop's body, an If's branches): the one place the
export's rewrites look for them, since a graph inside a node may read the outer graph's tensors
by name."""

from __future__ import annotations


def inner_graphs(node) -> list:
    """The graphs held by ``node``'s attributes."""
    return [graph for attribute in node.attribute
            for graph in (*([attribute.g] if attribute.HasField("g") else []),
                          *attribute.graphs)]


def has_inner_graphs(graph) -> bool:
    """Whether any node of ``graph`` holds a graph."""
    return any(inner_graphs(node) for node in graph.node)
