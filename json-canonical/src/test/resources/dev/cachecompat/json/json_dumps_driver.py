# Long-lived json.loads/json.dumps(sort_keys=True) server for PythonJsonDifferentialIT; Python 2.7 and 3.x.
# Request:  b"<length> <ensure_ascii 0|1> <compact 0|1>\n" + <length> bytes of UTF-8 JSON
# Response: b"OK <length>\n" + UTF-8 bytes of json.dumps(json.loads(doc), sort_keys=True, ...)
#        or b"ER <length>\n" + the exception, for a document Python refuses to load or dump
import json
import sys

stdin = getattr(sys.stdin, "buffer", sys.stdin)
stdout = getattr(sys.stdout, "buffer", sys.stdout)

while True:
    header = stdin.readline()
    if not header:
        break
    parts = header.split()
    n = int(parts[0])
    ensure_ascii = parts[1] == b"1"
    compact = parts[2] == b"1"
    data = stdin.read(n)
    try:
        value = json.loads(data.decode("utf-8"))
        if compact:
            out = json.dumps(value, sort_keys=True, ensure_ascii=ensure_ascii, separators=(",", ":"))
        else:
            out = json.dumps(value, sort_keys=True, ensure_ascii=ensure_ascii)
        if not isinstance(out, bytes):
            out = out.encode("utf-8")
        stdout.write(b"OK " + str(len(out)).encode("ascii") + b"\n" + out)
    except Exception as e:
        try:
            msg = ("%s: %s" % (type(e).__name__, e)).encode("utf-8", "replace")
        except Exception:
            msg = type(e).__name__.encode("ascii")
        stdout.write(b"ER " + str(len(msg)).encode("ascii") + b"\n" + msg)
stdout.flush()
