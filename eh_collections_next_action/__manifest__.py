{
    "name": "Collections Next Action",
    "summary": "Live next-best-action suggestion on every collections case",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "EH Collections",
    "license": "LGPL-3",
    "depends": ["eh_collections_case", "eh_account_ai_agent"],
    "data": ["security/ir.model.access.csv"],
    "auto_install": True,
}
