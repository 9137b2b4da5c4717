#!/usr/bin/env bash
# Installs and starts what the tests need, idempotently, on a fresh go-svc
# machine. Each step checks first, so a second run costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Go modules (the module proxy is the only registry Go reaches here).
go mod download

# PostgreSQL: the store suite runs against it when SEEKER_TEST_POSTGRES is set.
if command -v pg_ctlcluster >/dev/null 2>&1; then
	if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
		pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
		for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
	fi
fi

# Chromium for the web app's browser tests (driven from Go with chromedp),
# and Noto fonts so that Hindi pages render in screenshots.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi devanagari; then
	export DEBIAN_FRONTEND=noninteractive
	SUDO=""
	if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
	$SUDO apt-get install -y --no-install-recommends chromium fonts-noto-core >/dev/null 2>&1 ||
		{ $SUDO apt-get update >/dev/null 2>&1 && $SUDO apt-get install -y --no-install-recommends chromium fonts-noto-core; }
fi
