import { Component, onWillStart, onMounted, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";

// DSO, countback and CEI; the aging buckets from not due (green) to 120+ (dark red).
const TREND_COLORS = ["#2E86C1", "#8E44AD", "#27AE60"];
const AGING_COLORS = ["#27AE60", "#F4D03F", "#F39C12", "#E67E22", "#E74C3C", "#922B21"];

/**
 * The Collections dashboard: the company's DSO, CEI and aging over twelve months, what
 * each level, channel and collector achieved, and the top debtors. Everything comes
 * from one call to eh.collections.snapshot.get_dashboard, which reads the stored daily
 * figures and the reports; every figure opens the records behind it.
 */
export class CollectionsDashboard extends Component {
    static template = "eh_collections_case.CollectionsDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        this.trendCanvas = useRef("trend");
        this.agingCanvas = useRef("aging");
        this.charts = [];
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            this.state.data = await this.orm.call("eh.collections.snapshot", "get_dashboard", []);
        });
        onMounted(() => this.renderCharts());
        onWillUnmount(() => this.charts.forEach((chart) => chart.destroy()));
    }

    get data() {
        return this.state.data;
    }

    money(value) {
        return formatMonetary(value, { currencyId: this.data.currency_id, digits: [16, 0] });
    }

    days(value) {
        return value === null || value === undefined ? "—" : formatFloat(value, { digits: [16, 1] });
    }

    date(value) {
        return formatDate(deserializeDate(value));
    }

    percent(value) {
        return value === null || value === undefined ? "—" : `${formatFloat(value, { digits: [16, 1] })} %`;
    }

    renderCharts() {
        const trend = this.data.trend;
        if (!trend.length) {
            return;
        }
        const labels = trend.map((row) => this.date(row.date));
        const openDay = (elements) => {
            if (elements.length) {
                this.openSnapshot(trend[elements[0].index].id);
            }
        };
        this.charts.push(
            new Chart(this.trendCanvas.el, {
                type: "line",
                data: {
                    labels,
                    datasets: [
                        { label: _t("DSO"), data: trend.map((r) => r.dso), borderColor: TREND_COLORS[0], yAxisID: "days" },
                        {
                            label: _t("DSO (countback)"),
                            data: trend.map((r) => r.dso_countback),
                            borderColor: TREND_COLORS[1],
                            yAxisID: "days",
                        },
                        { label: _t("CEI (%)"), data: trend.map((r) => r.cei), borderColor: TREND_COLORS[2], yAxisID: "cei" },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    onClick: (_event, elements) => openDay(elements),
                    scales: {
                        days: { position: "left", beginAtZero: true, title: { display: true, text: _t("days") } },
                        cei: { position: "right", min: 0, max: 100, title: { display: true, text: "CEI %" } },
                    },
                },
            })
        );
        this.charts.push(
            new Chart(this.agingCanvas.el, {
                type: "bar",
                data: {
                    labels,
                    datasets: this.data.buckets.map((bucket, index) => ({
                        label: bucket.label,
                        data: trend.map((r) => r.buckets[bucket.field]),
                        backgroundColor: AGING_COLORS[index % AGING_COLORS.length],
                    })),
                },
                options: {
                    maintainAspectRatio: false,
                    onClick: (_event, elements) => openDay(elements),
                    scales: { x: { stacked: true }, y: { stacked: true } },
                },
            })
        );
    }

    open(name, resModel, domain, views = [[false, "list"], [false, "form"]], context = {}) {
        this.action.doAction({ type: "ir.actions.act_window", name, res_model: resModel, views, domain, context });
    }

    openSnapshot(id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "eh.collections.snapshot",
            res_id: id,
            views: [[false, "form"]],
        });
    }

    openSnapshots() {
        this.action.doAction("eh_collections_case.eh_collections_snapshot_action");
    }

    openOverdueCases() {
        this.open(_t("Overdue cases"), "eh.collections.case", [
            ["state", "=", "open"],
            ["total_overdue_amount", ">", 0],
        ]);
    }

    openCase(id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "eh.collections.case",
            res_id: id,
            views: [[false, "form"]],
        });
    }

    openEffectiveness(field, key, label) {
        this.open(label, "eh.collections.effectiveness.report", [
            [field, "=", key],
            ["date", ">", this.data.period_start],
        ]);
    }

    openCollector(userId, name) {
        this.open(name, "eh.collections.collector.report", [
            ["user_id", "=", userId],
            ["date", ">", this.data.period_start],
        ]);
    }

    openPromises(outcome) {
        this.open(_t("Promises"), "eh.collections.promise.report", [
            ["outcome", "=", outcome],
            ["date", ">", this.data.period_start],
        ]);
    }
}

registry.category("actions").add("eh_collections_dashboard", CollectionsDashboard);
