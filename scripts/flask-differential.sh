#!/usr/bin/env bash
# Live differential test against real Flask (used by CI, .ci/run): fresh random scenarios, Flask's
# transcript, then flashkit's for every adapter × store, compared op by op.
#
#   scripts/flask-differential.sh            # a fresh random seed
#   SEED=12345 scripts/flask-differential.sh # replay a seed
#   COUNT=300 (scenarios, default 300),
#   COMBOS="express:cookie fastify:session hono:cookie@bun" (adapter:store pairs, @runtime to serve on
#     another runtime, installed by scripts/runtimes.js or, for workerd, scripts/workerd/install.js;
#     default: every supported pair on Node, Hono and h3 with the cookie store on Bun and on Deno, and fetch
#     and hono with the cookie store inside workerd),
#   NO_BUILD=1 (reuse dist/ as it is instead of running `npm run build` first)
#
# A combination with the redis store uses REDIS_URL, or starts a throwaway redis-server (no
# persistence) on a free port when REDIS_URL is unset.
#
# Needs nothing beside the repository but /usr/bin/python3 with python3-flask: the Flask reference app
# is test/fixtures/flask/reference-app.py, the generator, runner and comparator scripts/conformance/,
# the recorded public scenarios test/fixtures/conformance/.
# Exit 0: no divergence; 1: a divergence (the seed is printed); 2: set-up failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIXTURES="$ROOT/test/fixtures/conformance"
TOOLS=(node "$ROOT/scripts/conformance/cli.js")
PYTHON="${PYTHON:-/usr/bin/python3}"
COUNT="${COUNT:-300}"
DEFAULT_COMBOS="express:cookie express:memory express:session express:redis
  fastify:cookie fastify:memory fastify:session
  koa:cookie koa:memory koa:session hono:cookie hono:memory fetch:cookie fetch:memory
  react-router:cookie react-router-middleware:cookie next:cookie sveltekit:cookie nuxt:cookie astro:cookie
  h3:cookie h3-v1:cookie h3:memory h3-v1:memory nest:cookie nest-fastify:cookie
  hono:cookie@bun hono:cookie@deno h3:cookie@bun h3:cookie@deno fetch:cookie@workerd hono:cookie@workerd"
COMBOS="${COMBOS:-$DEFAULT_COMBOS}"
SEED="${SEED:-$(node -e 'console.log(require("node:crypto").randomInt(1, 2 ** 31))')}"

cd "$ROOT" || exit 2
WORK="$(mktemp -d "${TMPDIR:-/tmp}/flask-differential.XXXXXX")"
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
  echo "flask-differential: $*" >&2
  exit 2
}

# A free port on 127.0.0.1 from the system's ephemeral range (far from fetch's bad ports, all < 10081).
free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# wait_up URL PID NAME: polls GET URL/health until 200, failing if PID dies or 30 s pass.
wait_up() {
  local url="$1" pid="$2" name="$3" i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up (log: $(cat "$WORK/$name.log" 2>/dev/null))"
    if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/health"; then
      return 0
    fi
    sleep 0.1
  done
  die "$name did not answer $url/health within 30 s"
}

# run_scenarios URL SCENARIOS OUT
run_scenarios() {
  "${TOOLS[@]}" run --base "$1" --scenarios "$2" --out "$3" || die "the runner failed on $1 with $2"
}

[[ -x "$PYTHON" ]] || die "missing $PYTHON"
"$PYTHON" -c "import flask" 2>/dev/null || die "Flask is missing: apt-get install python3-flask"

echo "flask-differential: seed $SEED, $COUNT random scenarios + the 48 public ones, combinations:" $COMBOS

if [[ -z "${NO_BUILD:-}" ]]; then
  echo "flask-differential: building flashkit"
  npm run build --silent || die "npm run build failed"
fi
[[ -f dist/testing/index.js ]] || die "dist/testing/index.js is missing: run npm run build"

FLASK_PORT="$(free_port)"
"$PYTHON" test/fixtures/flask/reference-app.py "$FLASK_PORT" >"$WORK/flask.log" 2>&1 &
PIDS+=("$!")
FLASK_URL="http://127.0.0.1:$FLASK_PORT"
wait_up "$FLASK_URL" "$!" flask

"${TOOLS[@]}" generate "$SEED" "$COUNT" --out "$WORK/random.json" || die "the generator failed"
run_scenarios "$FLASK_URL" "$WORK/random.json" "$WORK/flask-random.json"
run_scenarios "$FLASK_URL" "$FIXTURES/scenarios-public.json" "$WORK/flask-public.json"

FAILED=0
SUMMARY=()

# compare LABEL REFERENCE CANDIDATE [--cookies]
compare() {
  local label="$1" out status
  out="$("${TOOLS[@]}" compare "$2" "$3" "${@:4}")"
  status=$?
  [[ $status -le 1 ]] || die "the comparator failed on $2 and $3"
  echo "$out" | sed "s/^/  [$label] /"
  SUMMARY+=("$label: $(echo "$out" | tail -n 1)")
  if [[ $status -ne 0 ]]; then FAILED=1; fi
}

echo "flask-differential: sanity check, live Flask vs the recorded public transcript"
compare "flask live vs recorded, public" "$FIXTURES/expected-public.json" "$WORK/flask-public.json" --cookies

if [[ " $COMBOS " == *":redis"* && -z "${REDIS_URL:-}" ]]; then
  command -v redis-server >/dev/null || die "redis-server is missing: apt-get install redis-server (or set REDIS_URL)"
  REDIS_PORT="$(free_port)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
  PIDS+=("$!")
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  for ((i = 0; i < 100; i++)); do
    node -e 'const s = require("node:net").connect(+process.argv[1], "127.0.0.1", () => process.exit(0)); s.on("error", () => process.exit(1))' "$REDIS_PORT" && break
    sleep 0.1
  done
fi

# flashkit/next's conformance app (test/next-app) is built here, not inside wait_up's 30 s.
if [[ " $COMBOS " == *"next:"* ]]; then
  node scripts/next-app.js test/next-app --build-only >"$WORK/next-build.log" 2>&1 ||
    die "building test/next-app failed: $(tail -n 20 "$WORK/next-build.log")"
fi

for combo in $COMBOS; do
  runtime=node
  [[ "$combo" == *@* ]] && runtime="${combo##*@}" && combo="${combo%@*}"
  adapter="${combo%%:*}"
  store="${combo##*:}"
  name="$adapter-$store-$runtime"
  if [[ "$runtime" == workerd ]]; then
    node scripts/workerd/install.js >/dev/null || die "cannot install workerd (scripts/workerd/install.js)"
  elif [[ "$runtime" != node ]]; then
    node scripts/runtimes.js install "$runtime" >/dev/null || die "cannot install $runtime (scripts/runtimes.js)"
  fi
  port="$(free_port)"
  node scripts/conformance-server.js --runtime "$runtime" --adapter "$adapter" --store "$store" --port "$port" \
    >"$WORK/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_up "http://127.0.0.1:$port" "$pid" "$name"
  run_scenarios "http://127.0.0.1:$port" "$WORK/random.json" "$WORK/$name-random.json"
  run_scenarios "http://127.0.0.1:$port" "$FIXTURES/scenarios-public.json" "$WORK/$name-public.json"
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  label="$adapter+$store"
  [[ "$runtime" != node ]] && label="$label on $runtime"
  compare "$label, public" "$WORK/flask-public.json" "$WORK/$name-public.json"
  compare "$label, random seed $SEED" "$WORK/flask-random.json" "$WORK/$name-random.json"
done

echo
echo "flask-differential summary (seed $SEED):"
printf '  %s\n' "${SUMMARY[@]}"
if [[ $FAILED -ne 0 ]]; then
  echo
  echo "################################################################"
  echo "#  FLASK DIVERGENCE — replay with: SEED=$SEED scripts/flask-differential.sh"
  echo "################################################################"
  exit 1
fi
echo "flask-differential: no divergence"
