from . import collections_case, res_partner
