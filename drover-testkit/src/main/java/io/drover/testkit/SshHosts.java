package io.drover.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test a fleet of throwaway SSH hosts ({@link SshFleet}), started before and stopped after it by
 * {@link SshFleetExtension}. Where it goes decides how long the fleet lives:
 *
 * <ul>
 *   <li>on a <b>test class</b>: one fleet for the whole class (started before {@code @BeforeAll}, stopped after
 *       {@code @AfterAll}), injected into any {@code SshFleet} parameter of the constructor, lifecycle methods and
 *       tests;
 *   <li>on a <b>test method</b>: a fleet of its own for that test (started before {@code @BeforeEach}, stopped after
 *       {@code @AfterEach}); its {@code SshFleet} parameters (and those of the {@code @BeforeEach}/{@code @AfterEach}
 *       methods run around it) get this fleet rather than the class's;
 *   <li>on a <b>field</b> of type {@code SshFleet}: a {@code static} field gets a fleet for the class, an instance
 *       field a new fleet for every test.
 * </ul>
 *
 * <p>A client the test builds for a class fleet (in {@code @BeforeAll}) can be handed to {@link SshFleet#closing} to be
 * closed before the fleet stops, without an {@code @AfterAll} of its own.
 *
 * <p>When a test fails, the log of every host of the fleets it could see is printed to standard error before the
 * fleets stop. When {@link #kind()} is {@link HostKind#OPENSSH} and {@code sshd} is not installed, the test (or the
 * class) is skipped with the reason, not failed.
 *
 * <pre>{@code
 * @SshHosts(count = 3, prefix = "web")
 * class DeployTest {
 *     @Test
 *     void reachesEveryHost(SshFleet fleet) { ... ssh -F fleet.sshConfig() web1 ... }
 *
 *     @Test
 *     @SshHosts(count = 1, kind = HostKind.EMBEDDED)
 *     void worksWithoutSshd(SshFleet fleet) { ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SshFleetExtension.class)
public @interface SshHosts {

    /** How many hosts (1 to {@value SshFleet#MAX_HOSTS}). */
    int count() default 3;

    /** Host names are {@code prefix1..prefixN}. */
    String prefix() default "host";

    HostKind kind() default HostKind.OPENSSH;

    /** Extra {@code sshd_config} lines for every host ({@link HostKind#OPENSSH} only). */
    String[] sshdConfig() default {};
}
