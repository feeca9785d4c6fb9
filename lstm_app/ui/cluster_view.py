"""Where a training runs, under its live view: on the Ray cluster (with its free CPUs and GPUs),
when one is configured; nothing is said when trainings run on this server."""

from __future__ import annotations

import streamlit as st

from ..i18n import tr
from ..training.ray_runner import cluster_resources, ray_address
from .markdown import plain


@st.cache_data(ttl=5, show_spinner=False)
def _resources(address: str) -> dict:
    return cluster_resources(address)


def where_caption() -> None:
    address = ray_address()
    if address is None:
        return
    try:
        free = _resources(address)
    except ValueError as error:
        st.caption(plain(error))
        return
    st.caption(tr("Runs on the Ray cluster at {address}: {cpus:g} of {total:g} CPUs and "
                  "{gpus:g} of {gpu_total:g} GPUs free.", address=plain(address),
                  cpus=free["cpus"][0], total=free["cpus"][1], gpus=free["gpus"][0],
                  gpu_total=free["gpus"][1]))
