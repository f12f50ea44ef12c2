{
    "name": "Collections AI Agent",
    "summary": "Next-best-action ladder, LLM providers with strict fallback, audit log, risk score",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "EH Collections",
    "license": "LGPL-3",
    "depends": ["account", "mail"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ai_security.xml",
        "data/ir_cron.xml",
        "views/ai_call_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
    ],
}
