package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A GRE (ERSPAN type II or III) tunnel to an analyser outside the cluster. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ErspanDestination {

  @Required
  @Pattern(ApiPatterns.IPV4)
  @Size(max = 15)
  private String remoteIp;

  /** The ERSPAN session id the analyser filters on. */
  @Required
  @Min(0)
  @Max(1023)
  private Integer sessionId;

  /** 1 for ERSPAN type II, 2 for type III. */
  @Min(1)
  @Max(2)
  @Default("2")
  private Integer version = 2;

  public String getRemoteIp() {
    return remoteIp;
  }

  public void setRemoteIp(String remoteIp) {
    this.remoteIp = remoteIp;
  }

  public Integer getSessionId() {
    return sessionId;
  }

  public void setSessionId(Integer sessionId) {
    this.sessionId = sessionId;
  }

  public Integer getVersion() {
    return version;
  }

  public void setVersion(Integer version) {
    this.version = version;
  }
}
