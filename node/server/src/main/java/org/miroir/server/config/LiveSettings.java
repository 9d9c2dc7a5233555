package org.miroir.server.config;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.miroir.cluster.config.AeRegistry;
import org.miroir.cluster.config.RemoteAe;
import org.miroir.cluster.config.SharedConfig;
import org.miroir.cluster.config.SharedSection;
import org.miroir.storage.metadata.DuplicatePolicy;

import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings an operator may change while the cluster runs (admin API), the same on every member: a cluster-wide
 * value (section {@code settings} of the shared configuration) overrides the node's configuration file.
 */
public final class LiveSettings {
    public static final String SECTION = "settings";
    private static final System.Logger LOG = System.getLogger(LiveSettings.class.getName());

    /** The settings, their names in the admin API and the configuration file, and how a value is checked. */
    public enum Setting {
        DUPLICATE_POLICY("duplicatePolicy") {
            @Override
            Object parse(Object v) {
                if (!(v instanceof String s)) throw new IllegalArgumentException("duplicatePolicy is a string");
                return DuplicatePolicy.valueOf(s.toUpperCase(Locale.ROOT)).name();
            }
        },
        RESTRICT_CALLING_AE_TITLES_TO_REGISTRY("restrictCallingAETitlesToRegistry") {
            @Override
            Object parse(Object v) {
                if (!(v instanceof Boolean)) throw new IllegalArgumentException(key + " is true or false");
                return v;
            }
        },
        ACCEPTED_CALLING_AE_TITLES("acceptedCallingAETitles") {
            @Override
            Object parse(Object v) {
                if (v == null) return null;
                if (!(v instanceof JsonArray a)) throw new IllegalArgumentException(key + " is a list of AE titles or null");
                JsonArray out = new JsonArray();
                for (Object aet : a) {
                    if (!(aet instanceof String s)) throw new IllegalArgumentException(key + " holds AE titles");
                    out.add(RemoteAe.checkAeTitle(s));
                }
                return out;
            }
        },
        FUZZY_PERSON_NAME_MATCHING("fuzzyPersonNameMatching") {
            @Override
            Object parse(Object v) {
                if (!(v instanceof Boolean)) throw new IllegalArgumentException(key + " is true or false");
                return v;
            }
        },
        CHECK_CALLING_HOSTS("checkCallingHosts") {
            @Override
            Object parse(Object v) {
                if (!(v instanceof Boolean)) throw new IllegalArgumentException(key + " is true or false");
                return v;
            }
        };

        public final String key;

        Setting(String key) {
            this.key = key;
        }

        /** The value in its JSON form, checked; throws IllegalArgumentException with a reason. */
        abstract Object parse(Object jsonValue);

        public static Setting of(String key) {
            for (Setting s : values()) if (s.key.equals(key)) return s;
            throw new IllegalArgumentException("no live setting " + key);
        }
    }

    private final SharedSection cluster;
    private final Map<Setting, Object> fromFile;
    private volatile Map<Setting, Object> effective;

    public LiveSettings(SharedConfig config, NodeConfig file) {
        this.cluster = config.section(SECTION);
        Map<Setting, Object> f = new TreeMap<>();
        f.put(Setting.DUPLICATE_POLICY, file.duplicatePolicy().name());
        f.put(Setting.RESTRICT_CALLING_AE_TITLES_TO_REGISTRY, file.restrictCallingAETitlesToRegistry());
        f.put(Setting.ACCEPTED_CALLING_AE_TITLES, file.acceptedCallingAETitles() == null ? null
                : new JsonArray(file.acceptedCallingAETitles().stream().sorted().toList()));
        f.put(Setting.FUZZY_PERSON_NAME_MATCHING, file.fuzzyPersonNameMatching());
        f.put(Setting.CHECK_CALLING_HOSTS, file.checkCallingHosts());
        this.fromFile = java.util.Collections.unmodifiableMap(f);
        rebuild();
        cluster.onChange(this::rebuild);
    }

    private void rebuild() {
        Map<Setting, Object> m = new TreeMap<>(fromFile);
        cluster.entries().forEach((key, json) -> {
            try {
                Setting s = Setting.of(key);
                m.put(s, s.parse(Json.decodeValue(json)));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "ignoring invalid cluster-wide setting {0}: {1}", key, e.getMessage());
            }
        });
        effective = java.util.Collections.unmodifiableMap(m);
    }

    public DuplicatePolicy duplicatePolicy() {
        return DuplicatePolicy.valueOf((String) effective.get(Setting.DUPLICATE_POLICY));
    }

    public boolean fuzzyPersonNameMatching() {
        return (Boolean) effective.get(Setting.FUZZY_PERSON_NAME_MATCHING);
    }

    /** Whether a calling AE must be registered and call from its registered host. */
    public boolean checkCallingHosts() {
        return (Boolean) effective.get(Setting.CHECK_CALLING_HOSTS);
    }

    /**
     * The calling AE titles allowed to associate, or null for any (the development default): the accepted list,
     * narrowed to the AE registry when calling AEs are restricted to it.
     */
    public Set<String> allowedCallingAETitles(AeRegistry registry) {
        JsonArray accepted = (JsonArray) effective.get(Setting.ACCEPTED_CALLING_AE_TITLES);
        return NodeConfig.allowedCallingAETitles((Boolean) effective.get(Setting.RESTRICT_CALLING_AE_TITLES_TO_REGISTRY),
                accepted == null ? null : new LinkedHashSet<>(accepted.getList().stream().map(Object::toString).toList()),
                registry.entries().keySet());
    }

    /** Every setting's value now, and whether it comes from the cluster or the node's file. */
    public JsonObject describe() {
        JsonObject out = new JsonObject();
        Map<String, String> overrides = cluster.entries();
        effective.forEach((s, v) -> out.put(s.key, new JsonObject().put("value", v)
                .put("source", overrides.containsKey(s.key) ? "cluster" : "file")));
        return out;
    }

    /** Sets a cluster-wide value; IllegalArgumentException (before anything is written) when it is not valid. */
    public Future<Void> set(String key, Object jsonValue) {
        Setting s = Setting.of(key);
        Object v = s.parse(jsonValue);
        return cluster.put(s.key, Json.encode(v));
    }

    /** Drops the cluster-wide value, so the node's file applies again; {@code false} when there was none. */
    public Future<Boolean> reset(String key) {
        return cluster.delete(Setting.of(key).key);
    }

    /** Called (on a Vert.x thread) after a cluster-wide value changed. */
    public void onChange(Runnable listener) {
        cluster.onChange(listener);
    }
}
