"""File names from user text (downloads, bundles): after the data and the run, always safe."""

from lstm_app.filenames import bundle_name, download_name


def test_download_names_follow_the_data_and_the_run():
    assert download_name("airline_passengers.csv", "3f2a9c", "forecast", "csv") == (
        "airline_passengers-3f2a9c-forecast.csv")
    assert download_name("销售 2024.xlsx", None, "forecast", "csv") == "销售_2024-forecast.csv"


def test_a_hostile_name_keeps_only_safe_characters():
    assert download_name("../../etc/pa ss\"wd<x>.csv", "ab/../cd", "report", "json") == (
        "etc_pa_ss_wd_x-abcd-report.json")
    assert download_name("...", "", "samples", "txt") == "data-samples.txt"
    assert len(download_name("a" * 500 + ".csv", "f00d", "report", "json")) < 100


def test_a_bundle_is_named_after_its_run():
    assert bundle_name("airline v1.2", "3f2a9c") == "airline_v1_2-3f2a9c.zip"
    assert bundle_name('x"); import os; os.system("id") #', "ab12") == (
        "x_import_os_os_system_id-ab12.zip")


def test_a_download_made_from_a_run_keeps_its_whole_name():
    from lstm_app.filenames import run_file_name
    assert run_file_name("lr 0.003 run", "3f2a9c", "onnx", "zip") == "lr_0_003_run-3f2a9c-onnx.zip"
    assert run_file_name("model v1.2 final", "ab", "onnx", "zip") == "model_v1_2_final-ab-onnx.zip"


def test_a_forecast_download_is_named_after_the_method_picked_where_it_is_not_the_lstm():
    from lstm_app.filenames import forecast_what

    assert download_name("cafe.csv", "3f2a9c", forecast_what("lstm"), "csv") == \
        "cafe-3f2a9c-forecast.csv"
    assert download_name("cafe.csv", "3f2a9c", forecast_what("auto_ets"), "csv") == \
        "cafe-3f2a9c-auto-ets-forecast.csv"
    assert forecast_what("combination") == "combination-forecast"
