"""Issue 14: "test the whole suite's store tests against an encrypted store as well".

With ``$REPLAYDESK_PASSPHRASE`` set, every store a test creates is created encrypted
(store/cipher.py ``key_for``), so the store tests run again in a subprocess with it set.
Why also look at the files they left: a passing run alone would not show that the stores
really were encrypted (a regression that ignored the variable would pass every test on
plain files). The inner run gets its own ``--basetemp``; afterwards every SQLite store in
it must be an SQLCipher one and none may carry the plain "SQLite format 3" header.

tests/store/test_encrypted_store.py is left out of the inner run: it tests encryption
itself, creates plain stores on purpose (its fixture unsets the variable) and runs in the
ordinary suite anyway. The inner run leaves this file out too, and ``ENV_INNER`` makes
sure it could not recurse if it were collected.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from replaydesk.store.cipher import ENV_PASSPHRASE, HEADER, is_encrypted

REPO = Path(__file__).resolve().parents[2]
ENV_INNER = "REPLAYDESK_ENCRYPTED_SUITE"
#: at least this many store files: the suite makes ~40; fewer means the run did not happen
MIN_STORES = 20
#: the store tests outside test_encrypted_store.py (86 on 2026-12-04); fewer: collection broke
MIN_TESTS = 60



def _plain_and_encrypted(root: Path) -> tuple[list[Path], list[Path]]:
    """Files under ``root`` that start with the plain SQLite header (whatever their name),
    and main store files (``*.db``, not their -wal/-shm) that are SQLCipher stores."""
    plain, encrypted = [], []
    for p in root.rglob("*"):
        if not p.is_file():
            continue
        with open(p, "rb") as f:
            if f.read(16) == HEADER:
                plain.append(p)
            elif p.suffix in (".db", ".sqlite", ".sqlite3") and is_encrypted(p):
                encrypted.append(p)
    return plain, encrypted


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get(ENV_INNER)), reason="the encrypted run itself (no recursion)")
def test_store_tests_pass_on_encrypted_stores(tmp_path):
    base = tmp_path / "inner"
    env = dict(os.environ, **{ENV_PASSPHRASE: "suite passphrase", ENV_INNER: "1"})
    env.pop("PYTEST_ADDOPTS", None)
    t0 = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/store", "-q", "-p", "no:cacheprovider", "-x",
         "--ignore=tests/store/test_encrypted_store.py", f"--ignore={Path(__file__).relative_to(REPO)}",
         f"--basetemp={base}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
    elapsed = time.monotonic() - t0
    tail = "\n".join(r.stdout.splitlines()[-30:])
    assert r.returncode == 0, f"store tests failed on encrypted stores:\n{tail}\n{r.stderr[-2000:]}"
    passed = re.search(r"(\d+) passed", tail)
    assert passed and int(passed.group(1)) >= MIN_TESTS and " failed" not in tail, tail
    plain, encrypted = _plain_and_encrypted(base)
    assert not plain, f"stores created in clear despite ${ENV_PASSPHRASE}: {plain[:5]}"
    assert len(encrypted) >= MIN_STORES, (len(encrypted), elapsed)


def test_the_check_sees_a_plain_store(tmp_path, monkeypatch):
    """The control: the file check above does tell a plain store from an encrypted one."""
    from replaydesk.store import open_store

    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    plain = open_store(tmp_path / "plain.db", passphrase=None)
    plain.conn.close()
    enc = open_store(tmp_path / "enc.db", passphrase="x")
    enc.conn.close()
    assert _plain_and_encrypted(tmp_path) == ([tmp_path / "plain.db"], [tmp_path / "enc.db"])
