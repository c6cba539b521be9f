package io.kvswitch.dataplane.config;

import java.util.List;

/** MAC table limits, aging and static entries; absent fields take the defaults. */
public record MacLearningConfig(
    Integer maxEntries,
    Integer maxEntriesPerPort,
    Integer agingSeconds,
    List<StaticMacConfig> staticEntries) {}
