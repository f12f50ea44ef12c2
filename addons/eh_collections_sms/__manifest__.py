{
    "name": "Collections: SMS reminders",
    "summary": "A dunning level may send an SMS with the total and the pay link, through Odoo's own SMS; "
    "the email goes instead to a customer without a usable number",
    "version": "19.0.1.1.0",
    "category": "Accounting/Accounting",
    "author": "EH Collections",
    "maintainers": ["eh-collections"],
    "website": "https://github.com/eh-collections/eh-collections",
    "license": "LGPL-3",
    "depends": ["sms", "eh_collections_case"],
    "data": [
        "data/sms_template_data.xml",
        "views/collections_level_views.xml",
        "views/collections_action_views.xml",
    ],
    "auto_install": True,
}
