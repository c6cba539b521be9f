package io.kvswitch.dataplane.cni;

import io.kvswitch.dataplane.port.linux.LinuxCallException;
import io.kvswitch.dataplane.port.linux.PersistentTap;
import io.kvswitch.dataplane.port.linux.netlink.Errno;
import io.kvswitch.dataplane.port.linux.netlink.Link;
import io.kvswitch.dataplane.port.linux.netlink.NetlinkException;
import io.kvswitch.dataplane.port.linux.netlink.NetworkNamespace;
import io.kvswitch.dataplane.port.linux.netlink.RouteNetlink;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PodInterfaces} through rtnetlink, with no external commands. A veth pair is one request on
 * a socket of the agent's namespace, the peer placed in the pod's namespace by descriptor ({@code
 * IFLA_NET_NS_FD}) under its final name, MAC and MTU: the kernel makes both ends or neither. The
 * peer is then brought up through a socket opened inside the pod's namespace; if that fails, the
 * pair is deleted. A VM's TAP is made on a thread inside the pod's namespace and configured through
 * a socket opened there.
 *
 * <p>Each call opens its own sockets and closes them before it returns: nothing is shared between
 * calls, and no socket keeps a pod's namespace alive.
 */
public final class NetlinkPodInterfaces implements PodInterfaces {

  private static final Logger LOG = LoggerFactory.getLogger(NetlinkPodInterfaces.class);

  /**
   * Makes one harmless request of each kind an ADD makes (a netlink socket here and one inside a
   * namespace, the agent's own), so that loading the classes and linking the native calls, a few
   * hundred milliseconds, happen when the agent starts rather than in the first pod's ADD.
   */
  public NetlinkPodInterfaces() {
    try (NetworkNamespace own = NetworkNamespace.open("/proc/self/ns/net");
        RouteNetlink here = RouteNetlink.open();
        RouteNetlink inside = RouteNetlink.openIn(own)) {
      here.link("lo");
      inside.link("lo");
    } catch (RuntimeException e) {
      // Not fatal here: the first ADD will meet the same problem and report it.
      LOG.warn("cannot reach rtnetlink yet: {}", e.getMessage());
    }
  }

  @Override
  public void createVeth(String hostName, String netnsPath, String ifName, String mac, int mtu) {
    try (NetworkNamespace pod = NetworkNamespace.open(netnsPath);
        RouteNetlink host = RouteNetlink.open()) {
      try {
        host.createVeth(hostName, pod, ifName, mac, mtu);
      } catch (NetlinkException e) {
        if (e.errno() == Errno.EEXIST) {
          throw alreadyExists(host, hostName, pod, ifName, e);
        }
        throw e;
      }
      try (RouteNetlink inside = RouteNetlink.openIn(pod)) {
        inside.configure(ifName, null, 0);
      } catch (RuntimeException e) {
        host.delete(hostName);
        throw e;
      }
    }
  }

  /** Names the end that exists: the kernel's EEXIST does not say which. */
  private static NetlinkException alreadyExists(
      RouteNetlink host, String hostName, NetworkNamespace pod, String ifName, NetlinkException e) {
    if (host.link(hostName).isPresent()) {
      return new NetlinkException(
          "interface " + hostName + " already exists (EEXIST)", e.errno(), e);
    }
    return new NetlinkException(
        "interface " + ifName + " already exists in " + pod.path() + " (EEXIST)", e.errno(), e);
  }

  @Override
  public void createTap(String netnsPath, String ifName, String mac, int mtu) {
    try (NetworkNamespace pod = NetworkNamespace.open(netnsPath)) {
      pod.call(
          () -> {
            try (RouteNetlink inside = RouteNetlink.open()) {
              try {
                PersistentTap.create(ifName);
              } catch (LinuxCallException e) {
                if (e.errno() == PersistentTap.NAME_TAKEN) {
                  throw new NetlinkException(
                      "interface " + ifName + " already exists in " + pod.path() + " (EEXIST)",
                      Errno.EEXIST,
                      e);
                }
                throw e;
              }
              try {
                inside.configure(ifName, mac, mtu);
              } catch (RuntimeException e) {
                inside.delete(ifName);
                throw e;
              }
            }
            return null;
          });
    }
  }

  @Override
  public Optional<String> macInside(String netnsPath, String ifName) {
    NetworkNamespace pod;
    try {
      pod = NetworkNamespace.open(netnsPath);
    } catch (NetlinkException e) {
      return Optional.empty();
    }
    try (pod;
        RouteNetlink inside = RouteNetlink.openIn(pod)) {
      return inside.link(ifName).map(Link::mac);
    }
  }

  @Override
  public boolean hostExists(String hostName) {
    try (RouteNetlink host = RouteNetlink.open()) {
      return host.link(hostName).isPresent();
    }
  }

  @Override
  public boolean deleteHost(String hostName) {
    try (RouteNetlink host = RouteNetlink.open()) {
      return host.delete(hostName);
    }
  }

  @Override
  public boolean deleteInside(String netnsPath, String ifName) {
    NetworkNamespace pod;
    try {
      pod = NetworkNamespace.open(netnsPath);
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENOENT) {
        return false; // the namespace is gone, and the interface with it
      }
      throw e;
    }
    try (pod;
        RouteNetlink inside = RouteNetlink.openIn(pod)) {
      return inside.delete(ifName);
    }
  }
}
