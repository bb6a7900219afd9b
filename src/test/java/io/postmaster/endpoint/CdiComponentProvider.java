package io.postmaster.endpoint;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.Unmanaged;
import org.glassfish.tyrus.core.ComponentProvider;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Test only: makes standalone Tyrus create endpoints through CDI ({@link Unmanaged}), as application servers do,
 * so {@code @Inject} works in the embedded server. Tyrus makes several instances of this class and may create and
 * destroy one endpoint through different ones, hence the static map.
 */
public class CdiComponentProvider extends ComponentProvider {
    private static final Map<Object, Unmanaged.UnmanagedInstance<?>> INSTANCES =
            Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public boolean isApplicable(Class<?> c) {
        try {
            CDI.current();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public <T> Object create(Class<T> c) {
        Unmanaged.UnmanagedInstance<T> ui = new Unmanaged<>(CDI.current().getBeanManager(), c)
                .newInstance().produce().inject().postConstruct();
        INSTANCES.put(ui.get(), ui);
        return ui.get();
    }

    @Override
    public boolean destroy(Object o) {
        Unmanaged.UnmanagedInstance<?> ui = INSTANCES.remove(o);
        if (ui == null) {
            return false;
        }
        ui.preDestroy().dispose();
        return true;
    }
}
