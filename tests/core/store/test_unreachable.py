"""A database that cannot be reached gives one exception type, a plain message without the password, in seconds."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from core.store import Store, StoreUnavailable
from tests.core.store.postgres_cluster import free_port

SECRET = "s3cret-Pa55"
FEW_SECONDS = 5.0


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word (a hung server, a firewall that swallows)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield int(listener.getsockname()[1])


def _refusal(url: str, connect_timeout: float = 2.0) -> tuple[str, float]:
    start = time.perf_counter()
    with pytest.raises(StoreUnavailable) as refused:
        Store.open(url, connect_timeout=connect_timeout)
    return str(refused.value), time.perf_counter() - start


def _plain(message: str) -> None:
    assert SECRET not in message and "Traceback" not in message and "[SQL" not in message
    assert message.startswith("The database") and "\n" not in message


def test_a_closed_port_is_reported_at_once():
    message, seconds = _refusal(f"postgresql+psycopg://radar:{SECRET}@127.0.0.1:{free_port()}/radar")
    _plain(message)
    assert "nothing answers at 127.0.0.1 port" in message and seconds < FEW_SECONDS


def test_a_server_that_never_answers_is_given_up_on_after_the_timeout(silent_port):
    message, seconds = _refusal(f"postgresql+psycopg://radar:{SECRET}@127.0.0.1:{silent_port}/radar", 2.0)
    _plain(message)
    assert "did not answer in time" in message and 1.5 < seconds < FEW_SECONDS


def test_an_unknown_host_is_named():
    message, seconds = _refusal(f"postgresql://radar:{SECRET}@no-such-host.invalid:5432/radar")
    _plain(message)
    assert "the host name no-such-host.invalid is not known" in message and seconds < FEW_SECONDS


def test_a_wrong_password_is_said_without_the_password(postgres_cluster):
    message, seconds = _refusal(postgres_cluster.url("postgres", password=SECRET))
    _plain(message)
    assert "refused the user name or password" in message and seconds < FEW_SECONDS
    assert postgres_cluster.password not in message


def test_a_missing_database_is_named(postgres_cluster):
    message, _ = _refusal(postgres_cluster.url("no_such_database"))
    assert 'database "no_such_database" does not exist' in message
    assert postgres_cluster.password not in message


def test_a_sqlite_file_under_a_file_is_refused(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file, where the folder should be")
    message, seconds = _refusal(f"sqlite:///{blocker}/store.sqlite3")
    _plain(message)
    assert f"{blocker} is a file, not a folder" in message and seconds < FEW_SECONDS


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are not the tables you are looking for" * 100)
    message, _ = _refusal(f"sqlite:///{path}")
    _plain(message)
    assert "is not a SQLite database file" in message
    assert path.read_bytes().startswith(b"these are not")  # left as it was


@pytest.mark.parametrize(
    "url,fragment",
    [("not a database address", "address is not valid"), (f"mysql://radar:{SECRET}@db/radar", "does not support")],
)
def test_an_address_the_app_cannot_use_is_explained(url, fragment):
    message, _ = _refusal(url)
    _plain(message)
    assert fragment in message


def test_a_database_that_goes_away_after_opening_gives_the_same_exception(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    try:
        store.database.engine.dispose()
        (tmp_path / "store.sqlite3").unlink()
        tmp_path.rename(tmp_path.with_name(tmp_path.name + "-moved"))
        with pytest.raises(StoreUnavailable, match="cannot be opened or created"):
            store.users.all()
    finally:
        store.close()


def test_a_read_only_database_file_is_refused_when_opened_not_at_the_first_upload(tmp_path):
    path = tmp_path / "store.sqlite3"
    Store.open(f"sqlite:///{path}").close()
    message, _ = _refusal(f"sqlite:///file:{path}?mode=ro&uri=true")  # as root, file permissions would not stop us
    _plain(message)
    assert f"the file {path} is read-only" in message
