"""A saved run exported to ONNX (export/onnx_export.py does the work): its kept weights checked
on its own data, and the export kept in the run's folder too, so that its bundle carries it."""

from __future__ import annotations

from ..export.manifest import FILES
from ..export.onnx_export import Exported, export_trained
from .recording import load_run
from .store import RunStore


def export_run(store: RunStore, run_id: str, int8: bool = False) -> Exported:
    """The run's ONNX export (with ``int8``, its INT8 form too); a ValueError in words when the
    run cannot be opened or exported."""
    task, trained, data = load_run(store, run_id)
    exported = export_trained(task.name, trained, data, int8, run_id)
    for name in FILES:
        if name in exported.files:
            store.write_bytes(run_id, name, exported.files[name])
        else:  # an INT8 model of an earlier export
            (store.run_dir(run_id) / name).unlink(missing_ok=True)
    return exported
