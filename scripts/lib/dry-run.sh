# Printing and running commands, for scripts with a --dry-run: each command is printed (with a
# leading "+", as a shell would need it typed) before it runs; under --dry-run only printed, and
# a value it would have read from AWS becomes a <placeholder>, so the commands after it print in
# full. Used by scripts/deploy and scripts/loadgen-distributed. Source it after common.sh; it
# reads $dry_run and $region_args.
# shellcheck shell=bash disable=SC2154 # $dry_run and $region_args are the caller's

# show CMD...: words with shell metacharacters single-quoted.
show() {
  local out="+" word
  for word in "$@"; do
    if [[ $word =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
      out+=" $word"
    elif [[ $word == *\'* && ! $word =~ [\"\$\`\\!] ]]; then
      out+=" \"$word\""
    else
      out+=" '${word//\'/\'\\\'\'}'"
    fi
  done
  printf '%s\n' "$out"
}

# run CMD...: print it, and run it unless --dry-run.
run() {
  show "$@"
  [ -n "$dry_run" ] || "$@"
}

# run_sh 'SHELL TEXT': for pipelines and ||; printed as written.
run_sh() {
  printf '+ %s\n' "$1"
  [ -n "$dry_run" ] || bash -o pipefail -c "$1"
}

# capture VAR PLACEHOLDER CMD...: print CMD, run it and keep its output in VAR (an empty or None
# answer is an error); under --dry-run VAR becomes <PLACEHOLDER>.
capture() {
  local var=$1 placeholder=$2 value
  shift 2
  show "$@"
  if [ -n "$dry_run" ]; then
    value="<$placeholder>"
  else
    value=$("$@") || die "failed: $*"
    if [ -z "$value" ] || [ "$value" = None ]; then die "no value from: $*"; fi
  fi
  printf -v "$var" '%s' "$value"
}

# stack_outputs STACK VAR=KEY...: each output KEY of STACK into its VAR, from one describe-stacks;
# under --dry-run each VAR becomes <KEY of STACK>. An output the stack lacks is an error.
stack_outputs() {
  local stack=$1 pair filter="" cmd text value
  shift
  for pair in "$@"; do filter+="${filter:+ || }OutputKey=='${pair#*=}'"; done
  cmd=(aws "${region_args[@]}" cloudformation describe-stacks --stack-name "$stack"
    --query "Stacks[0].Outputs[?$filter].[OutputKey,OutputValue]" --output text)
  show "${cmd[@]}"
  [ -n "$dry_run" ] || text=$("${cmd[@]}") || die "failed: ${cmd[*]}"
  for pair in "$@"; do
    if [ -n "$dry_run" ]; then
      value="<${pair#*=} of $stack>"
    else
      # One "KEY<tab>VALUE" line per output.
      value=$(awk -F'\t' -v k="${pair#*=}" '$1 == k { print $2 }' <<<"$text")
      if [ -z "$value" ] || [ "$value" = None ]; then die "stack $stack has no output ${pair#*=}"; fi
    fi
    printf -v "${pair%%=*}" '%s' "$value"
  done
}

# stack_output VAR STACK KEY: one output.
stack_output() { stack_outputs "$2" "$1=$3"; }
