package dev.offload.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A fuzz test: thousands of generated hostile requests against a real node whose event loops may
 * not be held for more than 50 ms. Minutes of work, so these tests run apart from the default
 * suite, by their own command: {@code mvn -B verify -Pfuzz}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Fuzz.TAG)
public @interface Fuzz {

  String TAG = "fuzz";
}
