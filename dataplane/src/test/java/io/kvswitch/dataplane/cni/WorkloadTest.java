package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvswitch.api.v1alpha1.WorkloadKind;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void withoutArgumentsItIsThePodOfTheRequest() throws Exception {
    assertThat(Workload.of(JSON.readTree("{\"type\": \"kvswitch\"}"), "web-1"))
        .isEqualTo(new Workload(WorkloadKind.Pod, "web-1"));
  }

  @Test
  void cniArgumentsNameAVirtualMachineInstance() throws Exception {
    Workload vm =
        Workload.of(
            JSON.readTree(
                "{\"args\": {\"cni\": {\"workloadKind\": \"VirtualMachineInstance\","
                    + " \"workloadName\": \"web-vm-1\"}}}"),
            "virt-launcher-web-vm-1-abcde");

    assertThat(vm).isEqualTo(new Workload(WorkloadKind.VirtualMachineInstance, "web-vm-1"));
    assertThat(vm.isVm()).isTrue();
  }

  @Test
  void vmWithoutANameIsNamedAfterItsPod() throws Exception {
    assertThat(
            Workload.of(
                JSON.readTree(
                    "{\"args\": {\"cni\": {\"workloadKind\": \"VirtualMachineInstance\"}}}"),
                "virt-launcher-x"))
        .isEqualTo(new Workload(WorkloadKind.VirtualMachineInstance, "virt-launcher-x"));
  }

  @Test
  void unknownKindIsAConfigurationError() throws Exception {
    assertThatThrownBy(
            () ->
                Workload.of(
                    JSON.readTree("{\"args\": {\"cni\": {\"workloadKind\": \"vm\"}}}"), "p"))
        .isInstanceOfSatisfying(
            CniError.class, e -> assertThat(e.code()).isEqualTo(CniError.INVALID_NETWORK_CONFIG))
        .hasMessage("args.cni.workloadKind 'vm' is not one of [Pod, VirtualMachineInstance]");
  }
}
