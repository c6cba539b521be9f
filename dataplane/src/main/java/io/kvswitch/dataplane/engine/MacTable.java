package io.kvswitch.dataplane.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * The learning table: (VLAN, MAC) to port, with aging, a table-wide cap that evicts from the port
 * holding the most entries, a per-port cap, static entries and MAC moves.
 *
 * <p>Keys are packed into a {@code long} (VID in bits 48-59, MAC in bits 0-47) and kept in an
 * open-addressed, linearly probed slot array that is never more than half full; entries live in a
 * fixed pool so their index stays stable while backward-shift deletion moves slots around. Nothing
 * allocates after construction.
 *
 * <p>Several forwarding threads share the table. Lookups and the common learning case (a known MAC
 * seen again on the same port) run under an optimistic read of a {@link StampedLock} and take no
 * lock at all; inserts, moves, evictions and aging take the write lock.
 *
 * <p>Time is passed in by the caller in nanoseconds from any monotonic origin, so tests age entries
 * with a fake clock.
 */
public final class MacTable {

  /** A refresh rewrites the timestamp at most this often, so a busy MAC costs no shared writes. */
  private static final long REFRESH_GRANULARITY_NANOS = 10_000_000L;

  /** How many of a port's oldest-inserted entries are compared when one must be evicted. */
  private static final int EVICTION_CANDIDATES = 8;

  private static final int NONE = -1;
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle STATIC_MOVE_REJECTED;

  static {
    try {
      STATIC_MOVE_REJECTED =
          MethodHandles.lookup().findVarHandle(MacTable.class, "staticMoveRejected", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int capacity;
  private final int maxPerPort;
  private final long agingNanos;
  private final int maxPorts;

  private final int slotMask;
  private final long[] slotKey;
  private final int[] slotEntry; // entry index + 1, 0 when the slot is empty

  private final long[] entryKey;
  private final int[] entryPort;
  private final long[] entryLastSeen;
  private final boolean[] entryStatic;
  private final boolean[] entryInUse;
  private final int[] entryPrev; // per-port list of dynamic entries, oldest insertion first
  private final int[] entryNext; // also links the free list

  private final int[] portHead;
  private final int[] portTail;
  private final int[] portCount;

  private final StampedLock lock = new StampedLock();
  private int freeHead;
  private int size;
  private int staticCount;
  private long learned;
  private long moved;
  private long aged;
  private long evictedTableFull;
  private long evictedPortLimit;
  private volatile long staticMoveRejected;
  private long learnRejected;

  public MacTable(MacTableSettings settings, int maxPorts) {
    this.capacity = settings.maxEntries();
    this.maxPerPort = settings.maxEntriesPerPort();
    this.agingNanos = settings.agingTime().toNanos();
    this.maxPorts = maxPorts;
    int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
    this.slotMask = slots - 1;
    this.slotKey = new long[slots];
    this.slotEntry = new int[slots];
    this.entryKey = new long[capacity];
    this.entryPort = new int[capacity];
    this.entryLastSeen = new long[capacity];
    this.entryStatic = new boolean[capacity];
    this.entryInUse = new boolean[capacity];
    this.entryPrev = new int[capacity];
    this.entryNext = new int[capacity];
    for (int i = 0; i < capacity; i++) {
      entryNext[i] = i + 1 < capacity ? i + 1 : NONE;
    }
    this.portHead = new int[maxPorts];
    this.portTail = new int[maxPorts];
    this.portCount = new int[maxPorts];
    Arrays.fill(portHead, NONE);
    Arrays.fill(portTail, NONE);
  }

  /** Packs a VLAN id and a MAC into the table key. */
  public static long key(int vlan, long mac) {
    return ((long) (vlan & 0xFFF) << 48) | (mac & 0xFFFF_FFFF_FFFFL);
  }

  /**
   * The port that {@code mac} was learned on in {@code vlan}, or -1 when it is unknown or its entry
   * has aged out.
   */
  public int lookup(int vlan, long mac, long now) {
    long key = key(vlan, mac);
    long stamp = lock.tryOptimisticRead();
    int port = lookupUnlocked(key, now);
    if (lock.validate(stamp)) {
      return port;
    }
    stamp = lock.readLock();
    try {
      return lookupUnlocked(key, now);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private int lookupUnlocked(long key, long now) {
    int entry = find(key);
    if (entry == NONE) {
      return NONE;
    }
    int port = entryPort[entry];
    if (!entryStatic[entry] && isExpired(entry, now)) {
      return NONE;
    }
    return port;
  }

  /**
   * Records that a frame from {@code mac} in {@code vlan} arrived on {@code port}: refreshes a
   * known entry, learns a new one (evicting if a cap is reached) or moves the MAC to this port.
   */
  public void learn(int vlan, long mac, int port, long now) {
    long key = key(vlan, mac);
    long stamp = lock.tryOptimisticRead();
    int entry = find(key);
    if (entry != NONE) {
      boolean samePort = entryPort[entry] == port;
      boolean isStatic = entryStatic[entry];
      long lastSeen = entryLastSeen[entry];
      if (lock.validate(stamp)) {
        if (samePort) {
          if (!isStatic && now - lastSeen >= REFRESH_GRANULARITY_NANOS) {
            // A writer may have recycled the entry since validate(); then this only makes a
            // brand-new entry look fresh, which it is.
            LONGS.setOpaque(entryLastSeen, entry, now);
          }
          return;
        }
        if (isStatic) {
          // Spoofed frames from a static MAC must not take the write lock each: that would let
          // one port stall learning for all.
          STATIC_MOVE_REJECTED.getAndAdd(this, 1L);
          return;
        }
      }
    }
    stamp = lock.writeLock();
    try {
      learnLocked(key, port, now);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private void learnLocked(long key, int port, long now) {
    int entry = find(key);
    if (entry != NONE) {
      if (entryStatic[entry]) {
        if (entryPort[entry] != port) {
          STATIC_MOVE_REJECTED.getAndAdd(this, 1L);
        }
        return;
      }
      if (entryPort[entry] != port) {
        makeRoomOnPort(port);
        unlinkFromPort(entry);
        entryPort[entry] = port;
        appendToPort(entry);
        moved++;
      }
      entryLastSeen[entry] = now;
      return;
    }
    makeRoomOnPort(port);
    if (size >= capacity && !evictFromBiggestPort()) {
      learnRejected++;
      return;
    }
    entry = allocate(key, port, now, false);
    appendToPort(entry);
    learned++;
  }

  private void makeRoomOnPort(int port) {
    if (portCount[port] >= maxPerPort) {
      remove(oldestOfPort(port));
      evictedPortLimit++;
    }
  }

  private boolean evictFromBiggestPort() {
    int biggest = NONE;
    for (int port = 0; port < maxPorts; port++) {
      if (portCount[port] > 0 && (biggest == NONE || portCount[port] > portCount[biggest])) {
        biggest = port;
      }
    }
    if (biggest == NONE) {
      return false;
    }
    remove(oldestOfPort(biggest));
    evictedTableFull++;
    return true;
  }

  /**
   * The least recently seen of the port's first few entries in insertion order: close to LRU at a
   * bounded cost, so a MAC flood cannot make each insert scan the table.
   */
  private int oldestOfPort(int port) {
    int best = portHead[port];
    int candidate = best;
    for (int i = 0; i < EVICTION_CANDIDATES && candidate != NONE; i++) {
      if (entryLastSeen[candidate] < entryLastSeen[best]) {
        best = candidate;
      }
      candidate = entryNext[candidate];
    }
    return best;
  }

  /**
   * Adds or replaces a static entry: it never ages, is never evicted and does not move when its MAC
   * shows up elsewhere.
   *
   * @throws IllegalStateException when the table is full of static entries
   */
  public void addStatic(int vlan, long mac, int port) {
    checkPort(port);
    long key = key(vlan, mac);
    long stamp = lock.writeLock();
    try {
      int entry = find(key);
      if (entry != NONE) {
        if (!entryStatic[entry]) {
          unlinkFromPort(entry);
          entryStatic[entry] = true;
          staticCount++;
        }
        entryPort[entry] = port;
        return;
      }
      if (size >= capacity && !evictFromBiggestPort()) {
        throw new IllegalStateException(
            "MAC table full of static entries (" + capacity + "), cannot add another");
      }
      allocate(key, port, 0, true);
      staticCount++;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * Removes the entry for {@code mac} in {@code vlan}, static or dynamic; true when there was one.
   */
  public boolean remove(int vlan, long mac) {
    long stamp = lock.writeLock();
    try {
      int entry = find(key(vlan, mac));
      if (entry == NONE) {
        return false;
      }
      remove(entry);
      return true;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Forgets every dynamic entry of {@code port}, as when its link goes down; returns how many. */
  public int flushPort(int port) {
    checkPort(port);
    long stamp = lock.writeLock();
    try {
      int removed = 0;
      while (portHead[port] != NONE) {
        remove(portHead[port]);
        removed++;
      }
      return removed;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Removes dynamic entries idle for longer than the aging time; returns how many. */
  public int expire(long now) {
    long stamp = lock.writeLock();
    try {
      int removed = 0;
      for (int entry = 0; entry < capacity; entry++) {
        if (entryInUse[entry] && !entryStatic[entry] && isExpired(entry, now)) {
          remove(entry);
          removed++;
        }
      }
      aged += removed;
      return removed;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Entries now in the table, static ones included. */
  public int size() {
    long stamp = lock.readLock();
    try {
      return size;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Dynamic entries learned on {@code port}. */
  public int sizeOfPort(int port) {
    checkPort(port);
    long stamp = lock.readLock();
    try {
      return portCount[port];
    } finally {
      lock.unlockRead(stamp);
    }
  }

  public MacTableStats stats() {
    long stamp = lock.readLock();
    try {
      return new MacTableStats(
          size,
          staticCount,
          learned,
          moved,
          aged,
          evictedTableFull,
          evictedPortLimit,
          staticMoveRejected,
          learnRejected);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private boolean isExpired(int entry, long now) {
    return now - (long) LONGS.getOpaque(entryLastSeen, entry) > agingNanos;
  }

  private void checkPort(int port) {
    if (port < 0 || port >= maxPorts) {
      throw new IllegalArgumentException(
          "port index out of range 0-" + (maxPorts - 1) + ": " + port);
    }
  }

  private static int hash(long key) {
    long h = key * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h ^ (h >>> 32));
  }

  /** The entry holding {@code key}, or NONE. Safe under an optimistic read: it always ends. */
  private int find(long key) {
    int slot = hash(key) & slotMask;
    for (int probes = 0; probes <= slotMask; probes++) {
      int entry = slotEntry[slot];
      if (entry == 0) {
        return NONE;
      }
      if (slotKey[slot] == key) {
        return entry - 1;
      }
      slot = (slot + 1) & slotMask;
    }
    return NONE;
  }

  private int allocate(long key, int port, long now, boolean isStatic) {
    int entry = freeHead;
    freeHead = entryNext[entry];
    entryKey[entry] = key;
    entryPort[entry] = port;
    entryLastSeen[entry] = now;
    entryStatic[entry] = isStatic;
    entryInUse[entry] = true;
    entryPrev[entry] = NONE;
    entryNext[entry] = NONE;
    int slot = hash(key) & slotMask;
    while (slotEntry[slot] != 0) {
      slot = (slot + 1) & slotMask;
    }
    slotKey[slot] = key;
    slotEntry[slot] = entry + 1;
    size++;
    return entry;
  }

  private void remove(int entry) {
    if (entryStatic[entry]) {
      staticCount--;
    } else {
      unlinkFromPort(entry);
    }
    removeSlot(entryKey[entry]);
    entryInUse[entry] = false;
    entryStatic[entry] = false;
    entryNext[entry] = freeHead;
    freeHead = entry;
    size--;
  }

  /** Backward-shift deletion keeps probe chains intact without tombstones. */
  private void removeSlot(long key) {
    int hole = hash(key) & slotMask;
    while (slotKey[hole] != key || slotEntry[hole] == 0) {
      hole = (hole + 1) & slotMask;
    }
    slotEntry[hole] = 0;
    int next = hole;
    while (true) {
      next = (next + 1) & slotMask;
      if (slotEntry[next] == 0) {
        return;
      }
      int home = hash(slotKey[next]) & slotMask;
      boolean homeBetween =
          hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (homeBetween) {
        continue;
      }
      slotKey[hole] = slotKey[next];
      slotEntry[hole] = slotEntry[next];
      slotEntry[next] = 0;
      hole = next;
    }
  }

  private void appendToPort(int entry) {
    int port = entryPort[entry];
    int tail = portTail[port];
    entryPrev[entry] = tail;
    entryNext[entry] = NONE;
    if (tail == NONE) {
      portHead[port] = entry;
    } else {
      entryNext[tail] = entry;
    }
    portTail[port] = entry;
    portCount[port]++;
  }

  private void unlinkFromPort(int entry) {
    int port = entryPort[entry];
    int prev = entryPrev[entry];
    int next = entryNext[entry];
    if (prev == NONE) {
      portHead[port] = next;
    } else {
      entryNext[prev] = next;
    }
    if (next == NONE) {
      portTail[port] = prev;
    } else {
      entryPrev[next] = prev;
    }
    entryPrev[entry] = NONE;
    entryNext[entry] = NONE;
    portCount[port]--;
  }
}
