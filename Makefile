# Thin entry points; scripts/ does the work and installs what is missing first.
.PHONY: demo test bench mutation lint stop

## demo: database collections_demo with the suite and demo receivables, served on 127.0.0.1:8069
demo:
	@scripts/demo.sh

## test: every test suite (unit, module tests with the browser tour, e2e); ends with pytest's summary
test:
	@scripts/test.sh $(PYTEST_ARGS)

## bench: benchmarks into bench/results (BENCH_SCALE=small: about 100k lines, under 10 minutes)
bench:
	@scripts/bench.sh

## mutation: mutation testing of the pure packages against tests/unit (mutmut; slow, not in test)
mutation:
	@scripts/mutation.sh

## lint: ruff, pylint-odoo and the other pre-commit hooks over the whole tree
lint:
	@scripts/lint.sh

## stop: stop a demo server started with `make demo DETACH=1`
stop:
	@scripts/stop.sh
