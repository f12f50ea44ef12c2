"""Pure-Python helpers of the Workbench (no Odoo import): testable on their own."""
