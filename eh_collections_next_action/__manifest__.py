{
    "name": "Collections Next Action",
    "summary": "The collector's copilot: next action, My day, AI-drafted reminders a person approves, "
    "customer replies read into promises and disputes",
    "version": "19.0.1.1.0",
    "category": "Accounting/Accounting",
    "author": "EH Collections",
    "maintainers": ["eh-collections"],
    "website": "https://github.com/eh-collections/eh-collections",
    "license": "LGPL-3",
    "depends": ["eh_collections_case", "eh_account_ai_agent"],
    "data": [
        "security/ir.model.access.csv",
        "security/collections_reply_security.xml",
        "data/ir_cron.xml",
        "data/res_users_data.xml",
        "data/mail_alias_data.xml",
        "report/reminder_ai_draft_templates.xml",
        "views/collections_case_views.xml",
        "views/copilot_settings_views.xml",
        "views/my_day_views.xml",
        "views/collections_reply_views.xml",
        "wizard/collections_reply_reject_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "eh_collections_next_action/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
}
