"""One window per store: a second ``replaydesk ARCHIVE`` on the same store hands the archive to
the window already open on it, instead of opening a second writer on the same SQLite file.

Why a local socket named after the store: two stores may be open at once (``--db``), and each
must reach its own window; the name is a hash of the store's absolute path (and of the user,
so two accounts on one machine never meet). The message is one line of JSON,
``{"paths": [...]}``, and the window answers ``ok`` once it has taken the paths.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

#: longest message accepted (a few thousand paths)
MAX_MESSAGE = 1 << 20
HANDED_OVER = "ReplayDesk is already open on this store; the archive was handed to it"
ALREADY_OPEN = "ReplayDesk is already open on this store; its window was brought to the front"


def server_name(db_path: str | os.PathLike) -> str:
    """The local socket name for the store at ``db_path`` (short: Unix socket paths are limited)."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name (containers): the uid still separates accounts
        user = str(getattr(os, "getuid", lambda: 0)())
    key = f"{user}\0{os.path.normcase(os.path.abspath(os.fspath(db_path)))}"
    return "replaydesk-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def hand_over(db_path: str | os.PathLike, paths: list[str], timeout_ms: int = 2000) -> bool:
    """Give ``paths`` to the window open on ``db_path``; False when none answers (then this
    process opens the window). Blocking, and needs no event loop (called before Qt starts)."""
    sock = QLocalSocket()
    sock.connectToServer(server_name(db_path))
    if not sock.waitForConnected(timeout_ms):
        return False
    data = json.dumps({"paths": [str(Path(p).absolute()) for p in paths]}).encode() + b"\n"
    sock.write(data)
    if not sock.waitForBytesWritten(timeout_ms):
        log.warning("the running window did not take the message: %s", sock.errorString())
        return False
    reply = b""
    while b"\n" not in reply and sock.waitForReadyRead(timeout_ms):
        reply += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    if reply.strip() != b"ok":
        log.warning("the running window did not confirm the hand-over (%r)", reply[:80])
        return False
    return True


class InstanceServer(QObject):
    """Listens for later starts on the same store; ``pathsReceived(paths)`` (possibly empty:
    the analyst started ReplayDesk again, so the window should come to the front)."""

    pathsReceived = Signal(list)

    def __init__(self, db_path: str | os.PathLike, parent: QObject | None = None):
        super().__init__(parent)
        self.name = server_name(db_path)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        self._socks: list[QLocalSocket] = []  # open connections (dropped on disconnect)

    def listen(self) -> bool:
        if self.server.listen(self.name):
            return True
        # a socket file left by a process that died: nobody answered hand_over(), so take it
        QLocalServer.removeServer(self.name)
        ok = self.server.listen(self.name)
        if not ok:
            log.warning("cannot listen for other starts on this store: %s", self.server.errorString())
        return ok

    def close(self) -> None:
        for sock in self._socks:
            sock.readyRead.disconnect()
            sock.disconnected.disconnect()
            sock.abort()
        self._socks.clear()
        self.server.close()

    def _drop(self, sock: QLocalSocket) -> None:
        if sock in self._socks:
            self._socks.remove(sock)
            sock.deleteLater()

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            buf = bytearray()  # this connection's bytes until the newline
            sock.readyRead.connect(lambda s=sock, b=buf: self._on_ready(s, b))
            self._socks.append(sock)
            sock.disconnected.connect(lambda s=sock: self._drop(s))
            if sock.bytesAvailable():
                self._on_ready(sock, buf)

    def _on_ready(self, sock: QLocalSocket, buf: bytearray) -> None:
        buf += bytes(sock.readAll().data())
        if len(buf) > MAX_MESSAGE:
            log.warning("ignored an over-long message on %s", self.name)
            buf.clear()
            sock.abort()
            return
        if b"\n" not in buf:
            return
        line = bytes(buf).split(b"\n", 1)[0]
        buf.clear()
        try:
            msg = json.loads(line)
            paths = [str(p) for p in msg["paths"] if isinstance(p, str) and p]
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignored a malformed message on %s: %s", self.name, exc)
            sock.write(b"error\n")
            sock.flush()
            return
        sock.write(b"ok\n")
        sock.flush()
        log.info("another start handed over %d path(s)", len(paths))
        self.pathsReceived.emit(paths)
