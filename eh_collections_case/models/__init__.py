from . import collections_case
