package io.github.ascanalyticssync.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.github.ascanalyticssync.simulator.SimulatorConfig.Role;

/**
 * Checks bearer tokens the way App Store Connect does: ES256 with a JOSE (r||s) signature, a known {@code kid},
 * {@code typ} JWT, {@code aud} appstoreconnect-v1, the team's {@code iss} (or {@code sub: "user"} for an individual
 * key), integer {@code iat}/{@code exp}, a lifetime of at most 20 minutes, not expired. Anything else is a 401.
 */
public class Authenticator {

    public static final String AUDIENCE = "appstoreconnect-v1";

    /** A key the request was signed with. */
    public record Caller(String keyId, Role role) {
    }

    private record Key(String id, Role role, boolean individual, ECPublicKey publicKey, ECPrivateKey privateKey) {
    }

    private final SimulatorConfig config;
    private final Map<String, Key> keys = new HashMap<>();
    /** Keys revoked through the admin API: App Store Connect answers 401 NOT_AUTHORIZED to their tokens. */
    private final java.util.Set<String> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ObjectMapper json = new ObjectMapper();

    public Authenticator(SimulatorConfig config) {
        this.config = config;
        config.keys().forEach((kid, k) -> keys.put(kid, new Key(kid, k.role(), k.individual(),
                (ECPublicKey) publicKey(kid, k.publicKey()),
                k.privateKey().map(p -> (ECPrivateKey) privateKey(kid, p)).orElse(null))));
    }

    public Caller authenticate(String authorization, String method, String path, Map<String, List<String>> query) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw ApiError.notAuthorized();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(authorization.substring("Bearer ".length()).trim());
            JWSHeader header = jwt.getHeader();
            Key key = header.getKeyID() == null ? null : keys.get(header.getKeyID());
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || !JOSEObjectType.JWT.equals(header.getType()) || key == null
                    || revoked.contains(key.id())) {
                throw ApiError.notAuthorized();
            }
            // ECDSAVerifier rejects any signature that is not the 64-byte JOSE r||s form (a DER signature fails).
            if (!jwt.verify(new ECDSAVerifier(key.publicKey()))) {
                throw ApiError.notAuthorized();
            }
            JsonNode claims = json.readTree(jwt.getPayload().toString());
            checkClaims(claims, key);
            checkScope(claims.get("scope"), method, path, query);
            return new Caller(key.id(), key.role());
        } catch (java.text.ParseException | JOSEException | IOException | RuntimeException e) {
            if (e instanceof ApiError apiError) {
                throw apiError;
            }
            throw ApiError.notAuthorized();
        }
    }

    private void checkClaims(JsonNode c, Key key) {
        JsonNode iat = c.get("iat");
        JsonNode exp = c.get("exp");
        JsonNode aud = c.get("aud");
        if (iat == null || exp == null || !iat.isIntegralNumber() || !exp.isIntegralNumber()
                || aud == null || !aud.isTextual() || !AUDIENCE.equals(aud.asText())) {
            throw ApiError.notAuthorized();
        }
        if (key.individual()) {
            if (c.has("iss") || !"user".equals(c.path("sub").asText(null))) {
                throw ApiError.notAuthorized();
            }
        } else if (!config.issuerId().equals(c.path("iss").asText(null))) {
            throw ApiError.notAuthorized();
        }
        long now = Instant.now().getEpochSecond();
        long skew = config.auth().clockSkewSeconds();
        long issued = iat.asLong();
        long expires = exp.asLong();
        if (expires <= issued || expires - issued > config.auth().maxLifetimeSeconds()
                || issued > now + skew || expires < now - skew) {
            throw ApiError.notAuthorized();
        }
    }

    /** A scoped token must name this method and path; {@code limit}, {@code cursor} and {@code sort} are ignored. */
    private static void checkScope(JsonNode scope, String method, String path, Map<String, List<String>> query) {
        if (scope == null) {
            return;
        }
        if (!scope.isArray()) {
            throw ApiError.notAuthorized();
        }
        for (JsonNode entry : scope) {
            String[] parts = entry.asText("").split(" ", 2);
            if (parts.length != 2 || !parts[0].equalsIgnoreCase(method)) {
                continue;
            }
            String[] pathAndQuery = parts[1].split("\\?", 2);
            if (!pathAndQuery[0].equals(path)) {
                continue;
            }
            boolean matches = true;
            if (pathAndQuery.length == 2) {
                for (String pair : pathAndQuery[1].split("&")) {
                    String[] kv = pair.split("=", 2);
                    List<String> actual = query.get(kv[0]);
                    if (!List.of("limit", "cursor", "sort").contains(kv[0])
                            && (actual == null || kv.length < 2 || !actual.contains(kv[1]))) {
                        matches = false;
                    }
                }
            }
            if (matches) {
                return;
            }
        }
        throw ApiError.notAuthorized();
    }

    /** Revokes a key (as Users and Access does): every later token it signs is refused. False for an unknown key. */
    public boolean revoke(String keyId) {
        if (!keys.containsKey(keyId)) {
            return false;
        }
        revoked.add(keyId);
        return true;
    }

    /** The revoked keys are valid again (the simulator's reset). */
    public void restoreAll() {
        revoked.clear();
    }

    public java.util.Set<String> revoked() {
        return java.util.Set.copyOf(revoked);
    }

    /** Mints a token with a demo key whose private key the simulator knows (for curl and first steps). */
    public Optional<String> demoToken(String keyId, long lifetimeSeconds) {
        Key key = keys.get(keyId);
        if (key == null || key.privateKey() == null) {
            return Optional.empty();
        }
        long now = Instant.now().getEpochSecond();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().audience(AUDIENCE)
                .issueTime(new java.util.Date(now * 1000)).expirationTime(new java.util.Date((now + lifetimeSeconds) * 1000));
        if (key.individual()) {
            claims.subject("user");
        } else {
            claims.issuer(config.issuerId());
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keyId).type(JOSEObjectType.JWT).build(),
                    claims.build());
            jwt.sign(new ECDSASigner(key.privateKey()));
            return Optional.of(jwt.serialize());
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign a demo token with key " + keyId, e);
        }
    }

    static java.security.PublicKey publicKey(String kid, String pemOrPath) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der(kid, "public-key", pemOrPath)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("asc.simulator.keys." + kid + ".public-key is not an EC public key in PEM form", e);
        }
    }

    static java.security.PrivateKey privateKey(String kid, String pemOrPath) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(kid, "private-key", pemOrPath)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("asc.simulator.keys." + kid + ".private-key is not an EC private key in PKCS#8 PEM form", e);
        }
    }

    private static String pem(String pemOrPath) throws IOException {
        if (pemOrPath.contains("-----BEGIN")) {
            return pemOrPath;
        }
        if (pemOrPath.startsWith("classpath:")) {
            try (var in = Thread.currentThread().getContextClassLoader().getResourceAsStream(pemOrPath.substring("classpath:".length()))) {
                if (in == null) {
                    throw new IOException("no resource " + pemOrPath);
                }
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            }
        }
        return Files.readString(Path.of(pemOrPath));
    }

    private static byte[] der(String kid, String setting, String pemOrPath) {
        try {
            String body = pem(pemOrPath).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return Base64.getDecoder().decode(body);
        } catch (IOException e) {
            throw new UncheckedIOException("asc.simulator.keys." + kid + "." + setting + " cannot be read", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("asc.simulator.keys." + kid + "." + setting + " is not PEM", e);
        }
    }
}
