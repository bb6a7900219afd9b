package io.postmaster.endpoint;

import io.postmaster.message.ErrorUris;
import io.postmaster.router.Router;
import io.postmaster.serialization.JsonValues;
import io.postmaster.serialization.MalformedMessageException;
import io.postmaster.spi.SessionDetails;
import io.postmaster.spi.WampException;
import io.postmaster.spi.WampProcedure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds the {@link WampProcedure} methods of the application's beans at startup and registers each as a server-side
 * procedure, with JSON-B mapping arguments to parameters and the return value to the RESULT.
 */
@ApplicationScoped
public class ServerProcedures {
    private static final Logger LOG = Logger.getLogger(ServerProcedures.class.getName());

    @Inject
    BeanManager beans;

    private Jsonb jsonb;
    /** "realm NUL procedure" of every procedure open to anonymous sessions; written at startup only. */
    private final java.util.Set<String> anonymous = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Whether {@code procedure} is a server-side procedure of {@code realm} open to anonymous sessions. */
    boolean anonymous(String realm, String procedure) {
        return anonymous.contains(realm + '\u0000' + procedure);
    }

    void registerAll(Router router) {
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            for (Method m : annotated(type)) {
                WampProcedure p = m.getAnnotation(WampProcedure.class);
                String unfit = unfit(m);
                if (unfit != null) {
                    throw new IllegalStateException("@WampProcedure(\"" + p.value() + "\") on " + type.getName() + "."
                            + m.getName() + ": " + unfit);
                }
                if (jsonb == null) {
                    jsonb = JsonbBuilder.create();
                }
                Object instance = beans.getReference(bean, type, beans.createCreationalContext(bean));
                Predicate<SessionDetails> access = access(p);
                List<String> realms = p.realm().isEmpty()
                        ? router.realms().stream().map(r -> r.name()).toList() : List.of(p.realm());
                for (String realm : realms) {
                    router.registerLocal(realm, p.value(), access,
                            (caller, args, kwargs) -> invoke(instance, m, caller, args, kwargs));
                    if (p.anonymous()) {
                        anonymous.add(realm + '\u0000' + p.value());
                    }
                }
                LOG.info(() -> "@WampProcedure " + p.value() + " → " + type.getName() + "." + m.getName()
                        + (p.anonymous() ? " (anonymous sessions allowed)" : "")
                        + (p.roles().length > 0 ? " (roles " + Arrays.toString(p.roles()) + ")" : ""));
            }
        }
    }

    /**
     * The methods of {@code type} and its superclasses that carry {@link WampProcedure}, whatever their visibility,
     * so that one the router could not call is reported instead of being left out without a word.
     */
    static List<Method> annotated(Class<?> type) {
        List<Method> found = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                String signature = m.getName() + Arrays.toString(m.getParameterTypes());
                if (m.isAnnotationPresent(WampProcedure.class) && !m.isBridge() && !m.isSynthetic()
                        && seen.add(signature)) { // an override hides what it overrides
                    found.add(m);
                } else if (!m.isAnnotationPresent(WampProcedure.class)) {
                    seen.add(signature);
                }
            }
        }
        return found;
    }

    /** Why the router cannot call {@code m} as a procedure, or null when it can. */
    static String unfit(Method m) {
        int mods = m.getModifiers();
        if (!Modifier.isPublic(mods) || !Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            return "the method (and its class) must be public, so the router can call it through the bean's proxy";
        }
        if (Modifier.isStatic(mods)) {
            return "the method must not be static";
        }
        if (m.getAnnotation(WampProcedure.class).value().isBlank()) {
            return "the annotation must name the procedure's URI";
        }
        int details = 0;
        for (Parameter p : m.getParameters()) {
            if (p.getType() == SessionDetails.class) {
                if (++details > 1) {
                    return "at most one SessionDetails parameter";
                }
                continue;
            }
            String why = unmappable(p.getParameterizedType());
            if (why != null) {
                return "parameter " + p.getName() + " of type " + p.getParameterizedType().getTypeName() + " " + why;
            }
        }
        Class<?> r = m.getReturnType();
        if (java.util.concurrent.Future.class.isAssignableFrom(r)
                || java.util.concurrent.CompletionStage.class.isAssignableFrom(r)) {
            return "the return type " + r.getName() + " is not a value JSON-B can write (return the result itself;"
                    + " the router runs the method off the I/O thread already)";
        }
        return null;
    }

    /** Why JSON-B cannot read a call's argument into {@code t}, or null when it can. */
    private static String unmappable(java.lang.reflect.Type t) {
        if (t instanceof java.lang.reflect.TypeVariable<?> || t instanceof java.lang.reflect.WildcardType) {
            return "is a type variable: JSON-B cannot tell what to read an argument into";
        }
        if (t instanceof java.lang.reflect.ParameterizedType pt) {
            for (java.lang.reflect.Type a : pt.getActualTypeArguments()) {
                if (a instanceof java.lang.reflect.TypeVariable<?>) {
                    return "has a type variable: JSON-B cannot tell what to read an argument into";
                }
            }
            return unmappable(pt.getRawType());
        }
        if (t instanceof java.lang.reflect.GenericArrayType ga) {
            return unmappable(ga.getGenericComponentType());
        }
        if (t instanceof Class<?> c) {
            if (c.isArray()) {
                return unmappable(c.getComponentType());
            }
            if (c.isPrimitive() || c.isEnum() || c == Object.class || c == Number.class || c == CharSequence.class
                    || java.util.Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)
                    || c.getName().startsWith("jakarta.json.")) {
                return null; // what JSON-B maps by default: values, collections, maps, JSON-P types
            }
            if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
                return "is abstract: JSON-B cannot make one from an argument";
            }
        }
        return null;
    }

    /** Anonymous sessions only if the annotation says so; authenticated ones if their role is listed (or none is). */
    static Predicate<SessionDetails> access(WampProcedure p) {
        List<String> roles = List.of(p.roles());
        boolean anonymous = p.anonymous();
        return s -> "anonymous".equals(s.authmethod()) ? anonymous : roles.isEmpty() || roles.contains(s.authrole());
    }

    private static WampException argumentsDoNotFit(Method m, String why, Exception cause) {
        String procedure = m.getAnnotation(WampProcedure.class).value();
        LOG.log(Level.FINE, "bad arguments for " + procedure + ": " + why, cause);
        return new WampException(ErrorUris.INVALID_ARGUMENT, "the arguments do not fit " + procedure);
    }

    /** A {@link WampProcedure} method threw: the router logs it and answers {@code wamp.error.runtime_error}. */
    private static final class ProcedureFailed extends Exception {
        ProcedureFailed(Method m, Throwable cause) {
            super("@WampProcedure " + m.getAnnotation(WampProcedure.class).value() + " threw", cause);
        }
    }

    /**
     * Calls {@code m} with the call's arguments. Arguments that do not fit the parameters are the caller's error:
     * {@link WampException} {@code wamp.error.invalid_argument}. Whatever else the method throws is its own failure
     * and goes on as it is (a {@link WampException} is the method's answer, anything else a
     * {@code wamp.error.runtime_error}).
     */
    private List<Object> invoke(Object instance, Method m, SessionDetails caller, List<Object> args,
                                Map<String, Object> kwargs) throws Exception {
        Parameter[] params = m.getParameters();
        Object[] values = new Object[params.length];
        List<Integer> dataParams = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            if (params[i].getType() == SessionDetails.class) {
                values[i] = caller;
            } else {
                dataParams.add(i);
            }
        }
        List<Object> positional = args == null ? List.of() : args;
        boolean fromKwargs = positional.isEmpty() && kwargs != null && !kwargs.isEmpty() && dataParams.size() == 1;
        for (int k = 0; k < dataParams.size(); k++) {
            int i = dataParams.get(k);
            Object raw = fromKwargs ? kwargs : k < positional.size() ? positional.get(k) : null;
            if (raw == null && params[i].getType().isPrimitive()) {
                throw argumentsDoNotFit(m, "argument " + k + " is missing", null);
            }
            try {
                values[i] = raw == null ? null : jsonb.fromJson(jsonb.toJson(raw), params[i].getParameterizedType());
            } catch (JsonbException e) {
                throw argumentsDoNotFit(m, "argument " + k + " does not convert", e);
            }
        }
        Object result;
        try {
            result = m.invoke(instance, values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof WampException answer) {
                throw answer;
            }
            // The method's own failure, whatever its type: a runtime_error, never taken for the caller's arguments.
            throw new ProcedureFailed(m, e.getCause());
        }
        if (result == null) {
            return null;
        }
        // To plain JSON values (maps, lists, strings, numbers, booleans), which every serializer can write.
        List<Object> out = new ArrayList<>(1);
        out.add(plain(jsonb, result));
        return out;
    }

    /**
     * An application object as plain WAMP values, through its JSON-B form: read back by Postmaster itself, so that an
     * integer stays an integer on every server (one JSON-B implementation reads every number back as a double).
     */
    static Object plain(Jsonb jsonb, Object value) {
        try {
            return JsonValues.parse(jsonb.toJson(value));
        } catch (MalformedMessageException e) {
            throw new IllegalStateException("JSON-B wrote what is not JSON: " + e.getMessage());
        }
    }
}
