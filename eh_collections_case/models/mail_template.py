import uuid

from odoo import api, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """Render a batch of records with one compilation of the template, when the
        follow-up service asks for it (context key `eh_render_batch`).

        Odoo caches the compiled code of stored views only: a template's raw body is
        compiled again for every record, and that compilation costs more than the
        rendering itself. So the body goes once inside a `t-foreach` over the records,
        bound to `object` as Odoo binds it, each record's output closed by a random
        marker (after the body, so that its trailing text stays as Odoo renders it);
        the single output is cut at the markers. Everything else (the
        language groups, the post-processing of links, the errors) stays Odoo's."""
        if not self.env.context.get("eh_render_batch") or len(res_ids) < 2 or not template_src:
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)
        marker = f"eh-render-{uuid.uuid4().hex}"
        batch_src = (
            f'<t t-foreach="eh_render_records" t-as="object">{template_src}<t t-out="eh_render_marker"/></t>'
        )
        records = self.env[model].browse(res_ids)
        rendered = super()._render_template_qweb(
            batch_src,
            model,
            res_ids[:1],
            add_context={**(add_context or {}), "eh_render_records": records, "eh_render_marker": marker},
            options=options,
        )[res_ids[0]]
        *parts, rest = rendered.split(marker)
        if len(parts) != len(res_ids) or rest.strip():  # the marker cannot be forged by data, but check
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)
        return dict(zip(res_ids, parts, strict=True))
