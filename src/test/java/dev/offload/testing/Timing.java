package dev.offload.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that promises wall-clock times (a task starts within 100 ms of its time, a cancel stops an
 * attempt within a second...). A busy machine can miss such a promise without anything being wrong,
 * so these tests run apart from the default suite, by their own command: {@code mvn -B verify
 * -Ptiming}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Timing.TAG)
public @interface Timing {

  String TAG = "timing";
}
