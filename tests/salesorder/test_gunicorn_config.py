"""gunicorn listens where BIND_ADDRESS and WEB_PORT say, and an address it cannot use stops it saying why."""
import pytest

from salesorder.gunicorn_config import listen_address


@pytest.mark.parametrize(("address", "expected"), [
    ("127.0.0.1", "127.0.0.1:8000"),
    ("0.0.0.0", "0.0.0.0:8000"),
    ("::1", "[::1]:8000"),
    ("[::]", "[::]:8000"),
    ("unix:/run/salesorder.sock", "unix:/run/salesorder.sock"),
])
def test_the_bind_value_for_each_kind_of_address(address: str, expected: str) -> None:
    assert listen_address(address, 8000) == expected


def test_a_host_name_is_refused_with_examples() -> None:
    with pytest.raises(SystemExit, match=r"BIND_ADDRESS='portal.example.com' is not an IP address: use e.g. 127.0.0.1"):
        listen_address("portal.example.com", 8000)


def test_the_configuration_reads_the_settings(settings) -> None:
    import salesorder.gunicorn_config as config

    assert config.bind == [f"127.0.0.1:{settings.WEB_PORT}"]  # the default: this machine only
    assert (config.workers, config.threads) == (settings.WEB_WORKERS, settings.WEB_THREADS)
