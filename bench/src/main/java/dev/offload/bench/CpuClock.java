package dev.offload.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * CPU time used by a process over a window, in percent of one core. For this process (the load generator, on one
 * core): close to 100% means a throughput figure may be the client's ceiling rather than the server's. For the
 * server's process (read from {@code /proc/PID/stat} on this same machine): shows whether the server was saturated.
 */
final class CpuClock {

  /** USER_HZ: the unit of utime and stime in /proc/PID/stat, 100 on every common Linux build. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final LongSupplier cpuNanos;
  private final long startCpuNanos;
  private final long startWallNanos;

  private CpuClock(LongSupplier cpuNanos) {
    this.cpuNanos = cpuNanos;
    this.startCpuNanos = cpuNanos.getAsLong();
    this.startWallNanos = System.nanoTime();
  }

  static CpuClock self() {
    return new CpuClock(() -> ManagementFactory.getOperatingSystemMXBean()
      instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0);
  }

  /** The clock of another process; null when there is none to read (no pid given). */
  static CpuClock ofPid(Integer pid) {
    return pid == null ? null : new CpuClock(() -> procStatCpuNanos(pid));
  }

  /** CPU time since this clock started, in percent of one core over the same wall time; null if unreadable. */
  Double percentOfOneCore() {
    long wall = System.nanoTime() - startWallNanos;
    long cpu = cpuNanos.getAsLong();
    if (wall <= 0 || cpu < 0 || startCpuNanos < 0) {
      return null;
    }
    return Math.round(1000.0 * (cpu - startCpuNanos) / wall) / 10.0;
  }

  /** utime + stime of the process, or -1 if it cannot be read (the process is gone). */
  private static long procStatCpuNanos(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
