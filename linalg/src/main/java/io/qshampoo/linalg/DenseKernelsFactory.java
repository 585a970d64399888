package io.qshampoo.linalg;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses a {@link DenseKernels} backend by name: {@code ejml} (the reference, always present) or any
 * {@link DenseKernelsProvider} on the class path, e.g. {@code openblas} from the module
 * {@code qshampoo-linalg-openblas}. The system property {@value #PROPERTY} names the default
 * ({@code -Dqshampoo.kernels=openblas}); unset, it is EJML.
 *
 * <p>A backend that is known but cannot run here (its module is absent, its native library does not load on this
 * OS/arch) is replaced by EJML, and the reason is printed once per JVM on standard error; the returned
 * {@link Selection} carries the reason for reports. An unknown name is an error. Each backend is opened at most
 * once per JVM. Thread-safe.
 */
public final class DenseKernelsFactory {

    /** The system property naming the default backend. */
    public static final String PROPERTY = "qshampoo.kernels";

    /** The name of the reference backend. */
    public static final String EJML = "ejml";

    /** The name of the native backend of module {@code qshampoo-linalg-openblas}. */
    public static final String OPENBLAS = "openblas";

    private static final Map<String, Selection> OPENED = new ConcurrentHashMap<>();
    private static final Set<String> PROVIDER_ERRORS = ConcurrentHashMap.newKeySet();

    private DenseKernelsFactory() {
    }

    /**
     * The outcome of a selection.
     *
     * @param requested      the name asked for, lower case
     * @param kernels        the kernels that will run (EJML when the requested backend could not load)
     * @param fallbackReason why the requested backend is not running, or {@code null} when it is
     */
    public record Selection(String requested, DenseKernels kernels, String fallbackReason) {

        /** Whether EJML runs in place of the requested backend. */
        public boolean fellBack() {
            return fallbackReason != null;
        }

        /** One line for reports: the backend that ran, its threads, and the fallback reason if any. */
        public String describe() {
            String ran = kernels.name() + ", " + kernels.threads() + (kernels.threads() == 1 ? " thread" : " threads");
            return fellBack() ? ran + " (" + requested + " requested, unavailable: " + fallbackReason + ")" : ran;
        }
    }

    /** The backend the system property {@value #PROPERTY} names, EJML when it is unset or blank. */
    public static Selection fromProperty() {
        String name = System.getProperty(PROPERTY);
        return select(name == null || name.isBlank() ? EJML : name);
    }

    /**
     * The backend called {@code name} (case-insensitive); EJML with a reason where it cannot run.
     *
     * @throws IllegalArgumentException if {@code name} is null or names no backend
     */
    public static Selection select(String name) {
        if (name == null) {
            throw new IllegalArgumentException("kernels name is null; expected one of " + knownNames());
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.equals(EJML)) {
            return new Selection(EJML, DenseKernels.reference(), null);
        }
        Selection cached = OPENED.get(key);
        if (cached != null) {
            return cached;
        }
        synchronized (DenseKernelsFactory.class) {
            return OPENED.computeIfAbsent(key, DenseKernelsFactory::open);
        }
    }

    /** Every backend name this class path offers, plus the known optional ones, sorted. */
    public static List<String> knownNames() {
        TreeSet<String> names = new TreeSet<>(List.of(EJML, OPENBLAS));
        for (DenseKernelsProvider p : providers()) {
            names.add(p.name().toLowerCase(Locale.ROOT));
        }
        return new ArrayList<>(names);
    }

    private static Selection open(String key) {
        DenseKernelsProvider found = null;
        for (DenseKernelsProvider p : providers()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(key)) {
                found = p;
                break;
            }
        }
        String reason;
        if (found != null) {
            try {
                return new Selection(key, found.open(), null);
            } catch (LinkageError | RuntimeException e) {
                reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        } else if (!PROVIDER_ERRORS.isEmpty()) {
            reason = "a backend provider failed to load: " + String.join("; ", PROVIDER_ERRORS);
        } else if (key.equals(OPENBLAS)) {
            reason = "module qshampoo-linalg-openblas is not on the class path";
        } else {
            throw new IllegalArgumentException("unknown kernels '" + key + "'; expected one of " + knownNames());
        }
        System.err.println("qshampoo: " + key + " kernels unavailable (" + reason + "); using ejml");
        return new Selection(key, DenseKernels.reference(), reason);
    }

    /** The providers that instantiate; a provider whose class fails to load is skipped and its error kept. */
    private static List<DenseKernelsProvider> providers() {
        List<DenseKernelsProvider> list = new ArrayList<>();
        Iterator<DenseKernelsProvider> it =
                ServiceLoader.load(DenseKernelsProvider.class, DenseKernelsFactory.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return list;
                }
                list.add(it.next());
            } catch (ServiceConfigurationError e) {
                PROVIDER_ERRORS.add(e.getMessage());
            }
        }
    }
}
