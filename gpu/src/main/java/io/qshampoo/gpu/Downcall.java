package io.qshampoo.gpu;

import java.lang.invoke.MethodHandle;

/** Invokes a downcall handle, letting unchecked exceptions through and wrapping nothing else silently. */
final class Downcall {

    private Downcall() {
    }

    /** h(args) for a function returning a C {@code int} (a status code). */
    static int status(MethodHandle h, String call, Object... args) {
        return (Integer) invoke(h, call, args);
    }

    /** h(args) for any function; the result boxed (null for void). */
    static Object invoke(MethodHandle h, String call, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("downcall " + call + " threw " + t, t);
        }
    }
}
