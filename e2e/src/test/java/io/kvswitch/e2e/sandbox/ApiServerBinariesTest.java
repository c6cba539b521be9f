package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiServerBinariesTest {

  @TempDir Path dir;

  @Test
  void namesWhatItFoundAndWhatNotAndNeverClaimsToRunThem() throws Exception {
    Path etcd = dir.resolve("etcd");
    Files.writeString(etcd, "#!/bin/sh\n");
    Files.setPosixFilePermissions(etcd, PosixFilePermissions.fromString("rwxr-xr-x"));

    String text = ApiServerBinaries.describe(Optional.of(dir));

    assertThat(text)
        .contains("not supported yet")
        .contains("etcd: " + etcd)
        .contains("kube-apiserver: not found in " + dir);
  }
}
