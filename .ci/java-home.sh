# Sourced by the scripts: picks a JDK >= 21 for Maven and Elasticsearch (the machine's default java may be 17).
if [ -z "${LONGDOC_JAVA_HOME:-}" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] || continue
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release" 2>/dev/null)
    if [ -n "$version" ] && [ "$version" -ge 21 ]; then LONGDOC_JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${LONGDOC_JAVA_HOME:-}" ]; then
  echo "longdoc needs a JDK 21 or newer under /usr/lib/jvm (or set LONGDOC_JAVA_HOME)" >&2
  exit 1
fi
export JAVA_HOME="$LONGDOC_JAVA_HOME"
export PATH="$JAVA_HOME/bin:$PATH"
