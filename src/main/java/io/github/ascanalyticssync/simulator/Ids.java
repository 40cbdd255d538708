package io.github.ascanalyticssync.simulator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** Deterministic ids and random numbers: the same seed and parts always give the same result. */
final class Ids {

    private Ids() {
    }

    static byte[] hash(long seed, Object... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            for (Object part : parts) {
                sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0x1f);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A lower-case UUID in version-4 layout, as Apple's ids look, derived from the seed and parts. */
    static String uuid(long seed, Object... parts) {
        ByteBuffer b = ByteBuffer.wrap(hash(seed, parts));
        long msb = (b.getLong() & ~0xF000L) | 0x4000L;
        long lsb = (b.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** A long derived from the seed and parts, for seeding a {@link java.util.Random}. */
    static long number(long seed, Object... parts) {
        return ByteBuffer.wrap(hash(seed, parts)).getLong();
    }

    /** A fraction in [0, 1) derived from the seed and parts. */
    static double fraction(long seed, Object... parts) {
        return (number(seed, parts) >>> 11) * 0x1.0p-53;
    }
}
