package dev.offload;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The architecture, as rules the build enforces on the production classes.
 *
 * <p>Packages: none is part of a cycle, each package (a nested one too, such as {@code
 * task.handlers}) being its own slice, so a cycle cannot hide between a package and its
 * sub-package. {@code http} holds the verticle and assembles the routes; a feature package ({@code
 * users}, {@code images}, {@code files}, {@code outbound}) keeps its own routes, if it has any, and
 * may use {@code api} (ApiError, TaskJson, RequireDatabase) and the domain, never {@code http}. The
 * engine (domain, store, dispatch, workers) knows nothing of HTTP.
 *
 * <p>SQL text lives only in the *Sql classes. ArchUnit reads class files, where a {@code static
 * final String} is copied into every class that uses it, so the rule has two halves: the string
 * literals in the source of every other class must not look like SQL ({@link SqlInSource}:
 * statements, clauses, casts; a fragment without any of these escapes it), and only the stores may
 * hand a statement to the SQL client or to JDBC.
 *
 * <p>The rules are {@code @ArchTest} methods, not fields: Surefire 3.5.3 silently skips
 * {@code @ArchTest} fields and reports "Tests run: 0" (SUREFIRE-2298, fixed in 3.5.4), which would
 * let any violation through.
 */
@AnalyzeClasses(packages = "dev.offload", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final Path SOURCES =
      Path.of("src", "main", "java"); // Surefire runs in the project directory

  @ArchTest
  static void no_package_is_part_of_a_cycle(JavaClasses classes) {
    slices()
        .matching("dev.offload.(**)")
        .namingSlices("$1")
        .should()
        .beFreeOfCycles()
        .check(classes);
  }

  @ArchTest
  static void only_http_and_the_wiring_depend_on_http(JavaClasses classes) {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.offload.http..")
        .and()
        .doNotBelongToAnyOf(Main.class, OffloadNode.class)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.offload.http..")
        .check(classes);
  }

  @ArchTest
  static void the_engine_knows_nothing_of_http(JavaClasses classes) {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.offload.task..",
            "dev.offload.store..",
            "dev.offload.dispatch..",
            "dev.offload.worker..",
            "dev.offload.node..",
            "dev.offload.config..",
            "dev.offload.support..",
            "dev.offload.tracing..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.offload.http..",
            "dev.offload.api..",
            "io.vertx.ext.web",
            "io.vertx.ext.web.handler..")
        .check(classes);
  }

  /** Feature packages depend on api, so api depending on any of them would close a cycle. */
  @ArchTest
  static void api_depends_on_no_feature(JavaClasses classes) {
    noClasses()
        .that()
        .resideInAPackage("dev.offload.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.offload.http..",
            "dev.offload.users..",
            "dev.offload.images..",
            "dev.offload.files..",
            "dev.offload.outbound..",
            "dev.offload.upstream..")
        .check(classes);
  }

  @ArchTest
  static void sql_text_lives_only_in_sql_classes(JavaClasses classes) {
    classes()
        .that()
        .areTopLevelClasses()
        .and()
        .haveSimpleNameNotEndingWith("Sql")
        .should(keepSqlOutOfTheirStringLiterals())
        .check(classes);
  }

  @ArchTest
  static void only_stores_run_statements(JavaClasses classes) {
    noClasses()
        .that()
        .haveSimpleNameNotEndingWith("Store")
        .and()
        .resideOutsideOfPackage("dev.offload.store..")
        .should()
        .callMethodWhere(runsAStatement())
        .check(classes);
  }

  private static DescribedPredicate<JavaMethodCall> runsAStatement() {
    Set<String> sqlClient = Set.of("query", "preparedQuery");
    Set<String> jdbcConnection =
        Set.of("prepareStatement", "prepareCall", "createStatement", "nativeSQL");
    return DescribedPredicate.describe(
        "a statement run by the SQL client or JDBC",
        call -> {
          JavaClass owner = call.getTargetOwner();
          String name = call.getName();
          return owner.isAssignableTo(SqlClient.class) && sqlClient.contains(name)
              || owner.isAssignableTo(SqlConnection.class) && name.equals("prepare")
              || owner.isAssignableTo(java.sql.Connection.class) && jdbcConnection.contains(name)
              || owner.isAssignableTo(java.sql.Statement.class) && name.startsWith("execute");
        });
  }

  private static ArchCondition<JavaClass> keepSqlOutOfTheirStringLiterals() {
    return new ArchCondition<>("keep SQL out of their string literals") {
      @Override
      public void check(JavaClass javaClass, ConditionEvents events) {
        String file = javaClass.getSource().flatMap(source -> source.getFileName()).orElse(null);
        Path path =
            file == null
                ? null
                : SOURCES.resolve(javaClass.getPackageName().replace('.', '/')).resolve(file);
        if (path == null || !Files.isRegularFile(path)) {
          // A class whose source cannot be read would escape the rule unnoticed.
          events.add(
              SimpleConditionEvent.violated(
                  javaClass,
                  javaClass.getName()
                      + " has no source under "
                      + SOURCES.toAbsolutePath()
                      + " to check"));
          return;
        }
        List<String> sql = SqlInSource.literals(read(path));
        String message =
            javaClass.getName() + " (" + file + ") has SQL in its string literals: " + sql;
        events.add(new SimpleConditionEvent(javaClass, sql.isEmpty(), message));
      }
    };
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
