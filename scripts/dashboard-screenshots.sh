#!/usr/bin/env bash
# Regenerates docs/dashboard/*.png: runs the dashboard's browser tests with DASHBOARD_SCREENSHOTS set, which makes
# them save each page (1366×768, the laptop size the dashboard is laid out for) as they go.
# Needs chromium (apt-get install chromium) and builds tests/Api.Tests.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/docs/dashboard"
mkdir -p "$out"
dotnet build tests/Api.Tests
DASHBOARD_SCREENSHOTS="$out" dotnet test tests/Api.Tests --no-build --filter "FullyQualifiedName~TuningService.Api.Tests.Dashboard"
ls -l "$out"
