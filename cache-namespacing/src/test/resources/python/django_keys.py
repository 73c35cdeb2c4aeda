# Reads JSON lines [key, prefix, version] on stdin and prints, per line, the JSON of
# [default_key_func(key, prefix, version), BaseCache(params).make_key(key), warnings] with Django's own code.
import json
import sys
import warnings

from django.conf import settings
settings.configure()
from django.core.cache.backends.base import BaseCache, default_key_func, memcache_key_warnings

for line in sys.stdin:
    key, prefix, version = json.loads(line)
    cache = BaseCache({'KEY_PREFIX': prefix, 'VERSION': version})
    made = cache.make_key(key)
    sys.stdout.write(json.dumps([default_key_func(key, prefix, version), made,
                                 len(list(memcache_key_warnings(made)))]) + '\n')
