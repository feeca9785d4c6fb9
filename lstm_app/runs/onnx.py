"""A saved run exported to ONNX (export/onnx_export.py does the work): its kept weights checked
on its own data and, for whoever may change the run, the export kept in the run's folder too,
so that its bundle carries it (recording.save_result removes it when the weights change)."""

from __future__ import annotations

from ..export.manifest import FILES
from ..export.onnx_export import Exported, export_trained, manifest_bytes
from ..i18n import tr
from .reopening import load_run
from .store import RunStore


def export_run(store: RunStore, run_id: str, int8: bool = False, keep: bool = True) -> Exported:
    """The run's ONNX export (with ``int8``, its INT8 form too), kept in its folder with
    ``keep``; a ValueError in words when the run trains, cannot be opened or be exported."""
    run = store.get(run_id)
    if run is not None and run.status == "running":
        raise ValueError(tr("Run {id} is still training; export it once it has finished (or "
                            "stop it first).", id=run_id))
    task, trained, data = load_run(store, run_id)
    exported = export_trained(task.name, trained, data, int8, run_id)
    recommended = _recommended(store, run_id)
    if recommended is not None:  # what predict says: the LSTM's forecasts are not that one
        exported.manifest["recommended"] = recommended
        exported.files["export.json"] = manifest_bytes(exported.manifest)
    if keep:
        for name in FILES:
            (store.run_dir(run_id) / name).unlink(missing_ok=True)
        for name, content in exported.files.items():
            store.write_bytes(run_id, name, content)
    return exported


def _recommended(store: RunStore, run_id: str) -> dict | None:
    """The forecast a forecasting run recommended where it is not the LSTM's (its report's
    method and name), else None."""
    try:
        chosen = store.read_json(run_id, "report.json").get("recommended")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(chosen, dict) or not isinstance(chosen.get("method"), str) or not chosen[
            "method"]:
        return None
    return None if chosen["method"] == "lstm" else {"method": chosen["method"],
                                                    "name": str(chosen.get("name") or "")}
