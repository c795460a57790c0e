package io.drover.testkit;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The JUnit 5 extension behind {@link SshHosts} (which registers it; there is no need to name it). It starts the
 * fleets the annotations ask for, injects them, prints every host's log to standard error when a test fails, and
 * stops the fleets: class fleets after the class, method and instance-field fleets after each test. OpenSSH fleets
 * are skipped (a JUnit assumption) when {@code sshd} is not installed.
 */
public final class SshFleetExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SshFleetExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Optional<SshHosts> onClass = AnnotationSupport.findAnnotation(testClass, SshHosts.class);
        if (onClass.isPresent()) {
            SshFleet fleet = start(onClass.get(), context, "class " + testClass.getName());
            store(context).put(injectedKey(context), fleet);
        }
        for (Field field : annotatedFields(testClass)) {
            if (Modifier.isStatic(field.getModifiers())) {
                set(field, null, start(field.getAnnotation(SshHosts.class), context, "field " + field.getName()));
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Optional<SshHosts> onMethod = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, SshHosts.class));
        if (onMethod.isPresent()) {
            SshFleet fleet = start(onMethod.get(), context, "method " + context.getRequiredTestMethod().getName());
            store(context).put(injectedKey(context), fleet);
        }
        Object instance = context.getRequiredTestInstance();
        for (Field field : annotatedFields(instance.getClass())) {
            if (!Modifier.isStatic(field.getModifiers())) {
                set(field, instance, start(field.getAnnotation(SshHosts.class), context, "field " + field.getName()));
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            dump(context, "test " + context.getDisplayName() + " failed");
        }
        closeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            dump(context, context.getDisplayName() + " failed");
        }
        closeAll(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SshFleet.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            SshFleet fleet = store(c).get(injectedKey(c), SshFleet.class);
            if (fleet != null) {
                return fleet;
            }
        }
        throw new ParameterResolutionException("no SshFleet for parameter " + parameter.getParameter().getName() + " of "
                + parameter.getDeclaringExecutable() + ": annotate the test class or method with @SshHosts");
    }

    private static SshFleet start(SshHosts spec, ExtensionContext context, String owner) {
        if (spec.kind() == HostKind.OPENSSH) {
            Assumptions.assumeTrue(SshFleet.openSshAvailable(), "@SshHosts on " + owner + " needs OpenSSH's sshd, which "
                    + "is not installed (apt-get install openssh-server), or kind = HostKind.EMBEDDED");
        }
        SshFleet.Builder builder = SshFleet.builder().hosts(spec.count()).namePrefix(spec.prefix()).kind(spec.kind());
        for (String line : spec.sshdConfig()) {
            builder.sshdConfig(line);
        }
        SshFleet fleet = builder.start();
        fleets(context).add(fleet);
        return fleet;
    }

    private static void set(Field field, Object target, SshFleet fleet) {
        if (field.getType() != SshFleet.class) {
            throw new IllegalStateException("@SshHosts field " + field + " must be of type SshFleet");
        }
        try {
            field.setAccessible(true);
            field.set(target, fleet);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalStateException("cannot set @SshHosts field " + field + ": " + e, e);
        }
    }

    private static List<Field> annotatedFields(Class<?> type) {
        return AnnotationSupport.findAnnotatedFields(type, SshHosts.class, f -> true, HierarchyTraversalMode.TOP_DOWN);
    }

    /** Prints the logs of every fleet this context and its parents started. */
    private static void dump(ExtensionContext context, String why) {
        PrintStream out = System.err;
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            for (SshFleet fleet : fleets(c)) {
                out.println("===== drover-testkit: " + why + "; logs of the fleet in " + fleet.directory() + " =====");
                out.print(fleet.logs());
            }
        }
        out.flush();
    }

    private static void closeAll(ExtensionContext context) {
        List<SshFleet> fleets = fleets(context);
        RuntimeException failure = null;
        for (SshFleet fleet : fleets) {
            try {
                fleet.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        fleets.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** The fleets started for exactly this context (not its parents'). */
    private static List<SshFleet> fleets(ExtensionContext context) {
        return store(context).getOrComputeIfAbsent("fleets:" + context.getUniqueId(), k -> new Started(), Started.class)
                .fleets;
    }

    /** Fleets started for one context, in start order. */
    private static final class Started {
        final List<SshFleet> fleets = new ArrayList<>();
    }

    private static String injectedKey(ExtensionContext context) {
        return "injected:" + context.getUniqueId();
    }

    private static ExtensionContext.Store store(ExtensionContext context) {
        return context.getStore(NAMESPACE);
    }
}
