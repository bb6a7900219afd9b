package io.postmaster.endpoint;

/**
 * The application's class loader, made the thread's context loader around what runs for a connection on a server's
 * own thread outside JSR-356 (Undertow's I/O threads, a servlet container's upgrade callbacks), as a container's
 * JSR-356 layer sets it around every endpoint call. Apart from the transports that need it so that naming it loads
 * no server's classes.
 */
final class ApplicationLoader {
    /** The application's class loader. */
    static final ClassLoader LOADER = ApplicationLoader.class.getClassLoader();

    private ApplicationLoader() {
    }

    /** Runs {@code task} with the application's class loader as the thread's context loader. */
    static void run(Runnable task) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        if (before == LOADER) {
            task.run();
            return;
        }
        t.setContextClassLoader(LOADER);
        try {
            task.run();
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
