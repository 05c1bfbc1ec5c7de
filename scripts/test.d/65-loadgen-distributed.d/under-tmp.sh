# A Batch child whose image binary lives under /tmp (a checkout cloned there, issue 23): it runs
# with a /tmp of its own that still holds that binary. One plain job of `loadgen --version`, so a
# failure here names the cause before the longer runs fail on it. Sourced from real.sh (its
# $queue, $jobdef, $image_loadgen, $work).
# shellcheck shell=bash disable=SC2154,SC2015 # the stage's variables; pass never fails
say "a Batch child runs the loadgen under /tmp"
tmp_mode=$(sed -n "s/^children's \/tmp: //p" "$work/local-batch.log")
probe_job=$(aws batch submit-job --job-name under-tmp --job-queue "$queue" --job-definition "$jobdef" \
  --container-overrides '{"command":["--version"]}' --query jobId --output text)
probe=""
for _ in $(seq 1 600); do
  probe=$(aws batch describe-jobs --jobs "$probe_job" \
    --query 'jobs[0].[status, container.exitCode, container.logStreamName]' --output text)
  [[ $probe == SUCCEEDED* || $probe == FAILED* ]] && break
  sleep 0.1
done
read -r probe_status probe_code probe_stream <<<"$probe"
if [ "$probe_status $probe_code" = "SUCCEEDED 0" ] && grep -q '^loadgen [0-9]' "$work/batch-logs/$probe_stream"; then
  pass "$image_loadgen ran as a Batch child, /tmp: $tmp_mode"
else
  fail "the Batch child of $image_loadgen (/tmp: $tmp_mode): $probe; its log: $(cat "$work/batch-logs/$probe_stream" 2>/dev/null)"
fi
