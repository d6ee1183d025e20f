"""How the witness reads its sender's notices (notifications/witness.py): every notice, in order, until
the sender's end closes, whether they come one at a time or hundreds at once; in batches while they
come (a notice then wakes no process) and waiting again, at no cost, once they stop."""

from __future__ import annotations

import socket
import threading
import time

from notifications import witness


def notice(row: int, reply: bytes) -> bytes:
    return b"X1 %d <m%d@pakn.test> - %s\r\n" % (row, row, reply)


def test_every_notice_is_read_in_order_until_the_end_closes() -> None:
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sent = [notice(row, b"250 OK") for row in range(200)]  # a burst, more than one batch
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.extend(m for m, _ in witness._notices(theirs)))
    reader.start()
    mine.send(sent[0])
    time.sleep(0.05)  # the first wakes the waiting witness
    for message in sent[1:]:
        mine.send(message)
    mine.close()
    reader.join(5)
    assert read == sent


def test_the_witness_waits_again_once_the_notices_stop() -> None:
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.extend(m for m, _ in witness._notices(theirs)))
    reader.start()
    try:
        for row in range(20):
            mine.send(notice(row, b"354 Go ahead"))
        time.sleep(10 * witness._BATCH_SECONDS)
        assert len(read) == 20
        assert theirs.getblocking()  # asleep in recv, not polling: an idle witness costs nothing
        mine.send(notice(20, b"250 OK"))
        time.sleep(0.05)
        assert len(read) == 21
    finally:
        mine.close()
        reader.join(5)
