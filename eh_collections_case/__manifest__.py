{
    "name": "Collections Workbench",
    "summary": "One case per overdue customer, dunning ladder, action log, promises to pay",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "EH Collections",
    "license": "LGPL-3",
    "depends": ["account", "mail"],
    "data": [
        "security/collections_security.xml",
        "security/ir.model.access.csv",
        "views/collections_case_views.xml",
        "views/collections_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "eh_collections_case/static/tests/tours/**/*",
        ],
    },
}
