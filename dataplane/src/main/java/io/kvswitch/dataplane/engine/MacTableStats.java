package io.kvswitch.dataplane.engine;

/**
 * A snapshot of the MAC table's size and event counters.
 *
 * @param entries entries now in the table, static ones included
 * @param staticEntries static entries now in the table
 * @param learned new entries learned from traffic
 * @param moved entries that moved to another port because their MAC appeared there
 * @param aged entries removed because their MAC went quiet for the aging time
 * @param evictedTableFull entries evicted from the biggest port because the table was full
 * @param evictedPortLimit entries evicted because their port reached its own limit
 * @param staticMoveRejected frames whose source MAC is static on another port (not learned)
 * @param learnRejected MACs not learned because the table was full of static entries
 */
public record MacTableStats(
    int entries,
    int staticEntries,
    long learned,
    long moved,
    long aged,
    long evictedTableFull,
    long evictedPortLimit,
    long staticMoveRejected,
    long learnRejected) {}
