package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;

/** One step that brings the engine closer to a desired state. */
public sealed interface EngineChange {

  /** Performs the step; throws when the engine refuses it. */
  void applyTo(SwitchEngine engine);

  /** What the step does, for logs and the Ready condition's message. */
  String describe();

  record ConfigureSwitch(SwitchSettings settings) implements EngineChange {
    @Override
    public void applyTo(SwitchEngine engine) {
      engine.configureSwitch(settings);
    }

    @Override
    public String describe() {
      return "configure switch";
    }
  }

  record PutVlan(SwitchNodeVlan vlan) implements EngineChange {
    @Override
    public void applyTo(SwitchEngine engine) {
      engine.putVlan(vlan);
    }

    @Override
    public String describe() {
      return "put VLAN " + vlan.getVlanId();
    }
  }

  record RemoveVlan(int vlanId) implements EngineChange {
    @Override
    public void applyTo(SwitchEngine engine) {
      engine.removeVlan(vlanId);
    }

    @Override
    public String describe() {
      return "remove VLAN " + vlanId;
    }
  }

  record PutPort(SwitchNodePort port) implements EngineChange {
    @Override
    public void applyTo(SwitchEngine engine) {
      engine.putPort(port);
    }

    @Override
    public String describe() {
      return "put port " + port.getName();
    }
  }

  record RemovePort(String name) implements EngineChange {
    @Override
    public void applyTo(SwitchEngine engine) {
      engine.removePort(name);
    }

    @Override
    public String describe() {
      return "remove port " + name;
    }
  }

  record PutRemoteMac(RemoteMac mac) implements EngineChange {
    @Override
    public void applyTo(SwitchEngine engine) {
      engine.putRemoteMac(mac);
    }

    @Override
    public String describe() {
      return "put remote MAC " + mac.getMac() + " in VLAN " + mac.getVlanId();
    }
  }

  record RemoveRemoteMac(DesiredState.RemoteMacKey key) implements EngineChange {
    @Override
    public void applyTo(SwitchEngine engine) {
      engine.removeRemoteMac(key.vlanId(), key.mac());
    }

    @Override
    public String describe() {
      return "remove remote MAC " + key.mac() + " in VLAN " + key.vlanId();
    }
  }

  record PutMirror(SwitchNodeMirror mirror) implements EngineChange {
    @Override
    public void applyTo(SwitchEngine engine) {
      engine.putMirror(mirror);
    }

    @Override
    public String describe() {
      return "put mirror " + mirror.getSession();
    }
  }

  record RemoveMirror(String session) implements EngineChange {
    @Override
    public void applyTo(SwitchEngine engine) {
      engine.removeMirror(session);
    }

    @Override
    public String describe() {
      return "remove mirror " + session;
    }
  }
}
