# The release profile the Lambda package is built with, as environment for cargo (and for sam
# build, which runs `cargo lambda build --release` with its own environment and no cargo flags).
# Source it; it defines LAMBDA_SIZE_PROFILE and runs nothing.
#
# The zip must stay under 4 MB (cold starts load it): on top of the workspace's release profile
# (strip, unwind), fat LTO, one codegen unit and size-optimised code. argon2 and blake2 keep
# opt-level 3 through their named-package entries in Cargo.toml, which outrank these variables.
# Measured: 3.81 MB zip (x86_64) with it, 5.62 MB with the workspace's release profile alone.
# shellcheck shell=bash
# shellcheck disable=SC2034 # used by the scripts that source this file
LAMBDA_SIZE_PROFILE=(
  CARGO_PROFILE_RELEASE_LTO=fat
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
  CARGO_PROFILE_RELEASE_OPT_LEVEL=s
)
