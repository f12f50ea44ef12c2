import re
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPayLink(CollectionsCommon, HttpCase):
    """The signed, expiring pay link of reminders, opened by a customer's browser."""

    def setUp(self):
        super().setUp()
        self.invoice_address.email = "accounts@gemini.example.com"
        self.invoice = self.post_invoice(900, 20)
        self.refresh()
        self.today = self.company._eh_collections_today()

    def path(self, url):
        return url.split("://", 1)[1].split("/", 1)[1]

    def open(self, url, **kwargs):
        return self.url_open("/" + self.path(url), allow_redirects=False, **kwargs)

    def test_a_valid_link_opens_the_invoice_payment_page(self):
        url = self.invoice.eh_pay_url
        expires = (self.today + timedelta(days=30)).isoformat()
        self.assertIn(f"/collections/pay/{self.invoice.id}/{expires}/", url, "good for the company's 30 days")
        response = self.open(url)
        self.assertEqual(response.status_code, 303)
        self.assertIn(f"/my/invoices/{self.invoice.id}?access_token=", response.headers["Location"])
        page = self.url_open(response.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice.name, page.text)

    def test_an_expired_link_offers_a_fresh_one_to_the_invoicing_contact_once_a_day(self):
        url = self.invoice._eh_pay_link(expires=self.today - timedelta(days=1))
        page = self.open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"This link to pay {self.invoice.name} expired", page.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        sent = self.open(url + "/renew", data={"csrf_token": token})
        self.assertIn("A fresh link is on its way to the invoicing contact", sent.text)
        mail = self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", self.invoice.id)]
        )
        self.assertEqual(mail.recipient_ids, self.invoice_address, "never to whoever asked")
        self.assertIn(
            f"/collections/pay/{self.invoice.id}/{(self.today + timedelta(days=30)).isoformat()}/",
            mail.body_html,
        )
        case = self.open_case()
        self.assertEqual(
            case.action_ids.filtered(lambda a: a.note.startswith("Fresh payment link")).channel, "email"
        )
        again = self.open(url + "/renew", data={"csrf_token": token})
        self.assertIn("already sent today", again.text)
        self.assertEqual(
            len(
                self.env["mail.mail"].search(
                    [("model", "=", "account.move"), ("res_id", "=", self.invoice.id)]
                )
            ),
            1,
        )

    def csrf(self):
        """A CSRF token the way an attacker gets one: from any page of the site."""
        page = self.open(self.invoice._eh_pay_link(expires=self.today - timedelta(days=1)))
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def fresh_link_mails(self, move=None):
        return self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", (move or self.invoice).id)]
        )

    def test_an_invalid_link_is_one_page_whether_its_invoice_exists_or_not_and_sends_nothing(self):
        expired = self.today - timedelta(days=1)
        forged = f"/collections/pay/{self.invoice.id}/{expired.isoformat()}/{'0' * 64}"
        unknown = f"/collections/pay/{self.invoice.id + 10**6}/{expired.isoformat()}/{'0' * 64}"
        pages = [self.url_open(path).text for path in (forged, unknown)]
        # The same page, but for the CSRF token each page gets (it carries the time).
        self.assertEqual(*(re.sub(r'csrf_token: "[^"]+"|value="[^"]+"', "", page) for page in pages))
        for page in pages:
            self.assertIn("This payment link is not valid", page)
            self.assertNotIn(self.invoice.name, page)
            self.assertNotIn("Send me a fresh link", page)
        token = self.csrf()
        for path in (forged, unknown):
            answer = self.url_open(path + "/renew", data={"csrf_token": token})
            self.assertEqual(answer.status_code, 200)
            self.assertIn("This payment link is not valid", answer.text)
        self.assertFalse(self.fresh_link_mails(), "an unsigned link makes the company mail nobody")
        self.assertFalse(
            self.open_case().action_ids.filtered(lambda a: "Fresh payment link" in (a.note or ""))
        )

    def test_the_once_a_day_limit_is_stored_not_read_from_the_mail(self):
        url = self.invoice._eh_pay_link(expires=self.today - timedelta(days=1))
        token = self.csrf()
        self.assertIn("on its way", self.open(url + "/renew", data={"csrf_token": token}).text)
        # The mail and its message gone (the queue cleaned, another language's subject):
        # the stored request still says a link went today.
        self.env["mail.message"].sudo().search(
            [("model", "=", "account.move"), ("res_id", "=", self.invoice.id)]
        ).unlink()
        self.fresh_link_mails().unlink()
        self.assertIn("already sent today", self.open(url + "/renew", data={"csrf_token": token}).text)
        self.assertFalse(self.fresh_link_mails())
        [sent] = self.env["eh.collections.pay.link.request"].search(
            [("move_id", "=", self.invoice.id), ("sent", "=", True)]
        )
        self.assertEqual(sent.remote_addr, "127.0.0.1")

    def test_a_burst_from_one_address_is_slowed_down(self):
        token = self.csrf()
        forged = f"/collections/pay/{self.invoice.id}/{self.today.isoformat()}/{'1' * 64}/renew"
        for _ in range(5):
            self.assertEqual(self.url_open(forged, data={"csrf_token": token}).status_code, 200)
        url = self.invoice._eh_pay_link(expires=self.today - timedelta(days=1))
        busy = self.open(url + "/renew", data={"csrf_token": token})
        self.assertEqual(busy.status_code, 429)
        self.assertIn("Too many requests came from your address", busy.text)
        self.assertFalse(self.fresh_link_mails(), "a correctly signed link waits too, during a burst")

    def test_an_invoice_without_a_case_gets_one_fresh_link_a_day_too(self):
        not_due = self.post_invoice(400, -10, partner=self.other_customer)
        self.other_customer.email = "billing@lumber.example.com"
        self.assertFalse(not_due.eh_collections_case_id)
        self.assertTrue(not_due._eh_send_fresh_pay_link())
        self.assertFalse(not_due._eh_send_fresh_pay_link())
        sent = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", not_due.id)])
        self.assertEqual(sent.recipient_ids, self.other_customer)

    def test_a_tampered_link_is_refused(self):
        url = self.invoice.eh_pay_url
        for tampered in (
            url[:-4] + "abcd",
            url.replace(f"/pay/{self.invoice.id}/", f"/pay/{self.invoice.id + 1}/"),
        ):
            page = self.open(tampered)
            self.assertEqual(page.status_code, 200)
            self.assertIn("This payment link is not valid", page.text)
        longer = url.replace(
            f"/{(self.today + timedelta(days=30)).isoformat()}/",
            f"/{(self.today + timedelta(days=300)).isoformat()}/",
        )
        self.assertIn("This payment link is not valid", self.open(longer).text, "the date is signed too")

    def test_a_paid_invoice_says_so(self):
        url = self.invoice.eh_pay_url
        self.pay(self.invoice, 900)
        page = self.open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"{self.invoice.name} is paid. Thank you.", page.text)
