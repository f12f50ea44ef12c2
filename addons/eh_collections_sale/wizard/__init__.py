from . import sale_credit_hold_override
