from . import (
    collections_collector_report,
    collections_effectiveness_report,
    collections_promise_report,
    collections_statement,
)
