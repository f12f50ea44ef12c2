from . import collections_reply_reject
