"""Who may see and change a run: one person without sign-in; owners and shares with it."""

import sqlite3

import pytest

from lstm_app.runs.access import can_change, can_open, identity, owns, visible
from lstm_app.runs.store import RunStore


def runs(tmp_path):
    store = RunStore(tmp_path / "home")
    ids = {name: store.create("forecast", name, {}, "a.csv", 9, "f00d", owner=owner)
           for name, owner in (("alices", "alice@example.test"), ("bobs", "bob@example.test"),
                               ("before sign-in", None))}
    return store, ids


def test_without_sign_in_every_run_is_the_one_users(tmp_path):
    store, ids = runs(tmp_path)
    assert all(can_open(r, None) and can_change(r, None) for r in store.list())


def test_with_sign_in_a_run_is_its_owners_until_shared(tmp_path):
    store, ids = runs(tmp_path)
    alice, bob = "alice@example.test", "bob@example.test"
    bobs = store.get(ids["bobs"])
    assert not can_open(bobs, alice) and not can_change(bobs, alice)
    assert {r.name for r in visible(store.list(), alice)} == {"alices", "before sign-in"}

    token = store.share_link(ids["bobs"])
    assert len(token) >= 22 and store.share_link(ids["bobs"]) == token  # made once
    bobs = store.get(ids["bobs"])
    assert can_open(bobs, alice, token) and not can_open(bobs, alice, token[:-1] + "x")
    for forged in ("é", token[:-1] + "é", "\ud800", token + "\x00"):  # refused, never a crash
        assert not can_open(bobs, alice, forged)
    assert not can_open(bobs, alice) and not can_change(bobs, alice)
    assert "bobs" in {r.name for r in visible(store.list(), alice, {ids["bobs"]: token})}
    store.unshare_link(ids["bobs"])
    assert not can_open(store.get(ids["bobs"]), alice, token)  # a withdrawn link opens nothing
    # … nor lists it any more in a session that opened it through the link before
    assert "bobs" not in {r.name for r in visible(store.list(), alice, {ids["bobs"]: token})}

    store.share(ids["bobs"], True)
    assert can_open(store.get(ids["bobs"]), alice)
    assert not can_change(store.get(ids["bobs"]), alice) and can_change(store.get(ids["bobs"]), bob)
    store.share(ids["bobs"], False)
    assert not can_open(store.get(ids["bobs"]), alice)


def test_a_store_made_before_sign_in_gains_its_columns(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    db = sqlite3.connect(home / "runs.sqlite3")
    db.execute("CREATE TABLE runs (id TEXT PRIMARY KEY, task TEXT NOT NULL, name TEXT NOT NULL, "
               "note TEXT NOT NULL DEFAULT '', data_name TEXT NOT NULL, data_rows INTEGER NOT "
               "NULL, data_hash TEXT NOT NULL, config TEXT NOT NULL, status TEXT NOT NULL, "
               "message TEXT NOT NULL DEFAULT '', created REAL NOT NULL, finished REAL, "
               "heartbeat REAL NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, best_epoch "
               "INTEGER, best_val_loss REAL, metrics TEXT NOT NULL DEFAULT '{}', seconds REAL, "
               "parent TEXT)")
    db.execute("INSERT INTO runs (id, task, name, data_name, data_rows, data_hash, config, "
               "status, created, heartbeat, pid, host) VALUES ('0123456789ab', 'forecast', "
               "'old', 'a.csv', 9, 'f00d', '{}', 'finished', 1, 1, 1, 'h')")
    db.commit()
    db.close()
    run = RunStore(home).get("0123456789ab")
    assert (run.name, run.owner, run.shared, run.share_token) == ("old", None, False, None)


@pytest.mark.parametrize("claims, person", [
    ({"email": " Alice@Example.TEST ", "sub": "1"}, "alice@example.test"),
    ({"email": "alice@example.test", "email_verified": True}, "alice@example.test"),
    # A letter is folded where that can be undone: the Kelvin sign K and the Angstrom sign are
    # not k and å (someone else's address), while Å is å.
    ({"email": "\u212aate@example.test", "sub": "7"}, "\u212aate@example.test"),
    ({"email": "\u212bsa@example.test"}, "\u212bsa@example.test"),
    ({"email": "\u00c5SA@Example.test"}, "\u00e5sa@example.test"),
    # An address the provider marks unverified, or that is no address, is not taken: the subject.
    ({"email": "kate@example.test", "email_verified": False, "sub": "m"}, "sub:m"),
    ({"email": "kate@example.test", "email_verified": "false", "sub": "m"}, "sub:m"),
    ({"email": "kate@example.test", "email_verified": 0, "sub": "m"}, "sub:m"),
    ({"email": "SUB:abc123", "sub": "m"}, "sub:m"),
    ({"email": "sub:abc@example.test", "sub": "m"}, "sub:m"),
    ({"email": "kate", "sub": "m"}, "sub:m"),
    ({"email": "a@b@example.test", "sub": "m"}, "sub:m"),
    ({"email": "kate @example.test", "sub": "m"}, "sub:m"),
    ({"email": ["kate@example.test"], "sub": "m"}, "sub:m"),
    ({"sub": "alice@example.test"}, "sub:alice@example.test"),
    ({"email": "", "sub": ""}, None),
    ({}, None),
])
def test_who_a_signed_in_person_is_read_from_their_claims(claims, person):
    assert identity(claims) == person


def test_an_owner_is_matched_in_any_case_but_never_by_a_look_alike_sign(tmp_path):
    store = RunStore(tmp_path / "home")
    kates = store.get(store.create("forecast", "k", {}, "a.csv", 9, "f00d",
                                   owner="kate@example.test"))
    kelvins = store.get(store.create("forecast", "K", {}, "a.csv", 9, "f00d",
                                     owner="\u212aate@example.test"))
    assert owns(kates, identity({"email": "KATE@example.test"}))
    assert not owns(kates, identity({"email": "\u212aate@example.test"}))
    assert not owns(kelvins, identity({"email": "kate@example.test"}))
    # an owner an earlier version stored lower-cased whole is still theirs
    asas = store.get(store.create("forecast", "a", {}, "a.csv", 9, "f00d",
                                  owner="\u00e5sa@example.test"))
    assert owns(asas, identity({"email": "\u00c5SA@example.test"}))
