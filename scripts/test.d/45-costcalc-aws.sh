# costcalc against an independent CloudWatch: ministack (a local AWS emulator from PyPI,
# .venv/costcalc-aws) serving the CBOR protocol on loopback. Metrics go in with PutMetricData (the
# Query protocol, plain curl), then the real binary reads them through the standard credential and
# region chain with AWS_ENDPOINT_URL: `report --from-cloudwatch` must find exactly what was put,
# scaled to the month, and an unknown function must fail with one line. The Rust tests
# (tests/aws_*.rs) cover paging, throttling, errors and the Price List API, which ministack lacks.
# Bounded: the emulator is stopped on exit, every wait has a timeout.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
need_cmd curl curl
venv_ensure costcalc-aws

work=$TEST_WORK/costcalc-aws
mkdir -p "$work"
bin=${CARGO_TARGET_DIR:-$ROOT/target}/debug/costcalc
[ -x "$bin" ] || cargo build -q -p costcalc
port=$(free_port)
BIND_HOST=127.0.0.1 GATEWAY_PORT=$port SERVICES=cloudwatch MINISTACK_REGION=us-east-1 \
  ministack >"$work/ministack.log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
wait_http "http://127.0.0.1:$port/_ministack/health" 60

# Never a real account: fake static keys, no profiles, no instance metadata.
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_CONFIG_FILE=$work/none AWS_SHARED_CREDENTIALS_FILE=$work/none
unset AWS_PROFILE AWS_SESSION_TOKEN

# Two busy minutes an hour apart (100 and 500 invocations), 12,000 ms of duration in all.
now=$(date -u +%s)
at() { date -u -d "@$((now / 60 * 60 - $1))" +%Y-%m-%dT%H:%M:%SZ; }
datum() { # N METRIC VALUE UNIT SECONDS-AGO
  printf '&MetricData.member.%s.MetricName=%s&MetricData.member.%s.Dimensions.member.1.Name=FunctionName' "$1" "$2" "$1"
  printf '&MetricData.member.%s.Dimensions.member.1.Value=journal-api&MetricData.member.%s.Value=%s' "$1" "$1" "$3"
  printf '&MetricData.member.%s.Unit=%s&MetricData.member.%s.Timestamp=%s' "$1" "$4" "$1" "$(at "$5")"
}
body="Action=PutMetricData&Version=2010-08-01&Namespace=AWS/Lambda"
body+=$(datum 1 Invocations 100 Count 7200)$(datum 2 Invocations 500 Count 3600)
body+=$(datum 3 Duration 2000 Milliseconds 7200)$(datum 4 Duration 10000 Milliseconds 3600)
curl -fsS --max-time 10 -X POST "$AWS_ENDPOINT_URL/" \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0' \
  --data "$body" >"$work/put.xml" || die "PutMetricData to ministack failed (see $work/ministack.log)"

source scripts/lib/checks.sh

timeout 60 "$bin" report --from-cloudwatch --lambda-function journal-api --format json \
  >"$work/report.json" 2>"$work/report.err" || {
  cat "$work/report.err" >&2
  die "costcalc report --from-cloudwatch failed against ministack"
}
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["workload"][sys.argv[2]])' "$work/report.json" "$1"; }
# 600 invocations in 14 days: 600 x 730 h x 3600 s / 1,209,600 s = 1303.571428...
rpm=$(field requests_per_month)
check "requests/month (600 x 730 x 3600 / 1209600, 4 places)" 1303.5714 "$(printf '%.4f' "$rpm")"
check "mean duration ms (12000 / 600)" 20 "$(field duration_ms)"
# Busiest minute: 500 invocations = 8.333 req/s.
check "peak req/s" 8.333333333 "$(field peak_rps)"
grep -q "Invocations (Sum) *2 of 20160 datapoints" "$work/report.err" \
  && echo "ok: the read-report counts 2 datapoints of 20160" \
  || { cat "$work/report.err" >&2; check "read-report" "2 of 20160" "missing"; }

# An unknown function: CloudWatch answers with nothing; costcalc says so in one line and exits 1.
set +e
timeout 60 "$bin" report --from-cloudwatch --lambda-function no-such-function >"$work/unknown.out" 2>"$work/unknown.err"
rc=$?
set -e
check "exit code for an unknown function" 1 "$rc"
check "one error line" 1 "$(grep -c '^error:' "$work/unknown.err")"
if grep -q "no datapoints for Lambda function no-such-function in us-east-1" "$work/unknown.err"; then
  pass "the unknown function is named"
else
  fail "the unknown function is not named: $(cat "$work/unknown.err")"
fi

checks_done "costcalc reads CloudWatch (ministack, CBOR)"
