package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One address's lease inside a {@link DhcpLeaseBlock} (the address is the record's key there). The
 * same fields as a {@link DhcpLeaseSpec}, plus the record's own version.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class DhcpLeaseRecord {

  /**
   * The lease key: {@code id-<hex>} from the client identifier (option 61), or {@code
   * hw-<htype>-<hex>} from the hardware address.
   */
  @Required
  @Pattern("^(id-[0-9a-f]{2,510}|hw-[0-9]{1,3}-[0-9a-f]{0,32})$")
  @Size(max = 513)
  private String clientId;

  @Required
  @Pattern(ApiPatterns.MAC)
  @Size(max = 17)
  private String mac;

  /** What the client called itself (option 12). */
  @Size(max = 255)
  private String hostname;

  /** The workload behind the MAC, when the agent knows it. */
  private WorkloadReference owner;

  /** The node whose agent wrote the record last. */
  @Required
  @Size(max = 253)
  private String node;

  @Required private DhcpLeaseState state;

  /**
   * RFC 3339 time at which the lease (or a declined address's quarantine) ends; for a released
   * record, when it was released.
   */
  @Required
  @Size(max = 40)
  private String expiresAt;

  /**
   * The record's version: the resourceVersion of the block object that the write which last changed
   * this record was made against. Unique per address over time, since one resourceVersion can be
   * the precondition of only one successful write.
   */
  @Required
  @Min(1)
  private Long revision;

  public String getClientId() {
    return clientId;
  }

  public void setClientId(String clientId) {
    this.clientId = clientId;
  }

  public String getMac() {
    return mac;
  }

  public void setMac(String mac) {
    this.mac = mac;
  }

  public String getHostname() {
    return hostname;
  }

  public void setHostname(String hostname) {
    this.hostname = hostname;
  }

  public WorkloadReference getOwner() {
    return owner;
  }

  public void setOwner(WorkloadReference owner) {
    this.owner = owner;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public DhcpLeaseState getState() {
    return state;
  }

  public void setState(DhcpLeaseState state) {
    this.state = state;
  }

  public String getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(String expiresAt) {
    this.expiresAt = expiresAt;
  }

  public Long getRevision() {
    return revision;
  }

  public void setRevision(Long revision) {
    this.revision = revision;
  }
}
