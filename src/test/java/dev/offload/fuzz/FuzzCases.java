package dev.offload.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.offload.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs fuzz cases against a warm {@link FuzzedNode}, one dynamic test per case, named with its
 * seed, a family at a time. Besides what each {@link Probe} checks of its answer, nothing may be
 * logged at warning level or above while a case runs: no stack trace, no SEVERE, and no warning of
 * Vert.x's blocked-thread checker, which the node runs at 50 ms. After each family, {@code /health}
 * must answer at once.
 *
 * <p>A blocked-thread warning needs a closer look than other warnings, since a 50 ms limit is also
 * passed by a pause of the whole machine (see {@link #caused}); and a block already reported
 * ({@link Blocks.Known}) makes its case skipped rather than failed.
 */
final class FuzzCases implements AutoCloseable {

  /** The run's seed: the same seed draws the same requests. */
  static final long RUN_SEED = Long.getLong("fuzz.seed", 20_260_401L);

  /** How many more times a case that met a block is sent, to see whether it causes it. */
  private static final int CONFIRMATIONS = 2;

  /** How long after an answer a block it caused may still be logged. */
  private static final long SETTLE_MS = 100;

  private final FuzzedNode node;
  private final LogCapture log = new LogCapture();
  private int warningsSeen;
  private Case previous;

  FuzzCases(FuzzedNode node) {
    this.node = node;
  }

  /** {@code count} cases drawn by {@code probe}, each from a seed of its own; then the health. */
  DynamicContainer family(String name, int count, Function<Hostile, Probe> probe) {
    List<DynamicNode> cases = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      long seed = Hostile.caseSeed(RUN_SEED, name, index);
      String label =
          "fuzz case '"
              + name
              + "' #"
              + index
              + " (seed "
              + seed
              + " of the run's seed "
              + RUN_SEED
              + "; -Dfuzz.seed=N draws other cases)";
      cases.add(
          DynamicTest.dynamicTest(
              "#" + index + " (seed " + seed + ")",
              () -> run(label, probe.apply(new Hostile(seed)))));
    }
    return withHealth(name, cases);
  }

  /** {@code count} requests drawn by {@code request}, each sent with an HTTP client. */
  DynamicContainer requests(String name, int count, Function<Hostile, FuzzRequest> request) {
    return family(name, count, hostile -> node.probe(request.apply(hostile)));
  }

  /**
   * Cases listed rather than drawn; each probe is made when its case runs, so that large requests
   * are not all held at once.
   */
  DynamicContainer listed(String name, int count, IntFunction<Probe> probe) {
    List<DynamicNode> cases = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      int at = index;
      String label = "fuzz case '" + name + "' #" + index;
      cases.add(DynamicTest.dynamicTest("#" + index, () -> run(label, probe.apply(at))));
    }
    return withHealth(name, cases);
  }

  private DynamicContainer withHealth(String name, List<DynamicNode> cases) {
    cases.add(DynamicTest.dynamicTest("then /health answers at once", this::healthy));
    return DynamicContainer.dynamicContainer(name, cases);
  }

  private void run(String label, Probe probe) {
    Case current = new Case(label + ":\n" + probe, probe);
    Case before = previous;
    List<String> known = new ArrayList<>();
    List<ILoggingEvent> blocks = exchange(current, known);
    previous = current;
    List<ILoggingEvent> caused = blocks.isEmpty() ? blocks : caused(current, before, blocks);
    caused.stream()
        .flatMap(event -> Blocks.known(event).stream())
        .distinct()
        .map(Blocks.Known::finding)
        .forEach(known::add);
    if (!known.isEmpty()) {
      String report =
          "known, reported and not fixed yet: "
              + String.join("; ", known)
              + "\n"
              + current.replay()
              + "\n"
              + Blocks.describe(caused);
      System.out.println("fuzz: skipped " + report);
      Assumptions.abort(report);
    }
  }

  /** A case: its probe, and how a failure shows it. */
  private record Case(String replay, Probe probe) {}

  /**
   * Runs the case's exchange, adding a known finding its answer shows to {@code known}, and returns
   * the blocked-thread warnings logged meanwhile; any other warning or error fails the case at
   * once.
   */
  private List<ILoggingEvent> exchange(Case sent, List<String> known) {
    try {
      sent.probe().exchange().ifPresent(known::add);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(sent.replay() + "\n" + e.getMessage(), e);
    }
    List<ILoggingEvent> logged = freshWarnings();
    List<ILoggingEvent> others = logged.stream().filter(event -> !Blocks.isBlock(event)).toList();
    if (!others.isEmpty()) {
      fail("logged while answering " + sent.replay() + ":\n" + Blocks.describe(others));
    }
    return logged;
  }

  /**
   * Whose the blocks logged during a case are. A pause of the whole process (garbage collection),
   * or its threads waiting for a core that other processes hold, passes 50 ms too; but a block that
   * a request causes comes back each time the request is sent. So the case is sent twice more, and
   * so is the one before it (a block may be logged just after the answer it delayed). A case that
   * blocks an event loop on every send fails, unless its blocks are known findings.
   *
   * @return the blocks of the case that caused them, all known; none if the machine caused them
   */
  private List<ILoggingEvent> caused(Case current, Case before, List<ILoggingEvent> first) {
    for (Case suspect : before == null ? List.of(current) : List.of(current, before)) {
      List<ILoggingEvent> all = new ArrayList<>(first);
      boolean everyTime = true;
      boolean unexplainedEveryTime = !unexplained(first).isEmpty();
      for (int run = 0; run < CONFIRMATIONS && everyTime; run++) {
        List<ILoggingEvent> again = settled(exchange(suspect, new ArrayList<>()));
        all.addAll(again);
        everyTime = !again.isEmpty();
        unexplainedEveryTime &= !unexplained(again).isEmpty();
      }
      if (everyTime && unexplainedEveryTime) {
        fail(
            "an event loop was held over "
                + FuzzedNode.MAX_BLOCK
                + " on each of "
                + (CONFIRMATIONS + 1)
                + " sends of "
                + suspect.replay()
                + "\n"
                + Blocks.describe(unexplained(all)));
      }
      if (everyTime) {
        return all.stream().filter(event -> Blocks.known(event).isPresent()).toList();
      }
    }
    System.out.println(
        "fuzz: blocked-thread warnings that did not come back when sent again (the machine's, not"
            + " a request's), logged during "
            + current.replay().lines().findFirst().orElse("")
            + "\n"
            + Blocks.describe(first));
    return List.of();
  }

  /** {@code logged}, and what else is logged within the next moments. */
  private List<ILoggingEvent> settled(List<ILoggingEvent> logged) {
    try {
      Thread.sleep(SETTLE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    List<ILoggingEvent> all = new ArrayList<>(logged);
    all.addAll(freshWarnings());
    return all;
  }

  private static List<ILoggingEvent> unexplained(List<ILoggingEvent> events) {
    return events.stream()
        .filter(event -> Blocks.isBlock(event) && Blocks.known(event).isEmpty())
        .toList();
  }

  /** The warnings and errors logged since the last look. */
  private List<ILoggingEvent> freshWarnings() {
    List<ILoggingEvent> all = log.warningEvents();
    List<ILoggingEvent> fresh = List.copyOf(all.subList(warningsSeen, all.size()));
    warningsSeen = all.size();
    return fresh;
  }

  /**
   * {@code /health} answered every time it was asked and answers now, quickly; a block logged since
   * the last case is that case's to explain.
   */
  private void healthy() {
    node.assertHealthy();
    List<ILoggingEvent> late = settled(freshWarnings());
    List<ILoggingEvent> others = late.stream().filter(event -> !Blocks.isBlock(event)).toList();
    assertEquals(List.of(), others.stream().map(LogCapture::describe).toList(), "logged");
    if (!late.isEmpty() && previous != null) {
      caused(previous, null, late);
    }
  }

  @Override
  public void close() {
    log.close();
  }
}
