#!/usr/bin/env bash
# The test command of README.md: sets up what the tests need on a fresh
# machine, then runs vet, the race-enabled test suite and a short pass of every
# fuzz target. Exits non-zero on the first failure.
#
#   FUZZTIME=30s scripts/test.sh   # longer fuzzing (a duration or an
#                                  # iteration count such as 5000x)
#   SKIP_FUZZ=1 scripts/test.sh    # no fuzzing (quick local runs)
set -euo pipefail
cd "$(dirname "$0")/.."

export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
# An iteration count, not a duration: when a -fuzztime duration runs out
# while a worker is mid-input, go test can report "context deadline
# exceeded" as a failure although nothing was found.
FUZZTIME="${FUZZTIME:-3000x}"

echo "== setup"
scripts/setup.sh

# The store suite also runs against PostgreSQL when it answers (setup.sh
# starts the machine's server); without it those tests skip with a message.
if [ -z "${SEEKER_TEST_POSTGRES:-}" ] && pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
	export SEEKER_TEST_POSTGRES="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
fi

echo "== gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './tools/*'))
if [ -n "$unformatted" ]; then
	echo "these files are not gofmt-formatted (run gofmt -w on them):" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...

echo "== go test -race"
go test -race -count=1 -timeout 40m ./...

if [ -z "${SKIP_FUZZ:-}" ]; then
	echo "== fuzz (${FUZZTIME} per target)"
	# Every FuzzXxx function in the tree, run briefly from its package.
	grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r f; do
		pkg="./$(dirname "${f#./}")"
		for name in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
			echo "-- $pkg $name"
			go test -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" "$pkg"
		done
	done
fi

for extra in scripts/test-*.sh; do
	[ -e "$extra" ] || continue
	echo "== $extra"
	bash "$extra"
done

echo "== all tests passed"
