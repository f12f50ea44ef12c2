{
    "name": "Collections: credit hold on sales",
    "summary": "Block new sales from a dunning level on, honour credit limits, override with a reason, "
    "tell the salesperson",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "author": "EH Collections",
    "maintainers": ["eh-collections"],
    "website": "https://github.com/eh-collections/eh-collections",
    "license": "LGPL-3",
    "depends": ["sale_management", "eh_collections_case"],
    "data": [
        "security/ir.model.access.csv",
        "wizard/sale_credit_hold_override_views.xml",
        "views/sale_order_views.xml",
        "views/collections_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "eh_collections_sale/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
}
