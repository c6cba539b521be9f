package io.kvswitch.dataplane.dhcp.lease;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import org.junit.jupiter.api.Test;

class AddressIndexTest {

  private final AddressIndex<String> index = new AddressIndex<>();

  @Test
  void aKeyHoldsEachOfItsAddressesOnce() {
    index.add("a", parse("10.0.0.1"));
    index.add("a", parse("10.0.0.1"));
    index.add("a", parse("10.0.0.2"));
    index.add("a", parse("10.0.0.2"));
    index.add("a", parse("10.0.0.3"));

    assertThat(index.get("a"))
        .containsExactly(parse("10.0.0.1"), parse("10.0.0.2"), parse("10.0.0.3"));
    assertThat(index.get("b")).isEmpty();
  }

  @Test
  void removingGoesBackDownToOneAndToNone() {
    index.add("a", parse("10.0.0.1"));
    index.add("a", parse("10.0.0.2"));
    index.add("a", parse("10.0.0.3"));

    index.remove("a", parse("10.0.0.2"));
    assertThat(index.get("a")).containsExactly(parse("10.0.0.1"), parse("10.0.0.3"));
    index.remove("a", parse("10.0.0.9"));
    assertThat(index.get("a")).containsExactly(parse("10.0.0.1"), parse("10.0.0.3"));
    index.remove("a", parse("10.0.0.1"));
    assertThat(index.get("a")).containsExactly(parse("10.0.0.3"));
    index.remove("a", parse("10.0.0.1"));
    assertThat(index.get("a")).containsExactly(parse("10.0.0.3"));
    index.remove("a", parse("10.0.0.3"));
    assertThat(index.get("a")).isEmpty();
  }

  @Test
  void whatGetReturnsIsTheCallers() {
    index.add("a", parse("10.0.0.1"));
    index.add("b", parse("10.0.0.1"));
    index.add("b", parse("10.0.0.2"));

    index.get("a")[0] = parse("10.9.9.9");
    Ipv4Address[] b = index.get("b");
    b[1] = parse("10.9.9.9");

    assertThat(index.get("a")).containsExactly(parse("10.0.0.1"));
    assertThat(index.get("b")).containsExactly(parse("10.0.0.1"), parse("10.0.0.2"));
  }
}
