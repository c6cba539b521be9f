package io.kvswitch.dataplane.dhcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Built options share their value arrays with the builder that made them and with options copied
 * from them; these tests hold the promise that none of that sharing is visible.
 */
class DhcpOptionsTest {

  @Test
  void aBuilderChangedAfterBuildLeavesTheBuiltOptionsAsTheyWere() {
    DhcpOptions.Builder builder =
        DhcpOptions.builder().messageType(DhcpMessageType.OFFER).raw(224, new byte[] {1});
    DhcpOptions first = builder.build();

    builder
        .raw(224, new byte[] {2})
        .append(224, new byte[] {3})
        .remove(53)
        .raw(225, new byte[] {4});
    DhcpOptions second = builder.build();

    assertThat(first.codes()).containsExactly(53, 224);
    assertThat(first.raw(224)).hasValueSatisfying(v -> assertThat(v).containsExactly(1));
    assertThat(second.codes()).containsExactly(224, 225);
    assertThat(second.raw(224)).hasValueSatisfying(v -> assertThat(v).containsExactly(2, 3));
  }

  @Test
  void valuesGoInAndComeOutAsCopies() {
    byte[] value = {1, 2};
    DhcpOptions options = DhcpOptions.builder().raw(224, value).build();

    value[0] = 9;
    options.raw(224).orElseThrow()[1] = 9;

    assertThat(options.raw(224)).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2));
  }

  @Test
  void copyTakesTheSourceValueInPlaceAndTellsWhenThereIsNone() {
    DhcpOptions source =
        DhcpOptions.builder()
            .serverId(Ipv4Address.parse("10.0.0.1"))
            .raw(224, new byte[] {7})
            .build();
    DhcpOptions.Builder reply =
        DhcpOptions.builder().raw(224, new byte[] {1}).raw(225, new byte[] {2});

    assertThat(reply.copy(source, 224)).isTrue();
    assertThat(reply.copy(source, 54)).isTrue();
    assertThat(reply.copy(source, 6)).isFalse();
    DhcpOptions built = reply.build();

    assertThat(built.codes()).containsExactly(224, 225, 54);
    assertThat(built.raw(224)).hasValueSatisfying(v -> assertThat(v).containsExactly(7));
    assertThat(built.serverId()).contains(Ipv4Address.parse("10.0.0.1"));
    assertThat(source.raw(224)).hasValueSatisfying(v -> assertThat(v).containsExactly(7));
  }

  @Test
  void requestsAnswersFromTheParameterRequestList() {
    DhcpOptions asked = DhcpOptions.builder().parameterRequestList(List.of(1, 3, 121)).build();
    DhcpOptions silent = DhcpOptions.builder().messageType(DhcpMessageType.DISCOVER).build();

    assertThat(asked.requests(3)).isTrue();
    assertThat(asked.requests(121)).isTrue();
    assertThat(asked.requests(6)).isFalse();
    assertThat(silent.requests(3)).isFalse();
  }

  @Test
  void optionsWithTheSameValuesInTheSameOrderAreEqual() {
    DhcpOptions a = DhcpOptions.builder().raw(224, new byte[] {1}).raw(225, new byte[] {2}).build();
    DhcpOptions b = DhcpOptions.builder().raw(224, new byte[] {1}).raw(225, new byte[] {2}).build();
    DhcpOptions reordered =
        DhcpOptions.builder().raw(225, new byte[] {2}).raw(224, new byte[] {1}).build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(reordered);
    assertThat(a).hasToString("{224=01, 225=02}");
  }
}
