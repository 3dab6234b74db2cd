#!/usr/bin/env bash
# One plugin zip per Elasticsearch version: for each version, `mvn -pl src -am package` (onnx-ops and the plugin) against that version's server artifacts
# (compile, onnx-ops ctest, every unit test, the zip), then the zip is checked (its descriptor must name the version)
# and copied to target/dist/longdoc-<version>-es<es version>.zip. A plugin loads only into the exact Elasticsearch
# version it was built for, hence one zip each.
#
#   bash .ci/build-all-versions.sh                 # the versions below
#   bash .ci/build-all-versions.sh 9.2.8 9.3.4     # any 9.x whose API src/compat knows (9.2.x, 9.3.x, 9.5.x)
#   MVN_ARGS=-DskipTests bash .ci/build-all-versions.sh
#
# Integration tests are not run here: `bash .ci/run` runs them on the default version (pom.xml), and
# `mvn verify -Delasticsearch.version=X` on another where Maven Central has its integ-test-zip distribution.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/java-home.sh

# 9.2.0: the version the project targets (pom.xml). 9.5.4: the newest 9.x whose server jar Maven Central served on
# 2026-12-02 (maven-metadata.xml lists up to 9.5.3; 9.5.4 is served without being listed; no 9.4.x server jar).
DEFAULT_VERSIONS=(9.2.0 9.5.4)
if [ $# -gt 0 ]; then versions=("$@"); else versions=("${DEFAULT_VERSIONS[@]}"); fi
read -r -a mvn_args <<< "${MVN_ARGS:-}"

project_version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)
dist=target/dist
mkdir -p "$dist"
summary=()
for es in "${versions[@]}"; do
  echo "==> Elasticsearch $es"
  # classes compiled against another version must not survive into this one's jar; downloads and the onnx-ops
  # build (independent of Elasticsearch) are kept
  rm -rf target/classes target/test-classes target/maven-status target/surefire-reports target/generated-sources \
    target/generated-test-sources
  started=$SECONDS
  mvn -B -ntp -Delasticsearch.version="$es" "${mvn_args[@]}" -pl src -am package
  zip="target/longdoc-$project_version-es$es.zip"
  descriptor_version=$(unzip -p "$zip" plugin-descriptor.properties | sed -n 's/^elasticsearch.version=//p')
  if [ "$descriptor_version" != "$es" ]; then
    echo "$zip: plugin-descriptor.properties says elasticsearch.version=$descriptor_version, not $es" >&2
    exit 1
  fi
  cp "$zip" "$dist/"
  tests=$(python3 - <<'PY'
import glob, re
counts = [0, 0, 0, 0]
for f in glob.glob("target/surefire-reports/TEST-*.xml"):
    head = open(f, encoding="utf-8").read(4000)
    suite = re.search(r"<testsuite[^>]*>", head).group(0)
    for i, key in enumerate(("tests", "failures", "errors", "skipped")):
        counts[i] += int(re.search(key + r'="(\d+)"', suite).group(1))
print("%d unit tests, %d failures, %d errors, %d skipped" % tuple(counts) if counts[0] else "unit tests not run")
PY
)
  summary+=("$es: $dist/$(basename "$zip") ($(du -h "$zip" | cut -f1)), $tests, $((SECONDS - started)) s")
done
echo
echo "==> built"
printf '%s\n' "${summary[@]}" | tee "$dist/SUMMARY.txt"
