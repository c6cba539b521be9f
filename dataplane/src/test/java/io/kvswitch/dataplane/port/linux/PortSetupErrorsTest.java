package io.kvswitch.dataplane.port.linux;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The errors a misconfigured port reports; none of this needs root. */
class PortSetupErrorsTest {

  @Test
  void openingAnInterfaceThatDoesNotExistNamesItAndTheError() {
    assertThatThrownBy(() -> AfPacketPort.open("kvt-missing0", AfPacketOptions.defaults()))
        .isInstanceOf(LinuxCallException.class)
        .hasMessage("if_nametoindex(kvt-missing0) failed: No such device (errno 19)");
  }

  @Test
  void optionsRefuseARingBlockThatIsNotWholePages() {
    assertThatThrownBy(() -> AfPacketOptions.defaults().withRing(5000, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("blockSize must be a multiple of 4096: 5000");
  }

  @Test
  void aTapNameLongerThanLinuxAllowsIsRefusedWithTheLimit() {
    assertThatThrownBy(() -> TapPort.open("kvt-much-too-long", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interface name must have 1 to 15 characters: 'kvt-much-too-long'");
  }
}
