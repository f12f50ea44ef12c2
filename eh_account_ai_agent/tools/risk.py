"""Chance that a customer pays late, from its own history, with its reasons.

A pure module over plain records, so it runs in Odoo, in a notebook or on any
exported ledger:

- `risk_features(invoices, as_of)` reads what was known of a customer on a day and
  nothing after it (point in time);
- `fit_risk_model(histories, as_of)` fits a logistic regression on every invoice whose
  outcome was known by `as_of`, each described by the features of its customer on its
  invoice date; with too little history it returns the documented fallback weights;
- `payment_risk(invoices, today, model=model)` is the probability that the customer's
  next invoice (or what is open now) is paid late, with each factor's share in words.

Monotone by construction: every feature that measures lateness only grows when an
invoice is paid later, and its weight is kept at zero or above in the fit (an active
set: a weight the fit wants negative is pinned at zero and the rest refitted), so
paying later, a broken promise or a dispute never lowers the risk.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from statistics import median

DAYS_LATE_CAP = 60  # days late beyond this count as this: one long delay must not swamp a history
RECENCY_HALF_LIFE_DAYS = 90  # an invoice due this long ago weighs half a fresh one
LAST_LATE_HALF_LIFE_DAYS = 45
RECENT_COUNT = 3
YEAR = timedelta(days=365)
SEASON_DAYS = 45  # "recent behaviour": the last invoices fallen due
EXPOSURE_CAP = 10.0  # open amount in typical invoices, capped
LATEST_SIZE_CAP = 1.5  # log of the newest invoice over a typical one, kept within [-1, 1.5]:
# a tenth of a typical invoice is not ten times safer than a third of one
DEFAULT_BASE_RATE = 0.25  # chance of paying late when a company has no history at all
MIN_SAMPLES = 200  # outcomes needed to fit a company's own model ...
MIN_CLASS = 20  # ... with at least this many late and this many on time
MAX_SAMPLES = 20_000  # the most recent outcomes a fit reads: bounded work per company
L2 = 1.0  # ridge penalty on the standardized weights


@dataclass(frozen=True)
class InvoiceRecord:
    """One customer invoice: amounts in one currency (the company's)."""

    amount: float
    due_date: date
    paid_date: date | None = None  # when it was settled; None while open
    residual: float = 0.0  # what is still open today
    invoice_date: date | None = None  # when it was issued; the due date when unknown

    def __post_init__(self):
        if self.amount < 0 or self.residual < 0:
            raise ValueError("amounts cannot be negative")

    @property
    def issued(self) -> date:
        return self.invoice_date or self.due_date

    def settled_by(self, day: date) -> bool:
        return self.paid_date is not None and self.paid_date <= day

    def outcome_known(self, day: date) -> bool:
        """Known on `day`: settled by then, or past due and still open (late, whatever comes)."""
        return self.issued <= day and (self.settled_by(day) or self.due_date < day)

    def days_late(self, day: date) -> int:
        """Days late as known on `day`: at settlement, or so far when still open."""
        settled = self.paid_date if self.settled_by(day) else day
        return max(0, (settled - self.due_date).days)


@dataclass(frozen=True)
class RiskFeature:
    code: str
    monotone: bool  # measures lateness: its weight is never negative
    fallback_weight: float  # log-odds per unit when the company has too little history ...
    fallback_mean: float  # ... away from this value, an average customer's


# The one list that drives the features, the fit, the fallback and the words. The
# fallback is the model bench/risk.py fits on its generated portfolio, rounded, in raw
# units: log-odds per unit of the value, away from the average customer's value (so a
# factor's words say what it adds or takes against an average customer, as when fitted).
FEATURES = (
    RiskFeature("late_share", True, 0.43, -1.09),
    RiskFeature("days_late", True, 0.51, 0.09),
    RiskFeature("recency_lateness", True, 1.47, 0.08),
    RiskFeature("trend", True, 0.14, -0.79),
    RiskFeature("last_late", True, 0.11, 0.44),
    RiskFeature("season", True, 0.12, -0.33),
    RiskFeature("current_overdue", True, 0.03, 0.1),
    RiskFeature("exposure", True, 0.22, 1.09),
    RiskFeature("invoice_count", False, 0.18, 2.33),
    RiskFeature("latest_size", False, 0.82, 0.0),
    RiskFeature("typical_size", False, 0.01, 3.47),
    RiskFeature("payment_term", False, -0.13, 1.14),
)
FEATURE_CODES = tuple(feature.code for feature in FEATURES)
FALLBACK_INTERCEPT = -0.97  # the log-odds of the average customer: 27%

# Known now but not dated in a history, so not fitted: fixed log-odds added on top.
BROKEN_PROMISE_WEIGHT = 0.4  # per broken promise, up to three
DISPUTE_WEIGHT = 0.2  # per dispute, up to three
OPEN_ORDERS_WEIGHT = 0.5  # times the share of the exposure in orders not invoiced yet


@dataclass(frozen=True)
class CustomerFeatures:
    """A customer's features on a day, with the counts the reasons are worded from."""

    values: Mapping[str, float]
    known: int  # invoices whose outcome was known
    late: int
    avg_days_late: float
    recency_days_late: float
    recent_late: int
    recent_count: int
    season_late: int
    season_count: int
    days_since_late: int | None
    overdue_share: float
    exposure_ratio: float
    latest_ratio: float
    invoice_count: int
    typical_amount: float
    term_days: float


def risk_features(invoices: Iterable[InvoiceRecord], as_of: date) -> CustomerFeatures | None:
    """What was known of a customer on `as_of`; None when no invoice had an outcome yet."""
    issued = [r for r in invoices if r.issued <= as_of]
    known = [r for r in issued if r.outcome_known(as_of)]
    if not known:
        return None
    lateness = {id(r): min(r.days_late(as_of), DAYS_LATE_CAP) for r in known}
    late = [r for r in known if lateness[id(r)] > 0]
    amount = sum(r.amount for r in known)
    if amount:
        avg_days = sum(r.amount * lateness[id(r)] for r in known) / amount
    else:
        avg_days = sum(lateness.values()) / len(known)
    weights = {id(r): 0.5 ** (max(0, (as_of - r.due_date).days) / RECENCY_HALF_LIFE_DAYS) for r in known}
    recency = sum(weights[id(r)] * lateness[id(r)] for r in known) / sum(weights.values())
    recent = sorted(known, key=_order)[-RECENT_COUNT:]
    recent_late = sum(1 for r in recent if lateness[id(r)] > 0)
    # The same weeks a year earlier: seasonal customers repeat themselves.
    season = [r for r in known if abs((r.issued - (as_of - YEAR)).days) <= SEASON_DAYS]
    season_late = sum(1 for r in season if lateness[id(r)] > 0)
    # The last day the customer was late: a late settlement, or today for what is still late.
    late_days = [r.paid_date if r.settled_by(as_of) else as_of for r in late]
    since_late = (as_of - max(late_days)).days if late_days else None
    open_records = [r for r in issued if not r.settled_by(as_of)]
    open_amount = sum(_open_amount(r) for r in open_records)
    overdue = sum(_open_amount(r) for r in open_records if r.due_date < as_of)
    overdue_share = overdue / open_amount if open_amount > 0 else 0.0
    typical = median(r.amount for r in issued) or 0.0
    exposure = min(EXPOSURE_CAP, open_amount / typical) if typical > 0 else 0.0
    term = median(max(0, (r.due_date - r.issued).days) for r in issued)
    # The invoice the question is about: the newest one open (the one just issued).
    newest = max(open_records, key=lambda r: (r.issued, _order(r)), default=None)
    latest = newest.amount if newest else typical
    values = {
        # In log-odds, smoothed by half an invoice each way: 8 of 8 late says more than 1 of 1.
        "late_share": math.log((len(late) + 0.5) / (len(known) - len(late) + 0.5)),
        "days_late": avg_days / DAYS_LATE_CAP,
        "recency_lateness": recency / DAYS_LATE_CAP,
        "season": math.log((season_late + 0.5) / (len(season) - season_late + 0.5)),
        "trend": math.log((recent_late + 0.5) / (len(recent) - recent_late + 0.5)),
        "last_late": 0.5 ** (since_late / LAST_LATE_HALF_LIFE_DAYS) if since_late is not None else 0.0,
        "current_overdue": overdue_share,
        "exposure": math.log1p(exposure),
        "invoice_count": math.log1p(len(issued)),
        "latest_size": min(LATEST_SIZE_CAP, max(-1.0, math.log((latest + 1) / (typical + 1)))),
        "typical_size": math.log10(1 + typical),
        "payment_term": term / 30,
    }
    return CustomerFeatures(
        values=values,
        known=len(known),
        late=len(late),
        avg_days_late=avg_days,
        recency_days_late=recency,
        recent_late=recent_late,
        recent_count=len(recent),
        season_late=season_late,
        season_count=len(season),
        days_since_late=since_late,
        overdue_share=overdue_share,
        exposure_ratio=exposure,
        latest_ratio=latest / typical if typical > 0 else 1.0,
        invoice_count=len(issued),
        typical_amount=typical,
        term_days=term,
    )


def _order(record: InvoiceRecord) -> tuple:
    """A total order on records, so that equal histories in any order score the same."""
    return (record.due_date, record.issued, record.amount, record.paid_date or date.max, record.residual)


def _open_amount(record: InvoiceRecord) -> float:
    """Open on a day before its settlement: all of it if it was settled later (partial
    payments have no date here), else what is open now."""
    return record.amount if record.paid_date is not None else record.residual


@dataclass(frozen=True)
class RiskModel:
    """A logistic regression over standardized features: log-odds = intercept + sum of
    weight * (value - mean) / scale. `kind` is "fitted" or "fallback"."""

    kind: str
    intercept: float
    weights: Mapping[str, float]
    means: Mapping[str, float]
    scales: Mapping[str, float]
    base_rate: float  # share paid late in the company's history: what a new customer gets
    samples: int = 0
    as_of: date | None = None

    def log_odds(self, values: Mapping[str, float]) -> float:
        return self.intercept + sum(self.term(code, values[code]) for code in FEATURE_CODES)

    def term(self, code: str, value: float) -> float:
        return self.weights[code] * (value - self.means[code]) / self.scales[code]

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "intercept": self.intercept,
            "weights": dict(self.weights),
            "means": dict(self.means),
            "scales": dict(self.scales),
            "base_rate": self.base_rate,
            "samples": self.samples,
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "RiskModel":
        """A stored model; a missing or foreign feature set falls back, never raises."""
        try:
            model = cls(
                kind=str(data["kind"]),
                intercept=float(data["intercept"]),
                weights={code: float(data["weights"][code]) for code in FEATURE_CODES},
                means={code: float(data["means"][code]) for code in FEATURE_CODES},
                scales={code: float(data["scales"][code]) or 1.0 for code in FEATURE_CODES},
                base_rate=float(data["base_rate"]),
                samples=int(data.get("samples") or 0),
                as_of=date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return fallback_model()
        if any(model.weights[f.code] < 0 for f in FEATURES if f.monotone):
            return fallback_model(model.base_rate)
        return model


def fallback_model(base_rate: float = DEFAULT_BASE_RATE) -> RiskModel:
    """The documented weights, on raw feature values (scales 1)."""
    return RiskModel(
        kind="fallback",
        intercept=FALLBACK_INTERCEPT,
        weights={f.code: f.fallback_weight for f in FEATURES},
        means={f.code: f.fallback_mean for f in FEATURES},
        scales=dict.fromkeys(FEATURE_CODES, 1.0),
        base_rate=base_rate,
    )


FALLBACK_MODEL = fallback_model()


def training_samples(
    histories: Mapping[object, Sequence[InvoiceRecord]], as_of: date
) -> list[tuple[Mapping[str, float], int]]:
    """(features on the invoice date, paid late?) for every invoice whose outcome was
    known by `as_of` and whose customer had a history on its invoice date; the most
    recent MAX_SAMPLES, in a deterministic order."""
    dated = []
    for key in sorted(histories, key=str):
        records = sorted(histories[key], key=_order)
        for record in records:
            if not record.outcome_known(as_of):
                continue
            features = risk_features(records, record.issued)
            if features is None:
                continue
            dated.append((record.issued, features.values, int(record.days_late(as_of) > 0)))
    dated.sort(key=lambda item: item[0])
    return [(values, label) for _day, values, label in dated[-MAX_SAMPLES:]]


def fit_risk_model(histories: Mapping[object, Sequence[InvoiceRecord]], as_of: date) -> RiskModel:
    """Fit on what was known by `as_of`; the fallback (with the company's own base rate
    when it has any outcomes) while there are fewer than MIN_SAMPLES outcomes or
    MIN_CLASS of either kind."""
    outcomes = [
        int(r.days_late(as_of) > 0)
        for records in histories.values()
        for r in records
        if r.outcome_known(as_of)
    ]
    base_rate = sum(outcomes) / len(outcomes) if outcomes else DEFAULT_BASE_RATE
    samples = training_samples(histories, as_of)
    late = sum(label for _values, label in samples)
    if len(samples) < MIN_SAMPLES or min(late, len(samples) - late) < MIN_CLASS:
        return replace(fallback_model(base_rate), samples=len(samples), as_of=as_of)
    means, scales = {}, {}
    for code in FEATURE_CODES:
        column = [values[code] for values, _label in samples]
        mean = sum(column) / len(column)
        spread = math.sqrt(sum((x - mean) ** 2 for x in column) / len(column))
        means[code], scales[code] = mean, spread if spread > 1e-9 else 1.0
    rows = [[(values[code] - means[code]) / scales[code] for code in FEATURE_CODES] for values, _ in samples]
    labels = [label for _values, label in samples]
    pinned = set()
    while True:
        free = [i for i, code in enumerate(FEATURE_CODES) if code not in pinned]
        coefficients = _newton(rows, labels, free)
        negative = [
            (coefficients[1 + i], FEATURE_CODES[i])
            for i, feature in enumerate(FEATURES)
            if feature.monotone and i in free and coefficients[1 + i] < 0
        ]
        if not negative:
            break
        pinned.add(min(negative)[1])
    return RiskModel(
        kind="fitted",
        intercept=coefficients[0],
        weights={code: coefficients[1 + i] for i, code in enumerate(FEATURE_CODES)},
        means=means,
        scales=scales,
        base_rate=base_rate,
        samples=len(samples),
        as_of=as_of,
    )


def _newton(rows: list[list[float]], labels: list[int], free: list[int]) -> list[float]:
    """L2-penalised logistic regression by Newton's method on the intercept and the free
    columns; the others stay at zero."""
    columns = [0] + [1 + i for i in free]
    size = len(columns)
    design = [[1.0, *(row[i] for i in free)] for row in rows]
    beta = [0.0] * size
    for _iteration in range(50):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for x, y in zip(design, labels, strict=True):
            p = _sigmoid(sum(b * v for b, v in zip(beta, x, strict=True)))
            residual, weight = p - y, p * (1 - p)
            for a in range(size):
                gradient[a] += residual * x[a]
                row = hessian[a]
                wa = weight * x[a]
                for b in range(a + 1):
                    row[b] += wa * x[b]
        for a in range(size):
            for b in range(a):
                hessian[b][a] = hessian[a][b]
            if a:  # the intercept is not penalised
                gradient[a] += L2 * beta[a]
                hessian[a][a] += L2
        step = _solve(hessian, gradient)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-8:
            break
    coefficients = [0.0] * (1 + len(FEATURE_CODES))
    for position, column in enumerate(columns):
        coefficients[column] = beta[position]
    return coefficients


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Hessian is small and positive definite)."""
    size = len(vector)
    augmented = [[*matrix[i], vector[i]] for i in range(size)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(augmented[r][col]))
        augmented[col], augmented[pivot] = augmented[pivot], augmented[col]
        for r in range(col + 1, size):
            factor = augmented[r][col] / augmented[col][col]
            for c in range(col, size + 1):
                augmented[r][c] -= factor * augmented[col][c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        total = augmented[r][size] - sum(augmented[r][c] * solution[c] for c in range(r + 1, size))
        solution[r] = total / augmented[r][r]
    return solution


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    z = math.exp(x)
    return z / (1 + z)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class RiskFactor:
    code: str
    points: float  # percentage points this factor adds to the chance (negative: lowers it)
    detail: str

    @property
    def text(self) -> str:
        """ "paid 6 of 8 invoices late: +18%"."""
        return f"{self.detail}: {self.points:+.0f}%"


@dataclass(frozen=True)
class RiskScore:
    score: int  # 0 (safe) to 100 (risky): the probability in percent
    factors: tuple[RiskFactor, ...]  # largest effect first
    probability: float = 0.0
    has_history: bool = True
    model_kind: str = "fallback"

    def top(self, count: int = 3) -> tuple[RiskFactor, ...]:
        """The factors that raise the risk, largest first."""
        raising = sorted((f for f in self.factors if f.points > 0), key=lambda f: -f.points)
        return tuple(raising)[:count]

    def reasons(self, count: int = 4) -> tuple[RiskFactor, ...]:
        """The factors that move it most, either way, as shown on the customer."""
        moving = sorted(
            (f for f in self.factors if abs(f.points) >= 0.5 or f.code == "no_history"),
            key=lambda f: -abs(f.points),
        )
        return tuple(moving)[:count]


def payment_risk(
    invoices: Iterable[InvoiceRecord],
    today: date,
    broken_promises: int = 0,
    disputes: int = 0,
    open_orders: float = 0.0,
    model: RiskModel | None = None,
) -> RiskScore:
    """The chance (score = percent) that the customer pays its next invoice late, from
    what is known on `today`; the company's base rate, labelled, when nothing is known
    yet. Deterministic for equal inputs."""
    model = model or FALLBACK_MODEL
    records = list(invoices)
    features = risk_features(records, today)
    adjustments = _adjustments(records, today, broken_promises, disputes, open_orders)
    if features is None:
        log_odds = _logit(model.base_rate)
        factors = [
            RiskFactor("no_history", 0.0, f"no history yet: the company's base rate of {model.base_rate:.0%}")
        ]
        terms = {}
    else:
        terms = {code: model.term(code, features.values[code]) for code in FEATURE_CODES}
        log_odds = model.intercept + sum(terms.values())
        factors = []
    terms.update({code: weight for code, (weight, _detail) in adjustments.items()})
    log_odds += sum(weight for weight, _detail in adjustments.values())
    probability = _sigmoid(log_odds)
    words = _words(features) if features is not None else {}
    words.update({code: detail for code, (_weight, detail) in adjustments.items()})
    for code, term in terms.items():
        # A factor's share: how much lower the chance would be without it.
        points = 100 * (probability - _sigmoid(log_odds - term))
        factors.append(RiskFactor(code, round(points, 2), words[code]))
    factors.sort(key=lambda f: (-abs(f.points), f.code))
    return RiskScore(
        score=int(round(100 * probability)),
        factors=tuple(factors),
        probability=probability,
        has_history=features is not None,
        model_kind=model.kind,
    )


def _adjustments(records, today, broken_promises, disputes, open_orders) -> dict[str, tuple[float, str]]:
    adjustments = {}
    broken = max(0, int(broken_promises))
    if broken:
        adjustments["broken_promises"] = (BROKEN_PROMISE_WEIGHT * min(3, broken), f"{broken} broken promises")
    disputed = max(0, int(disputes))
    if disputed:
        adjustments["disputes"] = (DISPUTE_WEIGHT * min(3, disputed), f"{disputed} disputes")
    orders = max(0.0, float(open_orders))
    if orders > 0:
        open_amount = sum(_open_amount(r) for r in records if not r.settled_by(today))
        share = orders / (orders + open_amount)
        adjustments["open_orders"] = (
            OPEN_ORDERS_WEIGHT * share,
            f"{share:.0%} of the exposure in orders not invoiced",
        )
    return adjustments


def _words(features: CustomerFeatures) -> dict[str, str]:
    since = features.days_since_late
    return {
        "late_share": f"paid {features.late} of {features.known} invoices late",
        "days_late": f"{features.avg_days_late:.0f} days late on average",
        "recency_lateness": f"lately {features.recency_days_late:.0f} days late on average",
        "trend": f"late on {features.recent_late} of the last {features.recent_count} invoices due",
        "season": (
            f"late on {features.season_late} of {features.season_count} invoices of the same weeks last year"
            if features.season_count
            else "no invoices of the same weeks last year"
        ),
        "last_late": f"last late payment {since} days ago" if since is not None else "never paid late",
        "current_overdue": f"{features.overdue_share:.0%} of the open amount past due",
        "exposure": f"open amount {features.exposure_ratio:.1f} times a typical invoice",
        "invoice_count": f"{features.invoice_count} invoices on record",
        "latest_size": f"newest invoice {features.latest_ratio:.1f} times a typical one",
        "typical_size": f"typical invoice {features.typical_amount:,.0f}",
        "payment_term": f"payment terms of {features.term_days:.0f} days",
    }
