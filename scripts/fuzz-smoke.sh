#!/usr/bin/env bash
# Runs every fuzz target of the file readers for a few seconds each (CI
# smoke test; `go test` already runs their seed corpora). A crash leaves
# the failing input in the package's testdata/fuzz/<Target>/ directory:
# fix the reader and commit the input as a regression seed.
#   scripts/fuzz-smoke.sh            # 3 s per target
#   FUZZTIME=30s scripts/fuzz-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3s}
targets=(
	"./internal/datafile FuzzReadNPY"
	"./internal/datafile FuzzReadTable"
	"./mc FuzzReadSamples"
	"./rbm FuzzRead"
	"./mc/mcrun FuzzCheckpointFile"
	"./mc/mcrun FuzzCheckpointPayload"
	"./cmd/isingrbm FuzzMergeShardFile"
	"./experiments FuzzReadShards"
	"./experiments FuzzParse"
	"./lattice FuzzReadEdges"
)
for t in "${targets[@]}"; do
	set -- $t
	echo "== fuzz $2 ($1, $fuzztime)"
	go test "$1" -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" -parallel "${FUZZPARALLEL:-2}"
done
