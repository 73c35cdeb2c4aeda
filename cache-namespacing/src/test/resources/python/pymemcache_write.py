# Writes values with pymemcache's own serde (python_memcache_serializer, pickle at argv[3]'s protocol).
# argv: host port protocol; stdin: JSON lines [key, kind, literal] where kind is one of
# bytes/text/int/eval and literal the Python expression for the value.
import json
import sys
from pymemcache.client.base import Client
from pymemcache.serde import PickleSerde

host, port, protocol = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client = Client((host, port), serde=PickleSerde(pickle_version=protocol), allow_unicode_keys=True)
for line in sys.stdin:
    key, expr = json.loads(line)
    assert client.set(key, eval(expr), noreply=False)
print('ok')
