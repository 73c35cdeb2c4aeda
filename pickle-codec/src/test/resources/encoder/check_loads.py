# PickleEncoderIT's harness (appended to typed_value.py): reads records from stdin, each three big-endian
# length-prefixed fields (name, pickle, expected value in typed notation), loads the pickle with this
# interpreter's pickle module (Python 2: cPickle, and pickle.py too for small ones) and writes one line per
# record: "<name>\tOK", "<name>\tDIFF <what>" or "<name>\tERROR <exception>". Names starting with
# [no-sharing] come from encoders without memo: shared references are then not expected to stay shared.
import json
import pickle
import struct

sys.setrecursionlimit(20000)
_in = sys.stdin.buffer if hasattr(sys.stdin, 'buffer') else sys.stdin
_data = _in.read()
_pos = [0]
_loaders = [pickle.loads]
if PY2:
    import cPickle
    _loaders = [cPickle.loads, pickle.loads]


def _take():
    n = struct.unpack('>I', _data[_pos[0]:_pos[0] + 4])[0]
    _pos[0] += 4
    b = _data[_pos[0]:_pos[0] + n]
    _pos[0] += n
    return b


_out = []
while _pos[0] < len(_data):
    _name = _take().decode('utf-8')
    _blob = _take()
    _notation = json.loads(_take().decode('utf-8'))
    _result = 'OK'
    for _i, _load in enumerate(_loaders):
        if _i > 0 and len(_blob) > 20000:
            break
        try:
            _d = differs(build(_notation), _load(_blob), sharing=not _name.startswith('[no-sharing]'))
            if _d is not None:
                _result = 'DIFF ' + _d
        except Exception as _e:
            _result = 'ERROR %s%s: %r' % ('(pickle.py) ' if _i else '', type(_e).__name__, str(_e)[:300])
        if _result != 'OK':
            break
    _out.append('%s\t%s' % (_name, _result[:600]))
_text = '\n'.join(_out) + '\n'
if PY2:
    sys.stdout.write(_text.encode('utf-8') if isinstance(_text, unicode) else _text)  # noqa: F821
else:
    sys.stdout.buffer.write(_text.encode('utf-8', 'backslashreplace'))
