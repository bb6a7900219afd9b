package io.postmaster.config;

import java.util.function.Function;

/**
 * What the clients of one node can make the cluster's engine (and, through it, every other node) hold, per realm.
 * Unused on a single node.
 *
 * @param maxInterest           distinct topics and patterns a node announces as its subscribers' interest; past it
 *                              (or past {@code maxInterestBytes}) the node announces "everything in the realm"
 *                              instead, one entry: the other nodes relay it every publication of the realm and it
 *                              matches them itself (more traffic to that node, nothing lost, nothing more held); it
 *                              announces its topics again once they are back under half of both bounds
 * @param maxInterestBytes      the same bound on the bytes of those topics and patterns
 * @param maxRegistrations      registrations a node's sessions may hold in the cluster's table; past it (or past
 *                              {@code maxRegistrationBytes}) REGISTER gets {@code postmaster.error.limit_reached}
 * @param maxRegistrationBytes  the same bound on the bytes of those procedures' URIs
 */
public record ClusterBounds(int maxInterest, long maxInterestBytes, int maxRegistrations, long maxRegistrationBytes) {

    public static final String MAX_INTEREST = "postmaster.cluster.max-interest";
    public static final String MAX_INTEREST_BYTES = "postmaster.cluster.max-interest-bytes";
    public static final String MAX_REGISTRATIONS = "postmaster.cluster.max-registrations";
    public static final String MAX_REGISTRATION_BYTES = "postmaster.cluster.max-registration-bytes";

    public ClusterBounds {
        if (maxInterest < 1 || maxInterestBytes < 1024 || maxRegistrations < 1 || maxRegistrationBytes < 1024) {
            throw new IllegalArgumentException(MAX_INTEREST + " and " + MAX_REGISTRATIONS + " must be positive, "
                    + MAX_INTEREST_BYTES + " and " + MAX_REGISTRATION_BYTES + " at least 1024; got " + maxInterest
                    + ", " + maxRegistrations + ", " + maxInterestBytes + ", " + maxRegistrationBytes);
        }
    }

    /** The settings from {@code lookup}. */
    public static ClusterBounds from(Function<String, String> lookup) {
        return new ClusterBounds(PostmasterConfig.intValue(lookup, MAX_INTEREST, 10_000),
                PostmasterConfig.longValue(lookup, MAX_INTEREST_BYTES, 4L << 20),
                PostmasterConfig.intValue(lookup, MAX_REGISTRATIONS, 10_000),
                PostmasterConfig.longValue(lookup, MAX_REGISTRATION_BYTES, 4L << 20));
    }
}
