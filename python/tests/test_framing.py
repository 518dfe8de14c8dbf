"""The frame codec on real OS pipes, and the worker's handling of malformed input."""

import os
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from berth_worker import framing  # noqa: E402
from harness import corpus  # noqa: E402


def _pipe_roundtrip(frames):
    """Write ``frames`` into a pipe from a thread; read them back with FrameReader."""
    r, w = os.pipe()

    def writer():
        for header, body in frames:
            framing.write_frame(w, header, body)
        os.close(w)

    t = threading.Thread(target=writer)
    t.start()
    reader = framing.FrameReader(r)
    got = []
    while True:
        frame = reader.read_frame()
        if frame is None:
            break
        got.append(frame)
    t.join()
    os.close(r)
    return got


def test_frames_of_all_sizes_round_trip():
    frames = []
    for i, size in enumerate([0, 1, 11, 12, 4096, 65536, 256 * 1024, 256 * 1024 + 1, 5_000_003, 3]):
        body = bytes((i + j) % 256 for j in range(min(size, 1000))) * (size // 1000 + 1)
        frames.append(({"type": "request", "id": i, "pad": "h" * (i * 3000)}, body[:size]))
    frames.append(({"type": "big-header", "x": "y" * 1_000_000}, b"tail"))
    got = _pipe_roundtrip(frames)
    assert [(h, bytes(b)) for h, b in got] == frames


def test_prefix_is_big_endian_u32_u64():
    r, w = os.pipe()
    framing.write_frame(w, {"a": 1}, b"xyz")
    os.close(w)
    data = os.read(r, 1000)
    os.close(r)
    head = b'{"a":1}'
    assert data == struct.pack(">I", len(head)) + struct.pack(">Q", 3) + head + b"xyz"


def test_truncated_frame_is_protocol_error():
    r, w = os.pipe()
    os.write(w, struct.pack(">IQ", 2, 10) + b"{}abc")
    os.close(w)
    reader = framing.FrameReader(r)
    try:
        reader.read_frame()
    except framing.ProtocolError as exc:
        assert "after 3 of 10 body bytes" in str(exc) or "middle of a frame" in str(exc)
    else:
        raise AssertionError("expected ProtocolError")
    finally:
        os.close(r)


def test_worker_ignores_unknown_frames_and_exits_4_on_garbage(ready_worker):
    w = ready_worker(corpus("echo"))
    w.send_frame({"type": "ping"})
    assert w.post_json({"after": "ping"}).json()["echo"] == {"after": "ping"}
    w.proc.stdin.write(struct.pack(">IQ", 5, 0) + b"nope!")
    w.proc.stdin.flush()
    assert w.wait() == 4
    assert "frame header is not valid JSON" in w.stderr_text


def test_worker_exits_4_when_host_dies_mid_frame(ready_worker):
    w = ready_worker(corpus("echo"))
    w.proc.stdin.write(struct.pack(">IQ", 2, 100) + b"{}" + b"x" * 10)
    assert w.close() == 4
