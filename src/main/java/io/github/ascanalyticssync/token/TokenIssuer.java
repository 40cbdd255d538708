package io.github.ascanalyticssync.token;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Issues App Store Connect API tokens: ES256 JWTs signed with the team's .p8 key (Nimbus JOSE+JWT), reused until
 * shortly before they expire. Neither the key nor a token is ever logged or put in an exception message.
 */
public final class TokenIssuer {

    public static final String AUDIENCE = "appstoreconnect-v1";
    static final Duration MAX_LIFETIME = Duration.ofMinutes(20);

    /** The key material and identity a token is made from, validated. */
    public record Credentials(String keyId, Optional<String> issuerId, boolean individual, ECPrivateKey key) {
        @Override
        public String toString() {
            return "Credentials[keyId=" + keyId + ", individual=" + individual + "]";
        }
    }

    private record Token(String value, Instant expires) {
        @Override
        public String toString() {
            return "Token[expires=" + expires + "]";
        }
    }

    private final Credentials credentials;
    private final Duration lifetime;
    private final Duration refreshMargin;
    private final Clock clock;
    private final ECDSASigner signer;
    private volatile Token current;

    public TokenIssuer(Credentials credentials, Duration lifetime, Duration refreshMargin, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new InvalidCredentialsException("asc.api.token-lifetime must be more than 0 and at most 20 minutes (PT20M), not " + lifetime);
        }
        this.credentials = credentials;
        this.lifetime = lifetime;
        this.refreshMargin = refreshMargin.compareTo(lifetime) < 0 ? refreshMargin : lifetime.dividedBy(2);
        this.clock = clock;
        try {
            this.signer = new ECDSASigner(credentials.key());
        } catch (JOSEException e) {
            throw new InvalidCredentialsException("The key in asc.api.private-key is not usable for ES256");
        }
    }

    /** The current token, minted afresh when none is valid for longer than the refresh margin. */
    public String token() {
        Token t = current;
        Instant now = clock.instant();
        if (t == null || !now.plus(refreshMargin).isBefore(t.expires())) {
            synchronized (this) {
                t = current;
                if (t == null || !now.plus(refreshMargin).isBefore(t.expires())) {
                    t = mint(now);
                    current = t;
                }
            }
        }
        return t.value();
    }

    /** Drops the current token so the next call mints a new one (after a 401). */
    public void invalidate(String rejected) {
        synchronized (this) {
            if (current != null && current.value().equals(rejected)) {
                current = null;
            }
        }
    }

    private Token mint(Instant now) {
        long iat = now.getEpochSecond();
        long exp = iat + lifetime.toSeconds();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().audience(AUDIENCE)
                .issueTime(new Date(iat * 1000)).expirationTime(new Date(exp * 1000));
        if (credentials.individual()) {
            claims.subject("user");
        } else {
            claims.issuer(credentials.issuerId().orElseThrow());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(credentials.keyId()).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing the App Store Connect token failed (" + e.getClass().getSimpleName() + ")");
        }
        return new Token(jwt.serialize(), Instant.ofEpochSecond(exp));
    }

    /**
     * Reads and checks the credentials; every problem is one sentence naming the setting to fix.
     *
     * @param pem the PEM text (from {@code asc.api.private-key}), or empty
     * @param path the .p8 path or {@code classpath:} resource (from {@code asc.api.private-key-path}), or empty
     */
    public static Credentials credentials(Optional<String> keyId, Optional<String> issuerId, boolean individual, Optional<String> pem,
            Optional<String> path) {
        return credentials("asc.api.", "ASC_", keyId, issuerId, individual, pem, path);
    }

    /**
     * The same for one of several keys: messages name its settings ({@code settings} + {@code key-id}, e.g.
     * {@code asc.keys.team-a.key-id}) and environment variables ({@code env} + {@code KEY_ID}).
     */
    public static Credentials credentials(String settings, String env, Optional<String> keyId, Optional<String> issuerId, boolean individual,
            Optional<String> pem, Optional<String> path) {
        String kid = keyId.map(String::trim).filter(s -> !s.isEmpty()).orElseThrow(() -> new InvalidCredentialsException(
                settings + "key-id is not set: give the key id of your App Store Connect API key (" + env + "KEY_ID)"));
        Optional<String> issuer = issuerId.map(String::trim).filter(s -> !s.isEmpty());
        if (!individual && issuer.isEmpty()) {
            throw new InvalidCredentialsException(settings + "issuer-id is not set: give your team's issuer id (" + env + "ISSUER_ID), or set "
                    + settings + "individual-key=true for an individual key");
        }
        String text;
        String setting;
        if (pem.filter(s -> !s.isBlank()).isPresent()) {
            text = pem.get();
            setting = settings + "private-key";
        } else if (path.filter(s -> !s.isBlank()).isPresent()) {
            setting = settings + "private-key-path";
            text = read(setting, path.get().trim());
        } else {
            throw new InvalidCredentialsException("Neither " + settings + "private-key-path nor " + settings + "private-key is set: give the path"
                    + " of your .p8 file (" + env + "PRIVATE_KEY_PATH) or its PEM text (" + env + "PRIVATE_KEY)");
        }
        return new Credentials(kid, issuer, individual, parse(text, setting));
    }

    private static String read(String setting, String path) {
        try {
            if (path.startsWith("classpath:")) {
                try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path.substring("classpath:".length()))) {
                    if (in == null) {
                        throw new InvalidCredentialsException(setting + " names " + path + ", which is not on the classpath");
                    }
                    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                }
            }
            return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new InvalidCredentialsException(setting + " names " + path + ", which does not exist");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new InvalidCredentialsException(setting + " names " + path + ", which cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static ECPrivateKey parse(String text, String setting) {
        String body = text.replace("\\n", "\n");
        if (body.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new InvalidCredentialsException(setting + " is an EC key in SEC1 form (BEGIN EC PRIVATE KEY), not a .p8 (BEGIN PRIVATE KEY):"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out AuthKey.p8");
        }
        if (body.contains("-----BEGIN PUBLIC KEY-----") || body.contains("-----BEGIN EC PUBLIC KEY-----") || body.contains("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidCredentialsException(setting + " is a public key (or certificate), not the private key: give the .p8 file"
                    + " (AuthKey_<key id>.p8, BEGIN PRIVATE KEY) downloaded from App Store Connect, Users and Access, Integrations");
        }
        if (body.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new InvalidCredentialsException(setting + " is an encrypted private key: App Store Connect's .p8 is not encrypted; decrypt it"
                    + " with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out AuthKey.p8");
        }
        if (!body.contains("-----BEGIN PRIVATE KEY-----") || !body.contains("-----END PRIVATE KEY-----")) {
            throw new InvalidCredentialsException(setting + " is not a .p8 key: expected the PEM text of the .p8, from the line BEGIN PRIVATE KEY to"
                    + " the line END PRIVATE KEY (each between five dashes)");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body.substring(body.indexOf("-----BEGIN PRIVATE KEY-----") + 27, body.indexOf("-----END PRIVATE KEY-----"))
                    .replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidCredentialsException(setting + " is not a .p8 key: its PEM body is not valid base64");
        }
        java.security.PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (Exception notEc) {
            throw new InvalidCredentialsException(setting + " is not an EC private key: App Store Connect keys are EC P-256 (.p8 from Users and Access)");
        }
        ECPrivateKey ec = (ECPrivateKey) key;
        if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
            throw new InvalidCredentialsException(setting + " is an EC key on another curve: App Store Connect keys are EC P-256");
        }
        return ec;
    }
}
