#!/bin/sh
# Installs the kvswitch CNI plugin into DEST (default /opt/cni/bin), as the agent DaemonSet's init
# container does with the host's /opt/cni/bin mounted at the same path:
#   install.sh [DEST]
# A plugin call running during an upgrade sees either the old or the new plugin whole; temporary
# names carry this process's id, so the agents of two switches installing at once do not trip over
# each other. The class archive is made last, in place,
# because the JVM accepts an archive only for the exact jar paths it was made with.
set -eu

tree="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-/opt/cni/bin}"
mkdir -p "$dest"
# Each install gets its own directory; kvswitch.d is a symlink to the current one, swapped in one
# rename, so there is no moment without a plugin.
version=".kvswitch.d.$(date +%s).$$"
cp -R "$tree" "$dest/$version"
rm -f "$dest/$version/app.jsa"
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

classpath=$(ls "$dest/kvswitch.d"/lib/*.jar | tr '\n' ':')
# One VERSION call and one ADD that finds no agent load the classes every call needs.
home="$dest/kvswitch.d"
CNI_COMMAND=VERSION "$home/runtime/bin/java" -Xlog:disable -XX:ArchiveClassesAtExit="$home/app.jsa" \
  -cp "$classpath" io.kvswitch.dataplane.cni.CniPlugin > /dev/null
echo '{"cniVersion":"1.0.0","type":"kvswitch","switch":"install","network":"n","vlanId":1,"socket":"/nonexistent"}' |
  CNI_COMMAND=ADD CNI_CONTAINERID=install CNI_NETNS=/nonexistent CNI_IFNAME=net1 "$dest/kvswitch" > /dev/null || true
echo "kvswitch CNI plugin installed in $dest"
