# Reads keys with pymemcache's own serde; argv: host port key...; prints {"key","type","repr"} JSON lines.
import json
import sys
from pymemcache.client.base import Client
from pymemcache.serde import pickle_serde

host, port, keys = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
client = Client((host, port), serde=pickle_serde, allow_unicode_keys=True)
for key in keys:
    value = client.get(key)
    sys.stdout.write(json.dumps({'key': key, 'type': type(value).__name__, 'repr': repr(value)}) + '\n')
