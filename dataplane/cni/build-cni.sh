#!/bin/sh
# Builds the kvswitch CNI plugin as a directory that needs no Java on the host:
#   target/cni/bin/kvswitch            the executable Multus and the kubelet run (a sh launcher)
#   target/cni/bin/kvswitch.d/runtime  a jlinked Java runtime with only the modules the plugin uses
#   target/cni/bin/kvswitch.d/lib      the plugin's classes and Jackson's streaming parser (core)
#   target/cni/bin/kvswitch.d/app.aot  an AOT cache of the classes one call loads, made by install.sh
#   target/cni/bin/kvswitch.d/jvm.options  the JVM's options, for the launcher and install.sh
#   target/cni/bin/kvswitch.d/bin      the launcher and install.sh, which installs all of it
# Run by `./mvnw -pl dataplane -am -Pcni package`, which passes the runtime classpath as $1.
set -eu

module_dir=$(cd "$(dirname "$0")/.." && pwd)
target="$module_dir/target"
out="$target/cni/bin"
home="$target/cni-stage/kvswitch.d"
jdk="${JAVA_HOME:?JAVA_HOME must point to a JDK 25}"

rm -rf "$target/cni" "$target/cni-stage"
mkdir -p "$home/lib"

# The plugin's own classes only: the agent's code never runs on this side of the socket.
(cd "$target/classes" && "$jdk/bin/jar" --create --file "$home/lib/kvswitch-cni.jar" \
  io/kvswitch/dataplane/cni/CniPlugin*.class io/kvswitch/dataplane/cni/CniError*.class \
  io/kvswitch/dataplane/cni/CniRequest*.class io/kvswitch/dataplane/cni/StdinConfig*.class \
  io/kvswitch/dataplane/cni/ConfigFields*.class io/kvswitch/dataplane/cni/NetworkConfig*.class)
# jackson-core only: the plugin reads and writes JSON with the streaming API, so databind (hundreds
# of classes to load at every call) is not shipped, and a stray use of it fails every test that
# runs the packaged plugin.
for jar in $(echo "${1:?usage: build-cni.sh CLASSPATH}" | tr ':' '\n' | grep -E '/jackson-core-'); do
  cp "$jar" "$home/lib/"
done

# java.base is all the plugin calls; Jackson reaches for java.desktop (java.beans) and java.sql
# only where they exist.
"$jdk/bin/jlink" --add-modules java.base --strip-debug --no-man-pages --no-header-files \
  --compress zip-6 --generate-cds-archive --output "$home/runtime"

mkdir -p "$home/bin"
cp "$module_dir/cni/kvswitch" "$home/bin/kvswitch"
cp "$module_dir/cni/install.sh" "$home/bin/install.sh"
cp "$module_dir/cni/jvm.options" "$home/jvm.options"
chmod 755 "$home/bin/kvswitch" "$home/bin/install.sh"

# Install into target/cni/bin, as the init container installs into the host's /opt/cni/bin.
"$home/bin/install.sh" "$out"

# The AOT cache must be usable for the installed paths: with AOTMode=on the JVM refuses to start
# without it, and every class of the plugin and of Jackson must come from it, none from its jar.
installed="$out/kvswitch.d"
loaded=$(echo '{"cniVersion":"1.0.0","type":"kvswitch","switch":"build","network":"n","vlanId":1,"socket":"/nonexistent"}' |
  CNI_COMMAND=ADD CNI_CONTAINERID=build CNI_NETNS=/nonexistent CNI_IFNAME=net1 \
    "$installed/runtime/bin/java" @"$installed/jvm.options" -XX:AOTMode=on \
    -XX:AOTCache="$installed/app.aot" -Xlog:class+load=info \
    -cp "$(ls "$installed"/lib/*.jar | tr '\n' ':')" io.kvswitch.dataplane.cni.CniPlugin || true)
from_cache=$(echo "$loaded" | grep -c 'source: shared objects file' || true)
from_jars=$(echo "$loaded" | grep -E '\] (io\.kvswitch|com\.fasterxml)\.' | grep -v 'source: shared objects file' || true)
if [ "$from_cache" -lt 500 ] || [ -n "$from_jars" ]; then
  echo "the CNI plugin's AOT cache is not used ($from_cache classes from it); loaded outside it:" >&2
  echo "$from_jars" >&2
  exit 1
fi
echo "CNI plugin: $from_cache classes from the AOT cache"
