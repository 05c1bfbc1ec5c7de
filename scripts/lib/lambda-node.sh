# Lambda's Node.js runtime interface client, aws-lambda-ric from npm (pinned by
# scripts/requirements/lambda-node/package-lock.json), for loadgen tune's Node tests
# (loadgen/tests/it/tune/node.rs). Unlike json-server it has install scripts, and they must run:
# they build its native addon (rapid-client.node) from bundled libcurl and aws-lambda-cpp sources,
# which needs cmake, autoconf, automake, libtool, make and g++ (Debian packages, installed here
# when missing and root).
# shellcheck shell=bash

# lambda_node_ensure: aws-lambda-ric under .tools/ (gitignored), one directory per lock file, so a
# changed pin builds afresh and an unchanged one builds once (a few minutes). Sets LAMBDA_NODE_RIC
# to its entry point: `node "$LAMBDA_NODE_RIC" module.handler` runs a handler as Lambda's Node.js
# runtime does.
lambda_node_ensure() {
  local req=$ROOT/scripts/requirements/lambda-node dir
  need_cmd node nodejs
  need_cmd npm npm
  need_cmd cmake cmake
  need_cmd autoconf autoconf
  need_cmd automake automake
  need_cmd libtoolize libtool
  need_cmd make make
  need_cmd g++ g++
  dir=$ROOT/.tools/lambda-node-$(cat "$req/package.json" "$req/package-lock.json" | sha256sum | cut -c1-12)
  LAMBDA_NODE_RIC=$dir/node_modules/aws-lambda-ric/bin/index.mjs
  [ -f "$dir/node_modules/aws-lambda-ric/dist/rapid-client.node" ] && return 0
  say "building aws-lambda-ric into ${dir#"$ROOT"/} (npm ci; its native addon takes minutes)"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$req/package.json" "$req/package-lock.json" "$dir/"
  (cd "$dir" && timeout 1800 npm ci --no-audit --no-fund --loglevel=error >"$dir/npm-ci.log" 2>&1) || {
    tail -20 "$dir/npm-ci.log" >&2
    die "npm ci of scripts/requirements/lambda-node failed (log: ${dir#"$ROOT"/}/npm-ci.log)"
  }
  [ -f "$dir/node_modules/aws-lambda-ric/dist/rapid-client.node" ] \
    || die "npm ci ran but aws-lambda-ric's native addon is missing (its install scripts did not run?)"
}
