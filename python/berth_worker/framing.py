"""Length-prefixed frames on raw pipe file descriptors (docs/worker-protocol.md, "Frames").

A frame is ``u32 header length | u64 body length | JSON header | raw body``. The per-request path
is what the benchmark measures, so this module talks to the file descriptors directly: reads go
through one reusable buffer (a small request usually arrives in a single ``read`` system call),
large bodies are read straight into one exact-size ``bytearray`` (no concatenation, no copies of
a 100 MB body), and a frame is written with one ``writev`` call of prefix+header and body.
"""

import json
import os
import struct

_PREFIX = struct.Struct(">IQ")
PREFIX_SIZE = _PREFIX.size  # 12

# Bodies up to this size are served from the shared read buffer; bigger ones get their own
# exact-size bytearray that the pipe is read into directly.
_SMALL_BODY = 256 * 1024
_READ_CHUNK = 256 * 1024

# One encoder for all frame headers (json.dumps with options would build a new one per call).
_encode_header = json.JSONEncoder(separators=(",", ":")).encode


class ProtocolError(Exception):
    """The peer sent something that is not a valid frame (or closed the pipe mid-frame)."""


class FrameReader:
    """Reads frames from a pipe file descriptor.

    ``read_frame`` returns ``(header: dict, body: bytes | bytearray)`` or ``None`` on a clean EOF
    between frames. The body of a large frame is a ``bytearray`` (it was filled in place); callers
    that must hand out ``bytes`` convert lazily, only when the user's code asks for them.
    """

    def __init__(self, fd):
        self._fd = fd
        self._buf = bytearray(_READ_CHUNK)
        self._view = memoryview(self._buf)
        self._start = 0  # first unread byte in _buf
        self._end = 0  # one past the last filled byte in _buf

    def _fill(self, need):
        """Make at least ``need`` bytes available in the buffer; False on EOF before any byte."""
        while self._end - self._start < need:
            if self._start and self._start == self._end:
                self._start = self._end = 0
            if len(self._buf) - self._start < need:
                # Not enough room after _start: move the unread bytes to the front, grow if needed.
                have = self._end - self._start
                size = max(len(self._buf), need)
                if size != len(self._buf):
                    self._view.release()
                    new = bytearray(size)
                    new[:have] = self._buf[self._start:self._end]
                    self._buf = new
                    self._view = memoryview(self._buf)
                else:
                    self._buf[:have] = self._buf[self._start:self._end]
                self._start, self._end = 0, have
            n = os.readv(self._fd, [self._view[self._end:]])
            if n == 0:
                if self._end == self._start:
                    return False
                raise ProtocolError("the host closed the pipe in the middle of a frame")
            self._end += n
        return True

    def _take(self, n):
        chunk = bytes(self._view[self._start:self._start + n])
        self._start += n
        return chunk

    def read_frame(self):
        """Read one frame; ``None`` when the pipe was closed cleanly between frames."""
        if not self._fill(PREFIX_SIZE):
            return None
        header_len, body_len = _PREFIX.unpack_from(self._buf, self._start)
        self._start += PREFIX_SIZE
        if header_len and not self._fill(header_len):
            raise ProtocolError("the host closed the pipe in the middle of a frame")
        try:
            header = json.loads(self._view[self._start:self._start + header_len].tobytes())
        except ValueError as exc:
            raise ProtocolError(f"frame header is not valid JSON: {exc}") from None
        self._start += header_len
        if not isinstance(header, dict):
            raise ProtocolError("frame header must be a JSON object")
        return header, self._read_body(body_len)

    def _read_body(self, n):
        if n <= _SMALL_BODY:
            if n and not self._fill(n):
                raise ProtocolError("the host closed the pipe in the middle of a frame")
            return self._take(n)
        body = bytearray(n)
        view = memoryview(body)
        have = min(self._end - self._start, n)
        view[:have] = self._view[self._start:self._start + have]
        self._start += have
        fd = self._fd
        while have < n:
            got = os.readv(fd, [view[have:]])
            if got == 0:
                raise ProtocolError(f"the host closed the pipe after {have} of {n} body bytes")
            have += got
        view.release()
        return body


def write_frame(fd, header, body=b""):
    """Write one frame: ``header`` is a dict (JSON-encoded here), ``body`` any bytes-like object."""
    head = _encode_header(header).encode("utf-8")
    prefix = _PREFIX.pack(len(head), len(body)) + head
    total = len(prefix) + len(body)
    written = os.writev(fd, [prefix, body]) if body else os.write(fd, prefix)
    if written == total:
        return
    # A pipe takes at most its capacity per call; finish the rest without copying the body.
    if written < len(prefix):
        _write_all(fd, memoryview(prefix)[written:])
        written = len(prefix)
    _write_all(fd, memoryview(body).cast("B")[written - len(prefix):])


def _write_all(fd, view):
    while view:
        n = os.write(fd, view)
        view = view[n:]
