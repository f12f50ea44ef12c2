{
    "name": "Collections AI Agent",
    "summary": "Next-best-action ladder, LLM providers with strict fallback, audit log, risk score",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "EH Collections",
    "license": "LGPL-3",
    "depends": ["account", "mail"],
    "external_dependencies": {"python": ["requests"]},
}
