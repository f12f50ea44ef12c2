from . import collections_statement
