#!/usr/bin/env bash
# Runs the ONEST sandbox Postman collection with newman against a real
# `seeker serve` and a real `seeker sandbox`, both on loopback: the same path
# an organisation takes before go-live (init, subscribe, serve, run the
# collection). Collection variables are overridden to point at them.
#
# Needs ../shared/fixtures/postman (skips with a message when absent) and
# Node.js with npm (newman is installed from the npm registry into
# tools/postman/node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
collection="$root/../shared/fixtures/postman/onest-sandbox-collection.json"
if [ ! -f "$collection" ]; then
	echo "skip: $collection is absent (the shared fixtures are laid beside the checkout in CI)"
	exit 0
fi

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

(cd tools/postman && npm ci --no-audit --no-fund --silent)
go build -o "$work/seeker" ./cmd/seeker

# free_port asks the kernel for an unused loopback port.
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
json() { node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const v=eval("d"+process.argv[2]);console.log(v===undefined?"":v)' "$1" "$2"; }
wait_for() { # wait_for WHAT COMMAND...
	local what=$1; shift
	for _ in $(seq 1 150); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	echo "timed out waiting for $what" >&2; return 1
}

"$work/seeker" sandbox --base-port 0 --state-dir "$work/sandbox" --describe "$work/sandbox.json" >"$work/sandbox.log" 2>&1 &
pids+=($!)
wait_for "the sandbox description" test -s "$work/sandbox.json" || { cat "$work/sandbox.log"; exit 1; }

registry=$(json "$work/sandbox.json" '.registry')
regkey=$(json "$work/sandbox.json" '.registry_encr_public_key')
net_port=$(free_port)
client_port=$(free_port)
"$work/seeker" init --out "$work/seeker.yaml" --subscriber-id seeker-ci.local \
	--subscriber-url "http://127.0.0.1:$net_port" --registry-url "$registry" \
	--registry-encryption-public-key "$regkey" >/dev/null
web_port=$(free_port)
export SEEKER_LISTEN_NETWORK="127.0.0.1:$net_port" SEEKER_LISTEN_CLIENT="127.0.0.1:$client_port" SEEKER_LISTEN_WEB="127.0.0.1:$web_port"
export SEEKER_STORAGE="$work/seeker.db" SEEKER_ALLOW_PRIVATE_FETCH=true
# Eight of the collection's requests break ONEST's own mandatory-field
# policy (select/init without provider.id, init without age or gender,
# gender "M", an empty ISO duration). Seeker's default strict outbound
# validation refuses them with the path and the fix; replaying the
# collection unchanged is what outbound "warn" is for: the findings are
# stored with each message and the requests go out.
export SEEKER_VALIDATION_OUTBOUND=warn
"$work/seeker" subscribe -c "$work/seeker.yaml"
"$work/seeker" serve -c "$work/seeker.yaml" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_for "seeker serve" curl -fsS "http://127.0.0.1:$client_port/healthz" || { cat "$work/serve.log"; exit 1; }
apikey=$(awk '/^api_keys:/ {found=1; next} found && /default:/ {print $2; exit}' "$work/seeker.yaml")

vars=()
for d in le:onest:learning-experiences wo:onest:work-opportunities fs:onest:financial-support ec:onest:expert-connect; do
	p=${d%%:*}; code=${d#*:}
	bpp_id=$(node -e '
		const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
		const p=d.participants.find(p=>p.type==="BPP"&&p.domains.includes(process.argv[2]));
		console.log(p.subscriber_id+" "+p.url)' "$work/sandbox.json" "$code")
	vars+=(--env-var "${p}_base_url=http://127.0.0.1:$client_port/key/$apikey"
		--env-var "${p}_bap_id=seeker-ci.local" --env-var "${p}_bap_uri=http://127.0.0.1:$net_port"
		--env-var "${p}_bpp_id=${bpp_id% *}" --env-var "${p}_bpp_uri=${bpp_id#* }")
done

tools/postman/node_modules/.bin/newman run "$collection" "${vars[@]}" \
	--timeout-request 60000 --reporters cli,json --reporter-json-export "$work/newman.json" >"$work/newman.log" 2>&1 || true
node tools/postman/check.js "$work/newman.json" || { tail -50 "$work/serve.log"; exit 1; }
