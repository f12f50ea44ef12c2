from . import pay_link
