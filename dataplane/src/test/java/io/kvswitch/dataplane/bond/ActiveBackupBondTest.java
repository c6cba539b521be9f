package io.kvswitch.dataplane.bond;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ActiveBackupBondTest {

  private static final String HOST = "02:00:00:00:00:01";
  private static final String REMOTE = "02:00:00:00:00:99";

  private final InMemoryPort host = new InMemoryPort("h1");
  private final InMemoryPort first = new InMemoryPort("eth0");
  private final InMemoryPort second = new InMemoryPort("eth1");
  private final ActiveBackupBond bond = new ActiveBackupBond("bond0", List.of(first, second));
  private final Bridge bridge =
      Bridge.builder()
          .threads(1)
          .addPort(host, PortVlanConfig.access(10))
          .addPort(bond, PortVlanConfig.trunk(VlanSet.of(10), 0))
          .build();

  @AfterEach
  void close() {
    bridge.close();
  }

  @Test
  void carriesTrafficOnOneMemberAndFailsOverWhenItsLinkGoesDown() {
    first.inject(TestFrames.tagged(HOST, REMOTE, 10, 46));
    second.inject(TestFrames.tagged(HOST, REMOTE, 10, 46));
    bridge.pollOnce();
    assertThat(host.takeSent()).as("the backup's copy is discarded").hasSize(1);
    assertThat(bond.discardedOnBackup()).isEqualTo(1);

    host.inject(TestFrames.untagged(REMOTE, HOST, 46));
    bridge.pollOnce();
    assertThat(first.takeSent()).containsExactly(TestFrames.tagged(REMOTE, HOST, 10, 46));
    assertThat(second.takeSent()).isEmpty();

    first.setLinkUp(false);
    host.inject(TestFrames.untagged(REMOTE, HOST, 46));
    second.inject(TestFrames.tagged(HOST, REMOTE, 10, 46));
    bridge.pollOnce();

    assertThat(bond.activeMember()).isEqualTo(1);
    assertThat(bond.failovers()).isEqualTo(1);
    assertThat(second.takeSent()).containsExactly(TestFrames.tagged(REMOTE, HOST, 10, 46));
    assertThat(first.takeSent()).isEmpty();
    assertThat(host.takeSent()).as("the new active member receives").hasSize(1);
    assertThat(bridge.portStats(1).totalDrops()).isZero();

    first.setLinkUp(true);
    host.inject(TestFrames.untagged(REMOTE, HOST, 46));
    bridge.pollOnce();
    assertThat(second.takeSent()).as("no failback").hasSize(1);
    assertThat(first.takeSent()).isEmpty();
    assertThat(bond.failovers()).isEqualTo(1);
  }

  @Test
  void startsOnTheFirstMemberThatIsUpWithoutCountingAFailover() {
    first.setLinkUp(false);
    host.inject(TestFrames.untagged(REMOTE, HOST, 46));
    bridge.pollOnce();

    assertThat(second.takeSent()).containsExactly(TestFrames.tagged(REMOTE, HOST, 10, 46));
    assertThat(bond.activeMember()).isEqualTo(1);
    assertThat(bond.failovers()).as("the first choice is no failover").isZero();

    first.setLinkUp(true);
    second.setLinkUp(false);
    host.inject(TestFrames.untagged(REMOTE, HOST, 46));
    bridge.pollOnce();

    assertThat(first.takeSent()).containsExactly(TestFrames.tagged(REMOTE, HOST, 10, 46));
    assertThat(bond.failovers()).as("the member that carried traffic went down").isEqualTo(1);
  }

  @Test
  void everyMemberDownAtTheStartIsNoFailoverEither() {
    first.setLinkUp(false);
    second.setLinkUp(false);
    host.inject(TestFrames.untagged(REMOTE, HOST, 46));
    bridge.pollOnce();
    second.setLinkUp(true);
    host.inject(TestFrames.untagged(REMOTE, HOST, 46));
    bridge.pollOnce();

    assertThat(second.takeSent()).containsExactly(TestFrames.tagged(REMOTE, HOST, 10, 46));
    assertThat(bond.failovers()).isZero();
  }

  @Test
  void isDownOnlyWhenEveryMemberIsDown() {
    first.setLinkUp(false);
    assertThat(bond.isLinkUp()).isTrue();
    second.setLinkUp(false);
    assertThat(bond.isLinkUp()).isFalse();

    host.inject(TestFrames.untagged(REMOTE, HOST, 46));
    bridge.pollOnce();
    assertThat(bridge.portStats(1).drops(DropReason.TRANSMIT_REFUSED)).isEqualTo(1);
  }
}
