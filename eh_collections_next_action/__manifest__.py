{
    "name": "Collections Next Action",
    "summary": "Live next-best-action suggestion on every collections case",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "EH Collections",
    "maintainers": ["eh-collections"],
    "website": "https://github.com/eh-collections/eh-collections",
    "license": "LGPL-3",
    "depends": ["eh_collections_case", "eh_account_ai_agent"],
    "data": [
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/collections_case_views.xml",
    ],
    "auto_install": True,
}
