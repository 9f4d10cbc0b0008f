package dev.offload.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutovacuumTest {

  /** PostgreSQL 15's defaults as pg_settings has them, with autovacuum off as on the bench machine. */
  private static Map<String, String> defaults() {
    Map<String, String> setting = new HashMap<>();
    for (String pair : ("autovacuum=off autovacuum_naptime=60 autovacuum_vacuum_threshold=50"
        + " autovacuum_vacuum_scale_factor=0.2 autovacuum_vacuum_insert_threshold=1000"
        + " autovacuum_vacuum_insert_scale_factor=0.2 autovacuum_analyze_threshold=50"
        + " autovacuum_analyze_scale_factor=0.1 autovacuum_vacuum_cost_delay=2 autovacuum_vacuum_cost_limit=-1"
        + " vacuum_cost_delay=0 vacuum_cost_limit=200").split(" ")) {
      setting.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    return setting;
  }

  private static final Autovacuum.Settings SETTINGS = Autovacuum.Settings.of(defaults());

  private static Autovacuum.TableStats table(double reltuples, long dead, long inserted, long modified) {
    return new Autovacuum.TableStats("public.offload_task", reltuples, dead, inserted, modified);
  }

  @Test
  void settings_take_the_vacuum_cost_limit_where_autovacuum_says_minus_one() {
    assertFalse(SETTINGS.enabled());
    assertEquals(60, SETTINGS.naptimeSeconds());
    assertEquals(2, SETTINGS.costDelayMillis());
    assertEquals(200, SETTINGS.costLimit());
  }

  @Test
  void settings_take_the_vacuum_cost_delay_where_autovacuum_says_minus_one() {
    Map<String, String> setting = defaults();
    setting.put("autovacuum_vacuum_cost_delay", "-1");
    setting.put("vacuum_cost_delay", "5");
    setting.put("autovacuum_vacuum_cost_limit", "1000");
    Autovacuum.Settings settings = Autovacuum.Settings.of(setting);
    assertEquals(5, settings.costDelayMillis());
    assertEquals(1000, settings.costLimit());
  }

  @Test
  void settings_fail_on_a_missing_setting() {
    Map<String, String> setting = defaults();
    setting.remove("autovacuum_naptime");
    assertThrows(IllegalArgumentException.class, () -> Autovacuum.Settings.of(setting));
  }

  @Test
  void a_table_below_every_threshold_is_left_alone() {
    // 1,000,000 rows: vacuum above 200,050 dead, 201,000 inserted; analyze above 100,050 changed.
    assertEquals(Autovacuum.Action.NONE, Autovacuum.action(SETTINGS, table(1_000_000, 200_050, 201_000, 100_050)));
  }

  @Test
  void dead_tuples_above_threshold_plus_scale_factor_times_reltuples_mean_vacuum() {
    assertEquals(Autovacuum.Action.VACUUM, Autovacuum.action(SETTINGS, table(1_000_000, 200_051, 0, 0)));
  }

  @Test
  void inserts_above_the_insert_threshold_mean_vacuum() {
    assertEquals(Autovacuum.Action.VACUUM, Autovacuum.action(SETTINGS, table(1_000_000, 0, 201_001, 0)));
  }

  @Test
  void an_insert_threshold_of_minus_one_turns_the_insert_rule_off() {
    Map<String, String> setting = defaults();
    setting.put("autovacuum_vacuum_insert_threshold", "-1");
    assertEquals(Autovacuum.Action.NONE,
      Autovacuum.action(Autovacuum.Settings.of(setting), table(0, 0, 10_000_000, 0)));
  }

  @Test
  void changed_rows_above_the_analyze_threshold_mean_analyze() {
    assertEquals(Autovacuum.Action.ANALYZE, Autovacuum.action(SETTINGS, table(1_000_000, 0, 0, 100_051)));
  }

  @Test
  void both_rules_at_once_mean_one_vacuum_analyze() {
    Autovacuum.Action action = Autovacuum.action(SETTINGS, table(1_000_000, 300_000, 0, 300_000));
    assertEquals(Autovacuum.Action.VACUUM_ANALYZE, action);
    assertEquals("VACUUM (ANALYZE) public.offload_task", action.statement("public.offload_task"));
  }

  @Test
  void a_table_never_counted_has_negative_reltuples_taken_as_zero() {
    // reltuples -1: the thresholds are the base thresholds alone.
    assertEquals(Autovacuum.Action.VACUUM_ANALYZE, Autovacuum.action(SETTINGS, table(-1, 51, 0, 51)));
    assertEquals(Autovacuum.Action.NONE, Autovacuum.action(SETTINGS, table(-1, 50, 1000, 50)));
  }

  @Test
  void a_longer_naptime_keeps_the_rest() {
    Autovacuum.Settings settings = SETTINGS.withNaptime(5);
    assertEquals(5, settings.naptimeSeconds());
    assertEquals(SETTINGS.vacuumThreshold(), settings.vacuumThreshold());
    assertTrue(settings.costLimit() > 0);
  }
}
