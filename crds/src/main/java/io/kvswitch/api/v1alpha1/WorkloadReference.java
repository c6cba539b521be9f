package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The pod or virtual machine behind an interface, in the record's namespace. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class WorkloadReference {

  /** {@code Pod} or {@code VirtualMachineInstance}. */
  @Required
  @Pattern("^(Pod|VirtualMachineInstance)$")
  private String kind;

  @Required
  @Pattern(ApiPatterns.OBJECT_NAME)
  @Size(max = 253)
  private String name;

  public WorkloadReference() {}

  public WorkloadReference(String kind, String name) {
    this.kind = kind;
    this.name = name;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
