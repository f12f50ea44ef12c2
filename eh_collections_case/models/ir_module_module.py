from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False):
        """A language loaded for this module translates the shipped ladders' levels too
        (their names and the demand letter's note are created in English)."""
        result = super()._load_module_terms(modules, langs, overwrite=overwrite)
        if "eh_collections_case" in modules and "eh.collections.level" in self.env:
            levels = self.env["eh.collections.level"].sudo().search([])  # pylint: disable=no-search-all
            levels._eh_translate_shipped_terms(langs)
        return result
