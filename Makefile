# The two commands of the README. Each does its own set-up, idempotently.
.PHONY: start test
start:
	@bash scripts/start.sh
test:
	@bash scripts/test.sh
