package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in DHCP server's counters on one node, summed over the node's DHCP VLANs and over every
 * server it ran for them (a VLAN whose DHCP configuration changes gets a new server), as the agent
 * last reported them.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodeDhcpCounters {

  /** VLANs this node serves DHCP on now. */
  private Integer servedVlans;

  /** DHCP frames from local clients handed to a VLAN's server. */
  private Long requests;

  /** Reply frames the servers sent towards the clients. */
  private Long replies;

  /** Messages the servers received, by type: discover, request, decline, release, inform. */
  private Map<String, Long> received = new TreeMap<>();

  /** Messages the servers sent, by type: offer, ack, nak. */
  private Map<String, Long> sent = new TreeMap<>();

  /**
   * Requests that got no answer, by reason. Of the switch's DHCP port: queue_full, oversize,
   * not_local_client, malformed, failed, reply_dropped. Of the servers: not_a_request,
   * not_ethernet, unexpected_message_type, malformed_request, rate_limited, lease_limit,
   * pool_exhausted, other_server, unknown_client, store_unavailable, not_clients_address.
   */
  private Map<String, Long> drops = new TreeMap<>();

  /** Networks (namespace/name) in which this node found no free address for its last new client. */
  private List<String> exhaustedNetworks = new ArrayList<>();

  /**
   * What the servers' lease stores in the API server counted: requests, conflicts, records that
   * could not be read, and the projection as DhcpLease objects.
   */
  private SwitchNodeLeaseStoreCounters leaseStore;

  public Integer getServedVlans() {
    return servedVlans;
  }

  public void setServedVlans(Integer servedVlans) {
    this.servedVlans = servedVlans;
  }

  public Long getRequests() {
    return requests;
  }

  public void setRequests(Long requests) {
    this.requests = requests;
  }

  public Long getReplies() {
    return replies;
  }

  public void setReplies(Long replies) {
    this.replies = replies;
  }

  public Map<String, Long> getReceived() {
    return received;
  }

  public void setReceived(Map<String, Long> received) {
    this.received = received;
  }

  public Map<String, Long> getSent() {
    return sent;
  }

  public void setSent(Map<String, Long> sent) {
    this.sent = sent;
  }

  public Map<String, Long> getDrops() {
    return drops;
  }

  public void setDrops(Map<String, Long> drops) {
    this.drops = drops;
  }

  public List<String> getExhaustedNetworks() {
    return exhaustedNetworks;
  }

  public void setExhaustedNetworks(List<String> exhaustedNetworks) {
    this.exhaustedNetworks = exhaustedNetworks;
  }

  public SwitchNodeLeaseStoreCounters getLeaseStore() {
    return leaseStore;
  }

  public void setLeaseStore(SwitchNodeLeaseStoreCounters leaseStore) {
    this.leaseStore = leaseStore;
  }
}
