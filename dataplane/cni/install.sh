#!/bin/sh
# Installs the kvswitch CNI plugin into DEST (default /opt/cni/bin), as the agent DaemonSet's init
# container does with the host's /opt/cni/bin mounted at the same path:
#   install.sh [DEST]
# A plugin call running during an upgrade sees either the old or the new plugin whole; temporary
# names carry this process's id, so the agents of two switches installing at once do not trip over
# each other. The AOT cache is made last, in place, because the JVM accepts a cache only for the exact
# jar paths (and modification times) it was made with.
set -eu

tree="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-/opt/cni/bin}"
mkdir -p "$dest"
# Each install gets its own directory; kvswitch.d is a symlink to the current one, swapped in one
# rename, so there is no moment without a plugin.
version=".kvswitch.d.$(date +%s).$$"
cp -R "$tree" "$dest/$version"
rm -f "$dest/$version/app.aot"
ln -s "$version" "$dest/.kvswitch.d.link.$$"
mv -T "$dest/.kvswitch.d.link.$$" "$dest/kvswitch.d"
cp "$tree/bin/kvswitch" "$dest/.kvswitch.new.$$"
chmod 755 "$dest/.kvswitch.new.$$"
mv -T "$dest/.kvswitch.new.$$" "$dest/kvswitch"
# Older copies go, but never the one the symlink names now: another switch's agent may have
# installed after this one.
current="$dest/$(readlink "$dest/kvswitch.d")"
for previous in "$dest"/.kvswitch.d.[0-9]*; do
  if [ "$previous" != "$dest/$version" ] && [ "$previous" != "$current" ]; then
    rm -rf "$previous"
  fi
done

home="$dest/kvswitch.d"
classpath=$(ls "$home"/lib/*.jar | tr '\n' ':')
# The AOT cache (JDK 25, JEP 483/514/515) of a training run: an ADD that finds no agent reads and
# checks a configuration, writes the request and an error, so it loads and links the classes every
# call needs. The cache holds them loaded and linked, with the JDK's own, and method profiles. The
# JVM prints a note on stderr while it makes the cache.
echo '{"cniVersion":"1.0.0","type":"kvswitch","switch":"install","network":"n","vlanId":1,"socket":"/nonexistent"}' |
  CNI_COMMAND=ADD CNI_CONTAINERID=install CNI_NETNS=/nonexistent CNI_IFNAME=net1 \
    "$home/runtime/bin/java" @"$home/jvm.options" -XX:AOTCacheOutput="$home/app.aot" \
    -cp "$classpath" io.kvswitch.dataplane.cni.CniPlugin > /dev/null 2>&1 || true
if [ ! -s "$home/app.aot" ]; then
  echo "kvswitch CNI plugin: no AOT cache made; the plugin works, but starts slower" >&2
fi
echo "kvswitch CNI plugin installed in $dest"
