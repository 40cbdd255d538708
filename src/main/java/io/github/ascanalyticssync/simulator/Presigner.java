package io.github.ascanalyticssync.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Presigned-style segment URLs: {@code X-Amz-Date}, {@code X-Amz-Expires} and an {@code X-Amz-Signature} that is an
 * HMAC over the method, path, date and expiry, so a URL can be neither altered nor extended, and a URL signed for GET
 * does not answer a HEAD (as S3 signs the method). Real time, as S3 uses.
 */
public class Presigner {

    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public enum Verdict {
        VALID, MISSING, BAD_SIGNATURE, EXPIRED
    }

    private final Endpoints endpoints;
    private final int configuredExpirySeconds;
    private volatile int expirySeconds;
    private final byte[] key;

    public Presigner(Endpoints endpoints, SimulatorConfig config) {
        this.endpoints = endpoints;
        this.configuredExpirySeconds = config.storage().urlExpirySeconds();
        this.expirySeconds = configuredExpirySeconds;
        this.key = config.storage().signingKey().getBytes(StandardCharsets.UTF_8);
    }

    public int expirySeconds() {
        return expirySeconds;
    }

    /** Changes {@code X-Amz-Expires} of the URLs minted from now on (0 mints URLs that are expired at once). */
    public void setExpirySeconds(int seconds) {
        this.expirySeconds = seconds;
    }

    public void reset() {
        this.expirySeconds = configuredExpirySeconds;
    }

    public String url(String path) {
        String date = AMZ_DATE.format(Instant.now());
        String expires = Integer.toString(expirySeconds);
        return endpoints.storageBaseUrl() + path + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=ASIASIMULATOR0000KEY%2F" + date.substring(0, 8) + "%2Fus-west-2%2Fs3%2Faws4_request"
                + "&X-Amz-Date=" + date + "&X-Amz-Expires=" + expires + "&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=" + signature("GET", path, date, expires);
    }

    public Verdict check(String method, String path, String date, String expires, String signature) {
        if (date == null || expires == null || signature == null) {
            return Verdict.MISSING;
        }
        byte[] expected = signature(method, path, date, expires).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.BAD_SIGNATURE;
        }
        try {
            Instant signedAt = Instant.from(AMZ_DATE.parse(date));
            return Instant.now().isAfter(signedAt.plusSeconds(Long.parseLong(expires))) ? Verdict.EXPIRED : Verdict.VALID;
        } catch (DateTimeParseException | NumberFormatException e) {
            return Verdict.BAD_SIGNATURE;
        }
    }

    private String signature(String method, String path, String date, String expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((method + "\n" + path + "\n" + date + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
