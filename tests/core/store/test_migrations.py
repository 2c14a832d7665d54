"""core.store.migrate: built from empty by the migrations, older databases migrated forward, failures undone."""

from __future__ import annotations

import multiprocessing
import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.store import MigrationFailed, Store, schema
from core.store.database import Database
from core.store.migrate import VERSIONS_DIR, alembic_config, current_revision, head_revision, upgrade
from tests.core.store import samples

TABLES = {
    *("uploads", "scores", "settings", "outreach", "users", "history_columns", "week_inputs", "alembic_version"),
    *("holdout_draws", "held_out", "guess_failures", "guess_lockouts"),
    "api_keys",
    "api_replies",
    "alembic_version",
}


def test_the_migrations_form_one_line_from_the_first_to_the_head():
    script = ScriptDirectory.from_config(alembic_config())
    chain = [r.revision for r in script.walk_revisions()]  # head first
    assert chain[-1] == "0001" and chain[0] == head_revision() and len(chain) >= 2
    assert len(script.get_heads()) == 1
    files = sorted(p.name for p in VERSIONS_DIR.glob("*.py"))
    assert [name[:4] for name in files] == sorted(chain)


def test_a_new_database_is_built_by_every_migration_and_matches_the_tables_the_code_uses(store):
    assert store.revision == head_revision()
    with store.database.reading() as connection:
        assert set(sa.inspect(connection).get_table_names()) == TABLES
        versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
        differences = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    assert versions == [head_revision()]
    assert differences == []


def test_opening_an_up_to_date_database_again_changes_nothing(database_url):
    with Store.open(database_url) as first:
        first.users.add("ana", "manager", "hash")
    with Store.open(database_url) as again:
        assert again.revision == head_revision() and [u.name for u in again.users.all()] == ["ana"]


def test_the_code_never_creates_tables_behind_the_migrations():
    store_code = Path(schema.__file__).parent
    offenders = [p.name for p in store_code.rglob("*.py") if "create_all(" in p.read_text()]
    assert offenders == []


# Revision 0001's tables, written as the app of that time wrote them (uploads had no as_of yet).
_OLD_UPLOADS = sa.table(
    "uploads", *(sa.column(c.name, c.type) for c in schema.uploads.c if c.name not in ("as_of", "trial", "week_day"))
)


def test_an_older_database_is_migrated_forward_and_keeps_its_data(database_url):
    old = Database.open(database_url)
    try:
        assert upgrade(old, "0001") == "0001"
        scores = samples.scores(300, seed=4)
        with old.writing() as connection:
            values = samples.upload(0).__dict__ | {"patients_scored": len(scores)}
            values.pop("as_of")
            values.pop("trial")
            upload_id = connection.execute(sa.insert(_OLD_UPLOADS).values(values).returning(sa.column("id"))).scalar()
            rows = scores.assign(upload_id=upload_id).astype({"days_in_trial": int}).to_dict("records")
            connection.execute(sa.insert(schema.scores), rows)
            connection.execute(
                sa.insert(schema.outreach),
                [
                    {
                        "patient_id": "P-000001",
                        "site_id": "Site A",
                        "contact_date": date(2026, 11, 3),
                        "action": "Phone call",
                        "contacted_by": "ana",
                        "outcome": "reached",
                        "note": "ok",
                        "recorded_at": samples.MONDAY,
                    }
                ],
            )
        with old.reading() as connection:
            assert "as_of" not in {c["name"] for c in sa.inspect(connection).get_columns("uploads")}
    finally:
        old.close()

    with Store.open(database_url) as store:
        assert store.revision == head_revision()
        kept = store.uploads.get(upload_id)
        assert kept is not None and kept.as_of is None and kept.source_file == "week0.csv"
        assert kept.scored_at == samples.MONDAY and kept.patients_scored == 300
        assert kept.trial is None and kept.week_day == samples.MONDAY.date()  # 0005: the day it was scored
        back = store.uploads.scores(upload_id).sort_values("patient_id", ignore_index=True)
        pd.testing.assert_series_equal(back["probability"], scores["probability"], check_names=False)
        assert store.outreach.of_patient("P-000001")["note"].tolist() == ["ok"]
        with store.database.reading() as connection:
            indexes = {i["name"] for i in sa.inspect(connection).get_indexes("outreach")}
        assert "ix_outreach_contact_date" in indexes
        later = store.uploads.record(samples.upload(1, as_of=date(2026, 10, 1)), scores.head(5))
        assert store.uploads.get(later.id).as_of == date(2026, 10, 1)


# Revisions 0002 to 0004's uploads table (no trial or week day yet).
_UPLOADS_0004 = sa.table(
    "uploads", *(sa.column(c.name, c.type) for c in schema.uploads.c if c.name not in ("trial", "week_day"))
)
# Revision 0003's scores table, written as the app of that time wrote it (no outcome yet).
_OLD_SCORES = sa.table("scores", *(sa.column(c.name, c.type) for c in schema.scores.c if c.name != "dropped_out"))


def test_a_database_at_0003_gains_the_outcome_column_and_keeps_its_scores(database_url):
    old = Database.open(database_url)
    try:
        assert upgrade(old, "0003") == "0003"
        scores = samples.scores(400, seed=7)
        with old.writing() as connection:
            values = samples.upload(0, as_of=date(2026, 10, 30)).__dict__ | {"patients_scored": len(scores)}
            values.pop("trial")
            upload_id = connection.execute(sa.insert(_UPLOADS_0004).values(values).returning(sa.column("id"))).scalar()
            rows = scores.assign(upload_id=upload_id).astype({"days_in_trial": int}).to_dict("records")
            connection.execute(sa.insert(_OLD_SCORES), rows)
        with old.reading() as connection:
            assert "dropped_out" not in {c["name"] for c in sa.inspect(connection).get_columns("scores")}
    finally:
        old.close()

    with Store.open(database_url) as store:
        assert store.revision == head_revision()
        back = store.uploads.scores(upload_id).sort_values("patient_id", ignore_index=True)
        assert len(back) == 400 and back["dropped_out"].isna().all()  # scores stored before 0004: outcome unknown
        pd.testing.assert_series_equal(back["probability"], scores["probability"], check_names=False)
        assert back["flagged"].tolist() == scores["flagged"].tolist()
        assert store.uploads.get(upload_id).as_of == date(2026, 10, 30)
        assert store.uploads.get(upload_id).week_day == date(2026, 10, 30)  # 0005: a history's as-of day
        with store.database.reading() as connection:
            indexes = {i["name"] for i in sa.inspect(connection).get_indexes("scores")}
            differences = compare_metadata(MigrationContext.configure(connection), schema.metadata)
        assert "ix_scores_patient_id" in indexes and differences == []
        later = store.uploads.record(samples.upload(1), scores.head(3).assign(dropout=[1, 0, None]))
        assert store.uploads.scores(later.id).sort_values("patient_id")["dropped_out"].tolist() == [True, False, pd.NA]
        store.uploads.record(samples.upload(2), scores.head(1))
        with store.database.writing() as connection:  # a score may still be deleted with its upload
            connection.execute(sa.delete(schema.uploads).where(schema.uploads.c.id == upload_id))
        assert store.uploads.scores(upload_id).empty and len(store.uploads.scores(later.id)) == 3


BROKEN_STEP = '''
"""A step that changes the schema and then fails."""

import sqlalchemy as sa
from alembic import op

revision = "0900"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("scores") as batch:
        batch.add_column(sa.Column("half_done", sa.Integer, nullable=True))
    op.execute("UPDATE uploads SET rows_read = -1")
    op.execute("INSERT INTO no_such_table VALUES (1)")


def downgrade():
    pass
'''


def test_a_failed_migration_stops_with_a_clear_message_and_loses_nothing(store, tmp_path):
    upload = store.uploads.record(samples.upload(0), samples.scores(50))
    (tmp_path / "0900_broken.py").write_text(textwrap.dedent(BROKEN_STEP).format(head=head_revision()))

    with pytest.raises(MigrationFailed) as failure:
        upgrade(store.database, extra_versions=[tmp_path])

    message = str(failure.value)
    assert "0900" in message and "A step that changes the schema and then fails" in message
    assert "no_such_table" in message and "Nothing was lost" in message
    assert f"revision {head_revision()}" in message and "Traceback" not in message
    assert current_revision(store.database) == head_revision()
    with store.database.reading() as connection:
        assert "half_done" not in {c["name"] for c in sa.inspect(connection).get_columns("scores")}
    assert store.uploads.get(upload.id).rows_read == 100
    assert len(store.uploads.scores(upload.id)) == 50


def test_a_database_from_a_newer_app_is_left_alone(database_url):
    with Store.open(database_url) as store:
        store.users.add("ana", "manager", "hash")
        with store.database.writing() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(MigrationFailed, match=r"newer version of the app \(revision 9999\).*Nothing was changed"):
        Store.open(database_url)
    database = Database.open(database_url)
    try:
        assert current_revision(database) == "9999"
        with database.reading() as connection:
            assert connection.exec_driver_sql("SELECT name FROM users").scalars().all() == ["ana"]
    finally:
        database.close()


def _open_and_report(url: str, results) -> None:
    try:
        with Store.open(url) as store:
            results.put(store.revision)
    except Exception as error:  # reported to the test, which fails with it
        results.put(f"{type(error).__name__}: {error}")


def test_app_processes_starting_together_build_a_new_database_once(database_url):
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=_open_and_report, args=(database_url, results)) for _ in range(4)]
    for process in processes:
        process.start()
    reports = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert reports == [head_revision()] * 4
