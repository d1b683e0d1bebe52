#!/usr/bin/env bash
# Fails when dist/ is not exactly what a fresh bundle of src/ produces: the action runs
# dist/, so a stale bundle would ship code that no test has seen. BUNDLE_COMMAND lets a
# test exercise this check without a full rebuild.
set -uo pipefail
${BUNDLE_COMMAND:-npm run -s bundle} || { echo "the bundle could not be built" >&2; exit 1; }
if ! git diff --quiet -- dist || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
  echo "dist/ does not match a fresh bundle of src/: run 'npm run bundle' and commit dist/." >&2
  git status --short -- dist >&2
  exit 1
fi
echo "dist/ is fresh"
