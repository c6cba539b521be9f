#!/usr/bin/env bash
# Builds the dataplane benchmarks with JMH's annotation processor and runs them.
# Usage: dataplane/jmh.sh [JMH ARGS...]   e.g. dataplane/jmh.sh -prof gc ForwardingCoreBenchmark
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ]; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi

# Test classes compiled by a normal build lack the generated harness; compile them afresh.
rm -rf dataplane/target/test-classes dataplane/target/generated-test-sources
./mvnw -B -q -pl dataplane -am -Pjmh -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "dataplane/target/test-classes:dataplane/target/classes:$(cat dataplane/target/jmh.classpath)" \
  org.openjdk.jmh.Main "$@"
