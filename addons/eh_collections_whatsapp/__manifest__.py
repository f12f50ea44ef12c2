{
    "name": "Collections: WhatsApp reminders",
    "summary": "A dunning level may send an approved WhatsApp template with the total and the pay link, "
    "through the WhatsApp Business Cloud API, to customers who opted in; delivery and reads come back "
    "through a signed webhook, and a failed message falls back to the level's email",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "EH Collections",
    "maintainers": ["eh-collections"],
    "website": "https://github.com/eh-collections/eh-collections",
    "license": "LGPL-3",
    "depends": ["phone_validation", "eh_collections_case"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/collections_whatsapp_security.xml",
        "data/ir_cron_data.xml",
        "views/collections_level_views.xml",
        "views/collections_action_views.xml",
        "views/collections_whatsapp_message_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
