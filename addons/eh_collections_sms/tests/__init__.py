from . import test_sms_channel
