# Helpers shared by the cluster scripts (scripts/cluster/up, down, create-secrets). Sourced, not run.
# shellcheck shell=bash
# shellcheck disable=SC2034  # ROOT is for the scripts that source this file
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAMESPACE="${NAMESPACE:-review-stream}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Refuses to go on unless every named command is on PATH, listing all the missing ones at once.
require_tools() {
  local missing=() tool
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  printf '\033[1;31merror:\033[0m missing required tool(s): %s\n' "${missing[*]}" >&2
  printf '       install them and put them on PATH; k8s/README.md lists the versions this was written for.\n' >&2
  exit 1
}

# Refuses to go on unless every named variable is set and non-empty; $REQUIRE_HELP explains them.
require_vars() {
  local missing=() var
  for var in "$@"; do [ -n "${!var:-}" ] || missing+=("$var"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  printf '\033[1;31merror:\033[0m missing required environment variable(s): %s\n' "${missing[*]}" >&2
  [ -n "${REQUIRE_HELP:-}" ] && printf '%s\n' "$REQUIRE_HELP" >&2
  exit 1
}
